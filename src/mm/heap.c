// SPDX-License-Identifier: MIT
/*
 * The general kernel heap: heap_alloc / heap_calloc / heap_realloc / heap_free: the entry
 * points, their fast paths and the magazines.
 *
 * Small sizes (up to HEAP_SMALL_MAX = 18 KiB with the red zone, so a 16 KiB request is
 * small) come from 53 size classes (16 bytes apart up to 128, four per power of two up to
 * 1 KiB, eight above: heap_class.c).
 * Each class carves objects out of spans: 4-48 page vmalloc blocks aligned to HEAP_CHUNK
 * (256 KiB), laid out as [colour | objects]; a span's descriptor (struct heap_span: free
 * list, bump index, counts) and its side array live apart in the descriptor pool
 * (heap_class.c), so they share a few dense cache lines instead of a few cache sets. A
 * chunk-number table (heap_hash, direct-mapped over vmalloc's first GiB, chained beyond)
 * finds a block's descriptor from any pointer without touching the pointer's memory.
 *
 * Touch what the caller touches: a live object's state is its side entry (uint16_t per
 * object: live bit and size, heap_internal.h), not a word of the object, and a free
 * object's free record (link + marks) is its first 16 bytes, the line the next caller
 * writes anyway. So free reads its chunk's fast-path entry (heap_hent: what it needs of
 * the span's descriptor, one dependent load less than the descriptor behind the chunk
 * table), the side entry, the class's magazine and the 8-byte red zone right after the
 * requested bytes (next to the last byte the caller wrote), and allocation reads only the
 * free record of the object it hands out.
 *
 * Magazines (heap_mag, classes up to 16 KiB): free puts a checked object into its class's
 * magazine, a LIFO of up to 61 objects and 16 KiB, and allocation takes the last one back:
 * the common alloc/free pair is a few loads and stores on hot lines, reuses objects while
 * they are cached, and leaves the spans alone. Only when a magazine is empty (allocation)
 * or full (free) does the span layer (heap_span.c) move objects, free lists and partial
 * lists. The magazines are small so that the objects they hold back do not keep spans
 * from emptying (larger ones cost footprint and vmalloc traffic, measured).
 * Larger sizes get their own block (heap_block.c), so their cost is bounded by one vmalloc.
 *
 * Where the time goes (bench/heap/README.md): the fast paths' instructions (about 70 per
 * alloc/free pair with every check); on the mixed host trace also the lines a free of a
 * long-lived block reads (chunk entry, side entry, red zone, the object's first line) and
 * vmalloc calls (each a page-table change and TLB flush), which the block cache keeps rare.
 *
 * Giving memory back: only the head of a class's partial list may stay empty; any other
 * span that empties, and every freed large block, go to the block cache (heap_block.c),
 * which keeps them for reuse by any class while the heap holds at most HEAP_KEEP_PCT %
 * more than the peak of the bytes its objects use (heap_used_bytes) and gives the rest back
 * to vmalloc (which returns the frames). heap_trim(), also run before an allocation fails,
 * empties the magazines and returns everything, so after everything is freed the frame
 * count is back.
 *
 * Debug checks that stay on, in the fast paths too: every object has a red zone, the 8
 * canary bytes right after the requested size (one store at allocation, one load at free).
 * Free and realloc check that the pointer is the start of a handed-out object of a heap
 * span (foreign or interior pointer: from the descriptor alone), that its side entry is
 * live (else double free) with a size that fits the object (else damaged state), and the
 * canary (overflow); the fast path and the slow path run the same checks (heap_obj_index,
 * the side entry against live/maxn, heap_obj_check in heap_internal.h), the slow one to
 * name what failed. A
 * failed check is reported with size and caller, counted, and the operation refused (the
 * object stays allocated), so nothing is corrupted further. Allocation checks that the
 * object it takes still carries its free record (write after free, even with zeros): an
 * object from a magazine whose record is damaged is reported and dropped; a span whose
 * free list is damaged (a bad record, or a link to no handed-out object) is reported and
 * never allocated from again.
 *
 * Bookkeeping: every block's descriptor (spans, large and cached blocks) is in the pool
 * (heap_class.c), none inside a block; the chunk table and its fast-path entries are static
 * arrays (32 and 128 KiB), the magazines another (53 KiB). The heap only ever calls
 * vmalloc, and vmalloc never calls the heap (see vmalloc.c), so nothing recurses.
 * Statistics cost the fast paths one counter (frees): heap_get_stats counts the live
 * allocations and bytes by walking the descriptors' side entries, and allocations are
 * frees + live (counting them, and the live bytes both ways, was 4 of the pair's ~80
 * instructions and 5-8 % of its time).
 * Context: any but NMI. Process context (interrupts on or off) owns the magazines, spans
 * and blocks: the fast paths run without masking interrupts (no pushf/cli/popf per call),
 * the slow paths mask them. A call from an interrupt or exception handler (arch_in_interrupt:
 * one load on the fast paths) never touches that state: heap_irq.c serves it from kmalloc
 * and queues its frees of process context's blocks for the next slow path.
 */
