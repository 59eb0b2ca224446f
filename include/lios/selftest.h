/* SPDX-License-Identifier: MIT */
/*
 * In-kernel self-tests. KTEST(suite, name) defines a test and registers it in the
 * .ktests linker section; the runner (src/kernel/core/selftest.c) runs them all after boot when
 * the command line says "selftest", printing KTAP version 1.
 *
 * Inside a test: KEXPECT(cond) records a failure and goes on; KASSERT(cond) records a
 * failure and ends the test; ktest_skip("reason") ends it as skipped (KTAP "# SKIP").
 * ktest_expect_fault() runs a function that is expected to fault and reports what the
 * exception handler saw, then the boot continues.
 */
#ifndef LIOS_SELFTEST_H
#define LIOS_SELFTEST_H

#include <lios/compiler.h>

struct ktest {
	const char *suite;
	const char *name;
	void (*fn)(void);
	const char *file; /* with line: the order tests are written in, for the report */
	int line;
};

#define KTEST(suite_, name_)                                                             \
	static void ktest_fn_##suite_##_##name_(void);                                        \
	static const struct ktest ktest_##suite_##_##name_ __used __section(".ktests")         \
		__aligned(8) = {#suite_, #name_, ktest_fn_##suite_##_##name_, __FILE__, __LINE__}; \
	static void ktest_fn_##suite_##_##name_(void)

void ktest_fail(const char *file, int line, const char *expr);
__noreturn void ktest_abort(void);
__noreturn void ktest_skip(const char *reason);

#define KEXPECT(cond)                                                                    \
	do {                                                                                 \
		if (!(cond))                                                                     \
			ktest_fail(__FILE__, __LINE__, #cond);                                       \
	} while (0)

#define KASSERT(cond)                                                                    \
	do {                                                                                 \
		if (!(cond)) {                                                                   \
			ktest_fail(__FILE__, __LINE__, #cond);                                       \
			ktest_abort();                                                               \
		}                                                                                \
	} while (0)

/* What an exception handler saw while a fault was expected. */
struct fault_info {
	int vector;          /* -1: no fault happened */
	uint64_t error_code;
	uint64_t rip;
	uint64_t cr2;        /* page faults */
};

/* Run fn(arg); if it raises a CPU exception, the handler records it into *out and control
 * returns here instead of panicking. Returns true when a fault happened. Interrupt state is
 * restored. Only one expected fault at a time; callable from tests only. fn may end the
 * test (KASSERT, ktest_skip): the runner then disarms the hook and restores interrupts. */
bool ktest_expect_fault(void (*fn)(void *), void *arg, struct fault_info *out);

/* Run all registered tests (or those whose suite equals 'suite' when non-NULL). Returns
 * the number of failures. */
int selftest_run(const char *suite);

/* The i-th suite name in name order, each once; NULL past the last. Any context. */
const char *selftest_suite(size_t i);

/* Self-test mode (the `selftest` command-line word): run every test, print the verdict,
 * exit QEMU through isa-debug-exit or halt. Called by kmain after boot. */
__noreturn void selftest_main(void);

#endif
