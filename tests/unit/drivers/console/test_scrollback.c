// SPDX-License-Identifier: MIT
/*
 * Unit tests of the console's scrollback (scrollback.c) and the terminal's view of it
 * (term.c): the ring wraps keeping the newest rows, a line longer than the screen is kept
 * as continued rows, re-wrapping for another width joins and cuts them again, and a
 * terminal scrolled back shows the old rows, redraws only what differs, and any write
 * returns to the live screen.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "scrollback.h"
#include "term.h"
#include "../../unit.h"

#define COLS 10
#define ROWS 4

static struct con_cell shown[ROWS][COLS];
static int draws;

static void fake_draw(void *ctx, unsigned col, unsigned row, struct con_cell c, bool cursor)
{
	if (!cursor) {
		shown[row][col] = c;
		draws++;
	}
}

static const struct con_backend_ops ops = { .draw = fake_draw };

static struct con_cell row_of(char ch)
{
	return (struct con_cell){ (uint8_t)ch, CON_ATTR_DEFAULT };
}

/* The text of a screen row without trailing blanks. */
static const char *screen_row(unsigned r)
{
	static char s[COLS + 1];
	int n = 0;

	for (unsigned c = 0; c < COLS; c++)
		s[n++] = (char)shown[r][c].ch;
	while (n && s[n - 1] == ' ')
		n--;
	s[n] = '\0';
	return s;
}

/* 7 rows pushed into a ring of 5: rows 2..6 remain, oldest first. */
static void test_ring_wrap(void)
{
	struct con_cell row[COLS];
	struct scrollback sb;
	void *mem = malloc(scrollback_bytes(COLS, 5));

	scrollback_init(&sb, mem, COLS, 5);
	for (int i = 0; i < 7; i++) {
		for (int c = 0; c < COLS; c++)
			row[c] = row_of((char)('0' + i));
		scrollback_push(&sb, row, i == 3);
	}
	CHECK_EQ(sb.count, 5);
	CHECK_EQ(scrollback_row(&sb, 0)[0].ch, '2');
	CHECK_EQ(scrollback_row(&sb, 4)[9].ch, '6');
	CHECK(scrollback_row_cont(&sb, 1));
	CHECK(!scrollback_row_cont(&sb, 2));
	free(mem);
}

/* A terminal 10x4 writes "short", a 25-character line and 4 more lines: the long line is
 * in the scrollback as 3 rows, the first two continued. Re-wrapped at 8 columns into a
 * ring of 6 rows: the long line becomes 4 rows (8+8+8+1), "short" and the older rows are
 * dropped as the ring fills. */
static void test_long_line_and_rewrap(void)
{
	struct term t;
	struct con_cell cells[COLS * ROWS];
	struct scrollback sb, small;
	void *mem = malloc(scrollback_bytes(COLS, 100)), *mem2 = malloc(scrollback_bytes(8, 6));
	const char *out = "short\nabcdefghijklmnopqrstuvwxy\n1\n2\n3\n4\n";

	term_init(&t, cells, COLS, ROWS, &ops, NULL);
	scrollback_init(&sb, mem, COLS, 100);
	term_attach_scrollback(&t, &sb);
	term_write(&t, out, strlen(out));
	CHECK_EQ(sb.count, 5); /* short, 3 rows of the long line, "1" */
	CHECK_EQ(scrollback_row(&sb, 1)[0].ch, 'a');
	CHECK(scrollback_row_cont(&sb, 1) && scrollback_row_cont(&sb, 2));
	CHECK(!scrollback_row_cont(&sb, 3));
	CHECK_EQ(scrollback_row(&sb, 3)[4].ch, 'y');

	scrollback_init(&small, mem2, 8, 6);
	scrollback_rewrap(&small, &sb, CON_ATTR_DEFAULT);
	CHECK_EQ(small.count, 6); /* short, abcdefgh, ijklmnop, qrstuvwx, y, 1 -> 6 rows */
	CHECK_EQ(scrollback_row(&small, 0)[0].ch, 's');
	CHECK_EQ(scrollback_row(&small, 1)[0].ch, 'a');
	CHECK_EQ(scrollback_row(&small, 3)[7].ch, 'x');
	CHECK_EQ(scrollback_row(&small, 4)[0].ch, 'y');
	CHECK_EQ(scrollback_row(&small, 4)[1].ch, ' ');
	CHECK(scrollback_row_cont(&small, 3) && !scrollback_row_cont(&small, 4));
	CHECK_EQ(scrollback_row(&small, 5)[0].ch, '1');
	free(mem);
	free(mem2);
}

/* Scrolling the view back shows the old rows, clamps at the oldest, draws only cells that
 * differ (a second identical move draws nothing), and a write returns to the live screen. */
static void test_view(void)
{
	struct term t;
	struct con_cell cells[COLS * ROWS];
	struct scrollback sb;
	void *mem = malloc(scrollback_bytes(COLS, 50));
	const char *out = "r0\nr1\nr2\nr3\nr4\nr5\nr6";

	term_init(&t, cells, COLS, ROWS, &ops, NULL);
	scrollback_init(&sb, mem, COLS, 50);
	term_attach_scrollback(&t, &sb);
	term_write(&t, out, strlen(out));
	CHECK(strcmp(screen_row(0), "r3") == 0);
	CHECK_EQ(term_view_scroll(&t, 2), 2);
	CHECK(strcmp(screen_row(0), "r1") == 0);
	CHECK(strcmp(screen_row(3), "r4") == 0);
	CHECK_EQ(term_view_scroll(&t, 100), 3); /* clamped: r0 on top */
	CHECK(strcmp(screen_row(0), "r0") == 0);
	draws = 0;
	CHECK_EQ(term_view_scroll(&t, 1), 3);
	CHECK_EQ(draws, 0);
	/* the extremes of delta clamp too (LONG_MIN has no positive counterpart in a long) */
	CHECK_EQ(term_view_scroll(&t, LONG_MIN), 0);
	CHECK(strcmp(screen_row(0), "r3") == 0);
	CHECK_EQ(term_view_scroll(&t, LONG_MAX), 3);
	CHECK(strcmp(screen_row(0), "r0") == 0);
	term_write(&t, "!", 1);
	CHECK_EQ(t.view, 0);
	CHECK(strcmp(screen_row(0), "r3") == 0);
	CHECK(strcmp(screen_row(3), "r6!") == 0);
	free(mem);
}

int main(void)
{
	RUN(test_ring_wrap);
	RUN(test_long_line_and_rewrap);
	RUN(test_view);
	return unit_summary();
}
