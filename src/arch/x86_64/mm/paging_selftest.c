// SPDX-License-Identifier: MIT
/*
 * In-kernel self-tests of the page tables (suite "paging"): map/translate/protect/unmap on a
 * scratch address, a frame above 4 GiB, splitting a 2 MiB direct-map page, cache types, the
 * W^X layout of the kernel image, and the expected faults: writing to text and rodata,
 * executing from the heap, kmalloc memory, the stack and data.
 */
#include <arch/trap.h>
#include <lios/compiler.h>
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/kmalloc.h>
#include <lios/paging.h>
#include <lios/pmm.h>
#include <lios/sections.h>
#include <lios/selftest.h>
#include <lios/string.h>

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

static void expect_exec_fault(void *code)
{
	struct fault_info fi;

	if (!paging_has_nx())
		ktest_skip("no NX");
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
	if (!paging_has_nx())
		ktest_skip("no NX");
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
