// SPDX-License-Identifier: MIT
/*
 * Unit tests of the shell's line editor (src/kernel/shell/lineedit.c). Its output is played
 * on two model terminals at once, 20 and 33 columns wide (strict VT100: LF does not return
 * the carriage, writing the last column leaves a pending wrap, ESC[nA/B/C/D move, BS moves
 * left without erasing), so each case checks the edited text and what each terminal shows:
 * the prompt and the line over as many rows as it needs, no stale characters, and the
 * cursor on the right row and column, also when editing across a wrapped row.
 */
#include <lios/lineedit.h>
#include <stdlib.h>
#include <string.h>
#include "../../unit.h"

#define ROWS 60
#define MAXCOLS 40
#define PROMPT "> "

struct model {
	unsigned cols;
	uint32_t cell[ROWS][MAXCOLS];
	unsigned cx, cy;     /* cx == cols: pending wrap */
	unsigned origin;     /* row of the prompt */
	int bells;
	int esc;             /* 0, 1 after ESC, 2 in CSI */
	unsigned param;
	uint32_t acc;
	int utf8_left;
};

static struct model term[2];
static struct lineedit le;

static void model_reset(struct model *m, unsigned cols)
{
	memset(m, 0, sizeof(*m));
	m->cols = cols;
	for (unsigned r = 0; r < ROWS; r++)
		for (unsigned c = 0; c < MAXCOLS; c++)
			m->cell[r][c] = ' ';
}

static void model_lf(struct model *m)
{
	if (m->cy + 1 < ROWS) {
		m->cy++;
		return;
	}
	memmove(m->cell[0], m->cell[1], sizeof(m->cell[0]) * (ROWS - 1));
	for (unsigned c = 0; c < MAXCOLS; c++)
		m->cell[ROWS - 1][c] = ' ';
	m->origin--;
}

static void model_put(struct model *m, uint32_t ch)
{
	if (m->esc == 1) {
		m->esc = ch == '[' ? 2 : 0;
		m->param = 0;
		return;
	}
	if (m->esc == 2) {
		unsigned n = m->param ? m->param : 1;

		if (ch >= '0' && ch <= '9') {
			m->param = m->param * 10 + (ch - '0');
			return;
		}
		m->esc = 0;
		if (m->cx >= m->cols)
			m->cx = m->cols - 1;
		if (ch == 'A')
			m->cy = m->cy >= n ? m->cy - n : 0;
		else if (ch == 'B')
			m->cy = m->cy + n < ROWS ? m->cy + n : ROWS - 1;
		else if (ch == 'C')
			m->cx = m->cx + n < m->cols ? m->cx + n : m->cols - 1;
		else if (ch == 'D')
			m->cx = m->cx >= n ? m->cx - n : 0;
		return;
	}
	switch (ch) {
	case 0x1b: m->esc = 1; return;
	case 0x07: m->bells++; return;
	case '\r': m->cx = 0; return;
	case '\n': model_lf(m); return;
	case '\b':
		if (m->cx >= m->cols)
			m->cx = m->cols - 1;
		if (m->cx)
			m->cx--;
		return;
	}
	if (m->cx >= m->cols) {
		m->cx = 0;
		model_lf(m);
	}
	m->cell[m->cy][m->cx++] = ch;
}

static void model_write(void *ctx, const char *s, size_t n)
{
	struct model *m = ctx;

	for (size_t i = 0; i < n; i++) {
		uint8_t b = (uint8_t)s[i];

		if (m->utf8_left) {
			m->acc = m->acc << 6 | (b & 0x3f);
			if (--m->utf8_left == 0)
				model_put(m, m->acc);
		} else if (b >= 0xf0) {
			m->acc = b & 0x07, m->utf8_left = 3;
		} else if (b >= 0xe0) {
			m->acc = b & 0x0f, m->utf8_left = 2;
		} else if (b >= 0xc0) {
			m->acc = b & 0x1f, m->utf8_left = 1;
		} else {
			model_put(m, b);
		}
	}
}

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
	if (strcmp(text(), want) != 0) {
		fprintf(stderr, "  line %d: text \"%s\", expected \"%s\"\n", line, text(), want);
		UNIT_FAIL();
	}
	for (int t = 0; t < 2; t++) {
		struct model *m = &term[t];
		size_t plen = strlen(PROMPT), n = plen + strlen(want);
		size_t cur = plen + le.cursor;

		for (size_t p = 0; p < n + 2 * m->cols; p++) {
			unsigned r = m->origin + (unsigned)(p / m->cols), c = (unsigned)(p % m->cols);
			uint32_t exp = p < plen ? (uint8_t)PROMPT[p] : p < n ? (uint8_t)want[p - plen] : ' ';

			if (r < ROWS && m->cell[r][c] != exp) {
				fprintf(stderr, "  line %d: view %d cell %zu is '%c', expected '%c'\n",
					line, t, p, (char)m->cell[r][c], (char)exp);
				UNIT_FAIL();
				break;
			}
		}
		if (m->cy != m->origin + cur / m->cols || m->cx != cur % m->cols) {
			fprintf(stderr, "  line %d: view %d cursor at %u,%u, expected %zu,%zu\n", line,
				t, m->cy, m->cx, m->origin + cur / m->cols, cur % m->cols);
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
	model_reset(&term[0], 20);
	model_reset(&term[1], 33);
	lineedit_init(&le, malloc, free);
	lineedit_add_view(&le, model_write, &term[0], 20);
	lineedit_add_view(&le, model_write, &term[1], 33);
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
	lineedit_suspend(&le);
	model_write(&term[0], "list\r\n", 6);
	model_write(&term[1], "list\r\n", 6);
	for (int t = 0; t < 2; t++)
		term[t].origin = term[t].cy;
	lineedit_resume(&le);
	EXPECT_IN_STEP("selftest ");
	CHECK_EQ(le.cursor, 8);
}

int main(void)
{
	RUN(test_type_and_enter);
	RUN(test_editing);
	RUN(test_wrapped_rows);
	RUN(test_exact_row);
	RUN(test_limit);
	RUN(test_history);
	RUN(test_ctrl_suspend_insert);
	lineedit_free_history(&le);
	return unit_summary();
}
