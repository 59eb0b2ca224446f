// SPDX-License-Identifier: MIT
/*
 * The heap's span layer (see heap.c for the design): the small objects behind the
 * magazines. Each class's spans with a free object sit on its partial list; allocation
 * pops the free list of the list's head (heap_cur), else bumps into objects never handed
 * out, and takes a new span (a cached block or fresh vmalloc memory, its descriptor from the
 * pool) when the list is empty; free pushes onto the object's span's list. The list moves:
 * a full span that gets a free object goes second on its class's list (the head keeps
 * serving), only the head may stay empty, any other span that empties is retired to the
 * block cache (heap_block.c). A span whose free list is found damaged is reported and
 * never allocated from again. heap_trim empties the magazines into their spans, then
 * gives every empty span and cached block back. Context: called by heap.c, interrupts off.
 */
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/vmalloc.h>
#include "heap_internal.h"

/* free_max of span s (see heap_internal.h): 'head' when it heads its partial list. */
static void heap_set_free_max(struct heap_span *s, bool head)
{
	s->free_max = head ? s->nobj - 1 : s->nobj > 2 ? s->nobj - 2 : 0;
}

/* Puts span s on class c's partial list: first when the list is empty, else second (the
 * head keeps serving allocations until it fills). */
static void heap_partial_add(struct heap_class *c, struct heap_span *s)
{
	struct heap_span *h = c->partial;

	s->prev = h;
	s->next = h ? h->next : NULL;
	if (s->next)
		s->next->prev = s;
	if (h) {
		h->next = s;
	} else {
		c->partial = s;
		heap_cur[c - heap_classes] = s;
	}
	heap_set_free_max(s, !h);
}

__attribute__((noinline)) void heap_partial_del(struct heap_class *c, struct heap_span *s)
{
	if (s->prev) {
		s->prev->next = s->next;
	} else {
		c->partial = s->next;
		heap_cur[c - heap_classes] = s->next ? s->next : &heap_no_span;
		if (s->next)
			heap_set_free_max(s->next, true);
	}
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
	heap_set_free_max(s, false);
}

/* A new empty span for class cls (a cached block or fresh from vmalloc, its descriptor from
 * the pool), on the class's partial list; NULL when vmalloc fails. */
static struct heap_span *heap_span_new(unsigned cls)
{
	struct heap_class *c = &heap_classes[cls];
	struct heap_span *b, *s = heap_desc_get(c->nobj);
	bool fresh;

	if (!s)
		return NULL;
	/* exact fits only: a bigger block's extra pages would be an unused tail (taking up to
	 * 3 pages too many cost more footprint and more vmalloc calls: bench/heap/README.md) */
	b = heap_block_get((size_t)c->pages * PAGE_SIZE, 0, &fresh);
	if (!b) {
		heap_desc_put(s);
		return NULL;
	}
	/* the block's descriptor may be too small for this class's side array: s replaces it */
	s->base = b->base;
	s->map_bytes = b->map_bytes;
	heap_hash_del(b);
	heap_desc_put(b);
	heap_hash_add(s);
	heap_span_layout(s, c, s->base, s->map_bytes);
	s->magic = HEAP_SPAN_MAGIC;
	s->cls = (uint16_t)cls;
	s->size = c->size;
	s->mag = &heap_mags[cls];
	s->nfree = s->nobj;
	s->div = c->magic;
	heap_partial_add(c, s);
	return s;
}

/* Gives span or large block s back to vmalloc, its descriptor to the pool. */
void heap_span_release(struct heap_span *s)
{
	uintptr_t base = s->base;

	heap_hash_del(s);
	heap_account(-(int64_t)s->map_bytes);
	heap_desc_put(s);
	vfree((void *)base);
}

/* Empty span s (off every list) becomes a free block, which the cache keeps (with its
 * descriptor, whose layout still tells a pointer into it "already freed") or gives back. */
static void heap_span_retire(struct heap_span *s)
{
	heap_block_put(s);
}

