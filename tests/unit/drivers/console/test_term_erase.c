// SPDX-License-Identifier: MIT
/*
 * Unit tests of the terminal's erases (src/drivers/console/term.c, ansi.c) on the fake
 * screen of term_screen.h: EL (ESC[K, ESC[0K to the end of the line, ESC[1K from its
 * start, ESC[2K all of it) and ED (ESC[J, ESC[0J to the end of the screen, ESC[1J from its
 * start, ESC[2J all of it, ESC[3J the scrollback), as ECMA-48 and xterm define them: the
 * cells named, the cursor's included, become blanks in the current colours; the cursor
 * does not move; at a pending wrap (the last column just written) the cursor is on the
 * last column, the wrap ends and the next character overwrites that column (every erase
 * but ESC[3J, as in xterm); nothing scrolls. Each from every corner of the screen, the
 * middle, and a pending wrap on the first, a middle and the last row; with and without
 * draw_span, the screen equal to the grid after each. Also the rows that continue on the
 * next one (the scrollback's line joins) and ESC[3J's ring.
 */
#include <lios/compiler.h>
#include "scrollback.h"
#include "term_screen.h"

#define BLUE_BG "\x1b[44m"
#define ERASED_ATTR CON_ATTR(CON_COLOR_LIGHT_GREY, 1) /* grey on blue: the current colours */

/* The character the picture has at (col, row): every cell distinct from its neighbours. */
static uint8_t picture_ch(unsigned col, unsigned row)
{
	return (uint8_t)('A' + (row * 7 + col) % 26);
}

/* Fill the whole screen with the picture in one write, every row wrapping into the next
 * (no scroll: the last character leaves a pending wrap on the last row). */
static void draw_picture(void)
{
	char text[ROWS * COLS + 1];

	for (unsigned r = 0; r < ROWS; r++)
		for (unsigned c = 0; c < COLS; c++)
			text[r * COLS + c] = (char)picture_ch(c, r);
	text[ROWS * COLS] = 0;
	put(text);
	CHECK(t.cx == COLS && t.cy == ROWS - 1);
}

/* Put the cursor on (col, row) without changing a cell; col == COLS: a pending wrap on
 * that row, made by writing the picture's own last character of the row again. */
static void cursor_to(unsigned col, unsigned row)
{
	char seq[32];

	put("\x1b[H");
	if (row) {
		snprintf(seq, sizeof(seq), "\x1b[%uB", row);
		put(seq);
	}
	if (col >= COLS) {
		snprintf(seq, sizeof(seq), "\x1b[%uC%c", COLS - 1, picture_ch(COLS - 1, row));
		put(seq);
	} else if (col) {
		snprintf(seq, sizeof(seq), "\x1b[%uC", col);
		put(seq);
	}
	CHECK(t.cx == col && t.cy == row);
}

enum erase { EL0, EL0_DEFAULT, EL1, EL2, ED0, ED0_DEFAULT, ED1, ED2, ED3 };

static const struct {
	const char *seq;
	const char *name;
} erases[] = {
	[EL0] = { "\x1b[0K", "ESC[0K" }, [EL0_DEFAULT] = { "\x1b[K", "ESC[K" },
	[EL1] = { "\x1b[1K", "ESC[1K" }, [EL2] = { "\x1b[2K", "ESC[2K" },
	[ED0] = { "\x1b[0J", "ESC[0J" }, [ED0_DEFAULT] = { "\x1b[J", "ESC[J" },
	[ED1] = { "\x1b[1J", "ESC[1J" }, [ED2] = { "\x1b[2J", "ESC[2J" },
	[ED3] = { "\x1b[3J", "ESC[3J" },
};

/* ECMA-48's answer, written out apart from term.c: whether erase e with the cursor at
 * (cx, cy) (cx < COLS) erases the cell (col, row). */
static bool erased(enum erase e, unsigned cx, unsigned cy, unsigned col, unsigned row)
{
	switch (e) {
	case EL0:
	case EL0_DEFAULT:
		return row == cy && col >= cx;
	case EL1:
		return row == cy && col <= cx;
	case EL2:
		return row == cy;
	case ED0:
	case ED0_DEFAULT:
		return row > cy || (row == cy && col >= cx);
	case ED1:
		return row < cy || (row == cy && col <= cx);
	case ED2:
		return true;
	default: /* ED3: the scrollback only */
		return false;
	}
}

