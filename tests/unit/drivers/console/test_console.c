// SPDX-License-Identifier: MIT
/*
 * The screen console's entry points (console.c, console_pager.c) on a spy backend: a
 * screen that records each cell it is asked to draw, with the cursor mark, and can play
 * an NMI that prints in the middle of a draw (its printk reaches console_sink, as on the
 * machine). The terminal is not reentrant: a draw begun inside another's draw writes into
 * a half-done one, a glitch on the screen (a cursor mark left behind, a row drawn twice
 * from stale state). Every entry point that draws therefore holds console.busy, so the
 * console drops such a message (serial and the log keep it).
 *
 * The spy checks two things: no draw starts while another is in progress, and at the end
 * the spy's screen shows exactly the terminal's grid, the cursor mark only at the cursor.
 */
#include <stdlib.h>
#include <string.h>
#include <lios/console.h>
#include <lios/heap.h>
#include <lios/printk.h>
#include <lios/serial.h>
#include <lios/vmalloc.h>
#include "console_priv.h"
#include "../../unit.h"

#define COLS 20
#define ROWS 8
#define NMI_MESSAGE "nmi: NMI of no chipset source; going on\n"

/* ------------------------------------------------------------ what console.c calls */

void serial_write(const char *s, size_t len) { (void)s, (void)len; }
void *heap_alloc(size_t size) { return malloc(size); }
void *heap_calloc(size_t n, size_t size) { return calloc(n, size); }
void *ioremap(paddr_t phys, size_t size, unsigned cache)
{
	(void)phys, (void)size, (void)cache;
	return NULL;
}
void iounmap(void *p) { (void)p; }

/* ------------------------------------------------------------ the spy screen */

static struct {
	struct con_cell cell[ROWS][COLS];
	bool cursor[ROWS][COLS];
	unsigned depth, max_depth; /* draws in progress now, and at most */
	bool armed;                /* the next draw is interrupted by an NMI that prints */
	bool fired;                /* that NMI happened */
} spy;

static void spy_draw(void *ctx, unsigned col, unsigned row, struct con_cell cell, bool cursor)
{
	(void)ctx;
	CHECK(col < COLS && row < ROWS);
	if (++spy.depth > spy.max_depth)
		spy.max_depth = spy.depth;
	if (spy.armed) { /* the NMI arrives before the cell is stored */
		spy.armed = false;
		spy.fired = true;
		printk(NMI_MESSAGE);
	}
	spy.cell[row][col] = cell;
	spy.cursor[row][col] = cursor;
	spy.depth--;
}

static const struct con_backend_ops spy_ops = { .draw = spy_draw };

static struct con_cell cells[ROWS * COLS];
static struct con_cell shown[ROWS * COLS];

/* A fresh console on the spy screen, no batch grid, the pager's buffer kept. */
static void setup(void)
{
	char *held = console.pg.held;
	size_t held_cap = console.pg.held_cap;

	memset(&console, 0, sizeof(console));
	memset(&spy, 0, sizeof(spy));
	console.backend = CONSOLE_FB;
	console.pg.held = held;
	console.pg.held_cap = held_cap;
	term_init(&console.term, cells, COLS, ROWS, &spy_ops, NULL);
}

/* The spy's screen equals the grid, the cursor mark drawn only where the cursor is. */
static void check_screen_is_grid(void)
{
	const struct term *t = &console.term;
	unsigned bad = 0;

	for (unsigned r = 0; r < ROWS; r++)
		for (unsigned c = 0; c < COLS; c++) {
			struct con_cell want = term_cell(t, c, r);
			bool cursor = t->cursor_drawn && c == t->cx && r == t->cy;

			bad += spy.cell[r][c].ch != want.ch || spy.cell[r][c].attr != want.attr ||
			       spy.cursor[r][c] != cursor;
		}
	CHECK_EQ(bad, 0u);
}

