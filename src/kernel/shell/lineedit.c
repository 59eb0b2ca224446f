// SPDX-License-Identifier: MIT
/*
 * The shell's line editor (see lios/lineedit.h): one line of code points with a cursor, a
 * ring of past lines, and the drawing that keeps every view's terminal in step with both.
 * Pure (no hardware, no globals): the kernel shell and the host tests drive the same code.
 *
 * Geometry: on a view of width W, the character at index i of the line sits at position
 * p = prompt_cols + i, on row p / W (counted from the prompt's row) and column p % W.
 * Invariant after every call, on every view: the terminal shows the prompt followed by
 * line.c[0..len), and its cursor sits at position prompt_cols + cursor, never in a
 * terminal's "pending wrap" state: writing the last column of a row is always followed by
 * CR LF, so the cursor moves to the next row's column 0 explicitly. On a view of R rows the
 * line stops at R * W - prompt_cols - 1 characters (lineedit_capacity): the prompt's row and
 * the cursor after the line stay on the screen, however far writing it scrolled, so the
 * up-moves never run into the top row (a longer line left its start off the screen and
 * every redraw one or more rows too low).
 */
#include <lios/lineedit.h>
#include <lios/string.h>

#define CH_CTRL_C 0x03
#define CH_BELL 0x07
#define CH_CTRL_L 0x0c
#define CH_BACKSPACE '\b'
#define CH_DEL 0x7f
#define CSI "\033["
#define VIEW_COLS_UNBOUNDED ((unsigned)-1)

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

/* Decode one character of the UTF-8 string at *s (advanced past it); U+FFFD for a broken
 * sequence. The string is terminated; returns 0 at its end. */
static uint32_t utf8_next(const char **s)
{
	const uint8_t *p = (const uint8_t *)*s;
	uint32_t c = p[0];
	unsigned more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

	if (!c)
		return 0;
	*s += 1;
	if (c >= 0x80 && !more)
		return 0xfffd;
	if (more)
		c &= 0x3fu >> more;
	while (more--) {
		if ((**s & 0xc0) != 0x80)
			return 0xfffd;
		c = c << 6 | ((uint8_t)**s & 0x3f);
		*s += 1;
	}
	return c;
}

/* ------------------------------------------------------------------ drawing, per view */

static void vwrite(const struct lineedit_view *v, const char *s, size_t n)
{
	v->write(v->ctx, s, n);
}

/* Write c at position p: the cursor moves to p + 1, to the next row at a row's end. */
static void vput(const struct lineedit_view *v, uint32_t c, size_t p)
{
	char b[4];

	vwrite(v, b, lineedit_utf8(c, b));
	if ((p + 1) % v->cols == 0)
		vwrite(v, "\r\n", 2);
}

/* ESC [ n final, for n >= 1. */
static void vcsi(const struct lineedit_view *v, size_t n, char final)
{
	char b[24];
	size_t k = sizeof(b);

	b[--k] = final;
	do {
		b[--k] = (char)('0' + n % 10);
		n /= 10;
	} while (n && k > 2);
	b[--k] = '[';
	b[--k] = '\033';
	vwrite(v, b + k, sizeof(b) - k);
}

/* Move the cursor from position a to position b (both on rows already drawn). */
static void vmove(const struct lineedit_view *v, size_t a, size_t b)
{
	size_t ra = a / v->cols, ca = a % v->cols, rb = b / v->cols, cb = b % v->cols;

	if (rb < ra)
		vcsi(v, ra - rb, 'A');
	else if (rb > ra)
		vcsi(v, rb - ra, 'B');
	if (cb + 1 == ca)
		vwrite(v, "\b", 1);
	else if (cb < ca)
		vcsi(v, ca - cb, 'D');
	else if (cb > ca)
		vcsi(v, cb - ca, 'C');
}

/* Leave the line: cursor at a fresh row below it (at the end p, unless already at a
 * row's start). */
static void vleave(const struct lineedit_view *v, size_t p)
{
	if (p % v->cols != 0)
		vwrite(v, "\r\n", 2);
}

/*
 * Redraw view v after the line changed from index 'from' on: its cursor goes from index
 * 'at' to 'from', the characters from..len are written, then blanks over what the old line
 * (old_len characters) showed beyond the new end, then the cursor goes to new_cursor.
 */
