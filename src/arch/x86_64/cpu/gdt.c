// SPDX-License-Identifier: MIT
/*
 * The kernel GDT and the TSS. The TSS exists for its interrupt stack table: double fault,
 * NMI and machine check run on their own stacks (IST1-3), so a kernel stack overflow still
 * produces a readable report instead of a triple fault. Each IST stack has a guard page
 * below it that is unmapped once the kernel owns its page tables (gdt_guard_stacks).
 */
#include <lios/compiler.h>
#include <lios/paging.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "cpu_internal.h"

#define GDT_ACCESS_PRESENT (1u << 7)
#define GDT_ACCESS_CODE_DATA (1u << 4)
#define GDT_ACCESS_EXEC (1u << 3)
#define GDT_ACCESS_RW (1u << 1)
#define GDT_ACCESS_TSS_AVAIL 0x9
#define GDT_FLAG_LONG (1u << 1)   /* L: 64-bit code segment */
#define GDT_FLAG_GRAN_4K (1u << 3) /* G */

#define IST_STACK_SIZE 16384

struct gdt_entry {
	uint16_t limit_low;
	uint16_t base_low;
	uint8_t base_mid;
	uint8_t access;
	uint8_t flags_limit_high; /* flags in the high nibble */
	uint8_t base_high;
} __packed;
static_assert(sizeof(struct gdt_entry) == 8, "GDT descriptor");

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;
static_assert(sizeof(struct tss) == 104, "64-bit TSS");

struct gdt_table {
	struct gdt_entry null, kcode, kdata;
	struct gdt_entry tss_low, tss_high; /* a 16-byte system descriptor */
} __packed __aligned(16);
static_assert(offsetof(struct gdt_table, kcode) == GDT_KERNEL_CODE, "selector");
static_assert(offsetof(struct gdt_table, kdata) == GDT_KERNEL_DATA, "selector");
static_assert(offsetof(struct gdt_table, tss_low) == GDT_TSS, "selector");

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

/* Guard page + stack for each IST slot, page aligned so the guard can be unmapped. */
struct ist_stack {
	uint8_t guard[PAGE_SIZE];
	uint8_t stack[IST_STACK_SIZE];
} __aligned(PAGE_SIZE);

static struct gdt_table gdt;
static struct tss tss;
static struct ist_stack ist_stacks[IST_COUNT];

static struct gdt_entry segment(uint8_t access, uint8_t flags)
{
	return (struct gdt_entry){.limit_low = 0xffff, .access = access,
				  .flags_limit_high = (uint8_t)(flags << 4 | 0xf)};
}

/* Builds and loads the GDT and TSS. Boot, interrupts off. */
void gdt_init(void)
{
	gdt.kcode = segment(GDT_ACCESS_PRESENT | GDT_ACCESS_CODE_DATA | GDT_ACCESS_EXEC | GDT_ACCESS_RW,
			    GDT_FLAG_LONG | GDT_FLAG_GRAN_4K);
	gdt.kdata = segment(GDT_ACCESS_PRESENT | GDT_ACCESS_CODE_DATA | GDT_ACCESS_RW, GDT_FLAG_GRAN_4K);

	for (int i = 0; i < IST_COUNT; i++)
		tss.ist[i] = (uint64_t)(ist_stacks[i].stack + IST_STACK_SIZE);
	tss.iomap_base = sizeof(tss); /* no I/O permission bitmap */

	uint64_t base = (uint64_t)&tss;
	uint32_t limit = sizeof(tss) - 1;
	gdt.tss_low = (struct gdt_entry){
		.limit_low = limit & 0xffff, .base_low = base & 0xffff, .base_mid = (base >> 16) & 0xff,
		.access = GDT_ACCESS_PRESENT | GDT_ACCESS_TSS_AVAIL,
		.flags_limit_high = (limit >> 16) & 0xf, .base_high = (base >> 24) & 0xff};
	uint32_t high = base >> 32;
	memcpy(&gdt.tss_high, &high, sizeof(high));

	struct gdt_ptr ptr = {sizeof(gdt) - 1, (uint64_t)&gdt};
	cpu_load_gdt(&ptr, GDT_KERNEL_CODE, GDT_KERNEL_DATA, GDT_TSS);
}

/* Unmaps the guard page below each IST stack and below the boot stack. Needs the kernel's
 * own page tables (after mm_init). Returns 0 or the first paging error. */
int gdt_guard_stacks(void)
{
	extern char boot_stack_guard[];
	int err = paging_unmap((vaddr_t)boot_stack_guard, 1);

	for (int i = 0; i < IST_COUNT && !err; i++)
		err = paging_unmap((vaddr_t)ist_stacks[i].guard, 1);
	return err;
}

/* For tests: the guard page below IST stack i. */
uintptr_t gdt_ist_guard(int i) { return (uintptr_t)ist_stacks[i].guard; }

/* For tests: is addr inside a stack guard page? */
bool gdt_is_guard_page(uintptr_t addr)
{
	for (int i = 0; i < IST_COUNT; i++)
		if (addr - (uintptr_t)ist_stacks[i].guard < PAGE_SIZE)
			return true;
	return false;
}
