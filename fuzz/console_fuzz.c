// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the console's terminal (src/drivers/console: term.c and term_diff.c
 * with the ANSI parser ansi.c, the scrollback ring scrollback.c and the pager's model
 * pager.c), fed what any program may print or the serial line may echo: arbitrary bytes.
 * The input's first bytes choose the screen (1x1 to 200x60 cells), the backend (cells one
 * by one or in spans, a hardware cursor or a drawn one, the cursor off), a batch grid, a
 * scrollback ring (none, or of 0-255 rows) and a seed for the rest; the bytes after them
 * are the text.
 *
 * Terminal A takes the text in writes cut at seeded points (empty ones, single bytes, long
 * runs), with scrollback views, groups, flushes, redraws, clears and the panic screen's
 * change of colours (term_set_default_attr) between them. After each step
 * the cursor is inside the grid (cx == cols only as the pending wrap), every cell is a
 * CP437 glyph (no control character, no DEL) with an attribute of the 16/8 colours, the
 * last row continues on no row, the ring holds no more rows than its size and the view is
 * within it; the spy screen shows exactly what the terminal says it shows (the grid; the
 * batch copy while batched; the ring's rows and then the grid's while scrolled back), no
 * draw fell outside it, every span's old cells were what it showed, and the cursor mark is
 * on the cursor's cell alone (the hardware cursor there, or hidden while scrolled back).
 *
 * Terminal B takes the same text in one write (cut only where A cleared or changed
 * colours, which B does there too), on the other backend with another ring: at the end
 * its grid, cursor, attribute, continuation flags, parser and UTF-8 state and the newest
 * rows of its ring equal A's (the parser and the decoder keep their state across writes;
 * how a screen is drawn changes nothing in RAM).
 *
 * Terminal P plays the console's pager (console_pager.c) over the text with the cursor
 * moves made harmless (the pager does not follow them: pager.c), one byte per write so the
 * rows it scrolls are counted: page after page, keys Space, Enter, q or one the pager
 * ignores, the "-- more --" prompt written and erased as the console does. After every
 * piece the pager takes, the terminal's cursor (the character still being decoded shown,
 * as a BEL does on a copy) is on the row the pager counts and in its column; where the
 * pager stops, the terminal needs the row after the page for the bytes held back; a
 * swallowed line end is one; the first page leaves the command line in sight.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ansi.h"
#include "pager.h"
#include "prng.h"
#include "scrollback.h"
#include "term.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_COLS 200
#define MAX_ROWS 60
#define MAX_RING 255 /* rows */
#define MAX_TEXT 8192
#define HEADER 8     /* cols, rows, flags, ring rows, seed (4) */
#define COUNT_RING 4 /* rows a single byte may scroll, at most 2, with room */
#define RING_BYTES(cap) ((cap) * (MAX_COLS * sizeof(struct con_cell) + 1))

/* header flags */
#define F_SPANS 0x01 /* the backend takes spans (draw_span) */
#define F_HW 0x02    /* the backend has a hardware cursor (move_cursor) */
#define F_BATCH 0x04 /* a batch grid is attached */
#define F_NOCURSOR 0x08
#define F_RING 0x10  /* A keeps a scrollback ring */
#define F_BYTES 0x20 /* A writes one byte at a time */
#define F_OPS 0x40   /* views, groups, flushes and redraws between A's writes */

static unsigned cols, rows;
static uint64_t rng;
static bool trace; /* FUZZ_CONSOLE_LOG=1: say each step on stderr */

static void say(const char *what, const char *s, size_t n)
{
	if (!trace)
		return;
	fprintf(stderr, "%s", what);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, " %02x", (uint8_t)s[i]);
	fprintf(stderr, "\n");
}

static void fail(const char *what)
{
	fprintf(stderr, "console broken on %ux%u: %s\n", cols, rows, what);
	abort();
}

/* The cell compares of the checks would swamp libFuzzer's comparison tracing: left out. */
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))

