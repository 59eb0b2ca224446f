// SPDX-License-Identifier: MIT
/*
 * In-kernel self-tests of the keyboard path past the 8042: bytes queued in the ring are
 * decoded into events in order, and a full ring drops new bytes instead of overwriting.
 * Bytes are injected with kbd_inject_byte(), so no key has to be pressed.
 */
#include <lios/arch.h>
#include <lios/irq.h>
#include <lios/kbd.h>
#include <lios/selftest.h>

#define RING_BYTES 256 /* KBD_RING_SIZE in kbd.c */
#define PS2_ACK 0xfa   /* a controller reply: queued, decodes to no event */

static void drain(void)
{
	struct kbd_event ev;

	while (kbd_poll_event(&ev))
		;
}

/* "a" pressed and released, then Shift+B, come out as four events with the right
 * characters and modifiers, and the ring is empty afterwards. */
KTEST(kbd, ring_decodes_in_order)
{
	static const uint8_t bytes[] = {0x1e, 0x9e, 0x2a, 0x30, 0xb0, 0xaa};
	struct kbd_event ev;
	const struct kbd_layout *saved = kbd_get_layout();

	drain();
	KASSERT(kbd_set_layout("us") == 0);
	for (size_t i = 0; i < ARRAY_SIZE(bytes); i++)
		kbd_inject_byte(bytes[i]);
	KEXPECT(kbd_poll_event(&ev) && ev.key == KEY_A && ev.pressed && ev.ch == 'a');
	KEXPECT(kbd_poll_event(&ev) && ev.key == KEY_A && !ev.pressed);
	KEXPECT(kbd_poll_event(&ev) && ev.key == KEY_LEFTSHIFT && (ev.mods & KBD_MOD_LSHIFT));
	KEXPECT(kbd_poll_event(&ev) && ev.key == KEY_B && ev.ch == 'B');
	KEXPECT(kbd_poll_event(&ev) && ev.key == KEY_B && !ev.pressed);
	KEXPECT(kbd_poll_event(&ev) && ev.key == KEY_LEFTSHIFT && !(ev.mods & KBD_MOD_SHIFT));
	KEXPECT(!kbd_poll_event(&ev));
	kbd_set_layout(saved->name);
}

/* 300 bytes into the 256-byte ring with interrupts off: exactly 44 are dropped and
 * counted, and what was queued drains completely. */
KTEST(kbd, full_ring_drops_new_bytes)
{
	uint64_t flags, dropped0;

	drain();
	flags = arch_irq_save();
	dropped0 = kbd_dropped();
	for (int i = 0; i < RING_BYTES + 44; i++)
		kbd_inject_byte(PS2_ACK);
	KEXPECT(kbd_dropped() == dropped0 + 44);
	arch_irq_restore(flags);
	drain();
	KEXPECT(!kbd_has_input());
}

/* The 8042's first-port line has a handler and is unmasked exactly when a keyboard was
 * found. */
KTEST(kbd, irq_line_matches_presence)
{
	KEXPECT(irq_has_handler(IRQ_KEYBOARD) == kbd_present());
	KEXPECT(!(irq_mask_state() & (1u << IRQ_KEYBOARD)) == kbd_present());
}
