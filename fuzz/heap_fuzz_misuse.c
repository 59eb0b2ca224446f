// SPDX-License-Identifier: MIT
/*
 * fuzz_heap's misuse cases (see heap_fuzz.c for the program): an overflow of 1-8 bytes
 * then a free or realloc, a free of an interior pointer, of a pointer freed before (a
 * double free), and a write into a freed object's free record; each in process context or
 * in an interrupt handler (arch_call_in_interrupt), on a block of either context's.
 *
 * What each must give: reported once (heap_stats' misuse one up), with its own reason
 * where heap_report prints it, and refused (the object stays live and intact). The reason
 * depends on what the heap can still find: in a heap block, "red zone overwritten",
 * "foreign pointer" (no object starts there) or "already freed"; in no heap block at all,
 * the heap's sentence HEAP_NO_BLOCK. An interrupt block (kmalloc's, in the direct map)
 * lies in no heap block, so its interior pointers and its double frees get that sentence,
 * in both contexts; its overflow is "red zone overwritten" like any other.
 * This file owns the printk sink that keeps the last report (tests/support/heap_report.h
 * is header-only with a static buffer: one file must read it).
 */
#include <lios/arch.h>
#include <lios/heap.h>
#include <lios/kmalloc.h>
#include <lios/printk.h>
#include <stdio.h>
#include <string.h>
#include "heap_fuzz.h"
#include "heap_internal.h"
#include "heap_report.h"

/* What the heap says where it finds no block at all: a pointer it never handed out (an
 * interrupt block's interior, a freed one), or a large block (or a span) already given
 * back, whose descriptor went with it. */
#define HEAP_NO_BLOCK "foreign pointer, or a block already freed and given back"

/* See heap_fuzz.h. */
void reports_start(void)
{
	static bool sink_added;

	if (!sink_added) {
		printk_add_sink(heap_report_sink, false);
		sink_added = true;
	}
	heap_report_last[0] = 0;
}

const char *report_last(void) { return heap_report_last; }

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
 * cannot pass on this one. The recorder (heap.trace) counts process context's refusals:
 * a handler's calls never reach its hooks. */
static void expect_report_of(const char *why, const char *or_why, const char *or_else,
			     uint64_t before, unsigned step)
{
	/* after a write into a freed block, the same call may report that first (the queue
	 * drained on its slow path, a magazine object reused); the last report is its own */
	if (misuse_count() < before + 1 || (!written_after_free && misuse_count() != before + 1))
		fail("a misuse was not reported exactly once", step);
	if (!report_says(why) && !(or_why && report_says(or_why)) &&
	    !(or_else && report_says(or_else)))
		fail("a misuse report does not give its reason", step);
	heap_report_last[0] = 0;
	misuse++;
	if (!arch_in_interrupt())
		refused++;
}

static void expect_report(const char *why, uint64_t before, unsigned step)
{
	expect_report_of(why, NULL, NULL, before, step);
}

/* Overflows s's object by 1-8 bytes (inside its red zone: 8 bytes for a small object or
 * an interrupt block, HEAP_CANARY_CHECK for a large one); its free or realloc must be
 * refused; the bytes are put back and the object is whole and live again. */
void op_overflow(struct slot *s, uint16_t arg, unsigned step)
{
	unsigned char saved[8];
	size_t k = 1 + arg % 8;
	uint64_t before = misuse_count();

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

/* A free of an interior pointer of s's object (at most 64 KiB in: inside the first
 * chunk of its block, where the heap finds it): refused as exactly "foreign pointer" (no
 * object starts there; not the sentence for no block at all), the object stays. Inside an
 * interrupt block: no header of a live one precedes it (kmalloc's objects are bigger
 * than the block's bytes), and no heap block holds it: HEAP_NO_BLOCK. */
void op_interior(struct slot *s, uint16_t arg, unsigned step)
{
	uint64_t before = misuse_count();

	heap_free(s->p + 1 + arg % (s->n ? s->n : 1));
	expect_report(s->irq ? HEAP_NO_BLOCK : "foreign pointer", before, step);
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
 * A free of a pointer freed before that no live object starts at: refused. A freed
 * interrupt block is no live kmalloc block with the heap's tag, and no heap block holds
 * it: HEAP_NO_BLOCK, whatever kmalloc made of its memory since. Where a heap pointer now
 * lies inside a live small object (its memory handed out again), the heap finds that
 * object's span and no object starting there: "foreign pointer", as for any interior
 * pointer. Otherwise the model does not know what the heap kept of the old block: the
 * object freed in its span, or queued by a handler and not yet freed ("already freed"),
 * another class's span over it ("foreign pointer"), or nothing (HEAP_NO_BLOCK), and any of
 * the three, in place, will do.
 */
void op_double_free(uint16_t arg, unsigned step)
{
	uintptr_t p = stale[arg % STALE];
	uint64_t before = misuse_count();
	struct slot *in;

	if (!p || slot_at(p))
		return;
	in = slot_holding(p);
	heap_free((void *)p);
	if (virt_is_direct((void *)p))
		expect_report(HEAP_NO_BLOCK, before, step);
	else if (in && in->n <= HEAP_SMALL_MAX - HEAP_REDZONE)
		expect_report("foreign pointer", before, step);
	else
		expect_report_of("already freed", "foreign pointer", HEAP_NO_BLOCK, before, step);
}

/* A write into a freed object (within its free record) that still lies in a heap block,
 * away from live objects and their red zones. A block a handler's free left queued counts
 * as freed: its first 16 bytes are the queue's link and mark, which the drain must check
 * before it trusts them (a damaged block reported, the queue from it on dropped). */
void op_write_after_free(uint16_t arg)
{
	uintptr_t p = stale[arg % STALE] + (arg >> 8) % 16;
	struct heap_span *b = stale[arg % STALE] ? heap_lookup((void *)p) : NULL;

	if (b && p >= b->base && p < b->base + b->map_bytes && !touches_live(p, 1, true)) {
		*(volatile unsigned char *)p ^= 0x5a;
		written_after_free = true;
	}
}
