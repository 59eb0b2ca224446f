// SPDX-License-Identifier: MIT
/*
 * Host tests of the x86_64 page-table code (src/arch/x86_64/mm/paging.c, the real file)
 * over the simulated direct map: tables come from kmalloc exactly as in the kernel, invlpg
 * is recorded instead of executed. Covers mapping and rollback, translation, splitting 2 MiB
 * pages (attributes and PAT bit kept), freeing emptied tables (each cleared entry
 * invalidated), physical addresses beyond 52 bits, and -ENOMEM without leaks.
 */
#include <arch/cpu.h> /* the x86_stub one: the invlpg record */
#include <lios/errno.h>
#include <lios/kmalloc.h>
#include <lios/paging.h>
#include <lios/pmm.h>
#include <stdio.h>
#include <stdlib.h>
#include "pte.h"
#include "../../../unit.h"

#define TEST_VA 0xffffa00000000000ull

uint64_t *paging_pml4;
uint64_t paging_nx_mask = PTE_NX;
uint64_t paging_global_mask = PTE_G;
uint64_t paging_cache_bits[4] = { 0, PTE_PWT, PTE_PCD | PTE_PWT, PTE_PAT_4K | PTE_PWT };
unsigned long test_invlpg_count;
uint64_t test_invlpg_va[TEST_INVLPG_LOG];

MEMMAP_STATIC(map, MEMMAP_STATIC_RANGES);


static uint64_t free_frames(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	return st.free_frames;
}

/* A kernel-like layout: PML4[511] -> PDPT[510] -> PD whose entries 1 and 2 are 2 MiB pages
 * at physical 2 and 4 MiB (the second write-through through the PAT bit), as in the
 * direct map. */
static void setup(void)
{
	uint64_t *pdpt, *pd;

	map.n = 1;
	map.r[0].start = MiB(1);
	map.r[0].end = MiB(64);
	if (pmm_init(&map) || kmalloc_init()) {
		fprintf(stderr, "setup failed\n");
		exit(1);
	}
	paging_pml4 = kzalloc(PAGE_SIZE);
	pdpt = kzalloc(PAGE_SIZE);
	pd = kzalloc(PAGE_SIZE);
	paging_pml4[511] = virt_to_phys(pdpt) | PTE_P | PTE_W;
	pdpt[510] = virt_to_phys(pd) | PTE_P | PTE_W;
	pd[1] = MiB(2) | PTE_P | PTE_W | PTE_PS | PTE_G | PTE_NX;
	pd[2] = MiB(4) | PTE_P | PTE_W | PTE_PS | PTE_G | PTE_NX | PTE_PAT_LARGE | PTE_PWT;
	pd[3] = MiB(6) | PTE_P | PTE_W | PTE_PS | PTE_G | PTE_NX;
}

/* Map three pages at a fresh address: translation gives address and flags back; mapping over
 * them fails with -EEXIST and leaves the new page it mapped first unmapped; unmapping frees
 * every table the mapping created (pmm's free count is back). */
static void test_map_unmap(void)
{
	uint64_t before = free_frames();
	paddr_t pa;
	unsigned flags;

	CHECK(paging_map(TEST_VA + PAGE_SIZE, MiB(8), 3, PG_WRITE | PG_NX | PG_CACHE_WC) == 0);
	CHECK(free_frames() == before - 3); /* PDPT, PD, PT */
	CHECK(paging_translate(TEST_VA + 2 * PAGE_SIZE + 7, &pa, &flags));
	CHECK(pa == MiB(8) + PAGE_SIZE + 7);
	CHECK(flags == (PG_WRITE | PG_NX | PG_CACHE_WC));
	CHECK(!paging_translate(TEST_VA, NULL, NULL));
	CHECK(paging_map(TEST_VA, MiB(9), 2, PG_WRITE) == -EEXIST);
	CHECK(!paging_translate(TEST_VA, NULL, NULL)); /* rolled back */
	CHECK(paging_map(TEST_VA + 8, MiB(9), 1, PG_WRITE) == -EINVAL);
	CHECK(paging_protect(TEST_VA + PAGE_SIZE, 3, PG_NX) == 0);
	CHECK(paging_translate(TEST_VA + PAGE_SIZE, NULL, &flags) && flags == PG_NX);
	CHECK(paging_protect(TEST_VA, 1, PG_NX) == -ENOENT);
	CHECK(paging_unmap(TEST_VA, 8) == 0);
	CHECK(!paging_translate(TEST_VA + PAGE_SIZE, NULL, NULL));
	CHECK(free_frames() == before);
	CHECK(paging_pml4[PT_INDEX(TEST_VA, 4)] == 0);
}

