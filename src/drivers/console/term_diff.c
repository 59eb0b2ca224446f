// SPDX-License-Identifier: MIT
/*
 * The terminal's drawing of a picture the screen does not show yet (see term.h), from RAM
 * only, by the cells that differ: batched writes and the scrollback view.
 *
 * Batching: a full screen of text changes nearly every cell per scroll, so a write that
 * scrolls (a page of the pager, a long message) stops drawing at its second scroll, or at
 * its first when more line feeds follow in it, and draws the difference once at its end:
 * on a 4K screen a page of 66 lines is then one redraw instead of 66. A caller that writes line by line (dmesg: a write per message)
 * groups its writes into one such batch (term_group_*).
 *
 * Scrollback view: with a ring attached, each row scrolling off the top of the grid is
 * kept there, and term_view_scroll() shows older rows, the ring's followed by the top of
 * the grid. Any write first returns the view to the bottom (term_view_reset).
 */
#include <lios/string.h>
#include "scrollback.h"
#include "term.h"
#include "term_internal.h"

static inline bool cell_eq(struct con_cell a, struct con_cell b)
{
	return a.ch == b.ch && a.attr == b.attr;
}

/* A scroll of a write or group (with a batch grid): from the second on, the screen keeps
 * showing what it shows now, a copy of the grid, to the write's (group's) end. The first
 * is drawn as it goes unless the write holds more line feeds after it: copying and
 * comparing the grid once more would cost a single scroll (the common case, one line at
 * the bottom) some 8% (bench/console), and saves nothing there; a write that will scroll
 * again (a page of the pager: a redraw less, half its time on a 4K screen) batches from
 * its first scroll. A group batches from its first scroll and, as its writes may come seconds apart
 * (dmesg's pace is the UART's), also draws once per screenful scrolled, so a screen nobody
 * pages still moves. */
void term_batch_begin(struct term *t)
{
	if (!t->shown)
		return;
	t->write_scrolls++;
	if (t->batched) {
		if (!t->grouped || t->write_scrolls % t->rows)
			return;
		term_batch_end(t); /* a screenful in the group: show it, then batch on */
	}
	if (t->write_scrolls < (t->grouped || t->write_lfs ? 1u : 2u)) /* more to scroll */
		return;
	memcpy(t->shown, t->cells, (size_t)t->cols * t->rows * sizeof(*t->cells));
	t->batched = true;
}

/* Row r of the screen shows was[] and must show now[]: draw the cells that differ, in
 * spans (the old content given) when the backend has draw_span. */
static void term_draw_diff(struct term *t, unsigned r, const struct con_cell *was,
			   const struct con_cell *now)
{
	unsigned c = 0;

	while (c < t->cols) {
		unsigned start;

		while (c < t->cols && cell_eq(was[c], now[c]))
			c++;
		start = c;
		while (c < t->cols && c - start < TERM_SPAN_MAX && !cell_eq(was[c], now[c]))
			c++;
		if (c == start)
			break;
		if (t->ops->draw_span) {
			t->ops->draw_span(t->ctx, start, r, now + start, was + start, c - start);
		} else {
			for (unsigned k = start; k < c; k++)
				t->ops->draw(t->ctx, k, r, now[k], false);
		}
	}
}

/* End of a batched write: the screen shows t->shown; draw what differs from the grid, so
 * that the screen equals the grid again. No-op when not batched. Also what the entry
 * points run first, should a write have been cut short (a fault while drawing). */
void term_batch_end(struct term *t)
{
	if (!t->batched)
		return;
	/* cleared after drawing: cut short and run again, it redraws from the same copy */
	for (unsigned r = 0; r < t->rows; r++)
		term_draw_diff(t, r, &t->shown[(size_t)r * t->cols],
			       &t->cells[(size_t)r * t->cols]);
	t->batched = false;
}

/*
 * term_group_begin - batch the writes that follow as one (see term.h) until
 * term_group_end. Call between writes; no-op without a batch grid. Any context.
 */
void term_group_begin(struct term *t)
{
	if (t->grouped)
		return;
	term_batch_end(t);
	t->grouped = true;
	t->write_scrolls = 0;
}

/*
 * term_flush - draw what a group has kept back so far (and the cursor); the group goes
 * on. No-op when nothing is kept back. Any context; no allocation.
 */
void term_flush(struct term *t)
{
	if (!t->batched)
		return;
	term_batch_end(t);
	term_cursor_show(t);
}

/*
 * term_group_end - end the group of term_group_begin and draw what it kept back. Any
 * context (the panic screen ends a group a fault interrupted).
 */
void term_group_end(struct term *t)
{
	t->grouped = false;
	term_flush(t);
}

/*
 * term_attach_batch - use shown (cols * rows cells, caller-owned, or NULL for none) to
 * batch the drawing of writes that scroll (see term.h). Call between writes.
 */
void term_attach_batch(struct term *t, struct con_cell *shown)
{
	term_batch_end(t);
	t->shown = shown;
}

/* ------------------------------------------------------------------ scrollback view */

/*
 * term_attach_scrollback - keep the rows scrolling off the top in sb (sb->cols must equal
 * the screen's columns), or stop keeping them with NULL. Returns the view to the bottom.
 */
void term_attach_scrollback(struct term *t, struct scrollback *sb)
{
	term_view_reset(t);
	t->sb = sb && sb->cols == t->cols ? sb : NULL;
}

/* Row r of the picture scrolled back by view rows: scrollback rows, then the grid's. */
static const struct con_cell *term_view_row(const struct term *t, size_t view, unsigned r)
{
	size_t held = t->sb ? t->sb->count : 0;
	size_t v = held - view + r;

	if (v < held)
		return scrollback_row(t->sb, v);
	return &t->cells[(v - held) * t->cols];
}

/* Change the picture from view 'from' to view 'to', drawing only the cells that differ. */
static void term_view_draw(struct term *t, size_t from, size_t to)
{
	for (unsigned r = 0; r < t->rows; r++)
		term_draw_diff(t, r, term_view_row(t, from, r), term_view_row(t, to, r));
}

/*
 * term_view_scroll - move the view delta rows back in time (negative: forward), clamped to
 * [0, rows held]. What a group kept back is drawn first, with the cursor (term_flush), even
 * when the view does not move. The cursor is hidden while the view is not at the bottom.
 * Returns the new offset. Any context; no allocation.
 */
size_t term_view_scroll(struct term *t, long delta)
{
	size_t held = t->sb ? t->sb->count : 0;
	size_t to;

	term_flush(t); /* what a group kept back, and the cursor, also when the view stays */
	if (delta < 0) /* negated as unsigned: -LONG_MIN does not fit in a long */
		to = 0 - (size_t)delta >= t->view ? 0 : t->view - (0 - (size_t)delta);
	else
		to = held - t->view < (size_t)delta ? held : t->view + (size_t)delta;
	if (to == t->view)
		return to;
	if (t->view == 0) {
		term_cursor_hide(t);
		if (t->ops->move_cursor)
			t->ops->move_cursor(t->ctx, 0, t->rows); /* past the last row: hidden */
	}
	term_view_draw(t, t->view, to);
	t->view = to;
	if (to == 0)
		term_cursor_show(t);
	return to;
}

/*
 * term_view_reset - show the live screen again (no-op when it is shown).
 */
void term_view_reset(struct term *t)
{
	if (t->view)
		term_view_scroll(t, -(long)t->view);
}