/* True when the grid holds text anywhere. */
static bool grid_has(const char *text)
{
	size_t n = strlen(text);

	for (unsigned r = 0; r < ROWS; r++)
		for (unsigned c = 0; c + n <= COLS; c++) {
			size_t k = 0;

			while (k < n && term_cell(&console.term, c + k, r).ch == (uint8_t)text[k])
				k++;
			if (k == n)
				return true;
		}
	return false;
}

/*
 * A command's output fills the first page exactly: 6 lines on 8 rows, the last line end
 * held (the page ended on it), no "-- more --". console_pager_end draws that line end,
 * and an NMI prints during the draw. Expected: the NMI's message is not drawn inside the
 * draw (no draw begins in another; the message is dropped from the screen), the screen
 * shows the grid with one cursor, and paging has ended.
 */
static void pager_end_draws_under_busy(void)
{
	setup();
	console_pager_begin();
	CHECK(console.pg.active);
	for (unsigned i = 1; i <= ROWS - 2; i++)
		printk("output line %u\n", i);
	/* the scenario: only the page's last line end is held, no prompt */
	CHECK_EQ(console.pg.held_len, 1u);
	CHECK(!console_pager_waiting());

	spy.armed = true;
	console_pager_end();
	CHECK(spy.fired);
	CHECK_EQ(spy.max_depth, 1u);
	CHECK(!grid_has("nmi:"));
	check_screen_is_grid();
	CHECK(!console.pg.active);
	CHECK(!console.busy);
	CHECK_EQ(console.term.cy, ROWS - 2); /* the held line end moved the cursor down */
}

/*
 * The same page, but console_pager_end is reached while a draw is in progress (busy: a
 * fault inside a write). Expected: nothing is drawn, paging ends, busy stays the draw's.
 */
static void pager_end_inside_a_draw_draws_nothing(void)
{
	setup();
	console_pager_begin();
	for (unsigned i = 1; i <= ROWS - 2; i++)
		printk("output line %u\n", i);
	CHECK_EQ(console.pg.held_len, 1u);

	spy.armed = true; /* any draw would fire it */
	console.busy = true;
	console_pager_end();
	CHECK(!spy.fired);
	CHECK(!console.pg.active);
	CHECK(console.busy);
	console.busy = false;
	CHECK_EQ(console.term.cy, ROWS - 3); /* the held line end was not drawn */
}

/*
 * A batch (console_batch_begin) whose end came while a write was in progress (busy: a
 * fault inside a draw) is left undrawn: the screen still shows the batch grid's copy. The
 * next console_batch_begin draws it first, and an NMI prints during that draw. Expected:
 * no draw begins inside another, the NMI's message is dropped from the screen, and after
 * the batch's end the screen shows the grid with one cursor.
 */
static void batch_begin_draws_under_busy(void)
{
	setup();
	term_attach_batch(&console.term, shown);
	console_batch_begin();
	for (unsigned i = 1; i <= ROWS + 2; i++)
		printk("batched line %u\n", i);
	CHECK(console.term.batched); /* scrolled inside the group: not drawn yet */
	console.busy = true;
	console_batch_end();
	console.busy = false;
	/* the scenario: the batch's drawing is still due, outside any group */
	CHECK(console.term.batched && !console.term.grouped);

	spy.armed = true;
	console_batch_begin();
	CHECK(spy.fired);
	CHECK_EQ(spy.max_depth, 1u);
	CHECK(!console.busy);
	console_batch_end();
	CHECK(!grid_has("nmi:"));
	check_screen_is_grid();
	CHECK(!console.term.batched && !console.term.grouped);
}

int main(void)
{
	CHECK_EQ(printk_add_sink(console_sink, false), 0);
	RUN(pager_end_draws_under_busy);
	RUN(pager_end_inside_a_draw_draws_nothing);
	RUN(batch_begin_draws_under_busy);
	return unit_summary();
}
