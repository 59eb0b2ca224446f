// SPDX-License-Identifier: MIT
/*
 * The TSC-deadline errata check (see deadline_errata.h). On several Intel generations the
 * local APIC timer's TSC-deadline mode misbehaves (the timer may fire late, early or not at
 * all) until a microcode update fixes it: Haswell and Broadwell client and server parts,
 * Skylake client and server, Kaby Lake (whose model numbers Coffee Lake shares). Each part
 * has a first microcode revision with the fix; a server part's revisions are numbered per
 * stepping. A machine whose firmware carries older microcode, and whose OS loads none
 * (LiOS loads none), must not rely on the mode: the tick then uses the timer's periodic
 * mode, which has no such erratum. Under a hypervisor the timer is the host's software and
 * the guest's microcode revision means nothing, so nothing is asked there.
 *
 * The revision is the upper half of IA32_BIOS_SIGN_ID (MSR 0x8b) after writing 0 to it and
 * executing CPUID leaf 1 (Intel SDM vol. 3A, "Determining the Signature"); it stays 0 when
 * no update is loaded, and such a CPU runs the microcode it was made with, older than any
 * fix. The read is the caller's (cpu_microcode_revision, both accesses guarded against
 * #GP); a refused read counts as too old.
 */
#include <lios/printk.h>
#include <lios/string.h>
#include "deadline_errata.h"

#define INTEL_FAMILY_6 6
#define ANY_STEPPING 0xffu

/*
 * The parts and the first microcode revision whose TSC-deadline timer is right, in LiOS's
 * own form. Facts from Intel's specification updates as gathered by Linux
 * (arch/x86/kernel/apic/apic.c: deadline_match[], apic_validate_deadline_timer()) and Xen
 * (xen/arch/x86/apic.c: check_deadline_errata()), which agree on every row listed here.
 * They part on the server models' steppings no row names: Xen refuses TSC-deadline mode on
 * Haswell-EP/EX (0x3f) other than steppings 2 and 4, Broadwell-DE (0x56) other than 2-5,
 * and Skylake-SP (0x55) steppings 0-2, whatever the microcode (Linux did too until its
 * table moved to per-stepping rows in 2020); current Linux allows them without asking, and
 * so does LiOS. Both allow model 0x55 from stepping 5 (Cascade Lake and later, which have
 * the fix); the other unnamed steppings are early, pre-production ones.
 */
static const struct deadline_erratum {
	uint8_t model;    /* display model, extended bits folded in */
	uint8_t stepping; /* ANY_STEPPING: every stepping of the model */
	uint32_t fixed;   /* the first microcode revision with the fix */
	const char *part;
} errata[] = {
	{ 0x3c, ANY_STEPPING, 0x22, "Haswell" },
	{ 0x45, ANY_STEPPING, 0x20, "Haswell ULT" },
	{ 0x46, ANY_STEPPING, 0x17, "Haswell GT3e" },
	{ 0x3f, 2, 0x3a, "Haswell-EP" },
	{ 0x3f, 4, 0x0f, "Haswell-EX" },
	{ 0x3d, ANY_STEPPING, 0x25, "Broadwell" },
	{ 0x47, ANY_STEPPING, 0x17, "Broadwell GT3e" },
	{ 0x4f, ANY_STEPPING, 0x0b000020, "Broadwell-EP/EX" },
	{ 0x56, 2, 0x00000011, "Broadwell-DE" },
	{ 0x56, 3, 0x0700000e, "Broadwell-DE" },
	{ 0x56, 4, 0x0f00000c, "Broadwell-DE" },
	{ 0x56, 5, 0x0e000003, "Broadwell-DE" },
	{ 0x4e, ANY_STEPPING, 0xb2, "Skylake mobile" },
	{ 0x5e, ANY_STEPPING, 0xb2, "Skylake desktop" },
	{ 0x55, 3, 0x01000136, "Skylake-SP" },
	{ 0x55, 4, 0x02000014, "Skylake-SP" },
	{ 0x8e, ANY_STEPPING, 0x52, "Kaby Lake mobile" },
	{ 0x9e, ANY_STEPPING, 0x52, "Kaby Lake desktop" },
};

/* The table's row for f, or NULL: Intel family 6 only (AMD's family and model numbers
 * mean other CPUs). */
