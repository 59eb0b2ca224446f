// SPDX-License-Identifier: MIT
/*
 * Unit tests of the terminal's erases (src/drivers/console/term.c, ansi.c) on the fake
 * screen of term_screen.h: ESC[K and ESC[2J while a wrap is pending.
 */
#include "term_screen.h"

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

int main(void)
{
	RUN(test_erase_at_pending_wrap);
	return unit_summary();
}
