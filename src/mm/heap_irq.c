// SPDX-License-Identifier: MIT
/*
 * The heap's calls from interrupt and exception handlers (arch_in_interrupt), kept apart
 * from what process context uses, so that process context's fast paths run without masking
 * interrupts.
 *
 * Why apart: heap_alloc's and heap_free's fast paths (heap.c) pop and push magazine
 * entries, write side entries and count frees with interrupts on; only the slow paths mask
 * interrupts (the heap's lock on one CPU). A handler may arrive in the middle of a fast
 * path, so it must not change anything a fast path reads or writes: the magazines, the
 * spans' free lists and counts, the chunk table and its fast-path entries, heap_st.frees.
 * It may read the descriptors (process context changes them only with interrupts masked)
 * and write what belongs to the block it was handed. So a handler:
 *  - allocates from kmalloc (any context): an interrupt block is [16-byte header | n bytes |
 *    8-byte red zone], the header holding HEAP_IRQ_TAG xor the block's address, and n;
 *  - frees an interrupt block back to kmalloc after the checks every free makes (a pointer
 *    that is no live kmalloc block with our tag is foreign or already freed; the red zone);
 *  - frees a block of process context's by queueing it: heap_check runs (reads only), the
 *    block is marked not live at once (a span object's side entry 0, a large block's
 *    'pending': a second free, heap_size or realloc then says "already freed", and
 *    heap_get_stats no longer counts it live), and it is linked into heap_deferred through
 *    its first 16 bytes (link, and a mark of its address). The next process-context slow
 *    path, heap_trim or heap_get_stats frees the queue with interrupts masked
 *    (heap_irq_drain), checking each block's mark and place first;
 *  - reallocs by taking a new interrupt block and freeing the old block either way.
 * Process context frees an interrupt block on its slow path (heap_irq_block tells one from a
 * foreign pointer) and moves one into the heap when it reallocs it.
 *
 * Accounting: heap_irq_st is changed by handlers and by process context only with
 * interrupts off (handlers do not nest), and heap_get_stats adds it to the heap's counters.
 * The price is kmalloc's power-of-two rounding on a path that is rare: today the USB stack's
 * enumeration, driven by the timer tick, is the one caller (a few objects per device).
 * Context: any but NMI (kmalloc masks interrupts, which an NMI ignores).
 */
#include <lios/heap_trace.h>
#include <lios/kmalloc.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "heap_internal.h"

#define HEAP_IRQ_TAG 0x71726970616568ecull /* arbitrary; xor the block's address */

struct heap_irq_hdr {
	uint64_t tag; /* HEAP_IRQ_TAG ^ the block's address ^ n while live, 0 once freed */
	uint64_t n;   /* requested size */
};

/* A queued free's second word: HEAP_IRQ_QUEUED ^ the block's address ^ the link in its
 * first word, so that heap_irq_drain never follows a link a write after free changed. */
#define HEAP_IRQ_QUEUED 0x64657565757121c3ull
static_assert(sizeof(struct heap_irq_hdr) % HEAP_ALIGN == 0, "blocks stay aligned");

struct heap_irq_stats heap_irq_st;
char *heap_deferred;

static struct heap_irq_hdr *irq_hdr(const void *p)
{
	return (struct heap_irq_hdr *)((uintptr_t)p - sizeof(struct heap_irq_hdr));
}

/* See heap_internal.h. */
bool heap_irq_block(const void *p)
{
	const struct heap_irq_hdr *h = irq_hdr(p);

	if (!p || ((uintptr_t)p & (HEAP_ALIGN - 1)) || !kmalloc_owns(h))
		return false;
	/* n is in the tag: a header damaged by an underflow is no block, never a wild n */
	return h->tag == (HEAP_IRQ_TAG ^ (uintptr_t)p ^ h->n) &&
	       h->n <= KMALLOC_MAX_SIZE - sizeof(*h) - HEAP_REDZONE;
}

/* See heap_internal.h. */
bool heap_irq_block_ok(const void *p, size_t *n, const char *op, uintptr_t caller)
{
	uint64_t w;

	*n = irq_hdr(p)->n;
	memcpy(&w, (const char *)p + *n, 8);
	if (w == HEAP_CANARY64)
		return true;
	heap_report(op, p, "red zone overwritten", *n, caller);
	return false;
}

/* See heap_internal.h. */
void *heap_irq_alloc(size_t n)
{
	uint64_t c = HEAP_CANARY64;
	struct heap_irq_hdr *h = NULL;
	char *p;

	if (n <= KMALLOC_MAX_SIZE - sizeof(*h) - HEAP_REDZONE)
		h = kmalloc(sizeof(*h) + n + HEAP_REDZONE);
	if (!h) {
		heap_irq_st.failed++;
		return NULL;
	}
	p = (char *)(h + 1);
	h->tag = HEAP_IRQ_TAG ^ (uintptr_t)p ^ n;
	h->n = n;
	memcpy(p + n, &c, 8);
	heap_irq_st.live_allocs++;
	heap_irq_st.live_bytes += n;
	if (unlikely(heap_tracing))
		heap_trace_note_alloc(p, n);
	return p;
}

