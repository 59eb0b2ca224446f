// SPDX-License-Identifier: MIT
/*
 * The kernel page tables after boot: map, unmap, translate, protect, on 4-level x86_64
 * tables with 4 KiB granularity in the interface.
 *
 * Where the tables live: every table page comes from kzalloc(PAGE_SIZE) and is reached
 * with phys_to_virt() (the sanctioned kmalloc <-> paging cycle: "DOC: The memory story" in
 * src/mm/mm_init.c).
 * Invariants: intermediate entries are present+writable and carry no NX, so a leaf entry
 * alone decides the protection; a table left empty by paging_unmap is freed and its parent
 * entry cleared (the PML4 itself is never freed). Large pages (the direct map uses 2 MiB
 * pages outside the kernel image) are split into 512 smaller entries with the same
 * attributes when a part of them changes. Every change of a present entry is followed by
 * invlpg. Context: single CPU; callers must not race with themselves.
 */
#include <arch/cpu.h>
#include <lios/compiler.h>
#include <lios/errno.h>
#include <lios/kmalloc.h>
#include <lios/paging.h>
#include "pte.h"

static_assert(PTE_ADDR + PAGE_SIZE == PAGING_PHYS_LIMIT, "PTE_ADDR is the 52-bit frame field");

static uint64_t *table_at(uint64_t entry) { return phys_to_virt(entry & PTE_ADDR); }

/*
 * Finds the entry for va at level 1 (PT), or the large entry (level 2 or 3) on the way.
 * create: missing tables are allocated (NULL then means -ENOMEM); else NULL when a table
 * on the way is missing. *level is set to the level of the returned entry.
 */
static uint64_t *walk(vaddr_t va, bool create, int *level)
{
	uint64_t *table = paging_pml4;

	for (int l = 4; l > 1; l--) {
		uint64_t *e = &table[PT_INDEX(va, l)];

		if (!(*e & PTE_P)) {
			uint64_t *t;

			if (!create)
				return NULL;
			t = kzalloc(PAGE_SIZE);
			if (!t)
				return NULL;
			*e = virt_to_phys(t) | PTE_P | PTE_W;
		} else if (*e & PTE_PS) {
			*level = l;
			return e;
		}
		table = table_at(*e);
	}
	*level = 1;
	return &table[PT_INDEX(va, 1)];
}

static uint64_t leaf_bits(unsigned flags)
{
	uint64_t e = PTE_P | paging_cache_bits[(flags & PG_CACHE_MASK) >> PG_CACHE_SHIFT];

	if (flags & PG_WRITE)
		e |= PTE_W;
	if (flags & PG_NX)
		e |= paging_nx_mask;
	if (flags & PG_GLOBAL)
		e |= paging_global_mask;
	return e;
}

static unsigned flags_of(uint64_t e, int level)
{
	uint64_t cache = e & (PTE_PWT | PTE_PCD);
	unsigned f = 0;

	if (level > 1 && (e & PTE_PAT_LARGE))
		cache |= PTE_PAT_4K;
	else if (level == 1)
		cache |= e & PTE_PAT_4K;
	for (unsigned c = 0; c < 4; c++)
		if (paging_cache_bits[c] == cache)
			f = c << PG_CACHE_SHIFT;
	if (e & PTE_W)
		f |= PG_WRITE;
	if (e & PTE_NX)
		f |= PG_NX;
	if (e & PTE_G)
		f |= PG_GLOBAL;
	return f;
}

/* Replaces the large entry *e (level 2 or 3) covering va by a table of 512 entries with the
 * same attributes. Returns 0 or -ENOMEM. */
static int split(uint64_t *e, int level, vaddr_t va)
{
	uint64_t *t = kzalloc(PAGE_SIZE);
	uint64_t attrs = *e & ~PTE_ADDR_LARGE & ~PTE_PS, base = *e & PTE_ADDR_LARGE;
	uint64_t step = 1ull << PT_LEVEL_SHIFT(level - 1);

	if (!t)
		return -ENOMEM;
	if (level == 2 && (attrs & PTE_PAT_LARGE)) /* the PAT bit moves to bit 7 in a PTE */
		attrs = (attrs & ~PTE_PAT_LARGE) | PTE_PAT_4K;
	for (int i = 0; i < PT_ENTRIES; i++)
		t[i] = (base + i * step) | attrs | (level == 3 ? PTE_PS : 0);
	*e = virt_to_phys(t) | PTE_P | PTE_W;
	invlpg(va);
	return 0;
}

