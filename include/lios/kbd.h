/* SPDX-License-Identifier: MIT */
/*
 * The keyboard: key codes, key events, the pure scan code set 1 decoder
 * (src/drivers/input/scancode.c), the layouts (src/drivers/input/keymap.c) and the kernel
 * side that turns IRQ 1 bytes into events (src/drivers/input/kbd.c). The decoder and the
 * layouts know no hardware and are compiled for the host too (lios_host_input).
 *
 * A key code names a key by its position, after its US label. Base keys use their set-1
 * make code (KEY_A == 0x1e); keys sent with the 0xe0 prefix use 0x100 | make code
 * (KEY_UP == 0x148). Key events carry the key, pressed or released, the modifiers held and
 * the character (a Unicode code point, 0 when the key types none).
 *
 * Dead keys (the German ^ ´ `) type nothing when pressed; the decoder combines their accent
 * with the next character (^ then a: U+00E2). When the two do not combine, one key press
 * gives two events: the accent (key KEY_NONE) and then the key itself.
 */
#ifndef LIOS_KBD_H
#define LIOS_KBD_H

#include <lios/compiler.h>

enum kbd_keycode {
	KEY_NONE = 0x00,
	KEY_ESC = 0x01,
	KEY_1 = 0x02, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9, KEY_0,
	KEY_MINUS = 0x0c, KEY_EQUAL = 0x0d, KEY_BACKSPACE = 0x0e, KEY_TAB = 0x0f,
	KEY_Q = 0x10, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y, KEY_U, KEY_I, KEY_O, KEY_P,
	KEY_LEFTBRACE = 0x1a, KEY_RIGHTBRACE = 0x1b, KEY_ENTER = 0x1c, KEY_LEFTCTRL = 0x1d,
	KEY_A = 0x1e, KEY_S, KEY_D, KEY_F, KEY_G, KEY_H, KEY_J, KEY_K, KEY_L,
	KEY_SEMICOLON = 0x27, KEY_APOSTROPHE = 0x28, KEY_GRAVE = 0x29, KEY_LEFTSHIFT = 0x2a,
	KEY_BACKSLASH = 0x2b,
	KEY_Z = 0x2c, KEY_X, KEY_C, KEY_V, KEY_B, KEY_N, KEY_M,
	KEY_COMMA = 0x33, KEY_DOT = 0x34, KEY_SLASH = 0x35, KEY_RIGHTSHIFT = 0x36,
	KEY_KPASTERISK = 0x37, KEY_LEFTALT = 0x38, KEY_SPACE = 0x39, KEY_CAPSLOCK = 0x3a,
	KEY_F1 = 0x3b, KEY_F2, KEY_F3, KEY_F4, KEY_F5, KEY_F6, KEY_F7, KEY_F8, KEY_F9, KEY_F10,
	KEY_NUMLOCK = 0x45, KEY_SCROLLLOCK = 0x46,
	KEY_KP7 = 0x47, KEY_KP8 = 0x48, KEY_KP9 = 0x49, KEY_KPMINUS = 0x4a,
	KEY_KP4 = 0x4b, KEY_KP5 = 0x4c, KEY_KP6 = 0x4d, KEY_KPPLUS = 0x4e,
	KEY_KP1 = 0x4f, KEY_KP2 = 0x50, KEY_KP3 = 0x51, KEY_KP0 = 0x52, KEY_KPDOT = 0x53,
	KEY_SYSRQ = 0x54, KEY_102ND = 0x56, KEY_F11 = 0x57, KEY_F12 = 0x58,

	/* 0xe0-prefixed keys */
	KEY_E0 = 0x100,
	KEY_PREVIOUSSONG = 0x110, KEY_NEXTSONG = 0x119,
	KEY_KPENTER = 0x11c, KEY_RIGHTCTRL = 0x11d,
	KEY_MUTE = 0x120, KEY_CALC = 0x121, KEY_PLAYPAUSE = 0x122, KEY_STOPCD = 0x124,
	KEY_VOLUMEDOWN = 0x12e, KEY_VOLUMEUP = 0x130, KEY_HOMEPAGE = 0x132,
	KEY_KPSLASH = 0x135, KEY_PRINT = 0x137, KEY_RIGHTALT = 0x138,
	KEY_BREAK = 0x146, /* Ctrl+Pause */
	KEY_HOME = 0x147, KEY_UP = 0x148, KEY_PAGEUP = 0x149, KEY_LEFT = 0x14b,
	KEY_RIGHT = 0x14d, KEY_END = 0x14f, KEY_DOWN = 0x150, KEY_PAGEDOWN = 0x151,
	KEY_INSERT = 0x152, KEY_DELETE = 0x153,
	KEY_LEFTMETA = 0x15b, KEY_RIGHTMETA = 0x15c, KEY_COMPOSE = 0x15d,
	KEY_POWER = 0x15e, KEY_SLEEP = 0x15f, KEY_WAKEUP = 0x163,

