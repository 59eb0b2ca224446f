// SPDX-License-Identifier: MIT
/*
 * Unit tests of the shell's line editor (src/kernel/shell/lineedit.c). Its output is played
 * on two model terminals at once, 20 and 33 columns wide (strict VT100: LF does not return
 * the carriage, writing the last column leaves a pending wrap, ESC[nA/B/C/D move, BS moves
 * left without erasing), so each case checks the edited text and what each terminal shows:
 * the prompt and the line over as many rows as it needs, no stale characters, and the
 * cursor on the right row and column, also when editing across a wrapped row, and with
 * characters of two to four UTF-8 bytes (one cell each).
 */
#include <lios/lineedit.h>
#include <stdlib.h>
#include <string.h>
#include "../../unit.h"
#include "vt_model.h"

#define PROMPT "> "

static struct vt_model term[2];
static struct lineedit le;

static enum lineedit_result key(uint16_t k, uint32_t ch)
{
	struct kbd_event ev = {.key = k, .pressed = true, .mods = 0, .ch = ch};

	return lineedit_key(&le, &ev);
}

static void type(const char *s)
{
	while (*s)
		key(KEY_NONE, (uint8_t)*s++);
}

static const char *text(void)
{
	static char buf[LINEEDIT_UTF8_MAX];

	lineedit_text(&le, buf, sizeof(buf));
	return buf;
}

/* Both terminals show PROMPT + want from their prompt row on (blanks after it up to two
 * rows further) and their cursors sit where the editor's cursor is; the text is want. */
static void expect_in_step(const char *want, int line)
{
	char why[96];

	if (strcmp(text(), want) != 0) {
		fprintf(stderr, "  line %d: text \"%s\", expected \"%s\"\n", line, text(), want);
		UNIT_FAIL();
	}
	for (int t = 0; t < 2; t++) {
		if (!vt_model_shows(&term[t], PROMPT, le.line.c, le.line.len, le.cursor, why,
				    sizeof(why))) {
			fprintf(stderr, "  line %d: view %d: %s\n", line, t, why);
			UNIT_FAIL();
		}
	}
}
#define EXPECT_IN_STEP(want) expect_in_step(want, __LINE__)

/* A new prompt on a fresh row of both terminals. */
static void prompt(void)
{
	for (int t = 0; t < 2; t++)
		term[t].origin = term[t].cy;
	lineedit_start(&le, PROMPT);
}

static void fresh(void)
{
	lineedit_free_history(&le);
	vt_model_reset(&term[0], 20);
	vt_model_reset(&term[1], 33);
	lineedit_init(&le, malloc, free);
	lineedit_add_view(&le, vt_model_write, &term[0], 20, 0);
	lineedit_add_view(&le, vt_model_write, &term[1], 33, 0);
	prompt();
}

/* Like fresh(), but view 0 is a screen of 20x4 and its prompt sits on its last row, so
 * the line scrolls that screen as it grows (view 1 stays 33 wide and unbounded). */
static void fresh_short_screen(void)
{
	lineedit_free_history(&le);
	vt_model_reset(&term[0], 20);
	term[0].rows = 4;
	vt_model_write(&term[0], "\n\n\n", 3);
	vt_model_reset(&term[1], 33);
	lineedit_init(&le, malloc, free);
	lineedit_add_view(&le, vt_model_write, &term[0], 20, 4);
	lineedit_add_view(&le, vt_model_write, &term[1], 33, 0);
	prompt();
}

/* Typing a short line and Enter: DONE, the text is the line, both terminals moved to the
 * start of a new row. */
static void test_type_and_enter(void)
{
	fresh();
	type("echo Hello");
	EXPECT_IN_STEP("echo Hello");
	CHECK_EQ(key(KEY_ENTER, '\n'), LINEEDIT_DONE);
	CHECK_EQ(term[0].cx, 0);
	CHECK_EQ(term[0].cy, term[0].origin + 1);
}

/* Insert in the middle, Backspace, Delete, Home, End on one row. */
static void test_editing(void)
{
	fresh();
	type("helo");
	key(KEY_LEFT, 0);
	type("l");
	EXPECT_IN_STEP("hello");
	key(KEY_HOME, 0);
	key(KEY_DELETE, 0);
	EXPECT_IN_STEP("ello");
	key(KEY_END, 0);
	key(KEY_BACKSPACE, '\b');
	EXPECT_IN_STEP("ell");
	key(KEY_LEFT, 0);
	key(KEY_LEFT, 0);
	key(KEY_BACKSPACE, '\b');
	EXPECT_IN_STEP("ll");
	CHECK_EQ(le.cursor, 0);
}

