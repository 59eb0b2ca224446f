// SPDX-License-Identifier: MIT
/*
 * The shell's line editor: one line of code points with a cursor, a ring of past lines,
 * and the drawing that keeps the terminal in step with both. Pure (no hardware, no
 * globals): the kernel shell and the host tests drive the same code.
 *
 * Invariant after every call: the terminal shows the prompt followed by line.c[0..len) and
 * its cursor sits line.cursor columns after the prompt. Drawing uses only plain characters
 * (overwriting), '\b' (one column left) and '\n', so the line must fit on one screen row
 * (LINEEDIT_MAX); keys that would overflow it are ignored.
 */
#include <lios/lineedit.h>
#include <lios/string.h>

#define CH_CTRL_C 0x03
#define CH_CTRL_L 0x0c
#define CH_BACKSPACE '\b'
#define CH_DEL 0x7f

/*
 * lineedit_utf8 - encode c as UTF-8 into out (room for 4 bytes); returns the byte count.
 * Code points above U+10FFFF are encoded as U+FFFD. Pure.
 */
size_t lineedit_utf8(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c > 0x10ffff)
		c = 0xfffd;
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static void put_char(struct lineedit *le, uint32_t c)
{
	char b[4];

	le->write(le->ctx, b, lineedit_utf8(c, b));
}

static void put_repeat(struct lineedit *le, char c, size_t n)
{
	while (n--)
		le->write(le->ctx, &c, 1);
}

/* Write line.c[from..len), then pad blanks over 'erase' stale columns, then move the
 * cursor back to column 'from' + 'back_to' (relative to from). */
static void draw_tail(struct lineedit *le, size_t from, size_t erase, size_t back_to)
{
	size_t drawn = le->line.len - from;

	for (size_t i = from; i < le->line.len; i++)
		put_char(le, le->line.c[i]);
	put_repeat(le, ' ', erase);
	put_repeat(le, '\b', drawn + erase - back_to);
}

/*
 * lineedit_init - empty line, empty history; draws through write(ctx, ...). Pure.
 */
void lineedit_init(struct lineedit *le, lineedit_write_fn write, void *ctx)
{
	memset(le, 0, sizeof(*le));
	le->write = write;
	le->ctx = ctx;
}

/*
 * lineedit_reset - start a new empty line; the history stays. Pure.
 */
void lineedit_reset(struct lineedit *le)
{
	le->line.len = 0;
	le->cursor = 0;
	le->browse = 0;
}

/*
 * lineedit_redraw - write the whole line and restore the cursor column; for a screen that
 * was cleared and re-prompted. Pure.
 */
void lineedit_redraw(struct lineedit *le)
{
	draw_tail(le, 0, 0, le->cursor);
}

/*
 * lineedit_text - the line as UTF-8 into buf, always terminated when size > 0; characters
 * that do not fit whole are left out. Returns the bytes written. Pure.
 */
size_t lineedit_text(const struct lineedit *le, char *buf, size_t size)
{
	size_t n = 0;

	if (size == 0)
		return 0;
	for (size_t i = 0; i < le->line.len; i++) {
		char b[4];
		size_t k = lineedit_utf8(le->line.c[i], b);

		if (n + k >= size)
			break;
		memcpy(buf + n, b, k);
		n += k;
	}
	buf[n] = '\0';
	return n;
}

static void insert_char(struct lineedit *le, uint32_t c)
{
	struct lineedit_line *l = &le->line;

	if (l->len >= LINEEDIT_MAX)
		return;
	memmove(&l->c[le->cursor + 1], &l->c[le->cursor], (l->len - le->cursor) * sizeof(l->c[0]));
	l->c[le->cursor] = c;
	l->len++;
	draw_tail(le, le->cursor, 0, 1);
	le->cursor++;
}

/* Remove the character at index at, with the cursor already standing on column at. */
static void delete_at(struct lineedit *le, size_t at)
{
	struct lineedit_line *l = &le->line;

	memmove(&l->c[at], &l->c[at + 1], (l->len - at - 1) * sizeof(l->c[0]));
	l->len--;
	draw_tail(le, at, 1, 0);
}

static void move_to(struct lineedit *le, size_t col)
{
	if (col < le->cursor) {
		put_repeat(le, '\b', le->cursor - col);
	} else {
		for (size_t i = le->cursor; i < col; i++)
			put_char(le, le->line.c[i]);
	}
	le->cursor = col;
}

