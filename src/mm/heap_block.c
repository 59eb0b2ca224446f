// SPDX-License-Identifier: MIT
/*
 * The heap's blocks: the vmalloc blocks behind spans and large allocations, the cache of
 * free blocks kept for reuse instead of going back to vmalloc, and the large blocks.
 *
 * A small span that empties (beyond the one its class keeps) and a freed large block are
 * not given back to vmalloc at once but kept in bins by page count (1-256 pages: a buffer
 * of a few hundred KiB taken and given back over and over, as the pager's 256 KiB was per
 * command, must not map and unmap its pages each time), and
 * heap_block_get() hands them out again, as a span of any class or a large block, when
 * the page count fits (up to HEAP_CACHE_SLACK pages too big for a large block; exactly for
 * a span, whose extra pages would stay unused). Without it a workload whose
 * live bytes go up and down maps and unmaps the same memory over and over (on the host
 * every map change is an mprotect). The cache is bounded by the heap's high-water mark of
 * used bytes (heap_used_bytes: the slots objects hold, live or waiting in a magazine, and
 * live large blocks' pages; the requested bytes are not counted on the fast paths): a free
 * block is kept only while the heap holds at most peak_used * (1 + HEAP_KEEP_PCT %)
 * bytes from vmalloc (or the cache is under HEAP_CACHE_MIN), and before taking fresh memory
 * from vmalloc, cached blocks are given back until that bound holds again, so the cache
 * never makes the heap's footprint grow past what its peak needed. It is also capped at
 * 1/8 of the frames (heap_cache_reset). heap_cache_trim() (heap_trim, and before an
 * allocation fails) empties it and restarts the high-water mark from the used bytes.
 *
 * Every block's descriptor, cached or not, lives in the descriptor pool (heap_class.c),
 * none in the block: a cached block keeps the descriptor it had (a span's keeps its layout,
 * so a pointer into it is still told "already freed"), and the cache links live in the
 * descriptors.
 *
 * Large blocks: every allocation above HEAP_SMALL_MAX gets its own block from the cache or
 * vmalloc, aligned to HEAP_CHUNK, laid out as
 *     [colour | data | red zone]
 * (its descriptor is in the pool, not in the block) and followed by vmalloc's guard page,
 * so its cost is bounded by one vmalloc and an overflow past the block faults. The red
 * zone is HEAP_CANARY_CHECK canary bytes at most (the rest of the last page is not
 * checked). Context: called by heap.c and heap_span.c, interrupts off.
 */
#include <lios/pmm.h>
#include <lios/vmalloc.h>
#include "heap_internal.h"

static struct heap_span *heap_cache[HEAP_CACHE_BINS]; /* singly linked through next */
static uint64_t heap_cache_bytes;
static uint64_t heap_cache_cap;
uint64_t heap_peak_used;

/* Bytes the heap may hold from vmalloc before cached blocks must go. */
static uint64_t heap_keep_limit(void)
{
	heap_peak_used = MAX(heap_peak_used, heap_used_bytes);
	return heap_peak_used + MAX(heap_peak_used * HEAP_KEEP_PCT / 100, (uint64_t)HEAP_CACHE_MIN);
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
struct heap_span *heap_block_get(size_t bytes, size_t slack, bool *fresh)
{
	size_t pages = bytes >> PAGE_SHIFT;
	uint64_t limit = heap_keep_limit();
	struct heap_span *s;

	for (size_t b = pages; b < MIN(pages + slack + 1, HEAP_CACHE_BINS); b++) {
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
	s = heap_desc_get(0);
	if (!s)
		return NULL;
	s->base = (uintptr_t)vmalloc_aligned(bytes, HEAP_CHUNK);
	if (!s->base) {
		heap_desc_put(s);
		return NULL;
	}
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
		s->fast_limit = 0;   /* heap_free's fast path leaves it to heap_check */
		heap_hent_sync(s->base);
		s->next = heap_cache[pages];
		heap_cache[pages] = s;
		heap_cache_bytes += s->map_bytes;
		return;
	}
	heap_span_release(s);
}

/* Gives every cached block back to vmalloc and restarts the high-water mark; returns the
 * bytes released. */
size_t heap_cache_trim(void)
{
	size_t released = heap_cache_bytes;

	while (heap_cache_evict())
		;
	heap_peak_used = heap_used_bytes;
	return released;
}

/* Forgets the cache (heap_init starting over) and sizes its cap from the frame count. */
void heap_cache_reset(void)
{
	struct pmm_stats ps;

	memset(heap_cache, 0, sizeof(heap_cache));
	heap_cache_bytes = 0;
	heap_peak_used = 0;
	pmm_get_stats(&ps);
	heap_cache_cap = MAX(ps.total_frames * PAGE_SIZE / 8, (uint64_t)HEAP_CACHE_MIN);
}

/* Stores/compares the canary over [p, p + len), HEAP_REDZONE <= len <= HEAP_CANARY_CHECK
 * (heap_large_zone), with two to four possibly overlapping unaligned 8-byte accesses
 * instead of a byte loop. */
static_assert(HEAP_REDZONE >= 8 && HEAP_CANARY_CHECK <= 32,
	      "four 8-byte accesses cover any red zone a large block has");

static void heap_canary_put(char *p, size_t len)
{
	uint64_t c = HEAP_CANARY64;

	__builtin_memcpy(p, &c, 8);
	__builtin_memcpy(p + len - 8, &c, 8);
	if (len > 16) {
		__builtin_memcpy(p + 8, &c, 8);
		__builtin_memcpy(p + len - 16, &c, 8);
	}
}

static bool heap_canary_ok(const char *p, size_t len)
{
	uint64_t a, b, bad;

	__builtin_memcpy(&a, p, 8);
	__builtin_memcpy(&b, p + len - 8, 8);
	bad = (a ^ HEAP_CANARY64) | (b ^ HEAP_CANARY64);
	if (len > 16) {
		__builtin_memcpy(&a, p + 8, 8);
		__builtin_memcpy(&b, p + len - 16, 8);
		bad |= (a ^ HEAP_CANARY64) | (b ^ HEAP_CANARY64);
	}
	return bad == 0;
}

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
