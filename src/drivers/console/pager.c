// SPDX-License-Identifier: MIT
/*
 * The pager's state machine (see pager.h): a model of the cursor column, fed the bytes of
 * a command's output, stopping where the next byte would need a row the page does not
 * have. It mirrors term.c's rules (wrap happens at the next character after the last
 * column, \t stops at the last column, \b stays on its row, DEL takes no room) and
 * ansi.c's (a control byte inside an escape sequence ends it and acts, ESC ESC is one
 * ESC) so it agrees with the screen, also on truncated or hostile output: a line end the
 * pager missed would scroll the command line away before the prompt. UTF-8 as term.c
 * decodes it: a lead byte (any byte from 0xc0) takes the character's column, its
 * continuation bytes none, also when the sequence turns out to be no character (term.c
 * shows one U+FFFD for it); a continuation byte no lead expects is a glyph of its own, also
 * one after an ESC, which cuts a character short (term.c reads UTF-8 before escapes).
 * A pending wrap (a character in the last column) ends at the erases term.c carries out,
 * ESC[nK and ESC[nJ for n of 0 (or absent), 1 and 2 (also DEC's ESC[?nK and ESC[?nJ; not
 * ESC[3J, which erases the scrollback only, nor one ansi.c swallows, such as ESC[3K or
 * ESC[>K): the next character then lands in the last column, not on a new row. Erases
 * move no cursor, so they change no row count. The cursor moves ESC[nA/B/C/D and ESC[H
 * are not followed (a page may end early there).
 */
#include "pager.h"

#define ASCII_BS 0x08
#define ASCII_TAB 0x09
#define ASCII_LF 0x0a
#define ASCII_CR 0x0d
#define ASCII_ESC 0x1b
#define ASCII_DEL 0x7f
#define ASCII_CTRL_C 0x03
#define PAGER_TAB_WIDTH 8
#define CSI_FINAL_MIN 0x40 /* ECMA-48: a CSI ends with a byte in 0x40-0x7e */
#define CSI_FINAL_MAX 0x7e
#define CSI_INTERMEDIATE_MIN 0x20 /* ECMA-48 5.4: intermediate bytes 0x20-0x2f */
#define CSI_INTERMEDIATE_MAX 0x2f
#define CSI_PRIVATE_MIN 0x3c /* parameter bytes '<' '=' '>' '?': private use */
#define CSI_PRIVATE_MAX 0x3f
#define CSI_PARAM_MAX 9999 /* ansi.c saturates parameters there */
#define DEC_PRIVATE_MARKER '?'
#define ERASE_ALL 2 /* ESC[2J, ESC[2K: the largest of ED's and EL's erases of cells (ansi.c) */
#define UTF8_CONT_MIN 0x80
#define UTF8_CONT_MAX 0xbf
#define UTF8_LEAD_MIN 0xc0 /* term.c's lead bytes: 2, 3 (from 0xe0), 4 (from 0xf0) bytes */
#define UTF8_LEAD3_MIN 0xe0
#define UTF8_LEAD4_MIN 0xf0

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
	p->utf8_left = 0;
	p->full = false;
	p->swallow_lf = false;
}

/* A parameter, marker or intermediate byte of a CSI, as ansi.c reads it (only the first
 * parameter matters here). */
static void pager_csi_byte(struct pager *p, uint8_t b)
{
	if (b >= '0' && b <= '9') {
		if (!p->csi_next) {
			unsigned v = p->csi_first * 10u + (unsigned)(b - '0');

			p->csi_first = (uint16_t)(v > CSI_PARAM_MAX ? CSI_PARAM_MAX : v);
		}
	} else if (b == ';' || b == ':') {
		p->csi_next = true;
	} else if (b >= CSI_PRIVATE_MIN && b <= CSI_PRIVATE_MAX && !p->csi_marker) {
		p->csi_marker = b;
	} else if (b >= CSI_INTERMEDIATE_MIN && b <= CSI_INTERMEDIATE_MAX) {
		p->csi_intermediate = true;
	}
}

/* The CSI ends with final: the erases of cells term.c carries out (ansi.c's
 * ANSI_ERASE_EOL, _BOL, _LINE, _BELOW, _ABOVE and ANSI_CLEAR) end a pending wrap, the
 * cursor then on the last column. */
static void pager_csi_final(struct pager *p, uint8_t final)
{
	bool erase = (final == 'K' || final == 'J') && p->csi_first <= ERASE_ALL;
	bool plain = !p->csi_intermediate &&
		     (!p->csi_marker || p->csi_marker == DEC_PRIVATE_MARKER); /* J, K only */

	if (erase && plain && p->col >= p->cols)
		p->col = p->cols - 1;
}

/* An escape-sequence byte as ansi.c reads it; true when the byte belongs to a sequence
 * (takes no room). A control byte ends a sequence and is then the terminal's (false). */
static bool pager_escape(struct pager *p, uint8_t b)
{
	if (b == ASCII_ESC) { /* starts a sequence, also inside one */
		p->esc = 1;
		p->utf8_left = 0; /* and cuts a character short: its U+FFFD is counted */
		return true;
	}
	if (!p->esc)
		return false;
	if (b < 0x20) {
		p->esc = 0;
		return false;
	}
	if (p->esc == 1) {
		p->esc = b == '[' ? 2 : 0;
		p->csi_first = 0;
		p->csi_next = false;
		p->csi_marker = 0;
		p->csi_intermediate = false;
	} else if (b >= CSI_FINAL_MIN && b <= CSI_FINAL_MAX) {
		p->esc = 0;
		pager_csi_final(p, b);
	} else {
		pager_csi_byte(p, b);
	}
	return true;
}

/* Continuation bytes UTF-8 lead byte b announces, 0 when b is no lead (term.c's rule). */
static uint8_t pager_utf8_len(uint8_t b)
{
	if (b < UTF8_LEAD_MIN)
		return 0;
	return b >= UTF8_LEAD4_MIN ? 3 : b >= UTF8_LEAD3_MIN ? 2 : 1;
}

/* The page has no row for what comes next: stop there. The prompt is drawn on a new row,
 * so the model's cursor is at column 0 when the output resumes. */
static void pager_stop(struct pager *p, bool at_lf)
{
	p->full = true;
	p->swallow_lf = at_lf;
	p->col = 0;
	p->utf8_left = 0; /* the prompt's line end ends a character cut short on the screen */
}

/*
 * pager_take - the number of bytes of s[0..n) that fit on the page. Stops before a '\n' or
 * before a character that would wrap when the cursor is on the page's last row; a full
 * page takes nothing until pager_key() starts the next. Paging off (fewer than 3 rows)
 * takes everything. Pure.
 */
size_t pager_take(struct pager *p, const char *s, size_t n)
{
	if (p->full)
		return 0;
	if (p->rows_left == 0)
		return n;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = (uint8_t)s[i];
		bool cont, glyph;

		if (pager_escape(p, b))
			continue;
		/* a continuation byte of a character takes no room; any other byte from 0x20,
		 * DEL aside, is a glyph (a lone continuation byte too) */
		cont = p->utf8_left && b >= UTF8_CONT_MIN && b <= UTF8_CONT_MAX;
		glyph = !cont && b >= 0x20 && b != ASCII_DEL;
		if (b == ASCII_LF || (glyph && p->col >= p->cols)) {
			if (p->rows_left == 1) {
				pager_stop(p, b == ASCII_LF);
				return i;
			}
			p->rows_left--;
			p->col = 0;
		}
		if (cont) {
			p->utf8_left--;
			continue;
		}
		p->utf8_left = pager_utf8_len(b);
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
		} else if (glyph) {
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
