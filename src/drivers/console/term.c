// SPDX-License-Identifier: MIT
/*
 * The terminal behind every console backend (see term.h): text-cell grid, cursor, line
 * wrap, scrolling, \n \r \t \b and the ANSI subset (colours, erases, cursor moves). The
 * grid mirrors the screen; scrolling moves cells in the grid and asks the backend to draw
 * only the cells whose content changed, so a screen of mostly blank lines scrolls at
 * almost no cost and the backend never has to copy or read video memory. A write (or
 * group of writes) that scrolls a full screen of text many times is drawn once at its end
 * instead (term_diff.c).
 *
 * Pending wrap: after the last column is written the cursor waits there (cx == cols) and
 * the next character starts the next row. ESC[nA/B/C/D and the erases (ESC[nK, ESC[nJ but
 * ESC[3J) end that wait first, as a VT100 does: the cursor is then on the last column, the
 * cursor's cell each erase includes.
 *
 * Cursor: ESC[nA/B/C/D move it within the screen (the line editor's moves). A backend with
 * a hardware cursor gets move_cursor() once per term_write(); for the others the cursor
 * cell is drawn with the cursor mark at the end of each write and redrawn plain before the
 * next one. Batched drawing and the scrollback view are term_diff.c's.
 */
#include <lios/compiler.h>
#include <lios/string.h>
#include "scrollback.h"
#include "term.h"
#include "term_internal.h"

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
	if (!t->batched)
		t->ops->draw(t->ctx, col, row, c, false);
}

/* Four cells as one 64-bit word (any alignment), and back. */
static inline uint64_t cells4_load(const struct con_cell *c)
{
	uint64_t v;

	__builtin_memcpy(&v, c, sizeof(v));
	return v;
}

static inline void cells4_store(struct con_cell *c, uint64_t v)
{
	__builtin_memcpy(c, &v, sizeof(v));
}

/* Whether each of the four 16-bit cells of x is nonzero: x = old ^ new, all four change. */
static inline bool cells4_all_differ(uint64_t x)
{
	const uint64_t low15 = 0x7fff7fff7fff7fffull, high = ~low15;

	return ((((x & low15) + low15) | x) & high) == high;
}

/*
 * Make cells [from, to) of row equal src[from..to) (or blank when src is NULL). Each
 * run of consecutive changed cells is drawn with one draw_span() when the backend has it,
 * telling it the old content so it can skip pixels that stay the same. Cells are compared
 * and copied four at a time where they can: a scroll changes nearly every cell of a full
 * screen, and this loop runs for every one of them.
 */
static void term_set_row(struct term *t, unsigned row, unsigned from, unsigned to,
			 const struct con_cell *src, struct con_cell blank)
{
	struct con_cell *dst = &t->cells[(size_t)row * t->cols];
	struct con_cell old[TERM_SPAN_MAX];
	struct con_cell blanks[4] = { blank, blank, blank, blank };
	uint64_t blank4 = cells4_load(blanks);
	unsigned c = from, cols = to;

#define NEW1(i) (src ? src[i] : blank)
#define NEW4(i) (src ? cells4_load(src + (i)) : blank4)
	while (c < cols) {
		unsigned start, end;

		while (c + 4 <= cols && cells4_load(dst + c) == NEW4(c))
			c += 4;
		while (c < cols && cell_eq(dst[c], NEW1(c)))
			c++;
		if (c == cols)
			break;
		start = c;
		end = cols - start < TERM_SPAN_MAX ? cols : start + TERM_SPAN_MAX;
		while (c < end) {
			if (c + 4 <= end) {
				uint64_t was = cells4_load(dst + c), now = NEW4(c);

				if (cells4_all_differ(was ^ now)) {
					cells4_store(old + (c - start), was);
					cells4_store(dst + c, now);
					c += 4;
					continue;
				}
			}
			if (cell_eq(dst[c], NEW1(c)))
				break;
			old[c - start] = dst[c];
			dst[c] = NEW1(c);
			c++;
		}
		if (t->batched) {
			/* drawn at the end of the write (term_batch_end) */
		} else if (t->ops->draw_span) {
			t->ops->draw_span(t->ctx, start, row, dst + start, old, c - start);
		} else {
			for (unsigned k = start; k < c; k++)
				t->ops->draw(t->ctx, k, row, dst[k], false);
		}
	}
#undef NEW1
#undef NEW4
}

static bool term_cont(const struct term *t, unsigned row)
{
	return row < TERM_CONT_ROWS && t->row_cont[row];
}

