// SPDX-License-Identifier: MIT
/*
 * The scan code set 1 decoder: bytes from the keyboard in, key events out. It owns the
 * prefix state (0xe0, the 0xe1 Pause sequence), the modifier keys held, the three lock
 * toggles and the pending dead key, and it tells its caller when the LEDs must change.
 * Pure: no hardware, no globals; compiled for the host (lios_host_input) and tested over
 * the whole table there.
 *
 * Dead keys (marked in the layout, see keymap.c): the press types nothing and the accent
 * waits for the next key press that types something.
 *   - a character the composition table pairs with it: the composed one (^ a -> â);
 *   - space: the accent itself (^ space -> ^);
 *   - the same dead key again: the accent, once (X11's choice; Linux's console instead
 *     keeps the accent pending until a third key, Windows types it twice);
 *   - another dead key: the first accent is typed and the second one waits (as Linux);
 *   - any other printable character: two events, the accent (key KEY_NONE), then the key;
 *   - Backspace or Esc: they take back the dead key and do nothing else (their event
 *     types nothing), so a dead key pressed by mistake costs no other character;
 *   - another control character (Enter, Tab, Ctrl+key) or a key with Alt: the accent is
 *     dropped and the key acts as usual, so the line Enter runs is the line on the screen.
 * Keys that type nothing (Shift, AltGr, cursor keys, F-keys) and releases leave the accent
 * pending; a typematic repeat of the dead key just pressed is ignored.
 *
 * Two sources feed one decoder: the 8042's bytes (kbd_decode) and whole keys from USB
 * keyboards (kbd_decode_key), which never touch the byte prefix state. A modifier is held
 * while any keyboard holds it: the byte keyboard's held set (its typematic repeats Shift),
 * and a count of unreleased whole-key presses per modifier key.
 *
 * Set 1: a make code k (0x01-0x7f) is sent on press and typematic repeat, k | 0x80 on
 * release; extended keys are preceded by 0xe0. Keyboards wrap some extended keys in "fake
 * shifts" (e0 2a / e0 aa / e0 36 / e0 b6) that must be ignored.
 */
#include <lios/kbd.h>
#include <lios/string.h>

#define SC_RELEASE 0x80      /* release = make | 0x80 */
#define SC_PREFIX_E0 0xe0
#define SC_PREFIX_E1 0xe1
#define SC_E1_SEQ_LEN 6      /* e1 1d 45 e1 9d c5 */
#define SC_FAKE_LSHIFT 0x2a  /* after e0 */
#define SC_FAKE_RSHIFT 0x36  /* after e0 */
#define PS2_REPLY_ACK 0xfa
#define PS2_REPLY_RESEND 0xfe
#define PS2_REPLY_ECHO 0xee
#define PS2_REPLY_ERROR0 0x00
#define PS2_REPLY_ERROR1 0xff

/*
 * kbd_decoder_init - reset d: nothing held, all locks off, layout (US when NULL).
 * Pure.
 */
void kbd_decoder_init(struct kbd_decoder *d, const struct kbd_layout *layout)
{
	d->layout = layout ? layout : kbd_layout_at(0);
	d->mods = 0;
	d->prefix = 0;
	d->e1_left = 0;
	d->locks_held = 0;
	d->held_bytes = 0;
	memset(d->held_keys, 0, sizeof(d->held_keys));
	d->keys_ralt = 0;
	d->keypad_down = 0;
	d->keypad_nav = 0;
	d->leds_changed = false;
	d->dead = 0;
	d->dead_down = KEY_NONE;
	d->queued = false;
}

/* The modifier bit a key holds while down, 0 for other keys. */
static uint16_t modifier_bit(const struct kbd_decoder *d, uint16_t key)
{
	switch (key) {
	case KEY_LEFTSHIFT: return KBD_MOD_LSHIFT;
	case KEY_RIGHTSHIFT: return KBD_MOD_RSHIFT;
	case KEY_LEFTCTRL: return KBD_MOD_LCTRL;
	case KEY_RIGHTCTRL: return KBD_MOD_RCTRL;
	case KEY_LEFTALT: return KBD_MOD_LALT;
	case KEY_RIGHTALT: return d->layout->right_alt_is_altgr ? KBD_MOD_ALTGR : KBD_MOD_RALT;
	default: return 0;
	}
}

