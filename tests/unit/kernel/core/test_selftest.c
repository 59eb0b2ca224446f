// SPDX-License-Identifier: MIT
/*
 * Unit test of the self-test runner (src/kernel/core/selftest.c) on the host: the KTAP it
 * prints and the state it leaves between tests. The kernel's linker script gathers the
 * KTEST() records between __ktests_start and __ktests_end; here those two symbols are
 * placed around an array the test fills (the asm below), so a case builds any set of
 * tests and picks its own through the suite argument of selftest_run. arch_setjmp and
 * arch_longjmp are the kernel's own (fault_recovery.S); the expected-fault hook of the
 * exception handler (trap.c) is stood in for: fault() below does what trap_dispatch does
 * with an exception.
 */
#include <lios/arch.h>
#include <lios/printk.h>
#include <lios/sections.h>
#include <lios/selftest.h>
#include <stdio.h>
#include <string.h>
#include "../../unit.h"

#define HOST_TESTS 700 /* more than the runner's old limit of 512 */
#define KTEST_SIZE 40  /* sizeof(struct ktest), for the asm below */
#define STR_(x) #x
#define STR(x) STR_(x)

_Static_assert(sizeof(struct ktest) == KTEST_SIZE, "KTEST_SIZE");

struct ktest host_ktests[HOST_TESTS];
__asm__(".globl __ktests_start\n"
	".set __ktests_start, host_ktests\n"
	".globl __ktests_end\n"
	".set __ktests_end, host_ktests + " STR(HOST_TESTS) " * " STR(KTEST_SIZE) "\n");

static char out[65536]; /* everything printed since the case began */
static size_t out_len;

static void capture(const char *s, size_t n)
{
	if (out_len + n < sizeof(out)) {
		memcpy(out + out_len, s, n);
		out_len += n;
		out[out_len] = '\0';
	}
}

static void clear(void)
{
	out_len = 0;
	out[0] = '\0';
}

/* ------------------------------------------------ the exception handler's hook, stood in */

static struct arch_jmpbuf *recovery_jb;
static struct fault_info *recovery_info;

void arch_fault_recovery_arm(struct arch_jmpbuf *jb, struct fault_info *info)
{
	recovery_info = info;
	recovery_jb = jb;
}

void arch_fault_recovery_disarm(void) { recovery_jb = NULL; }

/* ------------------------------------------------------------------ the tests' bodies */

static void test_passes(void) { KEXPECT(1 + 1 == 2); }

/* ----------------------------------------------------------------------------- cases */

static char many_names[HOST_TESTS][8];

/* 700 tests in one suite, written in an order the section does not keep (each entry's
 * line is a permutation of its index): every one runs, once, numbered in line order, and
 * the plan announces all 700. Before: the runner collected the first 512 into a fixed
 * list and dropped the rest without a word: "1..512", 188 tests never run, and a
 * "selftest: 512 passed, 0 failed" that looked complete. */
static void test_more_than_512_tests(void)
{
	char want[64];
	const char *p = out;
	bool in_order = true;

	for (int i = 0; i < HOST_TESTS; i++) {
		int line = (i * 307) % HOST_TESTS; /* 307 is prime to 700: a permutation */

		snprintf(many_names[i], sizeof(many_names[i]), "t%03d", line);
		host_ktests[i] =
			(struct ktest){ "many", many_names[i], test_passes, "many.c", line };
	}
	clear();
	CHECK_EQ(selftest_run("many"), 0);
	CHECK(strstr(out, "KTAP version 1\n1..700\n") != NULL);
	for (int k = 1; k <= HOST_TESTS && in_order; k++) {
		snprintf(want, sizeof(want), "\nok %d many.t%03d\n", k, k - 1);
		p = strstr(p, want);
		in_order = p != NULL;
	}
	CHECK(in_order);
	CHECK(strstr(out, "selftest: 700 passed, 0 failed\n") != NULL);
}

int main(void)
{
	if (printk_add_sink(capture, false))
		return 1;
	RUN(test_more_than_512_tests);
	return unit_summary();
}
