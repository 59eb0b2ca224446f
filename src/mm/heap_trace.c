// SPDX-License-Identifier: MIT
/*
 * The heap-call recorder: what the kernel asks of the heap, call by call, so that the
 * benchmarks can replay the kernel's real allocation pattern (bench/heap/README.md).
 *
 * heap_tracing is false unless `heap.trace` was given. heap_calloc and heap_realloc begin
 * with a test of it; heap_alloc and heap_free test it on their slow paths only, and while
 * recording the magazines are switched off (heap_magazines_enable), so that every call
 * reaches its slow path: the fast paths carry no cost for the recorder. When it is set the
 * entry point hands the call to its hook here,
 * which clears heap_tracing, calls the same entry point again (so the heap's own code and
 * its internal calls, such as heap_realloc's heap_alloc, run untraced and unchanged), sets
 * it again and records the outcome as one event. Interrupts stay off from before the call
 * until the event is stored, so an interrupt handler's heap call cannot slip in between
 * unrecorded, and events are in the order the heap saw the calls.
 *
 * Invariants: the ring holds events [dumped, recorded) of all events since
 * heap_trace_start, at index (event number % capacity); only calls that changed the heap
 * are events (a failed allocation, a refused free or realloc, a free of NULL change
 * nothing and are only counted), so replaying the events in order reproduces the heap's
 * live set, and the count of H+ minus H- (an H~ that moves counts as both, as in
 * heap_stats) equals heap_stats' allocs minus frees since the start. When the ring is full
 * a new event is counted in 'lost' (the dump marks the place with "H!"), never written
 * over an undumped one. The ring comes from vmalloc, which never calls the heap, so
 * recording cannot recurse. One caveat while recording: a misuse report names this file's
 * hook as the caller, not the caller's caller.
 * Context: any (the hooks run with interrupts off); single CPU, as the heap is.
 */
#include <lios/arch.h>
#include <lios/cmdline.h>
#include <lios/errno.h>
#include <lios/heap_trace.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/vmalloc.h>
#include "heap_internal.h"

enum heap_trace_kind { HT_ALLOC = 1, HT_FREE, HT_REALLOC };

struct heap_trace_event {
	uintptr_t ptr; /* the block allocated, freed, or where a realloc left it */
	uintptr_t old; /* HT_REALLOC: the block before */
	uint32_t size; /* bytes asked for (HT_ALLOC, HT_REALLOC), clamped to 4 GiB - 1 */
	uint32_t kind; /* enum heap_trace_kind */
};

bool heap_tracing;

static struct {
	struct heap_trace_event *ring;
	size_t capacity;      /* events the ring holds */
	uint64_t recorded;    /* events stored since the start */
	uint64_t dumped;      /* events handed to an output */
	uint64_t lost;        /* events that found the ring full */
	uint64_t lost_dumped; /* of those, reported or carried to the next dump */
	uint64_t lost_carry;  /* lost while a dump was writing: before its next range */
	uint64_t failed, refused;
	uint64_t allocs0, frees0; /* heap_stats at the start */
} ht;

/* Stores one event, or counts it lost. Interrupts off. */
static void ht_put(enum heap_trace_kind kind, const void *ptr, const void *old, size_t size)
{
	struct heap_trace_event *e;

	if (ht.recorded - ht.dumped == ht.capacity) {
		ht.lost++;
		return;
	}
	e = &ht.ring[ht.recorded % ht.capacity];
	e->ptr = (uintptr_t)ptr;
	e->old = (uintptr_t)old;
	e->size = size > UINT32_MAX - 1 ? UINT32_MAX - 1 : (uint32_t)size;
	e->kind = kind;
	ht.recorded++;
}

/* The heap's counters (heap_get_stats nests its interrupt masking). */
static struct heap_stats ht_stats(void)
{
	struct heap_stats st;

	heap_get_stats(&st);
	return st;
}

/* See <lios/heap_trace.h>: a handler's calls (heap_irq.c), recorded as they happen.
 * Interrupts off (a handler's, or a process slow path's). */
void heap_trace_note_alloc(const void *p, size_t size) { ht_put(HT_ALLOC, p, NULL, size); }
void heap_trace_note_free(const void *p) { ht_put(HT_FREE, p, NULL, 0); }

/* Hook of heap_alloc (see <lios/heap_trace.h>). Context: any. */
void *heap_trace_alloc(size_t size)
{
	uint64_t irq = arch_irq_save();
	void *p;

	heap_tracing = false;
	p = heap_alloc(size);
	heap_tracing = true;
	if (p)
		ht_put(HT_ALLOC, p, NULL, size);
	else
		ht.failed++;
	arch_irq_restore(irq);
	return p;
}