static const struct deadline_erratum *listed(const struct cpu_features *f)
{
	if (strncmp(f->vendor, "GenuineIntel", sizeof(f->vendor)) != 0 ||
	    f->family != INTEL_FAMILY_6)
		return NULL;
	for (size_t i = 0; i < sizeof(errata) / sizeof(errata[0]); i++) {
		const struct deadline_erratum *e = &errata[i];

		if (e->model == f->model &&
		    (e->stepping == ANY_STEPPING || e->stepping == f->stepping))
			return e;
	}
	return NULL;
}

/* tsc_deadline_check - see deadline_errata.h. Pure but for read_rev. */
struct deadline_check tsc_deadline_check(const struct cpu_features *f,
					 int (*read_rev)(uint32_t *rev))
{
	struct deadline_check c = { DEADLINE_NOT_OFFERED, 0, 0, NULL };
	const struct deadline_erratum *e;
	uint32_t rev = 0;

	if (!f->tsc_deadline)
		return c;
	c.basis = DEADLINE_GUEST;
	if (f->hypervisor)
		return c;
	c.basis = DEADLINE_UNLISTED;
	e = listed(f);
	if (!e)
		return c;
	c.needed = e->fixed;
	c.part = e->part;
	if (read_rev(&rev)) {
		c.basis = DEADLINE_UNREADABLE;
		return c;
	}
	c.revision = rev;
	c.basis = rev >= e->fixed ? DEADLINE_MICROCODE_OK : DEADLINE_MICROCODE_OLD;
	return c;
}

/* tsc_deadline_unasked - see deadline_errata.h. Pure. */
struct deadline_check tsc_deadline_unasked(const struct cpu_features *f)
{
	struct deadline_check c = { DEADLINE_NOT_OFFERED, 0, 0, NULL };

	if (f->tsc_deadline)
		c.basis = DEADLINE_UNASKED;
	return c;
}

/* tsc_deadline_allowed - see deadline_errata.h. Pure. */
bool tsc_deadline_allowed(const struct deadline_check *c)
{
	return c->basis == DEADLINE_GUEST || c->basis == DEADLINE_UNLISTED ||
	       c->basis == DEADLINE_MICROCODE_OK;
}

/* tsc_deadline_summary - see deadline_errata.h. Pure. */
const char *tsc_deadline_summary(const struct deadline_check *c)
{
	if (c->basis == DEADLINE_NOT_OFFERED)
		return NULL;
	if (c->basis == DEADLINE_MICROCODE_OLD || c->basis == DEADLINE_UNREADABLE)
		return "TSC-deadline refused (errata)";
	return "TSC-deadline";
}

/* tsc_deadline_describe - see deadline_errata.h. Pure. */
void tsc_deadline_describe(const struct cpu_features *f, const struct deadline_check *c, char *buf,
			   size_t size)
{
	char cpu[96];

	if (!size)
		return;
	ksnprintf(cpu, sizeof(cpu), "Intel family %#x model %#x stepping %u (%s)", f->family,
		  f->model, f->stepping, c->part ? c->part : "?");
	switch (c->basis) {
	case DEADLINE_NOT_OFFERED:
		ksnprintf(buf, size, "not offered by this CPU (CPUID 1 ECX bit 24 clear)");
		break;
	case DEADLINE_GUEST:
		ksnprintf(buf, size,
			  "allowed: under a hypervisor (the microcode's errata are bare metal's)");
		break;
	case DEADLINE_UNLISTED:
		ksnprintf(buf, size, "allowed: no TSC-deadline errata listed for this CPU");
		break;
	case DEADLINE_UNASKED:
		ksnprintf(buf, size,
			  "not asked: offered, but the local APIC timer does not tick (its "
			  "errata, and the microcode, matter only where it does)");
		break;
	case DEADLINE_MICROCODE_OK:
		ksnprintf(buf, size,
			  "allowed: %s, microcode %#x, at least %#x, which fixes its TSC-deadline "
			  "errata",
			  cpu, c->revision, c->needed);
		break;
	case DEADLINE_MICROCODE_OLD:
		ksnprintf(buf, size,
			  "refused: %s, microcode %#x%s, older than %#x, which fixes its "
			  "TSC-deadline errata: the local APIC timer runs periodic instead",
			  cpu, c->revision, c->revision ? "" : " (no update loaded)", c->needed);
		break;
	default:
		ksnprintf(buf, size,
			  "refused: %s, microcode revision unreadable (MSR 0x8b refused), "
			  "%#x needed for its TSC-deadline errata: the local APIC timer "
			  "runs periodic instead",
			  cpu, c->needed);
	}
}
