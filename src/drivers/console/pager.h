/* SPDX-License-Identifier: MIT */
/*
 * The console's pager: decides how much of a command's output fits on the screen before
 * the user must press a key ("-- more --"). Pure C, compiled for the host too: it models
 * the terminal's cursor column (line wrap, \n \r \t \b, escape sequences and UTF-8
 * continuation bytes take no room, as term.c and ansi.c read them, hostile bytes included;
 * the erases of cells, ESC[nK and ESC[nJ but ESC[3J, end a pending wrap) and counts rows;
 * console.c holds back what does not fit and draws the prompt.
 *
 * Rows: a page is rows - 1 rows of text and the prompt row; the first page is one row
 * shorter so the command line stays in sight. Keys at the prompt: Space shows the next
 * page, Enter one more row, q (or Ctrl-C) drops the rest.
 */
#ifndef CONSOLE_PAGER_H
#define CONSOLE_PAGER_H

#include <lios/types.h>

#define PAGER_PROMPT "-- more --"
/* What the console writes around it (console_pager.c; console_fuzz plays the same bytes):
 * a new row in black on grey, the colours back after it, and its erase. */
#define PAGER_PROMPT_ON "\n\033[30;47m"
#define PAGER_PROMPT_OFF "\033[0m"
#define PAGER_PROMPT_ERASE "\r\033[K"

/* How much of PAGER_PROMPT a screen of cols columns shows: all of it, or as much as fits
 * one row (a prompt that wrapped would scroll a row of the page off before it is read, and
 * its erase, which clears one row, would leave the rest). */
static inline size_t pager_prompt_len(unsigned cols)
{
	return cols < sizeof(PAGER_PROMPT) - 1 ? cols : sizeof(PAGER_PROMPT) - 1;
}

enum pager_key_action {
	PAGER_IGNORE, /* not a pager key: keep waiting */
	PAGER_PAGE,   /* Space: a full page more */
	PAGER_LINE,   /* Enter: one row more */
	PAGER_QUIT,   /* q, Ctrl-C: drop the rest of the output */
};

struct pager {
	unsigned cols;      /* screen columns */
	unsigned rows;      /* screen rows */
	unsigned col;       /* cursor column of the model; cols means "wrap before the next" */
	unsigned rows_left; /* rows that may still receive text, the cursor's row included */
	uint8_t esc;        /* 0, or inside an escape sequence: 1 after ESC, 2 in CSI */
	uint16_t csi_first; /* in CSI: its first parameter so far (0 absent, saturated) */
	bool csi_next;      /* in CSI: a ';' or ':' ended the first parameter */
	uint8_t csi_marker; /* in CSI: its private marker ('<' '=' '>' '?'), or 0 */
	bool csi_intermediate; /* in CSI: it has an intermediate byte (0x20-0x2f) */
	uint8_t utf8_left;  /* UTF-8 continuation bytes the last lead byte still expects */
	bool full;          /* the page is full: the rest waits for a key */
	bool swallow_lf;    /* full at a '\n': the prompt's own newline stands for it */
};

/* A new page model for a cols x rows screen, cursor at column 0 of the row after the
 * command line. rows >= 3 for paging to make sense (fewer: never full). Pure. */
void pager_start(struct pager *p, unsigned cols, unsigned rows);

/* How many of the n bytes at s may be shown now; when fewer than n, the page is full
 * (p->full) and s[returned] is the first byte to hold back. Pure. */
size_t pager_take(struct pager *p, const char *s, size_t n);

/* What key character ch does at the prompt; PAGER_PAGE and PAGER_LINE start the next
 * page (p->full cleared). Pure. */
enum pager_key_action pager_key(struct pager *p, uint32_t ch);

#endif
