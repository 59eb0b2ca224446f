/* SPDX-License-Identifier: MIT */
/* Private interfaces between the files of src/arch/x86_64/cpu/. */
#ifndef ARCH_CPU_INTERNAL_H
#define ARCH_CPU_INTERNAL_H

#include <lios/compiler.h>

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_TSS 0x18

/* IST slots (1-based in the IDT; index+1 here). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_COUNT 3

void gdt_init(void);
int gdt_guard_stacks(void);
bool gdt_is_guard_page(uintptr_t addr);
uintptr_t gdt_ist_guard(int i); /* guard page below IST stack i (0-based) */
void idt_init(void);

/* fault_recovery.S: the 8 bytes at p into *val and 0, or -EFAULT (no fault taken) when p is
 * not mapped or not canonical. Any context, a panic report's included. */
int read64_safe(const void *p, uint64_t *val);
/* cpu.c: the return addresses of the frame-pointer chain from rbp, at most max of them, into
 * ret[]; the count. *unreadable is the frame whose words could not be read (a guard page, a
 * hole: the chain was corrupt), else 0: the walk ended at a frame outside the kernel half,
 * misaligned or not further up the stack, at a return address outside the kernel, or at max.
 * Reads through read64_safe only. Any context. */
int backtrace_walk(uintptr_t rbp, uintptr_t *ret, int max, uintptr_t *unreadable);
void simd_init(void);

/* lgdt, reload CS (far return) and the data segments, ltr. */
static inline void cpu_load_gdt(const void *ptr, uint16_t code, uint16_t data, uint16_t tss)
{
	__asm__ volatile("lgdt (%0)\n\t"
			 "pushq %q1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w2, %%ds\n\t"
			 "movw %w2, %%es\n\t"
			 "movw %w2, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movw %%ax, %%fs\n\t"
			 "movw %%ax, %%gs\n\t"
			 "ltr %w3"
			 :
			 : "r"(ptr), "r"((uint64_t)code), "r"(data), "r"(tss)
			 : "rax", "memory");
}

#endif