/* Cells that differ from what erase e from (cx, cy) must leave: blanks in the current
 * colours where it erases, the picture in grey on black elsewhere. */
static unsigned wrong_cells(enum erase e, unsigned cx, unsigned cy)
{
	unsigned bad = 0;

	for (unsigned r = 0; r < ROWS; r++)
		for (unsigned c = 0; c < COLS; c++) {
			struct con_cell got = term_cell(&t, c, r);
			bool gone = erased(e, cx, cy, c, r);
			uint8_t ch = gone ? ' ' : picture_ch(c, r);
			uint8_t attr = gone ? ERASED_ATTR : CON_ATTR_DEFAULT;

			bad += got.ch != ch || got.attr != attr;
		}
	return bad;
}

/* Erase e from the cursor at (col, row) (col == COLS: a pending wrap there) on a full
 * screen: the cells ECMA-48 names are blank in the current colours, the rest unchanged, the
 * screen equal to the grid, the cursor where it was (at a pending wrap, on the last column,
 * the wrap ended, its mark drawn there: but for ESC[3J, which leaves the wrap pending).
 * Then a character: at the cursor; after a pending wrap ended, on the last column of the
 * same row (before: ESC[1K, ESC[2K, ESC[J and ESC[1J were swallowed, the screen kept every
 * cell and the character went to the next row, or scrolled the screen on the last row). */
static void check_erase(const struct con_backend_ops *ops, enum erase e, unsigned col,
			unsigned row)
{
	bool pending = col == COLS, ends_wrap = e != ED3;
	unsigned cx = pending ? COLS - 1 : col;
	unsigned bad;

	memset(&screen, 0, sizeof(screen));
	screen.cursor_col = screen.cursor_row = -1;
	term_init(&t, cells, COLS, ROWS, ops, &screen);
	draw_picture();
	cursor_to(col, row);
	spans = span_cells = span_bad_old = 0;
	put(BLUE_BG);
	put(erases[e].seq);
	bad = wrong_cells(e, cx, row);
	CHECK_EQ(bad, 0);
	if (bad)
		fprintf(stderr, "    %s at %u,%u: %u cells wrong\n", erases[e].name, col, row, bad);
	CHECK(screen_matches_grid());
	CHECK_EQ(span_bad_old, 0);
	CHECK_EQ(t.cy, row);
	CHECK_EQ(t.cx, pending && ends_wrap ? COLS - 1 : col);
	if (!pending || ends_wrap) {
		CHECK_EQ(screen.cursor_col, (int)cx);
		CHECK_EQ(screen.cursor_row, (int)row);
	}

	put("\x1b[0mZ");
	if (pending && !ends_wrap) { /* the wrap goes on: the next row, or a scroll */
		unsigned zrow = row + 1 < ROWS ? row + 1 : ROWS - 1;

		CHECK_EQ(term_cell(&t, 0, zrow).ch, 'Z');
		CHECK(t.cx == 1 && t.cy == zrow);
	} else {
		CHECK_EQ(term_cell(&t, cx, row).ch, 'Z');
		CHECK(t.cx == cx + 1 && t.cy == row);
		/* no scroll: a row other than the cursor's as the erase left it */
		unsigned other = row ? 0 : ROWS - 1;

		CHECK_EQ(term_cell(&t, 0, other).ch,
			 erased(e, cx, row, 0, other) ? ' ' : picture_ch(0, other));
	}
	CHECK(screen_matches_grid());
}

/* Every erase from the four corners, the middle, a cell next to the last column, and a
 * pending wrap on the first, a middle and the last row; drawn cell by cell and in spans. */
static void test_erases_everywhere(void)
{
	static const unsigned where[][2] = {
		{ 0, 0 },    { COLS - 1, 0 },        { 0, ROWS - 1 }, { COLS - 1, ROWS - 1 },
		{ 7, 2 },    { COLS - 2, 1 },        { COLS, 0 },     { COLS, 2 },
		{ COLS, ROWS - 1 },
	};
	const struct con_backend_ops *ops[] = { &fake_ops, &fake_span_ops };

	for (unsigned o = 0; o < ARRAY_SIZE(ops); o++)
		for (unsigned e = 0; e < ARRAY_SIZE(erases); e++)
			for (unsigned w = 0; w < ARRAY_SIZE(where); w++)
				check_erase(ops[o], (enum erase)e, where[w][0], where[w][1]);
}

