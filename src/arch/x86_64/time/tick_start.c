// SPDX-License-Identifier: MIT
/*
 * The tick at boot: whether HLT may stop the local APIC timer (C1E, asked of MSR C001_0055
 * where the CPU has it: tick_c1e_probe), the source tick_choose picks, its start (or its
 * fallback's), whether the local APIC timer may use TSC-deadline mode (the microcode asked
 * on the Intel parts with errata: tsc_deadline_check; only when that timer is about to
 * tick, so `nolapic_timer`, a machine without a usable local APIC or a PIT tick reads and
 * warns nothing), and the boot's later check (timer_check_tick): the register asked
 * again, since firmware may enable C1E only when the chipset enters ACPI mode, after
 * timer_init (tick_c1e_recheck), then that the tick's interrupts arrive (tick_verify).
 * tsc.c calls tick_start once the TSC rate is known; what happened goes into the timer
 * report and the log.
 *
 * Invariant: the tick's state here (tick_c, tick_running, tick_base) changes only at boot,
 * with interrupts off around each start and stop.
 */
#include <arch/cpu.h>
#include <arch/msr.h>
#include <lios/cmdline.h>
#include <lios/cpu_features.h>
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/time.h>
#include <lios/timer.h>
#include "deadline_errata.h"
#include "tick_choice.h"
#include "time_internal.h"

#define LAPIC_WINDOW_US 5000     /* the local APIC timer against the TSC, when no window ran */
#define TICK_CHECK_US 1000000     /* a started tick's interrupts must come within this */
#define TICK_CHECK_TICKS 3        /* since the tick started: two beyond one that may have been
				   * pending from before */

static struct tick_c1e c1e; /* whether HLT may stop the local APIC timer, and why */
static struct deadline_check deadline; /* whether its TSC-deadline mode may tick, and why */
static bool deadline_asked;            /* tsc_deadline_check ran: the timer was to tick */

/* timer_c1e - see time_internal.h. Any context. */
const struct tick_c1e *timer_c1e(void) { return &c1e; }

/* timer_deadline - see time_internal.h. Any context. */
const struct deadline_check *timer_deadline(void) { return &deadline; }

/* `timer.c1e=on|off`: 1 or 0; -1 when absent, or neither (said). */
static int c1e_force(void)
{
	char v[8];

	if (cmdline_value("timer.c1e", v, sizeof(v)) == -ENOENT)
		return -1;
	if (strcmp(v, "on") == 0 || strcmp(v, "off") == 0)
		return v[1] == 'n';
	printk(KERN_WARN "timer: timer.c1e=%s is neither on nor off: ignored\n", v);
	return -1;
}

/* The C1E decision in words for the `timer` command (the report's c1e_note), made again
 * whenever the decision changes. */
static void note_c1e(void)
{
	static char words[240];

	tick_c1e_describe(cpu_features(), &c1e, words, sizeof(words));
	timer_report_mut()->c1e_note = words;
}

/* Whether HLT may stop the local APIC timer, asked of MSR C001_0055 on the CPUs that have
 * it (tick_c1e_probe), and the answer said with its basis. */
static void decide_c1e(const struct cpu_features *f)
{
	int force = c1e_force();

	c1e = tick_c1e_probe(f, force, rdmsr_safe);
	note_c1e();
	switch (c1e.basis) {
	case TICK_C1E_NONE:
		if (force >= 0)
			printk(KERN_INFO "timer: timer.c1e ignored: no C1E stops this CPU's local APIC timer\n");
		break;
	case TICK_C1E_MSR_OFF:
	case TICK_C1E_MSR_ON:
		printk(KERN_INFO "timer: AMD family %#x model %#x: MSR C001_0055 %#llx: %s\n",
		       f->family, f->model, (unsigned long long)c1e.msr,
		       c1e.basis == TICK_C1E_MSR_ON ?
		       "C1E on halt enabled (C1eOnCmpHalt or SmiOnCmpHalt set)" :
		       "C1E off (C1eOnCmpHalt and SmiOnCmpHalt clear): HLT leaves the local APIC timer counting");
		break;
	case TICK_C1E_UNREADABLE:
		printk(KERN_WARN "timer: AMD family %#x model %#x: MSR C001_0055 cannot be read (#GP): "
				 "C1E taken as on, as this family may enable it\n", f->family, f->model);
		break;
	default:
		printk(KERN_INFO "timer: %s: MSR C001_0055 not read\n", tick_c1e_summary(&c1e));
	}
	if (tick_c1e_tsc_warning(&c1e))
		printk(KERN_WARN "timer: %s\n", tick_c1e_tsc_warning(&c1e));
}

