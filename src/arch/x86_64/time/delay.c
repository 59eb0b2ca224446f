// SPDX-License-Identifier: MIT
/*
 * udelay/mdelay and deadlines (<lios/time.h>) on the TSC. The rate comes from the clock
 * calibration (timer_cycles_khz()); until it exists, DELAY_ASSUMED_MAX_KHZ is assumed, so
 * every wait is at least as long as asked. A deadline is an absolute TSC value, so one
 * taken before the rate is refined expires within the refinement's change (under 1%).
 */
#include <arch/cpu.h>
#include <lios/time.h>
#include <lios/timer.h>
#include "time_internal.h"

static uint64_t delay_khz(void)
{
	uint64_t khz = timer_cycles_khz();

	return khz ? khz : DELAY_ASSUMED_MAX_KHZ;
}

/* deadline_us - the TSC value us microseconds from now. Any context. */
uint64_t deadline_us(uint64_t us)
{
	return rdtsc() + us * delay_khz() / 1000;
}

/* deadline_passed - true once the TSC has reached the deadline. Any context. */
bool deadline_passed(uint64_t deadline)
{
	return (int64_t)(rdtsc() - deadline) >= 0;
}

/* udelay - spin at least us microseconds. Any context. */
void udelay(uint64_t us)
{
	uint64_t dl = deadline_us(us);

	while (!deadline_passed(dl))
		cpu_pause();
}

/* mdelay - spin at least ms milliseconds. Any context. */
void mdelay(uint64_t ms)
{
	udelay(ms * 1000);
}

/* time_ns - nanoseconds of TSC through the calibrated (or assumed) rate; once calibrated,
 * the clock uptime reads too, continuous when the rate is refined. Any context. */
uint64_t time_ns(void)
{
	uint64_t khz = DELAY_ASSUMED_MAX_KHZ, t;

	if (timer_cycles_khz())
		return tick_clock_ns();
	t = rdtsc();
	/* split to avoid overflow: whole milliseconds, then the rest */
	return t / khz * 1000000 + t % khz * 1000000 / khz;
}
