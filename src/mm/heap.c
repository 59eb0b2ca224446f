// SPDX-License-Identifier: MIT
/*
 * The general kernel heap: heap_alloc / heap_calloc / heap_realloc / heap_free.
 *
 * Small sizes (up to HEAP_SMALL_MAX = 16 KiB with the red zone) come from 52 size classes
 * (16 bytes apart up to 128, four per power of two up to 1 KiB, eight above). Each class
 * carves objects out of spans: 4-64 page vmalloc blocks aligned to HEAP_CHUNK (256 KiB):
 *     [colour | span header | object 0 | object 1 | ... ]
 * The header holds the free-object list (threaded through the free objects as
 * (index + 1) ^ HEAP_LINK_KEY, so a stray write, even zeros, is recognised) and a bump
 * index for objects never handed out. An object's allocated state is its last word: the
 * red zone's size tag while live, HEAP_FREE_WORD once freed (heap_internal.h), so the
 * double-free test is part of the red-zone check and needs no bitmap. The fast path pops
 * the list of the class's current span (heap_cur, never NULL); freeing finds the span
 * from the pointer through a one-entry guess (the last span freed into), then a hash of
 * chunk numbers, so a pointer the heap never returned is recognised without touching it.
 * heap_alloc and heap_free are a fast path inline (the common case, every check included)
 * and a slow path out of line.
 * Larger sizes get their own block (heap_large.c), so their cost is bounded by one vmalloc.
 * The class layouts are in heap_class.c.
 *
 * Giving memory back: only the head of a class's partial list may stay empty; any other
 * span that empties, and every freed large block, go to the block cache (heap_cache.c),
 * which keeps them for reuse by any class while the heap holds at most HEAP_KEEP_PCT %
 * more than its peak live bytes and gives the rest back to vmalloc (which returns the
 * frames). heap_trim(), also run before an allocation fails, returns everything, so after
 * everything is freed the frame count is back.
 *
 * Debug checks that stay on: every object ends with a red zone: the 8 bytes after the
 * requested size are a canary pattern, and the object's last 8 bytes are 4 canary bytes
 * and the size xored with a key (heap_redzone_set). Free and realloc check that the
 * pointer is the start of a handed-out object of a heap span (foreign pointer), that its
 * last word is a live size tag (not HEAP_FREE_WORD: double free) and the canary
 * (overflow): the fast path and the slow path run the same checks (heap_obj_index,
 * heap_redzone_check, heap_obj_check in heap_internal.h), the slow one to name what
 * failed; a failed check is reported with size and caller, counted, and the operation
 * refused (the object stays allocated), so nothing is corrupted further. Allocation checks
 * that the next link of the free list names a handed-out object of the span and that the
 * object it pops still carries HEAP_FREE_WORD (write after free, or a list leading to a
 * live object): a damaged span is reported and never allocated from again.
 *
 * Bookkeeping: span and large-block headers live inside the blocks themselves (a span's
 * at one of up to 64 cache lines, heap_colour, so that headers do not all share one cache
 * set), the chunk hash table is a static array (32 KiB). The heap only ever calls
 * vmalloc, and vmalloc never calls the heap (see vmalloc.c), so nothing recurses. The live-object
 * count is allocs - frees (heap_get_stats), so the fast paths update two counters.
 * Context: any; entry points mask interrupts around the heap state.
 */
#include <lios/arch.h>
#include <lios/heap.h>
#include <lios/heap_trace.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/vmalloc.h>
#include "heap_internal.h"

struct heap_span *heap_hash[1u << HEAP_HASH_BITS];
struct heap_span *heap_cur[HEAP_NCLASSES];
struct heap_span *heap_last = HEAP_NO_SPAN;
struct heap_span heap_no_span;
struct heap_stats heap_st;
static bool heap_ready;

void heap_hash_add(struct heap_span *s)
{
	size_t i = heap_hash_index(s);

	s->hnext = heap_hash[i];
	heap_hash[i] = s;
}