	/* Pause sends an 0xe1 sequence and no release: reported as a press only */
	KEY_PAUSE = 0x200,
	KEY_MAX = 0x201,
};

/* Modifier and lock state carried by every event (struct kbd_event.mods). */
#define KBD_MOD_LSHIFT (1u << 0)
#define KBD_MOD_RSHIFT (1u << 1)
#define KBD_MOD_LCTRL (1u << 2)
#define KBD_MOD_RCTRL (1u << 3)
#define KBD_MOD_LALT (1u << 4)
#define KBD_MOD_ALTGR (1u << 5) /* right Alt on layouts with AltGr */
#define KBD_MOD_RALT (1u << 6)  /* right Alt on layouts without AltGr */
#define KBD_MOD_CAPSLOCK (1u << 8)
#define KBD_MOD_NUMLOCK (1u << 9)
#define KBD_MOD_SCROLLLOCK (1u << 10)
#define KBD_MOD_SHIFT (KBD_MOD_LSHIFT | KBD_MOD_RSHIFT)
#define KBD_MOD_CTRL (KBD_MOD_LCTRL | KBD_MOD_RCTRL)
#define KBD_MOD_ALT (KBD_MOD_LALT | KBD_MOD_RALT)

/* The keyboard's LED bits, as the PS/2 "set LEDs" command (0xed) takes them. */
#define KBD_LED_SCROLLLOCK (1u << 0)
#define KBD_LED_NUMLOCK (1u << 1)
#define KBD_LED_CAPSLOCK (1u << 2)

struct kbd_event {
	uint16_t key;   /* enum kbd_keycode */
	bool pressed;   /* false: released */
	uint16_t mods;  /* KBD_MOD_* after this event was applied */
	uint32_t ch;    /* Unicode code point typed, 0 if none; Ctrl+letter gives 0x01-0x1a */
};

/* ---- layouts (keymap.c, pure) ---- */

#define KBD_LAYOUT_KEYS 0x59 /* base keys 0x00-0x58 */

/* A layout entry (and a kbd_layout_char() result) with this bit set is a dead key; the low
 * bits are its accent as a spacing character (U+005E ^, U+00B4 ´, U+0060 `). Never in
 * struct kbd_event.ch: the decoder resolves it. */
#define KBD_DEAD 0x80000000u
#define KBD_DEAD_KEY(accent) (KBD_DEAD | (accent))

/* Characters of the base keys at each shift level; 0 where the key types nothing. Caps
 * Lock acts as Shift where the unshifted character of the level pair (plain, or AltGr) is
 * a lower-case letter: German AltGr+Q stays @, UK AltGr+E becomes É. */
struct kbd_layout {
	const char *name;        /* "us", "de", "uk" */
	const char *description;
	bool right_alt_is_altgr;
	uint32_t keypad_decimal; /* what the keypad's decimal key types with Num Lock: the
				  * separator printed on it ('.', or ',' on German keyboards) */
	uint32_t map[KBD_LAYOUT_KEYS][4]; /* [key][0 plain, 1 shift, 2 altgr, 3 shift+altgr] */
};

/* The layout called name, or NULL. Pure. */
const struct kbd_layout *kbd_layout_find(const char *name);
/* The i-th built-in layout (0 is the US default), NULL past the end. Pure. */
const struct kbd_layout *kbd_layout_at(size_t i);
/* The character key types with mods under layout l (Shift, AltGr, Caps/Num Lock, Ctrl
 * applied; keypad and E0 keys included). 0 when none; KBD_DEAD | accent for a dead key
 * (with Ctrl held a dead key is an ordinary one). Pure. */
uint32_t kbd_layout_char(const struct kbd_layout *l, uint16_t key, uint16_t mods);
/* The character a dead key's accent and the character typed after it make (U+00E2 for
 * '^' and 'a'), 0 when they do not combine. Pure. */
uint32_t kbd_compose(uint32_t accent, uint32_t c);

/* ---- the set-1 decoder (scancode.c, pure) ---- */

struct kbd_decoder {
	const struct kbd_layout *layout;
	uint16_t mods;        /* KBD_MOD_* */
	uint8_t prefix;       /* 0, or 0xe0 after that byte */
	uint8_t e1_left;      /* bytes of an 0xe1 (Pause) sequence still to swallow */
	uint8_t locks_held;   /* KBD_LED_* of lock keys now down: typematic repeats do not toggle */
	uint16_t held_bytes;  /* KBD_MOD_* held by the keyboard that sends bytes (the 8042) ... */
	uint8_t held_keys[6]; /* ... and presses not yet released of each modifier key by those
			       * that send whole keys (USB, one per keyboard): a modifier is held
			       * while any keyboard holds it */
	uint16_t keys_ralt;   /* KBD_MOD_ALTGR or KBD_MOD_RALT: right Alt's whole-key presses */
	uint16_t keypad_down; /* bit i: keypad key KEY_KP7 + i is down ... */
	uint16_t keypad_nav;  /* ... and was pressed as its cursor key (Num Lock off or Shift):
			       * repeats and the release keep the key its press gave */
	bool leds_changed;    /* a lock key toggled since kbd_decoder_take_leds() */
	uint32_t dead;        /* accent of the pending dead key, 0 when none */
	uint16_t dead_down;   /* the dead key that set it while still held, else KEY_NONE */
	bool queued;          /* 'next' waits for kbd_decoder_next() */
	struct kbd_event next; /* the key event that follows an accent that did not combine */
};

