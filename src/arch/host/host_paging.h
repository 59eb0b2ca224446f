/* SPDX-License-Identifier: MIT */
/*
 * Host stand-in of the kernel page tables (paging_host.c), for tests and benchmarks: a
 * window of virtual memory reserved PROT_NONE at first use, in which paging_map() makes
 * pages readable/writable and paging_unmap() takes them away again, so an access to an
 * unmapped page (a vmalloc guard page) really faults. Physical addresses are only recorded.
 * The direct map's cache types, which ioremap checks, are whatever a test declares.
 */
#ifndef LIOS_HOST_PAGING_H
#define LIOS_HOST_PAGING_H

#include <lios/types.h>

#define HOST_PAGING_WINDOW GiB(16) /* bytes of address space reserved */

/* The window [*start, *end) (reserved on first call; aborts when mmap fails). */
void host_paging_window(vaddr_t *start, vaddr_t *end);
/* Unmaps every page of the window (tests starting over). */
void host_paging_reset(void);
/* Pages currently mapped in the window. */
uint64_t host_paging_mapped_pages(void);
/* paging_map and paging_unmap calls so far (each is one mprotect). */
uint64_t host_paging_calls(void);
/* The nth paging_map call from now (1: the next) fails with -ENOMEM and changes nothing,
 * as the kernel's does when no frame is left for a page table; 0: none fails.
 * host_paging_reset clears it. */
void host_paging_fail_map(unsigned nth);
/* Declares the simulated direct map's cache type (PG_CACHE_*) for physical [start, end)
 * (below DIRECT_MAP_SIZE): paging_translate of phys_to_virt(pa) then reports the page as
 * the kernel's direct map would, PG_WRITE | PG_NX | PG_GLOBAL | cache. Up to
 * HOST_DIRECT_RANGES ranges, a later one wins where they overlap; host_paging_reset forgets
 * them all. A page no range covers (every page, by default) is reported unmapped. */
#define HOST_DIRECT_RANGES 16
void host_paging_direct_map(paddr_t start, paddr_t end, unsigned cache);

#endif
