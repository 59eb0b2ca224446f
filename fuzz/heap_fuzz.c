// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the heap (src/mm/heap*.c, on the real pmm and vmalloc over the host
 * paging window): the input is a program of 4-byte operations (op, slot, 16-bit argument)
 * run against a fresh heap and a shadow of what every slot of 256 holds. The operations:
 * alloc, calloc (also with a product that overflows), free, realloc (to 0, from NULL),
 * heap_size, trim, magazines off and on, heap.trace recording on and off (its dumps'
 * counters checked), bursts of 16 allocations or frees of one size
 * (to fill and empty magazines and spans), and misuse: a free or realloc after an overflow
 * of 1-8 bytes, of an interior pointer, of a pointer freed before (a double free), and a
 * write into a freed object's free record.
 *
 * Invariants, any violation aborts (a crash for libFuzzer):
 *  - every live object keeps its contents (each filled with its own byte) and its
 *    requested size (heap_size), and no two overlap;
 *  - calloc memory is zero, realloc keeps the common prefix;
 *  - each misuse is reported once, gives its own reason where the report prints it ("red
 *    zone overwritten", "foreign pointer", "already freed", or the heap's sentence for a
 *    pointer in no block of its own) and is refused: the object stays live and intact;
 *  - no other report, except where a freed object was written (then its reuse may report);
 *  - the live count and bytes of heap_get_stats match the shadow;
 *  - after freeing everything and heap_trim, the heap holds nothing from vmalloc and every
 *    frame is back (unless a freed object was written: a damaged span is kept out of use).
 * Seeds (fuzz/seeds/heap): large blocks freed and taken again at a few page counts, bursts
 * that fill and empty magazines and spans, every misuse on a small and a large object,
 * reallocs across classes. Each input runs on a fresh machine (sim_mm.h) and heap.
 */
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/heap_trace.h>
#include <lios/paging.h>
#include <lios/printk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "heap_internal.h"
#include "heap_report.h"
#include "sim_mm.h"

#define SLOTS 256
#define STALE 32
#define STATS_EVERY 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct slot {
	unsigned char *p; /* NULL: empty */
	size_t n;
	unsigned char fill;
} slots[SLOTS];
static uintptr_t stale[STALE]; /* pointers freed earlier (maybe handed out again since) */
static unsigned nstale;
static uint64_t live_allocs, live_bytes, misuse;
static bool written_after_free;
static bool tracing;                       /* heap.trace recording (heap_trace.c) */
static uint64_t refused, refused_at_start; /* frees and reallocs refused as misuse */

static void fail(const char *what, unsigned step)
{
	fprintf(stderr, "heap broken at operation %u: %s (last report: %s)\n", step, what,
		heap_report_last);
	abort();
}

static struct heap_stats stats(void)
{
	struct heap_stats st;

	heap_get_stats(&st);
	return st;
}

/* Sizes from the argument: its top two bits pick tiny (0-128), small (1-2,048), any small
 * (1-16,384) or large sizes: 16-48 KiB in 4-byte steps (so that blocks of the same page
 * count come back often), or with bit 13 up to 1.1 MiB. */
static size_t decode_size(uint16_t v)
{
	switch (v >> 14) {
	case 0:
		return v % 129;
	case 1:
		return 1 + v % 2048;
	case 2:
		return 1 + (v & 0x3fff);
	default:
		return v & 0x2000 ? 65536 + (size_t)(v & 0x1fff) * 128
				  : 16384 + (size_t)(v & 0x1fff) * 4;
	}
}

/* The byte compares of these loops would swamp libFuzzer's comparison tracing: left out. */
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))

NO_COVERAGE static void check_contents(const struct slot *s, unsigned step)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->p[i] != s->fill)
			fail("a live object's contents changed", step);
}

/* The slot whose object starts at p, or NULL. */
NO_COVERAGE static struct slot *slot_at(uintptr_t p)
{
	for (unsigned i = 0; i < SLOTS; i++)
		if (slots[i].p && (uintptr_t)slots[i].p == p)
			return &slots[i];
	return NULL;
}

/* Whether [a, a + len) touches a live object, or with 'zones' also its red zone (8 bytes
 * past a small object, up to HEAP_CANARY_CHECK past a large one). */
