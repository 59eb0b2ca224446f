// SPDX-License-Identifier: MIT
/*
 * Unit tests of the pager's state machine (pager.c) on a 20x6 screen: the first page
 * leaves the command line in sight (4 rows), Space gives 5 more, Enter one; long lines
 * count the rows they wrap over; escape sequences take no room; q quits; a short output
 * never stops; on hostile bytes the pager agrees with the terminal it models (term.c).
 */
#include <string.h>
#include "pager.h"
#include "term.h"
#include "../../unit.h"

/* Lines "L1\n".."L20\n" as one string. */
static const char *numbered(void)
{
	static char s[256];
	size_t n = 0;

	for (int i = 1; i <= 20; i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n, "L%d\n", i);
	return s;
}

/* Where in s the line "Ln" starts. */
static size_t at_line(const char *s, int n)
{
	char want[8];

	snprintf(want, sizeof(want), "L%d\n", n);
	return (size_t)(strstr(s, want) - s);
}

/* 4 rows, stop at the 4th row's line end (swallowed); Space: rows 5..9; Enter: row 10. */
static void test_pages(void)
{
	struct pager p;
	const char *s = numbered();
	size_t n = strlen(s), done;

	pager_start(&p, 20, 6);
	done = pager_take(&p, s, n);
	CHECK_EQ(done, at_line(s, 4) + 2); /* "L4" shown, its '\n' held */
	CHECK(p.full && p.swallow_lf);
	CHECK_EQ(pager_key(&p, 'x'), PAGER_IGNORE);
	CHECK(p.full);
	CHECK_EQ(pager_key(&p, ' '), PAGER_PAGE);
	done += 1; /* the swallowed '\n' */
	done += pager_take(&p, s + done, n - done);
	CHECK_EQ(done, at_line(s, 9) + 2);
	CHECK_EQ(pager_key(&p, '\n'), PAGER_LINE);
	done += 1;
	done += pager_take(&p, s + done, n - done);
	CHECK_EQ(done, at_line(s, 10) + 3);
	CHECK_EQ(pager_key(&p, 'q'), PAGER_QUIT);
}

/* A 45-character line on 20 columns takes 3 rows; colour escapes take none: the page
 * stops before the wrap into the 5th row (a character, nothing swallowed). */
static void test_wrap_and_escapes(void)
{
	struct pager p;
	char s[128];
	size_t done;

	snprintf(s, sizeof(s), "\033[31mhead\033[0m\n%.45s", "0123456789012345678901234567890123456789012345");
	pager_start(&p, 20, 6);
	done = pager_take(&p, s, strlen(s));
	/* rows: "head", 20 digits, 20 digits, 5 digits would be the 4th: fits; all taken */
	CHECK_EQ(done, strlen(s));
	CHECK(!p.full);
	done = pager_take(&p, "0123456789012345X", 17); /* row 4 fills to 20, X would wrap */
	CHECK_EQ(done, 15);
	CHECK(p.full && !p.swallow_lf);
}

/* A full page takes nothing more until a key: console_pager_show hands a full pager the
 * next output when it holds nothing back (the console got no hold buffer from the heap),
 * and what the pager took then landed after the page's last row ("4more") instead of
 * being dropped. Here: the page stops before "4"'s line end; "more\n" and "x" written
 * after it take 0 bytes, also with the line end held; Space then takes them again. */
static void test_full_takes_nothing(void)
{
	struct pager p;

	pager_start(&p, 20, 6);
	CHECK_EQ(pager_take(&p, "1\n2\n3\n4\n5\n", 10), 7);
	CHECK(p.full && p.swallow_lf);
	CHECK_EQ(pager_take(&p, "more\n", 5), 0);
	CHECK_EQ(pager_take(&p, "x", 1), 0);
	CHECK(p.full);
	/* a page that stopped at a wrap (no line end) takes nothing either */
	pager_start(&p, 20, 3);
	CHECK_EQ(pager_take(&p, "01234567890123456789X", 21), 20);
	CHECK(p.full && !p.swallow_lf);
	CHECK_EQ(pager_take(&p, "Y", 1), 0);
	CHECK_EQ(pager_key(&p, ' '), PAGER_PAGE);
	CHECK_EQ(pager_take(&p, "XY", 2), 2);
}

/* Output shorter than the page never stops; a screen of 2 rows never pages. */
static void test_short(void)
{
	struct pager p;

	pager_start(&p, 80, 25);
	CHECK_EQ(pager_take(&p, "a\nb\nc\n", 6), 6);
	CHECK(!p.full);
	pager_start(&p, 80, 2);
	CHECK_EQ(pager_take(&p, numbered(), strlen(numbered())), strlen(numbered()));
}

