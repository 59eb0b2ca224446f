/* SPDX-License-Identifier: MIT */
/*
 * The smallest test harness that does the job: CHECK(cond) records a failure with its
 * location and goes on; RUN(fn) runs a case; unit_summary() prints
 * "N passed, N failed" and returns the process exit status.
 */
#ifndef LIOS_UNIT_H
#define LIOS_UNIT_H

#include <stdio.h>

static int unit_failures_in_case, unit_passed, unit_failed;

#define CHECK(cond)                                                                      \
	do {                                                                                 \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "  %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);    \
			unit_failures_in_case++;                                                     \
		}                                                                                \
	} while (0)

#define RUN(fn)                                                                          \
	do {                                                                                 \
		unit_failures_in_case = 0;                                                       \
		fn();                                                                            \
		if (unit_failures_in_case) {                                                     \
			unit_failed++;                                                               \
			fprintf(stderr, "not ok %s\n", #fn);                                         \
		} else {                                                                         \
			unit_passed++;                                                               \
			printf("ok %s\n", #fn);                                                      \
		}                                                                                \
	} while (0)

static inline int unit_summary(void)
{
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif
