/* SPDX-License-Identifier: MIT */
/*
 * Private interface of the address-space arena (src/mm/vmem.c), used by vmalloc.c and the
 * vmalloc benchmark. An arena hands out page-granular ranges of a virtual window in O(1)
 * whatever the number of live ranges; see vmem.c for the design.
 */
#ifndef LIOS_MM_VMEM_H
#define LIOS_MM_VMEM_H

#include <lios/types.h>

#define VMEM_NBUCKETS 64      /* free lists by floor(log2(pages)) */
#define VMEM_HASH_BITS 13     /* buckets of the busy-range hash */
#define VMEM_FIT_SCAN 32      /* free segments looked at when instant fit fails */

enum vmem_kind {
	VMEM_FREE = 0,
	VMEM_META,    /* the arena's own bookkeeping region, never freed */
	VMEM_VMALLOC, /* frames owned by the area */
	VMEM_IOREMAP, /* MMIO, frames not owned */
	VMEM_RAW,     /* address space only (benchmarks, tests) */
};

/* One segment: a free or busy range. Every byte of the window is in exactly one segment;
 * segments are linked in address order. 64 bytes. */
struct vmem_seg {
	vaddr_t start;               /* bytes, page aligned */
	uint64_t size;               /* bytes, page multiple */
	struct vmem_seg *aprev, *anext; /* address order */
	struct vmem_seg *lprev, *lnext; /* free list (free) or hash chain (busy, lnext only) */
	uint32_t kind;               /* enum vmem_kind */
	uint32_t mapped;             /* pages mapped at start (vmalloc/ioremap) */
	uintptr_t caller;            /* who allocated it, for reports */
};

struct vmem {
	vaddr_t start, end;          /* the window, bytes */
	vaddr_t meta_next, meta_end; /* bookkeeping region: next unmapped page, end */
	uint64_t meta_pages;         /* pages mapped for bookkeeping */
	uint64_t freemap;            /* bit b: freelist[b] not empty */
	struct vmem_seg *freelist[VMEM_NBUCKETS];
	struct vmem_seg **hash;      /* 1 << VMEM_HASH_BITS chains of busy segments */
	struct vmem_seg *spare;      /* unused nodes */
	uint64_t nspare;
	uint64_t busy;               /* busy segments, the bookkeeping region excluded */
};

/* Sets up arena 'a' over [start, end), mapping its hash table at the start of the window.
 * Returns 0, -EINVAL (bad window) or -ENOMEM (no frame for the bookkeeping). */
int vmem_init(struct vmem *a, vaddr_t start, vaddr_t end);
/* A busy range of 'size' bytes (page multiple) aligned to 'align' (power of two, >= page).
 * Returns the segment or NULL when no range fits or no node could be made. */
struct vmem_seg *vmem_alloc(struct vmem *a, uint64_t size, uint64_t align, enum vmem_kind kind);
/* The busy segment starting exactly at va, or NULL. */
struct vmem_seg *vmem_lookup(struct vmem *a, vaddr_t va);
/* Gives a busy segment (from vmem_alloc/vmem_lookup) back, merging it with free neighbours. */
void vmem_free(struct vmem *a, struct vmem_seg *seg);
/* Size in bytes of the largest free range. O(length of the highest free list). */
uint64_t vmem_largest_free(const struct vmem *a);

#endif
