// SPDX-License-Identifier: MIT
/*
 * Host tests of the TSC-deadline errata check (src/arch/x86_64/time/deadline_errata.c,
 * compiled into this program) with made-up CPUs: every listed Intel part with microcode
 * just below, at and above its fix; the server parts whose fix depends on the stepping; an
 * unlisted model and stepping, AMD, a guest, a CPU without the mode; a revision that
 * cannot be read and one that reads 0; which of them read the revision at all; the
 * decision where the local APIC timer does not tick (nothing asked); and the words the
 * `timer:` line and the `timer` command show.
 */
#include <string.h>
#include "../../../unit.h"
#include "deadline_errata.h"

#define EIO 5

/* A bare-metal Intel family 6 CPU offering TSC-deadline mode. */
static struct cpu_features intel(uint32_t model, uint32_t stepping)
{
	struct cpu_features f;

	memset(&f, 0, sizeof(f));
	strcpy(f.vendor, "GenuineIntel");
	f.family = 6;
	f.model = model;
	f.stepping = stepping;
	f.tsc_deadline = true;
	f.apic = true;
	return f;
}

/* The made-up IA32_BIOS_SIGN_ID: its revision, or a refused read; every read counted. */
static uint32_t rev_value;
static bool rev_faults;
static unsigned rev_reads;

static int fake_read_rev(uint32_t *rev)
{
	rev_reads++;
	if (rev_faults)
		return -EIO;
	*rev = rev_value;
	return 0;
}

static struct deadline_check check(const struct cpu_features *f, uint32_t rev, bool faults)
{
	rev_value = rev;
	rev_faults = faults;
	rev_reads = 0;
	return tsc_deadline_check(f, fake_read_rev);
}

/* Every listed part, as its row says (model, stepping or any, first fixed revision).
 * Expected: one revision below the fix refused (MICROCODE_OLD), the fix itself and one
 * above allowed (MICROCODE_OK); the revision read once each time and kept, the fix named. */
static void test_each_listed_part_below_at_above(void)
{
	static const struct {
		uint32_t model, stepping, fixed;
	} parts[] = {
		{ 0x3c, 3, 0x22 },       /* Haswell */
		{ 0x45, 1, 0x20 },       /* Haswell ULT */
		{ 0x46, 1, 0x17 },       /* Haswell GT3e */
		{ 0x3f, 2, 0x3a },       /* Haswell-EP */
		{ 0x3f, 4, 0x0f },       /* Haswell-EX */
		{ 0x3d, 4, 0x25 },       /* Broadwell */
		{ 0x47, 1, 0x17 },       /* Broadwell GT3e */
		{ 0x4f, 1, 0x0b000020 }, /* Broadwell-EP/EX */
		{ 0x56, 2, 0x00000011 }, /* Broadwell-DE, stepping by stepping */
		{ 0x56, 3, 0x0700000e }, /* Broadwell-DE */
		{ 0x56, 4, 0x0f00000c }, /* Broadwell-DE */
		{ 0x56, 5, 0x0e000003 }, /* Broadwell-DE */
		{ 0x4e, 3, 0xb2 },       /* Skylake mobile */
		{ 0x5e, 3, 0xb2 },       /* Skylake desktop */
		{ 0x55, 3, 0x01000136 }, /* Skylake-SP, stepping by stepping */
		{ 0x55, 4, 0x02000014 }, /* Skylake-SP */
		{ 0x8e, 9, 0x52 },       /* Kaby Lake mobile */
		{ 0x8e, 10, 0x52 },      /* Coffee Lake mobile: the same model */
		{ 0x9e, 9, 0x52 },       /* Kaby Lake desktop */
		{ 0x9e, 10, 0x52 },      /* Coffee Lake desktop */
	};

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		struct cpu_features f = intel(parts[i].model, parts[i].stepping);
		uint32_t fixed = parts[i].fixed;
		struct deadline_check c;

		c = check(&f, fixed - 1, false);
		CHECK_EQ(c.basis, DEADLINE_MICROCODE_OLD);
		CHECK(!tsc_deadline_allowed(&c));
		CHECK_EQ(c.revision, fixed - 1);
		CHECK_EQ(c.needed, fixed);
		CHECK_EQ(rev_reads, 1u);
		c = check(&f, fixed, false);
		CHECK_EQ(c.basis, DEADLINE_MICROCODE_OK);
		CHECK(tsc_deadline_allowed(&c));
		c = check(&f, fixed + 1, false);
		CHECK_EQ(c.basis, DEADLINE_MICROCODE_OK);
		CHECK(tsc_deadline_allowed(&c));
	}
}

/* Haswell-EP (stepping 2) and Haswell-EX (stepping 4) share model 0x3f with their own
 * numbering: microcode 0x20 is past the EX fix (0x0f) but before the EP fix (0x3a).
 * Expected: EX allowed, EP refused, each naming its own fix. A Skylake-SP revision that
 * would do for stepping 3 (0x01000136) is too old for stepping 4 (0x02000014). */
