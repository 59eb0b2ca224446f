// SPDX-License-Identifier: MIT
/*
 * Keyboard layouts: which character each key types at each shift level, for the US
 * (default), German and UK layouts, and the one function that applies the modifiers
 * (Shift, AltGr, Caps Lock, Num Lock, Ctrl) to a key. Dead keys are marked in the tables
 * (KBD_DEAD_KEY) and the accents they put on the next letter are listed in one composition
 * table; the decoder (scancode.c) holds the pending accent. Pure: no state, no hardware;
 * compiled for the host (lios_host_input) and tested there.
 */
#include <lios/kbd.h>
#include <lios/string.h>

#define ACUTE 0xb4 /* ´ U+00B4 ACUTE ACCENT, the spacing form of the dead acute */

/* Typing keys identical on every layout (see fixed_char() for Enter, Tab, keypad...). */
#define COMMON_KEYS                                                                      \
	[KEY_SPACE] = {' ', ' ', ' ', ' '}

static const struct kbd_layout layout_us = {
	.name = "us",
	.description = "English (US)",
	.right_alt_is_altgr = false,
	.keypad_decimal = '.',
	.map = {
		COMMON_KEYS,
		[KEY_1] = {'1', '!'}, [KEY_2] = {'2', '@'}, [KEY_3] = {'3', '#'},
		[KEY_4] = {'4', '$'}, [KEY_5] = {'5', '%'}, [KEY_6] = {'6', '^'},
		[KEY_7] = {'7', '&'}, [KEY_8] = {'8', '*'}, [KEY_9] = {'9', '('},
		[KEY_0] = {'0', ')'}, [KEY_MINUS] = {'-', '_'}, [KEY_EQUAL] = {'=', '+'},
		[KEY_Q] = {'q', 'Q'}, [KEY_W] = {'w', 'W'}, [KEY_E] = {'e', 'E'},
		[KEY_R] = {'r', 'R'}, [KEY_T] = {'t', 'T'}, [KEY_Y] = {'y', 'Y'},
		[KEY_U] = {'u', 'U'}, [KEY_I] = {'i', 'I'}, [KEY_O] = {'o', 'O'},
		[KEY_P] = {'p', 'P'}, [KEY_LEFTBRACE] = {'[', '{'}, [KEY_RIGHTBRACE] = {']', '}'},
		[KEY_A] = {'a', 'A'}, [KEY_S] = {'s', 'S'}, [KEY_D] = {'d', 'D'},
		[KEY_F] = {'f', 'F'}, [KEY_G] = {'g', 'G'}, [KEY_H] = {'h', 'H'},
		[KEY_J] = {'j', 'J'}, [KEY_K] = {'k', 'K'}, [KEY_L] = {'l', 'L'},
		[KEY_SEMICOLON] = {';', ':'}, [KEY_APOSTROPHE] = {'\'', '"'}, [KEY_GRAVE] = {'`', '~'},
		[KEY_BACKSLASH] = {'\\', '|'},
		[KEY_Z] = {'z', 'Z'}, [KEY_X] = {'x', 'X'}, [KEY_C] = {'c', 'C'},
		[KEY_V] = {'v', 'V'}, [KEY_B] = {'b', 'B'}, [KEY_N] = {'n', 'N'},
		[KEY_M] = {'m', 'M'}, [KEY_COMMA] = {',', '<'}, [KEY_DOT] = {'.', '>'},
		[KEY_SLASH] = {'/', '?'},
		/* the ISO key, absent on ANSI keyboards: X11's us layout maps it like this */
		[KEY_102ND] = {'<', '>'},
	},
};

/* German (T1, QWERTZ). AltGr is the right Alt key. ^ (left of 1), ´ (right of ß) and
 * Shift+´ = ` are dead keys, as in Linux's de-latin1 and Windows' German layout. */
