// SPDX-License-Identifier: MIT
/*
 * Unit tests of the set-1 decoder (src/drivers/input/scancode.c) with the US layout: every
 * base make code and every E0 key against a table written from the scan code reference,
 * releases, fake shifts, the Pause sequence, controller replies, modifiers, Caps Lock, Num
 * Lock, the LED reports and typematic repeats; whole keys (kbd_decode_key) and lost input.
 */
#include <lios/kbd.h>
#include <string.h>
#include "../../unit.h"

struct sc_row {
	uint8_t code;
	const char *name;
	uint32_t plain, shifted; /* US layout, locks off */
};

/* Scan code set 1, base keys 0x01-0x58 (0x55 has no key on PC keyboards). */
static const struct sc_row base_table[] = {
	{0x01, "Esc", 0x1b, 0x1b}, {0x02, "1", '1', '!'}, {0x03, "2", '2', '@'},
	{0x04, "3", '3', '#'}, {0x05, "4", '4', '$'}, {0x06, "5", '5', '%'},
	{0x07, "6", '6', '^'}, {0x08, "7", '7', '&'}, {0x09, "8", '8', '*'},
	{0x0a, "9", '9', '('}, {0x0b, "0", '0', ')'}, {0x0c, "Minus", '-', '_'},
	{0x0d, "Equal", '=', '+'}, {0x0e, "Backspace", '\b', '\b'}, {0x0f, "Tab", '\t', '\t'},
	{0x10, "Q", 'q', 'Q'}, {0x11, "W", 'w', 'W'}, {0x12, "E", 'e', 'E'},
	{0x13, "R", 'r', 'R'}, {0x14, "T", 't', 'T'}, {0x15, "Y", 'y', 'Y'},
	{0x16, "U", 'u', 'U'}, {0x17, "I", 'i', 'I'}, {0x18, "O", 'o', 'O'},
	{0x19, "P", 'p', 'P'}, {0x1a, "LeftBrace", '[', '{'}, {0x1b, "RightBrace", ']', '}'},
	{0x1c, "Enter", '\n', '\n'}, {0x1d, "LeftCtrl", 0, 0}, {0x1e, "A", 'a', 'A'},
	{0x1f, "S", 's', 'S'}, {0x20, "D", 'd', 'D'}, {0x21, "F", 'f', 'F'},
	{0x22, "G", 'g', 'G'}, {0x23, "H", 'h', 'H'}, {0x24, "J", 'j', 'J'},
	{0x25, "K", 'k', 'K'}, {0x26, "L", 'l', 'L'}, {0x27, "Semicolon", ';', ':'},
	{0x28, "Apostrophe", '\'', '"'}, {0x29, "Grave", '`', '~'}, {0x2a, "LeftShift", 0, 0},
	{0x2b, "Backslash", '\\', '|'}, {0x2c, "Z", 'z', 'Z'}, {0x2d, "X", 'x', 'X'},
	{0x2e, "C", 'c', 'C'}, {0x2f, "V", 'v', 'V'}, {0x30, "B", 'b', 'B'},
	{0x31, "N", 'n', 'N'}, {0x32, "M", 'm', 'M'}, {0x33, "Comma", ',', '<'},
	{0x34, "Dot", '.', '>'}, {0x35, "Slash", '/', '?'}, {0x36, "RightShift", 0, 0},
	{0x37, "KP *", '*', '*'}, {0x38, "LeftAlt", 0, 0}, {0x39, "Space", ' ', ' '},
	{0x3a, "CapsLock", 0, 0}, {0x3b, "F1", 0, 0}, {0x3c, "F2", 0, 0}, {0x3d, "F3", 0, 0},
	{0x3e, "F4", 0, 0}, {0x3f, "F5", 0, 0}, {0x40, "F6", 0, 0}, {0x41, "F7", 0, 0},
	{0x42, "F8", 0, 0}, {0x43, "F9", 0, 0}, {0x44, "F10", 0, 0}, {0x45, "NumLock", 0, 0},
	{0x46, "ScrollLock", 0, 0},
	/* keypad with Num Lock off: see test_numlock for the digits */
	{0x4a, "KP -", '-', '-'}, {0x4e, "KP +", '+', '+'},
	{0x54, "SysRq", 0, 0}, {0x56, "102nd", '<', '>'}, {0x57, "F11", 0, 0},
	{0x58, "F12", 0, 0},
};

