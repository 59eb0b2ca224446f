// SPDX-License-Identifier: MIT
/*
 * In-kernel self-tests of the CPUID record: what cpu_features_probe() kept at boot is what
 * CPUID answers now (the one place outside cpu_features.c that issues CPUID, as the test's
 * independent oracle), and the facts the rest of the kernel derived from it hold.
 */
#include <arch/cpu.h>
#include <arch/msr.h>
#include <lios/cpu_features.h>
#include <lios/memmap.h>
#include <lios/mm.h>
#include <lios/selftest.h>
#include <lios/string.h>

/* Leaves 0, 1, 6, 7 and 0x80000001 as read now match the record: vendor, highest leaf,
 * every feature bit the kernel uses (NX among them: paging's NX tests skip on the record's
 * word, so a record that loses a bit must fail here). */
KTEST(cpu, features_match_cpuid)
{
	const struct cpu_features *f = cpu_features();
	uint32_t a, b, c, d;
	char vendor[13];

	cpuid(CPUID_LEAF_VENDOR, 0, &a, &b, &c, &d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = '\0';
	KEXPECT(strcmp(vendor, f->vendor) == 0);
	KEXPECT(a == f->max_leaf);
	cpuid(CPUID_LEAF_FEATURES, 0, &a, &b, &c, &d);
	KEXPECT(!!(d & CPUID_1_EDX_TSC) == f->tsc);
	KEXPECT(!!(d & CPUID_1_EDX_APIC) == f->apic);
	KEXPECT(!!(d & CPUID_1_EDX_PGE) == f->pge);
	KEXPECT(!!(d & CPUID_1_EDX_SSE2) == f->sse2);
	KEXPECT(!!(c & CPUID_1_ECX_TSC_DEADLINE) == f->tsc_deadline);
	KEXPECT(!!(c & CPUID_1_ECX_AVX) == f->avx);
	KEXPECT(!!(d & CPUID_1_EDX_PAT) == f->pat);
	KEXPECT(!!(d & CPUID_1_EDX_MCE) == f->mce);
	KEXPECT(!!(d & CPUID_1_EDX_MCA) == f->mca);
	KEXPECT(!!(d & CPUID_1_EDX_FXSR) == f->fxsr);
	KEXPECT(!!(d & CPUID_1_EDX_SSE) == f->sse);
	KEXPECT(!!(c & CPUID_1_ECX_X2APIC) == f->x2apic);
	KEXPECT(!!(c & CPUID_1_ECX_XSAVE) == f->xsave);
	KEXPECT(!!(c & CPUID_1_ECX_HYPERVISOR) == f->hypervisor);
	KEXPECT((a & 0xf) == f->stepping);
	if (f->max_leaf >= CPUID_LEAF_POWER) {
		cpuid(CPUID_LEAF_POWER, 0, &a, &b, &c, &d);
		KEXPECT(!!(a & CPUID_6_EAX_ARAT) == f->arat);
	}
	if (f->max_leaf >= CPUID_LEAF_EXT_FEATURES) {
		cpuid(CPUID_LEAF_EXT_FEATURES, 0, &a, &b, &c, &d);
		KEXPECT(!!(b & CPUID_7_EBX_AVX2) == f->avx2);
	}
	cpuid(CPUID_EXT_MAX, 0, &a, &b, &c, &d);
	KEXPECT(a == f->max_ext_leaf);
	KASSERT(f->max_ext_leaf >= CPUID_EXT_FEATURES); /* every x86_64 CPU: long mode's leaf */
	cpuid(CPUID_EXT_FEATURES, 0, &a, &b, &c, &d);
	KEXPECT(!!(d & CPUID_EXT_EDX_NX) == f->nx);
	KEXPECT(!!(d & CPUID_EXT_EDX_PDPE1GB) == f->gib_pages);
	KEXPECT(!!(d & CPUID_EXT_EDX_LM) == f->long_mode);
}

/* The frequency leaves: 0x15's three values are kept exactly, and nothing is invented
 * when the CPU does not reach the leaf. */
KTEST(cpu, frequency_leaves)
{
	const struct cpu_features *f = cpu_features();
	uint32_t a, b, c, d;

	if (f->max_leaf < CPUID_LEAF_TSC_CRYSTAL) {
		KEXPECT(f->tsc_ratio_den == 0 && f->tsc_ratio_num == 0 && f->crystal_hz == 0);
		ktest_skip("no CPUID leaf 0x15");
	}
	cpuid(CPUID_LEAF_TSC_CRYSTAL, 0, &a, &b, &c, &d);
	KEXPECT(a == f->tsc_ratio_den && b == f->tsc_ratio_num && c == f->crystal_hz);
}

/* Every x86_64 CPU has long mode, a TSC, SSE2 and FXSR; the kernel runs, so these hold. */
KTEST(cpu, long_mode_basics)
{
	const struct cpu_features *f = cpu_features();

	KEXPECT(f->long_mode && f->tsc && f->sse2 && f->fxsr);
	KEXPECT(f->max_ext_leaf >= CPUID_EXT_FEATURES);
}

/* Leaf 0x80000008's physical address width is kept as CPUID gives it, and the memory map
 * (mm_init took the width from the record) lists nothing at or beyond it. */
KTEST(cpu, phys_addr_bits)
{
	const struct cpu_features *f = cpu_features();
	const struct memmap *m = mm_usable();
	uint32_t a, b, c, d;

	if (f->max_ext_leaf < CPUID_EXT_ADDR_SIZES) {
		KEXPECT(f->phys_addr_bits == 0);
		ktest_skip("no CPUID leaf 0x80000008");
	}
	cpuid(CPUID_EXT_ADDR_SIZES, 0, &a, &b, &c, &d);
	KEXPECT((a & CPUID_EXT8_EAX_PHYS_BITS) == f->phys_addr_bits);
	KEXPECT(m->n > 0 && m->r[m->n - 1].end <= memmap_phys_end());
}

/* The microcode revision reads on an Intel CPU (cpu_microcode_revision: 0 written to
 * IA32_BIOS_SIGN_ID, CPUID 1, the MSR read; neither access refused), twice the same: the
 * TSC-deadline errata check refuses the mode on a listed part whose read fails. QEMU's
 * Intel models read 1, or their ucode-rev= property. */
KTEST(cpu, microcode_revision_reads)
{
	uint32_t first = 0xffffffffu, again = 0;

	if (strcmp(cpu_features()->vendor, "GenuineIntel") != 0)
		ktest_skip("not an Intel CPU: IA32_BIOS_SIGN_ID is Intel's");
	KEXPECT(cpu_microcode_revision(&first) == 0);
	KEXPECT(cpu_microcode_revision(&again) == 0);
	KEXPECT(first == again);
}
