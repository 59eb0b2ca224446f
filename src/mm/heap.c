// SPDX-License-Identifier: MIT
/*
 * The general kernel heap: heap_alloc / heap_calloc / heap_realloc / heap_free.
 *
 * Small sizes (up to HEAP_SMALL_MAX = 16 KiB with the red zone) come from 52 size classes
 * (16 bytes apart up to 128, four per power of two up to 1 KiB, eight above). Each class
 * carves objects out of spans: 4-64 page vmalloc blocks aligned to HEAP_CHUNK (256 KiB):
 *     [span header | allocated bitmap | object 0 | object 1 | ... ]
 * The header holds the free-object list (threaded through the free objects), a bump index
 * for objects never handed out, and one "allocated" bit per object. The fast path pops the
 * class's first partial span's list; freeing finds the span from the pointer through a hash
 * of chunk numbers, so a pointer the heap never returned is recognised without touching it.
 * Larger sizes get their own vmalloc block (heap_large.c), so their cost is bounded by one
 * vmalloc; a few freed large blocks (at most HEAP_LARGE_CACHE bytes) are kept for reuse.
 *
 * Giving memory back: a class keeps at most one empty span; the next one that empties goes
 * back to vmalloc (which returns its frames). heap_trim(), also run before an allocation
 * fails, returns the rest, so after everything is freed the frame count is back.
 *
 * Debug checks that stay on: every object ends with a red zone: the bytes after the
 * requested size are a canary pattern and its last 4 bytes hold the size (xored with a
 * key). Free and realloc check the allocated bit (double free), that the pointer is the
 * start of an object of a heap span (foreign pointer) and the canary (overflow); a failed
 * check is reported with size and caller, counted, and the operation refused (the object
 * stays allocated), so nothing is corrupted further.
 *
 * Bookkeeping: span and large-block headers live inside the blocks themselves, the chunk
 * hash table is one vzalloc'd block made at heap_init. The heap only ever calls vmalloc, and vmalloc never calls the
 * heap (see vmalloc.c), so nothing recurses.
 * Context: any; entry points mask interrupts around the heap state.
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/vmalloc.h>
#include "heap_internal.h"

struct heap_class heap_classes[HEAP_NCLASSES];
uint8_t heap_small_class[HEAP_SMALL_MAX / 16 / 16 + 1];
struct heap_span **heap_hash;
struct heap_span *heap_last;
struct heap_stats heap_st;
static bool heap_ready;

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

void heap_hash_add(struct heap_span *s)
{
	size_t i = heap_hash_index(s);

	s->hnext = heap_hash[i];
	heap_hash[i] = s;
}

void heap_hash_del(struct heap_span *s)
{
	if (heap_last == s)
		heap_last = NULL;
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
	printk(KERN_ERR "heap: %s(%p) from %pS: %s (size %zu), refused\n", op, p, (void *)caller,
	       why, size);
}

/* Lays out class c: the smallest span (4-64 pages) holding at least 8 objects and wasting
 * at most 1/16 of itself, else the one wasting the least. Small spans keep the memory
 * parked in partly used spans low. */
static void heap_class_setup(struct heap_class *c, uint32_t size)
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

static void heap_partial_add(struct heap_class *c, struct heap_span *s)
{
	s->prev = NULL;
	s->next = c->partial;
	if (c->partial)
		c->partial->prev = s;
	c->partial = s;
}

static void heap_partial_del(struct heap_class *c, struct heap_span *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		c->partial = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
}

/* A new empty span for class cls, on the class's partial list; NULL when vmalloc fails. */
static struct heap_span *heap_span_new(unsigned cls)
{
	struct heap_class *c = &heap_classes[cls];
	size_t bytes = (size_t)c->pages * PAGE_SIZE;
	struct heap_span *s = vmalloc_aligned(bytes, HEAP_CHUNK);

	if (!s)
		return NULL;
	memset(s, 0, c->data_off);
	s->magic = HEAP_SPAN_MAGIC;
	s->cls = (uint16_t)cls;
	s->data = (char *)s + c->data_off;
	s->nobj = s->nfree = c->nobj;
	s->map_bytes = bytes;
	heap_hash_add(s);
	heap_partial_add(c, s);
	c->nempty++;
	heap_account((int64_t)bytes);
	return s;
}

void heap_span_release(struct heap_span *s)
{
	heap_hash_del(s);
	heap_account(-(int64_t)s->map_bytes);
	s->magic = 0;
	vfree(s);
}

