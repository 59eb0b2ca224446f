/* SPDX-License-Identifier: MIT */
/*
 * What the heap's host tests (test_heap.c, test_heap_layout.c) share: a fresh heap on the
 * simulated machine, its statistics, and a printk sink that keeps the last "heap: " line
 * for checking misuse reports.
 */
#ifndef LIOS_TEST_HEAP_TEST_H
#define LIOS_TEST_HEAP_TEST_H
#include <lios/printk.h>
#include "mm_host.h"
#include "heap_internal.h" /* the heap's internals, to look at or damage on purpose */

static char last_line[256];

/* printk sink: remembers the last "heap: " line. */
static inline void sink(const char *s, size_t len)
{
	static char buf[256];
	static size_t n;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n' || n == sizeof(buf) - 1) {
			buf[n] = 0;
			if (!strncmp(buf, "heap: ", 6) ||
			    (buf[0] < ' ' && !strncmp(buf + 2, "heap: ", 6)))
				strcpy(last_line, buf[0] < ' ' ? buf + 2 : buf);
			n = 0;
		} else {
			buf[n++] = s[i];
		}
	}
}

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
	CHECK(strstr(last_line, why) != NULL);
	CHECK(strstr(last_line, "size ") != NULL && strstr(last_line, " from ") != NULL);
	*misuse = hstats().misuse;
}

#endif