struct e0_row {
	uint8_t code; /* after 0xe0 */
	uint16_t key;
	const char *name;
	uint32_t ch;
};

static const struct e0_row e0_table[] = {
	{0x10, KEY_PREVIOUSSONG, "PreviousSong", 0}, {0x19, KEY_NEXTSONG, "NextSong", 0},
	{0x1c, KEY_KPENTER, "KP Enter", '\n'}, {0x1d, KEY_RIGHTCTRL, "RightCtrl", 0},
	{0x20, KEY_MUTE, "Mute", 0}, {0x21, KEY_CALC, "Calc", 0},
	{0x22, KEY_PLAYPAUSE, "PlayPause", 0}, {0x24, KEY_STOPCD, "Stop", 0},
	{0x2e, KEY_VOLUMEDOWN, "VolumeDown", 0}, {0x30, KEY_VOLUMEUP, "VolumeUp", 0},
	{0x32, KEY_HOMEPAGE, "HomePage", 0}, {0x35, KEY_KPSLASH, "KP /", '/'},
	{0x37, KEY_PRINT, "Print", 0}, {0x38, KEY_RIGHTALT, "RightAlt", 0},
	{0x46, KEY_BREAK, "Break", 0}, {0x47, KEY_HOME, "Home", 0}, {0x48, KEY_UP, "Up", 0},
	{0x49, KEY_PAGEUP, "PageUp", 0}, {0x4b, KEY_LEFT, "Left", 0},
	{0x4d, KEY_RIGHT, "Right", 0}, {0x4f, KEY_END, "End", 0}, {0x50, KEY_DOWN, "Down", 0},
	{0x51, KEY_PAGEDOWN, "PageDown", 0}, {0x52, KEY_INSERT, "Insert", 0},
	{0x53, KEY_DELETE, "Delete", 0}, {0x5b, KEY_LEFTMETA, "LeftMeta", 0},
	{0x5c, KEY_RIGHTMETA, "RightMeta", 0}, {0x5d, KEY_COMPOSE, "Menu", 0},
	{0x5e, KEY_POWER, "Power", 0}, {0x5f, KEY_SLEEP, "Sleep", 0},
	{0x63, KEY_WAKEUP, "WakeUp", 0},
};

static struct kbd_decoder dec;

/* Feed bytes; returns how many events came out, the last one in *ev. */
static int feed(const uint8_t *bytes, size_t n, struct kbd_event *ev)
{
	int events = 0;

	for (size_t i = 0; i < n; i++)
		if (kbd_decode(&dec, bytes[i], ev))
			events++;
	return events;
}

/* One byte that must produce exactly one event. */
static struct kbd_event one(uint8_t byte)
{
	struct kbd_event ev = {0};

	CHECK(kbd_decode(&dec, byte, &ev));
	return ev;
}

/* Every base make code: press gives the key, its name and the US character; release
 * gives the same key, not pressed, no character. With Shift held, the shifted character. */
static void test_base_table(void)
{
	for (size_t i = 0; i < sizeof(base_table) / sizeof(base_table[0]); i++) {
		const struct sc_row *r = &base_table[i];
		struct kbd_event ev;

		kbd_decoder_init(&dec, NULL);
		ev = one(r->code);
		CHECK_EQ(ev.key, r->code);
		CHECK(ev.pressed);
		CHECK_EQ(ev.ch, r->plain);
		if (strcmp(kbd_key_name(ev.key), r->name) != 0) {
			fprintf(stderr, "code 0x%02x: name %s, expected %s\n", r->code,
				kbd_key_name(ev.key), r->name);
			unit_failures++;
		}
		ev = one(r->code | 0x80);
		CHECK_EQ(ev.key, r->code);
		CHECK(!ev.pressed);
		CHECK_EQ(ev.ch, 0);

		/* shifted, with the left and the right Shift */
		kbd_decoder_init(&dec, NULL);
		one(0x2a);
		CHECK_EQ(one(r->code).ch, r->shifted);
		one(0xaa);
		one(0x36);
		CHECK_EQ(one(r->code).ch, r->shifted);
		one(0xb6);
		CHECK_EQ(one(r->code).ch, r->plain);
	}
}

