/* SPDX-License-Identifier: MIT */
/*
 * Checks shared by the input and shell unit tests: EXPECT() reports a failed condition with
 * its place and keeps going, EXPECT_EQ() also prints both values; test_verdict() turns the
 * number of failures into the program's exit status.
 */
#ifndef INPUT_TEST_CHECK_H
#define INPUT_TEST_CHECK_H

#include <stdio.h>

static int test_failures;

#define EXPECT(cond)                                                                     \
	do {                                                                                 \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond);          \
			test_failures++;                                                             \
		}                                                                                \
	} while (0)

#define EXPECT_EQ(got, want)                                                             \
	do {                                                                                 \
		unsigned long long got_ = (unsigned long long)(got);                             \
		unsigned long long want_ = (unsigned long long)(want);                           \
		if (got_ != want_) {                                                             \
			fprintf(stderr, "%s:%d: %s is 0x%llx, expected %s = 0x%llx\n", __FILE__,     \
				__LINE__, #got, got_, #want, want_);                                     \
			test_failures++;                                                             \
		}                                                                                \
	} while (0)

static inline int test_verdict(const char *program)
{
	if (test_failures) {
		fprintf(stderr, "%s: %d failure(s)\n", program, test_failures);
		return 1;
	}
	printf("%s: ok\n", program);
	return 0;
}

#endif
