/* SPDX-License-Identifier: MIT */
/*
 * The console terminal: a grid of text cells (character + attribute) kept in RAM, the
 * cursor, line wrap, scrolling and the ANSI parser, in front of a screen backend that only
 * knows how to draw cells. Pure C, compiled for the host too.
 *
 * Text is UTF-8; each character is shown with its CP437 glyph (the character set of VGA
 * text mode and of the generated fonts), '?' when CP437 has none. What is no character
 * shows as one U+FFFD, also '?': a complete sequence that spells none (an overlong form,
 * a surrogate, a value past U+10FFFF, any lead byte past F4), a sequence cut short by
 * another byte (an ESC too: UTF-8 is read before the escape sequences), a continuation
 * byte without its lead. Lead bytes and lengths are those of the shell's input decoder
 * (termkeys.c), so both sides split bytes alike.
 *
 * Invariant: between writes, while the view is at the bottom (view == 0), cells[] equals
 * what the backend shows. Every change to the screen goes through term_set(), which draws
 * a cell only when its content changes; scrolling and clearing are therefore "redraw the
 * cells that differ", and nothing ever reads the screen. Inside a write that scrolls more
 * than once (with a batch grid attached) the drawing waits for the write's end: the
 * screen then shows the batch grid's copy, and the end draws only what differs from it.
 * A group (term_group_begin) makes that "between writes" the group's ends instead.
 *
 * Scrollback: with a ring attached (term_attach_scrollback), each row scrolling off the top
 * is kept there. term_view_scroll() then shows older rows: the screen shows rows of the
 * ring followed by the top of the grid, and moving the view redraws only the cells that
 * differ between the two pictures, both computed from RAM. Any write first returns the
 * view to the bottom.
 */
#ifndef CONSOLE_TERM_H
#define CONSOLE_TERM_H

#include <lios/types.h>
#include "ansi.h"

#define TERM_TAB_WIDTH 8
#define TERM_SPAN_MAX 128 /* cells handed to draw_span() at once */
#define TERM_CONT_ROWS 512 /* rows whose "continues on the next row" flag is kept */

struct scrollback;

struct con_cell {
	uint8_t ch;   /* CP437 byte */
	uint8_t attr; /* CON_ATTR(fg, bg) */
};

/* A screen backend. draw() shows one cell (cursor: draw the cursor mark on it). */
struct con_backend_ops {
	void (*draw)(void *ctx, unsigned col, unsigned row, struct con_cell cell, bool cursor);
	/* Optional: show n consecutive cells of one row (no cursor), faster than n draws;
	 * old is what the screen shows there now (the backend may skip unchanged pixels), or
	 * NULL when that is not known (every pixel is drawn). */
	void (*draw_span)(void *ctx, unsigned col, unsigned row, const struct con_cell *cells,
			  const struct con_cell *old, unsigned n);
	/* Hardware cursor (VGA text): when set, the terminal never asks draw() for a cursor. */
	void (*move_cursor)(void *ctx, unsigned col, unsigned row);
};

struct term {
	struct con_cell *cells;  /* cols * rows, row-major; owned by the caller */
	unsigned cols, rows;
	unsigned cx, cy;         /* cursor; cx == cols means "wrap before the next character" */
	bool cursor_drawn;       /* a software cursor is currently shown at (cx, cy) */
	bool cursor_enabled;
	struct ansi_parser ansi;
	uint32_t utf8_cp;        /* UTF-8 character being decoded */
	uint32_t utf8_min;       /* the least code point its length may spell (not overlong) */
	uint8_t utf8_left;       /* continuation bytes still expected */
	const struct con_backend_ops *ops;
	void *ctx;
	struct scrollback *sb;   /* rows scrolled off the top, NULL when none */
	/* Batching (term_attach_batch): cols * rows cells, or NULL. While 'batched', the
	 * screen shows shown[] and not cells[]: a write that scrolls stops drawing at its
	 * second scroll (at its first when more line feeds follow) and draws the difference
	 * once, at its end. */
	struct con_cell *shown;
	bool batched;
	bool grouped;            /* term_group_begin: the writes batch as one */
	unsigned write_scrolls;  /* scrolls in the current write (or group) */
	size_t write_lfs;        /* line feeds still to come in the current write */
	size_t view;             /* rows the view is scrolled back, 0: the live screen */
	bool row_cont[TERM_CONT_ROWS]; /* grid row r's text continues on row r + 1 */
};

/* Attach a grid of cols * rows cells and a backend; clears the grid and the screen. */
void term_init(struct term *t, struct con_cell *cells, unsigned cols, unsigned rows,
	       const struct con_backend_ops *ops, void *ctx);

/* Write bytes (text, \n \r \t \b, ANSI escapes). Any context; no allocation. */
void term_write(struct term *t, const char *s, size_t len);

/* Clear the screen with the current background and move the cursor home. */
void term_clear(struct term *t);

/* Redraw every cell from the grid (after the backend lost its contents). */
void term_redraw(struct term *t);

/* Change the attribute SGR 0 returns to and use it from now on (panic colours). */
void term_set_default_attr(struct term *t, uint8_t attr);

/* Keep the rows scrolling off the top in sb (same width as the screen), or stop with NULL. */
void term_attach_scrollback(struct term *t, struct scrollback *sb);

/* Give the terminal a second grid (cols * rows cells, caller-owned; NULL: none) so that
 * a write scrolling many rows draws the screen twice (its first scroll, and its end)
 * instead of once per row: a page of text on a 4K screen is two redraws, not 66. */
void term_attach_batch(struct term *t, struct con_cell *shown);

/* Group the writes from here to term_group_end() into one batch: many writes of a line
 * each are drawn as one write of many lines (once per screenful, and at the end), not a
 * screen per line. term_flush() draws what waits, the group going on (before a wait for a
 * key). Without a batch grid every write draws as it goes. */
void term_group_begin(struct term *t);
void term_flush(struct term *t);
void term_group_end(struct term *t);

/* Scroll the view by delta rows (positive: back in time), clamped to what the scrollback
 * holds; redraws what changes. Returns the new view offset (0: the live screen). */
size_t term_view_scroll(struct term *t, long delta);

/* Back to the live screen (view 0), redrawing what the scrollback view changed. */
void term_view_reset(struct term *t);

/* Unicode of the CP437 bytes 0x80-0xff (generated by tools/psf2c.py --cp437). */
extern const uint16_t console_cp437_unicode[128];

/* The CP437 byte showing Unicode character cp, or '?' when there is none. */
uint8_t term_cp437_from_unicode(uint32_t cp);

/* The cell at (col, row), for tests and the panic screen. */
static inline struct con_cell term_cell(const struct term *t, unsigned col, unsigned row)
{
	return t->cells[(size_t)row * t->cols + col];
}

#endif