/* Every E0 key: the prefix alone gives no event, the make code gives the extended key and
 * the release the same key; base keys after a completed E0 key are not extended. */
static void test_e0_table(void)
{
	for (size_t i = 0; i < sizeof(e0_table) / sizeof(e0_table[0]); i++) {
		const struct e0_row *r = &e0_table[i];
		struct kbd_event ev = {0};

		kbd_decoder_init(&dec, NULL);
		CHECK(!kbd_decode(&dec, 0xe0, &ev));
		ev = one(r->code);
		CHECK_EQ(ev.key, r->key);
		CHECK(ev.pressed);
		CHECK_EQ(ev.ch, r->ch);
		CHECK(strcmp(kbd_key_name(r->key), r->name) == 0);
		CHECK(!kbd_decode(&dec, 0xe0, &ev));
		ev = one(r->code | 0x80);
		CHECK_EQ(ev.key, r->key);
		CHECK(!ev.pressed);
		CHECK_EQ(one(0x1e).key, KEY_A);
	}
}

/* Print Screen arrives wrapped in fake shifts (e0 2a e0 37 ... e0 b7 e0 aa): only the
 * Print press and release come out, and Shift is not left held. */
static void test_fake_shifts(void)
{
	const uint8_t press[] = {0xe0, 0x2a, 0xe0, 0x37};
	const uint8_t release[] = {0xe0, 0xb7, 0xe0, 0xaa};
	struct kbd_event ev;

	kbd_decoder_init(&dec, NULL);
	CHECK_EQ(feed(press, sizeof(press), &ev), 1);
	CHECK_EQ(ev.key, KEY_PRINT);
	CHECK(ev.pressed);
	CHECK_EQ(ev.mods & KBD_MOD_SHIFT, 0);
	CHECK_EQ(feed(release, sizeof(release), &ev), 1);
	CHECK_EQ(ev.key, KEY_PRINT);
	CHECK(!ev.pressed);
	CHECK_EQ(one(0x1e).ch, 'a');
}

/* Pause (e1 1d 45 e1 9d c5) is one KEY_PAUSE press and does not leave Ctrl held or
 * Num Lock toggled; controller replies (ack, resend, echo, errors) and 0x80 are no key. */
static void test_pause_and_replies(void)
{
	const uint8_t pause[] = {0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5};
	/* and 0x80, the break of make 0x00, which is no key: it used to be a release of
	 * KEY_NONE, the key of accent events (found by fuzz_scancode) */
	const uint8_t replies[] = {0xfa, 0xfe, 0xee, 0x00, 0xff, 0x80, 0xe0, 0x80};
	struct kbd_event ev;
	uint8_t leds;

	kbd_decoder_init(&dec, NULL);
	CHECK_EQ(feed(pause, sizeof(pause), &ev), 1);
	CHECK_EQ(ev.key, KEY_PAUSE);
	CHECK(ev.pressed);
	CHECK_EQ(ev.mods, 0);
	CHECK(!kbd_decoder_take_leds(&dec, &leds));
	CHECK_EQ(feed(replies, sizeof(replies), &ev), 0);
	CHECK_EQ(one(0x2e).ch, 'c');
}

/* Modifier bits follow presses and releases of each side; Ctrl+letter gives the control
 * code (Ctrl-C = 3, Ctrl-L = 12) also with Shift; on US the right Alt is a plain Alt. */