static void term_set_cont(struct term *t, unsigned row, bool cont)
{
	if (row < TERM_CONT_ROWS)
		t->row_cont[row] = cont;
}

static void term_scroll(struct term *t)
{
	term_batch_begin(t);
	if (t->sb)
		scrollback_push(t->sb, t->cells, term_cont(t, 0));
	for (unsigned r = 0; r + 1 < t->rows; r++) {
		term_set_row(t, r, 0, t->cols, &t->cells[(size_t)(r + 1) * t->cols],
			     term_blank(t));
		term_set_cont(t, r, term_cont(t, r + 1));
	}
	term_set_row(t, t->rows - 1, 0, t->cols, NULL, term_blank(t));
	term_set_cont(t, t->rows - 1, false);
}

/* Cursor to the start of the next row; wrapped: the text goes on there (autowrap). */
static void term_newline_cont(struct term *t, bool wrapped)
{
	term_set_cont(t, t->cy, wrapped);
	t->cx = 0;
	if (t->cy + 1 < t->rows)
		t->cy++;
	else
		term_scroll(t);
}

static void term_newline(struct term *t)
{
	term_newline_cont(t, false);
}

/* Blank cells [from, to) of row with the current background. */
static void term_erase(struct term *t, unsigned row, unsigned from, unsigned to)
{
	term_set_row(t, row, from, to, NULL, term_blank(t));
}

/* Blank rows [from, to) whole: their text no longer goes on into the next row. */
static void term_erase_rows(struct term *t, unsigned from, unsigned to)
{
	for (unsigned r = from; r < to; r++) {
		term_erase(t, r, 0, t->cols);
		term_set_cont(t, r, false);
	}
}

static void term_put(struct term *t, uint8_t ch)
{
	if (t->cx >= t->cols)
		term_newline_cont(t, true);
	term_set(t, t->cx, t->cy, (struct con_cell){ ch, ansi_attr(&t->ansi) });
	t->cx++; /* may become cols: the wrap happens with the next character */
}

/* Characters CP437 lacks that have an obvious ASCII look-alike (as the Linux console's
 * fallback glyphs): the German layout types the acute accent itself, for one. */
static const struct {
	uint16_t cp;
	uint8_t ascii;
} term_lookalikes[] = {
	{ 0x00b4, '\'' }, /* acute accent */
	{ 0x2018, '\'' }, { 0x2019, '\'' }, /* single quotation marks */
	{ 0x201c, '"' }, { 0x201d, '"' },   /* double quotation marks */
	{ 0x2010, '-' }, { 0x2013, '-' }, { 0x2014, '-' }, /* hyphen, en and em dash */
};

/*
 * term_cp437_from_unicode - the CP437 byte for Unicode character cp, an ASCII look-alike
 * for a few it lacks, else '?'. Pure.
 */
uint8_t term_cp437_from_unicode(uint32_t cp)
{
	if (cp >= 0x20 && cp < 0x7f)
		return (uint8_t)cp;
	for (unsigned i = 0; i < 128; i++)
		if (console_cp437_unicode[i] == cp)
			return (uint8_t)(0x80 + i);
	for (unsigned i = 0; i < ARRAY_SIZE(term_lookalikes); i++)
		if (term_lookalikes[i].cp == cp)
			return term_lookalikes[i].ascii;
	return '?';
}

/* UTF-8 lead bytes, as the shell's input decoder (termkeys.c) reads them: 0xc0-0xdf start
 * 2-byte, 0xe0-0xef 3-byte, 0xf0-0xff 4-byte sequences; from 0xf5 none is a character. */
#define UTF8_LEAD_MIN 0xc0
#define UTF8_LEAD3_MIN 0xe0
#define UTF8_LEAD4_MIN 0xf0
#define UTF8_LEAD_MAX 0xf4 /* U+10FFFF is F4 8F BF BF */
#define UTF8_CONT_MASK 0xc0
#define UTF8_CONT 0x80
#define UNICODE_MAX 0x10ffff
#define UTF16_SURROGATE_MIN 0xd800
#define UTF16_SURROGATE_MAX 0xdfff
#define TERM_REPLACEMENT '?' /* U+FFFD, which CP437 lacks */

/* The least code point a sequence with 1, 2 or 3 continuation bytes may spell: anything
 * below it is an overlong form. */
static const uint32_t utf8_min[3] = { 0x80, 0x800, 0x10000 };

/* The sequence just completed is a character: not an overlong form (E0 80 A9 spells ')'),
 * no UTF-16 surrogate, nothing past U+10FFFF, no lead byte past F4. */
