// SPDX-License-Identifier: MIT
/*
 * <lios/time.h> for host programs: deadlines and delays on CLOCK_MONOTONIC, so a host-built
 * driver's timeouts are real time. A test that simulates a device which never answers sets
 * host_time_skip_ns to jump time forward on every read and so reaches timeouts at once.
 */
#include <lios/time.h>
#include <time.h>

uint64_t host_time_skip_ns;

uint64_t time_ns(void)
{
	static uint64_t skipped;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	skipped += host_time_skip_ns;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec + skipped;
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