/* Keys with nothing to act on: Backspace, Delete, Left and Right on an empty line, Right
 * and Delete at the end of "ab", Left and Backspace at its start. Expected: the text and
 * the cursor stay as they were, both views still show them, and the next character goes
 * in where the cursor is. */
static void test_keys_at_the_ends(void)
{
	fresh();
	key(KEY_BACKSPACE, '\b');
	key(KEY_DELETE, 0);
	key(KEY_LEFT, 0);
	key(KEY_RIGHT, 0);
	EXPECT_IN_STEP("");
	CHECK_EQ(le.cursor, 0);
	type("ab");
	key(KEY_RIGHT, 0);
	key(KEY_DELETE, 0);
	EXPECT_IN_STEP("ab");
	CHECK_EQ(le.cursor, 2);
	type("c");
	EXPECT_IN_STEP("abc");
	key(KEY_HOME, 0);
	key(KEY_LEFT, 0);
	key(KEY_BACKSPACE, '\b');
	EXPECT_IN_STEP("abc");
	CHECK_EQ(le.cursor, 0);
	type("x");
	EXPECT_IN_STEP("xabc");
	CHECK_EQ(le.cursor, 1);
}

/* Keys that are no text never enter the line: the control characters the editor does not
 * act on (NUL, Ctrl-A, Ctrl-D, VT, SO, Esc, US; Enter, Backspace, Tab, Ctrl-C and Ctrl-L
 * act), the 8-bit C1 controls (U+0080-U+009F: a terminal reads U+009B as CSI), a key with
 * Alt held, a key release, and keys without a character (F1, Insert, PgUp). Expected: the
 * text stays "ab" with the cursor after it, both terminals show exactly that (a control
 * written to them would move or erase something), no bell rings (nothing was refused),
 * and the next character goes in after "ab". */
static void test_controls_ignored(void)
{
	static const uint32_t controls[] = {0x00, 0x01, 0x04, 0x0b, 0x0e, 0x1b,
					    0x1f, 0x80, 0x85, 0x9b, 0x9f};
	struct kbd_event ev = {.key = KEY_NONE, .pressed = true, .mods = KBD_MOD_LALT, .ch = 'x'};

	fresh();
	type("ab");
	for (size_t i = 0; i < sizeof(controls) / sizeof(controls[0]); i++)
		CHECK_EQ(key(KEY_NONE, controls[i]), LINEEDIT_CONTINUE);
	CHECK_EQ(key(KEY_ESC, 0x1b), LINEEDIT_CONTINUE);
	CHECK_EQ(lineedit_key(&le, &ev), LINEEDIT_CONTINUE); /* Alt+x */
	ev.mods = 0;
	ev.pressed = false;
	CHECK_EQ(lineedit_key(&le, &ev), LINEEDIT_CONTINUE); /* x released */
	CHECK_EQ(key(KEY_F1, 0), LINEEDIT_CONTINUE);
	CHECK_EQ(key(KEY_INSERT, 0), LINEEDIT_CONTINUE);
	CHECK_EQ(key(KEY_PAGEUP, 0), LINEEDIT_CONTINUE);
	EXPECT_IN_STEP("ab");
	CHECK_EQ(le.line.len, 2);
	CHECK_EQ(le.cursor, 2);
	CHECK_EQ(term[0].bells + term[1].bells, 0);
	type("c");
	EXPECT_IN_STEP("abc");
}

/* A line of 100 characters wraps over 6 rows of the narrow terminal and 4 of the wide one;
 * Home, End, Left across a row boundary, Backspace and Delete at a boundary, an insert
 * that pushes text over the boundaries: every step in step on both. */
