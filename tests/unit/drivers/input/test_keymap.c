// SPDX-License-Identifier: MIT
/*
 * Unit tests of the keyboard layouts (src/drivers/input/keymap.c), through the decoder as
 * the kernel uses them: lookup by name, the German and UK differences from US at every
 * level, AltGr on the right Alt key, Caps Lock on non-ASCII letters, Ctrl.
 */
#include <lios/kbd.h>
#include <string.h>
#include "../../unit.h"

static struct kbd_decoder dec;

static uint32_t type(uint8_t code)
{
	struct kbd_event ev = {0};

	CHECK(kbd_decode(&dec, code, &ev));
	kbd_decode(&dec, code | 0x80, &(struct kbd_event){0});
	return ev.ch;
}

static void hold(uint8_t code) { kbd_decode(&dec, code, &(struct kbd_event){0}); }
static void hold_e0(uint8_t code)
{
	kbd_decode(&dec, 0xe0, &(struct kbd_event){0});
	kbd_decode(&dec, code, &(struct kbd_event){0});
}

/* Names: us, de, uk are found, gb is an alias of uk, unknown names give NULL; layout 0 is
 * the US default and the list ends with NULL. */
static void test_lookup(void)
{
	CHECK(kbd_layout_find("us") == kbd_layout_at(0));
	CHECK(strcmp(kbd_layout_find("de")->name, "de") == 0);
	CHECK(kbd_layout_find("gb") == kbd_layout_find("uk"));
	CHECK(kbd_layout_find("fr") == NULL);
	CHECK(kbd_layout_find("") == NULL);
	CHECK(kbd_layout_find(NULL) == NULL);
	CHECK(kbd_layout_at(3) == NULL);
	for (size_t i = 0; kbd_layout_at(i); i++)
		CHECK(kbd_layout_at(i)->description != NULL);
}

/* German: Y and Z swapped, umlauts and sharp s where US has punctuation, shifted digits
 * differ (Shift+7 = '/', Shift+0 = '='), AltGr (right Alt) gives @ { [ ] } \ ~ | and the
 * euro sign, Caps Lock upper-cases umlauts but not sharp s, and leaves AltGr's @ € µ. */
static void test_german(void)
{
	kbd_decoder_init(&dec, kbd_layout_find("de"));
	CHECK_EQ(type(0x15), 'z');
	CHECK_EQ(type(0x2c), 'y');
	CHECK_EQ(type(0x1a), 0xfc); /* ü */
	CHECK_EQ(type(0x27), 0xf6); /* ö */
	CHECK_EQ(type(0x28), 0xe4); /* ä */
	CHECK_EQ(type(0x0c), 0xdf); /* ß */
	CHECK_EQ(type(0x35), '-');
	CHECK_EQ(type(0x56), '<');
	hold(0x2a);
	CHECK_EQ(type(0x08), '/');
	CHECK_EQ(type(0x0b), '=');
	CHECK_EQ(type(0x03), '"');
	CHECK_EQ(type(0x04), 0xa7); /* § */
	CHECK_EQ(type(0x35), '_');
	CHECK_EQ(type(0x1a), 0xdc); /* Ü */
	CHECK_EQ(type(0x56), '>');
	hold(0xaa);

	hold_e0(0x38); /* AltGr down */
	CHECK_EQ(type(0x10), '@');
	CHECK_EQ(type(0x08), '{');
	CHECK_EQ(type(0x09), '[');
	CHECK_EQ(type(0x0a), ']');
	CHECK_EQ(type(0x0b), '}');
	CHECK_EQ(type(0x0c), '\\');
	CHECK_EQ(type(0x1b), '~');
	CHECK_EQ(type(0x56), '|');
	CHECK_EQ(type(0x12), 0x20ac);
	CHECK_EQ(type(0x1e), 0); /* AltGr+A: nothing */
	hold_e0(0xb8);
	CHECK_EQ(type(0x10), 'q');

	hold(0x3a);
	hold(0xba);
	CHECK_EQ(type(0x27), 0xd6); /* Ö */
	CHECK_EQ(type(0x0c), 0xdf); /* ß stays */
	CHECK_EQ(type(0x15), 'Z');
	CHECK_EQ(type(0x02), '1');
	/* Caps Lock still on: AltGr's characters on letter keys are no letters and stay
	 * (an e-mail address typed with Caps Lock on needs its @); before, Caps Lock moved
	 * them to the Shift+AltGr level, which types nothing there. */
	hold_e0(0x38);
	CHECK_EQ(type(0x10), '@');
	CHECK_EQ(type(0x12), 0x20ac);
	CHECK_EQ(type(0x32), 0xb5); /* µ */
	hold_e0(0xb8);
	hold(0x3a);
	hold(0xba);
}

/* UK: Shift+2 = '"', Shift+3 = pound, Shift+' = '@', # and ~ on the key by Enter, the
 * ISO key types \ and |, grave key shifts to the not sign; AltGr+4 = euro; AltGr+E = é,
 * with Caps Lock É. */