static inline __attribute__((always_inline)) void *heap_small_alloc(size_t n)
{
	unsigned cls = heap_class_of(n + HEAP_REDZONE);
	struct heap_class *c = &heap_classes[cls];
	struct heap_span *s;
	char *obj;
	size_t i;

retry:
	s = c->partial;
	if (unlikely(!s) && !(s = heap_span_new(cls)))
		return NULL;
	if (s->nfree == s->nobj)
		c->nempty--;
	obj = s->free;
	if (obj) {
		char *next = *(char **)obj;
		size_t off = (size_t)(next - s->data);

		if (next && (off >= (size_t)s->bump * c->size ||
			     ((off * c->magic) >> HEAP_DIV_SHIFT) * c->size != off)) {
			printk(KERN_ERR "heap: free list of span %p (size %u) corrupted: "
			       "written after free?\n", (void *)s, c->size);
			heap_st.misuse++;
			s->broken = 1;
			heap_partial_del(c, s);
			goto retry;
		}
		s->free = next;
	} else {
		obj = s->data + (size_t)s->bump++ * c->size;
	}
	i = ((uint64_t)(obj - s->data) * c->magic) >> HEAP_DIV_SHIFT;
	s->bits[i >> 6] |= 1ull << (i & 63);
	if (--s->nfree == 0)
		heap_partial_del(c, s);
	heap_redzone_set(obj, n, c->size);
	return obj;
}

/*
 * Checks that p is a live allocation: returns its span and its requested size in *n, or
 * NULL after reporting the misuse ('op' names the operation). Interrupts off.
 */
static struct heap_span *heap_check(const void *p, size_t *n, const char *op, uintptr_t caller)
{
	struct heap_span *s = heap_lookup(p);
	struct heap_class *c;
	size_t off, i;

	if (!s || (s->magic == HEAP_LARGE_MAGIC && (const char *)p != s->data)) {
		heap_report(op, p, "foreign pointer", 0, caller);
		return NULL;
	}
	if (s->magic == HEAP_LARGE_MAGIC) {
		if (s->cached) {
			heap_report(op, p, "already freed", s->req, caller);
			return NULL;
		}
		if (!heap_large_redzone_ok(s)) {
			heap_report(op, p, "red zone overwritten", s->req, caller);
			return NULL;
		}
		*n = s->req;
		return s;
	}
	c = &heap_classes[s->cls];
	off = (size_t)((const char *)p - s->data);
	i = ((uint64_t)off * c->magic) >> HEAP_DIV_SHIFT;
	if (off >= (size_t)s->bump * c->size || i * c->size != off) { /* p < data wraps */
		heap_report(op, p, "foreign pointer", 0, caller);
		return NULL;
	}
	if (!heap_bit(s, i)) {
		heap_report(op, p, "already freed", c->size - HEAP_REDZONE, caller);
		return NULL;
	}
	*n = heap_redzone_check(p, c->size);
	if (*n == SIZE_MAX) {
		heap_report(op, p, "red zone overwritten", c->size - HEAP_REDZONE, caller);
		return NULL;
	}
	return s;
}

static inline void heap_small_release(struct heap_class *c, struct heap_span *s, void *p,
				      size_t i);

/* Frees checked allocation p of span s. Interrupts off. */
static void heap_release(struct heap_span *s, void *p, size_t n)
{
	struct heap_class *c;
	size_t i;

	heap_st.frees++;
	heap_st.live_allocs--;
	heap_st.live_bytes -= n;
	if (s->magic == HEAP_LARGE_MAGIC) {
		heap_large_free(s);
		return;
	}
	c = &heap_classes[s->cls];
	i = ((uint64_t)((char *)p - s->data) * c->magic) >> HEAP_DIV_SHIFT;
	heap_small_release(c, s, p, i);
}

/* Frees object i (at p) of small span s of class c. Interrupts off. */
static inline void heap_small_release(struct heap_class *c, struct heap_span *s, void *p,
				      size_t i)
{
	s->bits[i >> 6] &= ~(1ull << (i & 63));
	if (s->broken)
		return;
	*(void **)p = s->free;
	s->free = p;
	if (++s->nfree == 1)
		heap_partial_add(c, s);
	if (s->nfree == s->nobj && c->nempty++) {
		c->nempty--;
		heap_partial_del(c, s);
		heap_span_release(s);
	}
}

/* Releases every empty span and every cached large block. Interrupts off. */
static size_t heap_trim_locked(void)
{
	size_t released = 0;

	for (unsigned k = 0; k < HEAP_NCLASSES; k++) {
		struct heap_class *c = &heap_classes[k];
		struct heap_span *s = c->partial, *next;

		for (; s; s = next) {
			next = s->next;
			if (s->nfree == s->nobj && !s->broken) {
				heap_partial_del(c, s);
				released += s->map_bytes;
				heap_span_release(s);
			}
		}
		c->nempty = 0;
	}
	return released + heap_large_trim();
}