static void test_wrapped_rows(void)
{
	char line[128];

	fresh();
	for (int i = 0; i < 100; i++)
		line[i] = (char)('a' + i % 26);
	line[100] = '\0';
	type(line);
	EXPECT_IN_STEP(line);
	key(KEY_HOME, 0);
	EXPECT_IN_STEP(line);
	for (int i = 0; i < 18; i++) /* cursor onto the first wrapped row (index 18 = col 0) */
		key(KEY_RIGHT, 0);
	key(KEY_LEFT, 0);           /* back over the boundary */
	EXPECT_IN_STEP(line);
	CHECK_EQ(le.cursor, 17);
	key(KEY_DELETE, 0);         /* at the last column of the first row */
	memmove(line + 17, line + 18, strlen(line + 18) + 1);
	EXPECT_IN_STEP(line);
	key(KEY_RIGHT, 0);
	key(KEY_BACKSPACE, '\b');   /* the character at the row's end again */
	memmove(line + 17, line + 18, strlen(line + 18) + 1);
	EXPECT_IN_STEP(line);
	type("XYZ");                /* pushes every row's text on */
	memmove(line + 20, line + 17, strlen(line + 17) + 1);
	memcpy(line + 17, "XYZ", 3);
	EXPECT_IN_STEP(line);
	key(KEY_END, 0);
	EXPECT_IN_STEP(line);
	CHECK_EQ(key(KEY_ENTER, '\n'), LINEEDIT_DONE);
	CHECK_EQ(term[0].cx, 0);
}

/* A line that exactly fills rows: the cursor goes to the next row's start, and Enter
 * does not leave an empty row. */
static void test_exact_row(void)
{
	fresh();
	type("123456789012345678"); /* prompt 2 + 18 = 20 columns */
	EXPECT_IN_STEP("123456789012345678");
	CHECK_EQ(term[0].cx, 0);
	CHECK_EQ(term[0].cy, term[0].origin + 1);
	key(KEY_ENTER, '\n');
	CHECK_EQ(term[0].cy, term[0].origin + 1);
}

/* LINEEDIT_MAX characters are taken; the next one is refused with a bell and FULL once,
 * then only bells; an insert in the middle is refused too; after a Backspace one fits. */
static void test_limit(void)
{
	fresh();
	for (int i = 0; i < LINEEDIT_MAX; i++)
		CHECK_EQ(key(KEY_NONE, 'x'), LINEEDIT_CONTINUE);
	CHECK_EQ(le.line.len, LINEEDIT_MAX);
	CHECK_EQ(key(KEY_NONE, 'y'), LINEEDIT_FULL);
	CHECK_EQ(key(KEY_NONE, 'y'), LINEEDIT_CONTINUE);
	CHECK_EQ(term[0].bells, 2);
	key(KEY_HOME, 0);
	key(KEY_NONE, 'y');
	CHECK_EQ(le.line.len, LINEEDIT_MAX);
	CHECK_EQ(text()[0], 'x');
	key(KEY_END, 0);
	key(KEY_BACKSPACE, '\b');
	CHECK_EQ(key(KEY_NONE, 'z'), LINEEDIT_CONTINUE);
	CHECK_EQ(text()[LINEEDIT_MAX - 1], 'z');
}

/* On a screen of 20x4 the line holds 4 * 20 - 2 - 1 = 77 characters: the prompt's row and
 * the cursor after the line stay on the screen, however far typing scrolled it, so editing
 * at the line's start redraws every row in place on both views. With the 1024 of a large
 * screen, the start scrolled off and Home, Delete and an insert drew the line a row low. */
static void test_limit_screen_rows(void)
{
	char want[80];

	fresh_short_screen();
	CHECK_EQ(lineedit_capacity(&le), 77);
	for (int i = 0; i < 100; i++)
		key(KEY_NONE, 'a' + i % 26);
	CHECK_EQ(le.line.len, 77);
	CHECK_EQ(term[0].bells, 23);
	for (int i = 0; i < 77; i++)
		want[i] = (char)('a' + i % 26);
	want[77] = 0;
	EXPECT_IN_STEP(want);
	key(KEY_HOME, 0);
	EXPECT_IN_STEP(want);
	key(KEY_DELETE, 0);
	CHECK_EQ(key(KEY_NONE, 'X'), LINEEDIT_CONTINUE);
	want[0] = 'X';
	EXPECT_IN_STEP(want);
	CHECK_EQ(key(KEY_NONE, 'Y'), LINEEDIT_FULL);
	EXPECT_IN_STEP(want);
	/* completion and history recall keep to it too */
	key(KEY_END, 0);
	key(KEY_BACKSPACE, '\b');
	CHECK_EQ(lineedit_insert(&le, "123"), -1);
	want[76] = '1';
	EXPECT_IN_STEP(want);
	CHECK_EQ(key(KEY_ENTER, '\n'), LINEEDIT_DONE);
	prompt();
	key(KEY_UP, 0);
	EXPECT_IN_STEP(want);
}

/* The capacity: LINEEDIT_MAX with no view of bounded height, or a screen too small for a
 * single character after the prompt (never 0: such a view does not limit the line); the
 * smallest bounded screen otherwise. */
