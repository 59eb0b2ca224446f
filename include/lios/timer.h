/* SPDX-License-Identifier: MIT */
/*
 * Time (src/arch/x86_64/cpu/timer.c): a periodic tick from the PIT at TIMER_HZ, uptime, and
 * the waits drivers use for their timeouts. The cycle counter is calibrated against the PIT
 * at init, so timer_uptime_us() and timer_delay_us() also work with interrupts disabled.
 */
#ifndef LIOS_TIMER_H
#define LIOS_TIMER_H

#include <lios/compiler.h>

#define TIMER_HZ 1000 /* ticks per second */

/* Program PIT channel 0 for TIMER_HZ, calibrate the cycle counter against it and hook
 * IRQ 0. Needs irq_init(); the tick runs once interrupts are enabled. */
void timer_init(void);
/* Ticks since timer_init (advance only while interrupts are enabled). */
uint64_t timer_ticks(void);
/* Milliseconds since timer_init, from the tick. */
uint64_t timer_uptime_ms(void);
/* Microseconds since timer_init, from the cycle counter: any context, interrupts off too.
 * 0 before timer_init. */
uint64_t timer_uptime_us(void);
/* Busy-wait at least us microseconds. Any context, after timer_init. */
void timer_delay_us(uint64_t us);
/* Wait at least ms milliseconds, halting between ticks when interrupts are enabled.
 * Thread context. */
void timer_sleep_ms(uint64_t ms);
/* Run fn on every tick, inside the IRQ 0 handler (interrupts off: short, never waits).
 * Returns 0 or -ENOSPC (4 hooks at most). Any context. */
int timer_add_tick_hook(void (*fn)(void));
/* The calibrated cycle counter rate in kHz (0 if calibration failed). */
uint64_t timer_cycles_khz(void);

#endif
