/* SPDX-License-Identifier: MIT */
/*
 * The memory stack's single entry point for kmain (src/mm/mm_init.c). Owner: mm.
 * Order inside: memmap -> pmm -> kmalloc -> paging -> vmalloc -> heap.
 */
#ifndef LIOS_MM_H
#define LIOS_MM_H

#include <lios/bootinfo.h>

/* Brings up all memory management from the boot information and prints the memory map and
 * the "mem: ..." line. Returns 0 or the failing step's error (already reported). */
int mm_init(const struct bootinfo *bi);

struct memmap;
/* The sanitised usable ranges the frame allocator was built from (after mm_init). */
const struct memmap *mm_usable(void);

#endif
