/* SPDX-License-Identifier: MIT */
/*
 * The checks every host unit test uses. CHECK(cond) records a failure with its place and
 * goes on; CHECK_EQ(got, want) also prints both values, CHECK_STR_EQ(got, want) both
 * strings. Tests organised in cases wrap each in RUN(fn) and end with unit_summary() ("N
 * passed, N failed"); flat tests end with
 * unit_exit(name). Both return the process exit status. A case that evaluated no check
 * fails, and so does a program that evaluated none: a loop of checks that ran zero times,
 * or a case that returned before its first check, passes nothing. A helper that checks
 * with a message of its own calls UNIT_CHECKED() for each check, and UNIT_FAIL() when it
 * fails.
 */
#ifndef LIOS_UNIT_H
#define LIOS_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failures;         /* failed checks in the whole program */
static int unit_failures_in_case; /* failed checks in the current RUN() case */
static int unit_passed, unit_failed;
static unsigned long unit_checks;         /* checks evaluated in the whole program */
static unsigned long unit_checks_in_case; /* checks evaluated in the current RUN() case */

#define UNIT_CHECKED()                                                                   \
	do {                                                                                 \
		unit_checks++;                                                                   \
		unit_checks_in_case++;                                                           \
	} while (0)

#define UNIT_FAIL()                                                                      \
	do {                                                                                 \
		unit_failures++;                                                                 \
		unit_failures_in_case++;                                                         \
	} while (0)

#define CHECK(cond)                                                                      \
	do {                                                                                 \
		UNIT_CHECKED();                                                                  \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "  %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);    \
			UNIT_FAIL();                                                                 \
		}                                                                                \
	} while (0)

/* CHECK that string got is want; when not, both go to stderr. */
#define CHECK_STR_EQ(got, want)                                                          \
	do {                                                                                 \
		const char *got_s_ = (got), *want_s_ = (want);                                   \
		UNIT_CHECKED();                                                                  \
		if (strcmp(got_s_, want_s_) != 0) {                                              \
			fprintf(stderr, "  %s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__,     \
				__LINE__, #got, got_s_, want_s_);                                        \
			UNIT_FAIL();                                                                 \
		}                                                                                \
	} while (0)

#define CHECK_EQ(got, want)                                                              \
	do {                                                                                 \
		unsigned long long got_ = (unsigned long long)(got);                             \
		unsigned long long want_ = (unsigned long long)(want);                           \
		UNIT_CHECKED();                                                                  \
		if (got_ != want_) {                                                             \
			fprintf(stderr, "  %s:%d: %s is %lld (0x%llx), expected %s = %lld (0x%llx)\n", \
				__FILE__, __LINE__, #got, (long long)got_, got_, #want,                  \
				(long long)want_, want_);                                                \
			UNIT_FAIL();                                                                 \
		}                                                                                \
	} while (0)

#define RUN(fn)                                                                          \
	do {                                                                                 \
		unit_failures_in_case = 0;                                                       \
		unit_checks_in_case = 0;                                                         \
		fn();                                                                            \
		if (!unit_checks_in_case) {                                                      \
			fprintf(stderr, "  %s: no check ran\n", #fn);                                \
			UNIT_FAIL();                                                                 \
		}                                                                                \
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
	if (!unit_passed && !unit_failed)
		fprintf(stderr, "no case ran\n");
	return unit_failed || !unit_passed ? 1 : 0;
}

static inline int unit_exit(const char *program)
{
	if (unit_failures) {
		fprintf(stderr, "%s: %d check(s) failed\n", program, unit_failures);
		return 1;
	}
	if (!unit_checks) {
		fprintf(stderr, "%s: no check ran\n", program);
		return 1;
	}
	printf("%s: all checks passed\n", program);
	return 0;
}

#endif
