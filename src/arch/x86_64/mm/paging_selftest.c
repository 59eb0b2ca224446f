// SPDX-License-Identifier: MIT
/*
 * In-kernel self-tests of the page tables (suite "paging"): map/translate/protect/unmap on a
 * scratch address, a frame above 4 GiB, splitting a 2 MiB direct-map page, cache types, the
 * W^X layout of the kernel image, and the expected faults: writing to text and rodata,
 * executing from the heap, kmalloc memory, the stack and data. The direct map's memory
 * types against the firmware's map: RAM write-back, the VGA window and holes uncached,
 * large pages wherever a 2 MiB block is all one kind.
 */
#include <arch/trap.h>
#include <lios/bootinfo.h>
#include <lios/compiler.h>
#include <lios/cpu_features.h>
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/kmalloc.h>
#include <lios/paging.h>
#include <lios/pmm.h>
#include <lios/printk.h>
#include <lios/sections.h>
#include <lios/selftest.h>
#include <lios/string.h>
#include "memtype.h"
#include "pte.h"

/* PML4 slot 320: outside the direct map, the vmalloc window and the exception tests' page. */
#define TEST_VA 0xffffa00000000000ull
#define X86_RET 0xc3

static const uint64_t ro_value = 0x1234; /* .rodata (volatile would move it to .data) */
static uint8_t data_code[16] = { X86_RET };

static uint64_t free_frames(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	return st.free_frames;
}

/* Writes back the byte already there: harmless if, wrongly, it does not fault. */
static void rewrite_byte(void *p)
{
	volatile uint8_t *b = p;

	*b = *b;
}

static void call_code(void *code) { ((void (*)(void))code)(); }

/* Skips on a CPU without NX. Asks CPUID's record, not paging: tables that leave out the NX
 * the CPU has must fail the NX tests, not skip them. */
static void require_nx(void)
{
	if (!cpu_features()->nx)
		ktest_skip("no NX");
	KASSERT(paging_has_nx());
}

static void expect_exec_fault(void *code)
{
	struct fault_info fi;

	require_nx();
	KASSERT(ktest_expect_fault(call_code, code, &fi));
	KEXPECT(fi.vector == VEC_PF);
	KEXPECT(fi.error_code & PF_INSTR);
	KEXPECT(fi.cr2 == (uintptr_t)code);
}

static void expect_write_fault(void *p)
{
	struct fault_info fi;

	KASSERT(ktest_expect_fault(rewrite_byte, p, &fi));
	KEXPECT(fi.vector == VEC_PF);
	KEXPECT((fi.error_code & (PF_PRESENT | PF_WRITE)) == (PF_PRESENT | PF_WRITE));
	KEXPECT(fi.cr2 == (uintptr_t)p);
}

KTEST(paging, wx_count_is_zero)
{
	require_nx();
	KEXPECT(paging_count_wx() == 0);
}

KTEST(paging, map_translate_protect_unmap)
{
	uint64_t before = free_frames();
	paddr_t pa = pmm_alloc(1, 0, PMM_LIMIT_DIRECT), got;
	volatile uint64_t *v = (volatile uint64_t *)TEST_VA;
	unsigned flags;
	struct fault_info fi;

	KASSERT(pa != 0);
	KASSERT(paging_map(TEST_VA, pa, 1, PG_WRITE | PG_NX) == 0);
	KEXPECT(paging_translate(TEST_VA + 0x123, &got, &flags));
	KEXPECT(got == pa + 0x123);
	KEXPECT(flags & PG_WRITE);
	KEXPECT(!paging_has_nx() || (flags & PG_NX));
	*v = 0x5a5a1234;
	KEXPECT(*(volatile uint64_t *)phys_to_virt(pa) == 0x5a5a1234);
	KEXPECT(paging_map(TEST_VA, pa, 1, PG_WRITE) == -EEXIST);
	KEXPECT(paging_map(TEST_VA + 8, pa, 1, PG_WRITE) == -EINVAL);

	KEXPECT(paging_protect(TEST_VA, 1, PG_NX) == 0);
	KEXPECT(paging_translate(TEST_VA, NULL, &flags) && !(flags & PG_WRITE));
	expect_write_fault((void *)TEST_VA);
	KEXPECT(*v == 0x5a5a1234);

	KEXPECT(paging_unmap(TEST_VA, 1) == 0);
	KEXPECT(!paging_translate(TEST_VA, NULL, NULL));
	KEXPECT(ktest_expect_fault(rewrite_byte, (void *)TEST_VA, &fi) && fi.vector == VEC_PF &&
		!(fi.error_code & PF_PRESENT));
	KEXPECT(paging_protect(TEST_VA, 1, PG_NX) == -ENOENT);
	KEXPECT(pmm_free(pa, 1) == 0);
	KEXPECT(free_frames() == before); /* the three tables created were freed */
}