void heap_hash_del(struct heap_span *s)
{
	if (heap_last == s)
		heap_last = HEAP_NO_SPAN;
	struct heap_span **pp = &heap_hash[heap_hash_index(s)];

	while (*pp != s)
		pp = &(*pp)->hnext;
	*pp = s->hnext;
}

void heap_account(int64_t bytes)
{
	if (bytes > 0)
		heap_st.vmalloc_calls++;
	heap_st.vmalloc_bytes += (uint64_t)bytes;
	if (heap_st.vmalloc_bytes > heap_st.vmalloc_peak)
		heap_st.vmalloc_peak = heap_st.vmalloc_bytes;
}

void heap_report(const char *op, const void *p, const char *why, size_t size,
			uintptr_t caller)
{
	heap_st.misuse++;
	printk(KERN_ERR "heap: %s(%p) from %pB: %s (size %zu), refused\n", op, p, (void *)caller,
	       why, size);
}

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

/* A new empty span for class cls (a cached block or fresh from vmalloc), on the class's
 * partial list; NULL when vmalloc fails. */
static struct heap_span *heap_span_new(unsigned cls)
{
	struct heap_class *c = &heap_classes[cls];
	struct heap_span *s;
	uintptr_t base, end;
	bool fresh;

	s = heap_block_get((size_t)c->pages * PAGE_SIZE, &fresh);
	if (!s)
		return NULL;
	base = heap_chunk_of(s);
	end = base + s->map_bytes;
	s = heap_block_move(s, heap_colour(base, c->pages));
	/* Keeps hnext and map_bytes (the block's); sets the rest. The colour may cost the
	 * span an object of its class's layout. */
	s->magic = HEAP_SPAN_MAGIC;
	s->cls = (uint16_t)cls;
	s->cached = 0;
	s->size = c->size;
	s->head = 0;
	s->nobj = s->nfree = (uint32_t)MIN((size_t)c->nobj,
					   (end - (uintptr_t)s - c->data_off) / c->size);
	s->bump = 0;
	s->fast_limit = 0;
	s->div = c->magic;
	s->data = (char *)s + c->data_off;
	s->prev = s->next = NULL;
	s->req = 0;
	heap_partial_add(c, s);
	return s;
}

void heap_span_release(struct heap_span *s)
{
	heap_hash_del(s);
	heap_account(-(int64_t)s->map_bytes);
	s->magic = 0;
	vfree((void *)heap_chunk_of(s));
}

/* Takes span s of class c out of service: its free list is damaged. */
static __attribute__((noinline)) void heap_span_break(struct heap_class *c, struct heap_span *s)
{
	printk(KERN_ERR "heap: free list of span %p (size %u) corrupted: written after free?\n",
	       (void *)s, c->size);
	heap_st.misuse++;
	s->magic = HEAP_BROKEN_MAGIC;
	s->fast_limit = 0;
	heap_partial_del(c, s);
}

/*
 * Pops an object of n bytes from class c's current span (heap_cur: the head of its partial
 * list, or heap_no_span). Returns NULL when there is none, it is full or its free list is
 * damaged (the next link names no handed-out object, or the popped object does not carry
 * HEAP_FREE_WORD: written after free, or live): with 'fast', having changed nothing (the
 * slow path comes back); else after taking the damaged span out of service (the caller
 * retries). Interrupts off.
 */
static inline __attribute__((always_inline)) void *heap_small_pop(struct heap_class *c,
								  size_t n, bool fast)
{
	struct heap_span *s = heap_cur[c - heap_classes];
	uint32_t i, h, size = s->size, link = 0;
	uint64_t end;
	char *obj;

	h = s->head;
	if (likely(h)) {
		i = h - 1;
		obj = s->data + (size_t)i * size;
		__builtin_memcpy(&link, obj, 4);
		__builtin_memcpy(&end, obj + size - 8, 8);
		link ^= HEAP_LINK_KEY;
		if (unlikely(link > s->bump || end != HEAP_FREE_WORD))
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
	}
	s->nfree--;    /* a span that fills stays the head until the next allocation */
	heap_redzone_set(obj, n, size);
	if (!obj)      /* never: tells the callers' NULL tests that this path succeeded */
		__builtin_unreachable();
	return obj;
broken:
	if (!fast)
		heap_span_break(c, s);
	return NULL;
}

