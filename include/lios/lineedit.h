/* SPDX-License-Identifier: MIT */
/*
 * The line editor under the shell (layer: top; src/kernel/shell/lineedit.c): one line of
 * up to LINEEDIT_MAX characters with a cursor, edited by key events, and a history recalled
 * with Up/Down. Pure: no hardware, no globals; compiled for the host too (lios_host_shell)
 * and tested there against a model terminal.
 *
 * Views: the line is drawn on up to LINEEDIT_VIEWS terminals at once (the screen console
 * and a serial terminal), each through its own write callback and with its own width, so a
 * line longer than a row wraps correctly on both. A view may also give its height: a line
 * then holds no more characters than fit on that screen below the prompt, since the
 * relative cursor moves cannot reach a row scrolled off its top. Drawing uses plain characters, CR, LF,
 * BS and the VT100 cursor moves ESC[nA/B/C/D, which both the console and any serial
 * terminal understand. A row boundary is always crossed with an explicit CR LF, never left
 * to the terminal's own wrap, so a terminal wider than its view's width still shows the
 * line in the same rows.
 *
 * Memory: the history's lines are UTF-8 strings from the alloc/free callbacks given to
 * lineedit_init (the kernel passes heap_alloc/heap_free); the line being edited lives in
 * struct lineedit.
 */
#ifndef LIOS_LINEEDIT_H
#define LIOS_LINEEDIT_H

#include <lios/kbd.h>

#define LINEEDIT_MAX 1024     /* characters per line */
#define LINEEDIT_HISTORY 64   /* lines remembered */
#define LINEEDIT_VIEWS 2      /* terminals the line is drawn on */
#define LINEEDIT_UTF8_MAX (LINEEDIT_MAX * 4 + 1) /* bytes of a line as UTF-8, terminated */

/* Writes n bytes (UTF-8 and the controls above) to one terminal. */
typedef void (*lineedit_write_fn)(void *ctx, const char *s, size_t n);
typedef void *(*lineedit_alloc_fn)(size_t size);
typedef void (*lineedit_free_fn)(void *p);

enum lineedit_result {
	LINEEDIT_CONTINUE = 0, /* keep feeding keys */
	LINEEDIT_DONE,         /* Enter: the line is complete (lineedit_text) */
	LINEEDIT_CANCEL,       /* Ctrl-C: the line was dropped, "^C" and a new line written */
	LINEEDIT_CLEAR,        /* Ctrl-L: the caller clears the screen and calls
				* lineedit_resume() */
	LINEEDIT_TAB,          /* Tab: the caller may complete (lineedit_insert) */
	LINEEDIT_FULL,         /* a character was refused: the line holds
				* lineedit_capacity() characters; a bell was written;
				* returned once per line, later refusals only ring the bell */
};

struct lineedit_line {
	uint32_t c[LINEEDIT_MAX]; /* Unicode code points */
	size_t len;
};

struct lineedit_view {
	lineedit_write_fn write;
	void *ctx;
	unsigned cols; /* terminal width in columns */
	unsigned rows; /* terminal height in rows; 0: unbounded (a scrolling serial terminal) */
};

struct lineedit {
	struct lineedit_line line;
	size_t cursor;                 /* 0..line.len */
	struct lineedit_view views[LINEEDIT_VIEWS];
	unsigned nviews;
	const char *prompt;            /* ASCII, shown before the line */
	size_t prompt_cols;
	char *hist[LINEEDIT_HISTORY];  /* ring of UTF-8 lines (alloc), oldest overwritten */
	size_t hist_count;             /* entries used, <= LINEEDIT_HISTORY */
	size_t hist_next;              /* slot the next entry goes to */
	size_t browse;                 /* 0: editing a new line; k: showing the k-th newest */
	struct lineedit_line draft;    /* the new line, kept while browsing the history */
	bool refused;                  /* LINEEDIT_FULL was returned for this line */
	lineedit_alloc_fn alloc;
	lineedit_free_fn free;
};

/* Set up an editor with no views and an empty history whose lines come from alloc (NULL:
 * no history). Pure. */
void lineedit_init(struct lineedit *le, lineedit_alloc_fn alloc, lineedit_free_fn free);
/* Draw on one more terminal, cols wide (0 or a width not wider than the prompt: treated
 * as very wide, no wrapping) and rows high (0: unbounded). Returns 0, or -1 when
 * LINEEDIT_VIEWS are in use. */
int lineedit_add_view(struct lineedit *le, lineedit_write_fn write, void *ctx, unsigned cols,
		      unsigned rows);
/* The most characters the current line may hold: LINEEDIT_MAX, or fewer when a view's
 * screen has fewer cells after the prompt (the cursor past the last one must fit too). */
size_t lineedit_capacity(const struct lineedit *le);
/* Forget the history, giving its lines back. */
void lineedit_free_history(struct lineedit *le);

/* Start a new, empty line: write prompt (ASCII; kept, not copied) on every view. */
void lineedit_start(struct lineedit *le, const char *prompt);
/* Apply one key event (releases are ignored) and redraw what changed. */
enum lineedit_result lineedit_key(struct lineedit *le, const struct kbd_event *ev);
/* Insert UTF-8 text at the cursor (completion). Returns 0, or -1 when it did not all fit
 * (what fits is inserted, the bell rung). */
int lineedit_insert(struct lineedit *le, const char *utf8);
/* Ring the bell on every view (BEL). */
void lineedit_bell(struct lineedit *le);
/* On the views in 'views' (bit i: view i), leave the line's rows (cursor to a fresh row
 * below it) so others can print; then lineedit_resume() with the same views draws the
 * prompt and the line again there, the cursor where it was. Other views are untouched (a
 * message shown on one view only must not leave an empty prompt row on the others). */
#define LINEEDIT_ALL_VIEWS (~0u)
void lineedit_suspend(struct lineedit *le, unsigned views);
void lineedit_resume(struct lineedit *le, unsigned views);

/* The current line as UTF-8 in buf (terminated); returns its length in bytes. */
size_t lineedit_text(const struct lineedit *le, char *buf, size_t size);
/* The part before the cursor, likewise. */
size_t lineedit_text_before_cursor(const struct lineedit *le, char *buf, size_t size);
/* Put a UTF-8 encoding of c into out (4 bytes room); returns the byte count. */
size_t lineedit_utf8(uint32_t c, char *out);

#endif
