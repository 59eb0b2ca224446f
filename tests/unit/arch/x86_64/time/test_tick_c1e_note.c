// SPDX-License-Identifier: MIT
/*
 * Host tests of the C1E decision's words for the `timer` command (tick_c1e_describe in
 * src/arch/x86_64/time/tick_choice.c, compiled into this program), for made-up CPUs whose
 * decision tick_c1e_probe makes: why no C1E stops the local APIC timer of each CPU that is
 * not asked, and what MSR C001_0055 or `timer.c1e=` said on one that is.
 */
#include <string.h>
#include "../../../unit.h"
#include "tick_choice.h"

#define EIO 5

static struct cpu_features cpu(const char *vendor, uint32_t family, uint32_t model)
{
	struct cpu_features f;

	memset(&f, 0, sizeof(f));
	strcpy(f.vendor, vendor);
	f.family = family;
	f.model = model;
	f.apic = true;
	return f;
}

/* MSR C001_0055 as tick_c1e_probe reads it: a value, or a refused read (#GP). */
static uint64_t msr_value;
static bool msr_faults;

static int fake_read_msr(uint32_t msr, uint64_t *val)
{
	(void)msr;
	if (msr_faults)
		return -EIO;
	*val = msr_value;
	return 0;
}

/* The words for f's decision, the MSR holding value (or faulting), force as `timer.c1e=`
 * gives it (-1: absent). */
static const char *words(const struct cpu_features *f, int force, uint64_t value, bool faults)
{
	static char buf[240];
	struct tick_c1e c;

	msr_value = value;
	msr_faults = faults;
	c = tick_c1e_probe(f, force, fake_read_msr);
	tick_c1e_describe(f, &c, buf, sizeof(buf));
	return buf;
}

/* CPUs whose C1E decision is "none", each with its reason: an Intel CPU (HLT is C1), QEMU's
 * qemu64 (AMD family 0x0f under a hypervisor), an AMD CPU with ARAT, AMD family 0x15 (the
 * timer runs in every C-state from 0x12 on), a K8 before revision F (model 0x2b). Expected:
 * "none that stops the local APIC timer (<that reason>)", whatever `timer.c1e=` says. */
static void test_none_names_its_reason(void)
{
	struct cpu_features intel = cpu("GenuineIntel", 6, 0x3c);
	struct cpu_features guest = cpu("AuthenticAMD", 0xf, 0x6b);
	struct cpu_features arat = cpu("AuthenticAMD", 0x10, 0x4);
	struct cpu_features bulldozer = cpu("AuthenticAMD", 0x15, 0x2);
	struct cpu_features k8e = cpu("AuthenticAMD", 0xf, 0x2b);

	guest.hypervisor = true;
	arat.arat = true;
	CHECK_STR_EQ(words(&intel, -1, 0, false), "none that stops the local APIC timer (not an "
						  "AMD CPU of families 0xf-0x11)");
	CHECK_STR_EQ(words(&intel, 1, 0, false), "none that stops the local APIC timer (not an "
						 "AMD CPU of families 0xf-0x11)");
	CHECK_STR_EQ(words(&guest, -1, 0, false),
		     "none that stops the local APIC timer (under a hypervisor, whose timer HLT "
		     "does not stop: MSR C001_0055 not read)");
	CHECK_STR_EQ(words(&arat, -1, 0, false),
		     "none that stops the local APIC timer (ARAT: it runs in every C-state)");
	CHECK_STR_EQ(words(&bulldozer, -1, 0, false),
		     "none that stops the local APIC timer (AMD family 0x15: it runs in every "
		     "C-state)");
	CHECK_STR_EQ(words(&k8e, -1, 0, false),
		     "none that stops the local APIC timer (AMD family 0xf model 0x2b: no C1E "
		     "before family 0xf revision F)");
}

/* A Phenom II (family 0x10, invariant TSC) on bare metal, asked: MSR C001_0055 0 (off),
 * C1eOnCmpHalt set (on), the read refused, `timer.c1e=on` and `=off`. Expected: the
 * answer first, the CPU, the register's value or why it was not read, and what it means
 * for the local APIC timer. */
static void test_asked_cpu_says_register(void)
{
	struct cpu_features f = cpu("AuthenticAMD", 0x10, 0x4);

	f.invariant_tsc = true;
	CHECK_STR_EQ(words(&f, -1, 0, false),
		     "off: AMD family 0x10 model 0x4, MSR C001_0055 0x0 (C1eOnCmpHalt and "
		     "SmiOnCmpHalt clear): HLT leaves the local APIC timer counting");
	CHECK_STR_EQ(words(&f, -1, INT_PENDING_C1E_ON_CMP_HALT, false),
		     "on: AMD family 0x10 model 0x4, MSR C001_0055 0x10000000 (C1E on halt "
		     "enabled): HLT may stop the local APIC timer");
	CHECK_STR_EQ(words(&f, -1, 0, true),
		     "taken as on: AMD family 0x10 model 0x4, MSR C001_0055 cannot be read "
		     "(#GP): HLT may stop the local APIC timer");
	CHECK_STR_EQ(words(&f, 1, 0, false),
		     "taken as on: AMD family 0x10 model 0x4, timer.c1e=on (MSR C001_0055 not "
		     "read): HLT may stop the local APIC timer");
	CHECK_STR_EQ(words(&f, 0, INT_PENDING_C1E_ON_CMP_HALT | INT_PENDING_SMI_ON_CMP_HALT, false),
		     "taken as off: AMD family 0x10 model 0x4, timer.c1e=off (MSR C001_0055 not "
		     "read)");
}

/* A K8 of revision G (qemu64,-hypervisor: family 0x0f model 0x6b), whose TSC is not
 * invariant: with C1E taken as on, C1E may stop the TSC too, and the words say so; with
 * C1E off they do not. A buffer too small for the sentence is cut and terminated. */
static void test_k8_tsc_and_short_buffer(void)
{
	struct cpu_features k8 = cpu("AuthenticAMD", 0xf, 0x6b);
	struct tick_c1e c;
	char small[8];

	CHECK_STR_EQ(words(&k8, 1, 0, false),
		     "taken as on: AMD family 0xf model 0x6b, timer.c1e=on (MSR C001_0055 not "
		     "read): HLT may stop the local APIC timer; the TSC is not invariant, so C1E "
		     "may stop it too");
	CHECK(strstr(words(&k8, -1, 0, false), "TSC") == NULL);
	c = tick_c1e_probe(&k8, 1, fake_read_msr);
	tick_c1e_describe(&k8, &c, small, sizeof(small));
	CHECK_STR_EQ(small, "taken a");
}

int main(void)
{
	RUN(test_none_names_its_reason);
	RUN(test_asked_cpu_says_register);
	RUN(test_k8_tsc_and_short_buffer);
	return unit_summary();
}