/* The prompt fits one row on any screen: whole from 10 columns, cut to the width below. */
static void test_prompt_fits(void)
{
	CHECK_EQ(pager_prompt_len(80), strlen(PAGER_PROMPT));
	CHECK_EQ(pager_prompt_len(10), strlen(PAGER_PROMPT));
	CHECK_EQ(pager_prompt_len(9), 9);
	CHECK_EQ(pager_prompt_len(1), 1);
}

/* The real terminal, tall enough never to scroll, to check the pager's row count on. */
#define MODEL_COLS 20
#define MODEL_ROWS 40

static void null_draw(void *ctx, unsigned col, unsigned row, struct con_cell c, bool cursor)
{
	(void)ctx, (void)col, (void)row, (void)c, (void)cursor;
}

static const struct con_backend_ops null_ops = { .draw = null_draw };

/*
 * The first page of s on a 20x6 screen (4 rows) against term.c fed the same bytes: what
 * the pager takes ends on the terminal's 4th row at most, and when it stops, the byte it
 * held moves the terminal's cursor to a 5th row (with what the terminal needs after it to
 * move at all: the rest of its character, or what cuts a character short). Text the pager counted
 * too short scrolls the command line off before the prompt; too long stops early.
 */
static void check_agrees(const char *what, const char *s, size_t n)
{
	static struct con_cell cells[MODEL_COLS * MODEL_ROWS];
	static struct term t;
	struct pager p;
	size_t take, k;
	unsigned cx, cy;

	pager_start(&p, MODEL_COLS, 6);
	term_init(&t, cells, MODEL_COLS, MODEL_ROWS, &null_ops, NULL);
	take = pager_take(&p, s, n);
	term_write(&t, s, take);
	if (t.cy > 3)
		fprintf(stderr, "    %s: the pager took %zu bytes, the terminal needs row %u\n",
			what, take, t.cy + 1);
	CHECK(t.cy <= 3);
	CHECK_EQ(take < n, p.full);
	if (take == n)
		return;
	/* The terminal shows a character when it is complete (a cut one as '?' when the next
	 * byte comes), the pager counts it at its lead byte: BEL (no glyph, no move) shows a
	 * pending one. Then the held byte, and what the terminal needs after it to move its
	 * cursor (the rest of its character, or what cuts it short). */
	term_write(&t, "\a", 1);
	for (k = take, cx = t.cx, cy = t.cy; k < n && t.cx == cx && t.cy == cy; k++)
		term_write(&t, s + k, 1);
	if (t.cy < 4) {
		fprintf(stderr, "    %s: the pager stopped at byte %zu, which fits on row %u:", what,
			take, t.cy + 1);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " %02x", (uint8_t)s[i]);
		fprintf(stderr, "\n");
	}
	CHECK(t.cy >= 4);
}

#define AGREES(lit) check_agrees(#lit, lit, sizeof(lit) - 1)

/* Hostile and truncated input, as term.c and ansi.c read it: a control byte inside an
 * escape sequence ends it and acts (\n after ESC or ESC[ is a line end); ESC ESC [ is one
 * sequence; a UTF-8 continuation byte without its lead shows as a glyph of its own (U+FFFD),
 * a sequence that is no character as one, whatever its lead byte; DEL takes no room, also at
 * a row's end. */
