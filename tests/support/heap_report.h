/* SPDX-License-Identifier: MIT */
/*
 * A printk sink that keeps the heap's last misuse report: the last line that starts with
 * "heap: " (after a KERN_ level mark, if any), for the heap's host tests and fuzz_heap.
 * Header-only; register it with printk_add_sink(heap_report_sink, false).
 */
#ifndef LIOS_TEST_HEAP_REPORT_H
#define LIOS_TEST_HEAP_REPORT_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static char heap_report_last[256];

static inline void heap_report_sink(const char *s, size_t len)
{
	static char buf[256];
	static size_t n;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n' || n == sizeof(buf) - 1) {
			const char *line;

			buf[n] = 0;
			line = buf[0] && buf[0] < ' ' ? buf + 2 : buf; /* a KERN_ level mark */
			if (!strncmp(line, "heap: ", 6))
				snprintf(heap_report_last, sizeof(heap_report_last), "%s", line);
			n = 0;
		} else {
			buf[n++] = s[i];
		}
	}
}

#endif
