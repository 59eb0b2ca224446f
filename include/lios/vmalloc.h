/* SPDX-License-Identifier: MIT */
/*
 * vmalloc / ioremap (src/mm/vmalloc.c on top of the address-space arena src/mm/vmem.c).
 * Owner: mm. Virtually contiguous, page-granular blocks carved from the vmalloc window
 * [VMALLOC_START, VMALLOC_END), backed by any frames (vmalloc) or by given physical MMIO
 * (ioremap). Every area is followed by one unmapped guard page, so running off its end
 * faults. Allocators return NULL on failure and never panic when memory runs out; misuse
 * (vfree of a foreign pointer, double vfree, vfree of an ioremap area) is reported on a
 * "vmalloc: " KERN_ERR line naming the caller and ignored.
 */
#ifndef LIOS_VMALLOC_H
#define LIOS_VMALLOC_H

#include <lios/arch.h> /* the memory layout (arch/memlayout.h) */
#include <lios/types.h>

struct vmalloc_stats {
	uint64_t areas;              /* live vmalloc + ioremap areas */
	uint64_t mapped_pages;       /* pages mapped by vmalloc (frames owned) + ioremap */
	uint64_t window_bytes;       /* size of the whole window */
	uint64_t largest_free_bytes; /* largest free address range, guard included */
	uint64_t meta_pages;         /* frames holding the arena's own bookkeeping (kept) */
	uint64_t misuse;             /* misuse reports so far */
};

/* Sets up the window [start, end) (page aligned, at least 1088 KiB). The first part of the
 * window holds the arena's bookkeeping: a sixteenth of it (at most 64 MiB), which must hold
 * the busy-range hash (16 pages) and a page of segments, so a 1 MiB window is -EINVAL. Returns 0, -EINVAL, or -ENOMEM. Context: boot, after
 * pmm and paging; kernel: vmalloc_init(VMALLOC_START, VMALLOC_END). */
int vmalloc_init(vaddr_t start, vaddr_t end);

/* size bytes rounded up to pages, mapped writable, no-execute, global, backed by any frames;
 * contents undefined (vzalloc: zeroed). NULL when size is 0 or memory/space runs out. */
void *vmalloc(size_t size);
void *vzalloc(size_t size);
/* As vmalloc, with the start aligned to 'align' (a power of two >= PAGE_SIZE). */
void *vmalloc_aligned(size_t size, size_t align);
/* Unmaps and frees a vmalloc area. NULL is ignored; anything else that is not the start of
 * a live vmalloc area is reported and ignored. */
void vfree(void *p);

/* Maps the MMIO range [phys, phys + size) writable and no-execute with cache type 'cache'
 * (PG_CACHE_WB/WC/UC/WT). phys need not be page aligned: the pointer keeps its offset.
 * NULL when size is 0, no space is left, or the range reaches beyond the CPU's physical
 * address width (memmap_phys_end(): reported, firmware tables can hold such addresses). */
void *ioremap(paddr_t phys, size_t size, unsigned cache);
/* Unmaps an ioremap area (any pointer ioremap returned); misuse reported and ignored. */
void iounmap(void *p);

void vmalloc_get_stats(struct vmalloc_stats *st);

#endif
