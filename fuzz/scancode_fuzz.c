// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the scan code set 1 decoder (src/drivers/input/scancode.c) with every
 * built-in layout (keymap.c): the input's first byte picks the layout, the rest is what a
 * keyboard (or a confused controller) sends: makes, breaks, 0xe0 and 0xe1 prefixes, fake
 * shifts, replies, anything. Every event must be sound: a known key (no release of Pause),
 * a Unicode scalar value that is no dead-key marker, only modifier bits that exist, an
 * accent event (KEY_NONE) only as a press with a character, and a key held back after an
 * accent given once by kbd_decoder_next. The modifiers an event carries must match the
 * modifier keys the events so far pressed and released (Shift, Ctrl, Alt, right Alt as AltGr
 * or Alt by the layout). At the end, every key's release (plain and 0xe0) must leave no
 * modifier and no key down (but the few whose break code is a reply): nothing sticks.
 * When the first byte's top bit is set, 0xf1 k1 k2 is a whole key as kbd.c queues a USB
 * keyboard's (kbd_decode_key: key k1 | (k2 & 3) << 8, released when k2's top bit is set),
 * cutting into the byte sequences as a second keyboard does (a modifier is then held while
 * either the bytes or an unreleased whole-key press holds it), and 0xf2 is input lost
 * (kbd_decoder_lost: every key counts as released).
 */
#include <stdio.h>
#include <stdlib.h>
#include <lios/kbd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KNOWN_MODS                                                                       \
	(KBD_MOD_SHIFT | KBD_MOD_CTRL | KBD_MOD_ALT | KBD_MOD_ALTGR | KBD_MOD_CAPSLOCK | \
	 KBD_MOD_NUMLOCK | KBD_MOD_SCROLLLOCK)
#define HELD_MODS (KBD_MOD_SHIFT | KBD_MOD_CTRL | KBD_MOD_ALT | KBD_MOD_ALTGR)

static void fail(const char *what, const struct kbd_event *ev)
{
	fprintf(stderr, "scancode decoder broken: %s (key %#x %s, mods %#x, ch %#x)\n", what,
		ev ? ev->key : 0, ev && ev->pressed ? "down" : "up", ev ? ev->mods : 0,
		ev ? ev->ch : 0);
	abort();
}

static bool held[KEY_MAX];          /* by the events seen so far */
static bool mod_bytes[KEY_MAX];     /* modifier keys held by the byte stream ... */
static unsigned mod_whole[KEY_MAX]; /* ... and whole-key presses not yet released */

/* A modifier key is held while either source holds it. */
static bool mod_held(uint16_t k) { return mod_bytes[k] || mod_whole[k]; }

/* The modifier bits the held keys stand for, as the decoder should count them. */
static uint16_t model_mods(const struct kbd_layout *l)
{
	uint16_t m = 0;

	m |= mod_held(KEY_LEFTSHIFT) ? KBD_MOD_LSHIFT : 0;
	m |= mod_held(KEY_RIGHTSHIFT) ? KBD_MOD_RSHIFT : 0;
	m |= mod_held(KEY_LEFTCTRL) ? KBD_MOD_LCTRL : 0;
	m |= mod_held(KEY_RIGHTCTRL) ? KBD_MOD_RCTRL : 0;
	m |= mod_held(KEY_LEFTALT) ? KBD_MOD_LALT : 0;
	if (mod_held(KEY_RIGHTALT))
		m |= l->right_alt_is_altgr ? KBD_MOD_ALTGR : KBD_MOD_RALT;
	return m;
}

static bool is_modifier(uint16_t k)
{
	return k == KEY_LEFTSHIFT || k == KEY_RIGHTSHIFT || k == KEY_LEFTCTRL ||
	       k == KEY_RIGHTCTRL || k == KEY_LEFTALT || k == KEY_RIGHTALT;
}

/* Makes whose break code is a prefix or a controller reply (e0, e1, ee echo, fa ack, fe
 * resend, ff error): the decoder reports their press and can never tell their release from
 * the other byte. Set 1 keyboards do not send them. */
static bool unreleasable(size_t key)
{
	switch (key & 0xff) {
	case 0x60:
	case 0x61:
	case 0x6e:
	case 0x7a:
	case 0x7e:
	case 0x7f:
		return true;
	default:
		return false;
	}
}