/* Hook of heap_calloc: recorded as an allocation of n * size bytes. Context: any. */
void *heap_trace_calloc(size_t n, size_t size)
{
	uint64_t irq = arch_irq_save();
	void *p;

	heap_tracing = false;
	p = heap_calloc(n, size);
	heap_tracing = true;
	if (p)
		ht_put(HT_ALLOC, p, NULL, n * size);
	else
		ht.failed++;
	arch_irq_restore(irq);
	return p;
}

/* The heap's own frees counters (of its blocks and of handlers' blocks), after freeing
 * what handlers queued (their frees were recorded when queued, so the call's own outcome is
 * what the counters then change by). Interrupts off. */
static uint64_t ht_frees(void)
{
	if (heap_deferred)
		heap_irq_drain();
	return heap_st.frees + heap_irq_st.frees;
}

/* Hook of heap_free: an event only when the heap counted a free. Context: any. */
void heap_trace_free(void *p, uintptr_t caller)
{
	uint64_t irq = arch_irq_save();
	uint64_t frees = ht_frees(); /* the counters themselves: heap_get_stats walks the heap */

	heap_tracing = false;
	heap_report_caller = caller;
	heap_free(p);
	heap_report_caller = 0;
	heap_tracing = true;
	if (heap_st.frees + heap_irq_st.frees != frees)
		ht_put(HT_FREE, p, NULL, 0);
	else if (p)
		ht.refused++;
	arch_irq_restore(irq);
}

/* Hook of heap_realloc: NULL -> an allocation, size 0 -> a free, else a realloc; a
 * NULL result is a failure, or a refusal when the heap counted misuse. Context: any. */
void *heap_trace_realloc(void *p, size_t size, uintptr_t caller)
{
	uint64_t irq = arch_irq_save();
	uint64_t frees = ht_frees(), misuse = heap_st.misuse; /* the counters themselves */
	void *q;

	heap_tracing = false;
	heap_report_caller = caller;
	q = heap_realloc(p, size);
	heap_report_caller = 0;
	heap_tracing = true;
	if (!p && q)
		ht_put(HT_ALLOC, q, NULL, size);
	else if (p && !size && heap_st.frees + heap_irq_st.frees != frees)
		ht_put(HT_FREE, p, NULL, 0);
	else if (p && q)
		ht_put(HT_REALLOC, q, p, size);
	else if (heap_st.misuse != misuse)
		ht.refused++;
	else if (size)
		ht.failed++;
	arch_irq_restore(irq);
	return q;
}

/*
 * See <lios/heap_trace.h>. The ring is vmalloc'd and zeroed; heap_tracing is set last,
 * with interrupts off, so the first recorded call finds everything in place.
 */
int heap_trace_start(size_t events)
{
	struct heap_trace_event *ring;
	struct heap_stats st;
	uint64_t irq;

	if (!events || events > HEAP_TRACE_MAX_EVENTS)
		return -EINVAL;
	if (ht.ring)
		return -EBUSY;
	ring = vzalloc(events * sizeof(*ring));
	if (!ring)
		return -ENOMEM;
	irq = arch_irq_save();
	memset(&ht, 0, sizeof(ht));
	ht.ring = ring;
	ht.capacity = events;
	st = ht_stats();
	ht.allocs0 = st.allocs;
	ht.frees0 = st.frees;
	heap_magazines_enable(false); /* every heap_alloc/heap_free to its slow path */
	heap_tracing = true;
	arch_irq_restore(irq);
	return 0;
}

/* Room for heap.trace's value: any count up to HEAP_TRACE_MAX_EVENTS (7 digits) with
 * leading zeros; a longer value is refused whole, never read cut. */
#define HEAP_TRACE_ARG_MAX 16

/* See <lios/heap_trace.h>. */
int heap_trace_start_cmdline(void)
{
	char val[HEAP_TRACE_ARG_MAX];
	int len = cmdline_value("heap.trace", val, sizeof(val)), err;
	size_t n = HEAP_TRACE_DEFAULT_EVENTS;

	if (len == -ENOENT)
		return 0;
	if (len == -E2BIG) {
		printk(KERN_WARN "heap: heap.trace: value longer than %zu characters: not "
				 "recording (1-%u events)\n",
		       sizeof(val) - 1, HEAP_TRACE_MAX_EVENTS);
		return -E2BIG;
	}
	if (len > 0) {
		n = 0;
		for (const char *c = val; *c && n <= HEAP_TRACE_MAX_EVENTS; c++)
			n = *c >= '0' && *c <= '9' ? n * 10 + (size_t)(*c - '0')
						   : HEAP_TRACE_MAX_EVENTS + 1;
	}
	err = heap_trace_start(n);
	if (err)
		printk(KERN_WARN "heap: heap.trace=%s: not recording (%d; 1-%u events)\n", val, err,
		       HEAP_TRACE_MAX_EVENTS);
	else
		printk("heap: recording every call (heap.trace), %zu events; `heaptrace` writes "
		       "them to serial\n",
		       n);
	return err;
}

