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

/* What the heap says where it finds no block at all: a pointer it never handed out, or a
 * large block already given back to vmalloc (no descriptor is left to tell them apart). */
#define HEAP_NO_BLOCK "foreign pointer, or a block already freed and given back"

/*
 * The last misuse report: counted once more, naming the caller, and giving exactly why (or
 * or_why, when not NULL) as its reason, as heap_report prints it between ": " and
 * " (size "): "foreign pointer" is not found inside HEAP_NO_BLOCK, nor "already freed".
 * The report is then forgotten, so the next expectation cannot pass on this one.
 */
static inline void expect_report_either(uint64_t *misuse, const char *why, const char *or_why)
{
	char want[128], or_want[128];
	bool named;

	snprintf(want, sizeof(want), ": %s (size ", why);
	snprintf(or_want, sizeof(or_want), ": %s (size ", or_why ? or_why : why);
	named = strstr(heap_report_last, want) || strstr(heap_report_last, or_want);
	CHECK(hstats().misuse == *misuse + 1);
	CHECK(named);
	if (!named)
		fprintf(stderr, "  the report \"%s\" does not give the reason \"%s\"%s%s\n",
			heap_report_last, why, or_why ? " nor " : "", or_why ? or_why : "");
	CHECK(strstr(heap_report_last, " from ") != NULL);
	heap_report_last[0] = 0;
	*misuse = hstats().misuse;
}

static inline void expect_report(uint64_t *misuse, const char *why)
{
	expect_report_either(misuse, why, NULL);
}

#endif
