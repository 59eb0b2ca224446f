// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the heap (src/mm/heap*.c, on the real pmm, vmalloc and kmalloc over
 * the host paging window): the input is a program of 4-byte operations (op, slot, 16-bit
 * argument) run against a fresh heap and a shadow of what every slot of 256 holds. The
 * operations (the op byte's low 4 bits): alloc, calloc (also with a product that
 * overflows), free, realloc (to 0, from NULL), heap_size, trim, magazines off and on,
 * heap.trace recording on and off (its dumps' counters checked), bursts of 16 allocations
 * or frees of one size (to fill and empty magazines and spans), and misuse
 * (heap_fuzz_misuse.c): a free or realloc after an overflow of 1-8 bytes, of an interior
 * pointer, of a pointer freed before (a double free), and a write into a freed object's
 * free record (also of a block a handler's free left queued: its link and mark in the
 * queue, which the drain must check before it follows the link).
 *
 * Bit 4 of the op byte runs the operation inside an interrupt handler
 * (arch_call_in_interrupt), where the heap serves it apart (heap_irq.c): allocations are
 * interrupt blocks from kmalloc, in the direct map; a free of process context's block is
 * queued (freed at once for every check, really freed by process context's next slow path,
 * heap_trim or heap_get_stats); realloc always moves to a new interrupt block; trim does
 * nothing and returns 0. Magazines on/off and recording stay process context's: those two
 * ignore the bit. So blocks cross the contexts both ways: a handler frees, reallocs or
 * misuses process context's blocks, and process context its interrupt blocks.
 *
 * Invariants, any violation aborts (a crash for libFuzzer):
 *  - every live object keeps its contents (each filled with its own byte) and its
 *    requested size (heap_size, in either context), is 16-byte aligned, and no two overlap;
 *    a handler's lie in the direct map and are interrupt blocks, process context's not;
 *  - calloc memory is zero, realloc keeps the common prefix, and a handler's realloc moves;
 *  - each misuse is reported once, gives its own reason where the report prints it ("red
 *    zone overwritten", "foreign pointer", "already freed", or the heap's sentence for a
 *    pointer in no block of its own) and is refused: the object stays live and intact;
 *  - no other report, except where a freed object was written (then its reuse may report);
 *    kmalloc never reports one (the heap hands it only its own blocks);
 *  - an allocation fails only when memory is short: process context's not while at most
 *    32 objects and 8 MiB are live, a handler's not while kmalloc's frames are free;
 *  - the live count and bytes of heap_get_stats match the shadow, in either context;
 *  - after freeing everything, heap_trim and kmalloc_shrink, the heap holds nothing from
 *    vmalloc and every frame is back (unless a freed object was written: a damaged span is
 *    kept out of use).
 * Seeds (fuzz/seeds/heap, written by heap_seed.py): large blocks freed and taken again at a
 * few page counts, bursts that fill and empty magazines and spans, every misuse on a small
 * and a large object, reallocs across classes, recording, and blocks handed across the
 * contexts with the misuse of each in the other. Each input runs on a fresh machine
 * (sim_mm.h), kmalloc and heap.
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/heap_trace.h>
#include <lios/kmalloc.h>
#include <lios/paging.h>
#include <lios/pmm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "heap_fuzz.h"
#include "heap_internal.h"
#include "internal.h"
#include "sim_mm.h"

#define STATS_EVERY 16
#define OP_IN_HANDLER 0x10 /* the op byte's bit: run the operation in a handler */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct slot slots[SLOTS];
uintptr_t stale[STALE];
unsigned nstale;
uint64_t live_allocs, live_bytes, misuse, refused;
bool written_after_free;
static bool tracing;              /* heap.trace recording (heap_trace.c) */
static uint64_t refused_at_start; /* refused when recording started */

void fail(const char *what, unsigned step)
{
	fprintf(stderr, "heap broken at operation %u%s: %s (last report: %s)\n", step,
		arch_in_interrupt() ? " (in a handler)" : "", what, report_last());
	abort();
}

uint64_t misuse_count(void) { return heap_st.misuse; }

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

NO_COVERAGE void check_contents(const struct slot *s, unsigned step)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->p[i] != s->fill)
			fail("a live object's contents changed", step);
}

NO_COVERAGE struct slot *slot_at(uintptr_t p)
{
	for (unsigned i = 0; i < SLOTS; i++)
		if (slots[i].p && (uintptr_t)slots[i].p == p)
			return &slots[i];
	return NULL;
}

/* Whether [a, a + len) touches a live object, or with 'zones' also its red zone (8 bytes
 * past a small object or an interrupt block, up to HEAP_CANARY_CHECK past a large one). */
NO_COVERAGE bool touches_live(uintptr_t a, size_t len, bool zones)
{
	for (unsigned i = 0; i < SLOTS; i++) {
		uintptr_t q = (uintptr_t)slots[i].p;
		size_t n = slots[i].n, zone = HEAP_REDZONE;

		if (n > HEAP_SMALL_MAX - HEAP_REDZONE && !slots[i].irq)
			zone = HEAP_CANARY_CHECK;
		if (q && a < q + (n ? n : 1) + (zones ? zone : 0) && q < a + len)
			return true;
	}
	return false;
}

/* A new object in slot s: aligned, where its context takes memory from (a handler: an
 * interrupt block in the direct map; process context: the heap's blocks), no overlap with
 * any other, filled with its own byte. */
