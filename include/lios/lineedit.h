/* SPDX-License-Identifier: MIT */
/*
 * The line editor under the shell (src/kernel/shell/lineedit.c): one line of text with a cursor,
 * edited by key events, and a history recalled with Up/Down. Pure: it draws by writing
 * characters through a callback and knows only three terminal controls, '\b' (cursor one
 * column left, not erasing), '\n' and plain characters overwriting in place, so it works on
 * the screen console and on any serial terminal alike. Compiled for the host too
 * (lios_host_shell) and tested there against a model terminal.
 */
#ifndef LIOS_LINEEDIT_H
#define LIOS_LINEEDIT_H

#include <lios/kbd.h>

#define LINEEDIT_MAX 72     /* characters per line: the prompt and a line fit 80 columns */
#define LINEEDIT_HISTORY 16 /* lines remembered */

/* Writes n bytes (UTF-8) to the terminal. */
typedef void (*lineedit_write_fn)(void *ctx, const char *s, size_t n);

enum lineedit_result {
	LINEEDIT_CONTINUE = 0, /* keep feeding keys */
	LINEEDIT_DONE,         /* Enter: the line is complete (lineedit_text) */
	LINEEDIT_CANCEL,       /* Ctrl-C: the line was dropped, "^C" and a new line written */
	LINEEDIT_CLEAR,        /* Ctrl-L: the caller clears the screen, prints the prompt and
			        * calls lineedit_redraw() */
};

struct lineedit_line {
	uint32_t c[LINEEDIT_MAX]; /* Unicode code points */
	size_t len;
};

struct lineedit {
	struct lineedit_line line;
	size_t cursor;                 /* 0..line.len */
	struct lineedit_line hist[LINEEDIT_HISTORY]; /* ring, oldest overwritten */
	size_t hist_count;             /* entries used, <= LINEEDIT_HISTORY */
	size_t hist_next;              /* slot the next entry goes to */
	size_t browse;                 /* 0: editing a new line; k: showing the k-th newest */
	struct lineedit_line draft;    /* the new line, kept while browsing the history */
	lineedit_write_fn write;
	void *ctx;
};

/* Set up an empty editor with an empty history, drawing through write(ctx, ...). Pure. */
void lineedit_init(struct lineedit *le, lineedit_write_fn write, void *ctx);
/* Start a new, empty line (after a prompt). Keeps the history. */
void lineedit_reset(struct lineedit *le);
/* Apply one key event (releases are ignored) and redraw what changed. */
enum lineedit_result lineedit_key(struct lineedit *le, const struct kbd_event *ev);
/* Write the whole line again and put the cursor back where it was (after a clear). */
void lineedit_redraw(struct lineedit *le);
/* The current line as UTF-8 in buf (terminated); returns its length in bytes. */
size_t lineedit_text(const struct lineedit *le, char *buf, size_t size);
/* Put a UTF-8 encoding of c into out (4 bytes room); returns the byte count. */
size_t lineedit_utf8(uint32_t c, char *out);

#endif