static const struct kbd_layout layout_de = {
	.name = "de",
	.description = "German (QWERTZ)",
	.right_alt_is_altgr = true,
	.keypad_decimal = ',', /* the key is labelled , (X11's de, Windows' German) */
	.map = {
		COMMON_KEYS,
		[KEY_1] = {'1', '!'}, [KEY_2] = {'2', '"', 0xb2}, [KEY_3] = {'3', 0xa7, 0xb3},
		[KEY_4] = {'4', '$'}, [KEY_5] = {'5', '%'}, [KEY_6] = {'6', '&'},
		[KEY_7] = {'7', '/', '{'}, [KEY_8] = {'8', '(', '['}, [KEY_9] = {'9', ')', ']'},
		[KEY_0] = {'0', '=', '}'}, [KEY_MINUS] = {0xdf, '?', '\\'},
		[KEY_EQUAL] = {KBD_DEAD_KEY(ACUTE), KBD_DEAD_KEY('`')},
		[KEY_Q] = {'q', 'Q', '@'}, [KEY_W] = {'w', 'W'}, [KEY_E] = {'e', 'E', 0x20ac},
		[KEY_R] = {'r', 'R'}, [KEY_T] = {'t', 'T'}, [KEY_Y] = {'z', 'Z'},
		[KEY_U] = {'u', 'U'}, [KEY_I] = {'i', 'I'}, [KEY_O] = {'o', 'O'},
		[KEY_P] = {'p', 'P'}, [KEY_LEFTBRACE] = {0xfc, 0xdc}, [KEY_RIGHTBRACE] = {'+', '*', '~'},
		[KEY_A] = {'a', 'A'}, [KEY_S] = {'s', 'S'}, [KEY_D] = {'d', 'D'},
		[KEY_F] = {'f', 'F'}, [KEY_G] = {'g', 'G'}, [KEY_H] = {'h', 'H'},
		[KEY_J] = {'j', 'J'}, [KEY_K] = {'k', 'K'}, [KEY_L] = {'l', 'L'},
		[KEY_SEMICOLON] = {0xf6, 0xd6}, [KEY_APOSTROPHE] = {0xe4, 0xc4},
		[KEY_GRAVE] = {KBD_DEAD_KEY('^'), 0xb0},
		[KEY_BACKSLASH] = {'#', '\''},
		[KEY_Z] = {'y', 'Y'}, [KEY_X] = {'x', 'X'}, [KEY_C] = {'c', 'C'},
		[KEY_V] = {'v', 'V'}, [KEY_B] = {'b', 'B'}, [KEY_N] = {'n', 'N'},
		[KEY_M] = {'m', 'M', 0xb5}, [KEY_COMMA] = {',', ';'}, [KEY_DOT] = {'.', ':'},
		[KEY_SLASH] = {'-', '_'},
		[KEY_102ND] = {'<', '>', '|'},
	},
};

/* United Kingdom. AltGr is the right Alt key. */
static const struct kbd_layout layout_uk = {
	.name = "uk",
	.description = "English (UK)",
	.right_alt_is_altgr = true,
	.keypad_decimal = '.',
	.map = {
		COMMON_KEYS,
		[KEY_1] = {'1', '!'}, [KEY_2] = {'2', '"'}, [KEY_3] = {'3', 0xa3},
		[KEY_4] = {'4', '$', 0x20ac}, [KEY_5] = {'5', '%'}, [KEY_6] = {'6', '^'},
		[KEY_7] = {'7', '&'}, [KEY_8] = {'8', '*'}, [KEY_9] = {'9', '('},
		[KEY_0] = {'0', ')'}, [KEY_MINUS] = {'-', '_'}, [KEY_EQUAL] = {'=', '+'},
		[KEY_Q] = {'q', 'Q'}, [KEY_W] = {'w', 'W'}, [KEY_E] = {'e', 'E', 0xe9, 0xc9},
		[KEY_R] = {'r', 'R'}, [KEY_T] = {'t', 'T'}, [KEY_Y] = {'y', 'Y'},
		[KEY_U] = {'u', 'U', 0xfa, 0xda}, [KEY_I] = {'i', 'I', 0xed, 0xcd},
		[KEY_O] = {'o', 'O', 0xf3, 0xd3},
		[KEY_P] = {'p', 'P'}, [KEY_LEFTBRACE] = {'[', '{'}, [KEY_RIGHTBRACE] = {']', '}'},
		[KEY_A] = {'a', 'A', 0xe1, 0xc1}, [KEY_S] = {'s', 'S'}, [KEY_D] = {'d', 'D'},
		[KEY_F] = {'f', 'F'}, [KEY_G] = {'g', 'G'}, [KEY_H] = {'h', 'H'},
		[KEY_J] = {'j', 'J'}, [KEY_K] = {'k', 'K'}, [KEY_L] = {'l', 'L'},
		[KEY_SEMICOLON] = {';', ':'}, [KEY_APOSTROPHE] = {'\'', '@'},
		[KEY_GRAVE] = {'`', 0xac, 0xa6},
		[KEY_BACKSLASH] = {'#', '~'},
		[KEY_Z] = {'z', 'Z'}, [KEY_X] = {'x', 'X'}, [KEY_C] = {'c', 'C'},
		[KEY_V] = {'v', 'V'}, [KEY_B] = {'b', 'B'}, [KEY_N] = {'n', 'N'},
		[KEY_M] = {'m', 'M'}, [KEY_COMMA] = {',', '<'}, [KEY_DOT] = {'.', '>'},
		[KEY_SLASH] = {'/', '?'},
		[KEY_102ND] = {'\\', '|'},
	},
};

static const struct kbd_layout *const layouts[] = { &layout_us, &layout_de, &layout_uk };

/*
 * kbd_layout_at - the i-th built-in layout, 0 being the default (US).
 * Returns NULL when i is past the last one. Pure.
 */
const struct kbd_layout *kbd_layout_at(size_t i)
{
	return i < ARRAY_SIZE(layouts) ? layouts[i] : NULL;
}

/*
 * kbd_layout_find - the built-in layout called name ("us", "de", "uk"); "gb" is accepted
 * for "uk". Returns NULL for an unknown name. Pure.
 */
