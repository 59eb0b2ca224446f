/* SPDX-License-Identifier: MIT */
/*
 * Host stand-in of the kernel page tables (paging_host.c), for tests and benchmarks: a
 * window of virtual memory reserved PROT_NONE at first use, in which paging_map() makes
 * pages readable/writable and paging_unmap() takes them away again, so an access to an
 * unmapped page (a vmalloc guard page) really faults. Physical addresses are only recorded.
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

#endif
