// SPDX-License-Identifier: MIT
/*
 * Baseline for bench_vmalloc: a linear first-fit allocator of address space. Busy ranges sit
 * on one list sorted by address (nodes from malloc); allocation walks it from the start and
 * takes the first gap that fits, free walks it to find the range. Both cost O(live ranges),
 * which is what vmem.c avoids.
 */
#include <stdlib.h>
#include "list_vmem.h"

void list_vmem_init(struct list_vmem *l, vaddr_t start, vaddr_t end)
{
	l->start = start;
	l->end = end;
	l->head = NULL;
}

vaddr_t list_vmem_alloc(struct list_vmem *l, uint64_t size)
{
	struct list_area **pp = &l->head, *n;
	vaddr_t at = l->start;

	for (; *pp; pp = &(*pp)->next) {
		if ((*pp)->start - at >= size)
			break;
		at = (*pp)->start + (*pp)->size;
	}
	if (!*pp && l->end - at < size)
		return 0;
	n = malloc(sizeof(*n));
	if (!n)
		return 0;
	n->start = at;
	n->size = size;
	n->next = *pp;
	*pp = n;
	return at;
}

void list_vmem_free(struct list_vmem *l, vaddr_t va)
{
	for (struct list_area **pp = &l->head; *pp; pp = &(*pp)->next) {
		if ((*pp)->start == va) {
			struct list_area *n = *pp;

			*pp = n->next;
			free(n);
			return;
		}
	}
}