NO_COVERAGE static bool cell_eq(struct con_cell a, struct con_cell b)
{
	return a.ch == b.ch && a.attr == b.attr;
}

/* ------------------------------------------------------------------ the spy screen */

struct spy {
	struct con_cell cell[MAX_ROWS][MAX_COLS];
	bool mark[MAX_ROWS][MAX_COLS]; /* drawn with the cursor mark */
	bool hw;                       /* the backend has a hardware cursor */
	unsigned hw_col, hw_row;       /* where move_cursor put it (row == rows: hidden) */
};

static void spy_draw(void *ctx, unsigned col, unsigned row, struct con_cell c, bool cursor)
{
	struct spy *s = ctx;

	if (col >= cols || row >= rows)
		fail("a draw outside the screen");
	if (cursor && s->hw)
		fail("a cursor mark drawn on a screen with a hardware cursor");
	s->cell[row][col] = c;
	s->mark[row][col] = cursor;
}

NO_COVERAGE static void spy_draw_span(void *ctx, unsigned col, unsigned row,
				      const struct con_cell *cells, const struct con_cell *old,
				      unsigned n)
{
	struct spy *s = ctx;

	if (row >= rows || col >= cols || n == 0 || n > cols - col)
		fail("a span empty or outside the screen");
	for (unsigned i = 0; i < n; i++) {
		if (old && !cell_eq(old[i], s->cell[row][col + i]))
			fail("a span's old cells are not what the screen shows");
		s->cell[row][col + i] = cells[i];
		s->mark[row][col + i] = false;
	}
}

static void spy_move_cursor(void *ctx, unsigned col, unsigned row)
{
	struct spy *s = ctx;

	if (!(col < cols && row < rows) && !(col == 0 && row == rows))
		fail("the hardware cursor moved off the screen");
	s->hw_col = col;
	s->hw_row = row;
}

/* Indexed by F_SPANS | F_HW. */
static const struct con_backend_ops backends[4] = {
	{ .draw = spy_draw },
	{ .draw = spy_draw, .draw_span = spy_draw_span },
	{ .draw = spy_draw, .move_cursor = spy_move_cursor },
	{ .draw = spy_draw, .draw_span = spy_draw_span, .move_cursor = spy_move_cursor },
};

/* ------------------------------------------------------------------ terminals A and B */

struct rig {
	struct term t;
	struct spy spy;
	struct con_cell cells[MAX_ROWS * MAX_COLS];
	struct con_cell shown[MAX_ROWS * MAX_COLS]; /* the batch grid */
	struct scrollback sb;
	uint8_t ring[RING_BYTES(MAX_RING)];
};

static struct rig A, B;

/* A fresh terminal on a blank spy screen; ring_rows < 0: no scrollback. */
static void rig_start(struct rig *r, unsigned flags, int ring_rows)
{
	memset(&r->t, 0, sizeof(r->t)); /* the parser's unused fields too: compared whole */
	memset(&r->spy, 0, sizeof(r->spy));
	r->spy.hw = flags & F_HW;
	term_init(&r->t, r->cells, cols, rows, &backends[flags & (F_SPANS | F_HW)], &r->spy);
	if (flags & F_NOCURSOR) {
		r->t.cursor_enabled = false; /* as console.c does; the redraw takes the mark off */
		term_redraw(&r->t);
	}
	term_attach_batch(&r->t, flags & F_BATCH ? r->shown : NULL);
	if (ring_rows >= 0) {
		scrollback_init(&r->sb, r->ring, cols, (size_t)ring_rows);
		term_attach_scrollback(&r->t, &r->sb);
	}
}

NO_COVERAGE static void check_cells(const struct con_cell *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].ch < 0x20 || c[i].ch == 0x7f || c[i].attr >= 0x80)
			fail("a cell holds a control character or an attribute out of range");
}

/* Row r of what the screen must show: the batch copy while batched, else the view's. */
NO_COVERAGE static const struct con_cell *picture_row(const struct term *t, unsigned r)
{
	size_t held = t->sb ? t->sb->count : 0, v = held - t->view + r;

	if (t->batched)
		return &t->shown[(size_t)r * cols];
	return v < held ? scrollback_row(t->sb, v) : &t->cells[(v - held) * cols];
}

