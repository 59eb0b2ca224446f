/* SPDX-License-Identifier: MIT */
/* CPU instructions: control registers, CPUID, interrupts flag, TLB, TSC, XCR0 and the
 * x87/SSE control words. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <arch/memlayout.h> /* CR0_WP, CR0_PG, CR4_PAE, CPUID_EXT_*: shared with entry.S */
#include <lios/types.h>

#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)  /* monitor coprocessor: WAIT/FWAIT honour TS */
#define CR0_EM (1ull << 2)  /* emulation: x87/SSE instructions raise #UD when set */
#define CR0_TS (1ull << 3)  /* task switched: the next x87/SSE instruction raises #NM */
#define CR0_NE (1ull << 5)  /* native x87 error reporting (#MF, not IRQ 13) */
#define CR4_PGE (1ull << 7)
#define CR4_OSFXSR (1ull << 9)      /* OS saves state with FXSAVE: SSE instructions allowed */
#define CR4_OSXMMEXCPT (1ull << 10) /* unmasked SIMD FP exceptions raise #XM */
#define CR4_OSXSAVE (1ull << 18)    /* XSAVE and XCR0 enabled: AVX state usable */

/* XCR0: state components the OS manages (and so lets instructions use). */
#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)
#define MXCSR_DEFAULT 0x1f80u /* all SIMD FP exceptions masked, round to nearest */
#define RFLAGS_IF (1ull << 9)

/* CPUID leaves and the bits the kernel uses (Intel SDM vol. 2A, CPUID). Only
 * src/arch/x86_64/cpu/cpu_features.c issues CPUID; everyone else reads struct cpu_features. */
#define CPUID_LEAF_VENDOR 0
#define CPUID_LEAF_FEATURES 1
#define CPUID_LEAF_POWER 6          /* thermal and power management */
#define CPUID_LEAF_TSC_CRYSTAL 0x15 /* TSC/crystal ratio and crystal frequency */
#define CPUID_LEAF_FREQUENCY 0x16   /* base/max/bus frequency in MHz */
/* CPUID_EXT_MAX, CPUID_EXT_FEATURES and the NX/LM bits: <arch/memlayout.h> (entry.S too) */
#define CPUID_BRAND_FIRST 0x80000002u
#define CPUID_BRAND_LAST 0x80000004u
#define CPUID_EXT_POWER 0x80000007u /* advanced power management */
#define CPUID_EXT_ADDR_SIZES 0x80000008u /* EAX[7:0]: physical address bits */
#define CPUID_EXT8_EAX_PHYS_BITS 0xffu
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_6_EAX_ARAT (1u << 2)  /* APIC timer always running */
#define CPUID_EXT7_EDX_INVARIANT_TSC (1u << 8)
#define CPUID_1_EDX_PAT (1u << 16)
#define CPUID_1_EDX_MCA (1u << 14)
#define CPUID_1_EDX_MCE (1u << 7)
#define CPUID_1_EDX_PGE (1u << 13)
#define CPUID_1_EDX_APIC (1u << 9)
#define CPUID_1_EDX_TSC (1u << 4)
#define CPUID_1_EDX_FXSR (1u << 24)
#define CPUID_1_EDX_SSE (1u << 25)
#define CPUID_1_EDX_SSE2 (1u << 26)
#define CPUID_1_ECX_X2APIC (1u << 21)
#define CPUID_1_ECX_XSAVE (1u << 26)
#define CPUID_1_ECX_OSXSAVE (1u << 27)
#define CPUID_1_ECX_AVX (1u << 28)
#define CPUID_7_EBX_AVX2 (1u << 5)  /* leaf 7, subleaf 0 */
#define CPUID_LEAF_EXT_FEATURES 7
#define CPUID_LEAF_XSAVE 0xd        /* subleaf 0 EAX: XCR0 bits the CPU supports (low half) */
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_EXT_EDX_PDPE1GB (1u << 26)

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" ::"r"(v) : "memory"); }
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
static inline void write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory"); }

/* Extended control register idx (XCR0: idx 0); needs CR4.OSXSAVE. */
static inline uint64_t xgetbv(uint32_t idx)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(idx));
	return ((uint64_t)hi << 32) | lo;
}
static inline void xsetbv(uint32_t idx, uint64_t v)
{
	__asm__ volatile("xsetbv" ::"c"(idx), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}
/* Reset the x87 unit; load MXCSR (needs CR4.OSFXSR). */
static inline void fninit(void) { __asm__ volatile("fninit" ::: "memory"); }
static inline void ldmxcsr(uint32_t v) { __asm__ volatile("ldmxcsr %0" ::"m"(v)); }
static inline uint32_t stmxcsr(void) { uint32_t v; __asm__ volatile("stmxcsr %0" : "=m"(v)); return v; }

/*
 * Vector register 15 to and from memory, for the self-test that checks vector state
 * survives interrupts. Inside an arch_simd_begin() section only; no clobber is declared
 * because code around it is built without vector registers (-mgeneral-regs-only).
 */
static inline void xmm15_load(const uint8_t src[16]) { __asm__ volatile("movdqu %0, %%xmm15" ::"m"(*(const uint8_t(*)[16])src)); }
static inline void xmm15_store(uint8_t dst[16]) { __asm__ volatile("movdqu %%xmm15, %0" : "=m"(*(uint8_t(*)[16])dst)); }
static inline void ymm15_load(const uint8_t src[32]) { __asm__ volatile("vmovdqu %0, %%ymm15" ::"m"(*(const uint8_t(*)[32])src)); }
static inline void ymm15_store(uint8_t dst[32]) { __asm__ volatile("vmovdqu %%ymm15, %0" : "=m"(*(uint8_t(*)[32])dst)); }

static inline void invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }
/* Writes back and invalidates every cache line (after a memory-type change). */
static inline void wbinvd(void) { __asm__ volatile("wbinvd" ::: "memory"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }
static inline void cpu_pause(void) { __asm__ volatile("pause"); }
/* Orders every earlier load and store, uncached MMIO writes included, before any later
 * instruction's: what the SDM asks between the xAPIC LVT write that selects TSC-deadline
 * mode and the first WRMSR to IA32_TSC_DEADLINE (time/lapic_timer.c). */
static inline void mfence(void) { __asm__ volatile("mfence" ::: "memory"); }

static inline uint64_t read_rflags(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; popq %0" : "=r"(f)::"memory");
	return f;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Save the interrupt flag and disable interrupts; restore with irq_restore(). */
static inline uint64_t irq_save(void)
{
	uint64_t f = read_rflags();
	cli();
	return f;
}
static inline void irq_restore(uint64_t flags)
{
	if (flags & RFLAGS_IF)
		sti();
}

static inline void *read_frame_pointer(void) { return __builtin_frame_address(0); }

#endif
