// SPDX-License-Identifier: MIT
/*
 * The heap's size classes and span descriptors: which sizes exist, how each lays out its
 * spans, and where the spans' descriptors live.
 *
 * Classes: 16..128 bytes by 16, then 4 per power of two up to 1 KiB, then 8 per power of
 * two up to 16 KiB and one above it, 18 KiB, so that a 16 KiB request with its red zone is
 * still small (HEAP_NCLASSES = 53; as a large block it took 5 pages and a guard page);
 * each gets the smallest span (4-48 pages) holding
 * HEAP_SPAN_MIN_OBJS objects and wasting at most 1/16 of itself (the side array not counted
 * as waste). A span is
 *     [colour | object 0 | object 1 | ... | side array: uint16_t per object]
 * (the colour, heap_colour, uses the bytes the objects leave free), and
 * heap_small_class[] maps (size + 15) / 16 to the class, so the fast paths find a class
 * with one table load.
 *
 * The descriptor pool: every block's struct heap_span (a span's followed by its side
 * array) lives apart from the block, in records of 64-byte units carved from pool blocks
 * of HEAP_POOL_BYTES taken from vmalloc and recycled through free lists by size, so that
 * all descriptors share a few dense cache lines. The pool only grows while blocks are
 * held; heap_desc_trim (heap_trim) gives its blocks back once no descriptor is in use.
 * Context: heap_init (classes), interrupts off (pool).
 */
#include <lios/vmalloc.h>
#include "heap_internal.h"

#define HEAP_POOL_BYTES (16 * PAGE_SIZE)
#define HEAP_POOL_MAX 4096           /* pool blocks: 2^21 spans, 32 GiB of 16 KiB spans */

struct heap_class heap_classes[HEAP_NCLASSES];
uint8_t heap_small_class[HEAP_SMALL_MAX / 16 + 1];
struct heap_mag *heap_small_mag[HEAP_SMALL_MAX / 16 + 1];
static void *heap_pool[HEAP_POOL_MAX];     /* the pool's blocks */
static unsigned heap_pool_blocks;
static char *heap_pool_cur;                /* the last block's unused part */
static size_t heap_pool_left;
/* free records by size in HEAP_DESC_UNITs, linked through next */
static struct heap_span *heap_desc_free[HEAP_DESC_UNITS_MAX + 1];
static uint64_t heap_desc_used;

/* Class sizes: 16..128 by 16, then 4 per power of two up to 1 KiB, then 8 per power of two
 * up to 16 KiB and the first step above (finer where objects are big, so rounding wastes
 * less than 1/8). */
static uint32_t heap_class_size(unsigned cls)
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

/* How many objects of 'size' bytes fit in 'bytes'. */
static uint32_t heap_span_fit(uint32_t size, uint64_t bytes)
{
	return (uint32_t)(bytes / size);
}

/* See heap_internal.h: the class's objects from the block's colour (heap_colour, within
 * the bytes the objects leave free) on (the side array is right after the descriptor). */
void heap_span_layout(struct heap_span *s, const struct heap_class *c, uintptr_t base,
		      size_t bytes)
{
	s->nobj = c->nobj;
	s->data = (char *)base + heap_colour(base, bytes - (size_t)c->nobj * c->size);
}

/* Lays out class c: the smallest span (4-48 pages) holding at least HEAP_SPAN_MIN_OBJS
 * objects and wasting at most 1/16 of itself, else the one wasting the least. Small spans keep the memory
 * parked in partly used spans low. */
static void heap_class_setup(struct heap_class *c, uint32_t size)
{
	uint64_t best_waste = 0;

	c->size = size;
	c->magic = (uint64_t)(UINT32_MAX / size) + 1; /* ceil(2^32 / size) */
	c->pages = 0;
	for (uint32_t pages = HEAP_SPAN_MIN_PAGES; pages <= HEAP_SPAN_MAX_PAGES; pages++) {
		uint64_t bytes = (uint64_t)pages * PAGE_SIZE;
		uint64_t n = heap_span_fit(size, bytes), waste;

		waste = bytes - n * size;
		if (!c->pages || waste * c->pages * PAGE_SIZE < best_waste * bytes) {
			c->pages = pages;
			c->nobj = (uint32_t)n;
			best_waste = waste;
		}
		if (n >= HEAP_SPAN_MIN_OBJS && waste * 16 <= bytes)
			break;
	}
}

/* Lays out every class and fills the size -> class table. */
void heap_classes_init(void)
{
	unsigned cls = 0;

	for (unsigned k = 0; k < HEAP_NCLASSES; k++) {
		memset(&heap_classes[k], 0, sizeof(heap_classes[k]));
		heap_class_setup(&heap_classes[k], heap_class_size(k));
		heap_cur[k] = &heap_no_span;
	}
	for (unsigned i = 1; i < ARRAY_SIZE(heap_small_class); i++) {
		while (heap_classes[cls].size < i * 16)
			cls++;
		heap_small_class[i] = (uint8_t)cls;
		heap_small_mag[i] = &heap_mags[cls];
	}
}

/* See heap_internal.h. */
struct heap_span *heap_desc_get(uint32_t nobj)
{
	uint32_t units = heap_desc_units(nobj);
	struct heap_span *d = heap_desc_free[units];

	if (d) {
		heap_desc_free[units] = d->next;
	} else {
		size_t bytes = (size_t)units * HEAP_DESC_UNIT;

		if (heap_pool_left < bytes) {
			char *b;

			if (heap_pool_blocks == HEAP_POOL_MAX || !(b = vmalloc(HEAP_POOL_BYTES)))
				return NULL;
			heap_account(HEAP_POOL_BYTES);
			heap_pool[heap_pool_blocks++] = b;
			heap_pool_cur = b;
			heap_pool_left = HEAP_POOL_BYTES;
		}
		d = (struct heap_span *)heap_pool_cur;
		heap_pool_cur += bytes;
		heap_pool_left -= bytes;
	}
	heap_desc_used++;
	memset(d, 0, sizeof(*d));
	d->units = (uint16_t)units;
	return d;
}

/* See heap_internal.h. */
void heap_desc_put(struct heap_span *d)
{
	d->magic = 0;
	d->next = heap_desc_free[d->units];
	heap_desc_free[d->units] = d;
	heap_desc_used--;
}

/* See heap_internal.h. */
size_t heap_desc_trim(void)
{
	size_t released = (size_t)heap_pool_blocks * HEAP_POOL_BYTES;

	if (heap_desc_used)
		return 0;
	while (heap_pool_blocks) {
		vfree(heap_pool[--heap_pool_blocks]);
		heap_account(-(int64_t)HEAP_POOL_BYTES);
	}
	heap_desc_reset();
	return released;
}

/* See heap_internal.h. */
void heap_desc_reset(void)
{
	heap_pool_blocks = 0;
	heap_pool_cur = NULL;
	heap_pool_left = 0;
	memset(heap_desc_free, 0, sizeof(heap_desc_free));
	heap_desc_used = 0;
}
