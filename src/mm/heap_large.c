// SPDX-License-Identifier: MIT
/*
 * The heap's blocks: the size-class layouts, large blocks and the cache of free blocks.
 *
 * Classes: 16..128 bytes by 16, then 4 per power of two up to 1 KiB, then 8 per power of
 * two up to 16 KiB; each gets the smallest span (4-64 pages) holding HEAP_SPAN_MIN_OBJS
 * objects and wasting at most 1/16 of itself.
 *
 * Large blocks: every allocation above HEAP_SMALL_MAX gets its own block aligned to
 * HEAP_CHUNK, laid out as [struct heap_span header | data | red zone], followed by
 * vmalloc's guard page. Cost is bounded by one vmalloc.
 *
 * The cache: a small span that empties (beyond the one its class keeps) and a freed large
 * block are not given back to vmalloc at once but kept in bins by page count (1-64 pages),
 * and heap_block_get() hands them out again, as a span of any class or a large block, when
 * the page count fits (up to HEAP_CACHE_SLACK pages too big). Without it a workload whose
 * live bytes go up and down maps and unmaps the same memory over and over (on the host
 * every map change is an mprotect). The cache is bounded by the heap's high-water mark:
 * a free block is kept only while the heap holds at most peak_live * (1 + 1/8) bytes from
 * vmalloc (or the cache is under HEAP_CACHE_MIN), and before taking fresh memory from
 * vmalloc, cached blocks are given back until that bound holds again, so the cache never
 * makes the heap's footprint grow past what its peak needed. It is also capped at 1/8 of
 * the frames (heap_init). heap_trim() (also run before an allocation fails) empties it,
 * gives back the empty spans the classes kept (heap_trim_locked) and restarts the
 * high-water mark from the current live bytes.
 *
 * Headers and the cache links live in the blocks themselves; nothing here allocates for
 * itself. Context: called by heap.c, interrupts off.
 */
#include <lios/pmm.h>
#include <lios/vmalloc.h>
#include "heap_internal.h"

static struct heap_span *heap_cache[HEAP_CACHE_BINS]; /* singly linked through next */
static uint64_t heap_cache_bytes;
static uint64_t heap_cache_cap;
uint64_t heap_peak_live;

/* Class sizes: 16..128 by 16, then 4 per power of two up to 1 KiB, then 8 per power of two
 * up to 16 KiB (finer where objects are big, so rounding wastes less than 1/8). */
uint32_t heap_class_size(unsigned cls)
{
	unsigned lg;

	if (cls < 8)
		return 16 * (cls + 1);
	if (cls < 20) {
		lg = 7 + (cls - 8) / 4;
		return (1u << lg) + ((cls - 8) % 4 + 1) * (1u << (lg - 2));
	}
	lg = 10 + (cls - 20) / 8;
	return (1u << lg) + ((cls - 20) % 8 + 1) * (1u << (lg - 3));
}

/* Lays out class c: the smallest span (4-64 pages) holding at least 8 objects and wasting
 * at most 1/16 of itself, else the one wasting the least. Small spans keep the memory
 * parked in partly used spans low. */
void heap_class_setup(struct heap_class *c, uint32_t size)
{
	uint64_t best_waste = 0;

	c->size = size;
	c->magic = ((uint64_t)1 << HEAP_DIV_SHIFT) / size + 1;
	c->pages = 0;
	for (uint32_t pages = HEAP_SPAN_MIN_PAGES; pages <= HEAP_SPAN_MAX_PAGES; pages++) {
		uint64_t bytes = (uint64_t)pages * PAGE_SIZE;
		uint64_t n = (bytes - sizeof(struct heap_span)) / size, off, waste;

		for (;;) {
			off = ALIGN_UP(sizeof(struct heap_span) + (n + 63) / 64 * 8, HEAP_ALIGN);
			if (off + n * size <= bytes)
				break;
			n--;
		}
		waste = bytes - n * size;
		if (!c->pages || waste * c->pages * PAGE_SIZE < best_waste * bytes) {
			c->pages = pages;
			c->nobj = (uint32_t)n;
			c->data_off = (uint32_t)off;
			best_waste = waste;
		}
		if (n >= HEAP_SPAN_MIN_OBJS && waste * 16 <= bytes)
			break;
	}
}