NO_COVERAGE static bool touches_live(uintptr_t a, size_t len, bool zones)
{
	for (unsigned i = 0; i < SLOTS; i++) {
		uintptr_t q = (uintptr_t)slots[i].p;
		size_t n = slots[i].n,
		       zone = n > HEAP_SMALL_MAX - HEAP_REDZONE ? HEAP_CANARY_CHECK : HEAP_REDZONE;

		if (q && a < q + (n ? n : 1) + (zones ? zone : 0) && q < a + len)
			return true;
	}
	return false;
}

/* A new object in slot s: no overlap with any other, filled with its own byte. */
static void took(struct slot *s, unsigned char *p, size_t n, unsigned char fill, unsigned step)
{
	if (touches_live((uintptr_t)p, n ? n : 1, false))
		fail("a new object overlaps a live one", step);
	s->p = p;
	s->n = n;
	s->fill = fill;
	memset(p, fill, n);
	live_allocs++;
	live_bytes += n;
}

static void gone(struct slot *s)
{
	stale[nstale++ % STALE] = (uintptr_t)s->p;
	live_allocs--;
	live_bytes -= s->n;
	s->p = NULL;
}

static void release(struct slot *s, unsigned step)
{
	check_contents(s, step);
	heap_free(s->p);
	gone(s);
}

/* What the heap says where it finds no block at all: a pointer it never handed out, or a
 * large block (or a span) already given back, whose descriptor went with it. */
#define HEAP_NO_BLOCK "foreign pointer, or a block already freed and given back"

/* Whether the last report gives exactly why as its reason, where heap_report prints it
 * (": <why> (size "): "foreign pointer" is not found inside HEAP_NO_BLOCK, nor "already
 * freed". */
static bool report_says(const char *why)
{
	char want[128];

	snprintf(want, sizeof(want), ": %s (size ", why);
	return strstr(heap_report_last, want) != NULL;
}

/* The misuse just done was reported once, giving why (or, when not NULL, or_why or
 * or_else) as its reason; the report is then forgotten, so that the next expectation
 * cannot pass on this one. */
static void expect_report_of(const char *why, const char *or_why, const char *or_else,
			     uint64_t before, unsigned step)
{
	if (stats().misuse != before + 1)
		fail("a misuse was not reported exactly once", step);
	if (!report_says(why) && !(or_why && report_says(or_why)) &&
	    !(or_else && report_says(or_else)))
		fail("a misuse report does not give its reason", step);
	heap_report_last[0] = 0;
	misuse++;
	refused++;
}

static void expect_report(const char *why, uint64_t before, unsigned step)
{
	expect_report_of(why, NULL, NULL, before, step);
}

static void alloc_into(struct slot *s, size_t n, bool zeroed, unsigned char fill, unsigned step)
{
	unsigned char *p;

	if (s->p)
		release(s, step);
	p = zeroed ? heap_calloc(1, n) : heap_alloc(n);
	if (!p) {
		/* the simulated memory (48 MiB) may run out, but not while at most 32 objects
		 * (each pinning at most one span of 48 pages) and 8 MiB are live */
		if (live_allocs <= 32 && live_bytes + n <= MiB(8))
			fail("an allocation failed with the memory mostly free", step);
		return;
	}
	if (zeroed)
		for (size_t i = 0; i < n; i++)
			if (p[i])
				fail("calloc memory is not zero", step);
	took(s, p, n, fill, step);
}

/* Overflows s's object by 1-8 bytes; its free or realloc must be refused; the bytes are
 * put back. */
static void overflow(struct slot *s, uint16_t arg, unsigned step)
{
	unsigned char saved[8];
	size_t k = 1 + arg % 8;
	uint64_t before = stats().misuse;

	memcpy(saved, s->p + s->n, k);
	for (size_t i = 0; i < k; i++)
		s->p[s->n + i] = (unsigned char)(HEAP_CANARY ^ (1 + (arg >> 3) % 255));
	if (arg & 0x8000) {
		if (heap_realloc(s->p, s->n + 1 + (arg & 0xff)) != NULL)
			fail("realloc of an overflowed object succeeded", step);
	} else {
		heap_free(s->p);
	}
	expect_report("red zone overwritten", before, step);
	memcpy(s->p + s->n, saved, k);
	check_contents(s, step);
	if (heap_size(s->p) != s->n)
		fail("an overflowed object did not stay live", step);
}

