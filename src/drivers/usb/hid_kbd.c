// SPDX-License-Identifier: MIT
/*
 * HID boot keyboard reports to key events, and typematic repeat. A boot report is a
 * snapshot of what is held (modifier bits, up to six usage IDs in no particular order), so
 * the events are the difference between two snapshots: a usage in the old report and not in
 * the new one is a release, the reverse a press. Releases come first so a fast "a then b"
 * roll-over reads as typed. A report carrying an error usage (the keyboard's "too many
 * keys") is a phantom state: its key slots say nothing, so the previous keys stay held, but
 * its modifier byte is still true (HID 1.11 appendix C) and is taken, so a Shift pressed
 * or let go while too many keys are down counts.
 *
 * Usages map to LiOS key codes (set-1 positions, <lios/kbd.h>), so the layouts, dead keys
 * and the line editor see a USB key exactly as the same key on PS/2.
 */
#include <lios/string.h>
#include "hid_kbd.h"

/* Usage IDs 0x04-0x67 of page 0x07 (HID Usage Tables 1.12, table 12) to key codes. */
static const uint16_t usage_keys[0x68] = {
	[0x04] = KEY_A, [0x05] = KEY_B, [0x06] = KEY_C, [0x07] = KEY_D, [0x08] = KEY_E,
	[0x09] = KEY_F, [0x0a] = KEY_G, [0x0b] = KEY_H, [0x0c] = KEY_I, [0x0d] = KEY_J,
	[0x0e] = KEY_K, [0x0f] = KEY_L, [0x10] = KEY_M, [0x11] = KEY_N, [0x12] = KEY_O,
	[0x13] = KEY_P, [0x14] = KEY_Q, [0x15] = KEY_R, [0x16] = KEY_S, [0x17] = KEY_T,
	[0x18] = KEY_U, [0x19] = KEY_V, [0x1a] = KEY_W, [0x1b] = KEY_X, [0x1c] = KEY_Y,
	[0x1d] = KEY_Z,
	[0x1e] = KEY_1, [0x1f] = KEY_2, [0x20] = KEY_3, [0x21] = KEY_4, [0x22] = KEY_5,
	[0x23] = KEY_6, [0x24] = KEY_7, [0x25] = KEY_8, [0x26] = KEY_9, [0x27] = KEY_0,
	[0x28] = KEY_ENTER, [0x29] = KEY_ESC, [0x2a] = KEY_BACKSPACE, [0x2b] = KEY_TAB,
	[0x2c] = KEY_SPACE, [0x2d] = KEY_MINUS, [0x2e] = KEY_EQUAL, [0x2f] = KEY_LEFTBRACE,
	[0x30] = KEY_RIGHTBRACE, [0x31] = KEY_BACKSLASH,
	[0x32] = KEY_BACKSLASH, /* Non-US # ~: the ISO key at the US backslash's scan code */
	[0x33] = KEY_SEMICOLON, [0x34] = KEY_APOSTROPHE, [0x35] = KEY_GRAVE, [0x36] = KEY_COMMA,
	[0x37] = KEY_DOT, [0x38] = KEY_SLASH, [0x39] = KEY_CAPSLOCK,
	[0x3a] = KEY_F1, [0x3b] = KEY_F2, [0x3c] = KEY_F3, [0x3d] = KEY_F4, [0x3e] = KEY_F5,
	[0x3f] = KEY_F6, [0x40] = KEY_F7, [0x41] = KEY_F8, [0x42] = KEY_F9, [0x43] = KEY_F10,
	[0x44] = KEY_F11, [0x45] = KEY_F12,
	[0x46] = KEY_PRINT, [0x47] = KEY_SCROLLLOCK, [0x48] = KEY_PAUSE, [0x49] = KEY_INSERT,
	[0x4a] = KEY_HOME, [0x4b] = KEY_PAGEUP, [0x4c] = KEY_DELETE, [0x4d] = KEY_END,
	[0x4e] = KEY_PAGEDOWN, [0x4f] = KEY_RIGHT, [0x50] = KEY_LEFT, [0x51] = KEY_DOWN,
	[0x52] = KEY_UP, [0x53] = KEY_NUMLOCK,
	[0x54] = KEY_KPSLASH, [0x55] = KEY_KPASTERISK, [0x56] = KEY_KPMINUS, [0x57] = KEY_KPPLUS,
	[0x58] = KEY_KPENTER, [0x59] = KEY_KP1, [0x5a] = KEY_KP2, [0x5b] = KEY_KP3,
	[0x5c] = KEY_KP4, [0x5d] = KEY_KP5, [0x5e] = KEY_KP6, [0x5f] = KEY_KP7, [0x60] = KEY_KP8,
	[0x61] = KEY_KP9, [0x62] = KEY_KP0, [0x63] = KEY_KPDOT,
	[0x64] = KEY_102ND, /* Non-US \ |: the ISO key left of Z */
	[0x65] = KEY_COMPOSE, [0x66] = KEY_POWER,
};

/* Modifier byte bits 0-7 (HID 1.11 B.1): left Ctrl, Shift, Alt, GUI, then the right ones. */
static const uint16_t modifier_keys[8] = {
	KEY_LEFTCTRL, KEY_LEFTSHIFT, KEY_LEFTALT, KEY_LEFTMETA,
	KEY_RIGHTCTRL, KEY_RIGHTSHIFT, KEY_RIGHTALT, KEY_RIGHTMETA,
};

/* hid_usage_to_key - key code of a page-0x07 usage ID, KEY_NONE if unknown. Pure. */
uint16_t hid_usage_to_key(uint8_t u)
{
	return u < ARRAY_SIZE(usage_keys) ? usage_keys[u] : KEY_NONE;
}

