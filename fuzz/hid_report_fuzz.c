// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the HID boot keyboard differ and typematic repeat
 * (src/drivers/usb/hid_kbd.c): the input is a stream of reports of any length (first byte
 * of each chunk: its length 0-15, then that many bytes) with time passing between them.
 * Invariants: never more than HID_KBD_MAX_EVENTS events; a key is released only while
 * held and pressed only while not held (the differ's view matches a shadow of held keys);
 * every event names a real key; the repeat only repeats a key that is held.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../src/drivers/usb/hid_kbd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "hid_kbd broken: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool held[KEY_MAX];
	struct hid_key_event ev[HID_KBD_MAX_EVENTS];
	struct hid_kbd_state s;
	struct hid_repeat r;
	uint64_t now = 0;
	size_t off = 0;

	memset(held, 0, sizeof(held));
	memset(&s, 0, sizeof(s));
	hid_repeat_init(&r, HID_REPEAT_DELAY_MS, HID_REPEAT_RATE_HZ);
	while (off < size) {
		size_t len = data[off++] & 15;
		uint8_t *copy;
		size_t n;
		uint16_t key;

		if (len > size - off)
			len = size - off;
		copy = malloc(len ? len : 1);
		memcpy(copy, data + off, len);
		off += len;
		n = hid_kbd_diff(&s, copy, len, ev);
		free(copy);
		if (n > HID_KBD_MAX_EVENTS)
			fail("too many events");
		for (size_t i = 0; i < n; i++) {
			if (ev[i].key == KEY_NONE || ev[i].key >= KEY_MAX)
				fail("event without a real key");
			if (ev[i].pressed == held[ev[i].key] && ev[i].key != KEY_BACKSLASH)
				fail("press of a held key or release of a free one");
			held[ev[i].key] = ev[i].pressed;
			hid_repeat_event(&r, &ev[i], now);
		}
		now += 100000;
		if (hid_repeat_poll(&r, now, &key) && !held[key] && key != KEY_BACKSLASH)
			fail("repeat of a key not held");
	}
	return 0;
}
