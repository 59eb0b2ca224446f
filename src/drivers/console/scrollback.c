// SPDX-License-Identifier: MIT
/*
 * The scrollback ring (see scrollback.h): rows that scrolled off the top of the screen,
 * kept so Shift+PgUp can show them again. Fixed-width rows in one block of storage, a
 * ring of row slots; no allocation here (the console allocates once, from the heap).
 */
#include <lios/string.h>
#include "scrollback.h"

#define ASCII_SPACE 0x20

/*
 * scrollback_bytes - storage for cap rows of cols cells and their continuation flags.
 */
size_t scrollback_bytes(unsigned cols, size_t cap)
{
	return cap * cols * sizeof(struct con_cell) + cap;
}

/*
 * scrollback_init - an empty ring over storage (scrollback_bytes(cols, cap) bytes). Pure.
 */
void scrollback_init(struct scrollback *sb, void *storage, unsigned cols, size_t cap)
{
	sb->cells = storage;
	sb->cont = (uint8_t *)storage + cap * cols * sizeof(struct con_cell);
	sb->cols = cols;
	sb->cap = cap;
	sb->head = 0;
	sb->count = 0;
}

/*
 * scrollback_clear - forget every row held (ESC[3J); the ring stays ready for more. Pure;
 * any context.
 */
void scrollback_clear(struct scrollback *sb)
{
	sb->head = 0;
	sb->count = 0;
}

static size_t slot_of(const struct scrollback *sb, size_t i)
{
	return (sb->head + i) % sb->cap;
}

/* The slot the next row goes to; drops the oldest row when the ring is full. */
static size_t take_slot(struct scrollback *sb)
{
	if (sb->count == sb->cap) {
		sb->head = (sb->head + 1) % sb->cap;
		sb->count--;
	}
	return slot_of(sb, sb->count++);
}

/*
 * scrollback_push - append a copy of row (cols cells), cont when the line goes on in the
 * next row. A full ring forgets its oldest row. Any context; no allocation.
 */
void scrollback_push(struct scrollback *sb, const struct con_cell *row, bool cont)
{
	size_t slot;

	if (!sb->cap)
		return;
	slot = take_slot(sb);
	memcpy(&sb->cells[slot * sb->cols], row, sb->cols * sizeof(*row));
	sb->cont[slot] = cont;
}

/*
 * scrollback_row - row i counted from the oldest (i < count). Pure.
 */
const struct con_cell *scrollback_row(const struct scrollback *sb, size_t i)
{
	return &sb->cells[slot_of(sb, i) * sb->cols];
}

bool scrollback_row_cont(const struct scrollback *sb, size_t i)
{
	return sb->cont[slot_of(sb, i)];
}

/* Cells of row i that belong to its line: all of a continued row, else up to the last
 * non-blank cell (a blank is a space; its colour does not matter). */
static unsigned line_cells(const struct scrollback *sb, size_t i)
{
	const struct con_cell *row = scrollback_row(sb, i);
	unsigned n = sb->cols;

	if (scrollback_row_cont(sb, i))
		return n;
	while (n && row[n - 1].ch == ASCII_SPACE)
		n--;
	return n;
}

/* Start a new row in dst, blank; returns its cells. */
static struct con_cell *new_row(struct scrollback *dst, struct con_cell blank)
{
	size_t slot = take_slot(dst);
	struct con_cell *row = &dst->cells[slot * dst->cols];

	for (unsigned c = 0; c < dst->cols; c++)
		row[c] = blank;
	dst->cont[slot] = 0;
	return row;
}

/*
 * scrollback_rewrap - copy src's lines into the empty ring dst, re-wrapped at dst->cols:
 * the rows of one line (continuation flags) are joined, trailing blanks of its last row
 * dropped, and the text cut again; new cells are blanks in blank_attr. When dst is smaller
 * the oldest rows fall out, as with pushes. Pure.
 */
void scrollback_rewrap(struct scrollback *dst, const struct scrollback *src, uint8_t blank_attr)
{
	struct con_cell blank = { ASCII_SPACE, blank_attr };
	struct con_cell *row = NULL;
	unsigned col = 0;

	if (!dst->cap || !dst->cols)
		return;
	for (size_t i = 0; i < src->count; i++) {
		const struct con_cell *s = scrollback_row(src, i);
		unsigned n = line_cells(src, i);

		if (!row)
			row = new_row(dst, blank);
		for (unsigned c = 0; c < n; c++) {
			if (col == dst->cols) {
				dst->cont[slot_of(dst, dst->count - 1)] = 1;
				row = new_row(dst, blank);
				col = 0;
			}
			row[col++] = s[c];
		}
		if (!scrollback_row_cont(src, i)) { /* the line ends here */
			row = NULL;
			col = 0;
		}
	}
}