static void test_modifiers(void)
{
	kbd_decoder_init(&dec, NULL);
	CHECK_EQ(one(0x1d).mods, KBD_MOD_LCTRL);
	CHECK_EQ(one(0x2e).ch, 3);
	CHECK_EQ(one(0x26).ch, 12);
	CHECK_EQ(one(0x02).ch, 0); /* Ctrl+1 types nothing */
	CHECK_EQ(one(0x9d).mods, 0);
	CHECK_EQ(one(0x2e).ch, 'c');

	CHECK(!kbd_decode(&dec, 0xe0, &(struct kbd_event){0}));
	CHECK_EQ(one(0x1d).mods, KBD_MOD_RCTRL);
	one(0x2a);
	CHECK_EQ(one(0x2e).ch, 3);
	CHECK_EQ(one(0xaa).mods, KBD_MOD_RCTRL);
	kbd_decode(&dec, 0xe0, &(struct kbd_event){0});
	CHECK_EQ(one(0x9d).mods, 0);

	CHECK_EQ(one(0x38).mods, KBD_MOD_LALT);
	kbd_decode(&dec, 0xe0, &(struct kbd_event){0});
	CHECK_EQ(one(0x38).mods, KBD_MOD_LALT | KBD_MOD_RALT);
	CHECK_EQ(one(0xb8).mods, KBD_MOD_RALT);
	kbd_decode(&dec, 0xe0, &(struct kbd_event){0});
	CHECK_EQ(one(0xb8).mods, 0);

	/* both shifts: releasing one keeps the other */
	one(0x2a);
	one(0x36);
	CHECK_EQ(one(0xaa).mods, KBD_MOD_RSHIFT);
	CHECK_EQ(one(0x1e).ch, 'A');
	CHECK_EQ(one(0xb6).mods, 0);
}

/* Caps Lock toggles on the press only (a typematic repeat or the release does not), makes
 * letters upper case but not digits or punctuation, Shift inverts it back, and each
 * toggle reports the LED state once. */
static void test_capslock(void)
{
	uint8_t leds = 0xaa;

	kbd_decoder_init(&dec, NULL);
	CHECK(!kbd_decoder_take_leds(&dec, &leds));
	CHECK(one(0x3a).mods & KBD_MOD_CAPSLOCK);
	CHECK(one(0x3a).mods & KBD_MOD_CAPSLOCK); /* repeat */
	CHECK(one(0xba).mods & KBD_MOD_CAPSLOCK);
	CHECK(kbd_decoder_take_leds(&dec, &leds));
	CHECK_EQ(leds, KBD_LED_CAPSLOCK);
	CHECK(!kbd_decoder_take_leds(&dec, &leds));

	CHECK_EQ(one(0x10).ch, 'Q');
	CHECK_EQ(one(0x02).ch, '1');
	CHECK_EQ(one(0x27).ch, ';');
	one(0x2a);
	CHECK_EQ(one(0x10).ch, 'q');
	CHECK_EQ(one(0x02).ch, '!');
	one(0xaa);

	one(0x3a);
	one(0xba);
	CHECK(kbd_decoder_take_leds(&dec, &leds));
	CHECK_EQ(leds, 0);
	CHECK_EQ(one(0x10).ch, 'q');
}

/* Num Lock on: keypad keys type digits and '.'; Shift turns them into the cursor keys.
 * Num Lock off: the keypad is Home/Up/.../Delete and KP 5 types nothing. LED bits of
 * Num and Scroll Lock combine with Caps Lock. */