static void test_capacity(void)
{
	fresh();
	CHECK_EQ(lineedit_capacity(&le), LINEEDIT_MAX);
	lineedit_init(&le, malloc, free);
	lineedit_add_view(&le, vt_model_write, &term[0], 3, 1);
	lineedit_add_view(&le, vt_model_write, &term[1], 100, 25);
	prompt();
	CHECK_EQ(lineedit_capacity(&le), LINEEDIT_MAX);
	lineedit_init(&le, malloc, free);
	lineedit_add_view(&le, vt_model_write, &term[0], 40, 10);
	lineedit_add_view(&le, vt_model_write, &term[1], 30, 12);
	prompt();
	CHECK_EQ(lineedit_capacity(&le), 357);
	lineedit_free_history(&le);
}

/* A full line of 4-byte characters (LINEEDIT_MAX emoji, 4096 bytes of UTF-8) is the
 * longest text a line can be: the shell's buffer of LINEEDIT_UTF8_MAX bytes holds all of
 * it, the history stores it whole and Up brings back every character. A buffer one byte
 * shorter loses the last character whole, never a part of it. */
static void test_limit_utf8(void)
{
	static char buf[LINEEDIT_UTF8_MAX];
	bool same = true;

	fresh();
	for (int i = 0; i < LINEEDIT_MAX; i++)
		key(KEY_NONE, 0x1f600);
	CHECK_EQ(key(KEY_NONE, 0x1f600), LINEEDIT_FULL);
	CHECK_EQ(lineedit_text(&le, buf, sizeof(buf)), 4 * LINEEDIT_MAX);
	CHECK_EQ(strlen(buf), 4 * LINEEDIT_MAX);
	CHECK(!memcmp(buf + 4 * LINEEDIT_MAX - 4, "\xf0\x9f\x98\x80", 4));
	CHECK_EQ(lineedit_text(&le, buf, sizeof(buf) - 1), 4 * (LINEEDIT_MAX - 1));
	CHECK_EQ(strlen(buf), 4 * (LINEEDIT_MAX - 1));
	CHECK(!memcmp(buf + 4 * LINEEDIT_MAX - 8, "\xf0\x9f\x98\x80", 4));
	CHECK_EQ(key(KEY_ENTER, '\n'), LINEEDIT_DONE);
	CHECK_EQ(le.hist_count, 1);
	CHECK_EQ(strlen(le.hist[0]), 4 * LINEEDIT_MAX);
	prompt();
	key(KEY_UP, 0);
	CHECK_EQ(le.line.len, LINEEDIT_MAX);
	for (size_t i = 0; i < le.line.len; i++)
		same &= le.line.c[i] == 0x1f600;
	CHECK(same);
	CHECK_EQ(le.cursor, LINEEDIT_MAX);
}

/* History from the allocator: Up/Down recall and restore the draft, a long recalled line
 * over several rows replaced by a short one leaves no stale text; the ring keeps the newest
 * LINEEDIT_HISTORY lines and frees the ones it drops (ASan checks the frees). */
static void test_history(void)
{
	char cmd[64];

	fresh();
	type("a fairly long first command that wraps");
	key(KEY_ENTER, '\n');
	prompt();
	type("two");
	key(KEY_ENTER, '\n');
	prompt();
	type("dr");
	key(KEY_UP, 0);
	EXPECT_IN_STEP("two");
	key(KEY_UP, 0);
	EXPECT_IN_STEP("a fairly long first command that wraps");
	key(KEY_DOWN, 0);
	EXPECT_IN_STEP("two");
	key(KEY_DOWN, 0);
	EXPECT_IN_STEP("dr");
	key(KEY_ENTER, '\n');
	for (int i = 0; i < LINEEDIT_HISTORY + 10; i++) {
		prompt();
		snprintf(cmd, sizeof(cmd), "c%d", i);
		type(cmd);
		key(KEY_ENTER, '\n');
	}
	CHECK_EQ(le.hist_count, LINEEDIT_HISTORY);
	prompt();
	for (int i = 0; i < LINEEDIT_HISTORY + 5; i++)
		key(KEY_UP, 0);
	snprintf(cmd, sizeof(cmd), "c%d", 10);
	EXPECT_IN_STEP(cmd);
	key(KEY_ENTER, '\n');
}

static void *no_memory(size_t size) { return NULL; }

/* The history's edges: Up and Down with nothing to recall change nothing (no history yet,
 * Down while editing a new line); an empty line and a repeat of the newest entry are not
 * stored; when the allocator has no memory for an entry, the line is still complete and
 * whole (only the history does not grow) and Up then recalls nothing. */
