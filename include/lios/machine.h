/* SPDX-License-Identifier: MIT */
/*
 * Machine facts and last-resort controls for generic code (the shell): CPU identification
 * and the features the kernel relies on, and the triple-fault reset. Implemented in
 * src/arch/x86_64/cpu/machine.c.
 */
#ifndef LIOS_MACHINE_H
#define LIOS_MACHINE_H

#include <lios/compiler.h>

struct arch_cpu_info {
	char vendor[13];      /* CPUID vendor string, e.g. "GenuineIntel" */
	char brand[49];       /* processor brand string, "" when the CPU has none */
	uint32_t family, model, stepping; /* display family/model (extended fields folded in) */
	bool nx, nx_enabled;  /* no-execute pages: supported, EFER.NXE set */
	bool pge, pge_enabled;/* global pages: supported, CR4.PGE set */
	bool pat;             /* page attribute table */
	bool gib_pages;       /* 1 GiB pages */
	bool apic, x2apic;    /* local APIC (used in xAPIC mode, see irq_backend()) */
	bool tsc;
	bool sse2, sse_enabled; /* SSE2: supported, CR4.OSFXSR set */
	bool avx, avx_enabled;  /* AVX: supported, its state enabled in XCR0 */
	bool avx2;
	bool hypervisor;      /* running under a hypervisor or emulator */
};

/* Fill *out from CPUID and the control registers. Any context. */
void arch_cpu_info(struct arch_cpu_info *out);
/* Reset by triple fault: load an empty IDT and raise an exception. Never returns. */
__noreturn void arch_reset_triple_fault(void);

#endif
