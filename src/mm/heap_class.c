// SPDX-License-Identifier: MIT
/*
 * The heap's size classes: which sizes exist and how each lays out its spans.
 *
 * Classes: 16..128 bytes by 16, then 4 per power of two up to 1 KiB, then 8 per power of
 * two up to 16 KiB (HEAP_NCLASSES = 52); each gets the smallest span (4-64 pages) holding
 * HEAP_SPAN_MIN_OBJS objects and wasting at most 1/16 of itself. A span is
 *     [struct heap_span | object 0 | object 1 | ... ]
 * (the layout is computed with the header at the block's start; a span whose header is
 * coloured, heap_colour, may hold one object fewer)
 * and heap_small_class[] maps (size + 15) / 16 to the class, so the fast paths find a
 * class with one table load. Nothing here allocates. Context: heap_init, boot.
 */
#include "heap_internal.h"

struct heap_class heap_classes[HEAP_NCLASSES];
uint8_t heap_small_class[HEAP_SMALL_MAX / 16 + 1];

/* Class sizes: 16..128 by 16, then 4 per power of two up to 1 KiB, then 8 per power of two
 * up to 16 KiB (finer where objects are big, so rounding wastes less than 1/8). */
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

/* Lays out class c: the smallest span (4-64 pages) holding at least HEAP_SPAN_MIN_OBJS
 * objects and wasting at most 1/16 of itself, else the one wasting the least. Small spans keep the memory
 * parked in partly used spans low. */
static void heap_class_setup(struct heap_class *c, uint32_t size)
{
	uint64_t best_waste = 0;

	c->size = size;
	c->magic = UINT64_MAX / size + 1;       /* ceil(2^64 / size) */
	c->pages = 0;
	for (uint32_t pages = HEAP_SPAN_MIN_PAGES; pages <= HEAP_SPAN_MAX_PAGES; pages++) {
		uint64_t bytes = (uint64_t)pages * PAGE_SIZE;
		uint64_t off = ALIGN_UP(sizeof(struct heap_span), HEAP_ALIGN);
		uint64_t n = (bytes - off) / size, waste;

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
	}
}