static void test_uk(void)
{
	kbd_decoder_init(&dec, kbd_layout_find("uk"));
	CHECK_EQ(type(0x2b), '#');
	CHECK_EQ(type(0x56), '\\');
	CHECK_EQ(type(0x28), '\'');
	hold(0x36);
	CHECK_EQ(type(0x03), '"');
	CHECK_EQ(type(0x04), 0xa3);
	CHECK_EQ(type(0x28), '@');
	CHECK_EQ(type(0x2b), '~');
	CHECK_EQ(type(0x56), '|');
	CHECK_EQ(type(0x29), 0xac);
	hold(0xb6);
	hold_e0(0x38);
	CHECK_EQ(type(0x05), 0x20ac);
	hold_e0(0xb8);
	CHECK_EQ(type(0x05), '4');
	/* AltGr's level of a letter key is a letter there (é): Caps Lock makes it capital */
	hold_e0(0x38);
	CHECK_EQ(type(0x12), 0xe9);
	hold(0x3a);
	hold(0xba);
	CHECK_EQ(type(0x12), 0xc9);
	CHECK_EQ(type(0x05), 0x20ac);
	hold_e0(0xb8);
	hold(0x3a);
	hold(0xba);
}

/* The layout switched (kbd de -> us) while AltGr is held: its release still ends it,
 * else AltGr stayed on for ever and every letter typed its empty AltGr level. */
static void test_layout_switch_altgr(void)
{
	kbd_decoder_init(&dec, kbd_layout_find("de"));
	hold_e0(0x38);
	dec.layout = kbd_layout_find("us"); /* what kbd_set_layout does */
	hold_e0(0xb8);
	CHECK_EQ(dec.mods, 0);
	CHECK_EQ(type(0x10), 'q');
	hold_e0(0x38); /* and the other way: right Alt on us, released on de */
	dec.layout = kbd_layout_find("de");
	hold_e0(0xb8);
	CHECK_EQ(dec.mods, 0);
	CHECK_EQ(type(0x10), 'q');
}

/* Ctrl on another layout follows the character, not the position: on de, Ctrl + the key
 * labelled Z (US Y position) gives 26; keys typing nothing stay nothing. */
static void test_ctrl_follows_layout(void)
{
	kbd_decoder_init(&dec, kbd_layout_find("de"));
	hold(0x1d);
	CHECK_EQ(type(0x15), 26);
	CHECK_EQ(type(0x2c), 25);
	CHECK_EQ(type(0x3b), 0);
	hold(0x9d);
}

/* kbd_layout_char directly: Enter, Tab, Esc and Backspace type the same on all layouts;
 * the keypad digits need Num Lock; an out-of-range key types nothing. */
static void test_fixed_keys(void)
{
	for (size_t i = 0; kbd_layout_at(i); i++) {
		const struct kbd_layout *l = kbd_layout_at(i);

		CHECK_EQ(kbd_layout_char(l, KEY_ENTER, 0), '\n');
		CHECK_EQ(kbd_layout_char(l, KEY_KPENTER, 0), '\n');
		CHECK_EQ(kbd_layout_char(l, KEY_TAB, KBD_MOD_LSHIFT), '\t');
		CHECK_EQ(kbd_layout_char(l, KEY_ESC, 0), 0x1b);
		CHECK_EQ(kbd_layout_char(l, KEY_BACKSPACE, 0), '\b');
		CHECK_EQ(kbd_layout_char(l, KEY_SPACE, KBD_MOD_LSHIFT), ' ');
		CHECK_EQ(kbd_layout_char(l, KEY_KP1, 0), 0);
		CHECK_EQ(kbd_layout_char(l, KEY_KP1, KBD_MOD_NUMLOCK), '1');
		CHECK_EQ(kbd_layout_char(l, KEY_UP, 0), 0);
		CHECK_EQ(kbd_layout_char(l, KEY_PAUSE, 0), 0);
	}
}

/* The keypad's decimal key with Num Lock types the decimal separator its layout prints on
 * it: ',' on German keyboards (X11's de and Windows' German layout), '.' on US and UK ones.
 * German numbers typed on the keypad came out as 3.5 instead of 3,5. Without Num Lock it is
 * Delete on every layout. */
static void test_keypad_decimal(void)
{
	static const struct {
		const char *layout;
		uint32_t ch;
	} want[] = {{"us", '.'}, {"uk", '.'}, {"de", ','}};
	struct kbd_event ev = {0};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct kbd_layout *l = kbd_layout_find(want[i].layout);

		kbd_decoder_init(&dec, l);
		hold(0x45); /* Num Lock on */
		hold(0xc5);
		CHECK_EQ(type(0x53), want[i].ch);
		CHECK_EQ(kbd_layout_char(l, KEY_KPDOT, KBD_MOD_NUMLOCK), want[i].ch);
		hold(0x45); /* Num Lock off: the key is Delete, typing nothing */
		hold(0xc5);
		CHECK(kbd_decode(&dec, 0x53, &ev));
		CHECK_EQ(ev.key, KEY_DELETE);
		CHECK_EQ(ev.ch, 0);
		hold(0xd3);
	}
}

int main(void)
{
	test_lookup();
	test_german();
	test_uk();
	test_ctrl_follows_layout();
	test_layout_switch_altgr();
	test_fixed_keys();
	test_keypad_decimal();
	return unit_exit("test_keymap");
}