/* Write a row of COLS characters "0123456789ABCDEFGHIJ" on row 'row' (the cursor there at
 * column 0): the cursor is then in the pending-wrap state, logically on the last column. */
static void fill_row_to_pending_wrap(unsigned row)
{
	CHECK_EQ(t.cy, row);
	put("0123456789ABCDEFGHIJ");
	CHECK(t.cx == COLS && t.cy == row);
}

/* Erasing while a wrap is pending (the last column just written): as on a VT100 or xterm,
 * the cursor is on the last column, so ESC[K erases that column's character (with the
 * current background) and the wrap is cancelled: the next character overwrites the last
 * column of the same row instead of starting the next row. ESC[2J also cancels it. Neither
 * ever scrolls, also on the last row. Screen and grid stay equal, and the software cursor
 * shows on the last column. */
static void test_erase_at_pending_wrap(void)
{
	setup();
	fill_row_to_pending_wrap(0);
	put("\x1b[44m\x1b[K");
	CHECK(!strcmp(row_text(0), "0123456789ABCDEFGHI"));
	CHECK_EQ(term_cell(&t, COLS - 1, 0).attr, CON_ATTR(7, 1));
	CHECK(t.cx == COLS - 1 && t.cy == 0);
	CHECK(screen.cursor_col == COLS - 1 && screen.cursor_row == 0);
	put("\x1b[0mZ");
	CHECK(!strcmp(row_text(0), "0123456789ABCDEFGHIZ"));
	CHECK(!strcmp(row_text(1), ""));
	CHECK(screen_matches_grid());

	/* On the last row: the character erased, no scroll (row above unchanged). */
	setup();
	put("top\n\n\n\n");
	fill_row_to_pending_wrap(ROWS - 1);
	put("\x1b[K");
	CHECK(!strcmp(row_text(0), "top"));
	CHECK(!strcmp(row_text(ROWS - 1), "0123456789ABCDEFGHI"));
	put("!");
	CHECK(!strcmp(row_text(0), "top"));
	CHECK(!strcmp(row_text(ROWS - 1), "0123456789ABCDEFGHI!"));
	CHECK(screen_matches_grid());

	/* ESC[2J at a pending wrap: the screen is blank and the next character lands on the
	 * last column of the cursor's row, not at the start of the row below. */
	setup();
	put("\n");
	fill_row_to_pending_wrap(1);
	put("\x1b[2JQ");
	CHECK(!strcmp(row_text(1), "                   Q"));
	CHECK(!strcmp(row_text(2), ""));
	CHECK(t.cy == 1);
	CHECK(screen_matches_grid());
}

/* Erased cells take the current attribute whole, as ESC[K always did: after ESC[1;31;42m
 * (bright red on green) ESC[2K leaves blanks in bright red on green, ESC[1J too, and text
 * written after ESC[0m is grey on black again. */
static void test_erase_colours(void)
{
	setup();
	put("abc\ndef\nghi\x1b[1;31;42m\x1b[2K");
	CHECK_EQ(term_cell(&t, 0, 2).ch, ' ');
	CHECK_EQ(term_cell(&t, 0, 2).attr, CON_ATTR(12, 2));
	CHECK_EQ(term_cell(&t, COLS - 1, 2).attr, CON_ATTR(12, 2));
	CHECK_EQ(term_cell(&t, 0, 1).attr, CON_ATTR_DEFAULT);
	put("\x1b[A\x1b[1J");
	CHECK_EQ(term_cell(&t, 0, 0).attr, CON_ATTR(12, 2));
	CHECK_EQ(term_cell(&t, 3, 1).attr, CON_ATTR(12, 2));
	CHECK_EQ(term_cell(&t, 4, 1).attr, CON_ATTR_DEFAULT); /* right of the cursor: kept */
	put("\x1b[0mx");
	CHECK_EQ(term_cell(&t, 3, 1).attr, CON_ATTR_DEFAULT);
	CHECK(screen_matches_grid());
}