/* See heap_internal.h. */
void heap_irq_block_free(void *p, uintptr_t caller)
{
	size_t n;

	if (!heap_irq_block_ok(p, &n, "free", caller))
		return;
	irq_hdr(p)->tag = 0;
	kfree(irq_hdr(p));
	heap_irq_st.live_allocs--;
	heap_irq_st.live_bytes -= n;
	heap_irq_st.frees++;
	if (unlikely(heap_tracing))
		heap_trace_note_free(p);
}

/* Queues checked live block p of process context's (s its block) for heap_irq_drain,
 * marked not live now. */
static void irq_defer(struct heap_span *s, void *p)
{
	uint64_t *w = p;
	size_t i;

	if (s->magic == HEAP_LARGE_MAGIC) {
		s->pending = 1;
	} else {
		heap_obj_index(s, p, (size_t)s->bump * s->size, &i);
		heap_side(s)[i] = 0;
	}
	w[0] = (uintptr_t)heap_deferred;
	w[1] = HEAP_IRQ_QUEUED ^ (uintptr_t)p ^ w[0];
	heap_deferred = p;
	heap_irq_st.pending++;
	if (unlikely(heap_tracing))
		heap_trace_note_free(p);
}

/* See heap_internal.h. */
void heap_irq_free(void *p, uintptr_t caller)
{
	struct heap_span *s;
	size_t n;

	if (!p)
		return;
	if (heap_irq_block(p)) {
		heap_irq_block_free(p, caller);
		return;
	}
	if (!heap_ready)
		return;
	s = heap_check(p, &n, "free", caller);
	if (s)
		irq_defer(s, p);
}

/* See heap_internal.h. */
void *heap_irq_realloc(void *p, size_t size, uintptr_t caller)
{
	size_t n;
	void *q;

	if (!p)
		return heap_irq_alloc(size);
	if (!size) {
		heap_irq_free(p, caller);
		return NULL;
	}
	if (heap_irq_block(p) ? !heap_irq_block_ok(p, &n, "realloc", caller)
			      : !heap_ready || !heap_check(p, &n, "realloc", caller))
		return NULL;
	q = heap_irq_alloc(size);
	if (q) {
		memcpy(q, p, MIN(n, size));
		heap_irq_free(p, caller);
	}
	return q;
}

/* See heap_internal.h. */
size_t heap_irq_size(const void *p, uintptr_t caller)
{
	size_t n = 0;

	if (!p)
		return 0;
	if (heap_irq_block(p))
		return heap_irq_block_ok(p, &n, "size", caller) ? n : 0;
	return heap_ready && heap_check(p, &n, "size", caller) ? n : 0;
}

/* Whether queued block p (the queue's head, or a link already checked) still looks as
 * irq_defer left it: first where it lies, from the descriptors alone (a span's handed-out
 * object with side entry 0, or a pending large block's start), so that p is read only when
 * it is a block of the heap's; then its mark, which covers its link. Its block in *sp. */
static bool irq_queued_ok(char *p, struct heap_span **sp)
{
	const uint64_t *w = (const uint64_t *)p;
	struct heap_span *s = heap_lookup(p);
	size_t i;

	if (!s || s->cached)
		return false;
	if (s->magic == HEAP_LARGE_MAGIC ? !s->pending || p != s->data
					 : !heap_obj_index(s, p, (size_t)s->bump * s->size, &i) ||
						   heap_side(s)[i] != 0)
		return false;
	*sp = s;
	return w[1] == (HEAP_IRQ_QUEUED ^ (uintptr_t)p ^ w[0]);
}

/* See heap_internal.h. A queued block written since it was queued (its mark or place gone:
 * a write after free, or a racing second free) is reported, and the queue from it on is
 * dropped (those blocks stay allocated): its links can no longer be trusted. */
void heap_irq_drain(void)
{
	char *p = heap_deferred;
	struct heap_span *s;

	heap_deferred = NULL;
	heap_irq_st.pending = 0;
	while (p) {
		char *next;

		if (!irq_queued_ok(p, &s)) {
			heap_st.misuse++;
			printk(KERN_ERR "heap: block %p freed by an interrupt handler was written "
			       "while queued (written after free?); it and the frees queued before "
			       "it are dropped\n", (void *)p);
			return;
		}
		next = (char *)(uintptr_t)((uint64_t *)p)[0]; /* before the free record */
		s->pending = 0;
		heap_release(s, p, 0);
		p = next;
	}
}
