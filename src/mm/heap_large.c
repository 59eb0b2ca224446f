// SPDX-License-Identifier: MIT
/*
 * The heap's large blocks: every allocation above HEAP_SMALL_MAX gets its own block from
 * the block cache (heap_cache.c) or vmalloc, aligned to HEAP_CHUNK, laid out as
 *     [struct heap_span header | data | red zone]
 * and followed by vmalloc's guard page, so its cost is bounded by one vmalloc and an
 * overflow past the red zone faults. The red zone is HEAP_CANARY_CHECK canary bytes at
 * most (the rest of the last page is not checked). Context: called by heap.c, interrupts
 * off.
 */
#include <lios/vmalloc.h>
#include "heap_internal.h"

/* A large block of n bytes, from the cache when one of about the same page count is there. */
void *heap_large_alloc(size_t n)
{
	size_t bytes = ALIGN_UP(HEAP_LARGE_HDR + n + HEAP_REDZONE, PAGE_SIZE);
	struct heap_span *s;
	bool fresh;

	if (n > SIZE_MAX / 2)
		return NULL;
	s = heap_block_get(bytes, &fresh);
	if (!s)
		return NULL;
	s->magic = HEAP_LARGE_MAGIC;
	s->data = (char *)s + HEAP_LARGE_HDR;
	s->req = n;
	heap_canary_put(s->data + n, MIN(s->map_bytes - HEAP_LARGE_HDR - n, HEAP_CANARY_CHECK));
	return s->data;
}

bool heap_large_redzone_ok(const struct heap_span *s)
{
	return heap_canary_ok(s->data + s->req,
			      MIN(s->map_bytes - HEAP_LARGE_HDR - s->req, HEAP_CANARY_CHECK));
}

void heap_large_free(struct heap_span *s)
{
	heap_block_put(s);
}

/* Resizes large block s to n bytes in place when its pages still fit exactly (n above
 * HEAP_SMALL_MAX); false when it must move. */
bool heap_large_resize(struct heap_span *s, size_t n)
{
	if (n <= HEAP_SMALL_MAX - HEAP_REDZONE ||
	    ALIGN_UP(HEAP_LARGE_HDR + n + HEAP_REDZONE, PAGE_SIZE) != s->map_bytes)
		return false;
	s->req = n;
	heap_canary_put(s->data + n, MIN(s->map_bytes - HEAP_LARGE_HDR - n, HEAP_CANARY_CHECK));
	return true;
}