/* Lock keys: their LED bit, and the mods bit they toggle. */
static uint8_t lock_led(uint16_t key, uint16_t *mod)
{
	switch (key) {
	case KEY_CAPSLOCK: *mod = KBD_MOD_CAPSLOCK; return KBD_LED_CAPSLOCK;
	case KEY_NUMLOCK: *mod = KBD_MOD_NUMLOCK; return KBD_LED_NUMLOCK;
	case KEY_SCROLLLOCK: *mod = KBD_MOD_SCROLLLOCK; return KBD_LED_SCROLLLOCK;
	default: return 0;
	}
}

/* With Num Lock off (or Shift inverting it) the keypad is a second cursor block. A keypad
 * key keeps the key its press gave until it is released (keypad_key), whatever Num Lock and
 * Shift do meanwhile, so that every press has its release. */
static uint16_t keypad_navigation(uint16_t key, uint16_t mods)
{
	static const uint16_t nav[] = {
		[KEY_KP7 - KEY_KP7] = KEY_HOME, [KEY_KP8 - KEY_KP7] = KEY_UP,
		[KEY_KP9 - KEY_KP7] = KEY_PAGEUP, [KEY_KPMINUS - KEY_KP7] = KEY_KPMINUS,
		[KEY_KP4 - KEY_KP7] = KEY_LEFT, [KEY_KP5 - KEY_KP7] = KEY_KP5,
		[KEY_KP6 - KEY_KP7] = KEY_RIGHT, [KEY_KPPLUS - KEY_KP7] = KEY_KPPLUS,
		[KEY_KP1 - KEY_KP7] = KEY_END, [KEY_KP2 - KEY_KP7] = KEY_DOWN,
		[KEY_KP3 - KEY_KP7] = KEY_PAGEDOWN, [KEY_KP0 - KEY_KP7] = KEY_INSERT,
		[KEY_KPDOT - KEY_KP7] = KEY_DELETE,
	};
	bool digits = !!(mods & KBD_MOD_NUMLOCK) != !!(mods & KBD_MOD_SHIFT);

	if (key < KEY_KP7 || key > KEY_KPDOT || digits)
		return key;
	return nav[key - KEY_KP7];
}

/* Base key 'key' pressed or released: a keypad key as its press decided (see above). */
static uint16_t keypad_key(struct kbd_decoder *d, uint16_t key, bool pressed)
{
	uint16_t bit, nav;

	if (key < KEY_KP7 || key > KEY_KPDOT)
		return key;
	bit = (uint16_t)(1u << (key - KEY_KP7));
	if (d->keypad_down & bit) {
		/* as pressed: the cursor key (what Num Lock off gives), or the key itself */
		nav = d->keypad_nav & bit ? keypad_navigation(key, 0) : key;
	} else {
		nav = keypad_navigation(key, d->mods);
		if (nav != key)
			d->keypad_nav |= bit;
	}
	if (pressed) {
		d->keypad_down |= bit;
	} else {
		d->keypad_down &= (uint16_t)~bit;
		d->keypad_nav &= (uint16_t)~bit;
	}
	return nav;
}

#define HELD_MODS (KBD_MOD_SHIFT | KBD_MOD_CTRL | KBD_MOD_ALT | KBD_MOD_ALTGR)

/* The modifier keys counted in held_keys[], in order. */
static const uint16_t counted_keys[] = {KEY_LEFTSHIFT, KEY_RIGHTSHIFT, KEY_LEFTCTRL,
					KEY_RIGHTCTRL, KEY_LEFTALT, KEY_RIGHTALT};
static_assert(ARRAY_SIZE(counted_keys) == sizeof(((struct kbd_decoder *)0)->held_keys),
	      "one counter per modifier key");

/* A modifier key pressed or released by the byte keyboard (whole false: a typematic
 * repeat is no new press) or by a whole-key one (counted). */
static void hold_modifier(struct kbd_decoder *d, uint16_t key, uint16_t bit, bool pressed, bool whole)
{
	size_t i = 0;
	uint16_t held = 0;

	if (!whole) {
		if (pressed)
			d->held_bytes |= bit;
		else if (key == KEY_RIGHTALT) /* AltGr or Alt, as the layout of its press said */
			d->held_bytes &= (uint16_t)~(KBD_MOD_ALTGR | KBD_MOD_RALT);
		else
			d->held_bytes &= (uint16_t)~bit;
	} else {
		while (counted_keys[i] != key)
			i++;
		if (pressed && d->held_keys[i] < 0xff) {
			if (!d->held_keys[i]++ && key == KEY_RIGHTALT)
				d->keys_ralt = bit;
		} else if (!pressed && d->held_keys[i]) {
			d->held_keys[i]--;
		}
	}
	for (i = 0; i < ARRAY_SIZE(counted_keys); i++)
		if (d->held_keys[i])
			held |= counted_keys[i] == KEY_RIGHTALT ? d->keys_ralt : modifier_bit(d, counted_keys[i]);
	d->mods = (uint16_t)((d->mods & ~HELD_MODS) | d->held_bytes | held);
}