/* Start with no modifier held, all locks off, the given layout (US if NULL). Pure. */
void kbd_decoder_init(struct kbd_decoder *d, const struct kbd_layout *layout);
/* Feed one byte from the keyboard. Returns true and fills *ev when the byte completes a key
 * event; prefixes, fake shifts (E0 2A / E0 AA around Print Screen) and controller replies
 * (0xfa ack, 0xfe resend, 0x00/0xff errors) produce no event. Pure. */
bool kbd_decode(struct kbd_decoder *d, uint8_t byte, struct kbd_event *ev);
/* Feed one whole key from a keyboard that reports key codes (USB) instead of bytes: decoded
 * as the key's set-1 bytes would be, but leaving the byte prefix state alone, so that it may
 * come between the bytes of a PS/2 key. Each press is a new one (such keyboards repeat no
 * modifier or lock key) and has its own release: modifiers are counted, so two keyboards
 * may hold the same one. False for no key (KEY_NONE, Pause released). Pure. */
bool kbd_decode_key(struct kbd_decoder *d, uint16_t key, bool pressed, struct kbd_event *ev);
/* Input was lost before the next byte: drop a half-received sequence and let go of the
 * modifier, keypad and lock keys counted as held (their releases may be lost). Pure. */
void kbd_decoder_lost(struct kbd_decoder *d);
/* True once with the event kbd_decode() held back when a dead key's accent did not combine
 * with the next key (kbd_decode gave the accent, this gives the key). Call it before
 * feeding the next byte. Pure. */
bool kbd_decoder_next(struct kbd_decoder *d, struct kbd_event *ev);
/* Returns true once after a lock key changed the LED state; *leds gets KBD_LED_* bits. */
bool kbd_decoder_take_leds(struct kbd_decoder *d, uint8_t *leds);
/* Key name for logs and tests ("A", "Up", "KP Enter"); "?" for codes without a name. */
const char *kbd_key_name(uint16_t key);

/* ---- the kernel keyboard (kbd.c) ---- */

/* Probe the PS/2 controller and keyboard, choose the layout from kbd.layout= on the command
 * line, hook IRQ 1. Logs "kbd: ps2" or "kbd: none (<reason>)". Needs irq_init() and
 * timer_init() first and interrupts enabled. Returns 0 or -ENODEV. */
int kbd_init(void);
/* True when a keyboard was found. */
bool kbd_present(void);
/* No PS/2 keyboard answered at boot, and the 8042's keyboard port is watched for one plugged
 * in later (kbd_present turns true when it comes). Any context. */
bool kbd_watching(void);
/* Take the next key event; false when none is queued. Thread context. */
bool kbd_poll_event(struct kbd_event *ev);
/* Bytes are waiting to be decoded (check with interrupts disabled before halting). */
bool kbd_has_input(void);
/* Queue a byte as if the keyboard had sent it (self-tests). Any context. */
void kbd_inject_byte(uint8_t b);
/* Switch layout by name; -ENOENT if unknown. */
int kbd_set_layout(const char *name);
const struct kbd_layout *kbd_get_layout(void);
/* Queue a key event from another keyboard (USB): one whole key, never split from the
 * 8042's byte sequences. Modifier presses are counted (see kbd_decode_key): each must be
 * followed by its release, none repeated. Any context. */
void kbd_report_key(uint16_t key, bool pressed);
/* fn(KBD_LED_* bits) runs in thread context whenever a lock key changes the LEDs. */
void kbd_set_led_listener(void (*fn)(uint8_t leds));
/* The LED state (KBD_LED_*) the lock keys have set. Any context. */
uint8_t kbd_leds(void);
/* Entries lost because the ring buffer was full (an 8042 byte or a USB key each); the
 * first event read after a loss logs "kbd: input overflowed ..." and releases modifiers. */
uint64_t kbd_dropped(void);
/* LED updates the PS/2 keyboard did not acknowledge; the first one logs "kbd: LED update
 * failed ...", the others are only counted. */
uint64_t kbd_led_failures(void);
/* Both counts in words for the shell ("1 keyboard input dropped, 2 LED updates failed",
 * either alone, "" when both are 0), into buf (size bytes, always terminated). */
void kbd_describe_losses(char *buf, size_t size);

#endif
