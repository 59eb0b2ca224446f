// SPDX-License-Identifier: MIT
/*
 * Unit tests of the dead keys: the composition table (src/drivers/input/keymap.c) against
 * the console's character set, and the pending accent in the set-1 decoder
 * (src/drivers/input/scancode.c) on the German layout, fed scan codes as the keyboard sends
 * them and drained the way kbd.c does (kbd_decode, then kbd_decoder_next).
 */
#include <lios/kbd.h>
#include <string.h>
#include "term.h"
#include "../../unit.h"

#define SC_RELEASE 0x80
#define SC_E0 0xe0
#define ACUTE 0xb4

static struct kbd_decoder dec;
static struct kbd_event evs[32]; /* every event since the last check */
static size_t nev;
static uint32_t typed[32];       /* the characters of the pressed events among them */
static size_t ntyped;

static void record(const struct kbd_event *ev)
{
	if (nev < ARRAY_SIZE(evs))
		evs[nev++] = *ev;
	if (ev->pressed && ev->ch && ntyped < ARRAY_SIZE(typed))
		typed[ntyped++] = ev->ch;
}

/* One byte in, every event it gives recorded, as kbd_poll_event() hands them out. */
static void feed(uint8_t b)
{
	struct kbd_event ev;

	if (!kbd_decode(&dec, b, &ev))
		return;
	record(&ev);
	while (kbd_decoder_next(&dec, &ev))
		record(&ev);
}

static void down(uint8_t code) { feed(code); }
static void up(uint8_t code) { feed(code | SC_RELEASE); }
static void tap(uint8_t code) { down(code); up(code); }
static void shift_tap(uint8_t code) { down(KEY_LEFTSHIFT); tap(code); up(KEY_LEFTSHIFT); }
static void tap_e0(uint8_t code) { feed(SC_E0); feed(code); feed(SC_E0); feed(code | SC_RELEASE); }

static void reset(const char *layout)
{
	kbd_decoder_init(&dec, kbd_layout_find(layout));
	nev = ntyped = 0;
}

/* The characters typed since the last check must be want[0..n); then start over. */
static void check_typed(int line, const uint32_t *want, size_t n)
{
	bool same = ntyped == n && (n == 0 || memcmp(typed, want, n * sizeof(*want)) == 0);

	UNIT_CHECKED();
	if (!same) {
		fprintf(stderr, "  %s:%d: typed", __FILE__, line);
		for (size_t i = 0; i < ntyped; i++)
			fprintf(stderr, " U+%04X", typed[i]);
		fprintf(stderr, ", expected");
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " U+%04X", want[i]);
		fprintf(stderr, "\n");
		UNIT_FAIL();
	}
	nev = ntyped = 0;
}

#define EXPECT_TYPED(...)                                                                \
	check_typed(__LINE__, (const uint32_t[]){__VA_ARGS__},                               \
		    sizeof((const uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t))
#define EXPECT_NOTHING() check_typed(__LINE__, NULL, 0)

/* Every accent of the layout (acute, grave, circumflex) on every vowel, both cases: the
 * composition gives the precomposed Unicode letter exactly when the console's CP437 can
 * show it (16 pairs: the 15 lower-case ones and É); the others do not combine. */
static void test_table_is_cp437(void)
{
	static const struct {
		uint32_t accent;
		char c;
		uint32_t letter; /* Unicode's precomposed letter */
	} pairs[] = {
		{ACUTE, 'a', 0xe1}, {ACUTE, 'e', 0xe9}, {ACUTE, 'i', 0xed}, {ACUTE, 'o', 0xf3},
		{ACUTE, 'u', 0xfa}, {ACUTE, 'A', 0xc1}, {ACUTE, 'E', 0xc9}, {ACUTE, 'I', 0xcd},
		{ACUTE, 'O', 0xd3}, {ACUTE, 'U', 0xda},
		{'`', 'a', 0xe0}, {'`', 'e', 0xe8}, {'`', 'i', 0xec}, {'`', 'o', 0xf2},
		{'`', 'u', 0xf9}, {'`', 'A', 0xc0}, {'`', 'E', 0xc8}, {'`', 'I', 0xcc},
		{'`', 'O', 0xd2}, {'`', 'U', 0xd9},
		{'^', 'a', 0xe2}, {'^', 'e', 0xea}, {'^', 'i', 0xee}, {'^', 'o', 0xf4},
		{'^', 'u', 0xfb}, {'^', 'A', 0xc2}, {'^', 'E', 0xca}, {'^', 'I', 0xce},
		{'^', 'O', 0xd4}, {'^', 'U', 0xdb},
	};
	int composed = 0;

	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		bool shown = term_cp437_from_unicode(pairs[i].letter) != '?';
		uint32_t got = kbd_compose(pairs[i].accent, (uint32_t)pairs[i].c);

		CHECK_EQ(got, shown ? pairs[i].letter : 0);
		composed += got != 0;
	}
	CHECK_EQ(composed, 16);
	CHECK_EQ(kbd_compose('^', 'x'), 0);
	CHECK_EQ(kbd_compose('^', ' '), 0); /* space is the decoder's rule, not the table's */
	CHECK_EQ(kbd_compose('~', 'n'), 0);
}

