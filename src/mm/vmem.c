// SPDX-License-Identifier: MIT
/*
 * The address-space arena behind vmalloc and ioremap: which page ranges of a virtual window
 * are free or busy. Nothing here maps memory for callers; vmalloc.c does that.
 *
 * Design (in the spirit of Bonwick's vmem): every byte of the window belongs to exactly one
 * segment, and segments are doubly linked in address order, so a freed range merges with
 * its free neighbours in O(1). Free segments sit on 64 lists indexed by floor(log2(pages));
 * a 64-bit map says which lists are non-empty. An allocation of n pages takes the head of
 * the first non-empty list whose every member is >= n ("instant fit": one find-first-set,
 * no walk), and only when none exists looks at up to VMEM_FIT_SCAN members of the list
 * that may hold a fit (so the whole window can still be taken in one piece). Busy segments
 * are found again from their start address through a hash table. Allocation and free thus
 * cost the same with 10 or 100,000 live areas; no list of areas is ever walked.
 *
 * Where the bookkeeping lives: the first part of the window (1/16 of it, at most 64 MiB) is
 * the arena's own region, a permanently busy segment. The hash table and the segment nodes
 * live there, in pages this file maps itself with pmm_alloc() + paging_map(), so the arena
 * never needs itself to grow ("DOC: The memory story" in mm_init.c). Node pages
 * are a high-water mark: they are kept (reported as meta_pages) and reused, never given back.
 * Every operation first makes sure two spare nodes exist, so a split never fails halfway.
 *
 * Locking: none here; vmalloc.c serialises calls with interrupts off.
 */
#include <lios/compiler.h>
#include <lios/errno.h>
#include <lios/paging.h>
#include <lios/pmm.h>
#include <lios/string.h>
#include "vmem.h"

#define VMEM_META_MAX MiB(64)
#define VMEM_META_FLAGS (PG_WRITE | PG_NX | PG_GLOBAL)
#define VMEM_HASH_SIZE ((size_t)1 << VMEM_HASH_BITS)

static_assert(sizeof(struct vmem_seg) == 64, "vmem_seg is one cache line");

static unsigned vmem_log2(uint64_t x) { return 63u - (unsigned)__builtin_clzll(x); }

static size_t vmem_hash_index(vaddr_t va)
{
	return (size_t)(((va >> PAGE_SHIFT) * 0x9e3779b97f4a7c15ull) >> (64 - VMEM_HASH_BITS));
}

/* Maps one more page of the bookkeeping region; returns its address or 0. */
static vaddr_t vmem_meta_page(struct vmem *a)
{
	vaddr_t va = a->meta_next;
	paddr_t pa;

	if (va >= a->meta_end)
		return 0;
	pa = pmm_alloc(1, 0, PMM_LIMIT_NONE);
	if (!pa)
		return 0;
	if (paging_map(va, pa, 1, VMEM_META_FLAGS) < 0) {
		pmm_free(pa, 1);
		return 0;
	}
	a->meta_next += PAGE_SIZE;
	a->meta_pages++;
	return va;
}

/* Makes sure at least n spare nodes exist. */
static bool vmem_reserve_nodes(struct vmem *a, uint64_t n)
{
	while (a->nspare < n) {
		vaddr_t va = vmem_meta_page(a);
		struct vmem_seg *s = (struct vmem_seg *)(uintptr_t)va;

		if (!va)
			return false;
		for (size_t i = 0; i < PAGE_SIZE / sizeof(*s); i++) {
			s[i].anext = a->spare;
			a->spare = &s[i];
			a->nspare++;
		}
	}
	return true;
}

static struct vmem_seg *vmem_node_get(struct vmem *a)
{
	struct vmem_seg *s = a->spare;

	a->spare = s->anext;
	a->nspare--;
	memset(s, 0, sizeof(*s));
	return s;
}

static void vmem_node_put(struct vmem *a, struct vmem_seg *s)
{
	s->kind = VMEM_FREE;
	s->anext = a->spare;
	a->spare = s;
	a->nspare++;
}

static void vmem_freelist_add(struct vmem *a, struct vmem_seg *s)
{
	unsigned b = vmem_log2(s->size >> PAGE_SHIFT);

	s->kind = VMEM_FREE;
	s->lprev = NULL;
	s->lnext = a->freelist[b];
	if (s->lnext)
		s->lnext->lprev = s;
	a->freelist[b] = s;
	a->freemap |= 1ull << b;
}