static void test_agrees_with_term(void)
{
	/* ESC[ cut by line ends: "b" is text on its own row, not the CSI's final byte */
	AGREES("a\n\033[\nb\nc\nd\ne\nf\n");
	AGREES("a\n\0333\033[12;4\nb\nc\nd\ne\n");
	AGREES("a\n\033\nb\nc\nd\ne\n");
	/* ESC ESC [31m: one colour sequence, no text */
	AGREES("\033\033[31m0123456789012345\033\033[0m6789\n2\n3\n4\n5\n");
	/* 30 lone continuation bytes: 30 glyphs, two rows */
	AGREES("\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e"
	       "\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\n2\n3\n4\n");
	/* 19 letters, then é and a stray continuation byte: 21 columns, wrapping */
	AGREES("0123456789012345678\xc3\xa9\xa9\n2\n3\n4\n");
	/* overlong C0 80: one U+FFFD, one glyph (before: the pager counted two, as the
	 * terminal showed) */
	AGREES("012345678901234567\xc0\x80x\n2\n3\n4\n");
	AGREES("0123456789012345678\xc0\x80x\n2\n3\n4\n");
	/* leads past F4 take their continuation bytes: one glyph each */
	AGREES("0123456789012345678\xf8\x88\x80\x80\xff\xbf\xbf\xbfx\n2\n3\n4\n");
	AGREES("01234567890123456\xf5\x80\x80\x80\xc1\xbf\xe0\x80\xa9x\n2\n3\n4\n");
	/* a full row, then DEL: no wrap for it */
	AGREES("01234567890123456789\x7f\n2\n3\n4\n");
	/* a lead byte cut short by a line end: the 21 continuation bytes after it are glyphs */
	AGREES("\xc3\n\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80"
	       "\x80\x80\x80\x80\x80\n3\n4\n5\n");
	/* valid UTF-8 wrapping at the row's end: é and € take one column each */
	AGREES("0123456789012345678\xc3\xa9\xe2\x82\xacz\n3\n4\n5\n");
	/* a character cut short by an escape sequence: its U+FFFD takes the column its lead
	 * byte took, the ESC ends it (term.c reads UTF-8 before escapes). Before: the terminal went on with the character after
	 * the sequence, ESC[J moved the pager's column back, and 'Z' wrapped on the terminal
	 * only: "4" on a 5th row (found by fuzz_console) */
	AGREES("0123456789012345678\xff\033[JZ\n2\n3\n4\n");
	AGREES("01234567890123456789\xc3\033[K\xa9x\n3\n4\n5\n");
	AGREES("0123456789012345678\xe2\x82\033[31m\xacx\n3\n4\n5\n");
	/* the continuation byte after the sequence is a glyph of its own: 18 digits, two
	 * U+FFFD, and 'x' on the next row (before the pager took it for the character's) */
	AGREES("012345678901234567\xc3\033[m\xa9x\n3\n4\n5\n");
	/* a full row, then an erase that ends the pending wrap (EL: ESC[K, ESC[0K, ESC[1K,
	 * ESC[2K, DECSEL ESC[?K and ESC[?1K; ED: ESC[J, ESC[0J, ESC[1J, ESC[2J, DECSED
	 * ESC[?2;1J and ESC[?J): the next character overwrites the last column, on the same
	 * row (before: the pager took it to wrap, and the page ended a row early) */
	AGREES("01234567890123456789\033[Ka\n2\n3\n4\n5\n");
	AGREES("01234567890123456789\033[0Kab\n3\n4\n5\n");
	AGREES("01234567890123456789\033[1Ka\n2\n3\n4\n5\n");
	AGREES("01234567890123456789\033[2Kab\n3\n4\n5\n");
	AGREES("01234567890123456789\033[?Ka\n2\n3\n4\n5\n");
	AGREES("01234567890123456789\033[?1Ka\n2\n3\n4\n5\n");
	AGREES("01234567890123456789\033[Ja\n2\n3\n4\n5\n");
	AGREES("01234567890123456789\033[0Jab\n3\n4\n5\n");
	AGREES("01234567890123456789\033[1Ja\n2\n3\n4\n5\n");
	AGREES("01234567890123456789\033[2Ja\n2\n3\n4\n5\n");
	AGREES("01234567890123456789\033[?2;1Ja\n2\n3\n4\n5\n");
	AGREES("01234567890123456789\033[?Ja\n2\n3\n4\n5\n");
	/* sequences that erase no cell leave the wrap pending, the next character starting a
	 * row: ESC[3J (the scrollback only, as in xterm), and those term.c swallows: ESC[3K,
	 * ESC[4J, ESC[>K, ESC[ K (an intermediate byte) */
	AGREES("01234567890123456789\033[3Ja\n2\n3\n4\n5\n");
	AGREES("01234567890123456789\033[3Ka\n2\n3\n4\n5\n");
	AGREES("01234567890123456789\033[4Ja\n2\n3\n4\n5\n");
	AGREES("01234567890123456789\033[>Ka\n2\n3\n4\n5\n");
	AGREES("01234567890123456789\033[ Ka\n2\n3\n4\n5\n");
}

/* Random output over the bytes that matter (escapes with markers and the erases ESC[nK
 * and ESC[nJ, controls, UTF-8 leads and continuations, DEL, text; not the cursor moves
 * ESC[H and ESC[nA/B/C/D the pager does not model): the pager agrees with the terminal on
 * every one. Fixed seed. */
static void test_agrees_random(void)
{
	static const uint8_t alphabet[] = { 0x1b, '[', ';', '1', 'm', 'K', '\n', '\r', '\t', '\b',
					    0x7f, 0x80, 0xa9, 0xc3, 0xe2, 0xf0, 0xc0, 0xff, 'a', ' ',
					    'J', '?', '2', '>', '0', '3' };
	unsigned seed = 12345;
	char s[160];

	for (int round = 0; round < 3000; round++) {
		for (size_t i = 0; i < sizeof(s); i++) {
			seed = seed * 1103515245u + 12345u;
			s[i] = (char)alphabet[(seed >> 16) % sizeof(alphabet)];
		}
		check_agrees("random", s, sizeof(s));
		if (unit_failures_in_case)
			break; /* the first disagreement says it all */
	}
}

int main(void)
{
	RUN(test_pages);
	RUN(test_wrap_and_escapes);
	RUN(test_short);
	RUN(test_prompt_fits);
	RUN(test_full_takes_nothing);
	RUN(test_agrees_with_term);
	RUN(test_agrees_random);
	return unit_summary();
}
