/* SPDX-License-Identifier: MIT */
/*
 * Minimal checking macros for the console unit tests: CHECK() records a failure with its
 * location and goes on; check_exit() turns the count into the exit status.
 */
#ifndef CONSOLE_TEST_CHECK_H
#define CONSOLE_TEST_CHECK_H

#include <stdio.h>

static int check_failures;

#define CHECK(cond)                                                              \
	do {                                                                         \
		if (!(cond)) {                                                           \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
			check_failures++;                                                    \
		}                                                                        \
	} while (0)

#define CHECK_EQ(a, b)                                                           \
	do {                                                                         \
		long long a_ = (long long)(a), b_ = (long long)(b);                      \
		if (a_ != b_) {                                                          \
			fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld != %lld)\n",    \
				__FILE__, __LINE__, #a, #b, a_, b_);                             \
			check_failures++;                                                    \
		}                                                                        \
	} while (0)

static inline int check_exit(const char *name)
{
	if (check_failures)
		fprintf(stderr, "%s: %d check(s) failed\n", name, check_failures);
	else
		printf("%s: all checks passed\n", name);
	return check_failures ? 1 : 0;
}

#endif