static bool term_utf8_valid(const struct term *t)
{
	uint32_t c = t->utf8_cp;

	return c >= t->utf8_min && (c < UTF16_SURROGATE_MIN || c > UTF16_SURROGATE_MAX) &&
	       c <= UNICODE_MAX;
}

/* A byte >= 0x80 of UTF-8 text. Whatever is no character shows as one U+FFFD: a complete
 * sequence that is none, a sequence cut short (by this byte), a continuation byte that no
 * lead byte announced. */
static void term_utf8(struct term *t, uint8_t ch)
{
	if (t->utf8_left) {
		if ((ch & UTF8_CONT_MASK) == UTF8_CONT) {
			t->utf8_cp = t->utf8_cp << 6 | (ch & 0x3f);
			if (--t->utf8_left == 0)
				term_put(t, term_utf8_valid(t) ? term_cp437_from_unicode(t->utf8_cp)
							       : TERM_REPLACEMENT);
			return;
		}
		t->utf8_left = 0;
		term_put(t, TERM_REPLACEMENT); /* truncated sequence */
	}
	if (ch >= UTF8_LEAD_MIN) {
		t->utf8_left = ch >= UTF8_LEAD4_MIN ? 3 : ch >= UTF8_LEAD3_MIN ? 2 : 1;
		t->utf8_cp = ch & (0x3fu >> t->utf8_left);
		/* F8 90 80 80 would spell U+10000: a lead past F4 never makes a character */
		t->utf8_min = ch > UTF8_LEAD_MAX ? UINT32_MAX : utf8_min[t->utf8_left - 1];
		return;
	}
	term_put(t, TERM_REPLACEMENT); /* a continuation byte without a lead */
}

