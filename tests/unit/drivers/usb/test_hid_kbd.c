// SPDX-License-Identifier: MIT
/*
 * Host tests of the HID boot keyboard differ and typematic repeat
 * (src/drivers/usb/hid_kbd.c): presses and releases from report pairs with usage IDs in any
 * order and repeated, ErrorRollOver keeping the keys held but not the modifiers, several keys
 * held, modifiers (Shift before the
 * letter it shifts), the usage table against the set-1 key codes, and the repeat state
 * machine with time passed in (500 ms delay, 30 Hz, no burst after a stall).
 */
#include <string.h>
#include "../../unit.h"
#include "../../../../src/drivers/usb/hid_kbd.h"

static struct hid_key_event ev[HID_KBD_MAX_EVENTS];

static size_t feed(struct hid_kbd_state *s, uint8_t mods, uint8_t k0, uint8_t k1, uint8_t k2, uint8_t k3,
		   uint8_t k4, uint8_t k5)
{
	const uint8_t r[8] = {mods, 0, k0, k1, k2, k3, k4, k5};

	return hid_kbd_diff(s, r, sizeof(r), ev);
}

/* Event i of the last report: key k, pressed (down true) or released. */
#define CHECK_EV(i, k, down)                                                             \
	do {                                                                             \
		CHECK_EQ(ev[i].key, k);                                                  \
		CHECK_EQ(ev[i].pressed, down);                                           \
	} while (0)

static void press_release(void)
{
	struct hid_kbd_state s = {0};

	CHECK_EQ(feed(&s, 0, 0x04, 0, 0, 0, 0, 0), 1); /* a */
	CHECK_EV(0, KEY_A, true);
	CHECK_EQ(feed(&s, 0, 0x04, 0, 0, 0, 0, 0), 0); /* same report: nothing */
	CHECK_EQ(feed(&s, 0, 0, 0, 0, 0, 0, 0), 1);
	CHECK_EV(0, KEY_A, false);
}

static void any_order_and_rollover(void)
{
	struct hid_kbd_state s = {0};

	CHECK_EQ(feed(&s, 0, 0x04, 0x05, 0, 0, 0, 0), 2); /* a b */
	/* same keys, other order, a third in front: one press */
	CHECK_EQ(feed(&s, 0, 0x06, 0x05, 0x04, 0, 0, 0), 1);
	CHECK_EV(0, KEY_C, true);
	/* ErrorRollOver: a phantom state, nothing changes */
	CHECK_EQ(feed(&s, 0, 1, 1, 1, 1, 1, 1), 0);
	CHECK_EQ(feed(&s, 0, 0x06, 0x05, 0x04, 0, 0, 0), 0);
	/* a released while b c stay held; the release comes before the new press of d */
	CHECK_EQ(feed(&s, 0, 0x05, 0x07, 0x06, 0, 0, 0), 2);
	CHECK_EV(0, KEY_A, false);
	CHECK_EV(1, KEY_D, true);
	/* repeated usage IDs count once */
	CHECK_EQ(feed(&s, 0, 0x05, 0x05, 0x07, 0x07, 0x06, 0x06), 0);
	/* six keys held at once */
	CHECK_EQ(feed(&s, 0, 0x05, 0x07, 0x06, 0x08, 0x09, 0x0a), 3);
	/* unknown usages give no event but do not stop the others */
	CHECK_EQ(feed(&s, 0, 0xa5, 0, 0, 0, 0, 0), 6);
	/* a short report is ignored */
	CHECK_EQ(hid_kbd_diff(&s, (const uint8_t[]){0, 0}, 2, ev), 0);
}

/* A rollover report keeps the key set but its modifier byte counts (HID 1.11 appendix C: a
 * boot keyboard still reports its modifiers in the phantom state). 'a' and 'b' held, then
 * rollover with left Shift: only the Shift press; rollover again with Shift let go and
 * right Ctrl down: the Shift release, then the Ctrl press; 'a' and 'b' still held (the
 * next report holding them alone gives nothing but Ctrl's release). The same with
 * POSTFail and ErrorUndefined in a slot. Before: every such report was dropped whole, so a
 * Shift pressed or let go while more than six keys were held never counted. */
static void rollover_takes_modifiers(void)
{
	struct hid_kbd_state s = {0};

	CHECK_EQ(feed(&s, 0, 0x04, 0x05, 0, 0, 0, 0), 2); /* a b */
	CHECK_EQ(feed(&s, 0x02, 1, 1, 1, 1, 1, 1), 1);
	CHECK_EV(0, KEY_LEFTSHIFT, true);
	CHECK_EQ(feed(&s, 0x10, 1, 1, 1, 1, 1, 1), 2);
	CHECK_EV(0, KEY_LEFTSHIFT, false);
	CHECK_EV(1, KEY_RIGHTCTRL, true);
	CHECK_EQ(feed(&s, 0, 0x04, 0x05, 0, 0, 0, 0), 1);
	CHECK_EV(0, KEY_RIGHTCTRL, false);
	for (uint8_t e = HID_USAGE_POST_FAIL; e <= HID_USAGE_ERR_UNDEFINED; e++) {
		CHECK_EQ(feed(&s, 0x01, 0x04, e, 0, 0, 0, 0), 1);
		CHECK_EV(0, KEY_LEFTCTRL, true);
		CHECK_EQ(feed(&s, 0, e, e, e, e, e, e), 1);
		CHECK_EV(0, KEY_LEFTCTRL, false);
	}
	CHECK_EQ(feed(&s, 0, 0, 0, 0, 0, 0, 0), 2); /* a b let go at last */
	CHECK_EV(0, KEY_A, false);
	CHECK_EV(1, KEY_B, false);
}

