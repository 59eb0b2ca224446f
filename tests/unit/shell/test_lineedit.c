// SPDX-License-Identifier: MIT
/*
 * Unit tests of the shell's line editor (src/kernel/shell/lineedit.c). Its output is played on a
 * model terminal (one row of cells, a cursor; '\b' moves left without erasing, '\n' ends
 * the row), so each case checks both the edited text and what the user sees, including
 * that no stale characters remain after deletions and history recalls.
 */
#include <lios/lineedit.h>
#include <string.h>
#include "../unit.h"

#define TERM_COLS 128

static struct {
	uint32_t row[TERM_COLS];
	size_t col;
	char finished[4][TERM_COLS * 4]; /* rows ended by '\n', newest last (ASCII only) */
	size_t nfinished;
	uint32_t utf8_acc;
	int utf8_left;
} term;

static void term_reset(void)
{
	memset(&term, 0, sizeof(term));
	for (size_t i = 0; i < TERM_COLS; i++)
		term.row[i] = ' ';
}

static void term_put(uint32_t c)
{
	if (c == '\b') {
		if (term.col > 0)
			term.col--;
	} else if (c == '\n') {
		size_t n = 0;

		if (term.nfinished == 4) {
			memmove(term.finished[0], term.finished[1], sizeof(term.finished[0]) * 3);
			term.nfinished = 3;
		}
		for (size_t i = 0; i < TERM_COLS; i++)
			term.finished[term.nfinished][n++] = term.row[i] < 0x80 ? (char)term.row[i] : '?';
		while (n && term.finished[term.nfinished][n - 1] == ' ')
			n--;
		term.finished[term.nfinished++][n] = '\0';
		for (size_t i = 0; i < TERM_COLS; i++)
			term.row[i] = ' ';
		term.col = 0;
	} else if (term.col < TERM_COLS) {
		term.row[term.col++] = c;
	}
}

/* The lineedit_write_fn: decodes UTF-8 into the model. */
static void term_write(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = (uint8_t)s[i];

		if (term.utf8_left) {
			term.utf8_acc = term.utf8_acc << 6 | (b & 0x3f);
			if (--term.utf8_left == 0)
				term_put(term.utf8_acc);
		} else if (b >= 0xf0) {
			term.utf8_acc = b & 0x07, term.utf8_left = 3;
		} else if (b >= 0xe0) {
			term.utf8_acc = b & 0x0f, term.utf8_left = 2;
		} else if (b >= 0xc0) {
			term.utf8_acc = b & 0x1f, term.utf8_left = 1;
		} else {
			term_put(b);
		}
	}
}

/* The visible row as ASCII without trailing blanks. */
static const char *screen(void)
{
	static char s[TERM_COLS + 1];
	size_t n = 0;

	for (size_t i = 0; i < TERM_COLS; i++)
		s[n++] = term.row[i] < 0x80 ? (char)term.row[i] : '?';
	while (n && s[n - 1] == ' ')
		n--;
	s[n] = '\0';
	return s;
}

static struct lineedit le;

static enum lineedit_result key(uint16_t k, uint32_t ch)
{
	struct kbd_event ev = {.key = k, .pressed = true, .mods = 0, .ch = ch};

	return lineedit_key(&le, &ev);
}

static void type(const char *s)
{
	while (*s)
		CHECK_EQ(key(KEY_NONE, (uint8_t)*s++), LINEEDIT_CONTINUE);
}

static const char *text(void)
{
	static char buf[LINEEDIT_MAX * 4 + 1];

	lineedit_text(&le, buf, sizeof(buf));
	return buf;
}

#define EXPECT_STR(got, want)                                                            \
	do {                                                                                 \
		const char *g_ = (got), *w_ = (want);                                            \
		if (strcmp(g_, w_) != 0) {                                                       \
			fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__,         \
				__LINE__, #got, g_, w_);                                                 \
			unit_failures++;                                                             \
		}                                                                                \
	} while (0)