/* The slow path of a small allocation: new spans, damaged spans. Interrupts off. */
static __attribute__((noinline)) void *heap_small_alloc_slow(size_t n)
{
	struct heap_class *c = &heap_classes[heap_class_of(n + HEAP_REDZONE)];
	void *p;

	for (;;) {
		if (c->partial && !c->partial->nfree)
			heap_partial_del(c, c->partial);    /* full since its last allocation */
		if (!c->partial && !heap_span_new((unsigned)(c - heap_classes)))
			return NULL;
		p = heap_small_pop(c, n, false);
		if (p)
			return p;
	}
}

/* The fast path of heap_alloc: NULL for a large size, a class without a partial span or a
 * damaged free list. Interrupts off. */
static inline __attribute__((always_inline)) void *heap_alloc_fast(size_t size)
{
	void *p;

	if (unlikely(size > HEAP_SMALL_MAX - HEAP_REDZONE))
		return NULL;
	p = heap_small_pop(&heap_classes[heap_class_of(size + HEAP_REDZONE)], size, true);
	if (likely(p)) {
		heap_st.allocs++;
		heap_st.live_bytes += size;
	}
	return p;
}

/*
 * Checks that p is a live allocation: returns its span and its requested size in *n, or
 * NULL after reporting the misuse ('op' names the operation). Interrupts off.
 */
static struct heap_span *heap_check(const void *p, size_t *n, const char *op, uintptr_t caller)
{
	struct heap_span *s = heap_lookup(p);
	size_t i;
	bool large;

	if (!s || ((large = s->magic == HEAP_LARGE_MAGIC) && (const char *)p != s->data) ||
	    (s->cached && !large &&
	     (size_t)((const char *)p - s->data) >= (size_t)s->nobj * s->size)) {
		heap_report(op, p, "foreign pointer", 0, caller);
		return NULL;
	}
	if (s->cached) {
		heap_report(op, p, "already freed", large ? s->req : s->size - HEAP_REDZONE, caller);
		return NULL;
	}
	if (large) {
		if (!heap_large_redzone_ok(s)) {
			heap_report(op, p, "red zone overwritten", s->req, caller);
			return NULL;
		}
		*n = s->req;
		return s;
	}
	/* the same checks as heap_free_fast, in an order that names the failure */
	if (!heap_obj_index(s, p, (size_t)s->bump * s->size, &i)) {
		heap_report(op, p, "foreign pointer", 0, caller);
		return NULL;
	}
	switch (heap_obj_check(s, p, n)) {
	case HEAP_OBJ_FREED:
		heap_report(op, p, "already freed", s->size - HEAP_REDZONE, caller);
		return NULL;
	case HEAP_OBJ_REDZONE:
		heap_report(op, p, "red zone overwritten", s->size - HEAP_REDZONE, caller);
		return NULL;
	case HEAP_OBJ_LIVE:
		break;
	}
	return s;
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
		heap_block_put(s);
	}
}

/* Frees checked allocation p of span s (the slow way). Interrupts off. */
static void heap_release(struct heap_span *s, void *p, size_t n)
{
	uint32_t link = s->head ^ HEAP_LINK_KEY;
	size_t i;

	heap_st.frees++;
	heap_st.live_bytes -= n;
	if (s->magic == HEAP_LARGE_MAGIC) {
		heap_large_free(s);
		return;
	}
	heap_obj_index(s, p, (size_t)s->bump * s->size, &i);
	heap_mark_free(p, s->size);
	if (s->magic == HEAP_BROKEN_MAGIC)
		return;
	__builtin_memcpy(p, &link, 4);
	s->head = (uint32_t)i + 1;
	s->nfree++;
	if (s->nfree == 1 || (s->nfree == s->nobj && heap_classes[s->cls].partial != s))
		heap_small_edge(s);
}

