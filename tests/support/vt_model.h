/* SPDX-License-Identifier: MIT */
/*
 * A model terminal for the line editor's tests (test_lineedit.c) and fuzzer (fuzz_lineedit):
 * strict VT100 as far as the editor needs it: LF does not return the carriage, writing the
 * last column leaves a pending wrap, ESC[nA/B/C/D move (clamped to the screen), BS moves left
 * without erasing, BEL is counted, UTF-8 decoded into one cell per code point. The screen
 * scrolls up when LF leaves the last row, taking 'origin' (the caller's prompt row) along
 * (mod 2^32, so row arithmetic from it stays right after it scrolls off). 'rows' may be set
 * below VT_ROWS after vt_model_reset for a smaller screen.
 */
#ifndef LIOS_TEST_VT_MODEL_H
#define LIOS_TEST_VT_MODEL_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define VT_ROWS 60
#define VT_MAXCOLS 40

struct vt_model {
	unsigned cols;
	unsigned rows;       /* VT_ROWS, or fewer */
	uint32_t cell[VT_ROWS][VT_MAXCOLS];
	unsigned cx, cy;     /* cx == cols: pending wrap */
	unsigned origin;     /* row of the prompt (the caller sets it) */
	int bells;
	int esc;             /* 0, 1 after ESC, 2 in CSI */
	unsigned param;
	uint32_t acc;
	int utf8_left;
};

static inline void vt_model_reset(struct vt_model *m, unsigned cols)
{
	memset(m, 0, sizeof(*m));
	m->cols = cols;
	m->rows = VT_ROWS;
	for (unsigned r = 0; r < VT_ROWS; r++)
		for (unsigned c = 0; c < VT_MAXCOLS; c++)
			m->cell[r][c] = ' ';
}

static inline void vt_model_lf(struct vt_model *m)
{
	if (m->cy + 1 < m->rows) {
		m->cy++;
		return;
	}
	memmove(m->cell[0], m->cell[1], sizeof(m->cell[0]) * (m->rows - 1));
	for (unsigned c = 0; c < VT_MAXCOLS; c++)
		m->cell[m->rows - 1][c] = ' ';
	m->origin--;
}

static inline void vt_model_put(struct vt_model *m, uint32_t ch)
{
	if (m->esc == 1) {
		m->esc = ch == '[' ? 2 : 0;
		m->param = 0;
		return;
	}
	if (m->esc == 2) {
		unsigned n = m->param ? m->param : 1;

		if (ch >= '0' && ch <= '9') {
			m->param = m->param * 10 + (ch - '0');
			return;
		}
		m->esc = 0;
		if (m->cx >= m->cols)
			m->cx = m->cols - 1;
		if (ch == 'A')
			m->cy = m->cy >= n ? m->cy - n : 0;
		else if (ch == 'B')
			m->cy = m->cy + n < m->rows ? m->cy + n : m->rows - 1;
		else if (ch == 'C')
			m->cx = m->cx + n < m->cols ? m->cx + n : m->cols - 1;
		else if (ch == 'D')
			m->cx = m->cx >= n ? m->cx - n : 0;
		return;
	}
	switch (ch) {
	case 0x1b: m->esc = 1; return;
	case 0x07: m->bells++; return;
	case '\r': m->cx = 0; return;
	case '\n': vt_model_lf(m); return;
	case '\b':
		if (m->cx >= m->cols)
			m->cx = m->cols - 1;
		if (m->cx)
			m->cx--;
		return;
	}
	if (m->cx >= m->cols) {
		m->cx = 0;
		vt_model_lf(m);
	}
	m->cell[m->cy][m->cx++] = ch;
}

/* A lineedit_write_fn: ctx is the struct vt_model. */
static inline void vt_model_write(void *ctx, const char *s, size_t n)
{
	struct vt_model *m = ctx;

	for (size_t i = 0; i < n; i++) {
		uint8_t b = (uint8_t)s[i];

		if (m->utf8_left) {
			m->acc = m->acc << 6 | (b & 0x3f);
			if (--m->utf8_left == 0)
				vt_model_put(m, m->acc);
		} else if (b >= 0xf0) {
			m->acc = b & 0x07, m->utf8_left = 3;
		} else if (b >= 0xe0) {
			m->acc = b & 0x0f, m->utf8_left = 2;
		} else if (b >= 0xc0) {
			m->acc = b & 0x1f, m->utf8_left = 1;
		} else {
			vt_model_put(m, b);
		}
	}
}

/* Whether m shows prompt (ASCII) and then the len code points of line from its prompt row on,
 * blanks after them up to two rows further, with its cursor on the cell of code point
 * 'cursor'. Rows scrolled off or below the screen are not compared. Says what differs in
 * why (n bytes) when not. */
static inline bool vt_model_shows(const struct vt_model *m, const char *prompt, const uint32_t *line,
				  size_t len, size_t cursor, char *why, size_t n)
{
	size_t plen = strlen(prompt), total = plen + len, cur = plen + cursor;

	for (size_t p = 0; p < total + 2 * m->cols; p++) {
		unsigned r = m->origin + (unsigned)(p / m->cols), c = (unsigned)(p % m->cols);
		uint32_t exp = p < plen ? (uint8_t)prompt[p] : p < total ? line[p - plen] : ' ';

		if (r < m->rows && m->cell[r][c] != exp) {
			snprintf(why, n, "cell %zu is U+%04X, expected U+%04X", p, m->cell[r][c], exp);
			return false;
		}
	}
	if (m->cy != m->origin + cur / m->cols || m->cx != cur % m->cols) {
		snprintf(why, n, "cursor at %u,%u, expected %zu,%zu", m->cy, m->cx,
			 m->origin + cur / m->cols, cur % m->cols);
		return false;
	}
	return true;
}

#endif