#include <lios/arch.h>
#include <lios/heap.h>
#include <lios/heap_trace.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/vmalloc.h>
#include "heap_internal.h"

struct heap_span *heap_hash[1u << HEAP_HASH_BITS];
struct heap_hent heap_hent[1u << HEAP_HASH_BITS];
struct heap_span *heap_cur[HEAP_NCLASSES];
struct heap_mag heap_mags[HEAP_NCLASSES];
struct heap_span heap_no_span;
const char heap_mag_bottom[16];
struct heap_stats heap_st;
bool heap_ready;

void heap_hash_add(struct heap_span *s)
{
	size_t i = heap_hash_index(s->base);

	s->hnext = heap_hash[i];
	heap_hash[i] = s;
	heap_hent_sync(s->base);
}

/* See heap_internal.h. */
void heap_hent_sync(uintptr_t base)
{
	size_t i = heap_hash_index(base);
	struct heap_span *s = heap_hash[i];
	struct heap_hent *h = &heap_hent[i];

	if (s == HEAP_NO_SPAN || !s->fast_limit) {
		memset(h, 0, sizeof(*h));
		return;
	}
	h->data = s->data;
	h->div = s->div;
	h->fast_limit = (uint32_t)s->fast_limit;
	h->side = heap_side(s);
	h->mag = s->mag;
}

void heap_hash_del(struct heap_span *s)
{
	struct heap_span **pp = &heap_hash[heap_hash_index(s->base)];

	while (*pp != s)
		pp = &(*pp)->hnext;
	*pp = s->hnext;
	heap_hent_sync(s->base);
}

void heap_account(int64_t bytes)
{
	if (bytes > 0)
		heap_st.vmalloc_calls++;
	heap_st.vmalloc_bytes += (uint64_t)bytes;
	if (heap_st.vmalloc_bytes > heap_st.vmalloc_peak)
		heap_st.vmalloc_peak = heap_st.vmalloc_bytes;
}

uintptr_t heap_report_caller;

void heap_report(const char *op, const void *p, const char *why, size_t size,
			uintptr_t caller)
{
	if (heap_report_caller) /* a heap_trace hook's caller, not the hook */
		caller = heap_report_caller;
	heap_st.misuse++;
	printk(KERN_ERR "heap: %s(%p) from %pB: %s (size %zu), refused\n", op, p, (void *)caller,
	       why, size);
}

/* The fast path of heap_alloc: the last object freed into the class's magazine; NULL for
 * a large size, an empty magazine or a damaged free record (the slow path comes back).
 * Interrupts off. */
static inline __attribute__((always_inline)) void *heap_alloc_fast(size_t size)
{
	struct heap_mag *m;
	struct heap_mag_ent *e;
	uint64_t c = HEAP_CANARY64;
	void *p;

	if (unlikely(size > HEAP_SMALL_MAX - HEAP_REDZONE))
		return NULL;
	m = heap_mag_of(size + HEAP_REDZONE);
	e = m->top - 1;
	p = e->obj;                 /* empty: heap_mag_bottom, which fails the record check */
	if (unlikely(!heap_mag_record_ok(p)))
		return NULL;
	m->top = e;
	*e->side = (uint16_t)(HEAP_SIDE_LIVE + size); /* size < HEAP_SIDE_LIVE: one lea */
	__builtin_memcpy((char *)p + size, &c, 8);
	return p;
}

/* See heap_internal.h. Interrupts off, or a handler's call. */
struct heap_span *heap_check(const void *p, size_t *n, const char *op, uintptr_t caller)
{
	struct heap_span *s = heap_lookup(p);
	size_t i;
	bool large;