static void test_numlock(void)
{
	static const struct {
		uint8_t code;
		uint32_t digit;
		uint16_t nav;
	} kp[] = {
		{0x47, '7', KEY_HOME}, {0x48, '8', KEY_UP}, {0x49, '9', KEY_PAGEUP},
		{0x4b, '4', KEY_LEFT}, {0x4c, '5', KEY_KP5}, {0x4d, '6', KEY_RIGHT},
		{0x4f, '1', KEY_END}, {0x50, '2', KEY_DOWN}, {0x51, '3', KEY_PAGEDOWN},
		{0x52, '0', KEY_INSERT}, {0x53, '.', KEY_DELETE},
	};
	uint8_t leds;

	kbd_decoder_init(&dec, NULL);
	for (size_t i = 0; i < sizeof(kp) / sizeof(kp[0]); i++) {
		struct kbd_event ev = one(kp[i].code);

		CHECK_EQ(ev.key, kp[i].nav);
		CHECK_EQ(ev.ch, 0);
		CHECK_EQ(one(kp[i].code | 0x80).key, kp[i].nav);
	}
	one(0x45);
	one(0xc5);
	CHECK(kbd_decoder_take_leds(&dec, &leds));
	CHECK_EQ(leds, KBD_LED_NUMLOCK);
	for (size_t i = 0; i < sizeof(kp) / sizeof(kp[0]); i++) {
		struct kbd_event ev = one(kp[i].code);

		CHECK_EQ(ev.key, kp[i].code);
		CHECK_EQ(ev.ch, kp[i].digit);
		CHECK_EQ(one(kp[i].code | 0x80).key, kp[i].code);
		one(0x2a);
		CHECK_EQ(one(kp[i].code).key, kp[i].nav);
		CHECK_EQ(one(kp[i].code | 0x80).key, kp[i].nav);
		one(0xaa);
	}
	one(0x3a);
	one(0x46);
	CHECK(kbd_decoder_take_leds(&dec, &leds));
	CHECK_EQ(leds, KBD_LED_NUMLOCK | KBD_LED_CAPSLOCK | KBD_LED_SCROLLLOCK);
	/* E0 cursor keys stay cursor keys whatever Num Lock says */
	kbd_decode(&dec, 0xe0, &(struct kbd_event){0});
	CHECK_EQ(one(0x48).key, KEY_UP);
}

/* A keypad key held while Num Lock or Shift changes keeps the key its press gave, for its
 * repeats and its release: every press has its release (it used to be released as the other
 * key: KP 8 pressed as Up, Num Lock on, released as KP 8, and Up stayed down). */
static void test_keypad_held(void)
{
	struct kbd_event ev;

	kbd_decoder_init(&dec, NULL);
	CHECK_EQ(one(0x48).key, KEY_UP);            /* Num Lock off: Up */
	one(0x45);                                   /* Num Lock on */
	one(0xc5);
	CHECK_EQ(one(0x48).key, KEY_UP);            /* a repeat: still Up */
	ev = one(0xc8);
	CHECK_EQ(ev.key, KEY_UP);                   /* released as pressed */
	CHECK(!ev.pressed);
	CHECK_EQ(one(0x48).key, KEY_KP8);           /* pressed again: Num Lock decides */
	one(0x2a);                                   /* Shift while it is down */
	CHECK_EQ(one(0x48).key, KEY_KP8);
	CHECK_EQ(one(0xc8).key, KEY_KP8);
	CHECK_EQ(one(0xc8).key, KEY_UP);            /* a release with no press: as the mods say */
	one(0xaa);
	CHECK_EQ(dec.keypad_down, 0);
}

/* Every code 0x01-0x7f decodes to a key equal to the code (keys without a name too), a
 * keypad key with Num Lock off to the same code or its navigation twin KEY_E0 | code
 * (KEY_KP8: KEY_UP), and its release to the same key: no byte is lost or misread. */
static void test_no_gaps(void)
{
	for (unsigned c = 0x01; c < 0x80; c++) {
		struct kbd_event ev = {0};
		uint16_t key;

		if (c == 0x60 || c == 0x61 || c == 0x6e || c == 0x7a || c == 0x7e || c == 0x7f)
			continue; /* releases equal e0 e1 ee fa fe ff */
		kbd_decoder_init(&dec, NULL);
		CHECK(kbd_decode(&dec, (uint8_t)c, &ev));
		key = ev.key;
		CHECK(key == c || (c >= KEY_KP7 && c <= KEY_KPDOT && key == (KEY_E0 | c)));
		CHECK(kbd_decode(&dec, (uint8_t)(c | 0x80), &ev));
		CHECK(!ev.pressed);
		CHECK_EQ(ev.key, key);
	}
}

