/* SPDX-License-Identifier: MIT */
/*
 * Kernel page tables (src/arch/x86_64/mm/, host stand-in in src/arch/host/). Owner: mm.
 * 4 KiB granularity in the interface; large pages are split as needed.
 */
#ifndef LIOS_PAGING_H
#define LIOS_PAGING_H

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

int paging_map(vaddr_t va, paddr_t pa, size_t npages, unsigned flags);
int paging_unmap(vaddr_t va, size_t npages);
bool paging_translate(vaddr_t va, paddr_t *pa, unsigned *flags);
int paging_protect(vaddr_t va, size_t npages, unsigned flags);

#endif
