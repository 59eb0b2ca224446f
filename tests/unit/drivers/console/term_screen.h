/* SPDX-License-Identifier: MIT */
/*
 * The fake screen test_term.c and test_term_erase.c drive the real terminal (term.c) on: a
 * COLS x ROWS backend that keeps its own copy of the screen, counts draws, remembers the
 * cell drawn with the cursor mark, and (fake_span_ops) takes spans, checking that each
 * span's 'old' is what it showed there. setup() starts a terminal on it; row_text() and
 * screen_matches_grid() read the result. Header only, for one test program each.
 */
#ifndef LIOS_TEST_TERM_SCREEN_H
#define LIOS_TEST_TERM_SCREEN_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "term.h"
#include "../../unit.h"

#define COLS 20
#define ROWS 5

struct fake_screen {
	struct con_cell shown[ROWS][COLS];
	int draws;                 /* draw() calls without the cursor flag */
	int cursor_col, cursor_row; /* last cell drawn with the cursor flag, -1 if none */
};

static void fake_draw(void *ctx, unsigned col, unsigned row, struct con_cell c, bool cursor)
{
	struct fake_screen *s = ctx;

	if (col >= COLS || row >= ROWS) {
		fprintf(stderr, "draw outside the screen: %u,%u\n", col, row);
		abort();
	}
	s->shown[row][col] = c;
	if (cursor) {
		s->cursor_col = (int)col;
		s->cursor_row = (int)row;
	} else {
		s->draws++;
		if (s->cursor_col == (int)col && s->cursor_row == (int)row)
			s->cursor_col = s->cursor_row = -1;
	}
}

static const struct con_backend_ops fake_ops = { .draw = fake_draw };

/* The same screen with a draw_span(): records each span and checks that 'old' is what the
 * screen showed there (NULL, for a redraw, says nothing: counted apart). */
static int spans, span_cells, span_bad_old, spans_unknown;

static void fake_draw_span(void *ctx, unsigned col, unsigned row, const struct con_cell *cells,
			   const struct con_cell *old, unsigned n)
{
	struct fake_screen *s = ctx;

	spans++;
	span_cells += (int)n;
	spans_unknown += !old;
	for (unsigned i = 0; i < n; i++) {
		struct con_cell was = s->shown[row][col + i];

		if (old && (was.ch != old[i].ch || was.attr != old[i].attr))
			span_bad_old++;
		s->shown[row][col + i] = cells[i];
	}
}

static const struct con_backend_ops fake_span_ops = { .draw = fake_draw,
						      .draw_span = fake_draw_span };

static struct con_cell cells[ROWS * COLS];
static struct fake_screen screen;
static struct term t;

static void setup(void)
{
	memset(&screen, 0, sizeof(screen));
	screen.cursor_col = screen.cursor_row = -1;
	term_init(&t, cells, COLS, ROWS, &fake_ops, &screen);
}

static void put(const char *s) { term_write(&t, s, strlen(s)); }

/* The characters of one row, trailing blanks removed. */
static const char *row_text(unsigned row)
{
	static char buf[COLS + 1];
	int end = 0;

	for (unsigned c = 0; c < COLS; c++) {
		buf[c] = (char)term_cell(&t, c, row).ch;
		if (buf[c] != ' ')
			end = (int)c + 1;
	}
	buf[end] = 0;
	return buf;
}

/* The fake screen shows exactly the grid (the invariant of term.c). */
static bool screen_matches_grid(void)
{
	for (unsigned r = 0; r < ROWS; r++)
		for (unsigned c = 0; c < COLS; c++) {
			struct con_cell a = term_cell(&t, c, r), b = screen.shown[r][c];

			if (a.ch != b.ch || a.attr != b.attr)
				return false;
		}
	return true;
}

#endif