/* See <lios/heap_trace.h>. Context: not from inside a heap call. */
void heap_trace_stop(void)
{
	uint64_t irq = arch_irq_save();
	struct heap_trace_event *ring = ht.ring;

	heap_tracing = false;
	heap_magazines_enable(true);
	ht.ring = NULL;
	arch_irq_restore(irq);
	if (ring)
		vfree(ring);
}

/* The summary; interrupts off, recording on. */
static void ht_summary(struct heap_trace_summary *sum)
{
	struct heap_stats st = ht_stats();

	sum->recorded = ht.recorded;
	sum->dumped = ht.dumped;
	sum->lost = ht.lost;
	sum->failed = ht.failed;
	sum->refused = ht.refused;
	sum->allocs = st.allocs - ht.allocs0;
	sum->frees = st.frees - ht.frees0;
	sum->live = st.live_allocs;
	sum->capacity = ht.capacity;
}

/* See <lios/heap_trace.h>. */
bool heap_trace_get_summary(struct heap_trace_summary *sum)
{
	uint64_t irq = arch_irq_save();
	bool on = ht.ring != NULL;

	if (on)
		ht_summary(sum);
	arch_irq_restore(irq);
	return on;
}

/* Formats one line into buf and hands it to out. */
static void ht_line(heap_trace_out_fn out, char *buf, size_t size, const char *fmt, ...)
	__printf(4, 5);
static void ht_line(heap_trace_out_fn out, char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n > 0)
		out(buf, (size_t)n < size ? (size_t)n : size - 1);
}

/* One event as its dump line. */
static void ht_event_line(heap_trace_out_fn out, const struct heap_trace_event *e)
{
	char buf[80];

	if (e->kind == HT_ALLOC)
		ht_line(out, buf, sizeof(buf), "H+ %lx %u\n", (unsigned long)e->ptr, e->size);
	else if (e->kind == HT_FREE)
		ht_line(out, buf, sizeof(buf), "H- %lx\n", (unsigned long)e->ptr);
	else
		ht_line(out, buf, sizeof(buf), "H~ %lx %lx %u\n", (unsigned long)e->old,
			(unsigned long)e->ptr, e->size);
}

/* See <lios/heap_trace.h>. The events [first, end) stay in place while they are written:
 * the recorder only writes at 'recorded' and frees room only when 'dumped' moves. */
int heap_trace_dump(heap_trace_out_fn out, struct heap_trace_summary *sum)
{
	struct heap_trace_summary s;
	uint64_t irq = arch_irq_save();
	uint64_t first, end, lost, carry;
	char buf[192];

	if (!ht.ring) {
		arch_irq_restore(irq);
		return -ENODEV;
	}
	ht_summary(&s);
	first = ht.dumped;
	end = ht.recorded;
	carry = ht.lost_carry;
	lost = ht.lost - ht.lost_dumped;
	ht.lost_dumped = ht.lost;
	arch_irq_restore(irq);

	ht_line(out, buf, sizeof(buf), "heaptrace: begin %llu events from %llu, capacity %zu\n",
		(unsigned long long)(end - first), (unsigned long long)first, s.capacity);
	if (carry)
		ht_line(out, buf, sizeof(buf), "H! %llu\n", (unsigned long long)carry);
	for (uint64_t i = first; i < end; i++)
		ht_event_line(out, &ht.ring[i % ht.capacity]);
	if (lost)
		ht_line(out, buf, sizeof(buf), "H! %llu\n", (unsigned long long)lost);
	ht_line(out, buf, sizeof(buf),
		"heaptrace: end %llu recorded, %llu lost, %llu failed, "
		"%llu refused; heap since start: %llu allocs, %llu frees, %llu live\n",
		(unsigned long long)s.recorded, (unsigned long long)s.lost,
		(unsigned long long)s.failed, (unsigned long long)s.refused,
		(unsigned long long)s.allocs, (unsigned long long)s.frees,
		(unsigned long long)s.live);

	/* Losses while writing came with the ring full: right after event end - 1, so before
	 * the next dump's first event. */
	irq = arch_irq_save();
	ht.dumped = end;
	ht.lost_carry = ht.lost - ht.lost_dumped;
	ht.lost_dumped = ht.lost;
	arch_irq_restore(irq);
	s.dumped = end;
	if (sum)
		*sum = s;
	return 0;
}
