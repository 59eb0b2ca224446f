/* SPDX-License-Identifier: MIT */
/*
 * The heap-call recorder (src/mm/heap_trace.c). Owner: mm. With `heap.trace` on the kernel
 * command line, every heap_alloc, heap_calloc, heap_realloc and heap_free that changes the
 * heap is recorded as an event (pointer, old pointer, size) in a ring taken from vmalloc,
 * never from the heap itself, from heap_init on; the shell's `heaptrace` dumps the events
 * not yet dumped as text lines (format at heap_trace_dump) on the serial port. Events that
 * do not fit are counted as lost and reported, never dropped silently. Off (the default),
 * heap_alloc's and heap_free's fast paths pay nothing (recording switches the heap's
 * magazines off, so every call reaches the slow path, which tests heap_tracing); heap_calloc
 * and heap_realloc test it at their start.
 */
#ifndef LIOS_HEAP_TRACE_H
#define LIOS_HEAP_TRACE_H

#include <lios/heap.h>
#include <lios/types.h>

#define HEAP_TRACE_DEFAULT_EVENTS 65536 /* ring capacity for a bare `heap.trace` */
#define HEAP_TRACE_MAX_EVENTS (1u << 22)

/* Starts recording into a ring of 'events' events (24 bytes each, from vmalloc).
 * Returns 0, -EINVAL (0 or above HEAP_TRACE_MAX_EVENTS), -EBUSY (already recording) or
 * -ENOMEM. Context: boot, right after heap_init (mm_init), or a host test. */
int heap_trace_start(size_t events);

/* `heap.trace[=EVENTS]` on the command line: heap_trace_start(EVENTS, by default
 * HEAP_TRACE_DEFAULT_EVENTS), saying so. A value that is not a count of 1 to
 * HEAP_TRACE_MAX_EVENTS, longer than 15 characters, or too big for the memory left is
 * refused with a warning. Returns 0 (recording, or no heap.trace) or the error refused
 * with. Context: boot, right after heap_init (mm_init), or a host test. */
int heap_trace_start_cmdline(void);

/* Stops recording and gives the ring back (host tests). Context: any but a heap call. */
void heap_trace_stop(void);

struct heap_trace_summary {
	uint64_t recorded; /* events recorded since heap_trace_start, lost ones excluded */
	uint64_t dumped;   /* of those, events handed to an output so far */
	uint64_t lost;     /* events that did not fit in the ring since the start */
	uint64_t failed;   /* allocations that returned NULL (no event) */
	uint64_t refused;  /* frees and reallocs the heap refused as misuse (no event) */
	uint64_t allocs;   /* heap_stats.allocs since heap_trace_start */
	uint64_t frees;    /* heap_stats.frees since heap_trace_start */
	uint64_t live;     /* heap_stats.live_allocs now */
	size_t capacity;   /* ring size, events */
};

/* An output for heap_trace_dump: one line of len bytes, '\n' included. */
typedef void (*heap_trace_out_fn)(const char *s, size_t len);

/*
 * Writes the events recorded and not yet dumped through 'out', one line each, and marks
 * them dumped (their room is free again):
 *     heaptrace: begin EVENTS events from FIRST, capacity CAP
 *     H+ PTR SIZE           an allocation (heap_alloc, heap_calloc, realloc of NULL)
 *     H- PTR                a free (heap_free, realloc to 0)
 *     H~ OLD NEW SIZE       a realloc (NEW == OLD when resized in place)
 *     H! LOST               LOST events happened here and were not recorded (ring full)
 *     heaptrace: end RECORDED recorded, LOST lost, FAILED failed, REFUSED refused;
 *                heap since start: ALLOCS allocs, FREES frees, LIVE live
 * (the last on one line) with PTR in hex, SIZE in decimal bytes. The heap counters are
 * taken at the same instant as the last event, so a consumer can check the events against
 * them. Fills *sum when sum is not NULL. Returns 0, or -ENODEV when not recording. Events
 * that come while it writes are kept for the next dump. Context: thread (interrupts on).
 */
int heap_trace_dump(heap_trace_out_fn out, struct heap_trace_summary *sum);

/* The counters without dumping; false (and *sum untouched) when not recording. */
bool heap_trace_get_summary(struct heap_trace_summary *sum);

/*
 * The hooks: heap_calloc and heap_realloc start with, and heap_alloc's and heap_free's slow
 * paths begin with (a handler's calls never reach them: heap_irq.c notes those), e.g.
 *     if (unlikely(heap_tracing)) return heap_trace_alloc(size);
 * The hook runs the entry point again with heap_tracing cleared and interrupts off, then
 * records what it did. The free and realloc hooks get the entry point's caller, so that a
 * misuse the heap reports under them names it, not the hook. For heap.c only.
 */
extern bool heap_tracing;
void *heap_trace_alloc(size_t size);
void *heap_trace_calloc(size_t n, size_t size);
void *heap_trace_realloc(void *p, size_t size, uintptr_t caller);
void heap_trace_free(void *p, uintptr_t caller);

/* Records an allocation or a free the heap made outside the hooks: an interrupt handler's
 * call (src/mm/heap_irq.c) and a process block freed by a handler, when it is queued. For
 * the heap only, while heap_tracing; interrupts off. */
void heap_trace_note_alloc(const void *p, size_t size);
void heap_trace_note_free(const void *p);

#endif
