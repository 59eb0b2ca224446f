/* SPDX-License-Identifier: MIT */
/*
 * What the heap's host tests (test_heap.c, test_heap_layout.c) share: a fresh heap on the
 * simulated machine, its statistics, and the printk sink of tests/support/heap_report.h
 * for checking misuse reports.
 */
#ifndef LIOS_TEST_HEAP_TEST_H
#define LIOS_TEST_HEAP_TEST_H
#include <lios/printk.h>
#include "mm_host.h"
#include "heap_internal.h" /* the heap's internals, to look at or damage on purpose */
#include "heap_report.h"   /* heap_report_sink, heap_report_last */

static inline struct heap_stats hstats(void)
{
	struct heap_stats st;

	heap_get_stats(&st);
	return st;
}

static inline void setup(uint64_t frames)
{
	mm_host_setup(frames);
	if (heap_init()) {
		fprintf(stderr, "heap_init failed\n");
		exit(1);
	}
}

/* The last misuse report: counted once more, naming why, the size and the caller. */
static inline void expect_report(uint64_t *misuse, const char *why)
{
	CHECK(hstats().misuse == *misuse + 1);
	CHECK(strstr(heap_report_last, why) != NULL);
	CHECK(strstr(heap_report_last, "size ") != NULL &&
	      strstr(heap_report_last, " from ") != NULL);
	*misuse = hstats().misuse;
}

#endif
