/* SPDX-License-Identifier: MIT */
/*
 * Which counter drives the tick, decided in pure C (tick_choice.c; also built for the host:
 * tests/unit/arch/x86_64/time/test_tick_choice.c) from what the CPU reports and what
 * timer_init found; tsc.c's start_tick carries the choice out.
 */
#ifndef TIME_TICK_CHOICE_H
#define TIME_TICK_CHOICE_H

#include <lios/compiler.h>
#include <lios/cpu_features.h>

enum tick_kind {
	TICK_NONE,  /* nothing can tick */
	TICK_LAPIC, /* the local APIC timer, on VEC_LAPIC_TIMER */
	TICK_PIT,   /* PIT channel 0, on IRQ 0 */
};

struct tick_choice {
	enum tick_kind first;     /* start this one */
	enum tick_kind fallback;  /* when first does not start (TICK_NONE: no other) */
	const char *why;          /* why the choice is not the usual one, for the log and the
				   * `timer` command; NULL when it is */
	const char *why_fallback; /* the same when the fallback ticks; NULL: nothing to add */
};

/* True when HLT may stop this CPU's local APIC timer: an AMD processor of a family with
 * C1E (0x0f from revision F, 0x10, 0x11) without ARAT, whose C1E state, entered from HLT,
 * stops the APIC timer. Pure. */
bool tick_lapic_stops_in_halt(const struct cpu_features *f);

/* Whether a halt until the next interrupt is sure to end within a tick while `ticking`
 * drives the tick (what timer_halt_ends reports): never without a tick, nor with a local
 * APIC timer that HLT may stop (tick_lapic_stops_in_halt: waits spin instead, and the
 * timer runs while they do). Pure. */
bool tick_halt_ends(const struct cpu_features *f, enum tick_kind ticking);

/* The tick source: the local APIC timer when lapic_usable (the local APIC is in use and not
 * refused by `nolapic_timer`), unless HLT may stop it and the PIT counts; else PIT channel
 * 0 when pit_counts (channel 2 was seen counting: a gated PIT never ticks). Pure. */
struct tick_choice tick_choose(const struct cpu_features *f, bool lapic_usable, bool pit_counts);

/* What tick_verify needs of the machine: start a kind of tick (0 or a negative errno), stop
 * one whose interrupts never came, and whether the running tick's interrupts arrive (a
 * bounded wait). ctx is passed to each. */
struct tick_ops {
	int (*start)(enum tick_kind k, void *ctx);
	void (*stop)(enum tick_kind k, void *ctx);
	bool (*arrives)(void *ctx);
	void *ctx;
};

/* The tick that really ticks: `running` (what c's first choice, or its fallback when the
 * first did not start, left running; TICK_NONE for none) is kept when its interrupts
 * arrive; otherwise it is stopped and c's other kind, if any and not yet tried, is started
 * and checked the same way. Returns the kind that ticks, TICK_NONE when none does (every
 * silent one stopped). Pure but for ops. */
enum tick_kind tick_verify(const struct tick_choice *c, enum tick_kind running,
			   const struct tick_ops *ops);

#endif
