// SPDX-License-Identifier: MIT
/*
 * The measured TSC rate refined over about a second, as Linux's tsc_refine_calibration_work
 * does for every rate it does not know exactly. The boot measures the TSC against its
 * reference (the HPET or the ACPI PM timer) over 5 ms, where a slow read of the reference
 * weighs a few hundred ppm at worst; here, a tick hook about a second after that window
 * closed reads the same reference again between two TSC reads (clock_sample_ref), and the
 * rate over the whole span (clock_refine: 200 times the window, counted across one wrap of
 * the 24-bit PM timer) replaces the boot's when the two agree within 1%; otherwise the
 * boot's rate stays and a warning says why. CPUID 0x15 with its crystal is exact and is not
 * refined; an estimate, or leaf 0x16's rate with no reference, has nothing to be refined
 * against, nor has a rate from PIT channel 2 (its 16 bits wrap every 55 ms, and its gate is
 * released after boot). tsc.c arms it (tsc_refine_start) or says why not (tsc_refine_none).
 *
 * Runs in the tick's interrupt handler (or timer_poll without a tick), interrupts off: the
 * new rate reaches the clock (tick_rebase_clock: time continuous and monotonic across it),
 * the TSC-deadline tick and the report together, so no reader on this single CPU sees half
 * of it. A deadline taken before it is a TSC value and expires within the change (< 1%).
 */
#include <arch/cpu.h>
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/timer.h>
#include "time_internal.h"

#define REFINE_US 1000000 /* the span: Linux's is about a second too */
#define REFINE_ATTEMPTS 3 /* spans in all: again while the tick comes too late */

static const struct clock_ref *ref; /* the reference the boot's rate was measured against */
static struct clock_sample start;   /* where the current span began */
static uint64_t boot_hz;
static unsigned attempts;

static uint64_t tsc_read(void) { return rdtsc(); }

/* "1234.567" MHz from Hz, into buf. */
static const char *mhz(char *buf, size_t size, uint64_t hz)
{
	uint64_t khz = hz / 1000;

	ksnprintf(buf, size, "%llu.%03llu", (unsigned long long)(khz / 1000),
		  (unsigned long long)(khz % 1000));
	return buf;
}

/* The boot's rate kept, and why, into the report. */
static void keep(const char *why)
{
	struct timer_report *rep = timer_report_mut();

	rep->refine_note = why;
	rep->refine = TIMER_REFINE_KEPT;
}

/* The span's end: the rate over it adopted, in silence (the report has it: the shell's
 * `timer`), or the boot's kept, with a warning. A line printed here would land about a
 * second after timer_init, in the middle of whatever the shell or a self-test is printing
 * then (a command's output before its prompt): only a refusal, a sign of a broken
 * reference, is worth that. */
static void finish(int err, const struct clock_refine *r)
{
	struct timer_report *rep = timer_report_mut();
	char a[24], b[24];
	unsigned ms = (unsigned)(r->span_us / 1000);

	rep->refine_hz = r->tsc_hz;
	rep->refine_us = r->span_us;
	rep->refine_ppm = r->ppm;
	if (err == 0) {
		uint64_t now = rdtsc();

		tick_rebase_clock(r->tsc_hz, now);
		lapic_timer_set_tsc_hz(r->tsc_hz);
		rep->tsc_hz = r->tsc_hz;
		rep->refine = TIMER_REFINE_ADOPTED;
		return;
	}
	if (err == -ERANGE) {
		keep("it came out more than 1% from the boot's");
		printk(KERN_WARN
		       "timer: TSC refinement over %u.%03u s against %s gave %s MHz, %u.%04u%% "
		       "from the boot's %s MHz: the boot's rate kept\n",
		       ms / 1000, ms % 1000, ref->name, mhz(a, sizeof(a), r->tsc_hz),
		       r->ppm / 10000, r->ppm % 10000, mhz(b, sizeof(b), boot_hz));
		return;
	}
	if (err == -ENODEV)
		keep("the reference stopped counting");
	else if (err == -EAGAIN)
		keep("the tick kept coming too late to count the reference's wraps");
	else
		keep("no span to measure");
	printk(KERN_WARN "timer: TSC not refined against %s: %s: the boot's rate kept\n", ref->name,
	       rep->refine_note);
}

/* The tick hook: once the span has passed (by the boot's rate), the reference read again
 * and the rate over the span settled. A span too long to count the reference's wraps (the
 * tick held off for over half a wrap) starts again from now, REFINE_ATTEMPTS times at most.
 * Interrupts off. */
static void refine_tick(void)
{
	struct clock_sample now;
	struct clock_refine r;
	int err;

	if (rdtsc() - start.tsc < clock_muldiv(boot_hz, REFINE_US, 1000000))
		return;
	clock_sample_ref(ref, tsc_read, &now);
	err = clock_refine(ref, boot_hz, &start, &now, &r);
	if (err == -EAGAIN && ++attempts < REFINE_ATTEMPTS) {
		printk(KERN_DEBUG
		       "timer: TSC refinement against %s: span over half its wrap, started again\n",
		       ref->name);
		start = now;
		return;
	}
	timer_remove_tick_hook(refine_tick);
	finish(err, &r);
}

/* tsc_refine_start - see time_internal.h. */
void tsc_refine_start(const struct clock_ref *against, const struct clock_sample *from, uint64_t hz)
{
	struct timer_report *rep = timer_report_mut();

	ref = against;
	start = *from;
	boot_hz = hz;
	attempts = 0;
	rep->refine_ref = against->name;
	rep->refine = TIMER_REFINE_PENDING;
	if (timer_add_tick_hook(refine_tick) != 0)
		tsc_refine_none("no tick hook free to run it");
}

/* tsc_refine_none - see time_internal.h. */
void tsc_refine_none(const char *why)
{
	struct timer_report *rep = timer_report_mut();

	rep->refine = TIMER_REFINE_NONE;
	rep->refine_note = why;
}