/* Unmapping one 4 KiB page inside a 2 MiB page splits it: its neighbours keep address,
 * writability, NX, global and the PAT cache type; remapping the hole works; protecting one
 * page of the other large page splits it too. */
static void test_split(void)
{
	vaddr_t big = KERNEL_OFFSET + MiB(2), wt = KERNEL_OFFSET + MiB(4);
	unsigned long inv = test_invlpg_count;
	paddr_t pa;
	unsigned flags;

	CHECK(paging_translate(big + 5 * PAGE_SIZE + 1, &pa, NULL) && pa == MiB(2) + 5 * PAGE_SIZE + 1);
	CHECK(paging_unmap(big + PAGE_SIZE, 1) == 0);
	CHECK(test_invlpg_count > inv);
	CHECK(!paging_translate(big + PAGE_SIZE, NULL, NULL));
	CHECK(paging_translate(big + 2 * PAGE_SIZE, &pa, &flags));
	CHECK(pa == MiB(2) + 2 * PAGE_SIZE);
	CHECK(flags == (PG_WRITE | PG_NX | PG_GLOBAL));
	CHECK(paging_map(big + PAGE_SIZE, MiB(2) + PAGE_SIZE, 1, PG_WRITE | PG_NX | PG_GLOBAL) == 0);

	CHECK(paging_translate(wt, NULL, &flags) && (flags & PG_CACHE_MASK) == PG_CACHE_WT);
	CHECK(paging_protect(wt + 3 * PAGE_SIZE, 1, PG_NX | PG_CACHE_WT) == 0);
	CHECK(paging_translate(wt + 3 * PAGE_SIZE, NULL, &flags) && flags == (PG_NX | PG_CACHE_WT));
	CHECK(paging_translate(wt + 4 * PAGE_SIZE, &pa, &flags) && pa == MiB(4) + 4 * PAGE_SIZE);
	CHECK(flags == (PG_WRITE | PG_NX | PG_GLOBAL | PG_CACHE_WT));
}

/* With every frame taken, mapping at an address that needs new tables fails with -ENOMEM
 * and leaves no partial table behind; splitting fails the same way; with memory back, both
 * work. */
static void test_enomem(void)
{
	paddr_t *held = malloc(20000 * sizeof(*held));
	size_t n = 0;
	uint64_t before;

	while (n < 20000 && (held[n] = pmm_alloc(1, 0, PMM_LIMIT_NONE)) != 0)
		n++;
	kmalloc_shrink();
	while (n < 20000 && (held[n] = pmm_alloc(1, 0, PMM_LIMIT_NONE)) != 0)
		n++;
	CHECK(free_frames() == 0);
	/* keep two frames: the PDPT and PD get allocated, the PT does not */
	pmm_free(held[--n], 1);
	pmm_free(held[--n], 1);
	before = free_frames();
	CHECK(paging_map(TEST_VA, MiB(8), 1, PG_WRITE) == -ENOMEM);
	CHECK(free_frames() == before);
	CHECK(paging_pml4[PT_INDEX(TEST_VA, 4)] == 0);
	while (free_frames() > 0)
		held[n++] = pmm_alloc(1, 0, PMM_LIMIT_NONE);
	CHECK(paging_unmap(KERNEL_OFFSET + MiB(6) + PAGE_SIZE, 1) == -ENOMEM); /* split needs a PT */
	CHECK(paging_translate(KERNEL_OFFSET + MiB(6) + PAGE_SIZE, NULL, NULL));
	while (n > 0)
		pmm_free(held[--n], 1);
	CHECK(paging_map(TEST_VA, MiB(8), 1, PG_WRITE) == 0);
	CHECK(paging_unmap(TEST_VA, 1) == 0);
	CHECK(paging_unmap(KERNEL_OFFSET + MiB(6) + PAGE_SIZE, 1) == 0);
	CHECK(!paging_translate(KERNEL_OFFSET + MiB(6) + PAGE_SIZE, NULL, NULL));
	free(held);
}