/* Releases every empty span and every cached block; returns the bytes released. */
static size_t heap_trim_locked(void)
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
	return released + heap_cache_trim();
}


/* Any allocation, the slow way (large sizes, new spans, trimming before failing). */
static __attribute__((noinline)) void *heap_alloc_locked(size_t n)
{
	bool small = n <= HEAP_SMALL_MAX - HEAP_REDZONE;
	void *p;

	if (unlikely(!heap_ready))
		return NULL;
	p = small ? heap_small_alloc_slow(n) : heap_large_alloc(n);
	if (unlikely(!p)) {
		heap_trim_locked();
		p = small ? heap_small_alloc_slow(n) : heap_large_alloc(n);
		if (!p) {
			heap_st.failed++;
			return NULL;
		}
	}
	heap_st.allocs++;
	heap_st.live_bytes += n;
	return p;
}

/*
 * Sets up the classes and empties the chunk hash table. Returns 0 (nothing to allocate).
 * Context: boot, after vmalloc_init; host tests may call it again after a new vmalloc_init.
 */
int heap_init(void)
{
	heap_ready = false;
	heap_last = HEAP_NO_SPAN;
	memset(&heap_st, 0, sizeof(heap_st));
	heap_cache_reset();
	heap_classes_init();
	for (size_t i = 0; i < ARRAY_SIZE(heap_hash); i++)
		heap_hash[i] = HEAP_NO_SPAN;
	heap_ready = true;
	return 0;
}

/* heap_alloc's slow path; restores irq (a tail call: the fast path saves no register). */
static __attribute__((noinline)) void *heap_alloc_slow(size_t n, uint64_t irq)
{
	void *p = heap_alloc_locked(n);

	arch_irq_restore(irq);
	return p;
}

/* See <lios/heap.h>. NULL when memory runs out (or before heap_init). Context: any. */
void *heap_alloc(size_t size)
{
	if (unlikely(heap_tracing)) return heap_trace_alloc(size); /* heap.trace: heap_trace.c */
	uint64_t irq = arch_irq_save();
	/* Fast path (no class has a partial span before heap_init). */
	void *p = heap_alloc_fast(size);

	if (unlikely(!p))
		return heap_alloc_slow(size, irq);
	arch_irq_restore(irq);
	return p;
}