/* Everything a terminal promises between two calls (see the top). */
NO_COVERAGE static void check(const struct rig *r)
{
	const struct term *t = &r->t;
	const struct scrollback *sb = t->sb;
	bool live = t->view == 0 && !t->batched;
	bool mark = !r->spy.hw && live && t->cursor_enabled && t->cx < cols;

	if (t->cy >= rows || t->cx > cols)
		fail("the cursor is off the grid");
	for (unsigned row = rows - 1; row < TERM_CONT_ROWS; row++)
		if (t->row_cont[row])
			fail("the last row (or one past it) continues on the next");
	if (sb && (sb->count > sb->cap || (sb->cap && sb->head >= sb->cap)))
		fail("the ring holds more rows than its size");
	if (t->view > (sb ? sb->count : 0))
		fail("the view is scrolled back past what the ring holds");
	check_cells(t->cells, (size_t)cols * rows);
	for (unsigned row = 0; row < rows; row++) {
		const struct con_cell *want = picture_row(t, row);

		for (unsigned c = 0; c < cols; c++) {
			if (!cell_eq(r->spy.cell[row][c], want[c]))
				fail("the screen does not show what the terminal says it shows");
			if (r->spy.mark[row][c] != (mark && c == t->cx && row == t->cy))
				fail("the cursor mark is not on the cursor's cell alone");
		}
	}
	if (t->cursor_drawn != mark)
		fail("the terminal is wrong about the cursor mark it drew");
	if (r->spy.hw && t->cursor_enabled) {
		if (t->view && r->spy.hw_row != rows)
			fail("the hardware cursor shows on a scrolled-back view");
		if (live &&
		    (r->spy.hw_row != t->cy || r->spy.hw_col != (t->cx < cols ? t->cx : cols - 1)))
			fail("the hardware cursor is not at the cursor");
	}
}

/* The length of the next write or piece, at most left: empty, short or the rest. */
static size_t cut(size_t left)
{
	uint64_t k = prng_below(&rng, 16);
	size_t len = k == 0   ? 0
		     : k < 6  ? 1 + prng_below(&rng, 4)
		     : k < 14 ? 1 + prng_below(&rng, 64)
			      : left;

	return len < left ? len : left;
}

/* The steps between A's writes that change the grid, replayed on B at the same byte:
 * term_clear (attr 0x80) or term_set_default_attr(attr). */
#define MAX_EVENTS 64
#define EV_CLEAR 0x80
static struct event {
	size_t pos;
	unsigned attr;
} events[MAX_EVENTS];
static unsigned nevents;

static void apply(struct term *t, const struct event *ev)
{
	if (ev->attr == EV_CLEAR)
		term_clear(t);
	else
		term_set_default_attr(t, (uint8_t)ev->attr);
}

/* Something a console does between two writes (at byte pos of the text). */
static void between(struct rig *r, size_t pos)
{
	long delta;
	uint64_t op = prng_below(&rng, 12);

	if (trace && op < 9)
		fprintf(stderr, "A: between writes, step %u\n", (unsigned)op);
	switch (op) {
	case 0:
	case 1: /* Shift+PgUp and PgDn, a row or pages at a time */
		delta = (long)prng_below(&rng, 6 * rows + 1) - 3 * (long)rows;
		if (term_view_scroll(&r->t, delta) != r->t.view)
			fail("term_view_scroll returned another view than it shows");
		break;
	case 2: /* far beyond what any ring holds, either way */
		delta = (long)(prng_next(&rng) >> 2);
		term_view_scroll(&r->t, prng_below(&rng, 2) ? delta : -delta);
		break;
	case 3:
		term_group_begin(&r->t);
		break;
	case 4:
		term_flush(&r->t);
		break;
	case 5:
		term_group_end(&r->t);
		break;
	case 6:
		term_redraw(&r->t);
		break;
	case 7: /* the shell's clear, the panic screen's colours */
	case 8:
		if (nevents == MAX_EVENTS)
			return;
		events[nevents] = (struct event){ pos, op == 7 ? EV_CLEAR
							       : (unsigned)prng_below(&rng, 0x80) };
		apply(&r->t, &events[nevents++]);
		break;
	default:
		return;
	}
	check(r);
}

