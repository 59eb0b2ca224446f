/* SPDX-License-Identifier: MIT */
/*
 * The console terminal: a grid of text cells (character + attribute) kept in RAM, the
 * cursor, line wrap, scrolling and the ANSI parser, in front of a screen backend that only
 * knows how to draw one cell. Pure C, compiled for the host too.
 *
 * Invariant: cells[] always equals what the backend shows. Every change to the screen goes
 * through term_set(), which draws a cell only when its content changes; scrolling and
 * clearing are therefore "redraw the cells that differ", and nothing ever reads the screen.
 */
#ifndef CONSOLE_TERM_H
#define CONSOLE_TERM_H

#include <lios/types.h>
#include "ansi.h"

#define TERM_TAB_WIDTH 8

struct con_cell {
	uint8_t ch;   /* CP437 byte */
	uint8_t attr; /* CON_ATTR(fg, bg) */
};

/* A screen backend. draw() shows one cell (cursor: draw the cursor mark on it). */
struct con_backend_ops {
	void (*draw)(void *ctx, unsigned col, unsigned row, struct con_cell cell, bool cursor);
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
	const struct con_backend_ops *ops;
	void *ctx;
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

/* The cell at (col, row), for tests and the panic screen. */
static inline struct con_cell term_cell(const struct term *t, unsigned col, unsigned row)
{
	return t->cells[(size_t)row * t->cols + col];
}

#endif
