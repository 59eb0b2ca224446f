// SPDX-License-Identifier: MIT
/*
 * Host test of the host clock (src/arch/host/time_host.c) that the USB and xHCI tests time
 * their timeouts by: while host_time_skip_ns is set, time advances by it once per read and
 * a stall of the machine between reads does not count (a loaded CI machine once could fire
 * a 2 s device timeout or reset a 10 s over-current count in the middle of a test); with it
 * 0 the real clock counts again, from where the skipped time stood, never backwards.
 */
#include <lios/time.h>
#include <time.h>
#include "../../unit.h"

extern uint64_t host_time_skip_ns; /* src/arch/host/time_host.c */

static void stall_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

/* Skipping 1 ms per read, with a 50 ms stall between two reads: exactly 1 ms passes. */
static void test_skip_ignores_stalls(void)
{
	uint64_t a, b;

	host_time_skip_ns = 1000000;
	a = time_ns();
	stall_ms(50);
	b = time_ns();
	CHECK_EQ(b - a, 1000000u);
	host_time_skip_ns = 0;
}

/* A 2 ms deadline while skipping 1 ms per read: passed at the second read after it was
 * set, whatever the real clock did meanwhile. */
static void test_deadline_counts_reads(void)
{
	uint64_t dl;

	host_time_skip_ns = 1000000;
	dl = deadline_us(2000);
	stall_ms(20);
	CHECK(!deadline_passed(dl));
	CHECK(deadline_passed(dl));
	host_time_skip_ns = 0;
}

/* Real time again: a 30 ms stall shows as at least 30 ms, and time never goes back across
 * the switches (skipped time is kept). */
static void test_real_time_after_skipping(void)
{
	uint64_t a, b, c;

	a = time_ns();
	host_time_skip_ns = 5000000000ull; /* 5 s in one read */
	b = time_ns();
	host_time_skip_ns = 0;
	CHECK(b - a >= 5000000000ull);
	stall_ms(30);
	c = time_ns();
	CHECK(c > b && c - b >= 30000000u);
}

int main(void)
{
	RUN(test_skip_ignores_stalls);
	RUN(test_deadline_counts_reads);
	RUN(test_real_time_after_skipping);
	return unit_summary();
}