/* Which keys are dead: on de exactly ^ (left of 1), ´ and Shift+´ = `; none on us or uk;
 * Ctrl+^ is the control code 0x1e, as on US. */
static void test_dead_keys_in_layouts(void)
{
	const struct kbd_layout *de = kbd_layout_find("de");
	int dead[3] = {0};

	for (size_t i = 0; kbd_layout_at(i); i++)
		for (unsigned k = 0; k < KBD_LAYOUT_KEYS; k++)
			for (int lv = 0; lv < 4; lv++)
				dead[i] += !!(kbd_layout_at(i)->map[k][lv] & KBD_DEAD);
	CHECK_EQ(dead[0], 0);
	CHECK_EQ(dead[1], 3);
	CHECK_EQ(dead[2], 0);
	CHECK_EQ(kbd_layout_char(de, KEY_GRAVE, 0), KBD_DEAD | '^');
	CHECK_EQ(kbd_layout_char(de, KEY_EQUAL, 0), KBD_DEAD | ACUTE);
	CHECK_EQ(kbd_layout_char(de, KEY_EQUAL, KBD_MOD_RSHIFT), KBD_DEAD | '`');
	CHECK_EQ(kbd_layout_char(de, KEY_GRAVE, KBD_MOD_LSHIFT), 0xb0); /* ° is not dead */
	CHECK_EQ(kbd_layout_char(de, KEY_GRAVE, KBD_MOD_CAPSLOCK), KBD_DEAD | '^');
	CHECK_EQ(kbd_layout_char(de, KEY_GRAVE, KBD_MOD_LCTRL), 0x1e);
	CHECK_EQ(kbd_layout_char(de, KEY_EQUAL, KBD_MOD_LCTRL), 0);
}

/* The dead key press itself is an event of its key that types nothing; its release too.
 * Then ^ a = â, ´ e = é, Shift+´ a = à, ´ Shift+E = É, ^ i/o/u = î ô û, ` e = è, ´ u = ú;
 * each composed letter is one event of the letter's key. */
static void test_compose(void)
{
	reset("de");
	down(KEY_GRAVE);
	CHECK_EQ(nev, 1);
	CHECK_EQ(evs[0].key, KEY_GRAVE);
	CHECK(evs[0].pressed);
	CHECK_EQ(evs[0].ch, 0);
	up(KEY_GRAVE);
	EXPECT_NOTHING();
	tap(KEY_A);
	CHECK_EQ(nev, 2);
	CHECK_EQ(evs[0].key, KEY_A);
	EXPECT_TYPED(0xe2);

	tap(KEY_EQUAL); tap(KEY_E);
	EXPECT_TYPED(0xe9);
	shift_tap(KEY_EQUAL); tap(KEY_A);
	EXPECT_TYPED(0xe0);
	tap(KEY_EQUAL); shift_tap(KEY_E);
	EXPECT_TYPED(0xc9);
	tap(KEY_GRAVE); tap(KEY_I);
	tap(KEY_GRAVE); tap(KEY_O);
	tap(KEY_GRAVE); tap(KEY_U);
	shift_tap(KEY_EQUAL); tap(KEY_E);
	tap(KEY_EQUAL); tap(KEY_U);
	EXPECT_TYPED(0xee, 0xf4, 0xfb, 0xe8, 0xfa);
	/* nothing stays pending after a composition */
	tap(KEY_A);
	EXPECT_TYPED('a');
}

