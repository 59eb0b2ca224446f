// SPDX-License-Identifier: MIT
/*
 * In-kernel self-tests of time: the tick advances while halted, its rate is TIMER_HZ
 * against the TSC, the tick comes from the local APIC timer whenever the local APIC is in
 * use (unless `nolapic_timer`), the TSC clock runs with interrupts disabled, and what timer_init reported holds
 * together (a reference was used unless the rate is an estimate, two measurements agree).
 *
 * On a loaded host an emulator delivers ticks late and coalesces missed ones (QEMU's
 * periodic timers skip periods they were too late for), so ticks can only be lost, never
 * gained: the rate test takes the best of several TSC-timed windows, and only a rate too
 * high in every window, or too low in every window, fails.
 */
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/trap.h>
#include <lios/arch.h>
#include <lios/cmdline.h>
#include <lios/printk.h>
#include <lios/selftest.h>
#include <lios/time.h>
#include <lios/timer.h>

#define RATE_WINDOW_MS 100
#define RATE_WINDOWS 6
#define RATE_TOLERANCE_PPM 20000 /* 2% */

static void require_tick(void)
{
	if (!(read_rflags() & RFLAGS_IF))
		ktest_skip("interrupts disabled");
	if (!timer_report()->tick_hz)
		ktest_skip("no tick on this machine");
}

/* With interrupts enabled the tick advances: 10 ticks within a generous 5 s TSC bound
 * (polled, never halted: a tick that never comes fails the test instead of hanging it). */
KTEST(timer, ticks_advance)
{
	uint64_t t0, dl;

	require_tick();
	t0 = timer_ticks();
	dl = deadline_us(5000000);
	while (timer_ticks() < t0 + 10 && !deadline_passed(dl))
		arch_cpu_relax();
	KEXPECT(timer_ticks() >= t0 + 10);
	KEXPECT(timer_uptime_ms() > 0);
}

/* Ticks counted over TSC-timed windows of 100 ms: the best window is within 2% of
 * TIMER_HZ (a wrong divide or count is off by far more), none is more than 2% fast. */
KTEST(timer, tick_rate_against_tsc)
{
	uint64_t best_ppm = UINT64_MAX;

	require_tick();
	for (int w = 0; w < RATE_WINDOWS; w++) {
		uint64_t t0, us0, n, us, expect, diff;

		/* start on a tick edge so the count is exact to one (bounded: 1 s) */
		uint64_t dl = deadline_us(1000000);

		t0 = timer_ticks();
		while (timer_ticks() == t0 && !deadline_passed(dl))
			arch_cpu_relax();
		KASSERT(timer_ticks() != t0);
		t0 = timer_ticks();
		us0 = timer_uptime_us();
		/* halted between ticks: a busy vCPU would starve the emulator's timer thread */
		while (timer_uptime_us() - us0 < RATE_WINDOW_MS * 1000)
			arch_wait_for_interrupt();
		n = timer_ticks() - t0;
		us = timer_uptime_us() - us0;
		expect = us * TIMER_HZ / 1000000;
		printk("# timer: %llu ticks in %llu us (%llu expected)\n", (unsigned long long)n,
		       (unsigned long long)us, (unsigned long long)expect);
		KEXPECT(n <= expect + expect * RATE_TOLERANCE_PPM / 1000000 + 1);
		diff = n > expect ? n - expect : expect - n;
		if (diff * 1000000 / expect < best_ppm)
			best_ppm = diff * 1000000 / expect;
		if (best_ppm <= RATE_TOLERANCE_PPM / 2)
			break;
	}
	KEXPECT(best_ppm <= RATE_TOLERANCE_PPM);
}

/* Whenever the local APIC is in use the tick is its timer: unmasked on VEC_LAPIC_TIMER,
 * periodic with a non-zero count (or TSC-deadline when CPUID offers it). */
KTEST(timer, tick_from_local_apic)
{
	uint32_t lvt;

	if (!lapic_in_use() || cmdline_has("nolapic_timer")) {
		KEXPECT(timer_report()->lapic_timer_hz == 0);
		KEXPECT(timer_tick_source_name()[0] != 'l');
		ktest_skip("local APIC timer not in use");
	}
	lvt = lapic_reg_read(LAPIC_LVT_TIMER);
	KEXPECT(!(lvt & LAPIC_LVT_MASKED));
	KEXPECT((lvt & 0xff) == VEC_LAPIC_TIMER);
	if (timer_report()->tsc_deadline) {
		KEXPECT((lvt & (3u << 17)) == LAPIC_LVT_TIMER_TSC_DEADLINE);
	} else {
		KEXPECT((lvt & (3u << 17)) == LAPIC_LVT_TIMER_PERIODIC);
		KEXPECT(lapic_reg_read(LAPIC_TIMER_INITIAL) > 0);
	}
	KEXPECT(timer_tick_source_name()[0] == 'l'); /* "local APIC timer (...)" */
}

/* The TSC clock runs with interrupts disabled: a 2 ms busy wait advances timer_uptime_us
 * by at least 2000 while the tick stands still. */
KTEST(timer, delay_without_interrupts)
{
	uint64_t flags, t0, ticks0;

	flags = irq_save();
	ticks0 = timer_ticks();
	t0 = timer_uptime_us();
	udelay(2000);
	KEXPECT(timer_uptime_us() >= t0 + 2000);
	KEXPECT(timer_ticks() == ticks0);
	irq_restore(flags);
}

/* The report holds together: the rate is an estimate exactly when no source was used
 * (and no CPUID leaf gave it); a used or checked source has its own TSC measurement; two
 * measurements of the TSC agree within 1%. */
KTEST(timer, report_consistent)
{
	const struct timer_report *r = timer_report();
	bool used = false;

	KEXPECT(r->tsc_hz > 0 && timer_cycles_khz() == r->tsc_hz / 1000);
	for (unsigned i = 0; i < r->nsources; i++) {
		const struct timer_source *s = &r->sources[i];

		if (s->state == CLOCK_USED)
			used = true;
		if (s->state == CLOCK_USED || s->state == CLOCK_CHECKED)
			KEXPECT(s->tsc_hz > 0 && s->hz > 0);
	}
	if (r->estimate_basis)
		KEXPECT(!used && !r->cross_checked);
	else
		KEXPECT(used || r->tsc_origin[0] == 'C'); /* a source, or "CPUID ..." */
	if (r->cross_checked)
		KEXPECT(r->check_ppm <= 10000);
}