static void test_history_edges(void)
{
	fresh();
	type("x");
	key(KEY_UP, 0);
	key(KEY_DOWN, 0);
	EXPECT_IN_STEP("x");
	CHECK_EQ(le.cursor, 1);
	key(KEY_BACKSPACE, '\b');
	CHECK_EQ(key(KEY_ENTER, '\n'), LINEEDIT_DONE);
	CHECK_EQ(le.hist_count, 0);
	for (int i = 0; i < 2; i++) {
		prompt();
		type("again");
		CHECK_EQ(key(KEY_ENTER, '\n'), LINEEDIT_DONE);
	}
	CHECK_EQ(le.hist_count, 1);
	prompt();
	key(KEY_UP, 0);
	key(KEY_UP, 0);
	EXPECT_IN_STEP("again");

	lineedit_free_history(&le);
	lineedit_init(&le, no_memory, free);
	lineedit_add_view(&le, vt_model_write, &term[0], 20, 0);
	lineedit_add_view(&le, vt_model_write, &term[1], 33, 0);
	prompt();
	type("echo kept");
	CHECK_EQ(key(KEY_ENTER, '\n'), LINEEDIT_DONE);
	CHECK_STR_EQ(text(), "echo kept");
	CHECK_EQ(le.hist_count, 0);
	prompt();
	key(KEY_UP, 0);
	EXPECT_IN_STEP("");
	lineedit_init(&le, malloc, free);
}

/* Ctrl-C drops the line; Ctrl-L, Tab return their results; suspend/resume (a completion
 * list, a message) draws prompt and line again with the cursor where it was; insert puts
 * text at the cursor. */
static void test_ctrl_suspend_insert(void)
{
	fresh();
	type("oops");
	CHECK_EQ(key(KEY_C, 0x03), LINEEDIT_CANCEL);
	CHECK_EQ(le.line.len, 0);
	prompt();
	type("sel");
	CHECK_EQ(key(KEY_TAB, '\t'), LINEEDIT_TAB);
	CHECK_EQ(lineedit_insert(&le, "ftest "), 0);
	EXPECT_IN_STEP("selftest ");
	key(KEY_LEFT, 0);
	CHECK_EQ(key(KEY_L, 0x0c), LINEEDIT_CLEAR);
	lineedit_suspend(&le, LINEEDIT_ALL_VIEWS);
	vt_model_write(&term[0], "list\r\n", 6);
	vt_model_write(&term[1], "list\r\n", 6);
	for (int t = 0; t < 2; t++)
		term[t].origin = term[t].cy;
	lineedit_resume(&le, LINEEDIT_ALL_VIEWS);
	EXPECT_IN_STEP("selftest ");
	CHECK_EQ(le.cursor, 8);
}

/* A message shown on one view only (a debug line the serial log prints and the screen
 * does not): only that view leaves the line and draws it again; the other keeps its rows
 * and cursor exactly, with no empty prompt row added (it got one for every such message). */
static void test_suspend_one_view(void)
{
	struct vt_model before;

	fresh();
	type("a long line that wraps on view 0");
	key(KEY_LEFT, 0);
	before = term[0];
	lineedit_suspend(&le, 1u << 1);
	vt_model_write(&term[1], "debug line\r\n", 12);
	term[1].origin = term[1].cy;
	lineedit_resume(&le, 1u << 1);
	CHECK(memcmp(&before, &term[0], sizeof(before)) == 0);
	EXPECT_IN_STEP("a long line that wraps on view 0");
	CHECK_EQ(le.cursor, 31);
	key(KEY_NONE, 'X');
	EXPECT_IN_STEP("a long line that wraps on view X0");
}

/* lineedit_utf8 at each encoding's edges: 1 to 4 bytes, and a code point past U+10FFFF
 * written as U+FFFD. */