/* Bytes the heap may hold from vmalloc before cached blocks must go. */
static uint64_t heap_keep_limit(void)
{
	heap_peak_live = MAX(heap_peak_live, heap_st.live_bytes);
	return heap_peak_live + MAX(heap_peak_live * HEAP_KEEP_PCT / 100, (uint64_t)HEAP_CACHE_MIN);
}

/* Gives back the largest cached block; false when the cache is empty. */
static bool heap_cache_evict(void)
{
	for (unsigned b = HEAP_CACHE_BINS - 1; b > 0; b--) {
		struct heap_span *s = heap_cache[b];

		if (s) {
			heap_cache[b] = s->next;
			heap_cache_bytes -= s->map_bytes;
			heap_span_release(s);
			return true;
		}
	}
	return false;
}

/* See heap_internal.h. */
struct heap_span *heap_block_get(size_t bytes, bool *fresh)
{
	size_t pages = bytes >> PAGE_SHIFT;
	uint64_t limit = heap_keep_limit();
	struct heap_span *s;

	for (size_t b = pages; b < MIN(pages + HEAP_CACHE_SLACK + 1, HEAP_CACHE_BINS); b++) {
		if ((s = heap_cache[b])) {
			heap_cache[b] = s->next;
			heap_cache_bytes -= s->map_bytes;
			s->cached = 0;
			*fresh = false;
			return s;
		}
	}
	while (heap_cache_bytes && heap_st.vmalloc_bytes + bytes > limit)
		heap_cache_evict();
	s = vmalloc_aligned(bytes, HEAP_CHUNK);
	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->map_bytes = bytes;
	heap_hash_add(s);
	heap_account((int64_t)bytes);
	*fresh = true;
	return s;
}

/* See heap_internal.h. */
void heap_block_put(struct heap_span *s)
{
	size_t pages = s->map_bytes >> PAGE_SHIFT;
	uint64_t limit = heap_keep_limit();

	if (pages < HEAP_CACHE_BINS && heap_cache_bytes + s->map_bytes <= heap_cache_cap &&
	    heap_st.vmalloc_bytes <= limit) {
		s->cached = 1;
		s->next = heap_cache[pages];
		heap_cache[pages] = s;
		heap_cache_bytes += s->map_bytes;
		return;
	}
	heap_span_release(s);
}

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

/* Gives every cached block back to vmalloc and restarts the high-water mark; returns the
 * bytes released. */
size_t heap_large_trim(void)
{
	size_t released = heap_cache_bytes;

	while (heap_cache_evict())
		;
	heap_peak_live = heap_st.live_bytes;
	return released;
}

/* Releases every empty span and every cached block; returns the bytes released. */
size_t heap_trim_locked(void)
{
	size_t released = 0;

	for (unsigned k = 0; k < HEAP_NCLASSES; k++) {
		struct heap_class *c = &heap_classes[k];
		struct heap_span *s = c->partial, *next;

		for (; s; s = next) {
			next = s->next;
			if (s->nfree == s->nobj) {
				heap_partial_del(c, s);
				released += s->map_bytes;
				heap_span_release(s);
			}
		}
	}
	return released + heap_large_trim();
}

/* Forgets the cache (heap_init starting over) and sizes its cap from the frame count. */
void heap_large_reset(void)
{
	struct pmm_stats ps;

	memset(heap_cache, 0, sizeof(heap_cache));
	heap_cache_bytes = 0;
	heap_peak_live = 0;
	pmm_get_stats(&ps);
	heap_cache_cap = MAX(ps.total_frames * PAGE_SIZE / 8, (uint64_t)HEAP_CACHE_MIN);
}