static void test_stepping_decides_server_fix(void)
{
	struct cpu_features ep = intel(0x3f, 2), ex = intel(0x3f, 4);
	struct cpu_features skx3 = intel(0x55, 3), skx4 = intel(0x55, 4);
	struct deadline_check c;

	c = check(&ep, 0x20, false);
	CHECK_EQ(c.basis, DEADLINE_MICROCODE_OLD);
	CHECK_EQ(c.needed, 0x3au);
	c = check(&ex, 0x20, false);
	CHECK_EQ(c.basis, DEADLINE_MICROCODE_OK);
	CHECK_EQ(c.needed, 0x0fu);
	c = check(&skx3, 0x01000136, false);
	CHECK(tsc_deadline_allowed(&c));
	c = check(&skx4, 0x01000136, false);
	CHECK(!tsc_deadline_allowed(&c));
	CHECK_EQ(c.needed, 0x02000014u);
}

/* CPUs with no erratum listed, all with microcode 1 (far below any fix): a stepping of a
 * stepping-listed model that no row names (Haswell-X stepping 1, Cascade Lake: model 0x55
 * stepping 7), unlisted models (Sandy Bridge 0x2a, Ice Lake 0x7e, Alder Lake 0x97), an
 * Intel family other than 6 with a listed model number, and AMD CPUs, one of them a
 * family 6 whose model number is a listed Intel one. Expected: allowed (UNLISTED) without
 * reading the revision: the MSR is Intel's, and asking costs a WRMSR and a CPUID. */
static void test_unlisted_cpus_not_asked(void)
{
	struct cpu_features cpus[] = {
		intel(0x3f, 1), intel(0x55, 7), intel(0x2a, 7), intel(0x7e, 5),
		intel(0x97, 2), intel(0x3c, 3), intel(0x3c, 3), intel(0x31, 0),
	};

	cpus[5].family = 0xf;                   /* not family 6 */
	strcpy(cpus[6].vendor, "AuthenticAMD"); /* family 6 model 0x3c, but AMD's */
	strcpy(cpus[7].vendor, "AuthenticAMD"); /* Zen 2 */
	cpus[7].family = 0x17;
	for (size_t i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++) {
		struct deadline_check c = check(&cpus[i], 1, false);

		CHECK_EQ(c.basis, DEADLINE_UNLISTED);
		CHECK(tsc_deadline_allowed(&c));
		CHECK_EQ(rev_reads, 0u);
		CHECK(c.part == NULL);
	}
}

/* A Haswell with old microcode under a hypervisor (QEMU -cpu Haswell with KVM; the
 * hypervisor's timer is software, and a guest's microcode revision is made up). Expected:
 * allowed (GUEST), the revision not read, as Linux and Xen do. */
static void test_guest_not_asked(void)
{
	struct cpu_features f = intel(0x3c, 3);
	struct deadline_check c;

	f.hypervisor = true;
	c = check(&f, 0x01, false);
	CHECK_EQ(c.basis, DEADLINE_GUEST);
	CHECK(tsc_deadline_allowed(&c));
	CHECK_EQ(rev_reads, 0u);
}

/* A listed Haswell without CPUID's TSC-deadline bit (QEMU's TCG drops it from every
 * model). Expected: NOT_OFFERED, not allowed, nothing read. */
static void test_not_offered(void)
{
	struct cpu_features f = intel(0x3c, 3);
	struct deadline_check c;

	f.tsc_deadline = false;
	c = check(&f, 0x30, false);
	CHECK_EQ(c.basis, DEADLINE_NOT_OFFERED);
	CHECK(!tsc_deadline_allowed(&c));
	CHECK_EQ(rev_reads, 0u);
}

/* A listed Skylake whose revision read is refused (#GP on MSR 0x8b: a hypervisor that
 * hides itself), and one that reads 0 (no update loaded: the microcode it was made with).
 * Expected: both refused, UNREADABLE naming the fix, and MICROCODE_OLD with revision 0. */
static void test_unreadable_and_no_update_refused(void)
{
	struct cpu_features f = intel(0x5e, 3);
	struct deadline_check c;

	c = check(&f, 0xc2, true);
	CHECK_EQ(c.basis, DEADLINE_UNREADABLE);
	CHECK(!tsc_deadline_allowed(&c));
	CHECK_EQ(c.needed, 0xb2u);
	CHECK_EQ(rev_reads, 1u);
	c = check(&f, 0, false);
	CHECK_EQ(c.basis, DEADLINE_MICROCODE_OLD);
	CHECK(!tsc_deadline_allowed(&c));
}

/* The words for each decision: the refused one names the model, stepping, part, the
 * revision found and the one needed (the `timer:` line's contract), the others say why
 * the mode is allowed or absent; a short buffer is cut and terminated. */
