// SPDX-License-Identifier: MIT
/*
 * The self-test runner. KTEST() places a struct ktest in the .ktests section; this file
 * runs them grouped by suite and prints KTAP version 1: "KTAP version 1", the plan "1..N",
 * one "ok N suite.name" / "not ok N suite.name" line per test (with "# SKIP reason" for
 * skipped ones) and the closing line "selftest: P passed, F failed". In self-test mode
 * (command line "selftest") the verdict then leaves QEMU through isa-debug-exit: 0x10 on
 * success (exit status 33), 0x11 on failure (35); without that device it stays on screen.
 *
 * A test ends early through ktest_abort/ktest_skip (a longjmp back into the runner), and may
 * provoke CPU exceptions through ktest_expect_fault without ending the boot.
 */
#include <lios/arch.h>
#include <lios/printk.h>
#include <lios/sections.h>
#include <lios/selftest.h>
#include <lios/string.h>

#define QEMU_EXIT_PASS 0x10
#define QEMU_EXIT_FAIL 0x11

enum test_result { TEST_PASS, TEST_FAIL, TEST_SKIP };

static struct arch_jmpbuf test_exit;
static enum test_result current;
static const char *skip_reason;

void ktest_fail(const char *file, int line, const char *expr)
{
	printk("    # %s:%d: expected %s\n", file, line, expr);
	current = TEST_FAIL;
}

void ktest_abort(void) { arch_longjmp(&test_exit, 1); }

void ktest_skip(const char *reason)
{
	skip_reason = reason;
	if (current != TEST_FAIL)
		current = TEST_SKIP;
	arch_longjmp(&test_exit, 1);
}

/* The expected-fault window a test is in (ktest_expect_fault, from arming the hook to the
 * fault or fn's return) and the interrupt state it restores. A test may end inside it (a
 * failed KASSERT or a ktest_skip in fn jumps straight back to the runner): the runner then
 * closes it, so the hook never stays armed with a jump buffer whose frame is gone. */
static bool window_open;
static uint64_t window_irq;

/*
 * Runs fn(arg) with the expected-fault hook armed. Returns true and fills *out when fn
 * raised an exception (the handler resumed here); false when it returned normally.
 */
bool ktest_expect_fault(void (*fn)(void *), void *arg, struct fault_info *out)
{
	static struct arch_jmpbuf jb;
	uint64_t irq = arch_irq_save();

	out->vector = -1;
	if (arch_setjmp(&jb) == 0) {
		window_irq = irq;
		window_open = true;
		arch_fault_recovery_arm(&jb, out);
		fn(arg);
		arch_fault_recovery_disarm();
	}
	window_open = false;
	arch_irq_restore(irq);
	return out->vector >= 0;
}

/* After a test: a window it ended inside is closed as ktest_expect_fault would have. */
static void close_fault_window(void)
{
	if (!window_open)
		return;
	arch_fault_recovery_disarm();
	window_open = false;
	arch_irq_restore(window_irq);
}

/* The order tests run and are numbered in: by suite; within a suite, the order they are
 * written in (file, then line: the compiler emits a file's section entries in no particular
 * order); two on one line by address. A strict total order: each test has one place. */
static bool ktest_before(const struct ktest *a, const struct ktest *b)
{
	int c = strcmp(a->suite, b->suite);

	if (c == 0)
		c = strcmp(a->file, b->file);
	if (c == 0)
		c = a->line < b->line ? -1 : a->line > b->line;
	return c < 0 || (c == 0 && a < b);
}

static bool in_suite(const struct ktest *t, const char *suite)
{
	return !suite || strcmp(t->suite, suite) == 0;
}

/* The test of suite (NULL: any) that comes next after prev (NULL: the first) in
 * ktest_before's order; NULL after the last. The section is walked for each test (n^2
 * comparisons, about 10,000 for 100 tests), so there is no list to size and no limit. */
static const struct ktest *next_test(const struct ktest *prev, const char *suite)
{
	const struct ktest *next = NULL;

	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++)
		if (in_suite(t, suite) && (!prev || ktest_before(prev, t)) &&
		    (!next || ktest_before(t, next)))
			next = t;
	return next;
}

static const char *suite_of(const void *tests, size_t j)
{
	return ((const struct ktest *)tests)[j].suite;
}

/*
 * selftest_suite - the i-th suite name in name order (each once), NULL past the last: the
 * shell's completion of `selftest SUITE`. Any context.
 */
const char *selftest_suite(size_t i)
{
	return lios_nth_str(suite_of, __ktests_start, (size_t)(__ktests_end - __ktests_start), i);
}

/* Runs one test: its result, however it ended (returned, KASSERT, ktest_skip). A test that
 * ended inside a section of its own with interrupts off (between arch_irq_save and the
 * restore a KASSERT or ktest_skip jumped over) gets them back on when the runner had them
 * on: every later test would otherwise run without the tick (its sleeps spinning, the
 * tick and USB tests failing in its wake). */
static enum test_result run_one(const struct ktest *t)
{
	bool irqs_on = arch_irqs_enabled(); /* not changed after the setjmp: kept by it */

	current = TEST_PASS;
	skip_reason = NULL;
	if (arch_setjmp(&test_exit) == 0)
		t->fn();
	close_fault_window();
	if (arch_in_interrupt()) { /* a KASSERT inside arch_call_in_interrupt's function */
		arch_interrupt_context_reset();
		printk(KERN_ERR "selftest: %s.%s ended inside an interrupt handler's context\n",
		       t->suite, t->name);
		current = TEST_FAIL;
	}
	if (irqs_on && !arch_irqs_enabled())
		arch_irq_enable();
	return current;
}

/* Runs the tests (all, or one suite) and prints KTAP. Returns the number of failures.
 * Context: after boot, interrupts in any state. */
int selftest_run(const char *suite)
{
	unsigned passed = 0, failed = 0, skipped = 0;
	const char *last_suite = "";
	const struct ktest *t;
	size_t n = 0, i = 0;

	for (t = __ktests_start; t < __ktests_end; t++)
		n += in_suite(t, suite);
	printk("KTAP version 1\n1..%zu\n", n);
	for (t = next_test(NULL, suite); t; t = next_test(t, suite)) {
		i++;
		if (strcmp(t->suite, last_suite) != 0)
			printk("# suite: %s\n", last_suite = t->suite);
		switch (run_one(t)) {
		case TEST_PASS:
			passed++;
			printk("ok %zu %s.%s\n", i, t->suite, t->name);
			break;
		case TEST_SKIP:
			skipped++;
			printk("ok %zu %s.%s # SKIP %s\n", i, t->suite, t->name, skip_reason);
			break;
		case TEST_FAIL:
			failed++;
			printk("not ok %zu %s.%s\n", i, t->suite, t->name);
			break;
		}
	}
	if (skipped)
		printk("selftest: %u passed, %u failed, %u skipped\n", passed, failed, skipped);
	else
		printk("selftest: %u passed, %u failed\n", passed, failed);
	return failed;
}

void selftest_main(void)
{
	int failed = selftest_run(NULL);

	arch_qemu_exit(failed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
	printk("selftest: %s; halted (no QEMU exit device).\n", failed ? "FAILED" : "all passed");
	arch_halt();
}