/* A, the text in pieces, checked after each write and each step between them. */
static void run_a(const char *s, size_t n, unsigned flags)
{
	size_t pos = 0;

	nevents = 0;
	check(&A);
	while (pos < n) {
		size_t len = flags & F_BYTES ? 1 : cut(n - pos);

		say("A: write", s + pos, len);
		term_write(&A.t, s + pos, len);
		pos += len;
		check(&A);
		if (flags & F_OPS)
			between(&A, pos);
	}
	term_group_end(&A.t);
	term_view_reset(&A.t);
	check(&A);
}

/* Rings a and b kept the same rows scrolled off, up to the size of each (ESC[3J empties
 * both at the same byte): as many rows as the smaller allows, the newest, equal. */
NO_COVERAGE static void compare_rings(const struct scrollback *a, const struct scrollback *b)
{
	size_t k = a->count < b->count ? a->count : b->count;

	if ((a->count < a->cap && b->count != (a->count < b->cap ? a->count : b->cap)) ||
	    (b->count < b->cap && a->count != (b->count < a->cap ? b->count : a->cap)))
		fail("two rings kept a different number of rows");
	for (size_t i = 0; i < k; i++) {
		size_t ia = a->count - k + i, ib = b->count - k + i;
		const struct con_cell *ra = scrollback_row(a, ia), *rb = scrollback_row(b, ib);

		check_cells(ra, cols);
		for (unsigned c = 0; c < cols; c++)
			if (!cell_eq(ra[c], rb[c]))
				fail("the rings kept different rows");
		if (scrollback_row_cont(a, ia) != scrollback_row_cont(b, ib))
			fail("the rings kept different continuation flags");
	}
}

/* The same bytes, cut anyhow and drawn anyhow, leave the same terminal in RAM. */
NO_COVERAGE static void compare(const struct term *a, const struct term *b)
{
	for (size_t i = 0; i < (size_t)cols * rows; i++)
		if (!cell_eq(a->cells[i], b->cells[i]))
			fail("the same bytes cut into other writes left another grid");
	if (a->cx != b->cx || a->cy != b->cy)
		fail("the same bytes cut into other writes left the cursor elsewhere");
	if (memcmp(a->row_cont, b->row_cont, sizeof(a->row_cont)))
		fail("the same bytes cut into other writes left other continued rows");
	if (memcmp(&a->ansi, &b->ansi, sizeof(a->ansi)))
		fail("the same bytes cut into other writes left the parser elsewhere");
	if (a->utf8_left != b->utf8_left ||
	    (a->utf8_left && (a->utf8_cp != b->utf8_cp || a->utf8_min != b->utf8_min)))
		fail("the same bytes cut into other writes left the UTF-8 decoder elsewhere");
	if (a->sb && b->sb)
		compare_rings(a->sb, b->sb);
}

/* ------------------------------------------------------------------ terminal P, paged */

static struct term P, Q; /* Q: a copy of P to look ahead on */
static struct con_cell p_cells[MAX_ROWS * MAX_COLS], q_cells[MAX_ROWS * MAX_COLS];
static struct scrollback p_sb, q_sb; /* count the rows P and Q scroll, a byte at a time */
static uint8_t p_ring[RING_BYTES(COUNT_RING)], q_ring[RING_BYTES(COUNT_RING)];
static unsigned long p_scrolls, q_scrolls;

static void null_draw(void *ctx, unsigned col, unsigned row, struct con_cell c, bool cursor)
{
	(void)ctx, (void)c, (void)cursor;
	if (col >= cols || row >= rows)
		fail("a draw outside the screen");
}

static const struct con_backend_ops null_ops = { .draw = null_draw };

