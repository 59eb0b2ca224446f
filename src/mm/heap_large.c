// SPDX-License-Identifier: MIT
/*
 * The heap's large blocks: every allocation above HEAP_SMALL_MAX gets its own vmalloc block
 * aligned to HEAP_CHUNK, laid out as [struct heap_span header | data | red zone], followed
 * by vmalloc's guard page. Cost is one vmalloc, bounded. Freed blocks of up to 63 pages are
 * kept in a small cache (bins by page count, at most HEAP_LARGE_CACHE bytes and 1/8 of the
 * live heap) so that a workload freeing and allocating large blocks does not map and unmap
 * each time; a block up to HEAP_LARGE_SLACK pages too big may be reused. heap_trim() (and an
 * allocation about to fail) empties the cache. Header and cache live in the blocks
 * themselves; nothing here allocates for itself. Context: called by heap.c, interrupts off.
 */
#include <lios/vmalloc.h>
#include "heap_internal.h"

static struct heap_span *heap_lcache[HEAP_LARGE_BINS];
static uint64_t heap_lcache_bytes;

/* A large block of n bytes: from the cache when one of the same page count is there. */
void *heap_large_alloc(size_t n)
{
	size_t bytes = ALIGN_UP(HEAP_LARGE_HDR + n + HEAP_REDZONE, PAGE_SIZE);
	size_t pages = bytes >> PAGE_SHIFT;
	struct heap_span *s = NULL;

	if (n > SIZE_MAX / 2)
		return NULL;
	for (size_t b = pages; b < MIN(pages + HEAP_LARGE_SLACK + 1, HEAP_LARGE_BINS); b++) {
		if ((s = heap_lcache[b])) {
			heap_lcache[b] = s->next;
			heap_lcache_bytes -= s->map_bytes;
			break;
		}
	}
	if (!s) {
		s = vmalloc_aligned(bytes, HEAP_CHUNK);
		if (!s)
			return NULL;
		memset(s, 0, sizeof(*s));
		s->magic = HEAP_LARGE_MAGIC;
		s->data = (char *)s + HEAP_LARGE_HDR;
		s->map_bytes = bytes;
		heap_hash_add(s);
		heap_account((int64_t)bytes);
	}
	s->cached = 0;
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
	size_t pages = s->map_bytes >> PAGE_SHIFT;

	uint64_t budget = MIN(HEAP_LARGE_CACHE, MAX(HEAP_LARGE_CACHE_MIN, heap_st.live_bytes / 8));

	if (pages < HEAP_LARGE_BINS && heap_lcache_bytes + s->map_bytes <= budget) {
		s->cached = 1;
		s->next = heap_lcache[pages];
		heap_lcache[pages] = s;
		heap_lcache_bytes += s->map_bytes;
		return;
	}
	heap_span_release(s);
}

/* Gives every cached block back to vmalloc; returns the bytes released. */
size_t heap_large_trim(void)
{
	size_t released = 0;

	for (unsigned b = 0; b < HEAP_LARGE_BINS; b++) {
		while (heap_lcache[b]) {
			struct heap_span *s = heap_lcache[b];

			heap_lcache[b] = s->next;
			heap_lcache_bytes -= s->map_bytes;
			released += s->map_bytes;
			heap_span_release(s);
		}
	}
	return released;
}

/* Forgets the cache (heap_init starting over). */
void heap_large_reset(void)
{
	memset(heap_lcache, 0, sizeof(heap_lcache));
	heap_lcache_bytes = 0;
}
