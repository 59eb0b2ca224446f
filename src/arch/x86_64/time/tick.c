// SPDX-License-Identifier: MIT
/*
 * The tick count and the time since boot. Whatever drives the tick (the local APIC timer or
 * PIT channel 0) calls tick_account() from its interrupt; time itself comes from the TSC
 * through the rate timer_init() settled, so uptime stays true even when a loaded emulator
 * delivers ticks late or coalesces them, and it runs with interrupts disabled. Without a
 * tick, the hooks run from timer_poll, which threads that wait by polling call.
 *
 * Invariant: ticks (and periods) only grow, and only in the tick's interrupt handler; readers on this
 * single CPU read it with one 64-bit load. The TSC-to-time conversion (clk) is set at boot,
 * before interrupts are enabled, and rebased at most once more, when the rate is refined
 * (tsc_refine.c, from the tick, interrupts off); readers copy it and read the TSC with
 * interrupts off, so each sees the old conversion with a TSC from before the rebase or the
 * new one with a TSC from after: time stays continuous and monotonic across it.
 */
#include <arch/cpu.h>
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/time.h>
#include <lios/timer.h>
#include "time_internal.h"

static volatile uint64_t ticks;
static struct clock_conv clk;       /* hz 0 before timer_init */
static uint64_t start_ns;           /* clk's time at timer_init: uptime counts from it */
static const char *tick_source;     /* NULL: no tick */
static bool halt_ends;              /* HLT cannot stop the tick (tick_halt_ends) */

#define TIMER_TICK_HOOKS 4
static void (*tick_hooks[TIMER_TICK_HOOKS])(void);

/* Tick periods the interrupts account for: each interrupt adds the gap since the previous
 * one in whole periods (rounded), so a tick an emulator merged into the next one still
 * counts, while interrupts at the wrong rate do not add up to the right count. */
static volatile uint64_t periods;
static uint64_t last_tick_tsc, period_cycles;
static uint64_t last_poll_tsc;      /* timer_poll ran the hooks then; 0: never */

static void run_hooks(void)
{
	for (int i = 0; i < TIMER_TICK_HOOKS; i++)
		if (tick_hooks[i])
			tick_hooks[i]();
}

/* tick_account - one tick: count it, run the hooks. The tick's interrupt handler only
 * (interrupts off). */
void tick_account(void)
{
	uint64_t now = rdtsc();

	ticks++;
	if (period_cycles && last_tick_tsc)
		periods += (now - last_tick_tsc + period_cycles / 2) / period_cycles;
	else
		periods++;
	last_tick_tsc = now;
	run_hooks();
}

/* timer_poll - see lios/timer.h: the hooks at most once a tick period of the TSC, only
 * without a tick. Interrupts off. */
void timer_poll(void)
{
	uint64_t now;

	if (tick_source || !period_cycles)
		return;
	now = rdtsc();
	if (last_poll_tsc && now - last_poll_tsc < period_cycles)
		return;
	last_poll_tsc = now;
	run_hooks();
}

/*
 * timer_add_tick_hook - run fn on every tick, in the tick's interrupt handler (interrupts
 * off: it must be short and never wait), whichever source drives the tick; without a
 * tick, from timer_poll. For drivers that poll their device (the USB stack). Returns 0, or
 * -ENOSPC when TIMER_TICK_HOOKS are taken. Any context.
 */
int timer_add_tick_hook(void (*fn)(void))
{
	uint64_t flags = arch_irq_save();
	int err = -ENOSPC;

	for (int i = 0; i < TIMER_TICK_HOOKS; i++)
		if (!tick_hooks[i]) {
			tick_hooks[i] = fn;
			err = 0;
			break;
		}
	arch_irq_restore(flags);
	return err;
}

/* timer_remove_tick_hook - see lios/timer.h: the hooks run with interrupts off (the tick's
 * handler, or timer_poll's caller), so once the slot is cleared with interrupts off no run
 * of fn is under way on this one CPU. */
