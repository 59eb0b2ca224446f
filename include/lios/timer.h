/* SPDX-License-Identifier: MIT */
/*
 * Time (src/arch/x86_64/time/): the TSC's frequency from CPUID or calibrated against the
 * best reference counter (HPET, ACPI PM timer, PIT channel 2), a periodic tick at TIMER_HZ
 * from the local APIC timer (the PIT's channel 0 without a usable local APIC, or where the
 * local APIC timer may stop while the CPU halts), uptime from the TSC, and the report the
 * `timer` command prints. Bounded waits are <lios/time.h>.
 */
#ifndef LIOS_TIMER_H
#define LIOS_TIMER_H

#include <lios/clock.h>
#include <lios/compiler.h>

#define TIMER_HZ 1000 /* ticks per second */

/* Find the clock sources (hw: what the firmware describes; NULL for none), settle the
 * TSC frequency, start the tick and print the "timer: ..." line. Needs irq_init() (the
 * local APIC) and ioremap; the tick runs once interrupts are enabled. Boot, once,
 * interrupts disabled. Never fails: without any reference it says so and estimates. */
void timer_init(const struct clock_hw *hw);
/* Check that the tick's interrupts arrive (two within 1 s); when they do not, stop it and
 * start the other source, or run without a tick (timer_sleep_ms spins), and say so: a
 * silent tick would otherwise halt the first sleep for good. Boot, once, with interrupts
 * enabled (it does nothing with them disabled), before anything sleeps (timer_sleep_ms):
 * the later, the less it waits, since it counts the ticks since the tick started. First,
 * on an AMD CPU whose C1E register read off at timer_init, it reads it again: firmware
 * may turn C1E on when the chipset enters ACPI mode, so call it after that (kmain: after
 * acpi_button_init); found on, the tick moves as timer_init would have chosen it. */
void timer_check_tick(void);
/* Tick interrupts handled since timer_init (they advance only while interrupts are
 * enabled; under a loaded emulator some may be lost: time comes from the TSC). */
uint64_t timer_ticks(void);
/* Milliseconds / microseconds since timer_init, from the TSC: any context, interrupts off
 * too; 0 before timer_init. */
uint64_t timer_uptime_ms(void);
uint64_t timer_uptime_us(void);
/* Busy-wait at least us microseconds. Any context. */
void timer_delay_us(uint64_t us);
/* Wait at least ms milliseconds, halting between ticks when interrupts are enabled.
 * Thread context. */
void timer_sleep_ms(uint64_t ms);
/* Whether a halt until the next interrupt is sure to end within a tick: a tick runs, and
 * HLT cannot stop it (a local APIC timer that may stop in C1E can), nor the TSC the clock
 * counts on (C1E stops a K8's, which is not invariant). A waiter that polls
 * something raising no interrupt (serial input, a deadline) halts only then and spins
 * otherwise, or it would sleep for good on a machine without such a tick. Any context. */
bool timer_halt_ends(void);
/* Without a tick: run the tick hooks (timer_add_tick_hook) when a tick period of TSC time
 * has passed since they last ran, so that what the tick drives (the USB stack) goes on
 * while a thread waits by polling (the shell's idle, timer_sleep_ms). Does nothing while
 * a tick runs. Interrupts disabled, where a tick's interrupt could have come. */
void timer_poll(void);
/* Run fn on every tick, inside the tick's interrupt handler (interrupts off: short, never
 * waits), or from timer_poll without a tick. Returns 0 or -ENOSPC (4 hooks at most). Any
 * context. */
int timer_add_tick_hook(void (*fn)(void));
/* Stop running fn (added by timer_add_tick_hook); when this returns, fn is not running
 * and will not run again. Nothing when fn is no hook. Process context. */
void timer_remove_tick_hook(void (*fn)(void));
/* The TSC rate in kHz (0 before timer_init; an estimate when no reference existed). */
uint64_t timer_cycles_khz(void);
/* "local APIC timer (periodic)", "local APIC timer (TSC-deadline)", "PIT channel 0" or
 * "none". */
const char *timer_tick_source_name(void);

