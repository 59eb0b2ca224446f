// SPDX-License-Identifier: MIT
/*
 * <lios/time.h> for host programs: deadlines and delays on CLOCK_MONOTONIC, so a host-built
 * driver's timeouts are real time. A test that simulates a device which never answers sets
 * host_time_skip_ns to jump time forward on every read and so reaches timeouts at once.
 * While it is set, time advances by it alone, once per read, and the real clock does not
 * count: a test that expects a timeout after N reads gets it there, and a stall of a loaded
 * machine between two reads (a CI run, a paused VM) cannot fire a timeout the test did not
 * ask for. With it 0, time follows the real clock again from where it stood.
 */
#include <lios/time.h>
#include <time.h>

uint64_t host_time_skip_ns;

uint64_t time_ns(void)
{
	static uint64_t now, last_real;
	struct timespec ts;
	uint64_t real;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	real = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if (!last_real)
		now = real;
	else
		now += host_time_skip_ns ? host_time_skip_ns : real - last_real;
	last_real = real;
	return now;
}

uint64_t deadline_us(uint64_t us) { return time_ns() + us * 1000; }

bool deadline_passed(uint64_t deadline) { return (int64_t)(time_ns() - deadline) >= 0; }

void udelay(uint64_t us)
{
	uint64_t dl = deadline_us(us);

	while (!deadline_passed(dl))
		;
}

void mdelay(uint64_t ms) { udelay(ms * 1000); }
