// SPDX-License-Identifier: MIT
/*
 * Time keeping on the 8253/8254 programmable interval timer: channel 0 as a rate generator
 * raising IRQ 0 at TIMER_HZ, the tick count, and the cycle counter (TSC) calibrated against
 * the PIT so drivers can measure microseconds with interrupts disabled. Port and mode names
 * follow the Intel 8254 data sheet.
 *
 * Invariant: ticks only grows, and only in the IRQ 0 handler; readers on this single CPU
 * read it with one 64-bit load.
 */
#include <arch/cpu.h>
#include <arch/io.h>
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/irq.h>
#include <lios/printk.h>
#include <lios/timer.h>

#define PIT_CH0_DATA 0x40
#define PIT_MODE_CMD 0x43
#define PIT_SEL_CH0 0x00          /* select counter 0 (bits 7-6) */
#define PIT_RW_LATCH 0x00         /* counter latch command (bits 5-4) */
#define PIT_RW_LOHI 0x30          /* read/write low byte then high byte */
#define PIT_MODE_RATE_GEN 0x04    /* mode 2: one pulse every 'divisor' input clocks */
#define PIT_BINARY 0x00
#define PIT_INPUT_HZ 1193182u     /* 14.31818 MHz / 12 */
#define PIT_DIVISOR ((PIT_INPUT_HZ + TIMER_HZ / 2) / TIMER_HZ)

#define CALIBRATION_PERIODS 10    /* PIT periods (10 ms at 1000 Hz) to time the TSC over */
#define CALIBRATION_MAX_READS 2000000u /* no PIT at all: give up instead of hanging */

static volatile uint64_t ticks;
static uint64_t tsc_start;      /* TSC at timer_init */
static uint64_t tsc_khz;        /* 0: not calibrated */

static uint16_t pit_read_count(void)
{
	uint8_t lo, hi;

	outb(PIT_MODE_CMD, PIT_SEL_CH0 | PIT_RW_LATCH);
	lo = inb(PIT_CH0_DATA);
	hi = inb(PIT_CH0_DATA);
	return (uint16_t)(lo | hi << 8);
}

/* Count CALIBRATION_PERIODS reloads of channel 0 (the count jumps up when it restarts) and
 * time them with the TSC. Returns the TSC rate in kHz, 0 when the PIT does not count. */
static uint64_t calibrate_tsc(void)
{
	uint16_t prev = pit_read_count();
	uint64_t t0 = 0, t1;
	unsigned int wraps = 0;

	for (uint32_t reads = 0; reads < CALIBRATION_MAX_READS; reads++) {
		uint16_t now = pit_read_count();

		if (now > prev) {
			if (wraps == 0)
				t0 = rdtsc();
			if (wraps++ == CALIBRATION_PERIODS) {
				t1 = rdtsc();
				/* cycles per PIT period * PIT periods per second / 1000 */
				return (t1 - t0) * PIT_INPUT_HZ / PIT_DIVISOR / CALIBRATION_PERIODS / 1000;
			}
		}
		prev = now;
	}
	return 0;
}

#define TIMER_TICK_HOOKS 4
static void (*tick_hooks[TIMER_TICK_HOOKS])(void);

static void timer_irq(unsigned int irq, void *ctx)
{
	ticks++;
	for (int i = 0; i < TIMER_TICK_HOOKS; i++)
		if (tick_hooks[i])
			tick_hooks[i]();
}

/*
 * timer_add_tick_hook - run fn on every tick, in the IRQ 0 handler (interrupts off: it must
 * be short and never wait). For drivers that poll their device (the USB stack). Returns 0,
 * or -ENOSPC when TIMER_TICK_HOOKS are taken. Any context.
 */
int timer_add_tick_hook(void (*fn)(void))
{
	uint64_t flags = arch_irq_save();
	int err = -ENOSPC;

	for (int i = 0; i < TIMER_TICK_HOOKS; i++)
		if (!tick_hooks[i]) {
			tick_hooks[i] = fn;
			err = 0;
			break;
		}
	arch_irq_restore(flags);
	return err;
}

/*
 * timer_init - program PIT channel 0 as a TIMER_HZ rate generator, calibrate the TSC
 * against it (about 10 ms, by polling) and register the IRQ 0 handler.
 * Boot, after irq_init(), with interrupts disabled.
 */
void timer_init(void)
{
	int err;

	outb(PIT_MODE_CMD, PIT_SEL_CH0 | PIT_RW_LOHI | PIT_MODE_RATE_GEN | PIT_BINARY);
	outb(PIT_CH0_DATA, PIT_DIVISOR & 0xff);
	outb(PIT_CH0_DATA, PIT_DIVISOR >> 8);

	tsc_khz = calibrate_tsc();
	tsc_start = rdtsc();
	err = irq_register(IRQ_TIMER, timer_irq, NULL);
	if (err)
		printk(KERN_ERR "timer: IRQ 0 not available (%d)\n", err);
	if (tsc_khz)
		printk("timer: PIT %u Hz, TSC %lu.%03lu MHz\n", PIT_INPUT_HZ / PIT_DIVISOR,
		       tsc_khz / 1000, tsc_khz % 1000);
	else
		printk(KERN_WARN "timer: PIT %u Hz, TSC not calibrated (PIT does not count)\n",
		       PIT_INPUT_HZ / PIT_DIVISOR);
}

/* timer_ticks - IRQ 0 ticks since timer_init. Any context. */
uint64_t timer_ticks(void) { return ticks; }

/* timer_cycles_khz - the TSC rate measured at timer_init, 0 if it failed. Any context. */
uint64_t timer_cycles_khz(void) { return tsc_khz; }

/*
 * timer_uptime_ms - milliseconds from the tick count (the PIT runs at 1193182/PIT_DIVISOR
 * Hz, not exactly TIMER_HZ, so convert through the divisor). Any context.
 */
uint64_t timer_uptime_ms(void)
{
	return ticks * PIT_DIVISOR * 1000 / PIT_INPUT_HZ;
}

/*
 * timer_uptime_us - microseconds since timer_init from the TSC; falls back to the tick
 * count when the TSC could not be calibrated, and 0 before timer_init. Any context.
 */
uint64_t timer_uptime_us(void)
{
	if (!tsc_khz)
		return timer_uptime_ms() * 1000;
	return (rdtsc() - tsc_start) * 1000 / tsc_khz;
}

/*
 * timer_delay_us - spin for at least us microseconds. Any context after timer_init; without
 * a calibrated TSC it waits on the tick (interrupts must then be enabled).
 */
void timer_delay_us(uint64_t us)
{
	uint64_t end = timer_uptime_us() + us;

	if (!tsc_khz)
		end += 1000; /* tick granularity */
	while (timer_uptime_us() < end)
		cpu_pause();
}

/*
 * timer_sleep_ms - wait at least ms milliseconds; halts until each tick when interrupts
 * are enabled, spins otherwise. Thread context.
 */
void timer_sleep_ms(uint64_t ms)
{
	uint64_t end;

	if (!(read_rflags() & RFLAGS_IF)) {
		timer_delay_us(ms * 1000);
		return;
	}
	end = timer_uptime_us() + ms * 1000;
	while (timer_uptime_us() < end)
		arch_wait_for_interrupt();
}
