// SPDX-License-Identifier: MIT
/*
 * Terminal bytes to key events, for the shell's serial input: a small state machine over
 * plain bytes, UTF-8 sequences and the escape sequences terminals send for cursor and
 * editing keys (ESC [ A-D/H/F, ESC O A-D/H/F, ESC [ n ~, with xterm's modifier parameter
 * as in ESC [ 5 ; 2 ~ for Shift+PgUp); any other sequence, the Linux console's ESC [ [ A
 * for F1 among them, vanishes whole, up to its final byte. A complete UTF-8 sequence that
 * is no character (an overlong form, a surrogate, past U+10FFFF) is the key U+FFFD, never
 * the control byte an overlong form spells. Pure: no hardware, no globals; compiled for
 * the host (lios_host_shell) and tested there.
 */
#include <lios/termkeys.h>

#define ASCII_BS 0x08
#define ECMA48_FINAL_MIN 0x40 /* a control sequence's final byte is 0x40-0x7e (ECMA-48 5.4) */
#define ASCII_ESC 0x1b
#define ASCII_DEL 0x7f
#define UTF8_LEAD_MIN 0xc0
#define UTF8_LEAD_MAX 0xf4 /* the last lead byte of a character (U+10FFFF is F4 8F BF BF) */
#define UTF8_REPLACEMENT 0xfffd
#define UTF16_SURROGATE_MIN 0xd800
#define UTF16_SURROGATE_MAX 0xdfff
#define UNICODE_MAX 0x10ffff

/* The smallest code point of a sequence with 1, 2 or 3 continuation bytes (RFC 3629):
 * anything below it is an overlong form. */
static const uint32_t utf8_min[3] = { 0x80, 0x800, 0x10000 };

/* TERMKEYS_SKIP: inside a sequence that names no key here (see escape_byte): its bytes
 * vanish up to its final one. */
enum { TERMKEYS_PLAIN, TERMKEYS_ESC, TERMKEYS_SEQ, TERMKEYS_SKIP };

/*
 * termkeys_init - plain state, nothing pending. Pure.
 */
void termkeys_init(struct termkeys *t)
{
	t->state = TERMKEYS_PLAIN;
	t->param = 0;
	t->mod = 0;
	t->in_mod = false;
	t->utf8 = 0;
	t->utf8_left = 0;
	t->utf8_min = 0;
	t->last_cr = false;
}

static bool key(struct kbd_event *ev, uint16_t k, uint32_t ch)
{
	ev->key = k;
	ev->pressed = true;
	ev->mods = 0;
	ev->ch = ch;
	return true;
}

/* The key a sequence's final byte (and ~ parameter) names; KEY_NONE if unknown. */
static uint16_t seq_key(uint8_t final, uint8_t param)
{
	switch (final) {
	case 'A': return KEY_UP;
	case 'B': return KEY_DOWN;
	case 'C': return KEY_RIGHT;
	case 'D': return KEY_LEFT;
	case 'H': return KEY_HOME;
	case 'F': return KEY_END;
	case '~':
		switch (param) {
		case 1: case 7: return KEY_HOME;
		case 2: return KEY_INSERT;
		case 3: return KEY_DELETE;
		case 4: case 8: return KEY_END;
		case 5: return KEY_PAGEUP;
		case 6: return KEY_PAGEDOWN;
		}
	}
	return KEY_NONE;
}

/* xterm's modifier parameter (ESC [ n ; m ~): m - 1 is a bit set, 1 Shift, 2 Alt, 4 Ctrl. */
#define XTERM_MOD_SHIFT 1
#define XTERM_MOD_ALT 2
#define XTERM_MOD_CTRL 4
#define XTERM_MOD_MAX 16 /* 1 + Shift, Alt, Ctrl and Meta (8): a larger value is no modifier */

static uint16_t xterm_mods(uint8_t m)
{
	uint16_t mods = 0;

	if (m < 2 || m > XTERM_MOD_MAX)
		return 0;
	m--;
	if (m & XTERM_MOD_SHIFT)
		mods |= KBD_MOD_LSHIFT;
	if (m & XTERM_MOD_ALT)
		mods |= KBD_MOD_LALT;
	if (m & XTERM_MOD_CTRL)
		mods |= KBD_MOD_LCTRL;
	return mods;
}