static void vmem_freelist_del(struct vmem *a, struct vmem_seg *s)
{
	unsigned b = vmem_log2(s->size >> PAGE_SHIFT);

	if (s->lprev)
		s->lprev->lnext = s->lnext;
	else
		a->freelist[b] = s->lnext;
	if (s->lnext)
		s->lnext->lprev = s->lprev;
	if (!a->freelist[b])
		a->freemap &= ~(1ull << b);
}

static void vmem_hash_add(struct vmem *a, struct vmem_seg *s)
{
	size_t i = vmem_hash_index(s->start);

	s->lnext = a->hash[i];
	a->hash[i] = s;
}

static void vmem_hash_del(struct vmem *a, struct vmem_seg *s)
{
	struct vmem_seg **pp = &a->hash[vmem_hash_index(s->start)];

	while (*pp != s)
		pp = &(*pp)->lnext;
	*pp = s->lnext;
}

/* Inserts new segment n right after s in address order. */
static void vmem_link_after(struct vmem_seg *s, struct vmem_seg *n)
{
	n->aprev = s;
	n->anext = s->anext;
	if (s->anext)
		s->anext->aprev = n;
	s->anext = n;
}

static void vmem_unlink(struct vmem_seg *s)
{
	if (s->aprev)
		s->aprev->anext = s->anext;
	if (s->anext)
		s->anext->aprev = s->aprev;
}

/* Turns [va, va + size) of free segment s (not on a free list) into a busy segment; the
 * pieces before and after go back on the free lists. Needs two spare nodes. */
static struct vmem_seg *vmem_carve(struct vmem *a, struct vmem_seg *s, vaddr_t va,
				   uint64_t size, enum vmem_kind kind)
{
	struct vmem_seg *n;

	if (va > s->start) {
		n = vmem_node_get(a);
		n->start = va;
		n->size = s->start + s->size - va;
		vmem_link_after(s, n);
		s->size = va - s->start;
		vmem_freelist_add(a, s);
		s = n;
	}
	if (s->size > size) {
		n = vmem_node_get(a);
		n->start = va + size;
		n->size = s->size - size;
		vmem_link_after(s, n);
		s->size = size;
		vmem_freelist_add(a, n);
	}
	s->kind = kind;
	s->mapped = 0;
	s->caller = 0;
	vmem_hash_add(a, s);
	if (kind != VMEM_META)
		a->busy++;
	return s;
}

/* A failed vmem_init: the bookkeeping pages it mapped unmapped and their frames given back,
 * so that nothing is lost and the window can be set up again. */
static void vmem_meta_release(struct vmem *a)
{
	for (vaddr_t va = a->start; va < a->meta_next; va += PAGE_SIZE) {
		paddr_t pa;

		if (paging_translate(va, &pa, NULL))
			pmm_free(pa & PAGE_MASK, 1);
	}
	if (a->meta_next > a->start)
		paging_unmap(a->start, (a->meta_next - a->start) >> PAGE_SHIFT);
	a->meta_next = a->start;
	a->meta_pages = 0;
}

/*
 * Sets up arena a over [start, end). Returns 0, -EINVAL for a window that is unaligned or
 * too small for its bookkeeping, -ENOMEM when no frame could be had (the pages mapped so
 * far are then given back). Context: boot, or a test/benchmark owning the window.
 */
int vmem_init(struct vmem *a, vaddr_t start, vaddr_t end)
{
	uint64_t meta = MIN((end - start) / 16, VMEM_META_MAX) & PAGE_MASK;
	size_t hash_pages = VMEM_HASH_SIZE * sizeof(struct vmem_seg *) / PAGE_SIZE;
	struct vmem_seg *all;

	if (start >= end || !IS_ALIGNED(start | end, PAGE_SIZE) || meta < (hash_pages + 1) * PAGE_SIZE)
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	a->start = start;
	a->end = end;
	a->meta_next = start;
	a->meta_end = start + meta;
	for (size_t i = 0; i < hash_pages; i++)
		if (!vmem_meta_page(a))
			goto out_nomem;
	a->hash = (struct vmem_seg **)(uintptr_t)start;
	memset(a->hash, 0, VMEM_HASH_SIZE * sizeof(*a->hash));
	if (!vmem_reserve_nodes(a, 3))
		goto out_nomem;
	all = vmem_node_get(a);
	all->start = start;
	all->size = end - start;
	vmem_carve(a, all, start, meta, VMEM_META);
	return 0;
out_nomem:
	vmem_meta_release(a);
	return -ENOMEM;
}