static void term_control(struct term *t, uint8_t ch)
{
	switch (ch) {
	case ASCII_LF:
		if (t->write_lfs)
			t->write_lfs--; /* this one's: term_batch_begin asks for those after it */
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

void term_cursor_hide(struct term *t)
{
	if (!t->cursor_drawn)
		return;
	t->cursor_drawn = false;
	if (t->cx < t->cols && t->cy < t->rows)
		t->ops->draw(t->ctx, t->cx, t->cy, term_cell(t, t->cx, t->cy), false);
}

void term_cursor_show(struct term *t)
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

/* End a pending wrap (cx == cols): the cursor is on the last column, where a VT100 or
 * xterm has it, and the next character overwrites that column instead of wrapping. Cursor
 * moves and erases do this, as there. */
static void term_cancel_wrap(struct term *t)
{
	if (t->cx >= t->cols)
		t->cx = t->cols - 1;
}

/* ESC[nA/B/C/D: move the cursor n cells, stopping at the screen's edge, never scrolling.
 * A pending wrap ends first (term_cancel_wrap). */
static void term_cursor_move(struct term *t, enum ansi_action action, unsigned n)
{
	unsigned cx;

	term_cancel_wrap(t);
	cx = t->cx;

	switch (action) {
	case ANSI_CURSOR_UP:
		t->cy -= n < t->cy ? n : t->cy;
		break;
	case ANSI_CURSOR_DOWN:
		t->cy += n < t->rows - 1 - t->cy ? n : t->rows - 1 - t->cy;
		break;
	case ANSI_CURSOR_FORWARD:
		cx += n < t->cols - 1 - cx ? n : t->cols - 1 - cx;
		break;
	default: /* ANSI_CURSOR_BACK */
		cx -= n < cx ? n : cx;
		break;
	}
	t->cx = cx;
}

/*
 * The erases EL and ED (ansi.h): the cells ECMA-48 names, the cursor's cell included, take
 * the current background and the cursor stays where it is. A pending wrap ends first (as
 * in xterm, where every erase but ESC[3J resets the wrap flag): the cursor's cell is then
 * the last column. A row whose end is erased no longer continues on the next one (xterm
 * drops its wrap mark too), so the scrollback keeps the two apart. ESC[3J empties the
 * scrollback, as xterm erases its saved lines, and leaves the screen and a pending wrap as
 * they are.
 */
static void term_erase_action(struct term *t, enum ansi_action action)
{
	unsigned cx, cy = t->cy;

	if (action == ANSI_ERASE_SAVED) {
		if (t->sb)
			scrollback_clear(t->sb);
		return;
	}
	term_cancel_wrap(t);
	cx = t->cx;
	switch (action) {
	case ANSI_ERASE_BELOW: /* the rows below, then the cursor's row from the cursor on */
		term_erase_rows(t, cy + 1, t->rows);
		term_erase(t, cy, cx, t->cols);
		term_set_cont(t, cy, false);
		break;
	case ANSI_ERASE_EOL:
		term_erase(t, cy, cx, t->cols);
		term_set_cont(t, cy, false);
		break;
	case ANSI_ERASE_ABOVE: /* the rows above, then the cursor's row up to the cursor */
		term_erase_rows(t, 0, cy);
		term_erase(t, cy, 0, cx + 1);
		break;
	case ANSI_ERASE_BOL:
		term_erase(t, cy, 0, cx + 1);
		break;
	case ANSI_ERASE_LINE:
		term_erase_rows(t, cy, cy + 1);
		break;
	default: /* ANSI_CLEAR */
		term_erase_rows(t, 0, t->rows);
		break;
	}
}

/*
 * One byte of output. UTF-8 is read before the escape sequences, as terminals decode it:
 * an ASCII byte, an ESC too, cuts a character short (its U+FFFD then lands where the
 * character would have, before the sequence moves or erases anything), so no UTF-8
 * character is in progress inside a sequence, whose bytes from 0x80 ansi.c swallows.
 */
static void term_byte(struct term *t, uint8_t ch)
{
	enum ansi_action action;

	if (ch < 0x80 && t->utf8_left) {
		t->utf8_left = 0;
		term_put(t, TERM_REPLACEMENT);
	}
	action = ansi_feed(&t->ansi, ch);
	switch (action) {
	case ANSI_BYTE:
		if (ch >= 0x80) {
			term_utf8(t, ch);
			break;
		}
		if (ch < ASCII_SPACE || ch == ASCII_DEL)
			term_control(t, ch);
		else
			term_put(t, ch);
		break;
	case ANSI_CLEAR:
	case ANSI_ERASE_BELOW:
	case ANSI_ERASE_ABOVE:
	case ANSI_ERASE_SAVED:
	case ANSI_ERASE_EOL:
	case ANSI_ERASE_BOL:
	case ANSI_ERASE_LINE:
		term_erase_action(t, action);
		break;
	case ANSI_HOME:
		t->cx = 0;
		t->cy = 0;
		break;
	case ANSI_CURSOR_UP:
	case ANSI_CURSOR_DOWN:
	case ANSI_CURSOR_FORWARD:
	case ANSI_CURSOR_BACK:
		term_cursor_move(t, action, ansi_count(&t->ansi));
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
	if (!t->grouped) {
		term_batch_end(t);
		t->write_scrolls = 0;
	}
	term_view_reset(t);
	term_cursor_hide(t);
	if (t->shown && !t->grouped) /* term_batch_begin: will this write scroll again? */
		for (size_t i = 0; i < len; i++)
			t->write_lfs += s[i] == ASCII_LF;
	for (size_t i = 0; i < len; i++)
		term_byte(t, (uint8_t)s[i]);
	t->write_lfs = 0;
	if (!t->grouped)
		term_batch_end(t);
	if (!t->batched) /* batched: the cursor shows up with the drawing (term_flush) */
		term_cursor_show(t);
}

/*
 * term_clear - blank every cell with the current attribute and move the cursor home.
 */
void term_clear(struct term *t)
{
	term_batch_end(t);
	term_view_reset(t);
	term_cursor_hide(t);
	term_erase_rows(t, 0, t->rows);
	t->cx = 0;
	t->cy = 0;
	term_cursor_show(t);
}

/*
 * term_redraw - draw every cell from the grid, e.g. after the backend was (re)initialised.
 */
void term_redraw(struct term *t)
{
	t->view = 0;
	t->batched = false; /* every cell is drawn from the grid */
	for (unsigned r = 0; r < t->rows; r++) {
		if (t->ops->draw_span) { /* a row at a time; what the screen shows is unknown */
			t->ops->draw_span(t->ctx, 0, r, &t->cells[(size_t)r * t->cols], NULL, t->cols);
			continue;
		}
		for (unsigned c = 0; c < t->cols; c++)
			t->ops->draw(t->ctx, c, r, term_cell(t, c, r), false);
	}
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
	t->sb = NULL;
	t->view = 0;
	t->shown = NULL;
	t->batched = false;
	t->grouped = false;
	t->write_scrolls = 0;
	for (unsigned r = 0; r < TERM_CONT_ROWS; r++)
		t->row_cont[r] = false;
	ansi_init(&t->ansi, CON_ATTR_DEFAULT);
	t->utf8_left = 0;
	for (size_t i = 0; i < (size_t)cols * rows; i++)
		cells[i] = term_blank(t);
	term_redraw(t);
}