const struct kbd_layout *kbd_layout_find(const char *name)
{
	if (!name)
		return NULL;
	if (strcmp(name, "gb") == 0)
		name = "uk";
	for (size_t i = 0; i < ARRAY_SIZE(layouts); i++)
		if (strcmp(layouts[i]->name, name) == 0)
			return layouts[i];
	return NULL;
}

/*
 * What a dead key's accent does to the next character: the vowels with acute, grave and
 * circumflex that the console can show (CP437 has them all in lower case, and only É in
 * upper case). Anything else does not combine: the accent is typed, then the character.
 */
static const struct {
	uint32_t accent, c, result;
} compose_table[] = {
	{ACUTE, 'a', 0xe1}, {ACUTE, 'e', 0xe9}, {ACUTE, 'i', 0xed}, {ACUTE, 'o', 0xf3},
	{ACUTE, 'u', 0xfa}, {ACUTE, 'E', 0xc9},
	{'`', 'a', 0xe0}, {'`', 'e', 0xe8}, {'`', 'i', 0xec}, {'`', 'o', 0xf2}, {'`', 'u', 0xf9},
	{'^', 'a', 0xe2}, {'^', 'e', 0xea}, {'^', 'i', 0xee}, {'^', 'o', 0xf4}, {'^', 'u', 0xfb},
};

/*
 * kbd_compose - the character accent (a dead key's spacing accent) and c make, 0 when the
 * composition table has no such pair. Pure.
 */
uint32_t kbd_compose(uint32_t accent, uint32_t c)
{
	for (size_t i = 0; i < ARRAY_SIZE(compose_table); i++)
		if (compose_table[i].accent == accent && compose_table[i].c == c)
			return compose_table[i].result;
	return 0;
}

/* Latin-1 lower-case letters: Caps Lock shifts exactly these. */
static bool is_lower_letter(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 0xe0 && c <= 0xfe && c != 0xf7);
}

/* Keys typing the same character at every level: the same on every layout but for the
 * keypad's decimal key, which types the separator the layout prints on it. */
static uint32_t fixed_char(const struct kbd_layout *l, uint16_t key, uint16_t mods)
{
	bool num = mods & KBD_MOD_NUMLOCK;

	switch (key) {
	case KEY_ESC: return 0x1b;
	case KEY_BACKSPACE: return '\b';
	case KEY_TAB: return '\t';
	case KEY_ENTER:
	case KEY_KPENTER: return '\n';
	case KEY_KPSLASH: return '/';
	case KEY_KPASTERISK: return '*';
	case KEY_KPMINUS: return '-';
	case KEY_KPPLUS: return '+';
	case KEY_KP7: return num ? '7' : 0;
	case KEY_KP8: return num ? '8' : 0;
	case KEY_KP9: return num ? '9' : 0;
	case KEY_KP4: return num ? '4' : 0;
	case KEY_KP5: return num ? '5' : 0;
	case KEY_KP6: return num ? '6' : 0;
	case KEY_KP1: return num ? '1' : 0;
	case KEY_KP2: return num ? '2' : 0;
	case KEY_KP3: return num ? '3' : 0;
	case KEY_KP0: return num ? '0' : 0;
	case KEY_KPDOT: return num ? l->keypad_decimal : 0;
	default: return 0;
	}
}

/* Ctrl with a character: letters and @[\]^_ give the ASCII control codes; keys that already
 * type a control character keep it; anything else types nothing. */
static uint32_t apply_ctrl(uint32_t c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 1;
	if (c >= '@' && c <= '_')
		return c & 0x1f;
	if (c < 0x20)
		return c;
	return 0;
}

/*
 * kbd_layout_char - the character key types under layout l with the modifiers mods.
 * Shift and Caps Lock (letters only, at the AltGr levels too) cancel each other; AltGr
 * selects the third and fourth level; Ctrl turns letters into control codes. Returns 0
 * when the key types nothing, and KBD_DEAD | accent for a dead key; with Ctrl a dead key
 * counts as its accent (Ctrl+^ is 0x1e like on US). Pure; l must not be NULL.
 */
uint32_t kbd_layout_char(const struct kbd_layout *l, uint16_t key, uint16_t mods)
{
	uint32_t c = fixed_char(l, key, mods);

	if (!c && key < KBD_LAYOUT_KEYS) {
		bool shift = mods & KBD_MOD_SHIFT;
		int base = (mods & KBD_MOD_ALTGR) ? 2 : 0; /* the level pair: plain or AltGr */

		/* Caps Lock shifts letters only, judged on the pair's own unshifted character:
		 * AltGr+Q is @ on de, no letter, so it stays @ (its Shift level is empty);
		 * AltGr+E is é on uk, so Caps Lock makes it É */
		if ((mods & KBD_MOD_CAPSLOCK) && is_lower_letter(l->map[key][base]))
			shift = !shift;
		c = l->map[key][base + (shift ? 1 : 0)];
	}
	if (c && (mods & KBD_MOD_CTRL))
		c = apply_ctrl(c & ~KBD_DEAD);
	return c;
}
