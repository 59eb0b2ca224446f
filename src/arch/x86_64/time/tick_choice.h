/* SPDX-License-Identifier: MIT */
/*
 * Which counter drives the tick, decided in pure C (tick_choice.c; also built for the host:
 * tests/unit/arch/x86_64/time/test_tick_choice.c) from what the CPU reports, what its
 * C1E register says (read through a function tsc.c passes) and what timer_init found;
 * tsc.c's start_tick carries the choice out.
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

/* AMD's Interrupt Pending Message register (BKDG for family 0Fh revision F on, 10h and 11h:
 * MSRC001_0055). When every core has halted, C1eOnCmpHalt makes the processor enter C1E,
 * SmiOnCmpHalt raises an SMI whose handler does: either way HLT may stop the local APIC
 * timer. Both clear: HLT is plain C1. The firmware sets them (Linux reads the same bits). */
#define MSR_INT_PENDING_MSG 0xc0010055u
#define INT_PENDING_SMI_ON_CMP_HALT (1ull << 27)
#define INT_PENDING_C1E_ON_CMP_HALT (1ull << 28)

/* How tick_c1e_probe decided whether HLT may enter C1E and stop the local APIC timer. */
enum tick_c1e_basis {
	TICK_C1E_NONE,       /* no such C1E: another vendor or family, ARAT, a hypervisor */
	TICK_C1E_MSR_OFF,    /* MSR C001_0055 read, both bits clear: the timer keeps counting */
	TICK_C1E_MSR_ON,     /* MSR C001_0055 read, a bit set: HLT may stop the timer */
	TICK_C1E_UNREADABLE, /* the read raised #GP: the family's answer (may stop) stands */
	TICK_C1E_FORCED_ON,  /* `timer.c1e=on`: taken as on, the MSR not read */
	TICK_C1E_FORCED_OFF, /* `timer.c1e=off`: taken as off, the MSR not read */
};

struct tick_c1e {
	enum tick_c1e_basis basis;
	uint64_t msr;   /* MSR C001_0055 as read (TICK_C1E_MSR_*), else 0 */
	bool tsc_stops; /* a C1E family whose TSC is not invariant (K8): C1E stops it too */
};

/* Whether HLT may put this CPU in C1E, which stops its local APIC timer. Only an AMD (or
 * Hygon) CPU of a family with C1E (0x0f from revision F, 0x10, 0x11) without ARAT, on bare
 * metal, is asked: force 1 or 0 (`timer.c1e=on|off`) answers for it; otherwise
 * read_msr(MSR_INT_PENDING_MSG, &v) (0, or an error when the CPU refused the read) does.
 * No other CPU reads the MSR. Pure but for read_msr. */
struct tick_c1e tick_c1e_probe(const struct cpu_features *f, int force,
			       int (*read_msr)(uint32_t msr, uint64_t *val));

/* True when HLT may stop the local APIC timer: C1E found on, forced on, or unreadable on
 * a family that has it. Pure. */
bool tick_lapic_stops_in_halt(const struct tick_c1e *c1e);

/* The warning for a CPU where C1E may be on and stop the TSC too (tsc_stops): waits spin
 * whatever ticks. NULL when that is not so. Pure. */
const char *tick_c1e_tsc_warning(const struct tick_c1e *c1e);

/* The decision in a few words for the `timer:` line ("C1E off (MSR C001_0055)"); NULL for
 * a CPU without such C1E. Pure. */
const char *tick_c1e_summary(const struct tick_c1e *c1e);

/* The decision for f in a sentence, into buf (size bytes, always terminated), for the
 * `timer` command: why no C1E stops this CPU's local APIC timer (not an AMD CPU of those
 * families, a hypervisor, ARAT, a family whose timer runs in every C-state, a K8 before
 * revision F), or what MSR C001_0055 read (its value) or `timer.c1e=` said, and what that
 * means for the timer (and for the TSC, where C1E may stop it too). Pure. */