	if (!s) {
		/* no block here: never the heap's, or one freed and given back to vmalloc (a
		 * large block beyond the cache), whose descriptor went with it */
		heap_report(op, p, "foreign pointer, or a block already freed and given back", 0,
			    caller);
		return NULL;
	}
	if (((large = s->magic == HEAP_LARGE_MAGIC) && (const char *)p != s->data) ||
	    (s->cached && !large &&
	     (size_t)((const char *)p - s->data) >= (size_t)s->nobj * s->size)) {
		heap_report(op, p, "foreign pointer", 0, caller);
		return NULL;
	}
	if (s->cached || s->pending) {
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
	/* the same checks as heap_free_check, in an order that names the failure */
	if (!heap_obj_index(s, p, (size_t)s->bump * s->size, &i)) {
		heap_report(op, p, "foreign pointer", 0, caller);
		return NULL;
	}
	switch (heap_obj_check(s, i, p, n)) {
	case HEAP_OBJ_FREED:
		heap_report(op, p, "already freed", s->size - HEAP_REDZONE, caller);
		return NULL;
	case HEAP_OBJ_REDZONE:
		heap_report(op, p, "red zone overwritten", *n, caller);
		return NULL;
	case HEAP_OBJ_DAMAGED:
		heap_report(op, p, "heap state damaged", s->size - HEAP_REDZONE, caller);
		return NULL;
	case HEAP_OBJ_LIVE:
		break;
	}
	return s;
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
	return p;
}

/* Class k's magazine when full (struct heap_mag's limit): its capacity's end. */
static struct heap_mag_ent *heap_mag_capacity(unsigned k)
{
	return heap_mags[k].ent + 1 +
	       MIN(HEAP_MAG_BYTES / heap_classes[k].size, (uint32_t)HEAP_MAG_MAX);
}

/* Whether the magazines are on (heap_magazines_enable); heap_init keeps the setting. */
static bool heap_mags_on = true;

/* See heap_internal.h. */
void heap_magazines_enable(bool on)
{
	uint64_t irq = arch_irq_save();

	heap_mags_on = on;
	if (heap_ready) {
		if (!on)
			heap_mag_drain();
		for (unsigned k = 0; k < HEAP_NCLASSES; k++)
			heap_mags[k].limit = on ? heap_mag_capacity(k) : heap_mags[k].ent + 1;
	}
	arch_irq_restore(irq);
}

/*
 * Sets up the classes and empties the chunk hash table. Returns 0 (nothing to allocate).
 * Context: boot, after vmalloc_init; host tests may call it again after a new vmalloc_init.
 */
int heap_init(void)
{
	heap_ready = false;
	memset(&heap_st, 0, sizeof(heap_st));
	memset(&heap_irq_st, 0, sizeof(heap_irq_st));
	heap_deferred = NULL;
	heap_used_bytes = 0;
	heap_cache_reset();
	heap_desc_reset();
	heap_classes_init();
	for (unsigned k = 0; k < HEAP_NCLASSES; k++) {
		heap_mags[k].ent[0].obj = (char *)heap_mag_bottom; /* never written */
		heap_mags[k].top = heap_mags[k].ent + 1;
		heap_mags[k].maxn = heap_classes[k].size - HEAP_REDZONE;
		heap_mags[k].limit = heap_mags_on ? heap_mag_capacity(k) : heap_mags[k].ent + 1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(heap_hash); i++)
		heap_hash[i] = HEAP_NO_SPAN;
	memset(heap_hent, 0, sizeof(heap_hent));
	heap_ready = true;
	return 0;
}

/* heap_alloc's slow path: an object popped from the class's current span (its free list,
 * else its never used objects), else the slow way. Masks interrupts (a tail call: the
 * fast path saves no register). */
static __attribute__((noinline)) void *heap_alloc_slow(size_t n)
{
	uint64_t irq;
	void *p = NULL;

	if (unlikely(heap_tracing)) /* heap.trace: the magazines are off, all calls come here */
		return heap_trace_alloc(n);
	irq = arch_irq_save();
	if (unlikely(heap_deferred))
		heap_irq_drain();
	if (n <= HEAP_SMALL_MAX - HEAP_REDZONE && heap_mag_empty(&heap_mags[heap_class_of(n + HEAP_REDZONE)]))
		p = heap_span_alloc(heap_class_of(n + HEAP_REDZONE), n);
	if (unlikely(!p))
		p = heap_alloc_locked(n);

	arch_irq_restore(irq);
	return p;
}

/* See <lios/heap.h>. NULL when memory runs out (or before heap_init). Context: any. */
void *heap_alloc(size_t size)
{
	void *p;

	if (unlikely(arch_in_interrupt()))
		return heap_irq_alloc(size);
	/* Fast path (no class has a partial span before heap_init). */
	p = heap_alloc_fast(size);
	if (unlikely(!p))
		return heap_alloc_slow(size);
	return p;
}

/* n * size zeroed bytes; NULL on overflow or exhaustion (both counted in failed).
 * Context: any. */
void *heap_calloc(size_t n, size_t size)
{
	void *p;

	if (unlikely(heap_tracing && !arch_in_interrupt()))
		return heap_trace_calloc(n, size); /* heap.trace */
	if (unlikely(size && n > SIZE_MAX / size)) {
		uint64_t irq = arch_irq_save();

		if (arch_in_interrupt())
			heap_irq_st.failed++;
		else
			heap_st.failed++;
		arch_irq_restore(irq);
		return NULL;
	}
	p = heap_alloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

/*
 * The checks of heap_free's fast path: true when p is a live object of a small span with
 * its red zone intact, with its chunk's entry in *hp, its side entry in *sidep and its
 * requested size in *np; false, having changed nothing, for anything else (the slow path
 * names it). Reads the chunk's heap_hent, the side entry, the magazine's maxn and the red
 * zone, never the descriptor or the rest of the object. Interrupts off.
 */
static inline __attribute__((always_inline)) bool heap_free_check(void *p,
								  const struct heap_hent **hp,
								  uint16_t **sidep, size_t *np)
{
	/* The chain's first block: p's own only when p lies within its first fast_limit
	 * bytes of objects, which the index check tests: any other block of the chain is a
	 * multiple of 1 << (HEAP_CHUNK_SHIFT + HEAP_HASH_BITS) bytes away (a GiB), far beyond
	 * any fast_limit (at most a span's size), so no chunk compare is needed. */
	const struct heap_hent *h = &heap_hent[heap_hash_index((uintptr_t)p)];
	uint64_t zone;
	size_t i;

	/* fast_limit is 0 for large, cached and broken blocks: those go slow; so does an
	 * object whose side entry is not live (freed) and one whose red zone is damaged. */
	if (unlikely(!heap_obj_index_at(h->data, h->div, p, h->fast_limit, &i)))
		return false;
	*sidep = h->side + i;
	/* not live (entry below HEAP_SIDE_LIVE) or a size beyond the object: n above maxn */
	*np = heap_side_size(**sidep);
	if (unlikely(*np > h->mag->maxn))
		return false;
	__builtin_memcpy(&zone, (char *)p + *np, 8);
	*hp = h;
	return zone == HEAP_CANARY64;
}

/* heap_free for what its fast path leaves: a checked object whose class's magazine is full
 * (s: its span, side: its side entry, n: its requested size) goes on its span's free list,
 * with list moves when due; anything else (s NULL) the whole way (lookup through the hash,
 * misuse); every call while heap.trace records (the magazines are off then) to its hook.
 * Masks interrupts; first frees what handlers queued. 'caller' is heap_free's caller, the
 * one a report names (passed, not taken from this function's return address: a sanitizer
 * build calls this instead of jumping to it). */
static __attribute__((noinline)) void heap_free_slow(void *p, struct heap_span *s,
						     uint16_t *side, size_t n, uintptr_t caller)
{
	uint64_t irq;

	if (unlikely(heap_tracing)) {
		heap_trace_free(p, caller);
		return;
	}
	irq = arch_irq_save();
	if (unlikely(heap_deferred)) {
		heap_irq_drain();
		/* a handler may have freed p too, between the fast path's checks and the mask:
		 * then the drain freed it, and this free is a double free, the slow way */
		if (s && *side != (uint16_t)(HEAP_SIDE_LIVE | n))
			s = NULL;
	}
	if (s) {
		heap_st.frees++;
		heap_span_free(s, side, p);
	} else if (heap_irq_block(p)) {
		heap_irq_block_free(p, caller);
	} else if (p && heap_ready) {
		s = heap_check(p, &n, "free", caller);
		if (s)
			heap_release(s, p, n);
	}
	arch_irq_restore(irq);
}

/* Frees p; NULL is ignored, misuse reported and refused. Context: any. The fast path puts
 * p into its class's magazine; the slow paths are tail calls that mask interrupts
 * themselves and get heap_free's caller for reports. Without a frame pointer
 * (__no_frame; the kernel builds with them): the fast path needs no frame, and the caller
 * is read from the stack only on the slow branches (with a frame, every call paid
 * push/mov/pop for it; a clang build still does). */
__no_frame void heap_free(void *p)
{
	const struct heap_hent *h;
	struct heap_mag_ent *e;
	struct heap_mag *m;
	uint16_t *side;
	size_t n;

	if (unlikely(arch_in_interrupt())) {
		heap_irq_free(p, CALLER_ADDR);
		return;
	}
	if (unlikely(!heap_free_check(p, &h, &side, &n))) {
		heap_free_slow(p, NULL, NULL, 0, CALLER_ADDR);
		return;
	}
	m = h->mag;
	e = m->top;
	if (unlikely(e == m->limit)) { /* the span: its side array follows its descriptor */
		heap_free_slow(p, (struct heap_span *)h->side - 1, side, n, CALLER_ADDR);
		return;
	}
	heap_st.frees++;
	m->top = e + 1;
	e->obj = p;
	e->side = side;
	*side = 0;
	heap_mag_record_put(p);
}

/* Resizes in place when the new size keeps the same class (or page count for large
 * blocks), else moves. NULL, p untouched, on exhaustion or misuse. Context: any. */
void *heap_realloc(void *p, size_t size)
{
	if (unlikely(arch_in_interrupt()))
		return heap_irq_realloc(p, size, CALLER_ADDR);
	if (unlikely(heap_tracing)) /* heap.trace */
		return heap_trace_realloc(p, size, CALLER_ADDR);
	struct heap_span *s;
	void *q = NULL;
	uint64_t irq;
	size_t i, n;

	if (!p)
		return heap_alloc(size);
	if (!size) {
		heap_free(p);
		return NULL;
	}
	irq = arch_irq_save();
	if (unlikely(heap_deferred))
		heap_irq_drain();
	if (heap_irq_block(p)) { /* a handler's block: moves into the heap */
		if (heap_irq_block_ok(p, &n, "realloc", CALLER_ADDR) &&
		    (q = heap_alloc_locked(size))) {
			memcpy(q, p, MIN(n, size));
			heap_irq_block_free(p, CALLER_ADDR);
		}
		goto out;
	}
	if (!heap_ready)
		goto out;
	s = heap_check(p, &n, "realloc", CALLER_ADDR);
	if (!s)
		goto out;
	if (s->magic == HEAP_SPAN_MAGIC && size <= HEAP_SMALL_MAX - HEAP_REDZONE &&
	    heap_class_of(size + HEAP_REDZONE) == s->cls) {
		heap_obj_index(s, p, (size_t)s->bump * s->size, &i);
		heap_obj_live(s, i, p, size);
		q = p;
	} else if (s->magic == HEAP_LARGE_MAGIC && heap_large_resize(s, size)) {
		q = p;
	}
	if (q)
		goto out;
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

	if (arch_in_interrupt())
		return heap_irq_size(p, CALLER_ADDR);
	if (!p)
		return 0;
	irq = arch_irq_save();
	if (heap_irq_block(p))
		n = heap_irq_size(p, CALLER_ADDR);
	else if (!heap_ready || !heap_check(p, &n, "size", CALLER_ADDR))
		n = 0;
	arch_irq_restore(irq);
	return n;
}

/* See <lios/heap.h>. Context: any. */
size_t heap_trim(void)
{
	uint64_t irq;
	size_t n;

	if (!heap_ready || arch_in_interrupt()) /* a handler leaves process context's state */
		return 0;
	irq = arch_irq_save();
	if (heap_deferred)
		heap_irq_drain();
	n = heap_trim_locked();
	arch_irq_restore(irq);
	return n;
}

/* Copies the counters; the live allocations and bytes are counted now (heap_count_live:
 * time proportional to the objects the spans hold), so this is for statistics, not for a
 * hot path. Context: any; from a handler the counts may be off by the one call it
 * interrupted (a fast path's side entry and frees counter change without the mask). */
void heap_get_stats(struct heap_stats *st)
{
	uint64_t irq = arch_irq_save();

	if (heap_deferred && !arch_in_interrupt())
		heap_irq_drain();
	*st = heap_st;
	heap_count_live(&st->live_allocs, &st->live_bytes);
	st->live_allocs += heap_irq_st.live_allocs;
	st->live_bytes += heap_irq_st.live_bytes;
	st->frees += heap_irq_st.frees + heap_irq_st.pending;
	st->failed += heap_irq_st.failed;
	st->allocs = st->frees + st->live_allocs;
	arch_irq_restore(irq);
}