/* Show 'next' in place of the current line, cursor at its end. */
static void replace_line(struct lineedit *le, const struct lineedit_line *next)
{
	size_t old_len = le->line.len;

	move_to(le, 0);
	le->line = *next;
	draw_tail(le, 0, old_len > next->len ? old_len - next->len : 0, next->len);
	le->cursor = next->len;
}

/* The k-th newest history entry, k >= 1. */
static const struct lineedit_line *history_entry(const struct lineedit *le, size_t k)
{
	size_t slot = (le->hist_next + LINEEDIT_HISTORY - k) % LINEEDIT_HISTORY;

	return &le->hist[slot];
}

static void history_move(struct lineedit *le, bool older)
{
	if (older) {
		if (le->browse >= le->hist_count)
			return;
		if (le->browse == 0)
			le->draft = le->line;
		le->browse++;
		replace_line(le, history_entry(le, le->browse));
	} else {
		if (le->browse == 0)
			return;
		le->browse--;
		replace_line(le, le->browse ? history_entry(le, le->browse) : &le->draft);
	}
}

/* Remember a finished line unless it is empty or repeats the newest entry. */
static void history_add(struct lineedit *le)
{
	const struct lineedit_line *l = &le->line;

	if (l->len == 0)
		return;
	if (le->hist_count) {
		const struct lineedit_line *last = history_entry(le, 1);

		if (last->len == l->len && memcmp(last->c, l->c, l->len * sizeof(l->c[0])) == 0)
			return;
	}
	le->hist[le->hist_next] = *l;
	le->hist_next = (le->hist_next + 1) % LINEEDIT_HISTORY;
	if (le->hist_count < LINEEDIT_HISTORY)
		le->hist_count++;
}

/* Keys identified by their character: Enter, Backspace, Ctrl-C, Ctrl-L, printables. */
static enum lineedit_result char_key(struct lineedit *le, uint32_t c)
{
	switch (c) {
	case '\n':
	case '\r':
		move_to(le, le->line.len);
		put_char(le, '\n');
		history_add(le);
		le->browse = 0;
		return LINEEDIT_DONE;
	case CH_BACKSPACE:
	case CH_DEL:
		if (le->cursor > 0) {
			put_char(le, '\b');
			le->cursor--;
			delete_at(le, le->cursor);
		}
		return LINEEDIT_CONTINUE;
	case CH_CTRL_C:
		move_to(le, le->line.len);
		le->write(le->ctx, "^C\n", 3);
		lineedit_reset(le);
		return LINEEDIT_CANCEL;
	case CH_CTRL_L:
		return LINEEDIT_CLEAR;
	}
	if (c == '\t')
		c = ' ';
	if (c >= 0x20 && c != CH_DEL && !(c >= 0x80 && c < 0xa0))
		insert_char(le, c);
	return LINEEDIT_CONTINUE;
}

/*
 * lineedit_key - apply one key event: printable characters insert at the cursor;
 * Backspace, Delete, Left, Right, Home, End edit and move; Up/Down walk the history; Enter
 * ends the line (LINEEDIT_DONE), Ctrl-C drops it (LINEEDIT_CANCEL), Ctrl-L asks for a
 * clear screen (LINEEDIT_CLEAR). Releases and other keys change nothing. Pure.
 */
enum lineedit_result lineedit_key(struct lineedit *le, const struct kbd_event *ev)
{
	if (!ev->pressed)
		return LINEEDIT_CONTINUE;
	switch (ev->key) {
	case KEY_LEFT:
		if (le->cursor > 0)
			move_to(le, le->cursor - 1);
		return LINEEDIT_CONTINUE;
	case KEY_RIGHT:
		if (le->cursor < le->line.len)
			move_to(le, le->cursor + 1);
		return LINEEDIT_CONTINUE;
	case KEY_HOME:
		move_to(le, 0);
		return LINEEDIT_CONTINUE;
	case KEY_END:
		move_to(le, le->line.len);
		return LINEEDIT_CONTINUE;
	case KEY_DELETE:
		if (le->cursor < le->line.len)
			delete_at(le, le->cursor);
		return LINEEDIT_CONTINUE;
	case KEY_UP:
		history_move(le, true);
		return LINEEDIT_CONTINUE;
	case KEY_DOWN:
		history_move(le, false);
		return LINEEDIT_CONTINUE;
	}
	if (ev->ch == 0 || (ev->mods & KBD_MOD_ALT))
		return LINEEDIT_CONTINUE;
	return char_key(le, ev->ch);
}