/* The TSC-deadline decision into the report (tsc_deadline_allowed, and in words
 * tsc_deadline_note for the `timer` command, also returned), made again whenever the
 * decision changes. */
static const char *note_deadline(void)
{
	static char words[320];
	struct timer_report *rep = timer_report_mut();

	tsc_deadline_describe(cpu_features(), &deadline, words, sizeof(words));
	rep->tsc_deadline_allowed = tsc_deadline_allowed(&deadline);
	rep->tsc_deadline_note = words;
	return words;
}

/* Whether the local APIC timer, about to tick, may use TSC-deadline mode
 * (tsc_deadline_check: CPUID, and the microcode revision on the Intel parts with errata),
 * into the report; a refusal is a warning, a listed part's microcode found new enough is
 * said too. Once: the first start of that timer asks, a restart keeps the answer. */
static void decide_deadline(void)
{
	const char *words;

	if (deadline_asked)
		return;
	deadline_asked = true;
	deadline = tsc_deadline_check(cpu_features(), cpu_microcode_revision);
	words = note_deadline();
	if (deadline.basis == DEADLINE_MICROCODE_OLD || deadline.basis == DEADLINE_UNREADABLE)
		printk(KERN_WARN "timer: TSC-deadline %s\n", words);
	else if (deadline.basis == DEADLINE_MICROCODE_OK)
		printk(KERN_INFO "timer: TSC-deadline %s\n", words);
	else
		printk(KERN_DEBUG "timer: TSC-deadline %s\n", words);
}

/* What start_tick chose and started, for timer_check_tick; tick_base is timer_ticks() when
 * the running tick was started. tick_lapic_hz is the local APIC timer's rate, 0 until a
 * calibration window or start_lapic_tick measured it. */
static struct tick_choice tick_c;
static enum tick_kind tick_running;
static uint64_t tick_lapic_hz, tick_tsc_hz, tick_base;
static bool tick_lapic_usable, tick_pit_counts; /* what tick_choose was given */

/* The local APIC timer against the TSC, when no reference window sampled it. */
static uint64_t lapic_against_tsc(uint64_t tsc_hz)
{
	uint64_t t0 = rdtsc(), c0 = lapic_timer_read(NULL), t1, c1;
	uint64_t span = clock_muldiv(tsc_hz, LAPIC_WINDOW_US, 1000000);

	do
		t1 = rdtsc();
	while (t1 - t0 < span);
	c1 = lapic_timer_read(NULL);
	return clock_muldiv(c1 - c0, tsc_hz, t1 - t0);
}

/* The local APIC timer as the tick; its rate is measured against the TSC now when no
 * calibration window sampled it, and kept (tick_lapic_hz): only the free run timer_init
 * left can be measured, so a later start (the boot's check moving the tick back to this
 * timer, or falling back to it) must not measure the timer it stopped. Returns 0 or the
 * lapic_timer_start error (said). */
static int start_lapic_tick(uint64_t lapic_hz, uint64_t tsc_hz)
{
	struct timer_report *rep = timer_report_mut();
	bool use_deadline;
	int err;

	decide_deadline();
	use_deadline = tsc_deadline_allowed(&deadline);
	if (!lapic_hz && !use_deadline) {
		lapic_hz = lapic_against_tsc(tsc_hz);
		tick_lapic_hz = lapic_hz;
	}
	rep->lapic_timer_hz = lapic_hz;
	printk(KERN_DEBUG "timer: local APIC timer %llu Hz after its divider\n",
	       (unsigned long long)lapic_hz);
	err = lapic_timer_start(lapic_hz, tsc_hz, use_deadline);
	if (err) {
		printk(KERN_WARN "timer: local APIC timer at %llu Hz cannot tick at %u Hz\n",
		       (unsigned long long)lapic_hz, TIMER_HZ);
		rep->lapic_timer_hz = 0;
		return err;
	}
	tick_set_source(lapic_timer_deadline_mode() ? "local APIC timer (TSC-deadline)" :
			"local APIC timer (periodic)", tick_halt_ends(&c1e, TICK_LAPIC));
	return 0;
}

