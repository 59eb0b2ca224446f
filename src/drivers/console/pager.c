// SPDX-License-Identifier: MIT
/*
 * The pager's state machine (see pager.h): a model of the cursor column, fed the bytes of
 * a command's output, stopping where the next byte would need a row the page does not
 * have. It mirrors term.c's rules (wrap happens at the next character after the last
 * column, \t stops at the last column, \b stays on its row) so it agrees with the screen.
 */
#include "pager.h"

#define ASCII_BS 0x08
#define ASCII_TAB 0x09
#define ASCII_LF 0x0a
#define ASCII_CR 0x0d
#define ASCII_ESC 0x1b
#define ASCII_CTRL_C 0x03
#define PAGER_TAB_WIDTH 8
#define CSI_FINAL_MIN 0x40 /* ECMA-48: a CSI ends with a byte in 0x40-0x7e */
#define CSI_FINAL_MAX 0x7e
#define UTF8_CONT_MIN 0x80
#define UTF8_CONT_MAX 0xbf

/*
 * pager_start - model a cols x rows screen with the cursor at column 0 of the first row
 * after the command line; the first page leaves that line in sight. Pure.
 */
void pager_start(struct pager *p, unsigned cols, unsigned rows)
{
	p->cols = cols ? cols : 1;
	p->rows = rows;
	p->col = 0;
	p->rows_left = rows >= 3 ? rows - 2 : 0; /* 0: paging off */
	p->esc = 0;
	p->full = false;
	p->swallow_lf = false;
}

/* An escape-sequence byte; true when the byte belongs to a sequence (takes no room). */
static bool pager_escape(struct pager *p, uint8_t b)
{
	if (p->esc == 1) {
		p->esc = b == '[' ? 2 : 0;
		return true;
	}
	if (p->esc == 2) {
		if (b >= CSI_FINAL_MIN && b <= CSI_FINAL_MAX)
			p->esc = 0;
		return true;
	}
	if (b == ASCII_ESC) {
		p->esc = 1;
		return true;
	}
	return false;
}

/* The page has no row for what comes next: stop there. The prompt is drawn on a new row,
 * so the model's cursor is at column 0 when the output resumes. */
static void pager_stop(struct pager *p, bool at_lf)
{
	p->full = true;
	p->swallow_lf = at_lf;
	p->col = 0;
}

/*
 * pager_take - the number of bytes of s[0..n) that fit on the page. Stops before a '\n' or
 * before a character that would wrap when the cursor is on the page's last row. Paging
 * off (fewer than 3 rows) takes everything. Pure.
 */
size_t pager_take(struct pager *p, const char *s, size_t n)
{
	if (p->rows_left == 0)
		return p->full ? 0 : n;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = (uint8_t)s[i];

		if (pager_escape(p, b))
			continue;
		if (b == ASCII_LF || (b >= 0x20 && p->col >= p->cols &&
				      !(b >= UTF8_CONT_MIN && b <= UTF8_CONT_MAX))) {
			if (p->rows_left == 1) {
				pager_stop(p, b == ASCII_LF);
				return i;
			}
			p->rows_left--;
			p->col = 0;
			if (b == ASCII_LF)
				continue;
		}
		if (b == ASCII_CR) {
			p->col = 0;
		} else if (b == ASCII_BS) {
			if (p->col >= p->cols)
				p->col = p->cols - 1;
			if (p->col)
				p->col--;
		} else if (b == ASCII_TAB) {
			unsigned next = (p->col / PAGER_TAB_WIDTH + 1) * PAGER_TAB_WIDTH;

			if (p->col < p->cols)
				p->col = next < p->cols ? next : p->cols - 1;
		} else if (b >= 0x20 && b != 0x7f && !(b >= UTF8_CONT_MIN && b <= UTF8_CONT_MAX)) {
			p->col++;
		}
	}
	return n;
}

/*
 * pager_key - the prompt's answer to key character ch: Space a page, Enter (CR or LF) a
 * row, q/Q/Ctrl-C quit, anything else ignored. Pure.
 */
enum pager_key_action pager_key(struct pager *p, uint32_t ch)
{
	switch (ch) {
	case ' ':
		p->rows_left = p->rows - 1;
		break;
	case ASCII_LF:
	case ASCII_CR:
		p->rows_left = 1; 
		break;
	case 'q':
	case 'Q':
	case ASCII_CTRL_C:
		return PAGER_QUIT;
	default:
		return PAGER_IGNORE;
	}
	p->full = false;
	return ch == ' ' ? PAGER_PAGE : PAGER_LINE;
}