/* Frees the tables on va's path that have become empty, bottom up (the path may stop early:
 * a failed paging_map can leave empty tables above a missing one). */
static void prune(vaddr_t va)
{
	uint64_t *path[5];
	uint64_t *table = paging_pml4;
	int l;

	for (l = 4; l > 1; l--) {
		path[l] = &table[PT_INDEX(va, l)];
		if (!(*path[l] & PTE_P) || (*path[l] & PTE_PS))
			break;
		table = table_at(*path[l]);
	}
	/* path[l + 1 .. 4] are present entries pointing to tables. */
	for (int k = l + 1; k <= 4; k++) {
		uint64_t *child = table_at(*path[k]);

		for (int i = 0; i < PT_ENTRIES; i++)
			if (child[i])
				return;
		*path[k] = 0;
		invlpg(va); /* drops the paging-structure caches' copy of the entry too */
		kfree(child);
	}
}

/* Unmaps npages from va: missing pages skipped, large pages split, emptied tables freed,
 * TLB invalidated. Returns 0 or -ENOMEM (a split needed a table). */
int paging_unmap(vaddr_t va, size_t npages)
{
	for (size_t i = 0; i < npages; i++, va += PAGE_SIZE) {
		int level;
		uint64_t *e = walk(va, false, &level);

		while (e && level > 1) {
			int err = split(e, level, va);

			if (err)
				return err;
			e = walk(va, false, &level);
		}
		if (e && (*e & PTE_P)) {
			*e = 0;
			invlpg(va);
		}
		if (i + 1 == npages || IS_ALIGNED(va + PAGE_SIZE, 1ull << PT_LEVEL_SHIFT(2)))
			prune(va);
	}
	return 0;
}

/* Maps npages 4 KiB pages va -> pa with PG_* flags. Returns 0, -EINVAL, -ENOMEM or -EEXIST;
 * on error this call leaves nothing mapped and no table it created. */
int paging_map(vaddr_t va, paddr_t pa, size_t npages, unsigned flags)
{
	uint64_t bits = leaf_bits(flags);

	if (!IS_ALIGNED(va | pa, PAGE_SIZE))
		return -EINVAL;
	/* A frame address wider than PTE_ADDR would spill into NX and the ignored bits. */
	if (npages > 0 && (pa > PTE_ADDR || npages - 1 > (PTE_ADDR - pa) >> PAGE_SHIFT))
		return -EINVAL;
	for (size_t i = 0; i < npages; i++) {
		vaddr_t v = va + i * PAGE_SIZE;
		int level, err = 0;
		uint64_t *e = walk(v, true, &level);

		if (!e)
			err = -ENOMEM;
		else if (level > 1 || (*e & PTE_P))
			err = -EEXIST;
		if (err) {
			paging_unmap(va, i);
			prune(v); /* tables this call created for the failing page */
			return err;
		}
		*e = (pa + i * PAGE_SIZE) | bits;
	}
	return 0;
}

/* True when va is mapped; *pa gets its physical address, *flags its PG_* flags. */
bool paging_translate(vaddr_t va, paddr_t *pa, unsigned *flags)
{
	int level;
	uint64_t *e = walk(va, false, &level);

	if (!e || !(*e & PTE_P))
		return false;
	if (pa) {
		uint64_t mask = (1ull << PT_LEVEL_SHIFT(level)) - 1;

		*pa = ((*e & PTE_ADDR) & ~mask) + (va & mask);
	}
	if (flags)
		*flags = flags_of(*e, level);
	return true;
}

/* New PG_* flags for npages mapped pages. Returns 0, -ENOENT (a page is not mapped) or
 * -ENOMEM (split failed). */
int paging_protect(vaddr_t va, size_t npages, unsigned flags)
{
	uint64_t bits = leaf_bits(flags);

	for (size_t i = 0; i < npages; i++, va += PAGE_SIZE) {
		int level;
		uint64_t *e = walk(va, false, &level);

		while (e && level > 1 && (*e & PTE_P)) {
			int err = split(e, level, va);

			if (err)
				return err;
			e = walk(va, false, &level);
		}
		if (!e || !(*e & PTE_P))
			return -ENOENT;
		*e = (*e & PTE_ADDR) | bits;
		invlpg(va);
	}
	return 0;
}
