// SPDX-License-Identifier: MIT
/*
 * Unit tests of the pager's state machine (pager.c) on a 20x6 screen: the first page
 * leaves the command line in sight (4 rows), Space gives 5 more, Enter one; long lines
 * count the rows they wrap over; escape sequences take no room; q quits; a short output
 * never stops.
 */
#include <string.h>
#include "pager.h"
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

int main(void)
{
	RUN(test_pages);
	RUN(test_wrap_and_escapes);
	RUN(test_short);
	return unit_summary();
}