static bool vmem_fits(const struct vmem_seg *s, uint64_t size, uint64_t align)
{
	vaddr_t va = ALIGN_UP(s->start, align);

	return va >= s->start && va - s->start <= s->size && s->size - (va - s->start) >= size;
}

/* Aligned requests: instant fit must assume the worst misalignment (size + align - page),
 * which would never reuse a hole that is exactly an aligned block. So first look at up to
 * VMEM_FIT_SCAN free segments of the smaller lists (from size up to, not including, list
 * 'below') for one that fits once aligned. */
static struct vmem_seg *vmem_aligned_fit(struct vmem *a, uint64_t size, uint64_t align,
					 unsigned below)
{
	unsigned n = 0;

	for (unsigned b = vmem_log2(size >> PAGE_SHIFT); b < MIN(below, VMEM_NBUCKETS); b++) {
		if (!(a->freemap & (1ull << b)))
			continue;
		for (struct vmem_seg *s = a->freelist[b]; s; s = s->lnext) {
			if (vmem_fits(s, size, align))
				return s;
			if (++n == VMEM_FIT_SCAN)
				return NULL;
		}
	}
	return NULL;
}

/*
 * A busy segment of 'size' bytes (page multiple, > 0) whose start is aligned to 'align'
 * (power of two >= PAGE_SIZE), or NULL. O(1): one bitmap lookup, or a bounded scan.
 */
struct vmem_seg *vmem_alloc(struct vmem *a, uint64_t size, uint64_t align, enum vmem_kind kind)
{
	uint64_t search, pages, mask;
	struct vmem_seg *s = NULL;
	unsigned b;

	if (!size || !IS_ALIGNED(size, PAGE_SIZE) || align < PAGE_SIZE || (align & (align - 1)))
		return NULL;
	search = size + (align - PAGE_SIZE);
	if (search < size || search > a->end - a->start || !vmem_reserve_nodes(a, 2))
		return NULL;
	pages = search >> PAGE_SHIFT;
	b = vmem_log2(pages) + ((pages & (pages - 1)) ? 1 : 0);
	mask = b < VMEM_NBUCKETS ? a->freemap & (~0ull << b) : 0;
	if (align > PAGE_SIZE)
		s = vmem_aligned_fit(a, size, align, b);
	if (!s && mask) {
		s = a->freelist[__builtin_ctzll(mask)];
	} else if (!s) {
		unsigned n = 0;

		for (s = a->freelist[vmem_log2(size >> PAGE_SHIFT)]; s && n < VMEM_FIT_SCAN;
		     s = s->lnext, n++)
			if (vmem_fits(s, size, align))
				break;
		if (n == VMEM_FIT_SCAN)
			s = NULL;
	}
	if (!s)
		return NULL;
	vmem_freelist_del(a, s);
	return vmem_carve(a, s, ALIGN_UP(s->start, align), size, kind);
}

/* The busy segment (any kind but the bookkeeping region) starting at va, or NULL. */
struct vmem_seg *vmem_lookup(struct vmem *a, vaddr_t va)
{
	struct vmem_seg *s;

	if (!a->hash || va < a->start || va >= a->end)
		return NULL;
	for (s = a->hash[vmem_hash_index(va)]; s; s = s->lnext)
		if (s->start == va)
			return s->kind == VMEM_META ? NULL : s;
	return NULL;
}

/* Frees busy segment s and merges it with free neighbours. O(1) plus the hash chain. */
void vmem_free(struct vmem *a, struct vmem_seg *s)
{
	struct vmem_seg *n;

	vmem_hash_del(a, s);
	a->busy--;
	n = s->aprev;
	if (n && n->kind == VMEM_FREE) {
		vmem_freelist_del(a, n);
		n->size += s->size;
		vmem_unlink(s);
		vmem_node_put(a, s);
		s = n;
	}
	n = s->anext;
	if (n && n->kind == VMEM_FREE) {
		vmem_freelist_del(a, n);
		s->size += n->size;
		vmem_unlink(n);
		vmem_node_put(a, n);
	}
	vmem_freelist_add(a, s);
}

/* Largest free range in bytes: the biggest member of the highest non-empty free list. */
uint64_t vmem_largest_free(const struct vmem *a)
{
	uint64_t best = 0;

	if (!a->freemap)
		return 0;
	for (const struct vmem_seg *s = a->freelist[vmem_log2(a->freemap)]; s; s = s->lnext)
		best = MAX(best, s->size);
	return best;
}
