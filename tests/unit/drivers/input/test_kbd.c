// SPDX-License-Identifier: MIT
/*
 * Host tests of the kernel keyboard (src/drivers/input/kbd.c) on top of the real 8042
 * driver (ps2.c) and the simulated controller and keyboard of ps2_sim.c. The interrupt
 * controller is stubbed here: irq_register keeps the handler, irq_mask/irq_unmask keep the
 * line's state. No interrupt is ever delivered by itself: a byte that reaches the 8042
 * while IRQ 1 is masked raises its edge then, and an edge-triggered line (the I/O APIC's
 * ISA inputs) does not signal it after the unmask, so the driver must take it itself.
 */
#include <lios/acpi.h>
#include <lios/arch.h>
#include <lios/irq.h>
#include <lios/kbd.h>
#include <lios/ps2.h>
#include <lios/timer.h>
#include "../../unit.h"
#include "ps2_sim.h"

/* ------------------------------------------------------------------ stubs */

static irq_handler_fn irq1_handler;
static bool irq1_masked = true;
static unsigned irq1_unmasks;

int irq_register(unsigned int irq, irq_handler_fn fn, void *ctx)
{
	(void)ctx;
	if (irq != IRQ_KEYBOARD)
		return -1;
	irq1_handler = fn;
	irq1_masked = false;
	return 0;
}

void irq_unregister(unsigned int irq)
{
	(void)irq;
	irq1_handler = NULL;
	irq1_masked = true;
}

void irq_mask(unsigned int irq) { irq1_masked = irq == IRQ_KEYBOARD ? true : irq1_masked; }

void irq_unmask(unsigned int irq)
{
	if (irq == IRQ_KEYBOARD) {
		irq1_masked = false;
		irq1_unmasks++;
	}
}

const struct acpi_info *acpi_get_info(void) { return NULL; }

uint64_t timer_uptime_us(void) { return sim.now_us; }

/* ------------------------------------------------------------------ cases */

/* 1. Caps Lock is pressed; while kbd.c sends the LED update with IRQ 1 masked, the user
 * types 'a', whose make code (0x1e) reaches the 8042 right behind the acknowledge of the
 * LED byte, before the unmask. Expected: the LEDs are set, IRQ 1 is unmasked again, and the
 * 'a' press is delivered without any interrupt (its edge came while masked), leaving the
 * output buffer empty so later keys can raise IRQ 1. An interrupt that does come later
 * finds nothing (no byte taken twice, no read of an empty buffer). */
static void test_key_during_led_update(void)
{
	struct kbd_event ev;

	sim_reset();
	host_irq_state = 1;
	CHECK_EQ(kbd_init(), 0);
	CHECK(kbd_present());
	CHECK(irq1_handler != NULL && !irq1_masked);

	sim.kbd_key_after_arg = KEY_A;
	kbd_inject_byte(KEY_CAPSLOCK);
	CHECK(kbd_poll_event(&ev));
	CHECK_EQ(ev.key, KEY_CAPSLOCK);
	CHECK_EQ(sim.kbd_leds, KBD_LED_CAPSLOCK);
	CHECK(!irq1_masked);
	CHECK_EQ(host_irq_state, 1);

	CHECK(kbd_poll_event(&ev));
	CHECK_EQ(ev.key, KEY_A);
	CHECK(ev.pressed);
	CHECK_EQ(ev.ch, 'A');
	CHECK(!ps2_kbd_byte_ready());

	irq1_handler(IRQ_KEYBOARD, NULL); /* a late IRQ 1 */
	CHECK(!kbd_poll_event(&ev));
	CHECK_EQ(kbd_dropped(), 0);
	CHECK_EQ(sim.violations, 0);
}

int main(void)
{
	RUN(test_key_during_led_update);
	return unit_summary();
}