KTEST(paging, map_frame_from_high_memory)
{
	paddr_t pa = pmm_alloc(4, 0, PMM_LIMIT_NONE), got;
	volatile uint64_t *v = (volatile uint64_t *)TEST_VA;

	KASSERT(pa != 0);
	KASSERT(paging_map(TEST_VA, pa, 4, PG_WRITE | PG_NX | PG_GLOBAL) == 0);
	for (int i = 0; i < 4 * 512; i++)
		v[i] = pa + (uint64_t)i;
	for (int i = 0; i < 4 * 512; i++)
		KEXPECT(v[i] == pa + (uint64_t)i);
	KEXPECT(paging_translate(TEST_VA + 3 * PAGE_SIZE, &got, NULL) && got == pa + 3 * PAGE_SIZE);
	KEXPECT(paging_unmap(TEST_VA, 4) == 0);
	KEXPECT(pmm_free(pa, 4) == 0);
}

KTEST(paging, unmap_splits_a_direct_map_large_page)
{
	paddr_t pa = pmm_alloc(512, MiB(2), PMM_LIMIT_DIRECT), got;
	volatile uint8_t *v;
	struct fault_info fi;

	if (!pa)
		ktest_skip("no free 2 MiB block below 2 GiB");
	v = phys_to_virt(pa);
	KASSERT(paging_unmap((vaddr_t)v + PAGE_SIZE, 1) == 0);
	KEXPECT(!paging_translate((vaddr_t)v + PAGE_SIZE, NULL, NULL));
	KEXPECT(paging_translate((vaddr_t)v + 2 * PAGE_SIZE + 5, &got, NULL) && got == pa + 2 * PAGE_SIZE + 5);
	v[0] = 1;
	v[2 * PAGE_SIZE] = 2;
	KEXPECT(v[0] == 1 && v[2 * PAGE_SIZE] == 2);
	KEXPECT(ktest_expect_fault(rewrite_byte, (void *)(v + PAGE_SIZE), &fi) && fi.vector == VEC_PF);
	KEXPECT(paging_map((vaddr_t)v + PAGE_SIZE, pa + PAGE_SIZE, 1, PG_WRITE | PG_NX | PG_GLOBAL) == 0);
	v[PAGE_SIZE] = 3;
	KEXPECT(v[PAGE_SIZE] == 3);
	KEXPECT(pmm_free(pa, 512) == 0);
}

KTEST(paging, cache_types_round_trip)
{
	static const unsigned types[] = { PG_CACHE_WB, PG_CACHE_WC, PG_CACHE_UC, PG_CACHE_WT };
	paddr_t pa = pmm_alloc(1, 0, PMM_LIMIT_DIRECT);
	unsigned flags;

	KASSERT(pa != 0);
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		KASSERT(paging_map(TEST_VA, pa, 1, PG_WRITE | PG_NX | types[i]) == 0);
		KEXPECT(paging_translate(TEST_VA, NULL, &flags));
		/* Without the PAT write-combining is not expressible: it maps uncached. */
		unsigned want = types[i] == PG_CACHE_WC && !paging_has_pat() ? PG_CACHE_UC : types[i];
		KEXPECT((flags & PG_CACHE_MASK) == want);
		KEXPECT(paging_unmap(TEST_VA, 1) == 0);
	}
	KEXPECT(pmm_free(pa, 1) == 0);
}

