// SPDX-License-Identifier: MIT
/*
 * The heap's large blocks: every allocation above HEAP_SMALL_MAX gets its own block from
 * the block cache (heap_cache.c) or vmalloc, aligned to HEAP_CHUNK, laid out as
 *     [colour | data | red zone]
 * (its descriptor is in the pool, not in the block) and followed by vmalloc's guard page,
 * so its cost is bounded by one vmalloc and an overflow past the block faults. The red
 * zone is HEAP_CANARY_CHECK canary bytes at most (the rest of the last page is not
 * checked). Context: called by heap.c, interrupts
 * off.
 */
#include <lios/vmalloc.h>
#include "heap_internal.h"

/* The red zone's length of large block s: the bytes after its data up to the block's end,
 * at most HEAP_CANARY_CHECK (at least HEAP_REDZONE). */
static size_t heap_large_zone(const struct heap_span *s)
{
	return MIN(s->base + s->map_bytes - (uintptr_t)(s->data + s->req),
		   (size_t)HEAP_CANARY_CHECK);
}

/* A large block of n bytes, from the cache when one of about the same page count is there;
 * its data starts at a colour (heap_colour) within the bytes the pages leave free, so that
 * the first lines of large blocks, all HEAP_CHUNK aligned, do not share one cache set. */
void *heap_large_alloc(size_t n)
{
	size_t bytes = ALIGN_UP(n + HEAP_REDZONE, PAGE_SIZE);
	struct heap_span *s;
	bool fresh;

	if (n > SIZE_MAX / 2)
		return NULL;
	s = heap_block_get(bytes, HEAP_CACHE_SLACK, &fresh);
	if (!s)
		return NULL;
	s->magic = HEAP_LARGE_MAGIC;
	s->data = (char *)s->base + heap_colour(s->base, s->map_bytes - n - HEAP_REDZONE);
	s->req = n;
	heap_canary_put(s->data + n, heap_large_zone(s));
	heap_used_bytes += s->map_bytes;
	return s->data;
}

bool heap_large_redzone_ok(const struct heap_span *s)
{
	return heap_canary_ok(s->data + s->req, heap_large_zone(s));
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
	    ALIGN_UP(n + HEAP_REDZONE, PAGE_SIZE) != s->map_bytes ||
	    (uintptr_t)s->data - s->base + n + HEAP_REDZONE > s->map_bytes)
		return false;
	s->req = n;
	heap_canary_put(s->data + n, heap_large_zone(s));
	return true;
}