/* Checks that the invlpgs since 'since' are exactly 'want', all for va. */
static void check_invlpgs(unsigned long since, unsigned long want, vaddr_t va)
{
	CHECK_EQ(test_invlpg_count - since, want);
	for (unsigned long i = since; i < test_invlpg_count && i - since < TEST_INVLPG_LOG; i++)
		CHECK_EQ(test_invlpg_va[i % TEST_INVLPG_LOG], va);
}

/* Unmapping pages at a fresh address whose tables hold nothing else. Expected: with a
 * neighbour still mapped, one invlpg (the PTE) and no table freed; then unmapping the last
 * page clears the PTE and the PDE, PDPTE and PML4E above it as their tables are freed:
 * four invlpgs, all for that page, and every table frame back. */
static void test_prune_invalidates(void)
{
	uint64_t before = free_frames();
	unsigned long inv;

	CHECK(paging_map(TEST_VA, MiB(8), 2, PG_WRITE) == 0);
	inv = test_invlpg_count;
	CHECK(paging_unmap(TEST_VA + PAGE_SIZE, 1) == 0);
	check_invlpgs(inv, 1, TEST_VA + PAGE_SIZE);
	CHECK(paging_pml4[PT_INDEX(TEST_VA, 4)] != 0);
	inv = test_invlpg_count;
	CHECK(paging_unmap(TEST_VA, 1) == 0);
	check_invlpgs(inv, 4, TEST_VA);
	CHECK(paging_pml4[PT_INDEX(TEST_VA, 4)] == 0);
	CHECK(free_frames() == before);
}

/* Physical addresses an entry cannot hold (bits above 51, as a broken ACPI table may give):
 * bit 63 set, and a range whose second page crosses 2^52. Expected: -EINVAL, nothing
 * mapped and no table left behind; the last frame below 2^52 maps, and translates back
 * with exactly the flags asked for (no NX leaking in from the address). */
static void test_phys_beyond_52_bits(void)
{
	uint64_t before = free_frames();
	paddr_t last = PAGING_PHYS_LIMIT - PAGE_SIZE, pa = 0;
	unsigned flags = 0;

	CHECK(paging_map(TEST_VA, (1ull << 63) | MiB(8), 1, PG_WRITE) == -EINVAL);
	CHECK(paging_map(TEST_VA, PAGING_PHYS_LIMIT, 1, PG_WRITE) == -EINVAL);
	CHECK(paging_map(TEST_VA, last, 2, PG_WRITE) == -EINVAL);
	CHECK(paging_map(TEST_VA, 0, SIZE_MAX, PG_WRITE) == -EINVAL);
	CHECK(!paging_translate(TEST_VA, NULL, NULL));
	CHECK(free_frames() == before);
	CHECK(paging_map(TEST_VA, last, 1, PG_WRITE) == 0);
	CHECK(paging_translate(TEST_VA + 5, &pa, &flags));
	CHECK(pa == last + 5 && flags == PG_WRITE);
	CHECK(paging_unmap(TEST_VA, 1) == 0);
	CHECK(free_frames() == before);
}

int main(void)
{
	setup();
	test_map_unmap();
	test_split();
	test_prune_invalidates();
	test_phys_beyond_52_bits();
	test_enomem();
	return unit_exit("test_paging_x86");
}
