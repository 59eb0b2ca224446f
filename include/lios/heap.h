/* SPDX-License-Identifier: MIT */
/*
 * The general kernel heap (src/mm/heap.c). Owner: mm. malloc-style memory of any size,
 * 16-byte aligned, not physically contiguous (use kmalloc for that). It grows through
 * vmalloc and gives free spans back. Allocators return NULL when memory runs out and never
 * panic. Misuse (double free, freeing a pointer the heap did not return, writing past the
 * requested size into the red zone) is reported on a KERN_ERR line starting with "heap: "
 * with the size and the caller, counted in heap_stats.misuse, and the operation is refused.
 */
#ifndef LIOS_HEAP_H
#define LIOS_HEAP_H

#include <lios/types.h>

#define HEAP_ALIGN 16

struct heap_stats {
	uint64_t live_bytes;    /* bytes requested by live allocations */
	uint64_t live_allocs;   /* live allocations */
	uint64_t vmalloc_bytes; /* bytes the heap holds from vmalloc now (all mapped) */
	uint64_t vmalloc_peak;  /* highest vmalloc_bytes since heap_init */
	uint64_t vmalloc_calls; /* blocks taken from vmalloc since heap_init */
	uint64_t allocs;        /* successful allocations (realloc moves count too) */
	uint64_t frees;         /* successful frees */
	uint64_t failed;        /* allocations that returned NULL */
	uint64_t misuse;        /* misuse reports */
};

/* Sets up the size classes and the span table. Needs vmalloc_init. May be called again to
 * start over (host tests; the old heap is leaked). Returns 0 or -ENOMEM. Context: boot. */
int heap_init(void);

/* 'size' bytes (0 gives a unique minimal block), 16-byte aligned, contents undefined; NULL
 * when memory runs out. Context: any but NMI, as for every entry point here. Process
 * context's fast paths run with interrupts as they are; an interrupt handler's calls are
 * served apart (its blocks from kmalloc; its frees of other blocks queued, and counted as
 * freed at once), so either may use any block of the other (src/mm/heap_irq.c). */
void *heap_alloc(size_t size);
/* n * size bytes zeroed; NULL on overflow or exhaustion. */
void *heap_calloc(size_t n, size_t size);
/* Resizes p keeping min(old, new) bytes: p == NULL acts as heap_alloc, size == 0 frees p
 * and returns NULL. Returns NULL (p untouched) on exhaustion or when p is misused. */
void *heap_realloc(void *p, size_t size);
/* Frees p (NULL is ignored). Misuse is reported and the free refused. */
void heap_free(void *p);
/* Bytes usable at p (the requested size), 0 for a pointer the heap does not own. */
size_t heap_size(const void *p);

/* Gives every cached empty span and cached large block back to vmalloc. Returns bytes
 * released. The heap does this by itself before failing an allocation. */
size_t heap_trim(void);

/* The heap's statistics. Live allocations and bytes are counted when asked (a walk over
 * the heap's blocks), so call it for reports and tests, not on a hot path. */
void heap_get_stats(struct heap_stats *st);

#endif
