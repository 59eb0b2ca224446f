// SPDX-License-Identifier: MIT
/*
 * In-kernel self-test of the console's pager (suite "console") on the machine's screen: a
 * command's output longer than the screen is held for "-- more --" without the printk sink
 * touching the heap (console_pager.c takes its buffer when paging begins). It did: the
 * `selftest` command's heap tests then counted the pager's buffer as their own, and failed
 * on a screen whose page filled during them.
 */
#include <lios/console.h>
#include <lios/heap.h>
#include <lios/printk.h>
#include <lios/selftest.h>
#include "console_priv.h"

static uint64_t live_allocs(void)
{
	struct heap_stats st;

	heap_get_stats(&st);
	return st.live_allocs;
}

/* Ends the test as skipped where it cannot page: no screen, paging off, or a command's
 * output being paged already (the `selftest` command's own). */
static void skip_unless_pageable(void)
{
	if (console.backend == CONSOLE_SERIAL || console.pager_off)
		ktest_skip("no screen to page on");
	if (console.pg.active)
		ktest_skip("a command's output is being paged (the selftest command)");
}

/* More lines than the screen has, paged: the rest is held and "-- more --" waits, and the
 * heap's live allocations are the same before the first line as after the last; q then
 * ends the paging. */
KTEST(console, pager_holds_without_allocating)
{
	uint64_t live;

	skip_unless_pageable();
	console_pager_begin();
	live = live_allocs();
	for (unsigned int i = 0; i < console.term.rows + 8; i++)
		printk("# console: pager line %u of %u\n", i + 1, console.term.rows + 8);
	KEXPECT(console_pager_waiting());
	KEXPECT(live_allocs() == live);
	console_pager_key('q');
	console_pager_end();
	KEXPECT(!console_pager_waiting());
}

/* The hold buffer is taken once and kept: a second and a third paging hold their output in
 * the same buffer as the first, and leave the heap's live allocations as they found them
 * (taken and given back per command line, it cost the heap a 256 KiB block each time). */
KTEST(console, pager_buffer_kept)
{
	const char *first;
	uint64_t live;

	skip_unless_pageable();
	console_pager_begin();
	console_pager_end();
	first = console.pg.held;
	KEXPECT(first != NULL);
	live = live_allocs();
	for (int i = 0; i < 2; i++) {
		console_pager_begin();
		KEXPECT(console.pg.held == first);
		for (unsigned int r = 0; r < console.term.rows + 4; r++)
			printk("# console: pager line %u\n", r + 1);
		KEXPECT(console_pager_waiting());
		console_pager_key('q');
		console_pager_end();
		KEXPECT(console.pg.held == first);
		KEXPECT(live_allocs() == live);
	}
}