/* The editor's cursor and the terminal's agree, and the screen shows exactly the line. */
#define EXPECT_IN_STEP(want)                                                             \
	do {                                                                                 \
		EXPECT_STR(text(), want);                                                        \
		EXPECT_STR(screen(), want);                                                      \
		CHECK_EQ(term.col, le.cursor);                                                  \
	} while (0)

static void fresh(void)
{
	term_reset();
	lineedit_init(&le, term_write, NULL);
}

/* Typing "echo Hello, World!" and Enter: DONE, the text is the line, the terminal moved to
 * a new row after showing it. */
static void test_type_and_enter(void)
{
	fresh();
	type("echo Hello, World!");
	EXPECT_IN_STEP("echo Hello, World!");
	CHECK_EQ(key(KEY_ENTER, '\n'), LINEEDIT_DONE);
	EXPECT_STR(text(), "echo Hello, World!");
	CHECK_EQ(term.nfinished, 1);
	EXPECT_STR(term.finished[0], "echo Hello, World!");
	CHECK_EQ(term.col, 0);
}

/* Insert in the middle with Left, Backspace and Delete at the cursor, Home and End: each
 * step keeps text, screen and cursor in step and leaves no stale characters. */
static void test_editing(void)
{
	fresh();
	type("helo");
	key(KEY_LEFT, 0);
	CHECK_EQ(le.cursor, 3);
	type("l");
	EXPECT_IN_STEP("hello");
	CHECK_EQ(le.cursor, 4);
	key(KEY_HOME, 0);
	CHECK_EQ(le.cursor, 0);
	key(KEY_DELETE, 0);
	EXPECT_IN_STEP("ello");
	key(KEY_END, 0);
	CHECK_EQ(le.cursor, 4);
	key(KEY_BACKSPACE, '\b');
	EXPECT_IN_STEP("ell");
	key(KEY_LEFT, 0);
	key(KEY_LEFT, 0);
	key(KEY_BACKSPACE, '\b');
	EXPECT_IN_STEP("ll");
	CHECK_EQ(le.cursor, 0);
	key(KEY_RIGHT, 0);
	type("XY");
	EXPECT_IN_STEP("lXYl");
	CHECK_EQ(le.cursor, 3);
}

/* Edges: Backspace and Left at column 0, Delete and Right at the end change nothing;
 * releases and keys without a character (F1, Alt+x) are ignored. */
static void test_edges(void)
{
	struct kbd_event release = {.key = KEY_A, .pressed = false, .ch = 'a'};
	struct kbd_event alt_x = {.key = KEY_X, .pressed = true, .mods = KBD_MOD_LALT, .ch = 'x'};

	fresh();
	key(KEY_BACKSPACE, '\b');
	key(KEY_LEFT, 0);
	EXPECT_IN_STEP("");
	type("ab");
	key(KEY_DELETE, 0);
	key(KEY_RIGHT, 0);
	EXPECT_IN_STEP("ab");
	CHECK_EQ(le.cursor, 2);
	lineedit_key(&le, &release);
	lineedit_key(&le, &alt_x);
	key(KEY_F1, 0);
	key(KEY_ESC, 0x1b);
	EXPECT_IN_STEP("ab");
}

/* The line stops growing at LINEEDIT_MAX characters, also when inserting in the middle. */
static void test_max_length(void)
{
	fresh();
	for (int i = 0; i < LINEEDIT_MAX + 10; i++)
		type("x");
	CHECK_EQ(le.line.len, LINEEDIT_MAX);
	key(KEY_HOME, 0);
	type("y");
	CHECK_EQ(le.line.len, LINEEDIT_MAX);
	CHECK_EQ(text()[0], 'x');
	CHECK_EQ(term.col, le.cursor);
}

/* History: two lines entered; Up shows the newest then the older one, Up at the oldest
 * stays, Down walks back and finally restores the unfinished draft. Each recall erases the
 * longer previous text on the screen. */
