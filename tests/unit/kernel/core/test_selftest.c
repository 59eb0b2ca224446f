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
#define LOG_CAPTURE_SIZE 65536 /* the 700 tests of "many" print about 12 KiB of KTAP */
#include "log_capture.h"       /* log_capture_buf: everything printed since the case began */

#define MANY 700 /* more than the runner's old limit of 512 */
#define WINDOW 3 /* the suite "window" */
#define IRQOFF 3 /* the suite "irqoff" */
#define HOST_TESTS (MANY + WINDOW + IRQOFF)
#define KTEST_SIZE 40 /* sizeof(struct ktest), for the asm below */
#define STR_(x) #x
#define STR(x) STR_(x)

_Static_assert(sizeof(struct ktest) == KTEST_SIZE, "KTEST_SIZE");

struct ktest host_ktests[HOST_TESTS];
__asm__(".globl __ktests_start\n"
	".set __ktests_start, host_ktests\n"
	".globl __ktests_end\n"
	".set __ktests_end, host_ktests + (" STR(HOST_TESTS) ") * " STR(KTEST_SIZE) "\n");

/* ------------------------------------------------ the exception handler's hook, stood in */

static struct arch_jmpbuf *recovery_jb;
static struct fault_info *recovery_info;
static int panics; /* faults that no armed hook took */

void arch_fault_recovery_arm(struct arch_jmpbuf *jb, struct fault_info *info)
{
	recovery_info = info;
	recovery_jb = jb;
}

void arch_fault_recovery_disarm(void) { recovery_jb = NULL; }

/* A CPU exception here (a page fault): resumed in the test that expects it, once, as
 * trap_dispatch does; with the hook disarmed, counted as the panic it would be. */
static void fault(void)
{
	struct arch_jmpbuf *jb = recovery_jb;

	if (!jb) {
		panics++;
		return;
	}
	recovery_jb = NULL;
	recovery_info->vector = 14;
	arch_longjmp(jb, 1);
}

/* ------------------------------------------------------------------ the tests' bodies */

static void test_passes(void) { KEXPECT(1 + 1 == 2); }

static void assert_fails(void *arg) { KASSERT(arg == NULL); }
static void skips(void *arg) { ktest_skip("no such device"); }
static void faults(void *arg) { fault(); }

static void test_aborts_in_window(void)
{
	struct fault_info fi;
	int x;

	ktest_expect_fault(assert_fails, &x, &fi);
	KEXPECT(false); /* not reached: the KASSERT ended the test */
}

static void test_skips_in_window(void)
{
	struct fault_info fi;

	ktest_expect_fault(skips, NULL, &fi);
}

static bool hook_left_armed; /* seen when the next test began */
static uint64_t irq_left;    /* host_irq_state then */

static void test_later_fault(void)
{
	struct fault_info fi;

	hook_left_armed = recovery_jb != NULL;
	irq_left = host_irq_state;
	if (hook_left_armed)
		return; /* a fault now would resume in a stack frame that is gone */
	KEXPECT(ktest_expect_fault(faults, NULL, &fi) && fi.vector == 14);
	fault(); /* no fault is expected here: a panic */
}

/* Tests that end inside a section of their own with interrupts off (arch_irq_save), by a
 * failed KASSERT or a ktest_skip: the restore after it never runs. */
static void test_aborts_irqs_off(void)
{
	uint64_t irq = arch_irq_save();

	KASSERT(irq == 0); /* fails: interrupts were on */
	arch_irq_restore(irq);
}

static void test_skips_irqs_off(void)
{
	uint64_t irq = arch_irq_save();

	ktest_skip("no vector registers");
	arch_irq_restore(irq);
}

static uint64_t irq_after_abort; /* host_irq_state when the test after the KASSERT began */
static int after_runs;

static void test_after_irqs_off(void)
{
	irq_after_abort = host_irq_state;
	after_runs++;
}

/* ----------------------------------------------------------------------------- cases */

static char many_names[MANY][8];

/* 700 tests in one suite, written in an order the section does not keep (each entry's
 * line is a permutation of its index): every one runs, once, numbered in line order, and
 * the plan announces all 700. Before: the runner collected the first 512 into a fixed
 * list and dropped the rest without a word: "1..512", 188 tests never run, and a
 * "selftest: 512 passed, 0 failed" that looked complete. */