static void test_describe(void)
{
	struct cpu_features f = intel(0x3c, 3), amd = intel(0x31, 0);
	struct deadline_check c;
	char buf[320], small[12];

	c = check(&f, 0x19, false);
	tsc_deadline_describe(&f, &c, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "refused: Intel family 0x6 model 0x3c stepping 3 (Haswell), microcode "
			  "0x19, older than 0x22, which fixes its TSC-deadline errata: the local "
			  "APIC timer runs periodic instead");
	c = check(&f, 0x28, false);
	tsc_deadline_describe(&f, &c, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "allowed: Intel family 0x6 model 0x3c stepping 3 (Haswell), microcode "
			  "0x28, at least 0x22, which fixes its TSC-deadline errata");
	c = check(&f, 0, false);
	tsc_deadline_describe(&f, &c, buf, sizeof(buf));
	CHECK(strstr(buf, "microcode 0x0 (no update loaded), older than 0x22") != NULL);
	c = check(&f, 0, true);
	tsc_deadline_describe(&f, &c, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "refused: Intel family 0x6 model 0x3c stepping 3 (Haswell), microcode "
			  "revision unreadable (MSR 0x8b refused), 0x22 needed for its "
			  "TSC-deadline errata: the local APIC timer runs periodic instead");
	strcpy(amd.vendor, "AuthenticAMD");
	amd.family = 0x17;
	c = check(&amd, 0, false);
	tsc_deadline_describe(&amd, &c, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "allowed: no TSC-deadline errata listed for this CPU");
	amd.tsc_deadline = false;
	c = check(&amd, 0, false);
	tsc_deadline_describe(&amd, &c, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "not offered by this CPU (CPUID 1 ECX bit 24 clear)");
	f.hypervisor = true;
	c = check(&f, 0, false);
	tsc_deadline_describe(&f, &c, small, sizeof(small));
	CHECK_STR_EQ(small, "allowed: un");
}

/* Where the local APIC timer does not tick (nolapic_timer, no usable local APIC, the PIT
 * ticking instead): a listed Haswell offering the mode, and one without CPUID's bit.
 * Expected: UNASKED and NOT_OFFERED, neither allowed, no part or fix named (nothing was
 * looked up), and words that say the timer does not tick, without "refused". */
static void test_unasked(void)
{
	struct cpu_features f = intel(0x3c, 3);
	struct deadline_check c = tsc_deadline_unasked(&f);
	char buf[320];

	CHECK_EQ(c.basis, DEADLINE_UNASKED);
	CHECK(!tsc_deadline_allowed(&c));
	CHECK(c.part == NULL);
	CHECK_EQ(c.needed, 0u);
	tsc_deadline_describe(&f, &c, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "not asked: offered, but the local APIC timer does not tick (its "
			  "errata, and the microcode, matter only where it does)");
	f.tsc_deadline = false;
	c = tsc_deadline_unasked(&f);
	CHECK_EQ(c.basis, DEADLINE_NOT_OFFERED);
	CHECK(!tsc_deadline_allowed(&c));
}

/* The `timer:` boot line's part for each decision. Expected: nothing where the mode is not
 * offered, "TSC-deadline refused (errata)" only where the check refused it (old or
 * unreadable microcode), plain "TSC-deadline" where it is allowed and where it was never
 * asked (offered, the local APIC timer not ticking: not a refusal). */
static void test_summary(void)
{
	struct cpu_features f = intel(0x5e, 3), amd = intel(0x31, 0);
	struct deadline_check c;

	c = check(&f, 0xc2, false);
	CHECK_STR_EQ(tsc_deadline_summary(&c), "TSC-deadline");
	c = check(&f, 0x01, false);
	CHECK_STR_EQ(tsc_deadline_summary(&c), "TSC-deadline refused (errata)");
	c = check(&f, 0, true);
	CHECK_STR_EQ(tsc_deadline_summary(&c), "TSC-deadline refused (errata)");
	c = tsc_deadline_unasked(&f);
	CHECK_STR_EQ(tsc_deadline_summary(&c), "TSC-deadline");
	strcpy(amd.vendor, "AuthenticAMD");
	amd.family = 0x17;
	c = check(&amd, 0, false);
	CHECK_STR_EQ(tsc_deadline_summary(&c), "TSC-deadline");
	f.tsc_deadline = false;
	c = check(&f, 0xc2, false);
	CHECK(tsc_deadline_summary(&c) == NULL);
	c = tsc_deadline_unasked(&f);
	CHECK(tsc_deadline_summary(&c) == NULL);
}

int main(void)
{
	RUN(test_each_listed_part_below_at_above);
	RUN(test_stepping_decides_server_fix);
	RUN(test_unlisted_cpus_not_asked);
	RUN(test_guest_not_asked);
	RUN(test_not_offered);
	RUN(test_unreadable_and_no_update_refused);
	RUN(test_describe);
	RUN(test_unasked);
	RUN(test_summary);
	return unit_summary();
}