/* Apply a key to the modifier and lock state; whole: it came as a whole key (see
 * kbd_decode_key), not as bytes. */
static void track_modifiers(struct kbd_decoder *d, uint16_t key, bool pressed, bool whole)
{
	uint16_t bit = modifier_bit(d, key), lock_mod = 0;
	uint8_t led = lock_led(key, &lock_mod);

	if (bit)
		hold_modifier(d, key, bit, pressed, whole);
	if (led && whole) { /* every whole-key press is a new one: no typematic to ignore */
		if (pressed) {
			d->mods ^= lock_mod;
			d->leds_changed = true;
		}
	} else if (led) {
		if (pressed && !(d->locks_held & led)) {
			d->mods ^= lock_mod;
			d->leds_changed = true;
		}
		if (pressed)
			d->locks_held |= led;
		else
			d->locks_held &= ~led;
	}
}

#define CH_BACKSPACE '\b'
#define CH_ESC 0x1b
#define CH_DEL 0x7f

/* True for characters the line editor treats as commands, not text. */
static bool is_control(uint32_t c)
{
	return c < 0x20 || c == CH_DEL;
}

/* A dead key pressed: pending, or resolving the accent already pending. */
static void press_dead_key(struct kbd_decoder *d, struct kbd_event *ev, uint32_t accent)
{
	uint32_t pending = d->dead;

	ev->ch = 0;
	if (ev->key == d->dead_down)
		return; /* typematic repeat of a dead key: nothing more */
	d->dead_down = ev->key;
	d->dead = accent;
	if (pending == accent)
		d->dead = 0; /* the same dead key twice: its accent, once */
	ev->ch = pending;
}

/* Set ev->ch from the layout's character sym, resolving a pending dead key; may queue a
 * second event (d->next) after ev. */
static void apply_dead_keys(struct kbd_decoder *d, struct kbd_event *ev, uint32_t sym)
{
	uint32_t pending = d->dead, composed;

	ev->ch = sym;
	if (sym & KBD_DEAD) {
		press_dead_key(d, ev, sym & ~KBD_DEAD);
		return;
	}
	if (!pending || !sym)
		return;
	d->dead = 0;
	d->dead_down = KEY_NONE;
	if (sym == CH_BACKSPACE || sym == CH_ESC)
		ev->ch = 0; /* they undo the dead key, nothing more */
	if (is_control(sym) || (ev->mods & KBD_MOD_ALT))
		return; /* the accent is dropped */
	composed = kbd_compose(pending, sym);
	if (composed) {
		ev->ch = composed;
	} else if (sym == ' ') {
		ev->ch = pending;
	} else {
		d->next = *ev;
		d->queued = true;
		ev->key = KEY_NONE;
		ev->ch = pending;
	}
}

/* A key pressed or released, whichever keyboard it came from: a keypad key as its press
 * decided, the modifiers and locks, the character and dead keys. Always true. */
static bool key_event(struct kbd_decoder *d, uint16_t key, bool pressed, bool whole,
		      struct kbd_event *ev)
{
	key = keypad_key(d, key, pressed);
	track_modifiers(d, key, pressed, whole);
	ev->key = key;
	ev->pressed = pressed;
	ev->mods = d->mods;
	ev->ch = 0;
	if (pressed)
		apply_dead_keys(d, ev, kbd_layout_char(d->layout, key, d->mods));
	else if (key == d->dead_down)
		d->dead_down = KEY_NONE;
	return true;
}

/*
 * kbd_decode - feed one byte; true when it completed a key event, written to *ev.
 * Prefix bytes, fake shifts and controller replies produce no event. After a true return
 * the caller takes kbd_decoder_next() before the next byte. Pure.
 */
