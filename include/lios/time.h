/* SPDX-License-Identifier: MIT */
/*
 * Bounded waits for every driver (layer: arch interface; implemented in
 * src/arch/x86_64/time/delay.c, host stand-in in src/arch/host). All of them count the
 * cycle counter (TSC) against its calibrated rate. Before calibration they assume
 * DELAY_ASSUMED_MAX_KHZ, the fastest TSC we expect to meet, so a wait or timeout is never
 * shorter than asked (it may be longer): waits in early boot stay safe, only slow.
 *
 * Use a deadline for a poll loop that must give up:
 *	uint64_t dl = deadline_us(1000);
 *	while (!(read_status() & READY))
 *		if (deadline_passed(dl))
 *			return -ETIMEDOUT;
 * All functions: any context, interrupts on or off, before or after timer_init().
 */
#ifndef LIOS_TIME_H
#define LIOS_TIME_H

#include <lios/compiler.h>

#define DELAY_ASSUMED_MAX_KHZ 10000000ull /* 10 GHz: no TSC runs faster */

/* Spin for at least us microseconds / ms milliseconds. */
void udelay(uint64_t us);
void mdelay(uint64_t ms);
/* A deadline us microseconds from now, for deadline_passed(). */
uint64_t deadline_us(uint64_t us);
/* True once the deadline has passed. */
bool deadline_passed(uint64_t deadline);
/* Monotonic nanoseconds since an arbitrary start (the TSC through its calibrated rate; an
 * estimate before calibration). */
uint64_t time_ns(void);

#endif
