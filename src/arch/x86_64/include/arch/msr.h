/* SPDX-License-Identifier: MIT */
/* Model-specific registers. */
#ifndef ARCH_MSR_H
#define ARCH_MSR_H

#include <arch/memlayout.h> /* MSR_EFER, EFER_LME, EFER_NXE: shared with entry.S */
#include <lios/types.h>

#define EFER_SCE (1ull << 0)
#define MSR_PAT 0x277u
#define MSR_APIC_BASE 0x1bu
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define MSR_IA32_BIOS_SIGN_ID 0x8bu /* microcode update signature: revision in bits 63-32 */

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* RDMSR of an MSR the CPU may not have (a model-specific one asked for by family): 0 and
 * *val, or -EIO when the CPU refused it with #GP, which trap_dispatch resumes at the
 * read's fixup (fault_recovery.S) instead of panicking. Any context. */
int rdmsr_safe(uint32_t msr, uint64_t *val);
/* WRMSR that the CPU may refuse (an MSR it may lack, such as IA32_BIOS_SIGN_ID under a
 * hypervisor that hides itself): 0 once written, or -EIO when it raised #GP, resumed at
 * the write's fixup as rdmsr_safe's read is. Any context. */
int wrmsr_safe(uint32_t msr, uint64_t val);

/* The microcode revision an Intel CPU runs (cpu/cpu_features.c, the one CPUID user): 0
 * written to IA32_BIOS_SIGN_ID, CPUID leaf 1 executed, the MSR's upper half read (Intel
 * SDM vol. 3A, "Determining the Signature"); 0 when no update is loaded. Returns 0 and
 * *rev, or -EIO when the CPU refused the write or the read. Needs the IDT (a refusal is a
 * #GP); any context after that. */
int cpu_microcode_revision(uint32_t *rev);

#endif