/* realloc of slot s: from NULL, to 0 (a free), or to a new size (arg) */
static void op_realloc(struct slot *s, uint16_t arg, unsigned char fill, unsigned step)
{
	size_t m = arg & 1 ? 0 : decode_size(arg);
	unsigned char *q;

	if (s->p)
		check_contents(s, step);
	q = heap_realloc(s->p, m);
	if (s->p && !m) {
		if (q)
			fail("realloc to 0 returned an object", step);
		gone(s);
		return;
	}
	if (!q) {
		if (s->p)
			check_contents(s, step); /* out of memory: the old object stays */
		return;
	}
	for (size_t i = 0; s->p && i < MIN(s->n, m); i++)
		if (q[i] != s->fill)
			fail("realloc lost the contents", step);
	if (s->p && q != s->p) {
		gone(s); /* moved: the old object was freed */
	} else if (s->p) {
		live_allocs--;
		live_bytes -= s->n;
		s->p = NULL;
	}
	took(s, q, m, fill, step);
}

/* 16 allocations of one size (arg odd) or 16 frees from slot 'first' on */
static void op_burst(unsigned first, uint16_t arg, unsigned char fill, unsigned step)
{
	for (unsigned j = 0; j < 16; j++) {
		struct slot *t = &slots[(first + j) % SLOTS];

		if (arg & 1)
			alloc_into(t, decode_size(arg), false, (unsigned char)(fill + j), step);
		else if (t->p)
			release(t, step);
	}
}

/* A free of an interior pointer of s's object (at most 64 KiB in: inside the first
 * chunk of its block, where the heap finds it): refused as exactly "foreign pointer" (no
 * object starts there; not the sentence for no block at all), the object stays. */
static void op_interior(struct slot *s, uint16_t arg, unsigned step)
{
	uint64_t before = stats().misuse;

	heap_free(s->p + 1 + arg % (s->n ? s->n : 1));
	expect_report("foreign pointer", before, step);
	check_contents(s, step);
}

/* The live object that [a, a + 1) lies in, or NULL. */
NO_COVERAGE static struct slot *slot_holding(uintptr_t a)
{
	for (unsigned i = 0; i < SLOTS; i++) {
		uintptr_t q = (uintptr_t)slots[i].p;

		if (q && a >= q && a < q + (slots[i].n ? slots[i].n : 1))
			return &slots[i];
	}
	return NULL;
}

/*
 * A free of a pointer freed before that no live object starts at: refused. Where it now
 * lies inside a live small object (its memory handed out again), the heap finds that
 * object's span and no object starting there: "foreign pointer", as for any interior
 * pointer. Otherwise the model does not know what the heap kept of the old block: the
 * object freed in its span ("already freed"), another class's span over it ("foreign
 * pointer"), or nothing (HEAP_NO_BLOCK), and any of the three, in place, will do.
 */
static void op_double_free(uint16_t arg, unsigned step)
{
	uintptr_t p = stale[arg % STALE];
	uint64_t before = stats().misuse;
	struct slot *in;

	if (!p || slot_at(p))
		return;
	in = slot_holding(p);
	heap_free((void *)p);
	if (in && in->n <= HEAP_SMALL_MAX - HEAP_REDZONE)
		expect_report("foreign pointer", before, step);
	else
		expect_report_of("already freed", "foreign pointer", HEAP_NO_BLOCK, before, step);
}

/* A write into a freed object (within its free record) that still lies in a heap block,
 * away from live objects and their red zones. */
static void op_write_after_free(uint16_t arg)
{
	uintptr_t p = stale[arg % STALE] + (arg >> 8) % 16;
	struct heap_span *b = stale[arg % STALE] ? heap_lookup((void *)p) : NULL;

	if (b && p >= b->base && p < b->base + b->map_bytes && !touches_live(p, 1, true)) {
		*(volatile unsigned char *)p ^= 0x5a;
		written_after_free = true;
	}
}

static void trace_out(const char *s, size_t len)
{
	(void)s;
	(void)len;
}

/* heap.trace: recording starts (a ring of 1-256 events, so that it also overflows), or a
 * dump's counters must match the shadow (live objects, refused calls) and, arg odd, it
 * stops. The heap's own checks run the same while it records. */