static bool escape_byte(struct termkeys *t, uint8_t b, struct kbd_event *ev)
{
	uint16_t k;

	if (b < 0x20) { /* a control byte ends the sequence and acts (Esc, then Enter) */
		t->state = TERMKEYS_PLAIN;
		return termkeys_byte(t, b, ev);
	}
	if (t->state == TERMKEYS_ESC) {
		t->state = (b == '[' || b == 'O') ? TERMKEYS_SEQ : TERMKEYS_PLAIN;
		t->param = 0;
		t->mod = 0;
		t->in_mod = false;
		return false;
	}
	if (t->state == TERMKEYS_SKIP) {
		if (b >= ECMA48_FINAL_MIN)
			t->state = TERMKEYS_PLAIN; /* its final byte: the sequence is over */
		return false;
	}
	if (b >= '0' && b <= '9') {
		uint8_t *p = t->in_mod ? &t->mod : &t->param;
		unsigned v = *p * 10u + (unsigned)(b - '0');

		*p = v > UINT8_MAX ? UINT8_MAX : (uint8_t)v; /* saturated: 261 must not be 5 */
		return false;
	}
	if (b == ';') { /* the modifier parameter follows */
		t->in_mod = true;
		return false;
	}
	/* Another parameter byte (':', '<', '=', '>', '?': sub-parameters, private modes,
	 * mouse reports), an intermediate byte (0x20-0x2f), or the Linux console's second
	 * '[' (ESC [ [ A is its F1): a sequence no key here uses. Ending it at this byte
	 * would type the rest of it ("25h" of ESC [ ? 2 5 h), so it is skipped whole. */
	if (b < ECMA48_FINAL_MIN || b == '[') {
		t->state = TERMKEYS_SKIP;
		return false;
	}
	t->state = TERMKEYS_PLAIN;
	k = seq_key(b, t->param);
	if (k == KEY_NONE)
		return false;
	key(ev, k, 0);
	ev->mods = xterm_mods(t->mod);
	return true;
}

/* Whether the sequence just completed is a character: not an overlong form (C0 8D spells
 * CR, which would then act as Enter), no UTF-16 surrogate, nothing past U+10FFFF, no lead
 * byte past F4. */
static bool utf8_valid(const struct termkeys *t)
{
	uint32_t c = t->utf8;

	return c >= t->utf8_min && (c < UTF16_SURROGATE_MIN || c > UTF16_SURROGATE_MAX) &&
	       c <= UNICODE_MAX;
}

static bool utf8_byte(struct termkeys *t, uint8_t b, struct kbd_event *ev)
{
	if ((b & 0xc0) != 0x80) {
		/* a lead byte where a continuation was due: drop the broken character */
		t->utf8_left = 0;
		return termkeys_byte(t, b, ev);
	}
	t->utf8 = t->utf8 << 6 | (b & 0x3f);
	if (--t->utf8_left)
		return false;
	return key(ev, KEY_NONE, utf8_valid(t) ? t->utf8 : UTF8_REPLACEMENT);
}

/*
 * termkeys_byte - feed one byte; true with *ev filled when a key is complete. Pure.
 */
bool termkeys_byte(struct termkeys *t, uint8_t b, struct kbd_event *ev)
{
	bool after_cr = t->last_cr;

	t->last_cr = false;
	if (t->state != TERMKEYS_PLAIN)
		return escape_byte(t, b, ev);
	if (t->utf8_left)
		return utf8_byte(t, b, ev);
	if (b >= UTF8_LEAD_MIN) {
		t->utf8_left = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
		t->utf8 = b & (0x3f >> t->utf8_left);
		/* past F4 no lead byte of a character: F8 90 80 80 must not be U+10000 */
		t->utf8_min = b > UTF8_LEAD_MAX ? UINT32_MAX : utf8_min[t->utf8_left - 1];
		return false;
	}
	switch (b) {
	case ASCII_ESC:
		t->state = TERMKEYS_ESC;
		return false;
	case '\r':
		t->last_cr = true;
		return key(ev, KEY_ENTER, '\n');
	case '\n':
		return !after_cr && key(ev, KEY_ENTER, '\n');
	case ASCII_DEL:
	case ASCII_BS:
		return key(ev, KEY_BACKSPACE, '\b');
	}
	return b < 0x80 && key(ev, KEY_NONE, b);
}