/* A line longer than the screen continues from row to row (the scrollback joins such rows
 * again). An erase of a row's end ends that: ESC[K and ESC[2K on the row, ESC[J on the
 * cursor's row and every row below; ESC[1K leaves the row's end, and so its mark; ESC[1J
 * drops the marks of the rows above. A row scrolled off keeps its mark in the ring. */
static void test_erase_continuation(void)
{
	char line[ROWS * COLS];

	memset(line, 'x', sizeof(line));
	setup();
	term_write(&t, line, 4 * COLS + 5); /* rows 0-3 full and continued, row 4 begun */
	CHECK(t.row_cont[0] && t.row_cont[1] && t.row_cont[2] && t.row_cont[3]);
	put("\x1b[H\x1b[5C\x1b[1K"); /* row 0 from its start to column 5 */
	CHECK(t.row_cont[0]);
	put("\x1b[K"); /* row 0 from column 5 on */
	CHECK(!t.row_cont[0] && t.row_cont[1]);
	put("\x1b[B\x1b[2K"); /* row 1 whole */
	CHECK(!t.row_cont[1] && t.row_cont[2]);

	setup();
	term_write(&t, line, 4 * COLS + 5);
	put("\x1b[H\x1b[2B\x1b[5C\x1b[1J"); /* rows 0-1, row 2 to the cursor */
	CHECK(!t.row_cont[0] && !t.row_cont[1] && t.row_cont[2] && t.row_cont[3]);
	put("\x1b[J"); /* row 2 from the cursor, rows 3-4 */
	CHECK(!t.row_cont[2] && !t.row_cont[3]);

	/* In the ring: a continued row scrolled off keeps its mark; one whose end ESC[K
	 * erased does not. */
	static struct con_cell ring_cells[8 * COLS + 8];
	struct scrollback sb;

	setup();
	scrollback_init(&sb, ring_cells, COLS, 8);
	term_attach_scrollback(&t, &sb);
	term_write(&t, line, 2 * COLS + 3); /* rows 0 and 1 continued */
	put("\x1b[A\x1b[K\n\n\n\n\n"); /* row 1's end erased; both scroll off */
	CHECK(sb.count >= 2);
	CHECK(scrollback_row_cont(&sb, 0));
	CHECK(!scrollback_row_cont(&sb, 1));
}

/* ESC[3J erases the scrollback (xterm's saved lines) and nothing on the screen: the ring
 * is empty, the view cannot go back, every cell and the cursor stay; rows scrolled off
 * later are kept again. ESC[2J erases the screen and keeps the ring. Without a ring
 * ESC[3J does nothing. */
static void test_erase_saved_lines(void)
{
	static struct con_cell ring_cells[8 * COLS + 8];
	struct scrollback sb;

	setup();
	scrollback_init(&sb, ring_cells, COLS, 8);
	term_attach_scrollback(&t, &sb);
	put("old1\nold2\nold3\nl4\nl5\nl6\nl7");
	CHECK_EQ(sb.count, 2);
	put("\x1b[2J");
	CHECK_EQ(sb.count, 2);
	put("\x1b[Hl4\nl5\nl6\nl7");
	CHECK_EQ(term_view_scroll(&t, 3), 2);
	put("\x1b[3J");
	CHECK_EQ(sb.count, 0);
	CHECK(!strcmp(row_text(0), "l4") && !strcmp(row_text(3), "l7"));
	CHECK(t.cx == 2 && t.cy == 3);
	CHECK_EQ(term_view_scroll(&t, 3), 0);
	CHECK(screen_matches_grid());
	put("\n8\n9");
	CHECK_EQ(sb.count, 1);
	CHECK_EQ(scrollback_row(&sb, 0)[0].ch, 'l');
	CHECK_EQ(scrollback_row(&sb, 0)[1].ch, '4');

	setup();
	put("a\x1b[3Jb");
	CHECK(!strcmp(row_text(0), "ab"));
}

int main(void)
{
	RUN(test_erases_everywhere);
	RUN(test_erase_at_pending_wrap);
	RUN(test_erase_colours);
	RUN(test_erase_continuation);
	RUN(test_erase_saved_lines);
	return unit_summary();
}