bool kbd_decode(struct kbd_decoder *d, uint8_t byte, struct kbd_event *ev)
{
	uint16_t key;
	bool pressed;

	if (d->e1_left) {
		if (--d->e1_left)
			return false;
		return key_event(d, KEY_PAUSE, true, false, ev);
	}
	switch (byte) {
	case SC_PREFIX_E0:
		d->prefix = SC_PREFIX_E0;
		return false;
	case SC_PREFIX_E1:
		d->prefix = 0;
		d->e1_left = SC_E1_SEQ_LEN - 1;
		return false;
	case PS2_REPLY_ACK:
	case PS2_REPLY_RESEND:
	case PS2_REPLY_ECHO:
	case PS2_REPLY_ERROR0:
	case PS2_REPLY_ERROR1:
		d->prefix = 0;
		return false;
	}

	pressed = !(byte & SC_RELEASE);
	key = byte & ~SC_RELEASE;
	if (!key) { /* 0x80: the break of make 0x00, which is no key (0x00 is an error reply) */
		d->prefix = 0;
		return false;
	}
	if (d->prefix == SC_PREFIX_E0) {
		d->prefix = 0;
		if (key == SC_FAKE_LSHIFT || key == SC_FAKE_RSHIFT)
			return false;
		key |= KEY_E0;
	}
	return key_event(d, key, pressed, false, ev);
}

/*
 * kbd_decode_key - a whole key from a keyboard that sends key codes (USB), decoded like
 * the same key's set-1 bytes but without touching the byte prefix state, so that it can
 * come between the bytes of a PS/2 sequence (e0 | key | 48 is still Up, then the key).
 * Returns false for a code that is no key (KEY_NONE, past KEY_MAX, a release of Pause).
 * Pure.
 */
bool kbd_decode_key(struct kbd_decoder *d, uint16_t key, bool pressed, struct kbd_event *ev)
{
	uint16_t code = key & ~KEY_E0;

	if (key == KEY_PAUSE)
		return pressed && key_event(d, key, true, true, ev);
	if (key >= KEY_PAUSE || !code || code & SC_RELEASE)
		return false;
	return key_event(d, key, pressed, true, ev);
}

/*
 * kbd_decoder_lost - bytes were lost before the next one (the queue overflowed): a
 * sequence they began is forgotten, and every key the decoder counts as held is let go,
 * since its release may be among them (a Shift stuck down is worse than one to press
 * again). Lock toggles and a pending accent stay. Pure.
 */
void kbd_decoder_lost(struct kbd_decoder *d)
{
	d->prefix = 0;
	d->e1_left = 0;
	d->mods &= (uint16_t)~HELD_MODS;
	d->held_bytes = 0;
	memset(d->held_keys, 0, sizeof(d->held_keys));
	d->locks_held = 0;
	d->keypad_down = 0;
	d->keypad_nav = 0;
	d->dead_down = KEY_NONE;
}

/*
 * kbd_decoder_next - true once with the key event held back behind an accent that did not
 * combine (kbd_decode returned the accent as its own event). Pure.
 */
bool kbd_decoder_next(struct kbd_decoder *d, struct kbd_event *ev)
{
	if (!d->queued)
		return false;
	d->queued = false;
	*ev = d->next;
	return true;
}

/*
 * kbd_decoder_take_leds - true once after a lock key toggled; *leds gets the KBD_LED_*
 * bits to send to the keyboard. Pure.
 */
bool kbd_decoder_take_leds(struct kbd_decoder *d, uint8_t *leds)
{
	uint8_t l = 0;

	if (!d->leds_changed)
		return false;
	d->leds_changed = false;
	if (d->mods & KBD_MOD_CAPSLOCK)
		l |= KBD_LED_CAPSLOCK;
	if (d->mods & KBD_MOD_NUMLOCK)
		l |= KBD_LED_NUMLOCK;
	if (d->mods & KBD_MOD_SCROLLLOCK)
		l |= KBD_LED_SCROLLLOCK;
	*leds = l;
	return true;
}