/* PIT channel 0 as the tick. Returns 0 or the irq_register error (said). */
static int start_pit_tick(void)
{
	int err = pit_tick_start();

	if (err) {
		printk(KERN_ERR "timer: IRQ 0 not available (%d) for the PIT tick\n", err);
		return err;
	}
	tick_set_source("PIT channel 0", tick_halt_ends(&c1e, TICK_PIT));
	return 0;
}

static int start_tick_from(enum tick_kind k, uint64_t lapic_hz, uint64_t tsc_hz)
{
	if (k == TICK_LAPIC)
		return start_lapic_tick(lapic_hz, tsc_hz);
	if (k == TICK_PIT)
		return start_pit_tick();
	return -ENODEV;
}

/* The tick as tick_choose() says: the local APIC timer whenever the local APIC is in use
 * and keeps counting while the CPU halts, else PIT channel 0 (only if channel 2 was seen
 * counting: a gated PIT would never tick); the other one when the first does not start. */
static void start_tick(bool lapic, uint64_t lapic_hz, uint64_t tsc_hz, bool pit_counts)
{
	struct timer_report *rep = timer_report_mut();
	struct tick_choice c = tick_choose(&c1e, lapic, pit_counts);

	tick_c = c;
	tick_lapic_usable = lapic;
	tick_pit_counts = pit_counts;
	tick_lapic_hz = lapic_hz;
	tick_tsc_hz = tsc_hz;
	rep->tick_note = c.why;
	if (c.why)
		printk(KERN_WARN "timer: %s\n", c.why);
	if (c.first == TICK_NONE) {
		printk(KERN_WARN "timer: no tick (no usable local APIC, the PIT does not count)\n");
		return;
	}
	tick_base = timer_ticks();
	if (start_tick_from(c.first, lapic_hz, tsc_hz) == 0) {
		tick_running = c.first;
		rep->tick_hz = TIMER_HZ;
		return;
	}
	if (c.fallback != TICK_NONE && start_tick_from(c.fallback, lapic_hz, tsc_hz) == 0) {
		tick_running = c.fallback;
		rep->tick_hz = TIMER_HZ;
		rep->tick_note = c.why_fallback;
		if (c.why_fallback)
			printk(KERN_WARN "timer: %s\n", c.why_fallback);
		return;
	}
	printk(KERN_ERR "timer: no tick\n");
}

static int check_start(enum tick_kind k, void *ctx)
{
	uint64_t flags = irq_save();
	int err;

	(void)ctx;
	tick_base = timer_ticks();
	err = start_tick_from(k, tick_lapic_hz, tick_tsc_hz);
	irq_restore(flags);
	return err;
}

/* A running tick stopped: no tick until another starts. A stopped local APIC timer's
 * rate leaves the report, so `timer` shows it only while that timer ticks (a restart
 * puts it back). */
static void move_stop(enum tick_kind k, void *ctx)
{
	uint64_t flags = irq_save();

	(void)ctx;
	if (k == TICK_LAPIC) {
		lapic_timer_stop();
		timer_report_mut()->lapic_timer_hz = 0;
	} else {
		pit_tick_stop();
	}
	tick_set_source(NULL, false);
	irq_restore(flags);
}

/* A tick whose interrupts never came: stopped, and said. */
static void check_stop(enum tick_kind k, void *ctx)
{
	printk(KERN_ERR "timer: no interrupt from the %s tick in %u ms: stopped\n",
	       timer_tick_source_name(), TICK_CHECK_US / 1000);
	move_stop(k, ctx);
}

/* TICK_CHECK_TICKS ticks since the tick started, waiting at most TICK_CHECK_US of the TSC
 * for them: generous, since a loaded emulator delivers ticks late. Checked a few
 * milliseconds of boot after the start (kmain), they have mostly come already. */
static bool check_arrives(void *ctx)
{
	uint64_t dl = deadline_us(TICK_CHECK_US);

	(void)ctx;
	while (timer_ticks() - tick_base < TICK_CHECK_TICKS) {
		if (deadline_passed(dl))
			return false;
		cpu_pause();
	}
	return true;
}