/* Write s to t a byte at a time, adding the rows it scrolls to *scrolls. */
static void count_write(struct term *t, struct scrollback *sb, unsigned long *scrolls,
			const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		term_write(t, s + i, 1);
		if (sb->count >= COUNT_RING)
			fail("a byte scrolled more rows than the count allows");
		*scrolls += sb->count;
		scrollback_clear(sb);
	}
}

/* The row P's cursor is on, counted from the first; Q's the same way. */
static unsigned long p_row(void) { return p_scrolls + P.cy; }
static unsigned long q_row(void) { return q_scrolls + Q.cy; }

/* Q: a copy of P that shows what P still decodes (a BEL cuts it short). */
static void look_ahead(void)
{
	Q = P;
	memcpy(q_cells, p_cells, (size_t)cols * rows * sizeof(*q_cells));
	Q.cells = q_cells;
	scrollback_init(&q_sb, q_ring, cols, COUNT_RING);
	Q.sb = &q_sb;
	q_scrolls = p_scrolls;
	count_write(&Q, &q_sb, &q_scrolls, "\a", 1);
}

/* The text the pager can follow: the final byte of each cursor move (ESC[H, ESC[nA-D) made
 * one of no function, 'z', so the sequence still ends there. */
static void without_moves(const char *s, size_t n, char *out)
{
	struct ansi_parser ap;

	ansi_init(&ap, CON_ATTR_DEFAULT);
	for (size_t i = 0; i < n; i++) {
		enum ansi_action act = ansi_feed(&ap, (uint8_t)s[i]);

		out[i] = s[i];
		if (act == ANSI_HOME || act == ANSI_CURSOR_UP || act == ANSI_CURSOR_DOWN ||
		    act == ANSI_CURSOR_FORWARD || act == ANSI_CURSOR_BACK)
			out[i] = 'z';
	}
}

/* After a piece: the terminal's cursor is where the pager's model has it (its column but
 * on a full page, whose prompt puts it at column 0 of the next row). */
static void check_agrees(const struct pager *pg, unsigned long top, unsigned page_rows)
{
	look_ahead();
	if (trace)
		fprintf(stderr, "P: row %lu col %u, the pager's row %lu col %u%s\n", q_row(), Q.cx,
			top + (page_rows - pg->rows_left), pg->col, pg->full ? " (full)" : "");
	if (q_row() != top + (page_rows - pg->rows_left))
		fail("the pager counts another row than the terminal's cursor is on");
	if (!pg->full && Q.cx != pg->col)
		fail("the pager's column is not the terminal's");
}

/* The pager stopped before s[0..n): the terminal's cursor, when those bytes first move it,
 * goes to row next or beyond (one byte may put a U+FFFD and wrap again). */
static void check_stop(const char *s, size_t n, unsigned long next)
{
	unsigned long row;
	unsigned cx;

	look_ahead();
	row = q_row();
	cx = Q.cx;
	for (size_t i = 0; i < n; i++) {
		count_write(&Q, &q_sb, &q_scrolls, s + i, 1);
		if (q_row() == row && Q.cx == cx)
			continue;
		if (q_row() < next)
			fail("the pager stopped a page where the terminal has room for what follows");
		return;
	}
}

/* A key at the prompt: mostly Space, Enter now and then, rarely q or a key it ignores. */
static uint32_t pager_key_char(void)
{
	uint64_t k = prng_below(&rng, 16);

	return k == 0 ? 'q' : k == 1 ? 'x' : k < 6 ? '\r' : ' ';
}

