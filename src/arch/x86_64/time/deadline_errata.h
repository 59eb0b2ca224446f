/* SPDX-License-Identifier: MIT */
/*
 * Whether the tick may use the local APIC timer's TSC-deadline mode, decided in pure C
 * (deadline_errata.c; also built for the host: tests/unit/arch/x86_64/time/
 * test_deadline_errata.c) from what CPUID reports and, on the Intel parts whose
 * TSC-deadline timer has errata, the microcode revision (read through a function
 * tick_start.c passes). tick_start.c asks only when the local APIC timer is about to tick
 * (where it never does, the errata do not matter and nothing is read or warned: a
 * tsc_deadline_unasked decision stands) and carries the answer out: TSC-deadline mode, or
 * the periodic mode lapic_timer.c uses without it.
 */
#ifndef TIME_DEADLINE_ERRATA_H
#define TIME_DEADLINE_ERRATA_H

#include <lios/compiler.h>
#include <lios/cpu_features.h>

/* How tsc_deadline_check decided. */
enum deadline_basis {
	DEADLINE_NOT_OFFERED,   /* CPUID 1 ECX bit 24 clear: no TSC-deadline mode */
	DEADLINE_GUEST,         /* under a hypervisor: its timer is software, the microcode not
			       * asked (Linux and Xen skip the check there too) */
	DEADLINE_UNLISTED,      /* no erratum known for this CPU: allowed, nothing read */
	DEADLINE_MICROCODE_OK,  /* a listed part whose microcode has the fix: allowed */
	DEADLINE_MICROCODE_OLD, /* a listed part with older microcode (or none loaded): refused */
	DEADLINE_UNREADABLE,    /* a listed part whose revision could not be read: refused */
	DEADLINE_UNASKED,       /* offered, but the local APIC timer does not tick: nothing
			       * asked, nothing read (tsc_deadline_unasked) */
};

struct deadline_check {
	enum deadline_basis basis;
	uint32_t revision; /* the microcode revision read (DEADLINE_MICROCODE_*), else 0 */
	uint32_t needed;   /* the first revision with the fix (a listed part), else 0 */
	const char *part;  /* the listed part's name ("Haswell", ...), else NULL */
};

/* Whether f's TSC-deadline mode may tick. Only a bare-metal Intel family 6 CPU of a model
 * (and, for some server parts, a stepping) the errata table lists is asked for its
 * microcode revision, through read_rev(&rev) (0, or an error when it could not be read);
 * no other CPU calls it. Pure but for read_rev. */
struct deadline_check tsc_deadline_check(const struct cpu_features *f,
					 int (*read_rev)(uint32_t *rev));

/* The decision where the local APIC timer does not tick: DEADLINE_NOT_OFFERED when CPUID
 * lacks the mode, else DEADLINE_UNASKED; no revision read. Pure. */
struct deadline_check tsc_deadline_unasked(const struct cpu_features *f);

/* True when the decision lets the local APIC timer run in TSC-deadline mode. Pure. */
bool tsc_deadline_allowed(const struct deadline_check *c);

/* The decision for the `timer:` boot line: NULL when the mode is not offered,
 * "TSC-deadline refused (errata)" when the errata check refused it, else "TSC-deadline"
 * (allowed, or offered and not asked). Pure. */
const char *tsc_deadline_summary(const struct deadline_check *c);

/* The decision in words, into buf (size bytes, always terminated), for the `timer:` line
 * that reports it and the `timer` command: "not offered by this CPU ...", "allowed: ...",
 * "not asked: ..." or "refused: Intel family 0x6 model 0x3c stepping 3 (Haswell), microcode 0x19, older
 * than 0x22, which fixes its TSC-deadline errata: the local APIC timer runs periodic
 * instead". Pure. */
void tsc_deadline_describe(const struct cpu_features *f, const struct deadline_check *c, char *buf,
			   size_t size);

#endif
