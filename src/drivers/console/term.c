// SPDX-License-Identifier: MIT
/*
 * The terminal behind every console backend (see term.h): text-cell grid, cursor, line
 * wrap, scrolling, \n \r \t \b and the ANSI subset. The grid mirrors the screen; scrolling
 * moves cells in the grid and asks the backend to draw only the cells whose content
 * changed, so a screen of mostly blank lines scrolls at almost no cost and the backend
 * never has to copy or read video memory.
 *
 * Cursor: a backend with a hardware cursor gets move_cursor() once per term_write(); for
 * the others the cursor cell is drawn with the cursor mark at the end of each write and
 * redrawn plain before the next one.
 */
#include "term.h"

#define ASCII_BS 0x08
#define ASCII_TAB 0x09
#define ASCII_LF 0x0a
#define ASCII_CR 0x0d
#define ASCII_DEL 0x7f
#define ASCII_SPACE 0x20

static inline bool cell_eq(struct con_cell a, struct con_cell b)
{
	return a.ch == b.ch && a.attr == b.attr;
}

static inline struct con_cell term_blank(const struct term *t)
{
	/* erased cells take the current background, like a VT */
	return (struct con_cell){ ASCII_SPACE, ansi_attr(&t->ansi) };
}

/* The one place a cell changes: store it and draw it when it differs. */
static void term_set(struct term *t, unsigned col, unsigned row, struct con_cell c)
{
	struct con_cell *slot = &t->cells[(size_t)row * t->cols + col];

	if (cell_eq(*slot, c))
		return;
	*slot = c;
	t->ops->draw(t->ctx, col, row, c, false);
}

static void term_scroll(struct term *t)
{
	struct con_cell blank = term_blank(t);

	for (unsigned r = 0; r + 1 < t->rows; r++) {
		const struct con_cell *below = &t->cells[(size_t)(r + 1) * t->cols];

		for (unsigned c = 0; c < t->cols; c++)
			term_set(t, c, r, below[c]);
	}
	for (unsigned c = 0; c < t->cols; c++)
		term_set(t, c, t->rows - 1, blank);
}

static void term_newline(struct term *t)
{
	t->cx = 0;
	if (t->cy + 1 < t->rows)
		t->cy++;
	else
		term_scroll(t);
}

static void term_erase(struct term *t, unsigned row, unsigned from_col)
{
	struct con_cell blank = term_blank(t);

	for (unsigned c = from_col; c < t->cols; c++)
		term_set(t, c, row, blank);
}

static void term_put(struct term *t, uint8_t ch)
{
	if (t->cx >= t->cols)
		term_newline(t);
	term_set(t, t->cx, t->cy, (struct con_cell){ ch, ansi_attr(&t->ansi) });
	t->cx++; /* may become cols: the wrap happens with the next character */
}

static void term_control(struct term *t, uint8_t ch)
{
	switch (ch) {
	case ASCII_LF:
		term_newline(t);
		break;
	case ASCII_CR:
		t->cx = 0;
		break;
	case ASCII_TAB: {
		unsigned next = (t->cx / TERM_TAB_WIDTH + 1) * TERM_TAB_WIDTH;

		if (t->cx >= t->cols)
			break;
		t->cx = next < t->cols ? next : t->cols - 1;
		break;
	}
	case ASCII_BS:
		if (t->cx >= t->cols)
			t->cx = t->cols - 1;
		if (t->cx > 0)
			t->cx--;
		break;
	default:
		break; /* other control characters are not shown */
	}
}

static void term_cursor_hide(struct term *t)
{
	if (!t->cursor_drawn)
		return;
	t->cursor_drawn = false;
	if (t->cx < t->cols && t->cy < t->rows)
		t->ops->draw(t->ctx, t->cx, t->cy, term_cell(t, t->cx, t->cy), false);
}

static void term_cursor_show(struct term *t)
{
	unsigned col = t->cx < t->cols ? t->cx : t->cols - 1;

	if (!t->cursor_enabled)
		return;
	if (t->ops->move_cursor) {
		t->ops->move_cursor(t->ctx, col, t->cy);
		return;
	}
	if (t->cx >= t->cols)
		return; /* pending wrap: the cursor shows up with the next character */
	t->ops->draw(t->ctx, t->cx, t->cy, term_cell(t, t->cx, t->cy), true);
	t->cursor_drawn = true;
}

static void term_byte(struct term *t, uint8_t ch)
{
	switch (ansi_feed(&t->ansi, ch)) {
	case ANSI_BYTE:
		if (ch < ASCII_SPACE || ch == ASCII_DEL)
			term_control(t, ch);
		else
			term_put(t, ch);
		break;
	case ANSI_CLEAR:
		for (unsigned r = 0; r < t->rows; r++)
			term_erase(t, r, 0);
		break;
	case ANSI_HOME:
		t->cx = 0;
		t->cy = 0;
		break;
	case ANSI_ERASE_EOL:
		if (t->cx < t->cols)
			term_erase(t, t->cy, t->cx);
		break;
	case ANSI_ATTR:
	case ANSI_NONE:
		break;
	}
}

/*
 * term_write - show len bytes of s: text, control characters and ANSI escapes.
 * Context: any, including interrupts off; no allocation. Not reentrant for one term.
 */
void term_write(struct term *t, const char *s, size_t len)
{
	term_cursor_hide(t);
	for (size_t i = 0; i < len; i++)
		term_byte(t, (uint8_t)s[i]);
	term_cursor_show(t);
}

/*
 * term_clear - blank every cell with the current attribute and move the cursor home.
 */
void term_clear(struct term *t)
{
	term_cursor_hide(t);
	for (unsigned r = 0; r < t->rows; r++)
		term_erase(t, r, 0);
	t->cx = 0;
	t->cy = 0;
	term_cursor_show(t);
}

/*
 * term_redraw - draw every cell from the grid, e.g. after the backend was (re)initialised.
 */
void term_redraw(struct term *t)
{
	for (unsigned r = 0; r < t->rows; r++)
		for (unsigned c = 0; c < t->cols; c++)
			t->ops->draw(t->ctx, c, r, term_cell(t, c, r), false);
	t->cursor_drawn = false;
	term_cursor_show(t);
}

/*
 * term_set_default_attr - make attr the current attribute and the target of SGR 0.
 */
void term_set_default_attr(struct term *t, uint8_t attr)
{
	ansi_set_default(&t->ansi, attr);
}

/*
 * term_init - attach cells (cols * rows, caller-owned) and the backend, blank the grid and
 * draw it once so grid and screen agree from the start. The cursor starts enabled at (0,0).
 */
void term_init(struct term *t, struct con_cell *cells, unsigned cols, unsigned rows,
	       const struct con_backend_ops *ops, void *ctx)
{
	t->cells = cells;
	t->cols = cols;
	t->rows = rows;
	t->cx = 0;
	t->cy = 0;
	t->cursor_drawn = false;
	t->cursor_enabled = true;
	t->ops = ops;
	t->ctx = ctx;
	ansi_init(&t->ansi, CON_ATTR_DEFAULT);
	for (size_t i = 0; i < (size_t)cols * rows; i++)
		cells[i] = term_blank(t);
	term_redraw(t);
}
