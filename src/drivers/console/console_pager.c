// SPDX-License-Identifier: MIT
/*
 * The console's paging of a shell command's output: pager.c decides how much fits on the
 * page; this file holds back the rest (in one buffer of CONSOLE_HOLD_BYTES; more is
 * counted and dropped, serial and dmesg still have it), shows the "-- more --" prompt and
 * releases the held bytes page by page as the shell passes keys. console.c routes the
 * printk sink here while a command's output is paged (console.pg.active).
 *
 * The buffer is taken from the heap by the first console_pager_begin that gets one, in the
 * shell's thread before the command runs, and kept for every later command: the printk
 * sink never allocates nor frees, and a command line costs the heap nothing (taken and
 * given back per command, it was the kernel's most frequent heap call of 256 KiB, which
 * the heap mapped and unmapped each time: bench/heap/README.md, round 15). It grew
 * inside printk before, so a command's output reached the heap in the middle of what the
 * command did: the `selftest` command's heap tests counted the pager's buffer as theirs
 * (heap.misuse_is_refused failed on a 37-row screen), and a heap misuse report, printed
 * from inside the heap, came back into it.
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

/* Most output the pager holds back; more is dropped from the screen (serial has it). Four
 * times the log ring: `dmesg` whole, and the longest listings. */
#define CONSOLE_HOLD_BYTES (256u << 10)

/* Keep len bytes for the pager's next page; what does not fit in the buffer (none when
 * console_pager_begin could not have one) is counted and dropped (the serial log and dmesg
 * still have it). Allocates nothing: printk context. */
static void console_hold(const char *s, size_t len)
{
	struct console_paging *pg = &console.pg;

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
	term_write(&console.term, PAGER_PROMPT_ON, sizeof(PAGER_PROMPT_ON) - 1);
	term_write(&console.term, PAGER_PROMPT, pager_prompt_len(console.term.cols));
	term_write(&console.term, PAGER_PROMPT_OFF, sizeof(PAGER_PROMPT_OFF) - 1);
	term_flush(&console.term); /* a batch's page is drawn before it waits for a key */
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

/* Drop what the pager holds (its buffer is kept) and stop paging. Thread context (from
 * console_pager_begin, _end and _key: never from the printk sink). */
static void console_pager_stop(void)
{
	console.pg.active = false;
	console.pg.held_len = 0;
	console.pg.prompt_shown = false;
}

/*
 * console_pager_begin - page the screen output from now on (a shell command starts, the
 * cursor at the start of a row). No-op without a screen or with console.pager=off. Takes
 * the hold buffer the first time it can (see the top); without one only a page is shown,
 * the rest dropped. Thread context.
 */
void console_pager_begin(void)
{
	uint64_t irq;
	char *buf = NULL;

	if (console.backend == CONSOLE_SERIAL || console.pager_off)
		return;
	if (!console.pg.held) /* only this thread sets it */
		buf = heap_alloc(CONSOLE_HOLD_BYTES); /* with interrupts on: here, not in printk */
	irq = arch_irq_save();
	console_pager_stop(); /* the last command's paging, if a key never ended it */
	if (buf) {
		console.pg.held = buf;
		console.pg.held_cap = CONSOLE_HOLD_BYTES;
	}
	pager_start(&console.pg.p, console.term.cols, console.term.rows);
	console.pg.active = true;
	console.pg.ended = false;
	console.pg.dropped = 0;
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

	if (console.batch_depth) { /* a batch the command left open ends with it */
		console.batch_depth = 1;
		console_batch_end();
	}
	if (pg->active) {
		pg->ended = true;
		if (!pg->prompt_shown && console.busy) {
			console_pager_stop(); /* inside a draw (a fault in a write): nothing drawn */
		} else if (!pg->prompt_shown) {
			/* only the line end the page stopped at is held; or, without a hold
			 * buffer, the page is full and the rest was dropped: the count that
			 * says so goes on a row of its own. Drawn under busy, as every draw:
			 * an NMI's message must not draw into it. */
			console.busy = true;
			if (pg->held_len || pg->p.full)
				term_write(&console.term, "\n", 1);
			console_pager_finish();
			console.busy = false;
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