static void test_more_than_512_tests(void)
{
	char want[64];
	const char *p = log_capture_buf;
	bool in_order = true;

	log_capture_clear();
	CHECK_EQ(selftest_run("many"), 0);
	CHECK(log_captured("KTAP version 1\n1..700\n"));
	for (int k = 1; k <= MANY && in_order; k++) {
		snprintf(want, sizeof(want), "\nok %d many.t%03d\n", k, k - 1);
		p = strstr(p, want);
		in_order = p != NULL;
	}
	CHECK(in_order);
	CHECK(log_captured("selftest: 700 passed, 0 failed\n"));
}

/* A test that ends (a failed KASSERT, a ktest_skip) inside ktest_expect_fault's window,
 * between the hook's arming and the fault or the function's return: the runner closes the
 * window, so the next test starts with the hook disarmed and interrupts as they were. The
 * next test's expected fault is still recovered, and a fault it does not expect is the
 * panic it must be. Before: the hook stayed armed with the jump buffer of a
 * ktest_expect_fault that had returned long ago (the next unexpected exception, in a test
 * or at the shell, would have jumped into that dead stack frame instead of panicking), and
 * interrupts stayed off for the rest of the run. */
static void test_end_inside_fault_window(void)
{
	host_irq_state = 1;
	log_capture_clear();
	CHECK_EQ(selftest_run("window"), 1);
	CHECK(log_captured("1..3\n"));
	CHECK(log_captured("\nnot ok 1 window.aborts_in_window\n"));
	CHECK(log_captured("\nok 2 window.skips_in_window # SKIP no such device\n"));
	CHECK(log_captured("\nok 3 window.later_fault\n"));
	CHECK(!hook_left_armed);
	CHECK_EQ(irq_left, 1);
	CHECK_EQ(panics, 1);
	CHECK(recovery_jb == NULL);
	CHECK_EQ(host_irq_state, 1);
}

/* A test that ends (a failed KASSERT, a ktest_skip) between its own arch_irq_save and the
 * restore after it: the next test starts with interrupts on, as the runner found them, and
 * so does whatever runs after selftest_run. Before: interrupts stayed off for every later
 * test (the tick tests then failed waiting for ticks, the USB tests for enumeration: one
 * failure turned into a dozen), and the tests ran on with them off. */
static void test_end_with_irqs_off(void)
{
	host_irq_state = 1;
	log_capture_clear();
	CHECK_EQ(selftest_run("irqoff"), 1);
	CHECK(log_captured("\nnot ok 1 irqoff.aborts_irqs_off\n"));
	CHECK(log_captured("\nok 3 irqoff.skips_irqs_off # SKIP no vector registers\n"));
	CHECK(log_captured("\nok 2 irqoff.after_irqs_off\n"));
	CHECK_EQ(after_runs, 1);
	CHECK_EQ(irq_after_abort, 1);
	CHECK_EQ(host_irq_state, 1); /* after the skip, the last test */
}

int main(void)
{
	for (int i = 0; i < MANY; i++) {
		int line = (i * 307) % MANY; /* 307 is prime to 700: a permutation */

		snprintf(many_names[i], sizeof(many_names[i]), "t%03d", line);
		host_ktests[i] =
			(struct ktest){ "many", many_names[i], test_passes, "many.c", line };
	}
	/* written in this order, placed in the section in another */
	host_ktests[MANY] = (struct ktest){ "window", "later_fault", test_later_fault, "w.c", 3 };
	host_ktests[MANY + 1] =
		(struct ktest){ "window", "aborts_in_window", test_aborts_in_window, "w.c", 1 };
	host_ktests[MANY + 2] =
		(struct ktest){ "window", "skips_in_window", test_skips_in_window, "w.c", 2 };
	host_ktests[MANY + 3] =
		(struct ktest){ "irqoff", "aborts_irqs_off", test_aborts_irqs_off, "i.c", 1 };
	host_ktests[MANY + 4] =
		(struct ktest){ "irqoff", "after_irqs_off", test_after_irqs_off, "i.c", 2 };
	host_ktests[MANY + 5] =
		(struct ktest){ "irqoff", "skips_irqs_off", test_skips_irqs_off, "i.c", 3 };
	if (printk_add_sink(log_capture_sink, false))
		return 1;
	RUN(test_more_than_512_tests);
	RUN(test_end_inside_fault_window);
	RUN(test_end_with_irqs_off);
	return unit_summary();
}