/* One whole key (as kbd.c queues a USB keyboard's) that must produce one event. */
static struct kbd_event whole(uint16_t key, bool pressed)
{
	struct kbd_event ev = {0};

	CHECK(kbd_decode_key(&dec, key, pressed, &ev));
	return ev;
}

/* Whole keys decode as their bytes: every base make code and every E0 key gives the same
 * key and character as through bytes; they leave a pending 0xe0 alone (e0, whole 'a', 48
 * is 'a' then Up); codes that are no key (KEY_NONE, KEY_E0 alone, 0x80-0xff, past
 * KEY_MAX, a release of Pause) give nothing. */
static void test_whole_keys(void)
{
	struct kbd_event ev = {0};

	for (size_t i = 0; i < sizeof(base_table) / sizeof(base_table[0]); i++) {
		kbd_decoder_init(&dec, NULL);
		ev = whole(base_table[i].code, true);
		CHECK_EQ(ev.key, base_table[i].code);
		CHECK_EQ(ev.ch, base_table[i].plain);
	}
	for (size_t i = 0; i < sizeof(e0_table) / sizeof(e0_table[0]); i++) {
		kbd_decoder_init(&dec, NULL);
		ev = whole(e0_table[i].key, true);
		CHECK_EQ(ev.key, e0_table[i].key);
		CHECK_EQ(ev.ch, e0_table[i].ch);
	}
	kbd_decoder_init(&dec, NULL);
	CHECK(!kbd_decode(&dec, 0xe0, &ev));
	CHECK_EQ(whole(KEY_A, true).ch, 'a');
	CHECK_EQ(one(0x48).key, KEY_UP);
	CHECK(!kbd_decode_key(&dec, KEY_NONE, true, &ev));
	CHECK(!kbd_decode_key(&dec, KEY_E0, true, &ev));
	CHECK(!kbd_decode_key(&dec, 0x9e, true, &ev));
	CHECK(!kbd_decode_key(&dec, KEY_MAX, true, &ev));
	CHECK(!kbd_decode_key(&dec, KEY_PAUSE, false, &ev));
	CHECK_EQ(whole(KEY_PAUSE, true).key, KEY_PAUSE);
}

/* Input lost (kbd_decoder_lost) while Left Shift and Right Ctrl are held, Caps Lock is on,
 * and an 0xe0 waits: the held modifiers are let go (byte and whole-key ones), Caps Lock
 * stays on, the 0xe0 is forgotten (1c is then Enter, not KP Enter), and the LED state is
 * not reported again. */
static void test_lost(void)
{
	struct kbd_event ev = {0};
	uint8_t leds;

	kbd_decoder_init(&dec, NULL);
	one(0x3a);
	one(0xba);
	kbd_decoder_take_leds(&dec, &leds);
	one(0x2a);
	whole(KEY_RIGHTCTRL, true);
	whole(KEY_RIGHTCTRL, true);
	CHECK(!kbd_decode(&dec, 0xe0, &ev));
	kbd_decoder_lost(&dec);
	CHECK_EQ(dec.mods, KBD_MOD_CAPSLOCK);
	CHECK(!kbd_decoder_take_leds(&dec, &leds));
	CHECK_EQ(one(0x1c).key, KEY_ENTER);
	ev = one(0x1e);
	CHECK_EQ(ev.ch, 'A'); /* Caps Lock only */
	CHECK_EQ(ev.mods, KBD_MOD_CAPSLOCK);
	whole(KEY_RIGHTCTRL, false); /* a late release of a counted press: nothing below 0 */
	CHECK_EQ(one(0x1e).mods, KBD_MOD_CAPSLOCK);
}

int main(void)
{
	test_base_table();
	test_e0_table();
	test_fake_shifts();
	test_pause_and_replies();
	test_modifiers();
	test_capslock();
	test_numlock();
	test_keypad_held();
	test_no_gaps();
	test_whole_keys();
	test_lost();
	return unit_exit("test_scancode");
}
