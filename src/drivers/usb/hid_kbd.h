/* SPDX-License-Identifier: MIT */
/*
 * The HID boot keyboard, pure part (hid_kbd.c; HID 1.11 appendix B.1 for the report, HID
 * Usage Tables 1.12 chapter 10 for page 0x07): 8-byte boot reports turned into key presses
 * and releases named by LiOS key codes (enum kbd_keycode, <lios/kbd.h>), and the typematic
 * repeat a USB keyboard leaves to the host. Private to src/drivers/usb/, compiled for the
 * host too (tests/unit/drivers/usb/test_hid_kbd.c, fuzz/hid_report_fuzz.c).
 */
#ifndef LIOS_HID_KBD_H
#define LIOS_HID_KBD_H

#include <lios/kbd.h>

#define HID_KBD_REPORT_SIZE 8      /* modifiers, reserved, six usage IDs */
#define HID_KBD_KEYS 6
#define HID_USAGE_ERR_ROLLOVER 0x01 /* too many keys: the slots say nothing, modifiers do */
#define HID_USAGE_POST_FAIL 0x02
#define HID_USAGE_ERR_UNDEFINED 0x03
/* One report changes at most 8 modifiers and 6 + 6 keys. */
#define HID_KBD_MAX_EVENTS (8 + 2 * HID_KBD_KEYS)

/* The LED report's bits (HID usage page 0x08 in boot order). */
#define HID_LED_NUMLOCK (1u << 0)
#define HID_LED_CAPSLOCK (1u << 1)
#define HID_LED_SCROLLLOCK (1u << 2)

struct hid_key_event {
	uint16_t key;   /* enum kbd_keycode */
	bool pressed;
};

/* The last report accepted (all zero: nothing held). */
struct hid_kbd_state {
	uint8_t mods;
	uint8_t keys[HID_KBD_KEYS]; /* usage IDs, 0 for an empty slot */
};

/* The LiOS key code for usage ID u of page 0x07, KEY_NONE when LiOS has no such key. */
uint16_t hid_usage_to_key(uint8_t u);
/* Compare report (len bytes: 3-8 are used, a shorter one is ignored) with the previous one
 * in *s, write the releases then the presses to ev (room for HID_KBD_MAX_EVENTS), make it
 * the previous report and return how many events there are. A report with an error usage
 * (ErrorRollOver, POSTFail, ErrorUndefined) in any slot is a phantom state: the keys held
 * before stay held, only its modifier byte is taken.
 * Usage IDs may come in any order and repeated; unknown ones give no event. Pure. */
size_t hid_kbd_diff(struct hid_kbd_state *s, const uint8_t *report, size_t len, struct hid_key_event *ev);
/* KBD_LED_* (PS/2 order) to HID_LED_* (report order). Pure. */
uint8_t hid_leds_from_kbd(uint8_t kbd_leds);

/*
 * Typematic repeat in software, like a PC keyboard: the last key pressed (not a modifier
 * or a lock key) repeats after delay_us and then every period_us while it is held; any
 * other press takes over, its release stops it. Time is passed in (microseconds, any
 * monotonic origin), so it is pure; the kernel calls hid_repeat_poll from the tick.
 */
struct hid_repeat {
	uint32_t delay_us, period_us;
	uint16_t key;      /* KEY_NONE: nothing repeats */
	uint64_t next_us;  /* when the next repeat is due */
};

#define HID_REPEAT_DELAY_MS 500
#define HID_REPEAT_RATE_HZ 30

void hid_repeat_init(struct hid_repeat *r, uint32_t delay_ms, uint32_t rate_hz);
/* Feed every key event, in order, with the time it happened. */
void hid_repeat_event(struct hid_repeat *r, const struct hid_key_event *ev, uint64_t now_us);
/* True with *key set when a repeat is due at now_us (one per call; when the caller fell
 * behind by more than a period, the missed repeats are dropped rather than burst). */
bool hid_repeat_poll(struct hid_repeat *r, uint64_t now_us, uint16_t *key);
/* Forget the held key (keyboard gone). */
void hid_repeat_stop(struct hid_repeat *r);

#endif