static void test_history(void)
{
	fresh();
	type("first command");
	key(KEY_ENTER, '\n');
	lineedit_reset(&le);
	type("two");
	key(KEY_ENTER, '\n');
	lineedit_reset(&le);
	term_reset();
	type("dr");
	key(KEY_UP, 0);
	EXPECT_IN_STEP("two");
	key(KEY_UP, 0);
	EXPECT_IN_STEP("first command");
	key(KEY_UP, 0);
	EXPECT_IN_STEP("first command");
	key(KEY_DOWN, 0);
	EXPECT_IN_STEP("two");
	key(KEY_DOWN, 0);
	EXPECT_IN_STEP("dr");
	key(KEY_DOWN, 0);
	EXPECT_IN_STEP("dr");

	/* a recalled line edited and entered becomes the newest entry */
	key(KEY_UP, 0);
	type("!");
	CHECK_EQ(key(KEY_ENTER, '\n'), LINEEDIT_DONE);
	EXPECT_STR(text(), "two!");
	lineedit_reset(&le);
	term_reset();
	key(KEY_UP, 0);
	EXPECT_IN_STEP("two!");
	key(KEY_UP, 0);
	EXPECT_IN_STEP("two");
}

/* Empty lines and a repeat of the newest entry are not remembered; after 20 lines only the
 * newest LINEEDIT_HISTORY remain, oldest dropped. */
static void test_history_ring(void)
{
	char cmd[16];

	fresh();
	key(KEY_ENTER, '\n');
	CHECK_EQ(le.hist_count, 0);
	type("same");
	key(KEY_ENTER, '\n');
	lineedit_reset(&le);
	type("same");
	key(KEY_ENTER, '\n');
	CHECK_EQ(le.hist_count, 1);

	for (int i = 0; i < 20; i++) {
		lineedit_reset(&le);
		snprintf(cmd, sizeof(cmd), "c%d", i);
		type(cmd);
		key(KEY_ENTER, '\n');
	}
	CHECK_EQ(le.hist_count, LINEEDIT_HISTORY);
	lineedit_reset(&le);
	term_reset();
	for (int i = 0; i < 30; i++)
		key(KEY_UP, 0);
	snprintf(cmd, sizeof(cmd), "c%d", 20 - LINEEDIT_HISTORY);
	EXPECT_IN_STEP(cmd);
}

/* Ctrl-C drops the line: CANCEL, "^C" shown after the text, empty line, nothing added to
 * the history. Ctrl-L asks for a clear; redraw after a cleared screen shows the line with
 * the cursor where it was. */
static void test_ctrl_keys(void)
{
	fresh();
	type("oops");
	key(KEY_LEFT, 0);
	CHECK_EQ(key(KEY_C, 0x03), LINEEDIT_CANCEL);
	EXPECT_STR(term.finished[0], "oops^C");
	EXPECT_IN_STEP("");
	CHECK_EQ(le.hist_count, 0);

	type("keep me");
	key(KEY_LEFT, 0);
	CHECK_EQ(key(KEY_L, 0x0c), LINEEDIT_CLEAR);
	term_reset();
	lineedit_redraw(&le);
	EXPECT_IN_STEP("keep me");
	CHECK_EQ(le.cursor, 6);
}

/* Non-ASCII characters (German umlauts, the euro sign) are one column each on the screen
 * and UTF-8 in the text; lineedit_text never splits a character when the buffer is short. */
static void test_unicode(void)
{
	char small[4];

	fresh();
	key(KEY_LEFTBRACE, 0xfc);
	key(KEY_E, 0x20ac);
	type("x");
	CHECK_EQ(term.col, 3);
	CHECK_EQ(term.row[0], 0xfc);
	CHECK_EQ(term.row[1], 0x20ac);
	EXPECT_STR(text(), "\xc3\xbc\xe2\x82\xac" "x");
	CHECK_EQ(lineedit_text(&le, small, sizeof(small)), 2);
	EXPECT_STR(small, "\xc3\xbc");
	key(KEY_HOME, 0);
	key(KEY_DELETE, 0);
	CHECK_EQ(term.row[0], 0x20ac);
	CHECK_EQ(term.row[2], ' ');
}

int main(void)
{
	test_type_and_enter();
	test_editing();
	test_edges();
	test_max_length();
	test_history();
	test_history_ring();
	test_ctrl_keys();
	test_unicode();
	return unit_exit("shell_lineedit");
}