static bool holds(const uint8_t *keys, uint8_t u)
{
	for (int i = 0; i < HID_KBD_KEYS; i++)
		if (keys[i] == u)
			return true;
	return false;
}

/* Take the usage slots of a report: error usages make it a phantom state (false), zeros and
 * repeats are dropped, so each held usage appears once. */
static bool take_keys(const uint8_t *report, size_t len, uint8_t *keys)
{
	size_t n = MIN(len, (size_t)HID_KBD_REPORT_SIZE);
	int k = 0;

	memset(keys, 0, HID_KBD_KEYS);
	for (size_t i = 2; i < n; i++) {
		uint8_t u = report[i];

		if (u >= HID_USAGE_ERR_ROLLOVER && u <= HID_USAGE_ERR_UNDEFINED)
			return false;
		if (u && !holds(keys, u))
			keys[k++] = u;
	}
	return true;
}

/*
 * hid_kbd_diff - the key events between the previous report in *s and this one (see
 * hid_kbd.h). ev must have room for HID_KBD_MAX_EVENTS. Pure.
 */
size_t hid_kbd_diff(struct hid_kbd_state *s, const uint8_t *report, size_t len, struct hid_key_event *ev)
{
	uint8_t keys[HID_KBD_KEYS];
	uint8_t mods, changed;
	size_t n = 0;

	if (len < 3)
		return 0;
	if (!take_keys(report, len, keys))
		memcpy(keys, s->keys, HID_KBD_KEYS); /* phantom: the keys stand, the modifiers count */
	mods = report[0];
	changed = mods ^ s->mods;
	/* releases: modifiers let go, then keys no longer held */
	for (int b = 0; b < 8; b++)
		if ((changed & (1u << b)) && !(mods & (1u << b)))
			ev[n++] = (struct hid_key_event){modifier_keys[b], false};
	for (int i = 0; i < HID_KBD_KEYS; i++)
		if (s->keys[i] && !holds(keys, s->keys[i]) && hid_usage_to_key(s->keys[i]))
			ev[n++] = (struct hid_key_event){hid_usage_to_key(s->keys[i]), false};
	/* presses: modifiers first, so Shift+a in one report types 'A' */
	for (int b = 0; b < 8; b++)
		if ((changed & (1u << b)) && (mods & (1u << b)))
			ev[n++] = (struct hid_key_event){modifier_keys[b], true};
	for (int i = 0; i < HID_KBD_KEYS; i++)
		if (keys[i] && !holds(s->keys, keys[i]) && hid_usage_to_key(keys[i]))
			ev[n++] = (struct hid_key_event){hid_usage_to_key(keys[i]), true};
	s->mods = mods;
	memcpy(s->keys, keys, HID_KBD_KEYS);
	return n;
}

/* hid_leds_from_kbd - PS/2-order LED bits to the HID output report's. Pure. */
uint8_t hid_leds_from_kbd(uint8_t kbd_leds)
{
	return (uint8_t)((kbd_leds & KBD_LED_NUMLOCK ? HID_LED_NUMLOCK : 0) |
			 (kbd_leds & KBD_LED_CAPSLOCK ? HID_LED_CAPSLOCK : 0) |
			 (kbd_leds & KBD_LED_SCROLLLOCK ? HID_LED_SCROLLLOCK : 0));
}

/* Keys that do not repeat: modifiers and locks (a PC repeats them, but a repeated lock or
 * Shift does nothing the first press did not), and Pause, which has no release. */
static bool repeats(uint16_t key)
{
	switch (key) {
	case KEY_LEFTCTRL: case KEY_RIGHTCTRL: case KEY_LEFTSHIFT: case KEY_RIGHTSHIFT:
	case KEY_LEFTALT: case KEY_RIGHTALT: case KEY_LEFTMETA: case KEY_RIGHTMETA:
	case KEY_CAPSLOCK: case KEY_NUMLOCK: case KEY_SCROLLLOCK: case KEY_PAUSE: case KEY_NONE:
		return false;
	default:
		return true;
	}
}

/* hid_repeat_init - no key held; delay and rate as given (rate 0 is taken as 1 Hz). Pure. */
void hid_repeat_init(struct hid_repeat *r, uint32_t delay_ms, uint32_t rate_hz)
{
	r->delay_us = delay_ms * 1000;
	r->period_us = 1000000 / (rate_hz ? rate_hz : 1);
	r->key = KEY_NONE;
	r->next_us = 0;
}

/* hid_repeat_event - a press of a repeating key starts its repeat, its release ends it. */
void hid_repeat_event(struct hid_repeat *r, const struct hid_key_event *ev, uint64_t now_us)
{
	if (ev->pressed && repeats(ev->key)) {
		r->key = ev->key;
		r->next_us = now_us + r->delay_us;
	} else if (!ev->pressed && ev->key == r->key) {
		r->key = KEY_NONE;
	}
}

/* hid_repeat_poll - one repeat of the held key when it is due. Pure. */
bool hid_repeat_poll(struct hid_repeat *r, uint64_t now_us, uint16_t *key)
{
	if (r->key == KEY_NONE || now_us < r->next_us)
		return false;
	r->next_us += r->period_us;
	if (r->next_us <= now_us) /* fell behind: no burst */
		r->next_us = now_us + r->period_us;
	*key = r->key;
	return true;
}

/* hid_repeat_stop - nothing repeats any more. Pure. */
void hid_repeat_stop(struct hid_repeat *r) { r->key = KEY_NONE; }