static void took(struct slot *s, unsigned char *p, size_t n, unsigned char fill, unsigned step)
{
	bool irq = arch_in_interrupt();

	if ((uintptr_t)p % HEAP_ALIGN)
		fail("a new object is not 16-byte aligned", step);
	if (virt_is_direct(p) != irq || heap_irq_block(p) != irq)
		fail(irq ? "a handler's object is no interrupt block in the direct map"
			 : "process context's object is an interrupt block",
		     step);
	if (touches_live((uintptr_t)p, n ? n : 1, false))
		fail("a new object overlaps a live one", step);
	s->p = p;
	s->n = n;
	s->fill = fill;
	s->irq = irq;
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

/* An allocation of n bytes returned NULL. Process context: the simulated memory (48 MiB)
 * may run out, but not while at most 32 objects (each pinning at most one span of 48
 * pages) and 8 MiB are live (the heap trims before it fails). A handler's (kmalloc of a
 * 16-byte header, n bytes and the red zone, which gives back its empty pages before it
 * fails): only when pmm has no run of the frames it needs below the direct map's end. */
static void alloc_failed(size_t n, unsigned step)
{
	size_t km = 16 + n + HEAP_REDZONE,
	       frames = km <= 2048 ? 1 : (km + PAGE_SIZE - 1) / PAGE_SIZE;
	paddr_t pa;

	if (!arch_in_interrupt()) {
		if (live_allocs <= 32 && live_bytes + n <= MiB(8))
			fail("an allocation failed with the memory mostly free", step);
		return;
	}
	pa = pmm_alloc(frames, 0, PMM_LIMIT_DIRECT);
	if (pa) {
		pmm_free(pa, frames);
		fail("a handler's allocation failed with kmalloc's frames free", step);
	}
}

static void alloc_into(struct slot *s, size_t n, bool zeroed, unsigned char fill, unsigned step)
{
	unsigned char *p;

	if (s->p)
		release(s, step);
	p = zeroed ? heap_calloc(1, n) : heap_alloc(n);
	if (!p) {
		alloc_failed(n, step);
		return;
	}
	if (zeroed)
		for (size_t i = 0; i < n; i++)
			if (p[i])
				fail("calloc memory is not zero", step);
	took(s, p, n, fill, step);
}

/* realloc of slot s: from NULL, to 0 (a free), or to a new size (arg). In a handler it
 * always moves (to a new interrupt block); process context moves an interrupt block into
 * the heap (took checks where the new object lies). */
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
		if (!s->p || arch_in_interrupt())
			alloc_failed(m, step);
		return;
	}
	for (size_t i = 0; s->p && i < MIN(s->n, m); i++)
		if (q[i] != s->fill)
			fail("realloc lost the contents", step);
	if (s->p && q == s->p && (arch_in_interrupt() || s->irq))
		fail("realloc of a block of the other context's did not move", step);
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

/* heap_trim: in a handler it leaves process context's state alone and returns 0. */
static void op_trim(unsigned step)
{
	uint64_t held = heap_st.vmalloc_bytes;

	if (heap_trim() && arch_in_interrupt())
		fail("heap_trim in a handler released memory", step);
	if (arch_in_interrupt() && heap_st.vmalloc_bytes != held)
		fail("heap_trim in a handler changed what the heap holds", step);
}

static void trace_out(const char *s, size_t len)
{
	(void)s;
	(void)len;
}

/* heap.trace: recording starts (a ring of 1-256 events, so that it also overflows), or a
 * dump's counters must match the shadow (live objects, refused calls) and, arg odd, it
 * stops. The heap's own checks run the same while it records. Process context only. */
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
		op_trim(step);
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
			op_overflow(s, arg, step);
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

/* One step of the program, as arch_call_in_interrupt hands it to a handler. */
struct step {
	unsigned op, slot, step;
	uint16_t arg;
};

/* Runs a step in the context it was called in; every STATS_EVERY steps, the live
 * statistics there (in a handler they count the queued frees as done without doing them;
 * in process context heap_get_stats does them first). */
static void step_run(void *ctx)
{
	const struct step *t = ctx;

	op_run(t->op, t->slot, t->arg, t->step);
	if (t->step % STATS_EVERY == 0) {
		struct heap_stats st = stats();

		if (st.live_allocs != live_allocs || st.live_bytes != live_bytes)
			fail("the live statistics do not match", t->step);
	}
}

static void run(const uint8_t *data, size_t size)
{
	for (size_t off = 0; off + 4 <= size; off += 4) {
		struct step t = { data[off] % 16u, data[off + 1], (unsigned)(off / 4),
				  (uint16_t)(data[off + 2] | data[off + 3] << 8) };

		if ((data[off] & OP_IN_HANDLER) && t.op != 9 && t.op != 15)
			arch_call_in_interrupt(step_run, &t);
		else
			step_run(&t);
		/* a report only where the operation was a misuse, or a reuse after a write */
		if (misuse_count() != misuse && !written_after_free)
			fail("an unexpected misuse report", t.step);
		misuse = misuse_count();
		if (kmalloc_misuse_count)
			fail("kmalloc reported a misuse", t.step);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t frames;
	struct heap_stats st;

	sim_mm_setup(MiB(32), MiB(48));
	if (kmalloc_init() || heap_init())
		abort();
	frames = frames_accounted(); /* kmalloc's tags stay taken */
	heap_magazines_enable(true);
	memset(slots, 0, sizeof(slots));
	memset(stale, 0, sizeof(stale));
	nstale = 0;
	live_allocs = live_bytes = misuse = 0;
	written_after_free = false;
	tracing = false;
	refused = refused_at_start = 0;
	kmalloc_misuse_count = 0;
	reports_start();

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
	kmalloc_shrink();
	if (!written_after_free && (stats().vmalloc_bytes || frames_accounted() != frames))
		fail("memory not back after everything was freed and trimmed", UINT32_MAX);
	if (heap_deferred || kmalloc_misuse_count)
		fail("a queued free left, or kmalloc reported a misuse", UINT32_MAX);
	return 0;
}