/* Takes span s of class c out of service: its free list is damaged. */
static __attribute__((noinline)) void heap_span_break(struct heap_class *c, struct heap_span *s)
{
	printk(KERN_ERR "heap: free list of span %p (size %u) corrupted: written after free?\n",
	       (void *)s, c->size);
	heap_st.misuse++;
	s->magic = HEAP_BROKEN_MAGIC;
	s->fast_limit = 0;
	heap_hent_sync(s->base);
	heap_partial_del(c, s);
}

/*
 * Pops an object of n bytes from class c's current span (heap_cur: the head of its partial
 * list, or heap_no_span). Returns NULL when there is none, it is full or its free list is
 * damaged (the popped object's first word is not a free record: written after free, or the
 * list leads to a live object; or its link names no handed-out object): with 'fast', having
 * changed nothing (the
 * slow path comes back); else after taking the damaged span out of service (the caller
 * retries). Interrupts off.
 */
static inline __attribute__((always_inline)) void *heap_small_pop(struct heap_class *c,
								  size_t n, bool fast)
{
	struct heap_span *s = heap_cur[c - heap_classes];
	uint32_t i, h, size = s->size, link;
	char *obj;

	h = s->head;
	if (likely(h)) {
		i = h - 1;
		obj = s->data + (size_t)i * size;
		link = heap_free_next(heap_record_get(obj)); /* UINT32_MAX: not a record */
		if (unlikely(link > s->bump))
			goto broken;
		s->head = link;
	} else {
		/* Never handed out: nothing to check. A full span (or heap_no_span) goes slow. */
		i = s->bump;
		if (unlikely(i >= s->nobj))
			return NULL;
		obj = s->data + (size_t)i * size;
		s->bump = i + 1;
		s->fast_limit += size;
		heap_hent_sync(s->base);
	}
	s->nfree--;    /* a span that fills stays the head until the next allocation */
	heap_used_bytes += size;
	heap_obj_live(s, i, obj, n);
	if (!obj)      /* never: tells the callers' NULL tests that this path succeeded */
		__builtin_unreachable();
	return obj;
broken:
	if (!fast)
		heap_span_break(c, s);
	return NULL;
}

/* An object of class cls from its magazine whose free record was damaged (written after
 * free): reported and dropped; it is never handed out again. Interrupts off. */
static __attribute__((noinline)) void heap_mag_broken(unsigned cls)
{
	struct heap_mag *m = &heap_mags[cls];
	char *obj = (--m->top)->obj;

	printk(KERN_ERR "heap: freed object %p (size %u) corrupted: written after free?\n",
	       (void *)obj, heap_classes[cls].size);
	heap_st.misuse++;
}

/* See heap_internal.h. */
void *heap_small_alloc_slow(size_t n)
{
	unsigned cls = heap_class_of(n + HEAP_REDZONE);
	struct heap_class *c = &heap_classes[cls];
	struct heap_mag *m = &heap_mags[cls];
	void *p;

	for (;;) {
		if (!heap_mag_empty(m)) {   /* the fast path found a damaged free record */
			struct heap_mag_ent *e = m->top - 1;
			if (!heap_mag_record_ok(e->obj)) {
				heap_mag_broken(cls);
				continue;
			}
			m->top = e;
			heap_obj_live_at(e->side, e->obj, n);
			return e->obj;
		}
		if (c->partial && !c->partial->nfree)
			heap_partial_del(c, c->partial);    /* full since its last allocation */
		if (!c->partial && !heap_span_new(cls))
			return NULL;
		p = heap_small_pop(c, n, false);
		if (p)
			return p;
	}
}

/*
 * A span that just got its first free object or became empty: list moves. A span that
 * gets a free object goes second on its class's partial list (the head, which allocations
 * come from, stays), or first on an empty list. Only the head may stay empty: a span that
 * empties elsewhere goes to the cache. The head may also be full (so that alloc/free at a
 * span's last object moves nothing): the next allocation takes it off. Interrupts off.
 */