static void op_trace(uint16_t arg, unsigned step)
{
	struct heap_trace_summary sum;
	int err;

	if (!tracing) {
		err = heap_trace_start(1 + arg % 256);
		if (err && err != -ENOMEM)
			fail("heap_trace_start refused a valid ring", step);
		tracing = !err;
		refused_at_start = refused;
		return;
	}
	if (heap_trace_dump(trace_out, &sum))
		fail("heap_trace_dump while recording failed", step);
	if (sum.live != live_allocs)
		fail("the recorder's live count is not the shadow's", step);
	if (sum.refused != refused - refused_at_start)
		fail("the recorder did not count each refused call once", step);
	if (arg & 1) {
		heap_trace_stop();
		tracing = false;
	}
}

/* One operation: op, slot s, argument arg. */
static void op_run(unsigned op, unsigned slot, uint16_t arg, unsigned step)
{
	struct slot *s = &slots[slot];
	unsigned char fill = (unsigned char)(step * 7 + slot);

	switch (op) {
	case 0:
	case 1:
	case 2:
	case 3:
		alloc_into(s, decode_size(arg), false, fill, step);
		break;
	case 4: /* calloc, or one whose n * size overflows: NULL, nothing else */
		if (!(arg & 1))
			alloc_into(s, decode_size(arg), true, fill, step);
		else if (heap_calloc(SIZE_MAX / 2 + 1 + (arg >> 1), 2 + (arg >> 8)))
			fail("calloc of an overflowing product succeeded", step);
		break;
	case 5:
		if (s->p)
			release(s, step);
		break;
	case 6:
		op_realloc(s, arg, fill, step);
		break;
	case 7:
		if (s->p && heap_size(s->p) != s->n)
			fail("heap_size is not the requested size", step);
		break;
	case 8:
		heap_trim();
		break;
	case 9: /* recording keeps them off: it sees only calls that reach the slow paths */
		if (!tracing)
			heap_magazines_enable(arg & 1);
		break;
	case 10:
		op_burst(slot, arg, fill, step);
		break;
	case 11:
		if (s->p)
			overflow(s, arg, step);
		break;
	case 12:
		if (s->p)
			op_interior(s, arg, step);
		break;
	case 13:
		op_double_free(arg, step);
		break;
	case 14:
		op_write_after_free(arg);
		break;
	case 15:
		op_trace(arg, step);
		break;
	}
}

static void run(const uint8_t *data, size_t size)
{
	for (size_t off = 0; off + 4 <= size; off += 4) {
		unsigned step = (unsigned)(off / 4);

		op_run(data[off] % 16u, data[off + 1],
		       (uint16_t)(data[off + 2] | data[off + 3] << 8), step);
		/* a report only where the operation was a misuse, or a reuse after a write */
		if (stats().misuse != misuse && !written_after_free)
			fail("an unexpected misuse report", step);
		misuse = stats().misuse;
		if (step % STATS_EVERY == 0) {
			struct heap_stats st = stats();

			if (st.live_allocs != live_allocs || st.live_bytes != live_bytes)
				fail("the live statistics do not match", step);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool sink_added;
	uint64_t frames;
	struct heap_stats st;

	if (!sink_added) {
		printk_add_sink(heap_report_sink, false);
		sink_added = true;
	}
	sim_mm_setup(MiB(32), MiB(48));
	frames = frames_accounted();
	if (heap_init())
		abort();
	heap_magazines_enable(true);
	memset(slots, 0, sizeof(slots));
	memset(stale, 0, sizeof(stale));
	nstale = 0;
	live_allocs = live_bytes = misuse = 0;
	written_after_free = false;
	tracing = false;
	refused = refused_at_start = 0;
	heap_report_last[0] = 0;

	run(data, size);

	for (unsigned i = 0; i < SLOTS; i++)
		if (slots[i].p)
			release(&slots[i], UINT32_MAX);
	if (tracing)
		op_trace(1, UINT32_MAX); /* a last dump, checked, and the recorder's ring back */
	st = stats();
	if (st.live_allocs || st.live_bytes)
		fail("objects live after everything was freed", UINT32_MAX);
	if (!written_after_free && st.misuse != misuse)
		fail("an unexpected misuse report", UINT32_MAX);
	heap_trim();
	if (!written_after_free && (stats().vmalloc_bytes || frames_accounted() != frames))
		fail("memory not back after everything was freed and trimmed", UINT32_MAX);
	return 0;
}
