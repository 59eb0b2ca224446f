// SPDX-License-Identifier: MIT
/*
 * The IDT: every one of the 256 vectors points at its generated stub (isr.S) before
 * interrupts are ever enabled, so any vector, expected or not, reaches trap_dispatch.
 * Double fault, NMI and machine check use their own IST stacks.
 */
#include <arch/trap.h>
#include <lios/compiler.h>
#include "cpu_internal.h"

#define IDT_TYPE_INTERRUPT_GATE 0xe
#define IDT_PRESENT (1u << 7)
#define ISR_STUB_SIZE 16

struct idt_entry {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;        /* bits 0-2: IST slot, 0 = none */
	uint8_t type_attr;  /* present, DPL, gate type */
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __packed;
static_assert(sizeof(struct idt_entry) == 16, "64-bit IDT gate");

struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

extern const char isr_stubs[], isr_stubs_end[];
static struct idt_entry idt[256] __aligned(16);

static void set_gate(int vec, uint8_t ist)
{
	uint64_t addr = (uint64_t)(isr_stubs + vec * ISR_STUB_SIZE);

	idt[vec] = (struct idt_entry){
		.offset_low = addr & 0xffff, .selector = GDT_KERNEL_CODE, .ist = ist,
		.type_attr = IDT_PRESENT | IDT_TYPE_INTERRUPT_GATE,
		.offset_mid = (addr >> 16) & 0xffff, .offset_high = addr >> 32};
}

/* Fills all 256 gates and loads the IDT. Boot, interrupts off. */
void idt_init(void)
{
	for (int v = 0; v < 256; v++)
		set_gate(v, 0);
	set_gate(VEC_DF, IST_DOUBLE_FAULT);
	set_gate(VEC_NMI, IST_NMI);
	set_gate(VEC_MC, IST_MACHINE_CHECK);

	struct idt_ptr ptr = {sizeof(idt) - 1, (uint64_t)idt};
	__asm__ volatile("lidt %0" ::"m"(ptr));
}

/* For self-tests: the stubs must have the stride the IDT assumes. */
size_t idt_stub_area_size(void) { return (size_t)(isr_stubs_end - isr_stubs); }
