// SPDX-License-Identifier: MIT
/*
 * Unit test of panic() (src/kernel/core/panic.c) on the host: what a panic prints, which
 * hooks it calls, and a panic inside a panic. The arch calls it makes are stood in for
 * here: arch_halt returns to the test by longjmp (a halt never returns to the panic), the
 * registers and the backtrace print one line each. panic_depth lives for the whole
 * program, so the cases run in order, one nesting level further each.
 */
#include <lios/arch.h>
#include <lios/ksyms.h>
#include <lios/panic.h>
#include <lios/printk.h>
#include <setjmp.h>
#include <string.h>
#include "../../unit.h"
#include "log_capture.h" /* log_capture_buf: everything printed since the case began */

static jmp_buf halted;
static int info_calls, screen_calls;

uint64_t host_irq_state = 1; /* the interrupt flag of <arch/irqflags.h>, host build */
void arch_halt(void) { longjmp(halted, 1); }
void arch_print_registers(void) { printk("RSP ...\n"); }
void arch_backtrace(uintptr_t rbp, int max_frames) { printk("  frame\n"); }

const char *ksyms_lookup(uintptr_t addr, uintptr_t *offset) { return NULL; }

static void screen_hook(void) { screen_calls++; }

/* The info hook of the first case fails the way a hook can: it panics. */
static void info_hook(void)
{
	info_calls++;
	panic("in the info hook");
}

/* How many times needle occurs in log_capture_buf. */
static int count(const char *needle)
{
	int n = 0;

	for (const char *p = log_capture_buf; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* A first panic prints its reason, registers, backtrace and the info hook's lines after
 * switching the screen; the info hook panics in turn: that second panic prints a report
 * of its own (its reason and where), without running the hooks again (one of them is
 * what failed), then halts. */
static void test_panic_in_panic(void)
{
	log_capture_clear();
	if (!setjmp(halted))
		panic("first %d", 1);
	CHECK(log_captured("PANIC: first 1"));
	CHECK(log_captured("PANIC: in the info hook"));
	CHECK(strstr(log_capture_buf, "PANIC: first 1") <
	      strstr(log_capture_buf, "PANIC: in the info hook"));
	CHECK_EQ(count("Backtrace:\n"), 2);
	CHECK_EQ(count("System halted."), 1); /* the second's: the first never gets there */
	CHECK_EQ(info_calls, 1);
	CHECK_EQ(screen_calls, 1);
}

/* A third panic (during the second's report) prints nothing and only halts: the
 * report that matters is on the screen already, and more nesting could loop. */
static void test_third_panic_halts(void)
{
	log_capture_clear();
	if (!setjmp(halted))
		panic("third");
	CHECK_EQ(log_capture_len, 0);
	CHECK_EQ(info_calls, 1);
	CHECK_EQ(screen_calls, 1);
}

int main(void)
{
	if (printk_add_sink(log_capture_sink, false))
		return 1;
	panic_set_info_hook(info_hook);
	panic_set_screen_hook(screen_hook);
	RUN(test_panic_in_panic);
	RUN(test_third_panic_halts);
	return unit_summary();
}
