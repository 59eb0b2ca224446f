/* SPDX-License-Identifier: MIT */
/*
 * What the processor can do, probed once from CPUID at the very start of boot (layer: base,
 * an arch interface: declared low so paging, at the mm rank, reads it too; filled by
 * src/arch/x86_64/cpu/cpu_features.c in arch_early_init(), before paging, SIMD, the APIC
 * and the clocks read it). Every user reads this one record instead of issuing
 * CPUID itself, so a feature has one name and one meaning in the whole kernel. Fields are
 * what the CPU reports; whether the kernel switched a feature on is asked elsewhere
 * (arch_cpu_info() in <lios/machine.h>).
 */
#ifndef LIOS_CPU_FEATURES_H
#define LIOS_CPU_FEATURES_H

#include <lios/compiler.h>

struct cpu_features {
	char vendor[13];          /* CPUID vendor string, e.g. "GenuineIntel" */
	char brand[49];           /* processor brand string, "" when the CPU has none */
	uint32_t family, model, stepping; /* display family/model (extended fields folded in) */
	uint32_t max_leaf;        /* highest basic leaf */
	uint32_t max_ext_leaf;    /* highest extended leaf (0x8000000x), 0 when none */

	/* leaf 1 */
	bool tsc, apic, x2apic, pge, pat, fxsr, sse, sse2, xsave, avx;
	bool mce, mca;            /* machine-check exception; machine-check architecture (banks) */
	bool tsc_deadline;        /* local APIC timer has TSC-deadline mode */
	bool hypervisor;          /* running under a hypervisor or emulator */
	/* leaf 6, 7, 0xd */
	bool arat;                /* the APIC timer keeps running in deep C-states */
	bool avx2;
	uint32_t xcr0_supported;  /* leaf 0xd subleaf 0 EAX: XCR0 bits the CPU can manage */
	/* extended leaves */
	bool nx, gib_pages, long_mode;
	bool invariant_tsc;       /* the TSC runs at a constant rate in every P-, C- and T-state */
	uint8_t phys_addr_bits;   /* leaf 0x80000008 EAX[7:0]: physical address width, bits;
				   * 0 when the CPU does not report it */

	/* Frequency leaves, raw (0 when the leaf is absent or the field unreported). */
	uint32_t tsc_ratio_den;   /* leaf 0x15 EAX: TSC / crystal ratio denominator */
	uint32_t tsc_ratio_num;   /* leaf 0x15 EBX: ratio numerator */
	uint32_t crystal_hz;      /* leaf 0x15 ECX: core crystal clock, Hz */
	uint32_t base_mhz;        /* leaf 0x16 EAX: processor base frequency, MHz */
	uint32_t max_mhz;         /* leaf 0x16 EBX: maximum frequency, MHz */
	uint32_t bus_mhz;         /* leaf 0x16 ECX: bus (reference) frequency, MHz */
};

/* Probe CPUID into the record cpu_features() returns. Boot, first step of
 * arch_early_init(); once. */
void cpu_features_probe(void);
/* The record probed at boot. Any context. */
const struct cpu_features *cpu_features(void);

#endif