/* n * size zeroed bytes; NULL on overflow or exhaustion. Context: any. */
void *heap_calloc(size_t n, size_t size)
{
	if (unlikely(heap_tracing)) return heap_trace_calloc(n, size); /* heap.trace */
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = heap_alloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

/*
 * The fast path of heap_free: p is a live object of a small span. Returns the span, p
 * freed (the caller then checks whether the span needs list moves), or NULL, having
 * changed nothing, for anything else. Interrupts off.
 */
static inline __attribute__((always_inline)) struct heap_span *heap_free_fast(void *p)
{
	struct heap_span *s = heap_last;
	size_t i, n;
	uint32_t link;

	if (unlikely(!heap_same_chunk(s, p))) {
		/* The chain's first block (the only one in vmalloc's first GiB), else slow. */
		s = heap_hash[heap_hash_index(p)];
		if (unlikely(!heap_same_chunk(s, p)))
			return NULL;
		heap_last = s;
	}
	/* fast_limit is 0 for large, cached and broken blocks: those go slow. The red zone
	 * check also refuses a freed object (HEAP_FREE_WORD). */
	if (unlikely(!heap_obj_index(s, p, s->fast_limit, &i) ||
		     (n = heap_redzone_check(p, s->size)) == SIZE_MAX))
		return NULL;
	link = s->head ^ HEAP_LINK_KEY;
	heap_mark_free(p, s->size);
	__builtin_memcpy(p, &link, 4);
	s->head = (uint32_t)i + 1;
	heap_st.frees++;
	heap_st.live_bytes -= n;
	s->nfree++;
	if (!s)        /* never: tells the caller's NULL test that this path succeeded */
		__builtin_unreachable();
	return s;
}

/* heap_free for what heap_free_fast leaves: with s, the list moves of span s that p was
 * just freed into; else the whole free (lookup through the hash, misuse). Then restores
 * the interrupt state irq. Interrupts off. */
static __attribute__((noinline)) void heap_free_slow(void *p, struct heap_span *s,
						     uintptr_t caller, uint64_t irq)
{
	size_t n;

	if (s) {
		heap_small_edge(s);
	} else if (p && heap_ready) {
		s = heap_check(p, &n, "free", caller);
		if (s)
			heap_release(s, p, n);
	}
	arch_irq_restore(irq);
}

/* Frees p; NULL is ignored, misuse reported and refused. Context: any. The slow paths are
 * tail calls that restore the interrupt state themselves. */
void heap_free(void *p)
{
	if (unlikely(heap_tracing)) { heap_trace_free(p); return; } /* heap.trace */
	uint64_t irq = arch_irq_save();
	struct heap_span *s = heap_free_fast(p);

	/* Not freed, or list moves due (the span's first free object, or above free_max). */
	if (unlikely(!s || s->nfree - 2 >= s->free_max)) {
		heap_free_slow(p, s, CALLER_ADDR, irq);
		return;
	}
	arch_irq_restore(irq);
}

/* Resizes in place when the new size keeps the same class (or page count for large
 * blocks), else moves. NULL, p untouched, on exhaustion or misuse. Context: any. */
void *heap_realloc(void *p, size_t size)
{
	if (unlikely(heap_tracing)) return heap_trace_realloc(p, size); /* heap.trace */
	struct heap_span *s;
	void *q = NULL;
	uint64_t irq;
	size_t n;

	if (!p)
		return heap_alloc(size);
	if (!size) {
		heap_free(p);
		return NULL;
	}
	if (!heap_ready)
		return NULL;
	irq = arch_irq_save();
	s = heap_check(p, &n, "realloc", CALLER_ADDR);
	if (!s)
		goto out;
	if (s->magic == HEAP_SPAN_MAGIC && size <= HEAP_SMALL_MAX - HEAP_REDZONE &&
	    heap_class_of(size + HEAP_REDZONE) == s->cls) {
		heap_redzone_set(p, size, heap_classes[s->cls].size);
		q = p;
	} else if (s->magic == HEAP_LARGE_MAGIC && heap_large_resize(s, size)) {
		q = p;
	}
	if (q) {
		heap_st.live_bytes += size - n;
		goto out;
	}
	q = heap_alloc_locked(size);
	if (q) {
		memcpy(q, p, MIN(n, size));
		heap_release(s, p, n);
	}
out:
	arch_irq_restore(irq);
	return q;
}

/* The requested size of live allocation p; 0 (after a report) for anything else. */
size_t heap_size(const void *p)
{
	uint64_t irq;
	size_t n = 0;

	if (!p || !heap_ready)
		return 0;
	irq = arch_irq_save();
	if (!heap_check(p, &n, "size", CALLER_ADDR))
		n = 0;
	arch_irq_restore(irq);
	return n;
}

/* See <lios/heap.h>. Context: any. */
size_t heap_trim(void)
{
	uint64_t irq;
	size_t n;

	if (!heap_ready)
		return 0;
	irq = arch_irq_save();
	n = heap_trim_locked();
	arch_irq_restore(irq);
	return n;
}

/* Copies the counters. Context: any. */
void heap_get_stats(struct heap_stats *st)
{
	uint64_t irq = arch_irq_save();

	*st = heap_st;
	st->live_allocs = st->allocs - st->frees;
	arch_irq_restore(irq);
}

