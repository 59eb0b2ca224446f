// SPDX-License-Identifier: MIT
/*
 * Unit tests of the ANSI escape-sequence parser (src/drivers/console/ansi.c): which bytes
 * pass through, which sequences produce which action, and the colours SGR leaves behind.
 */
#include <string.h>
#include "ansi.h"
#include "../../unit.h"

/* Feed a whole string; returns the action of the last byte and counts ANSI_BYTE results. */
static enum ansi_action feed(struct ansi_parser *p, const char *s, int *bytes)
{
	enum ansi_action a = ANSI_NONE;

	*bytes = 0;
	for (size_t i = 0; i < strlen(s); i++) {
		a = ansi_feed(p, (uint8_t)s[i]);
		if (a == ANSI_BYTE)
			(*bytes)++;
	}
	return a;
}

int main(void)
{
	struct ansi_parser p;
	int n;

	/* Plain text and control characters pass through untouched: every byte is ANSI_BYTE,
	 * and the attribute stays light grey on black. */
	ansi_init(&p, CON_ATTR_DEFAULT);
	feed(&p, "Hello\n\r\t\b", &n);
	CHECK_EQ(n, 9);
	CHECK_EQ(ansi_attr(&p), 0x07);

	/* ESC[31m: red foreground (VGA 4); no byte of the sequence reaches the terminal. */
	CHECK_EQ(feed(&p, "\x1b[31m", &n), ANSI_ATTR);
	CHECK_EQ(n, 0);
	CHECK_EQ(ansi_attr(&p), CON_ATTR(4, 0));

	/* ESC[1;34;47m: bold blue on white -> bright blue (9) on light grey (7). */
	CHECK_EQ(feed(&p, "\x1b[1;34;47m", &n), ANSI_ATTR);
	CHECK_EQ(ansi_attr(&p), CON_ATTR(9, 7));

	/* ESC[22m drops the bold only: blue (1) on light grey. */
	feed(&p, "\x1b[22m", &n);
	CHECK_EQ(ansi_attr(&p), CON_ATTR(1, 7));

	/* ESC[39;49m returns foreground and background to the default. */
	feed(&p, "\x1b[39;49m", &n);
	CHECK_EQ(ansi_attr(&p), 0x07);

	/* Bright colours 90-97: ESC[93m is yellow bright = VGA 14. */
	feed(&p, "\x1b[93m", &n);
	CHECK_EQ(ansi_attr(&p), CON_ATTR(14, 0));

	/* ESC[m and ESC[0m both reset to the default attribute. */
	feed(&p, "\x1b[m", &n);
	CHECK_EQ(ansi_attr(&p), 0x07);
	feed(&p, "\x1b[32;41m\x1b[0m", &n);
	CHECK_EQ(ansi_attr(&p), 0x07);

	/* Each ANSI colour maps to its VGA number: black red green yellow blue magenta cyan
	 * white -> 0 4 2 6 1 5 3 7 (checked as backgrounds 40-47). */
	{
		static const uint8_t vga[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };
		char seq[16];

		for (int i = 0; i < 8; i++) {
			snprintf(seq, sizeof(seq), "\x1b[%dm", 40 + i);
			feed(&p, seq, &n);
			CHECK_EQ(CON_ATTR_BG(ansi_attr(&p)), vga[i]);
		}
		feed(&p, "\x1b[0m", &n);
	}

	/* ESC[2J clears, ESC[J (erase below) is not supported and does nothing. */
	CHECK_EQ(feed(&p, "\x1b[2J", &n), ANSI_CLEAR);
	CHECK_EQ(feed(&p, "\x1b[J", &n), ANSI_NONE);

	/* ESC[H, ESC[;H and ESC[1;1H go home; ESC[5;3H (elsewhere) is ignored. */
	CHECK_EQ(feed(&p, "\x1b[H", &n), ANSI_HOME);
	CHECK_EQ(feed(&p, "\x1b[;H", &n), ANSI_HOME);
	CHECK_EQ(feed(&p, "\x1b[1;1H", &n), ANSI_HOME);
	CHECK_EQ(feed(&p, "\x1b[5;3H", &n), ANSI_NONE);

	/* ESC[K and ESC[0K erase to end of line; ESC[2K is not supported. */
	CHECK_EQ(feed(&p, "\x1b[K", &n), ANSI_ERASE_EOL);
	CHECK_EQ(feed(&p, "\x1b[0K", &n), ANSI_ERASE_EOL);
	CHECK_EQ(feed(&p, "\x1b[2K", &n), ANSI_NONE);

	/* Unknown sequences vanish whole: ESC[?25l (private) and ESC[3;4r leave no bytes and
	 * the text after them is back in the ground state. */
	feed(&p, "\x1b[?25lA\x1b[3;4rB", &n);
	CHECK_EQ(n, 2);

	/* ESC followed by something other than '[' drops both bytes; ESC ESC [ 31m works. */
	feed(&p, "\x1b" "cX", &n);
	CHECK_EQ(n, 1);
	CHECK_EQ(feed(&p, "\x1b\x1b[31m", &n), ANSI_ATTR);
	CHECK_EQ(ansi_attr(&p), CON_ATTR(4, 0));
	feed(&p, "\x1b[0m", &n);

	/* A newline inside a CSI aborts it and still reaches the terminal. */
	feed(&p, "\x1b[3\nZ", &n);
	CHECK_EQ(n, 2);

	/* Too many parameters: the first 8 count, the rest are dropped, no overflow; huge
	 * numbers saturate instead of wrapping into a valid colour (65567 would wrap to 31). */
	feed(&p, "\x1b[0;0;0;0;0;0;0;32;31;31;31m", &n);
	CHECK_EQ(ansi_attr(&p), CON_ATTR(2, 0));
	feed(&p, "\x1b[65567m", &n);
	CHECK_EQ(ansi_attr(&p), CON_ATTR(2, 0));

	/* ansi_set_default (panic colours): white on red becomes current and the SGR 0 target. */
	ansi_set_default(&p, CON_ATTR(15, 4));
	CHECK_EQ(ansi_attr(&p), CON_ATTR(15, 4));
	feed(&p, "\x1b[32m\x1b[0m", &n);
	CHECK_EQ(ansi_attr(&p), CON_ATTR(15, 4));

	/* ansi_set_default in the middle of a sequence returns to the ground state: the next
	 * 'P' (a CSI final byte) is text again. */
	feed(&p, "\x1b[1", &n);
	ansi_set_default(&p, CON_ATTR(15, 4));
	CHECK_EQ(ansi_feed(&p, 'P'), ANSI_BYTE);

	return unit_exit("test_ansi");
}