static void modifiers(void)
{
	struct hid_kbd_state s = {0};

	/* left Shift and a in one report: Shift first, so the decoder types 'A' */
	CHECK_EQ(feed(&s, 0x02, 0x04, 0, 0, 0, 0, 0), 2);
	CHECK_EV(0, KEY_LEFTSHIFT, true);
	CHECK_EV(1, KEY_A, true);
	/* Shift up, right Alt (AltGr) down */
	CHECK_EQ(feed(&s, 0x40, 0x04, 0, 0, 0, 0, 0), 2);
	CHECK_EV(0, KEY_LEFTSHIFT, false);
	CHECK_EV(1, KEY_RIGHTALT, true);
	/* everything released: modifiers, then keys */
	CHECK_EQ(feed(&s, 0, 0, 0, 0, 0, 0, 0), 2);
	CHECK_EV(0, KEY_RIGHTALT, false);
	CHECK_EV(1, KEY_A, false);
	CHECK_EQ(feed(&s, 0xff, 0, 0, 0, 0, 0, 0), 8);
	CHECK_EV(3, KEY_LEFTMETA, true);
	CHECK_EV(7, KEY_RIGHTMETA, true);
}

static void usage_table(void)
{
	CHECK_EQ(hid_usage_to_key(0x1d), KEY_Z);
	CHECK_EQ(hid_usage_to_key(0x1e), KEY_1);
	CHECK_EQ(hid_usage_to_key(0x27), KEY_0);
	CHECK_EQ(hid_usage_to_key(0x28), KEY_ENTER);
	CHECK_EQ(hid_usage_to_key(0x35), KEY_GRAVE);
	CHECK_EQ(hid_usage_to_key(0x39), KEY_CAPSLOCK);
	CHECK_EQ(hid_usage_to_key(0x45), KEY_F12);
	CHECK_EQ(hid_usage_to_key(0x52), KEY_UP);
	CHECK_EQ(hid_usage_to_key(0x58), KEY_KPENTER);
	CHECK_EQ(hid_usage_to_key(0x64), KEY_102ND);
	CHECK_EQ(hid_usage_to_key(0x00), KEY_NONE);
	CHECK_EQ(hid_usage_to_key(0xff), KEY_NONE);
	/* every letter usage names a distinct letter key */
	for (int u = 0x04; u <= 0x1d; u++)
		for (int v = u + 1; v <= 0x1d; v++)
			CHECK(hid_usage_to_key((uint8_t)u) != hid_usage_to_key((uint8_t)v));
	CHECK_EQ(hid_leds_from_kbd(KBD_LED_CAPSLOCK), HID_LED_CAPSLOCK);
	CHECK_EQ(hid_leds_from_kbd(KBD_LED_NUMLOCK | KBD_LED_SCROLLLOCK), HID_LED_NUMLOCK | HID_LED_SCROLLLOCK);
}

static void typematic(void)
{
	struct hid_repeat r;
	struct hid_key_event a = {KEY_A, true}, a_up = {KEY_A, false}, b = {KEY_B, true};
	struct hid_key_event shift = {KEY_LEFTSHIFT, true};
	uint16_t key = 0;
	int n = 0;

	hid_repeat_init(&r, 500, 30);
	hid_repeat_event(&r, &a, 1000000);
	CHECK(!hid_repeat_poll(&r, 1000000 + 499999, &key));
	CHECK(hid_repeat_poll(&r, 1500000, &key));
	CHECK_EQ(key, KEY_A);
	CHECK(!hid_repeat_poll(&r, 1500001, &key)); /* one per period */
	/* one second at a 1 ms tick: 30 repeats */
	for (uint64_t t = 1500000; t < 2500000; t += 1000)
		n += hid_repeat_poll(&r, t, &key);
	CHECK(n >= 29 && n <= 31);
	/* Shift pressed meanwhile does not take over */
	hid_repeat_event(&r, &shift, 2500000);
	CHECK(hid_repeat_poll(&r, 2600000, &key) && key == KEY_A);
	/* b takes over with a fresh delay; a's release does not stop b */
	hid_repeat_event(&r, &b, 3000000);
	hid_repeat_event(&r, &a_up, 3000000);
	CHECK(!hid_repeat_poll(&r, 3400000, &key));
	CHECK(hid_repeat_poll(&r, 3500000, &key) && key == KEY_B);
	/* a stalled caller gets one repeat, not a burst */
	CHECK(hid_repeat_poll(&r, 9000000, &key));
	CHECK(!hid_repeat_poll(&r, 9000001, &key));
	hid_repeat_stop(&r);
	CHECK(!hid_repeat_poll(&r, 99000000, &key));
}

int main(void)
{
	RUN(press_release);
	RUN(any_order_and_rollover);
	RUN(rollover_takes_modifiers);
	RUN(modifiers);
	RUN(usage_table);
	RUN(typematic);
	return unit_summary();
}