static __attribute__((noinline)) void heap_small_edge(struct heap_span *s)
{
	struct heap_class *c = &heap_classes[s->cls];
	struct heap_span *old = c->partial;

	if (s->nfree == 1 && s != old)    /* a full head is still on the list */
		heap_partial_add(c, s);
	if (s->nfree == s->nobj && c->partial != s) {
		heap_partial_del(c, s);
		heap_span_retire(s);
	}
}

/* See heap_internal.h. */
void heap_span_free(struct heap_span *s, uint16_t *side, void *p)
{
	size_t i = (size_t)(side - heap_side(s));

	heap_obj_free(s, i, p, s->head);
	heap_used_bytes -= s->size;
	s->head = (uint32_t)i + 1;
	s->nfree++;
	if (s->nfree - 2 >= s->free_max) /* its first free object, or above free_max */
		heap_small_edge(s);
}

/* See heap_internal.h. */
void *heap_span_alloc(unsigned cls, size_t n)
{
	return heap_small_pop(&heap_classes[cls], n, true);
}

/* Puts object p of small span s (checked, or leaving a magazine) back on the span's free
 * list, with list moves when due; an object of a broken span only becomes free. The span
 * layer's slow paths (heap_release, heap_mag_drain). */
static void heap_span_put(struct heap_span *s, void *p)
{
	size_t i;

	heap_obj_index(s, p, (size_t)s->bump * s->size, &i);
	heap_obj_free(s, i, p, s->head);
	heap_used_bytes -= s->size;
	if (s->magic == HEAP_BROKEN_MAGIC)
		return;
	s->head = (uint32_t)i + 1;
	s->nfree++;
	if (s->nfree == 1 || s->nfree == s->nobj) /* heap_small_edge keeps a head that empties */
		heap_small_edge(s);
}

/* See heap_internal.h. */
void heap_release(struct heap_span *s, void *p, size_t n)
{
	heap_st.frees++;
	if (s->magic == HEAP_LARGE_MAGIC) {
		heap_used_bytes -= s->map_bytes;
		heap_large_free(s);
		return;
	}
	heap_span_put(s, p);
}

uint64_t heap_used_bytes;

/* See heap_internal.h. */
void heap_count_live(uint64_t *allocs, uint64_t *bytes)
{
	uint64_t a = 0, b = 0;

	for (size_t h = 0; h < ARRAY_SIZE(heap_hash); h++) {
		for (struct heap_span *s = heap_hash[h]; s != HEAP_NO_SPAN; s = s->hnext) {
			const uint16_t *side = heap_side(s);

			if (s->cached || s->pending) /* free, or queued by a handler */
				continue;
			if (s->magic == HEAP_LARGE_MAGIC) {
				a++;
				b += s->req;
				continue;
			}
			for (uint32_t i = 0; i < s->bump; i++) {
				uint32_t n = heap_side_size(side[i]);

				if (n <= s->mag->maxn) {
					a++;
					b += n;
				}
			}
		}
	}
	*allocs = a;
	*bytes = b;
}

/* See heap_internal.h. An object whose free record was damaged while it waited is
 * reported and dropped, as allocation would have done: heap_span_put writes a fresh record,
 * which would otherwise hand the object out again with the write after free unseen. */
void heap_mag_drain(void)
{
	for (unsigned k = 0; k < HEAP_NCLASSES; k++) {
		struct heap_mag *m = &heap_mags[k];

		while (!heap_mag_empty(m)) {
			char *obj = m->top[-1].obj;

			if (!heap_mag_record_ok(obj)) {
				heap_mag_broken(k);
				continue;
			}
			m->top--;
			heap_span_put(heap_lookup(obj), obj);
		}
	}
}

/* See heap_internal.h. */
size_t heap_trim_locked(void)
{
	size_t released = 0;

	heap_mag_drain();

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
	released += heap_cache_trim();
	return released + heap_desc_trim();
}


