/* SPDX-License-Identifier: MIT */
/*
 * The baseline address-space allocator of bench_vmalloc: a linear first-fit list of busy
 * ranges sorted by address, as early vmalloc implementations had. Benchmark only.
 */
#ifndef LIOS_BENCH_LIST_VMEM_H
#define LIOS_BENCH_LIST_VMEM_H

#include <lios/types.h>

struct list_area {
	vaddr_t start;   /* bytes */
	uint64_t size;   /* bytes */
	struct list_area *next;
};

struct list_vmem {
	vaddr_t start, end;
	struct list_area *head; /* busy ranges, by address */
};

void list_vmem_init(struct list_vmem *l, vaddr_t start, vaddr_t end);
/* First gap of 'size' bytes from the start of the window; 0 when none. */
vaddr_t list_vmem_alloc(struct list_vmem *l, uint64_t size);
/* Frees the busy range starting at va (walks the list to find it). */
void list_vmem_free(struct list_vmem *l, vaddr_t va);

#endif