/* Dead key then space: the accent itself (^, ´, `), one event of the space key. */
static void test_space(void)
{
	reset("de");
	tap(KEY_GRAVE); tap(KEY_SPACE);
	CHECK_EQ(evs[nev - 2].key, KEY_SPACE);
	EXPECT_TYPED('^');
	tap(KEY_EQUAL); tap(KEY_SPACE);
	shift_tap(KEY_EQUAL); tap(KEY_SPACE);
	tap(KEY_SPACE);
	EXPECT_TYPED(ACUTE, '`', ' ');
}

/* Dead key then a character it does not combine with: two pressed events from the one
 * key press, the accent (KEY_NONE, same modifiers) first, then the key with its own
 * character; its release follows. Â is not in CP437, so ^ Shift+A gives ^ and A. */
static void test_no_combination(void)
{
	reset("de");
	tap(KEY_EQUAL);
	nev = 0;
	down(KEY_X);
	CHECK_EQ(nev, 2);
	CHECK_EQ(evs[0].key, KEY_NONE);
	CHECK(evs[0].pressed);
	CHECK_EQ(evs[0].ch, ACUTE);
	CHECK_EQ(evs[1].key, KEY_X);
	CHECK(evs[1].pressed);
	CHECK_EQ(evs[1].ch, 'x');
	CHECK(!kbd_decoder_next(&dec, &(struct kbd_event){0}));
	up(KEY_X);
	CHECK_EQ(nev, 3);
	CHECK(!evs[2].pressed);
	EXPECT_TYPED(ACUTE, 'x');

	tap(KEY_GRAVE);
	down(KEY_LEFTSHIFT);
	tap(KEY_A);
	CHECK_EQ(evs[3].mods, KBD_MOD_LSHIFT); /* the accent's event: Shift still held */
	up(KEY_LEFTSHIFT);
	tap(KEY_GRAVE); tap(KEY_1);
	tap(KEY_GRAVE); tap(KEY_SEMICOLON); /* ö */
	EXPECT_TYPED('^', 'A', '^', '1', '^', 0xf6);
}

/* The same dead key twice types its accent once and leaves nothing pending (the next a is
 * a plain a); two different dead keys type the first accent and the second one waits. */
static void test_twice(void)
{
	reset("de");
	tap(KEY_GRAVE); tap(KEY_GRAVE);
	EXPECT_TYPED('^');
	tap(KEY_A);
	EXPECT_TYPED('a');
	tap(KEY_EQUAL); tap(KEY_EQUAL); tap(KEY_SPACE);
	EXPECT_TYPED(ACUTE, ' ');
	tap(KEY_GRAVE); tap(KEY_EQUAL);
	EXPECT_TYPED('^');
	tap(KEY_E);
	EXPECT_TYPED(0xe9);
	tap(KEY_EQUAL); shift_tap(KEY_EQUAL); tap(KEY_A); /* ´ then ` then a */
	EXPECT_TYPED(ACUTE, 0xe0);
}

/* Holding a dead key (typematic repeats of its make code) is one dead key press: ^ held,
 * released, then a gives â. A repeat of the second press of a pair types nothing more. */
static void test_typematic(void)
{
	reset("de");
	down(KEY_GRAVE); down(KEY_GRAVE); down(KEY_GRAVE);
	up(KEY_GRAVE);
	tap(KEY_A);
	EXPECT_TYPED(0xe2);
	tap(KEY_GRAVE);
	down(KEY_GRAVE); down(KEY_GRAVE);
	up(KEY_GRAVE);
	EXPECT_TYPED('^');
	tap(KEY_O);
	EXPECT_TYPED('o');
}