static void vredraw(const struct lineedit *le, const struct lineedit_view *v, size_t at,
		    size_t from, size_t old_len, size_t new_cursor)
{
	const struct lineedit_line *l = &le->line;
	size_t p0 = le->prompt_cols;
	size_t end = l->len > old_len ? l->len : old_len;

	vmove(v, p0 + at, p0 + from);
	for (size_t k = from; k < l->len; k++)
		vput(v, l->c[k], p0 + k);
	for (size_t k = l->len; k < old_len; k++)
		vput(v, ' ', p0 + k);
	vmove(v, p0 + (from < end ? end : from), p0 + new_cursor);
}

/* vredraw on every view, from the editor's cursor; the cursor is then new_cursor. */
static void update(struct lineedit *le, size_t from, size_t old_len, size_t new_cursor)
{
	for (unsigned i = 0; i < le->nviews; i++)
		vredraw(le, &le->views[i], le->cursor, from, old_len, new_cursor);
	le->cursor = new_cursor;
}

static void move_to(struct lineedit *le, size_t idx)
{
	for (unsigned i = 0; i < le->nviews; i++)
		vmove(&le->views[i], le->prompt_cols + le->cursor, le->prompt_cols + idx);
	le->cursor = idx;
}

/*
 * lineedit_bell - ring every view's bell (BEL): a key that did nothing. Pure.
 */
void lineedit_bell(struct lineedit *le)
{
	static const char b = CH_BELL;

	for (unsigned i = 0; i < le->nviews; i++)
		vwrite(&le->views[i], &b, 1);
}

/* ------------------------------------------------------------------ setup */

/*
 * lineedit_init - no views, empty line and history; history lines from alloc/free. Pure.
 */
void lineedit_init(struct lineedit *le, lineedit_alloc_fn alloc, lineedit_free_fn free)
{
	memset(le, 0, sizeof(*le));
	le->prompt = "";
	le->alloc = alloc;
	le->free = free;
}

/*
 * lineedit_add_view - draw on one more terminal of cols columns and rows rows (0:
 * unbounded). Returns 0 or -1 (full).
 */
int lineedit_add_view(struct lineedit *le, lineedit_write_fn write, void *ctx, unsigned cols,
		      unsigned rows)
{
	if (le->nviews == LINEEDIT_VIEWS)
		return -1;
	le->views[le->nviews].write = write;
	le->views[le->nviews].ctx = ctx;
	le->views[le->nviews].cols = cols ? cols : VIEW_COLS_UNBOUNDED;
	le->views[le->nviews].rows = rows;
	le->nviews++;
	return 0;
}

/*
 * lineedit_capacity - the most characters the line may hold: LINEEDIT_MAX, or what fits on
 * the smallest view's screen after the prompt with the cursor past the end. A view of
 * unbounded width or height, or one without room for a single character, does not limit
 * it (as a view not wider than the prompt does not wrap). Pure.
 */
size_t lineedit_capacity(const struct lineedit *le)
{
	size_t cap = LINEEDIT_MAX;

	for (unsigned i = 0; i < le->nviews; i++) {
		const struct lineedit_view *v = &le->views[i];
		size_t cells = (size_t)v->rows * v->cols;

		if (v->rows && v->cols != VIEW_COLS_UNBOUNDED && cells > le->prompt_cols + 1)
			cap = MIN(cap, cells - le->prompt_cols - 1);
	}
	return cap;
}

/*
 * lineedit_start - a new, empty line after prompt, written on every view; the history
 * stays. A view not wider than the prompt is treated as unbounded. Pure.
 */
void lineedit_start(struct lineedit *le, const char *prompt)
{
	le->line.len = 0;
	le->cursor = 0;
	le->browse = 0;
	le->refused = false;
	le->prompt = prompt;
	le->prompt_cols = strlen(prompt);
	for (unsigned i = 0; i < le->nviews; i++) {
		struct lineedit_view *v = &le->views[i];

		if (v->cols <= le->prompt_cols)
			v->cols = VIEW_COLS_UNBOUNDED;
		vwrite(v, prompt, le->prompt_cols);
	}
}

/*
 * lineedit_suspend - move the cursor of each view in 'views' (bit i: view i;
 * LINEEDIT_ALL_VIEWS) below the line, to a fresh row, so other output does not overwrite
 * it. Views not named keep the line and the cursor as they are. Pure.
 */
