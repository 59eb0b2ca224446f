// SPDX-License-Identifier: MIT
/*
 * The console's paging of a shell command's output: pager.c decides how much fits on the
 * page; this file holds back the rest (on the heap, up to CONSOLE_HOLD_MAX bytes; more is
 * counted and dropped, serial and dmesg still have it), shows the "-- more --" prompt and
 * releases the held bytes page by page as the shell passes keys. console.c routes the
 * printk sink here while a command's output is paged (console.pg.active).
 *
 * Concurrency: as console.c; every entry point runs with interrupts off and the
 * console.busy flag guards the terminal against reentry.
 */
#include <lios/arch.h>
#include <lios/console.h>
#include <lios/heap.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "console_priv.h"

/* Most output the pager holds back; more is dropped from the screen (serial has it). */
#define CONSOLE_HOLD_MAX (1u << 20)
#define CONSOLE_HOLD_MIN 4096
#define PAGER_PROMPT_SHOW "\033[30;47m" PAGER_PROMPT "\033[0m"
#define PAGER_PROMPT_ERASE "\r\033[K"

/* Keep len bytes for the pager's next page; what does not fit in CONSOLE_HOLD_MAX is
 * counted and dropped (the serial log and dmesg still have it). */
static void console_hold(const char *s, size_t len)
{
	struct console_paging *pg = &console.pg;

	if (pg->held_len + len > pg->held_cap) {
		size_t cap = pg->held_cap ? pg->held_cap : CONSOLE_HOLD_MIN;
		char *bigger;

		while (cap < pg->held_len + len && cap < CONSOLE_HOLD_MAX)
			cap *= 2;
		bigger = cap > pg->held_cap ? heap_realloc(pg->held, cap) : NULL;
		if (bigger) {
			pg->held = bigger;
			pg->held_cap = cap;
		}
	}
	if (pg->held_len + len > pg->held_cap) {
		pg->dropped += pg->held_len + len - pg->held_cap;
		len = pg->held_cap - pg->held_len;
	}
	memcpy(pg->held + pg->held_len, s, len);
	pg->held_len += len;
}

/* The prompt is due once something beyond a swallowed line end waits. */
static void console_pager_prompt(void)
{
	struct console_paging *pg = &console.pg;

	if (pg->prompt_shown || pg->held_len <= (size_t)pg->p.swallow_lf)
		return;
	term_write(&console.term, "\n" PAGER_PROMPT_SHOW, sizeof("\n" PAGER_PROMPT_SHOW) - 1);
	pg->prompt_shown = true;
}

/*
 * console_pager_show - show s through the pager (console.pg.active, console.busy held by
 * the caller): what fits on the page is written, the rest is held for the next key.
 */
void console_pager_show(const char *s, size_t len)
{
	struct console_paging *pg = &console.pg;
	size_t n = pg->held_len ? 0 : pager_take(&pg->p, s, len);

	if (n)
		term_write(&console.term, s, n);
	if (n < len) {
		console_hold(s + n, len - n);
		console_pager_prompt();
	}
}

/* Drop what the pager holds and stop paging. */
static void console_pager_stop(void)
{
	console.pg.active = false;
	console.pg.held_len = 0;
	console.pg.prompt_shown = false;
	if (console.pg.held_cap > CONSOLE_HOLD_MIN) { /* a long output: give the memory back */
		heap_free(console.pg.held);
		console.pg.held = NULL;
		console.pg.held_cap = 0;
	}
}

/*
 * console_pager_begin - page the screen output from now on (a shell command starts, the
 * cursor at the start of a row). No-op without a screen or with console.pager=off.
 * Thread context.
 */
void console_pager_begin(void)
{
	uint64_t irq = arch_irq_save();

	if (console.backend != CONSOLE_SERIAL && !console.pager_off) {
		console_pager_stop();
		pager_start(&console.pg.p, console.term.cols, console.term.rows);
		console.pg.active = true;
		console.pg.ended = false;
		console.pg.dropped = 0;
	}
	arch_irq_restore(irq);
}

/* The rest of the output is on the screen (or dropped): paging ends. */
static void console_pager_finish(void)
{
	struct console_paging *pg = &console.pg;
	uint64_t dropped = pg->dropped;

	console_pager_stop();
	if (dropped) {
		char msg[80];
		int n = ksnprintf(msg, sizeof(msg), "[%lu bytes not shown: see dmesg]\n", dropped);

		term_write(&console.term, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	}
}

/* Show as much of the held output as the page allows; finish when all is shown. */
static void console_pager_release(void)
{
	struct console_paging *pg = &console.pg;
	size_t skip = pg->p.swallow_lf && pg->held_len ? 1 : 0;
	size_t n;

	pg->p.swallow_lf = false;
	n = pager_take(&pg->p, pg->held + skip, pg->held_len - skip);
	if (n)
		term_write(&console.term, pg->held + skip, n);
	n += skip;
	memmove(pg->held, pg->held + n, pg->held_len - n);
	pg->held_len -= n;
	if (pg->held_len)
		console_pager_prompt();
	else if (pg->ended)
		console_pager_finish();
}

/*
 * console_pager_end - the command returned. When output is held, the prompt stays and the
 * shell passes keys (console_pager_key) until console_pager_waiting() is false. A page
 * that ended exactly at a line end gets that line end now. Thread context.
 */
void console_pager_end(void)
{
	uint64_t irq = arch_irq_save();
	struct console_paging *pg = &console.pg;

	if (pg->active) {
		pg->ended = true;
		if (!pg->prompt_shown) {
			if (pg->held_len) /* only the line end the page stopped at */
				term_write(&console.term, "\n", 1);
			console_pager_finish();
		}
	}
	arch_irq_restore(irq);
}

/*
 * console_pager_waiting - "-- more --" is shown and waits for a key. Any context.
 */
bool console_pager_waiting(void)
{
	return console.pg.active && console.pg.prompt_shown;
}

/*
 * console_pager_key - a key typed at "-- more --" (its character): Space a page, Enter a
 * row, q or Ctrl-C drops the rest; other keys are ignored. Thread context.
 */
void console_pager_key(uint32_t ch)
{
	uint64_t irq = arch_irq_save();
	struct console_paging *pg = &console.pg;
	enum pager_key_action act;

	if (!console_pager_waiting() || console.busy)
		goto out;
	act = pager_key(&pg->p, ch);
	if (act == PAGER_IGNORE)
		goto out;
	console.busy = true;
	term_write(&console.term, PAGER_PROMPT_ERASE, sizeof(PAGER_PROMPT_ERASE) - 1);
	pg->prompt_shown = false;
	if (act == PAGER_QUIT) {
		pg->dropped = 0;
		console_pager_finish(); /* the rest stays on serial and in dmesg */
	} else {
		console_pager_release();
	}
	console.busy = false;
out:
	arch_irq_restore(irq);
}