/* Keys typing nothing keep the accent pending: Shift and AltGr alone, Caps Lock, cursor
 * keys, F1, releases. With Caps Lock on, ´ e gives É and ^ a gives ^ A. */
static void test_pending_survives(void)
{
	reset("de");
	tap(KEY_GRAVE);
	tap(KEY_LEFTSHIFT);
	tap_e0(KEY_RIGHTALT & 0xff);
	tap_e0(KEY_LEFT & 0xff);
	tap(KEY_F1);
	tap(KEY_A);
	EXPECT_TYPED(0xe2);

	tap(KEY_CAPSLOCK);
	tap(KEY_EQUAL); tap(KEY_E);
	tap(KEY_GRAVE); tap(KEY_A);
	EXPECT_TYPED(0xc9, '^', 'A');
}

/* Backspace and Esc after a dead key take it back: their press is an event of their key
 * typing nothing, and the next a is a plain a; the next Backspace is a Backspace again. */
static void test_backspace_esc_undo(void)
{
	reset("de");
	tap(KEY_GRAVE);
	nev = 0;
	tap(KEY_BACKSPACE);
	CHECK_EQ(nev, 2);
	CHECK_EQ(evs[0].key, KEY_BACKSPACE);
	CHECK(evs[0].pressed);
	CHECK_EQ(evs[0].ch, 0);
	tap(KEY_A);
	tap(KEY_BACKSPACE);
	EXPECT_TYPED('a', '\b');
	tap(KEY_EQUAL); tap(KEY_ESC); tap(KEY_E);
	tap(KEY_ESC);
	EXPECT_TYPED('e', 0x1b);
}

/* Other control characters after a dead key drop the accent and act as usual: Enter gives
 * only '\n', Tab only '\t', Ctrl-C only 3; a key with Alt gives only its own character;
 * after each the next letter is a plain one. */
static void test_control_drops(void)
{
	static const uint8_t keys[] = {KEY_ENTER, KEY_TAB};
	static const uint32_t chars[] = {'\n', '\t'};

	reset("de");
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		tap(KEY_GRAVE); tap(keys[i]); tap(KEY_A);
		EXPECT_TYPED(chars[i], 'a');
	}
	tap(KEY_EQUAL);
	down(KEY_LEFTCTRL); tap(KEY_C); up(KEY_LEFTCTRL);
	tap(KEY_E);
	EXPECT_TYPED(3, 'e');
	tap(KEY_GRAVE);
	down(KEY_LEFTALT); tap(KEY_X); up(KEY_LEFTALT);
	tap(KEY_A);
	EXPECT_TYPED('x', 'a');
	/* Ctrl+^ is no dead key: 0x1e at once, and nothing pending */
	down(KEY_LEFTCTRL); tap(KEY_GRAVE); up(KEY_LEFTCTRL);
	tap(KEY_A);
	EXPECT_TYPED(0x1e, 'a');
}

/* No dead keys on US and UK: ^ (Shift+6) and ` type at once; re-initialising the decoder
 * forgets a pending accent. */
static void test_other_layouts(void)
{
	reset("us");
	shift_tap(KEY_6); tap(KEY_A);
	tap(KEY_GRAVE); tap(KEY_E);
	EXPECT_TYPED('^', 'a', '`', 'e');
	reset("uk");
	tap(KEY_GRAVE); tap(KEY_A);
	EXPECT_TYPED('`', 'a');
	reset("de");
	tap(KEY_GRAVE);
	reset("de");
	tap(KEY_A);
	EXPECT_TYPED('a');
}

int main(void)
{
	RUN(test_table_is_cp437);
	RUN(test_dead_keys_in_layouts);
	RUN(test_compose);
	RUN(test_space);
	RUN(test_no_combination);
	RUN(test_twice);
	RUN(test_typematic);
	RUN(test_pending_survives);
	RUN(test_backspace_esc_undo);
	RUN(test_control_drops);
	RUN(test_other_layouts);
	return unit_summary();
}