static const struct {
	uint16_t key;
	const char *name;
} key_names[] = {
	{KEY_ESC, "Esc"}, {KEY_1, "1"}, {KEY_2, "2"}, {KEY_3, "3"}, {KEY_4, "4"}, {KEY_5, "5"},
	{KEY_6, "6"}, {KEY_7, "7"}, {KEY_8, "8"}, {KEY_9, "9"}, {KEY_0, "0"},
	{KEY_MINUS, "Minus"}, {KEY_EQUAL, "Equal"}, {KEY_BACKSPACE, "Backspace"},
	{KEY_TAB, "Tab"}, {KEY_Q, "Q"}, {KEY_W, "W"}, {KEY_E, "E"}, {KEY_R, "R"}, {KEY_T, "T"},
	{KEY_Y, "Y"}, {KEY_U, "U"}, {KEY_I, "I"}, {KEY_O, "O"}, {KEY_P, "P"},
	{KEY_LEFTBRACE, "LeftBrace"}, {KEY_RIGHTBRACE, "RightBrace"}, {KEY_ENTER, "Enter"},
	{KEY_LEFTCTRL, "LeftCtrl"}, {KEY_A, "A"}, {KEY_S, "S"}, {KEY_D, "D"}, {KEY_F, "F"},
	{KEY_G, "G"}, {KEY_H, "H"}, {KEY_J, "J"}, {KEY_K, "K"}, {KEY_L, "L"},
	{KEY_SEMICOLON, "Semicolon"}, {KEY_APOSTROPHE, "Apostrophe"}, {KEY_GRAVE, "Grave"},
	{KEY_LEFTSHIFT, "LeftShift"}, {KEY_BACKSLASH, "Backslash"}, {KEY_Z, "Z"}, {KEY_X, "X"},
	{KEY_C, "C"}, {KEY_V, "V"}, {KEY_B, "B"}, {KEY_N, "N"}, {KEY_M, "M"},
	{KEY_COMMA, "Comma"}, {KEY_DOT, "Dot"}, {KEY_SLASH, "Slash"},
	{KEY_RIGHTSHIFT, "RightShift"}, {KEY_KPASTERISK, "KP *"}, {KEY_LEFTALT, "LeftAlt"},
	{KEY_SPACE, "Space"}, {KEY_CAPSLOCK, "CapsLock"}, {KEY_F1, "F1"}, {KEY_F2, "F2"},
	{KEY_F3, "F3"}, {KEY_F4, "F4"}, {KEY_F5, "F5"}, {KEY_F6, "F6"}, {KEY_F7, "F7"},
	{KEY_F8, "F8"}, {KEY_F9, "F9"}, {KEY_F10, "F10"}, {KEY_NUMLOCK, "NumLock"},
	{KEY_SCROLLLOCK, "ScrollLock"}, {KEY_KP7, "KP 7"}, {KEY_KP8, "KP 8"}, {KEY_KP9, "KP 9"},
	{KEY_KPMINUS, "KP -"}, {KEY_KP4, "KP 4"}, {KEY_KP5, "KP 5"}, {KEY_KP6, "KP 6"},
	{KEY_KPPLUS, "KP +"}, {KEY_KP1, "KP 1"}, {KEY_KP2, "KP 2"}, {KEY_KP3, "KP 3"},
	{KEY_KP0, "KP 0"}, {KEY_KPDOT, "KP ."}, {KEY_SYSRQ, "SysRq"}, {KEY_102ND, "102nd"},
	{KEY_F11, "F11"}, {KEY_F12, "F12"},
	{KEY_PREVIOUSSONG, "PreviousSong"}, {KEY_NEXTSONG, "NextSong"},
	{KEY_KPENTER, "KP Enter"}, {KEY_RIGHTCTRL, "RightCtrl"}, {KEY_MUTE, "Mute"},
	{KEY_CALC, "Calc"}, {KEY_PLAYPAUSE, "PlayPause"}, {KEY_STOPCD, "Stop"},
	{KEY_VOLUMEDOWN, "VolumeDown"}, {KEY_VOLUMEUP, "VolumeUp"}, {KEY_HOMEPAGE, "HomePage"},
	{KEY_KPSLASH, "KP /"}, {KEY_PRINT, "Print"}, {KEY_RIGHTALT, "RightAlt"},
	{KEY_BREAK, "Break"}, {KEY_HOME, "Home"}, {KEY_UP, "Up"}, {KEY_PAGEUP, "PageUp"},
	{KEY_LEFT, "Left"}, {KEY_RIGHT, "Right"}, {KEY_END, "End"}, {KEY_DOWN, "Down"},
	{KEY_PAGEDOWN, "PageDown"}, {KEY_INSERT, "Insert"}, {KEY_DELETE, "Delete"},
	{KEY_LEFTMETA, "LeftMeta"}, {KEY_RIGHTMETA, "RightMeta"}, {KEY_COMPOSE, "Menu"},
	{KEY_POWER, "Power"}, {KEY_SLEEP, "Sleep"}, {KEY_WAKEUP, "WakeUp"},
	{KEY_PAUSE, "Pause"},
};

/*
 * kbd_key_name - a short English name for key, "?" when it has none. Pure.
 */
const char *kbd_key_name(uint16_t key)
{
	for (size_t i = 0; i < ARRAY_SIZE(key_names); i++)
		if (key_names[i].key == key)
			return key_names[i].name;
	return "?";
}