/* What timer_init found, for the `timer` command and the self-tests. */
enum clock_state {
	CLOCK_ABSENT,   /* not described / not present */
	CLOCK_FROZEN,   /* answers but does not count (a clock-gated PIT, an absent device) */
	CLOCK_COUNTING, /* counts; not measured against */
	CLOCK_USED,     /* the TSC was calibrated against it */
	CLOCK_CHECKED,  /* the TSC was cross-checked against it */
};

struct timer_source {
	const char *name;      /* "HPET", "ACPI PM timer", "PIT channel 2" */
	enum clock_state state;
	uint64_t hz;           /* the counter's own rate, Hz (0 if unknown) */
	uint64_t tsc_hz;       /* the TSC rate measured against it (USED/CHECKED), Hz */
	unsigned bits;         /* counter width */
	const char *note;      /* why absent or frozen, "" otherwise */
};

/* The measured TSC rate refined over about a second against its reference (as Linux's
 * tsc_refine_calibration_work). */
enum timer_refine {
	TIMER_REFINE_NONE,    /* nothing to refine, or nothing to refine it against: refine_note */
	TIMER_REFINE_PENDING, /* the span has not passed yet */
	TIMER_REFINE_ADOPTED, /* tsc_hz is the refined rate */
	TIMER_REFINE_KEPT,    /* the refinement failed or came out more than 1% off: the boot's
			       * rate kept (refine_note) */
};

#define TIMER_MAX_SOURCES 3
struct timer_report {
	uint64_t tsc_hz;               /* the TSC rate in use, Hz */
	uint64_t boot_tsc_hz;          /* the rate timer_init settled on (tsc_hz until refined) */
	const char *tsc_origin;        /* "CPUID 0x15", "CPUID 0x15+0x16", "HPET", ..., "estimate" */
	const char *estimate_basis;    /* origin "estimate": "CPUID 0x16 base", "brand string", "assumed" */
	bool tsc_nominal;              /* origin "CPUID 0x15+0x16" with no reference to measure
					* it against: leaf 0x16's nominal base frequency */
	const char *cpuid_said;        /* beside a measured rate, the CPUID estimate it replaced
					* ("CPUID 0x15+0x16"); NULL: none */
	uint64_t cpuid_said_hz;        /* that estimate, Hz */
	uint32_t cpuid_said_ppm;       /* its distance from the boot's measurement, ppm */
	enum timer_refine refine;
	const char *refine_ref;        /* the reference refined against (PENDING on) */
	const char *refine_note;       /* NONE: why not; KEPT: why */
	uint64_t refine_hz;            /* the rate over the span (ADOPTED; KEPT when measured) */
	uint64_t refine_us;            /* the span in the reference's time, us */
	uint32_t refine_ppm;           /* refine_hz's distance from boot_tsc_hz, ppm */
	bool invariant_tsc;
	bool tsc_deadline;             /* CPUID offers the TSC-deadline timer */
	bool tsc_deadline_allowed;     /* offered, and not refused for the CPU's errata (a
					* listed Intel part with older microcode); false
					* while the local APIC timer has not ticked: the
					* errata are asked only when it is about to */
	const char *tsc_deadline_note; /* that decision in words ("not offered ...",
					* "allowed: ...", "refused: <part>, microcode ...",
					* "not asked: ...") */
	const char *tick_source;       /* see timer_tick_source_name() */
	uint32_t tick_hz;              /* TIMER_HZ, or 0 without a tick */
	bool tick_verified;            /* timer_check_tick saw its interrupts arrive */
	const char *tick_note;         /* why the tick is not the usual local APIC timer's, or
					* why that one may stop in C1E; NULL: nothing to say */
	const char *c1e_note;          /* whether C1E may stop the local APIC timer, and how
					* that was decided ("none that stops ... (<why>)",
					* "off: AMD family ..., MSR C001_0055 0x0 ...") */
	uint64_t lapic_timer_hz;       /* local APIC timer input after its divider, Hz; 0 unused */
	unsigned nsources;
	struct timer_source sources[TIMER_MAX_SOURCES];
	bool cross_checked;            /* a second measurement of the TSC rate exists */
	const char *check_a, *check_b; /* the two sides compared */
	uint64_t check_a_hz, check_b_hz;
	uint32_t check_ppm;            /* their disagreement, parts per million */
};

/* The record timer_init() built. Any context. */
const struct timer_report *timer_report(void);

#endif
