/* SPDX-License-Identifier: MIT */
/*
 * The console's scrollback: a ring of the screen rows that scrolled off the top, newest
 * last, each a full row of cells plus a flag saying whether the text continues on the next
 * row (a line longer than the screen). Pure C, compiled for the host too; the storage is
 * the caller's (the kernel takes it from the heap, sized by the screen: at least
 * SCROLLBACK_MIN_LINES rows of the screen's width).
 *
 * Invariant: rows [0, count) are valid, row 0 the oldest; pushing into a full ring drops
 * the oldest. Resizing re-wraps the lines for the new width and keeps the newest rows.
 */
#ifndef CONSOLE_SCROLLBACK_H
#define CONSOLE_SCROLLBACK_H

#include <lios/types.h>
#include "term.h"

#define SCROLLBACK_MIN_LINES 1000

struct scrollback {
	struct con_cell *cells; /* cap rows of cols cells, ring order; caller-owned */
	uint8_t *cont;          /* cap flags: 1 when the row continues on the next */
	unsigned cols;          /* cells per row */
	size_t cap;             /* rows the ring holds */
	size_t head;            /* ring slot of row 0 (the oldest) */
	size_t count;           /* rows held, <= cap */
};

/* Bytes of storage a ring of cap rows of cols cells needs (cells, then flags). */
size_t scrollback_bytes(unsigned cols, size_t cap);

/* Use storage (scrollback_bytes(cols, cap) bytes) for an empty ring. Pure. */
void scrollback_init(struct scrollback *sb, void *storage, unsigned cols, size_t cap);

/* Forget every row held: the ring is empty again, its storage kept. Pure. */
void scrollback_clear(struct scrollback *sb);

/* Append a copy of row (cols cells); cont: the text goes on in the next row. */
void scrollback_push(struct scrollback *sb, const struct con_cell *row, bool cont);

/* Row i, 0 = oldest, i < count; the pointer stays valid until the next push. */
const struct con_cell *scrollback_row(const struct scrollback *sb, size_t i);
bool scrollback_row_cont(const struct scrollback *sb, size_t i);

/* Fill the empty ring dst (any width and size) with src's lines re-wrapped to dst's width:
 * a line continued over several rows is joined, cut again at dst->cols; trailing blanks
 * of a line's last row are dropped first. Keeps the newest rows when dst is smaller. */
void scrollback_rewrap(struct scrollback *dst, const struct scrollback *src, uint8_t blank_attr);

#endif