KTEST(paging, kernel_image_is_wx_split)
{
	unsigned text, rodata, data, boot;

	KASSERT(paging_translate((vaddr_t)paging_map, NULL, &text));
	KASSERT(paging_translate((vaddr_t)&ro_value, NULL, &rodata));
	KASSERT(paging_translate((vaddr_t)data_code, NULL, &data));
	KASSERT(paging_translate((uintptr_t)_kernel_phys_start + KERNEL_OFFSET, NULL, &boot));
	KEXPECT(!(text & PG_WRITE) && !(text & PG_NX));
	KEXPECT(!(rodata & PG_WRITE));
	KEXPECT(data & PG_WRITE);
	if (paging_has_nx()) {
		KEXPECT(rodata & PG_NX);
		KEXPECT(data & PG_NX);
		KEXPECT(boot & PG_NX); /* the 32-bit entry code is not executable any more */
	}
}

KTEST(paging, write_to_text_faults) { expect_write_fault((void *)paging_map); }

KTEST(paging, write_to_rodata_faults) { expect_write_fault((void *)&ro_value); }

KTEST(paging, exec_from_data_faults) { expect_exec_fault(data_code); }

KTEST(paging, exec_from_stack_faults)
{
	uint8_t code[16] = { X86_RET };

	expect_exec_fault(code);
}

KTEST(paging, exec_from_kmalloc_faults)
{
	uint8_t *code = kmalloc(64);

	KASSERT(code != NULL);
	code[0] = X86_RET;
	expect_exec_fault(code);
	kfree(code);
}

KTEST(paging, exec_from_heap_faults)
{
	uint8_t *code = heap_alloc(64);

	KASSERT(code != NULL);
	code[0] = X86_RET;
	expect_exec_fault(code);
	heap_free(code);
}

#define NOT_MAPPED (~0u)

/* The cache type (PG_CACHE_*) the direct map gives physical pa, or NOT_MAPPED. */
static unsigned direct_cache(paddr_t pa)
{
	unsigned flags;

	if (!paging_translate(KERNEL_OFFSET + pa, NULL, &flags))
		return NOT_MAPPED;
	return flags & PG_CACHE_MASK;
}

/* True when no region of the firmware's map touches the page at pa. Plain O(n). */
static bool page_in_hole(const struct bootinfo *bi, paddr_t pa)
{
	for (size_t i = 0; i < bi->nregions; i++) {
		const struct mem_region *r = &bi->regions[i];
		uint64_t end = r->base + r->length;

		if (r->length && (end < r->base || end > pa) && r->base < pa + PAGE_SIZE)
			return false;
	}
	return true;
}

/* The lowest (or, when highest, the highest) page below 2 GiB that starts a hole of the
 * firmware's map: a hole begins at 0 or where a region ends. True and *pa when found. */
static bool find_hole(const struct bootinfo *bi, bool highest, paddr_t *pa)
{
	bool found = false;

	for (size_t i = 0; i <= bi->nregions; i++) {
		paddr_t c = 0; /* the extra round: address 0 */

		if (i < bi->nregions) {
			const struct mem_region *r = &bi->regions[i];
			uint64_t end = r->base + r->length;

			if (r->length == 0 || end < r->base || end >= DIRECT_MAP_SIZE)
				continue;
			c = ALIGN_UP(end, PAGE_SIZE);
		}
		if (c >= DIRECT_MAP_SIZE || !page_in_hole(bi, c))
			continue;
		if (!found || (highest ? c > *pa : c < *pa))
			*pa = c;
		found = true;
	}
	return found;
}