void timer_remove_tick_hook(void (*fn)(void))
{
	uint64_t flags = arch_irq_save();

	for (int i = 0; i < TIMER_TICK_HOOKS; i++)
		if (tick_hooks[i] == fn)
			tick_hooks[i] = NULL;
	arch_irq_restore(flags);
}

/* tick_set_clock - the TSC rate from now on and the TSC value uptime counts from; time_ns
 * counts the TSC from its reset at that rate. Boot, interrupts off. */
void tick_set_clock(uint64_t tsc_hz, uint64_t start)
{
	clk = (struct clock_conv){.hz = tsc_hz};
	start_ns = clock_conv_ns(&clk, start);
	period_cycles = tsc_hz / TIMER_HZ;
}

/* tick_rebase_clock - see time_internal.h. Interrupts off. */
void tick_rebase_clock(uint64_t tsc_hz, uint64_t at)
{
	clock_conv_rebase(&clk, tsc_hz, at);
	period_cycles = tsc_hz / TIMER_HZ;
}

/* tick_clock_ns - see time_internal.h. Any context. */
uint64_t tick_clock_ns(void)
{
	uint64_t flags = arch_irq_save();
	struct clock_conv c = clk;
	uint64_t t = rdtsc();

	arch_irq_restore(flags);
	return clock_conv_ns(&c, t);
}

/* tick_periods - tick periods the interrupts so far account for (see above). Any context. */
uint64_t tick_periods(void) { return periods; }

/* tick_set_source - name the tick's source (static text; NULL: no tick) and say whether a
 * halt is sure to end within one of its periods (tick_halt_ends: false for a local APIC
 * timer that HLT may stop, and for any tick where C1E may stop the TSC). Boot. */
void tick_set_source(const char *name, bool halt_ends_within_tick)
{
	tick_source = name;
	halt_ends = name && halt_ends_within_tick;
}

/* timer_tick_source_name - see lios/timer.h. Any context. */
const char *timer_tick_source_name(void) { return tick_source ? tick_source : "none"; }

/* timer_ticks - tick interrupts since timer_init. Any context. */
uint64_t timer_ticks(void) { return ticks; }

/* timer_cycles_khz - the TSC rate in use (calibrated, from CPUID, or the estimate). Any
 * context; 0 before timer_init. */
uint64_t timer_cycles_khz(void) { return clk.hz / 1000; }

/* timer_uptime_us - microseconds since timer_init from the TSC; 0 before. Any context. */
uint64_t timer_uptime_us(void)
{
	if (!clk.hz)
		return 0;
	uint64_t ns = tick_clock_ns();

	return ns > start_ns ? (ns - start_ns) / 1000 : 0;
}

/* timer_uptime_ms - milliseconds since timer_init. Any context. */
uint64_t timer_uptime_ms(void) { return timer_uptime_us() / 1000; }

/* timer_delay_us - spin at least us microseconds (udelay). Any context. */
void timer_delay_us(uint64_t us) { udelay(us); }

/* timer_halt_ends - see lios/timer.h: a tick runs, and HLT does not stop it. Any context. */
bool timer_halt_ends(void) { return halt_ends; }

/*
 * timer_sleep_ms - wait at least ms milliseconds; halts until each interrupt when interrupts
 * are enabled and a halt ends within a tick (timer_halt_ends), spins otherwise (running
 * the tick hooks through timer_poll when interrupts are enabled but no tick runs). Thread
 * context.
 */
void timer_sleep_ms(uint64_t ms)
{
	uint64_t dl = deadline_us(ms * 1000);

	if (!(read_rflags() & RFLAGS_IF)) {
		udelay(ms * 1000);
		return;
	}
	if (!timer_halt_ends()) {
		/* no tick, or one HLT may stop: spin; without a tick timer_poll runs its hooks */
		while (!deadline_passed(dl)) {
			uint64_t flags = arch_irq_save();

			timer_poll();
			arch_irq_restore(flags);
			cpu_pause();
		}
		return;
	}
	while (!deadline_passed(dl))
		arch_wait_for_interrupt();
}