/* MSR C001_0055 read again where tick_start read C1E off in it: firmware may enable C1E
 * when the chipset enters ACPI mode (acpi_button_init, after timer_init). Found on, the
 * tick is chosen anew and moved (tick_c1e_recheck), or, with nothing else to tick, the
 * local APIC timer stays and waits spin from now on; the log says so. Interrupts on. */
static void recheck_c1e(void)
{
	static const struct tick_ops ops = { check_start, move_stop, NULL, NULL };
	struct timer_report *rep = timer_report_mut();
	struct tick_c1e was = c1e;

	if (c1e.basis != TICK_C1E_MSR_OFF)
		return;
	c1e = tick_c1e_probe(cpu_features(), -1, rdmsr_safe);
	if (c1e.basis != TICK_C1E_MSR_ON) {
		c1e = was; /* still off, or now unreadable: the first read stands */
		return;
	}
	printk(KERN_WARN "timer: MSR C001_0055 now %#llx: C1E on halt enabled since the tick was "
			 "chosen (firmware entering ACPI mode may do that)\n",
	       (unsigned long long)c1e.msr);
	note_c1e();
	tick_running = tick_c1e_recheck(&was, &c1e, tick_lapic_usable, tick_pit_counts, &tick_c,
					tick_running, &ops);
	rep->tick_note = tick_running == tick_c.first ? tick_c.why : tick_c.why_fallback;
	if (rep->tick_note)
		printk(KERN_WARN "timer: %s\n", rep->tick_note);
	if (tick_c1e_tsc_warning(&c1e))
		printk(KERN_WARN "timer: %s\n", tick_c1e_tsc_warning(&c1e));
	if (tick_running == TICK_NONE) {
		rep->tick_hz = 0;
		rep->tick_note = "C1E turned on and neither tick restarted: no tick, waits spin "
				 "instead of halting";
		printk(KERN_ERR "timer: no tick: waits spin instead of halting\n");
	} else {
		/* kept, or moved: a halt may not end now (a local APIC timer C1E may stop, a
		 * TSC it stops), so waits spin where tick_halt_ends says */
		tick_set_source(timer_tick_source_name(), tick_halt_ends(&c1e, tick_running));
	}
	rep->tick_source = timer_tick_source_name();
}

/* timer_check_tick - see lios/timer.h. */
void timer_check_tick(void)
{
	static const struct tick_ops ops = { check_start, check_stop, check_arrives, NULL };
	static char note[320]; /* the report's tick_note from here on */
	struct timer_report *rep = timer_report_mut();
	struct tick_verdict verdict;
	enum tick_kind was = tick_running;
	uint64_t flags;

	if (was == TICK_NONE || !(read_rflags() & RFLAGS_IF))
		return;
	recheck_c1e();
	was = tick_running;
	tick_running = tick_verify(&tick_c, was, &ops, &verdict);
	flags = irq_save();
	rep->tick_verified = tick_running != TICK_NONE;
	if (tick_running != was) {
		tick_verify_note(&tick_c, &verdict, note, sizeof(note));
		rep->tick_note = note;
		if (tick_running == TICK_NONE) {
			rep->tick_hz = 0;
			printk(KERN_ERR "timer: no tick: waits spin instead of halting\n");
		} else {
			printk(KERN_WARN "timer: tick from %s instead\n", timer_tick_source_name());
			if (tick_running == tick_c.fallback && tick_c.why_fallback)
				printk(KERN_WARN "timer: %s\n", tick_c.why_fallback);
		}
	}
	rep->tick_source = timer_tick_source_name();
	irq_restore(flags);
}

/* tick_start - see time_internal.h. */
void tick_start(const struct cpu_features *f, bool lapic, uint64_t lapic_hz, uint64_t tsc_hz,
		bool pit_counts)
{
	decide_c1e(f);
	deadline = tsc_deadline_unasked(f); /* until the local APIC timer is about to tick */
	deadline_asked = false;
	note_deadline();
	start_tick(lapic, lapic_hz, tsc_hz, pit_counts);
	timer_report_mut()->tick_source = timer_tick_source_name();
}
