/* SPDX-License-Identifier: MIT */
/*
 * Machine facts and last-resort controls for generic code (the shell): the CPU features the
 * kernel switched on, and the triple-fault reset. Implemented in
 * src/arch/x86_64/cpu/machine.c.
 */
#ifndef LIOS_MACHINE_H
#define LIOS_MACHINE_H

#include <lios/compiler.h>

/* What the kernel switched on; what the CPU can do is struct cpu_features
 * (<lios/cpu_features.h>). */
struct arch_cpu_info {
	bool nx_enabled;      /* EFER.NXE set: no-execute pages in use */
	bool pge_enabled;     /* CR4.PGE set: global pages in use */
	bool sse_enabled;     /* CR4.OSFXSR set */
	bool avx_enabled;     /* AVX state enabled in XCR0 */
};

/* Fill *out from the control registers. Any context. */
void arch_cpu_info(struct arch_cpu_info *out);
/* Reset by triple fault: load an empty IDT and raise an exception. Never returns. */
__noreturn void arch_reset_triple_fault(void);

#endif