static void check(const struct kbd_layout *l, const struct kbd_event *ev, bool whole)
{
	if (ev->key >= KEY_MAX)
		fail("unknown key", ev);
	if (ev->key == KEY_PAUSE && !ev->pressed)
		fail("a release of Pause (it sends none)", ev);
	if (ev->ch > 0x10ffff || (ev->ch >= 0xd800 && ev->ch <= 0xdfff) || (ev->ch & KBD_DEAD))
		fail("not a Unicode scalar value", ev);
	if (ev->mods & ~KNOWN_MODS)
		fail("unknown modifier bits", ev);
	if (ev->key == KEY_NONE && (!ev->pressed || !ev->ch))
		fail("an accent event that is not a press with a character", ev);
	if (!ev->pressed && ev->ch)
		fail("a release that types", ev);
	if (ev->key != KEY_NONE)
		held[ev->key] = ev->pressed;
	if (is_modifier(ev->key) && !whole)
		mod_bytes[ev->key] = ev->pressed;
	else if (is_modifier(ev->key) && ev->pressed && mod_whole[ev->key] < 0xff)
		mod_whole[ev->key]++;
	else if (is_modifier(ev->key) && !ev->pressed && mod_whole[ev->key])
		mod_whole[ev->key]--;
	if ((ev->mods & HELD_MODS) != model_mods(l))
		fail("modifiers differ from the modifier keys held", ev);
}

/* One event source's result: check the event and the one held back behind it. */
static void took(struct kbd_decoder *d, bool got, struct kbd_event *ev, bool whole)
{
	if (got) {
		bool queued = d->queued;

		check(d->layout, ev, whole);
		if (queued) {
			if (!kbd_decoder_next(d, ev))
				fail("a held-back key never given", NULL);
			check(d->layout, ev, whole);
		}
	}
	if (kbd_decoder_next(d, ev))
		fail("a key given twice, or with no accent before it", ev);
}

static void feed_key(struct kbd_decoder *d, uint8_t k1, uint8_t k2)
{
	struct kbd_event ev;

	took(d, kbd_decode_key(d, (uint16_t)(k1 | (k2 & 3) << 8), !(k2 & 0x80), &ev), &ev, true);
}

static void lose(struct kbd_decoder *d)
{
	kbd_decoder_lost(d);
	for (size_t k = 0; k < KEY_MAX; k++) {
		held[k] = mod_bytes[k] = false;
		mod_whole[k] = 0;
	}
}

static void feed(struct kbd_decoder *d, uint8_t byte)
{
	struct kbd_event ev;

	took(d, kbd_decode(d, byte, &ev), &ev, false);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static size_t layouts;
	struct kbd_decoder d;
	uint8_t leds;

	if (!layouts)
		while (kbd_layout_at(layouts))
			layouts++;
	if (size < 1)
		return 0;
	for (size_t k = 0; k < KEY_MAX; k++) {
		held[k] = mod_bytes[k] = false;
		mod_whole[k] = 0;
	}
	kbd_decoder_init(&d, kbd_layout_at((data[0] & 0x7f) % layouts));
	for (size_t i = 1; i < size; i++) {
		if ((data[0] & 0x80) && data[i] == 0xf1 && i + 2 < size) {
			feed_key(&d, data[i + 1], data[i + 2]);
			i += 2;
		} else if ((data[0] & 0x80) && data[i] == 0xf2) {
			lose(&d);
		} else {
			feed(&d, data[i]);
		}
		kbd_decoder_take_leds(&d, &leds);
	}
	/* let a Pause sequence or a prefix run out, then release every key */
	for (int i = 0; i < 6; i++)
		feed(&d, 0xfa);
	for (unsigned k = 1; k < 0x80; k++) {
		if (unreleasable(k))
			continue; /* their break would start a prefix or be taken for a reply */
		feed(&d, (uint8_t)(0x80 | k));
		if (k != 0x2a && k != 0x36) { /* e0 2a / e0 36 are fake shifts, not keys */
			feed(&d, 0xe0);
			feed(&d, (uint8_t)(0x80 | k));
		}
	}
	/* whole keys can also be released whose break byte is a reply or a fake shift, and
	 * a modifier pressed n times as a whole key needs n releases */
	for (unsigned k = 1; (data[0] & 0x80) && k < 0x80; k++) {
		for (unsigned n = is_modifier((uint16_t)k) ? 0xff : 1; n; n--)
			feed_key(&d, (uint8_t)k, 0x80);
		for (unsigned n = is_modifier((uint16_t)(KEY_E0 | k)) ? 0xff : 1; n; n--)
			feed_key(&d, (uint8_t)k, 0x81);
	}
	if (d.mods & HELD_MODS)
		fail("a modifier still held after every key was released", NULL);
	for (size_t k = 0; k < KEY_MAX; k++)
		if (held[k] && k != KEY_PAUSE && (!unreleasable(k) || (data[0] & 0x80)))
			fail("a key still down after every key was released", NULL);
	return 0;
}