void lineedit_suspend(struct lineedit *le, unsigned views)
{
	size_t p0 = le->prompt_cols;

	for (unsigned i = 0; i < le->nviews; i++) {
		if (!(views & 1u << i))
			continue;
		vmove(&le->views[i], p0 + le->cursor, p0 + le->line.len);
		vleave(&le->views[i], p0 + le->line.len);
	}
}

/*
 * lineedit_resume - on each view in 'views', write the prompt and the whole line again at
 * the cursor (a fresh row) and put the cursor back where it was: after lineedit_suspend()
 * of the same views or a cleared screen. Pure.
 */
void lineedit_resume(struct lineedit *le, unsigned views)
{
	for (unsigned i = 0; i < le->nviews; i++) {
		if (!(views & 1u << i))
			continue;
		vwrite(&le->views[i], le->prompt, le->prompt_cols);
		vredraw(le, &le->views[i], 0, 0, 0, le->cursor);
	}
}

/* ------------------------------------------------------------------ text out */

static size_t text_range(const struct lineedit *le, size_t end, char *buf, size_t size)
{
	size_t n = 0;

	if (size == 0)
		return 0;
	for (size_t i = 0; i < end; i++) {
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

/*
 * lineedit_text - the line as UTF-8 into buf, always terminated when size > 0; characters
 * that do not fit whole are left out. Returns the bytes written. Pure.
 */
size_t lineedit_text(const struct lineedit *le, char *buf, size_t size)
{
	return text_range(le, le->line.len, buf, size);
}

/*
 * lineedit_text_before_cursor - the characters before the cursor, as lineedit_text. Pure.
 */
size_t lineedit_text_before_cursor(const struct lineedit *le, char *buf, size_t size)
{
	return text_range(le, le->cursor, buf, size);
}

/* ------------------------------------------------------------------ history */

/* The k-th newest history entry, k >= 1. */
static const char *history_entry(const struct lineedit *le, size_t k)
{
	return le->hist[(le->hist_next + LINEEDIT_HISTORY - k) % LINEEDIT_HISTORY];
}

/* The line s (UTF-8), cut after cap characters. */
static void line_from_utf8(struct lineedit_line *l, const char *s, size_t cap)
{
	uint32_t c;

	l->len = 0;
	while (l->len < cap && (c = utf8_next(&s)) != 0)
		l->c[l->len++] = c;
}

/* Show 'next' in place of the current line, cursor at its end. */
static void replace_line(struct lineedit *le, const struct lineedit_line *next)
{
	size_t old_len = le->line.len;

	le->line = *next;
	update(le, 0, old_len, next->len);
}

static void history_move(struct lineedit *le, bool older)
{
	struct lineedit_line recalled;

	if (older) {
		if (le->browse >= le->hist_count)
			return;
		if (le->browse == 0)
			le->draft = le->line;
		le->browse++;
	} else {
		if (le->browse == 0)
			return;
		le->browse--;
	}
	if (le->browse == 0) {
		replace_line(le, &le->draft);
		return;
	}
	line_from_utf8(&recalled, history_entry(le, le->browse), lineedit_capacity(le));
	replace_line(le, &recalled);
}

/* Remember a finished line unless it is empty, repeats the newest entry, or no memory is
 * left for it (the history then simply does not grow). */
static void history_add(struct lineedit *le)
{
	char text[LINEEDIT_UTF8_MAX];
	size_t n, slot = le->hist_next;
	char *copy;

	if (le->line.len == 0 || !le->alloc)
		return;
	n = lineedit_text(le, text, sizeof(text));
	if (le->hist_count && strcmp(history_entry(le, 1), text) == 0)
		return;
	copy = le->alloc(n + 1);
	if (!copy)
		return;
	memcpy(copy, text, n + 1);
	if (le->hist_count == LINEEDIT_HISTORY)
		le->free(le->hist[slot]); /* the oldest entry */
	else
		le->hist_count++;
	le->hist[slot] = copy;
	le->hist_next = (slot + 1) % LINEEDIT_HISTORY;
}

/*
 * lineedit_free_history - give every history line back; the history is empty after.
 */
void lineedit_free_history(struct lineedit *le)
{
	for (size_t k = 1; k <= le->hist_count; k++)
		le->free((void *)history_entry(le, k));
	le->hist_count = 0;
	le->hist_next = 0;
	le->browse = 0;
}

/* ------------------------------------------------------------------ editing */

/* Refuse a character: the bell, and LINEEDIT_FULL the first time on this line. */
static enum lineedit_result refuse(struct lineedit *le)
{
	lineedit_bell(le);
	if (le->refused)
		return LINEEDIT_CONTINUE;
	le->refused = true;
	return LINEEDIT_FULL;
}

/*
 * lineedit_insert - insert the UTF-8 text at the cursor and redraw once. Returns 0, or -1
 * with the bell when the line filled up before the text's end (the rest is dropped).
 */
int lineedit_insert(struct lineedit *le, const char *utf8)
{
	struct lineedit_line *l = &le->line;
	size_t at = le->cursor, n = 0;
	uint32_t c;
	size_t cap = lineedit_capacity(le);
	int ret = 0;

	while ((c = utf8_next(&utf8)) != 0) {
		if (l->len >= cap) {
			ret = -1;
			break;
		}
		memmove(&l->c[at + n + 1], &l->c[at + n], (l->len - at - n) * sizeof(l->c[0]));
		l->c[at + n++] = c;
		l->len++;
	}
	if (n)
		update(le, at, l->len - n, at + n);
	if (ret)
		lineedit_bell(le);
	return ret;
}

static enum lineedit_result insert_char(struct lineedit *le, uint32_t c)
{
	struct lineedit_line *l = &le->line;
	size_t at = le->cursor;

	if (l->len >= lineedit_capacity(le))
		return refuse(le);
	memmove(&l->c[at + 1], &l->c[at], (l->len - at) * sizeof(l->c[0]));
	l->c[at] = c;
	l->len++;
	update(le, at, l->len - 1, at + 1);
	return LINEEDIT_CONTINUE;
}

/* Remove the character at index at and leave the cursor there. */
static void delete_at(struct lineedit *le, size_t at)
{
	struct lineedit_line *l = &le->line;

	memmove(&l->c[at], &l->c[at + 1], (l->len - at - 1) * sizeof(l->c[0]));
	l->len--;
	le->refused = false;
	update(le, at, l->len + 1, at);
}

/* Leave the line's rows after writing tail (ASCII) at its end: Enter, Ctrl-C. */
static void finish_line(struct lineedit *le, const char *tail)
{
	size_t end = le->prompt_cols + le->line.len;

	move_to(le, le->line.len);
	for (unsigned i = 0; i < le->nviews; i++) {
		const struct lineedit_view *v = &le->views[i];
		size_t p = end;

		for (const char *t = tail; *t; t++)
			vput(v, (uint8_t)*t, p++);
		vleave(v, p);
	}
}

/* Keys identified by their character: Enter, Backspace, Ctrl-C, Ctrl-L, printables. */
static enum lineedit_result char_key(struct lineedit *le, uint32_t c)
{
	switch (c) {
	case '\n':
	case '\r':
		finish_line(le, "");
		history_add(le);
		le->browse = 0;
		return LINEEDIT_DONE;
	case CH_BACKSPACE:
	case CH_DEL:
		if (le->cursor > 0)
			delete_at(le, le->cursor - 1);
		return LINEEDIT_CONTINUE;
	case CH_CTRL_C:
		finish_line(le, "^C");
		le->line.len = 0;
		le->cursor = 0;
		le->browse = 0;
		return LINEEDIT_CANCEL;
	case CH_CTRL_L:
		return LINEEDIT_CLEAR;
	case '\t':
		return LINEEDIT_TAB;
	}
	if (c >= 0x20 && c != CH_DEL && !(c >= 0x80 && c < 0xa0))
		return insert_char(le, c);
	return LINEEDIT_CONTINUE;
}

/*
 * lineedit_key - apply one key event: printable characters insert at the cursor;
 * Backspace, Delete, Left, Right, Home, End edit and move (across wrapped rows); Up/Down
 * walk the history; Enter ends the line (LINEEDIT_DONE), Ctrl-C drops it
 * (LINEEDIT_CANCEL), Ctrl-L asks for a clear screen (LINEEDIT_CLEAR), Tab for a completion
 * (LINEEDIT_TAB); a character beyond lineedit_capacity() rings the bell (LINEEDIT_FULL the first
 * time). Releases and other keys change nothing. Pure.
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
	case KEY_TAB:
		return LINEEDIT_TAB;
	}
	if (ev->ch == 0 || (ev->mods & KBD_MOD_ALT))
		return LINEEDIT_CONTINUE;
	return char_key(le, ev->ch);
}