/* The console's pager over s (see the top): pages, prompts and keys as console_pager.c. */
static void run_pager(const char *s, size_t n)
{
	struct pager pg;
	size_t pos = 0;
	unsigned long top; /* the page's first row */
	unsigned page_rows;
	bool first = true;

	memset(&P, 0, sizeof(P));
	term_init(&P, p_cells, cols, rows, &null_ops, NULL);
	scrollback_init(&p_sb, p_ring, cols, COUNT_RING);
	term_attach_scrollback(&P, &p_sb);
	p_scrolls = 0;
	count_write(&P, &p_sb, &p_scrolls, "\n", 1); /* the command line is row 0 */
	pager_start(&pg, cols, rows);
	if (rows < 3) {
		if (pager_take(&pg, s, n) != n || pg.full)
			fail("the pager stopped on a screen of fewer than 3 rows");
		return;
	}
	top = p_row();
	page_rows = pg.rows_left;
	for (;;) {
		enum pager_key_action act;

		while (pos < n && !pg.full) {
			size_t len = cut(n - pos), k = pager_take(&pg, s + pos, len);

			if (k > len || (k < len) != pg.full)
				fail("pager_take's count and its full flag disagree");
			say("P: piece", s + pos, k);
			count_write(&P, &p_sb, &p_scrolls, s + pos, k);
			pos += k;
			check_agrees(&pg, top, page_rows);
		}
		if (!pg.full)
			return;
		if (pos >= n)
			fail("the pager is full with nothing held back");
		check_stop(s + pos, n - pos, top + page_rows);
		if (pg.swallow_lf && s[pos] != '\n')
			fail("the pager swallows a line end that is none");
		if (n - pos <= pg.swallow_lf)
			return; /* only the line end is held: console_pager_end writes it */
		count_write(&P, &p_sb, &p_scrolls, PAGER_PROMPT_ON, sizeof(PAGER_PROMPT_ON) - 1);
		count_write(&P, &p_sb, &p_scrolls, PAGER_PROMPT, pager_prompt_len(cols));
		count_write(&P, &p_sb, &p_scrolls, PAGER_PROMPT_OFF, sizeof(PAGER_PROMPT_OFF) - 1);
		if (first && p_row() != P.cy)
			fail("the first page scrolled the command line off the screen");
		first = false;
		do
			act = pager_key(&pg, pager_key_char());
		while (act == PAGER_IGNORE && pg.full);
		if (act == PAGER_IGNORE)
			fail("an ignored key started a page");
		if (act == PAGER_QUIT)
			return;
		say(act == PAGER_PAGE ? "P: Space" : "P: Enter", NULL, 0);
		count_write(&P, &p_sb, &p_scrolls, PAGER_PROMPT_ERASE,
			    sizeof(PAGER_PROMPT_ERASE) - 1);
		pos += pg.swallow_lf;
		pg.swallow_lf = false;
		top = p_row();
		page_rows = pg.rows_left;
		check_agrees(&pg, top, page_rows);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char moveless[MAX_TEXT];
	unsigned flags;
	int ring_rows;
	const char *text = (const char *)data + HEADER;
	size_t n, from;

	if (size < HEADER)
		return 0;
	trace = getenv("FUZZ_CONSOLE_LOG");
	n = size - HEADER < MAX_TEXT ? size - HEADER : MAX_TEXT;
	cols = 1 + data[0] % MAX_COLS;
	rows = 1 + data[1] % MAX_ROWS;
	flags = data[2];
	ring_rows = flags & F_RING ? data[3] : -1;
	rng = prng_seed((uint64_t)data[4] | (uint64_t)data[5] << 8 | (uint64_t)data[6] << 16 |
			(uint64_t)data[7] << 24);

	rig_start(&A, flags, ring_rows);
	run_a(text, n, flags);

	/* B: the other backend, the other batch and cursor choice, another ring */
	rig_start(&B, flags ^ (F_SPANS | F_HW | F_BATCH | F_NOCURSOR),
		  (int)prng_below(&rng, MAX_RING + 1));
	from = 0;
	for (unsigned i = 0; i <= nevents; i++) { /* one write from event to event */
		size_t to = i < nevents ? events[i].pos : n;

		term_write(&B.t, text + from, to - from);
		if (i < nevents)
			apply(&B.t, &events[i]);
		from = to;
		check(&B);
	}
	compare(&A.t, &B.t);

	without_moves(text, n, moveless);
	run_pager(moveless, n);
	return 0;
}
