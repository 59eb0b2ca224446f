// SPDX-License-Identifier: MIT
/*
 * The 8253/8254 programmable interval timer (Intel 8254 data sheet): channel 2 as a
 * calibration reference read by polling, with no interrupt (its gate is bit 0 of port 0x61,
 * the speaker kept off), and channel 0 as the TIMER_HZ tick on IRQ 0 when no local APIC is
 * usable. Many recent chipsets clock-gate the PIT (the registers answer, the count never
 * moves) and QEMU's pit=off removes it: clock_calibrate's frozen-counter check rejects it
 * then, and the tick comes from the local APIC.
 */
#include <arch/io.h>
#include <lios/irq.h>
#include <lios/timer.h>
#include "time_internal.h"

#define PIT_CH0_DATA 0x40
#define PIT_CH2_DATA 0x42
#define PIT_MODE_CMD 0x43
#define PIT_SEL_CH0 0x00          /* select counter 0 (bits 7-6) */
#define PIT_SEL_CH2 0x80          /* select counter 2 */
#define PIT_RW_LATCH 0x00         /* counter latch command (bits 5-4) */
#define PIT_RW_LOHI 0x30          /* read/write low byte then high byte */
#define PIT_MODE_RATE_GEN 0x04    /* mode 2: one pulse every 'divisor' input clocks */
#define PIT_MODE_TERMINAL 0x00    /* mode 0: waits for a count, then counts it down once */
#define PIT_BINARY 0x00
#define PIT_DIVISOR ((PIT_INPUT_HZ + TIMER_HZ / 2) / TIMER_HZ)
#define PIT_FREE_RUN 0            /* a count of 0 is 65536: the longest period */

#define PORT_B 0x61               /* NMI status and control */
#define PORT_B_T2_GATE 0x01       /* timer 2 gate */
#define PORT_B_SPKR_DATA 0x02     /* speaker data enable */

static uint64_t pit_ch2_read(void *ctx)
{
	uint8_t lo, hi;

	(void)ctx;
	outb(PIT_MODE_CMD, PIT_SEL_CH2 | PIT_RW_LATCH);
	lo = inb(PIT_CH2_DATA);
	hi = inb(PIT_CH2_DATA);
	/* the counter runs down: its negation counts up */
	return (uint16_t)(0u - (uint16_t)(lo | hi << 8));
}

/*
 * pit_ch2_ref_init - gate channel 2 on with the speaker off, run it as a 65536-count rate
 * generator and describe it in *ref (16 bits, 1.193182 MHz). Whether it counts is for
 * clock_calibrate to find out. Boot, interrupts off.
 */
void pit_ch2_ref_init(struct clock_ref *ref)
{
	outb(PORT_B, (uint8_t)((inb(PORT_B) & ~PORT_B_SPKR_DATA) | PORT_B_T2_GATE));
	outb(PIT_MODE_CMD, PIT_SEL_CH2 | PIT_RW_LOHI | PIT_MODE_RATE_GEN | PIT_BINARY);
	outb(PIT_CH2_DATA, PIT_FREE_RUN & 0xff);
	outb(PIT_CH2_DATA, PIT_FREE_RUN >> 8);
	ref->name = "PIT channel 2";
	ref->hz = PIT_INPUT_HZ;
	ref->bits = 16;
	ref->read = pit_ch2_read;
	ref->ctx = NULL;
}

/* pit_ch2_release - gate channel 2 off again. Boot. */
void pit_ch2_release(void)
{
	outb(PORT_B, (uint8_t)(inb(PORT_B) & ~(PORT_B_T2_GATE | PORT_B_SPKR_DATA)));
}

static void pit_tick_irq(unsigned int irq, void *ctx)
{
	(void)irq, (void)ctx;
	tick_account();
}

/*
 * pit_tick_start - channel 0 as a TIMER_HZ rate generator on IRQ 0. Returns 0, or the
 * irq_register error (the line is not routable or taken). Boot, interrupts off.
 */
int pit_tick_start(void)
{
	outb(PIT_MODE_CMD, PIT_SEL_CH0 | PIT_RW_LOHI | PIT_MODE_RATE_GEN | PIT_BINARY);
	outb(PIT_CH0_DATA, PIT_DIVISOR & 0xff);
	outb(PIT_CH0_DATA, PIT_DIVISOR >> 8);
	return irq_register(IRQ_TIMER, pit_tick_irq, NULL);
}

/* pit_tick_stop - IRQ 0 masked and released, channel 0 held in mode 0 with no count loaded
 * (it waits for one, its output low). Interrupts off. */
void pit_tick_stop(void)
{
	irq_unregister(IRQ_TIMER);
	outb(PIT_MODE_CMD, PIT_SEL_CH0 | PIT_RW_LOHI | PIT_MODE_TERMINAL | PIT_BINARY);
}

/* pit_ch0_count - channel 0's current count (latched; counts down from the divisor), for
 * the tick self-test. Any context. */
uint32_t pit_ch0_count(void)
{
	uint8_t lo, hi;

	outb(PIT_MODE_CMD, PIT_SEL_CH0 | PIT_RW_LATCH);
	lo = inb(PIT_CH0_DATA);
	hi = inb(PIT_CH0_DATA);
	return (uint32_t)(lo | hi << 8);
}

/* pit_tick_divisor - the count channel 0 reloads for each tick; PIT_INPUT_HZ counts per
 * second. Pure. */
uint32_t pit_tick_divisor(void) { return PIT_DIVISOR; }