void tick_c1e_describe(const struct cpu_features *f, const struct tick_c1e *c1e, char *buf,
		       size_t size);

/* Whether a halt until the next interrupt is sure to end within a tick while `ticking`
 * drives the tick, with the clock still true after it (what timer_halt_ends reports):
 * never without a tick, nor with a local APIC timer that HLT may stop
 * (tick_lapic_stops_in_halt: waits spin instead, and the timer runs while they do), nor
 * with any tick where C1E may also stop the TSC (tsc_stops: the clock and every TSC
 * deadline would stand still while halted). Pure. */
bool tick_halt_ends(const struct tick_c1e *c1e, enum tick_kind ticking);

/* The tick source: the local APIC timer when lapic_usable (the local APIC is in use and not
 * refused by `nolapic_timer`), unless HLT may stop it and the PIT counts; else PIT channel
 * 0 when pit_counts (channel 2 was seen counting: a gated PIT never ticks). The reasons
 * name how C1E was decided. Pure. */
struct tick_choice tick_choose(const struct tick_c1e *c1e, bool lapic_usable, bool pit_counts);

/* What tick_verify needs of the machine: start a kind of tick (0 or a negative errno), stop
 * one whose interrupts never came, and whether the running tick's interrupts arrive (a
 * bounded wait). ctx is passed to each. */
struct tick_ops {
	int (*start)(enum tick_kind k, void *ctx);
	void (*stop)(enum tick_kind k, void *ctx);
	bool (*arrives)(void *ctx);
	void *ctx;
};

/* C1E found on at the boot's tick check although tick_start saw it off: `was` read
 * TICK_C1E_MSR_OFF, `now` (MSR C001_0055 read again) TICK_C1E_MSR_ON. Firmware may set
 * the C1E bits when the chipset enters ACPI mode, which comes after timer_init (Linux
 * reads the register only once ACPI is on, for that reason). Then *c is chosen anew for
 * `now` (lapic_usable, pit_counts as tick_choose takes them), and a running tick that is
 * not c's first kind is stopped for it, started again when the first refuses to start.
 * Returns the kind now running; any other was/now leaves *c and the tick alone. Pure but
 * for ops (start and stop only). */
enum tick_kind tick_c1e_recheck(const struct tick_c1e *was, const struct tick_c1e *now,
				bool lapic_usable, bool pit_counts, struct tick_choice *c,
				enum tick_kind running, const struct tick_ops *ops);

/* What tick_verify did, for the note the `timer` command shows. */
struct tick_verdict {
	enum tick_kind ticking;   /* the kind that ticks now; TICK_NONE: none */
	enum tick_kind silent[2]; /* kinds whose interrupts never came (stopped), in the order
				   * tried; TICK_NONE after the last */
	enum tick_kind refused;   /* the other kind, which did not start (now, or at boot when
				   * the fallback ran); TICK_NONE: none refused */
};

/* The tick that really ticks: `running` (what c's first choice, or its fallback when the
 * first did not start, left running; TICK_NONE for none) is kept when its interrupts
 * arrive; otherwise it is stopped and c's other kind, if any and not yet tried, is started
 * and checked the same way. Returns the kind that ticks, TICK_NONE when none does (every
 * silent one stopped), and says what happened in *v. Pure but for ops. */
enum tick_kind tick_verify(const struct tick_choice *c, enum tick_kind running,
			   const struct tick_ops *ops, struct tick_verdict *v);

/* Into buf (size bytes, always terminated), what tick_verify found when it moved the tick,
 * for the `timer` command's note: which tick was silent, what else was tried, what ticks
 * now and, when that is the local APIC timer C1E may stop, c's own words for it (waits
 * spin); "" when the running tick's interrupts arrived. Pure. */
void tick_verify_note(const struct tick_choice *c, const struct tick_verdict *v, char *buf,
		      size_t size);

#endif