static void test_utf8_encode(void)
{
	static const struct {
		uint32_t c;
		const char *want;
	} cases[] = {
		{0x7f, "\x7f"},
		{0x80, "\xc2\x80"},
		{0xfc, "\xc3\xbc"},             /* u umlaut: a German layout's key */
		{0x7ff, "\xdf\xbf"},
		{0x800, "\xe0\xa0\x80"},
		{0x20ac, "\xe2\x82\xac"},       /* the euro sign */
		{0xffff, "\xef\xbf\xbf"},
		{0x10000, "\xf0\x90\x80\x80"},
		{0x1f600, "\xf0\x9f\x98\x80"},
		{0x10ffff, "\xf4\x8f\xbf\xbf"},
		{0x110000, "\xef\xbf\xbd"},     /* beyond Unicode: U+FFFD */
	};
	char out[4];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = lineedit_utf8(cases[i].c, out);

		UNIT_CHECKED();
		if (n != strlen(cases[i].want) || memcmp(out, cases[i].want, n) != 0) {
			fprintf(stderr, "  U+%04X: %zu bytes, expected %zu\n", (unsigned)cases[i].c, n,
				strlen(cases[i].want));
			UNIT_FAIL();
		}
	}
}

/* Characters of 2, 3 and 4 bytes are one character each to the editor: typed, moved over,
 * deleted and inserted between as a whole, shown in one cell each on both terminals (also
 * across the narrow one's wrapped rows), and the text comes back as their UTF-8. */
static void test_non_ascii_editing(void)
{
	char want[64];

	fresh();
	key(KEY_NONE, 0xfc);      /* u umlaut */
	type("ber ");
	key(KEY_NONE, 0x20ac);    /* euro */
	key(KEY_NONE, 0x1f600);
	EXPECT_IN_STEP("\xc3\xbc" "ber \xe2\x82\xac\xf0\x9f\x98\x80");
	CHECK_EQ(le.line.len, 7);
	key(KEY_LEFT, 0);
	key(KEY_BACKSPACE, '\b'); /* the euro, whole */
	EXPECT_IN_STEP("\xc3\xbc" "ber \xf0\x9f\x98\x80");
	key(KEY_HOME, 0);
	key(KEY_DELETE, 0);       /* the u umlaut, whole */
	EXPECT_IN_STEP("ber \xf0\x9f\x98\x80");
	key(KEY_END, 0);
	for (int i = 0; i < 20; i++)
		key(KEY_NONE, 0xe9); /* e acute: 25 characters wrap the 20-column view */
	key(KEY_LEFT, 0);
	key(KEY_NONE, 'x');
	CHECK_EQ(le.line.len, 26);
	CHECK_EQ(le.cursor, 25);
	strcpy(want, "ber \xf0\x9f\x98\x80");
	for (int i = 0; i < 20; i++)
		strcat(want, i == 19 ? "x\xc3\xa9" : "\xc3\xa9");
	EXPECT_IN_STEP(want);
}

/* Text inserted as UTF-8 (completion) and lines recalled from the history (stored as
 * UTF-8) decode to the same characters; a broken sequence (a lone continuation byte, a
 * lead byte cut short) becomes U+FFFD and the rest of the text is kept. */
static void test_utf8_insert_and_history(void)
{
	fresh();
	CHECK_EQ(lineedit_insert(&le, "kbd.layout=fr \xc3\xa7\xe2\x82\xac"), 0);
	EXPECT_IN_STEP("kbd.layout=fr \xc3\xa7\xe2\x82\xac");
	CHECK_EQ(le.line.len, 16);
	key(KEY_ENTER, '\n');
	prompt();
	key(KEY_UP, 0);
	EXPECT_IN_STEP("kbd.layout=fr \xc3\xa7\xe2\x82\xac");
	CHECK_EQ(le.line.c[15], 0x20ac);
	key(KEY_ENTER, '\n');
	prompt();
	CHECK_EQ(lineedit_insert(&le, "a\x80" "b\xe2\x82" "c"), 0);
	CHECK_EQ(le.line.len, 5);
	CHECK_EQ(le.line.c[0], 'a');
	CHECK_EQ(le.line.c[1], 0xfffd);
	CHECK_EQ(le.line.c[2], 'b');
	CHECK_EQ(le.line.c[3], 0xfffd);
	CHECK_EQ(le.line.c[4], 'c');
}

int main(void)
{
	RUN(test_type_and_enter);
	RUN(test_suspend_one_view);
	RUN(test_editing);
	RUN(test_keys_at_the_ends);
	RUN(test_controls_ignored);
	RUN(test_wrapped_rows);
	RUN(test_exact_row);
	RUN(test_limit);
	RUN(test_limit_utf8);
	RUN(test_limit_screen_rows);
	RUN(test_capacity);
	RUN(test_history);
	RUN(test_history_edges);
	RUN(test_ctrl_suspend_insert);
	RUN(test_utf8_encode);
	RUN(test_non_ascii_editing);
	RUN(test_utf8_insert_and_history);
	lineedit_free_history(&le);
	return unit_summary();
}
