/* SPDX-License-Identifier: MIT */
/*
 * Kernel page tables (src/arch/x86_64/mm/, host stand-in in src/arch/host/). Owner: mm.
 * 4 KiB granularity in the interface; large pages are split as needed.
 */
#ifndef LIOS_PAGING_H
#define LIOS_PAGING_H

#include <lios/arch.h> /* the memory layout (arch/memlayout.h) */
#include <lios/types.h>

#define PG_WRITE (1u << 0)  /* writable */
#define PG_NX (1u << 1)     /* not executable (ignored when the CPU has no NX) */
#define PG_GLOBAL (1u << 2) /* survives CR3 reloads */
#define PG_CACHE_SHIFT 8
#define PG_CACHE_WB (0u << PG_CACHE_SHIFT) /* write-back (default) */
#define PG_CACHE_WC (1u << PG_CACHE_SHIFT) /* write-combining, through the PAT */
#define PG_CACHE_UC (2u << PG_CACHE_SHIFT) /* uncached */
#define PG_CACHE_WT (3u << PG_CACHE_SHIFT) /* write-through */
#define PG_CACHE_MASK (3u << PG_CACHE_SHIFT)

/* The first physical address a page-table entry cannot hold (52 bits, architectural). */
#define PAGING_PHYS_LIMIT (1ull << 52)

struct mem_region;

/*
 * Builds the kernel's own tables (from kmalloc) and switches to them: the first 2 GiB at
 * KERNEL_OFFSET, no-execute except kernel text, the kernel image W^X with 4 KiB pages,
 * global pages when the CPU has PGE, the PAT programmed for PG_CACHE_*. The firmware's
 * memory map regions[0..nregions) decides the direct map's cache types: RAM write-back,
 * the rest (reserved ranges, holes) uncached. Prints the uncached size, the table count
 * and the W+X count. Returns 0 or -ENOMEM. Context: boot, after kmalloc_init. (x86_64.)
 */
int paging_init(const struct mem_region *regions, size_t nregions);

/* Maps npages 4 KiB pages va -> pa (both page aligned). Returns 0, -EINVAL (misaligned, or
 * a page of the range at or above PAGING_PHYS_LIMIT), -ENOMEM (a table could not
 * be allocated) or -EEXIST (a page is already mapped); on error nothing of this call stays
 * mapped. */
int paging_map(vaddr_t va, paddr_t pa, size_t npages, unsigned flags);
/* Unmaps npages pages from va (pages not mapped are skipped), splitting large pages,
 * freeing emptied tables and invalidating the TLB. Returns 0 or -ENOMEM (split failed). */
int paging_unmap(vaddr_t va, size_t npages);
/* True when va is mapped; then *pa (physical address of va, may be NULL) and *flags (PG_*,
 * may be NULL) are set. */
bool paging_translate(vaddr_t va, paddr_t *pa, unsigned *flags);
/* Sets the PG_* flags of npages mapped pages from va. Returns 0, -ENOENT at the first page
 * not mapped (earlier pages keep their new flags) or -ENOMEM (split failed). */
int paging_protect(vaddr_t va, size_t npages, unsigned flags);

/* Number of 4 KiB pages that are both writable and executable in the kernel tables, or -1
 * when the CPU has no NX (then every page is executable). x86_64 only. */
long paging_count_wx(void);
/* True when no-execute is in force (CPU has NX, EFER.NXE set). x86_64 only. */
/* The CPU features the tables use: without the PAT, PG_CACHE_WC maps as uncached (and
 * paging_translate reports PG_CACHE_UC); without global pages, PG_GLOBAL is dropped. */
bool paging_has_pat(void);
bool paging_has_global(void);
bool paging_has_nx(void);

#endif