KTEST(paging, direct_map_ram_is_write_back)
{
	paddr_t pa = pmm_alloc(1, 0, PMM_LIMIT_DIRECT);

	KASSERT(pa != 0);
	KEXPECT(direct_cache(pa) == PG_CACHE_WB);
	KEXPECT(direct_cache((uintptr_t)data_code - KERNEL_OFFSET) == PG_CACHE_WB); /* image */
	KEXPECT(direct_cache((uintptr_t)paging_map - KERNEL_OFFSET) == PG_CACHE_WB);
	KEXPECT(pmm_free(pa, 1) == 0);
}

/* The VGA text window at 0xb8000 (the console writes it through the direct map): uncached,
 * as a PC's fixed MTRRs make it and as ioremap maps it. */
KTEST(paging, direct_map_vga_window_is_uncached)
{
	const struct bootinfo *bi = bootinfo_get();

	KASSERT(bi != NULL);
	if (memtype_page_is_ram(bi->regions, bi->nregions, 0xb8000))
		ktest_skip("the firmware's map calls the VGA window memory");
	KEXPECT(direct_cache(0xb8000) == PG_CACHE_UC);
}

/* Holes of the firmware's map below 2 GiB (the VGA window and option ROMs under SeaBIOS,
 * the PCI hole of a machine with max-ram-below-4g=1G, what lies above the RAM of a small
 * machine): the lowest and the highest page starting one, and the direct map's last page
 * when it is in a hole, are uncached. */
KTEST(paging, direct_map_hole_is_uncached)
{
	const struct bootinfo *bi = bootinfo_get();
	paddr_t first, last, top = DIRECT_MAP_SIZE - PAGE_SIZE;

	KASSERT(bi != NULL);
	if (!find_hole(bi, false, &first) || !find_hole(bi, true, &last))
		ktest_skip("no hole in the firmware's map below 2 GiB");
	KEXPECT(direct_cache(first) == PG_CACHE_UC);
	KEXPECT(direct_cache(last) == PG_CACHE_UC);
	if (page_in_hole(bi, top))
		KEXPECT(direct_cache(top) == PG_CACHE_UC);
}

/* Every 2 MiB block of the direct map against memtype_block: each page of the right type
 * (RAM write-back, the rest uncached; kernel image blocks are the W^X tests' business,
 * pages other tests unmapped are skipped), and at boot a page table only for a mixed or
 * kernel-image block: PML4, PDPT, 2 PDs and those PTs (5-12 on QEMU's machines), so
 * building the direct map stays cheap. */
KTEST(paging, direct_map_follows_memory_map)
{
	const struct bootinfo *bi = bootinfo_get();
	paddr_t img_start = (uintptr_t)_kernel_phys_start, img_end = (uintptr_t)_kernel_phys_end;
	unsigned tables = 4; /* PML4, PDPT, a PD for each GiB */
	uint64_t ram[MEMTYPE_WORDS], wrong = 0;

	KASSERT(bi != NULL);
	for (paddr_t pa = 0; pa < DIRECT_MAP_SIZE; pa += MEMTYPE_BLOCK) {
		enum memtype_kind kind = memtype_block(bi->regions, bi->nregions, pa, ram);

		if (pa < img_end && pa + MEMTYPE_BLOCK > img_start) {
			tables++;
			continue;
		}
		tables += kind == MEMTYPE_MIXED;
		for (size_t j = 0; j < MEMTYPE_BLOCK_PAGES; j++) {
			bool is_ram = ram[j / 64] & (1ull << (j % 64));
			unsigned cache = direct_cache(pa + j * PAGE_SIZE);

			if (cache != NOT_MAPPED && cache != (is_ram ? PG_CACHE_WB : PG_CACHE_UC) && !wrong++)
				printk("# first wrong type: page 0x%llx (%s) has cache type %u\n",
				       (unsigned long long)(pa + j * PAGE_SIZE), is_ram ? "RAM" : "not RAM",
				       cache >> PG_CACHE_SHIFT);
		}
	}
	KEXPECT(wrong == 0);
	KEXPECT(paging_boot_tables == tables);
	KEXPECT(tables <= 64);
}
