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

/*
 * Maps the MMIO range [phys, phys + size) writable and no-execute with cache type 'cache'
 * (PG_CACHE_WB/WC/UC/WT). phys need not be page aligned: the pointer keeps its offset.
 * The pages below DIRECT_MAP_SIZE are also mapped by the direct map, and one frame never
 * gets two memory types (ioremap_page_type): a cacheable type (WB, WT) asked for a page
 * the direct map has uncached becomes uncached there (a KERN_WARN line, once a boot); an
 * uncached or write-combining type asked for RAM (write-back in the direct map) refuses
 * the whole call (a KERN_WARN line each time). NULL when size is 0, no space is left,
 * such a type is refused, or the range reaches beyond the CPU's physical address width
 * (memmap_phys_end(): reported, firmware tables can hold such addresses).
 */
void *ioremap(paddr_t phys, size_t size, unsigned cache);
/* Maps firmware data read in place that may lie in RAM or in reserved memory, or straddle
 * both (ACPI tables: SeaBIOS keeps them in a reserved range), read-write and no-execute:
 * each page with the direct map's type (RAM write-back, the rest uncached; write-back
 * beyond 2 GiB), the conversion not reported. NULL as ioremap. */
void *ioremap_firmware(paddr_t phys, size_t size);
/* Unmaps an ioremap area (any pointer ioremap returned); misuse reported and ignored. */
void iounmap(void *p);

void vmalloc_get_stats(struct vmalloc_stats *st);

/* ioremap's memory-type rule, pure (src/mm/vmalloc.c; exported for the host tests). */
#define IOREMAP_NOT_DIRECT (-1) /* a page the direct map does not map (at or above 2 GiB) */

/*
 * The type ioremap gives a page asked 'want' (PG_CACHE_*) that the direct map maps as
 * 'direct' (PG_CACHE_*, or IOREMAP_NOT_DIRECT): 'want' when the direct map does not map it,
 * when both agree, or when both are uncacheable (UC, WC: neither fills a cache line); the
 * direct map's type when 'want' is cacheable (WB, WT) and the direct map's is not, or
 * differs; -EINVAL when 'want' is uncacheable and the direct map's is cacheable (RAM).
 */
int ioremap_page_type(unsigned want, int direct);

/* What ioremap_check_types found in a range. */
struct ioremap_check {
	paddr_t refused;       /* first page refused (return -EINVAL), else 0 */
	size_t changed;        /* pages that get the direct map's type instead of the one asked */
	paddr_t first_changed; /* the first of them (when changed > 0) */
	unsigned changed_to;   /* its type (PG_CACHE_*) */
};

/* Applies ioremap_page_type to the npages pages from base (page aligned): direct(pa) gives
 * the direct map's type of each page below DIRECT_MAP_SIZE (pages above are not asked).
 * Returns 0 or -EINVAL (a page refused); fills *out either way. Pure but for direct. */
int ioremap_check_types(paddr_t base, size_t npages, unsigned want, int (*direct)(paddr_t pa),
			struct ioremap_check *out);

#endif