static void *heap_alloc_locked(size_t n)
{
	void *p = n <= HEAP_SMALL_MAX - HEAP_REDZONE ? heap_small_alloc(n) : heap_large_alloc(n);

	if (unlikely(!p)) {
		heap_trim_locked();
		p = n <= HEAP_SMALL_MAX - HEAP_REDZONE ? heap_small_alloc(n) : heap_large_alloc(n);
		if (!p) {
			heap_st.failed++;
			return NULL;
		}
	}
	heap_st.allocs++;
	heap_st.live_allocs++;
	heap_st.live_bytes += n;
	return p;
}

/*
 * Sets up the classes and the chunk hash table (one vzalloc). Returns 0 or -ENOMEM.
 * Context: boot, after vmalloc_init; host tests may call it again after a new vmalloc_init.
 */
int heap_init(void)
{
	size_t hash_bytes = sizeof(*heap_hash) << HEAP_HASH_BITS;
	unsigned cls = 0;

	heap_ready = false;
	heap_last = NULL;
	memset(&heap_st, 0, sizeof(heap_st));
	heap_large_reset();
	for (unsigned k = 0; k < HEAP_NCLASSES; k++) {
		memset(&heap_classes[k], 0, sizeof(heap_classes[k]));
		heap_class_setup(&heap_classes[k], heap_class_size(k));
	}
	for (unsigned i = 1; i < ARRAY_SIZE(heap_small_class); i++) {
		while (heap_classes[cls].size < i * 16)
			cls++;
		heap_small_class[i] = (uint8_t)cls;
	}
	heap_hash = vzalloc(hash_bytes);
	if (!heap_hash) {
		printk(KERN_ERR "heap: no memory for the span table\n");
		return -ENOMEM;
	}
	heap_account((int64_t)ALIGN_UP(hash_bytes, PAGE_SIZE));
	heap_ready = true;
	return 0;
}

/* See <lios/heap.h>. NULL when memory runs out (or before heap_init). Context: any. */
void *heap_alloc(size_t size)
{
	uint64_t irq;
	void *p;

	if (unlikely(!heap_ready))
		return NULL;
	irq = arch_irq_save();
	p = heap_alloc_locked(size);
	arch_irq_restore(irq);
	return p;
}

/* n * size zeroed bytes; NULL on overflow or exhaustion. Context: any. */
void *heap_calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = heap_alloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

/* Frees p; NULL is ignored, misuse reported and refused. Context: any. */
void heap_free(void *p)
{
	struct heap_span *s;
	uint64_t irq;
	size_t n;

	if (!p || !heap_ready)
		return;
	irq = arch_irq_save();
	s = heap_lookup(p);
	if (likely(s && s->magic == HEAP_SPAN_MAGIC)) {
		/* Fast path: the checks of heap_check, computed once; any failure goes the
		 * slow way, which reports it. */
		struct heap_class *c = &heap_classes[s->cls];
		size_t off = (size_t)((char *)p - s->data);
		size_t i = ((uint64_t)off * c->magic) >> HEAP_DIV_SHIFT;

		if (likely(off < (size_t)s->bump * c->size && i * c->size == off && heap_bit(s, i))) {
			n = heap_redzone_check(p, c->size);
			if (likely(n != SIZE_MAX)) {
				heap_st.frees++;
				heap_st.live_allocs--;
				heap_st.live_bytes -= n;
				heap_small_release(c, s, p, i);
				arch_irq_restore(irq);
				return;
			}
		}
	}
	s = heap_check(p, &n, "free", CALLER_ADDR);
	if (s)
		heap_release(s, p, n);
	arch_irq_restore(irq);
}

/* Resizes in place when the new size keeps the same class (or page count for large
 * blocks), else moves. NULL, p untouched, on exhaustion or misuse. Context: any. */
void *heap_realloc(void *p, size_t size)
{
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
	} else if (s->magic == HEAP_LARGE_MAGIC && size > HEAP_SMALL_MAX - HEAP_REDZONE &&
		   ALIGN_UP(HEAP_LARGE_HDR + size + HEAP_REDZONE, PAGE_SIZE) == s->map_bytes) {
		s->req = size;
		heap_canary_put(s->data + size, MIN(s->map_bytes - HEAP_LARGE_HDR - size,
						    HEAP_CANARY_CHECK));
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
	arch_irq_restore(irq);
}
