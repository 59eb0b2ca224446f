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

/* Start from the default attribute, feed s, return the attribute it leaves. */
static uint8_t attr_after(struct ansi_parser *p, const char *s)
{
	int n;

	feed(p, "\x1b[0m", &n);
	feed(p, s, &n);
	CHECK_EQ(n, 0);
	return ansi_attr(p);
}

/* SGR 38/48/58 with their arguments (256-colour index, truecolour), in the semicolon and
 * the colon form, and malformed ones. */
static void test_extended_colours(struct ansi_parser *p)
{
	/* 256-colour foreground 31 is the cube's (0,135,175): nearest console colour cyan
	 * (VGA 3), not red; its 31 must not be read as SGR 31. */
	CHECK_EQ(attr_after(p, "\x1b[38;5;31m"), CON_ATTR(3, 0));

	/* Truecolour (10,1,200): blue (1), not bold: the G value 1 is no SGR 1. */
	CHECK_EQ(attr_after(p, "\x1b[38;2;10;1;200m"), CON_ATTR(1, 0));

	/* The 16 system colours of the 256 table: 4 is blue (VGA 1), 9 bright red (VGA 12,
	 * i.e. red with the bold flag). */
	CHECK_EQ(attr_after(p, "\x1b[38;5;4m"), CON_ATTR(1, 0));
	CHECK_EQ(attr_after(p, "\x1b[38;5;9m"), CON_ATTR(12, 0));

	/* The grey ramp: 232 (8,8,8) is black, 255 (238,238,238) white (15). */
	CHECK_EQ(attr_after(p, "\x1b[37;38;5;232m"), CON_ATTR(0, 0));
	CHECK_EQ(attr_after(p, "\x1b[38;5;255m"), CON_ATTR(15, 0));

	/* An extended dark foreground after bold takes the brightness away: the colour asked
	 * for is shown, bold being the console's only brightness. */
	CHECK_EQ(attr_after(p, "\x1b[1;38;5;2m"), CON_ATTR(2, 0));

	/* Background 256-colour 196 is (255,0,0): backgrounds have 8 colours, so red (4). */
	CHECK_EQ(attr_after(p, "\x1b[48;5;196m"), CON_ATTR(7, 4));

	/* Two truecolours in one sequence (10 parameters): bright red (255,85,85) = 12 on
	 * blue (0,0,170) = 1; then a plain SGR after them still applies (bold on the red). */
	CHECK_EQ(attr_after(p, "\x1b[38;2;255;85;85;48;2;0;0;170m"), CON_ATTR(12, 1));
	CHECK_EQ(attr_after(p, "\x1b[48;5;4;31;1m"), CON_ATTR(12, 1));

	/* The colon form: 38:5:31 cyan as above; 38:2:R:G:B; 38:2::R:G:B with the empty
	 * colour-space id of ITU T.416 (green 0,170,0 = 2); 48:5:1 red background. */
	CHECK_EQ(attr_after(p, "\x1b[38:5:31m"), CON_ATTR(3, 0));
	CHECK_EQ(attr_after(p, "\x1b[38:2:255:255:85m"), CON_ATTR(14, 0));
	CHECK_EQ(attr_after(p, "\x1b[38:2::0:170:0m"), CON_ATTR(2, 0));
	CHECK_EQ(attr_after(p, "\x1b[48:5:1;33m"), CON_ATTR(6, 4));

	/* 58 (underline colour) takes its arguments and changes nothing: the 1s of
	 * 58;2;1;1;1 and 58:5:1 are no bold; the green before and the blue after stay. */
	CHECK_EQ(attr_after(p, "\x1b[32;58;2;1;1;1;44m"), CON_ATTR(2, 1));
	CHECK_EQ(attr_after(p, "\x1b[58:5:1;32m"), CON_ATTR(2, 0));

	/* A sub-parameter of another code is not a code: 4:3 (curly underline) is not 43
	 * (yellow background) nor 3; 1:5 is bold only. */
	CHECK_EQ(attr_after(p, "\x1b[4:3m"), CON_ATTR(7, 0));
	CHECK_EQ(attr_after(p, "\x1b[1:5m"), CON_ATTR(15, 0));

	/* Malformed extended colours end the SGR processing there: what was before applies,
	 * nothing after it. 38 with nothing; 38 with an unknown kind 7 (its 1 and 44 must not
	 * become bold and a blue background); 38;5 without the index; an index beyond 255;
	 * truecolour cut short by the final byte; 48:2:1:2 with too few values. */
	CHECK_EQ(attr_after(p, "\x1b[31;38m"), CON_ATTR(4, 0));
	CHECK_EQ(attr_after(p, "\x1b[32;38;7;1;44m"), CON_ATTR(2, 0));
	CHECK_EQ(attr_after(p, "\x1b[38;5m"), CON_ATTR(7, 0));
	CHECK_EQ(attr_after(p, "\x1b[38;5;300;1m"), CON_ATTR(7, 0));
	CHECK_EQ(attr_after(p, "\x1b[34;48;2;1;1m"), CON_ATTR(1, 0));
	CHECK_EQ(attr_after(p, "\x1b[48:2:1:2;1m"), CON_ATTR(7, 0));

	/* The forms mixed (38;2:1:2:3) are read as neither: the processing stops, no bold. */
	CHECK_EQ(attr_after(p, "\x1b[38;2:1:1:1m"), CON_ATTR(7, 0));

	/* An extended colour whose arguments were cut off by the 16-parameter limit is
	 * malformed, never read from stale parameters. */
	CHECK_EQ(attr_after(p, "\x1b[0;0;0;0;0;0;0;0;0;0;0;0;0;33;38;2;1;1;1m"), CON_ATTR(6, 0));

	feed(p, "\x1b[0m", &(int){ 0 });
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

	/* ED by its parameter (ECMA-48 8.3.39, xterm's 3): absent or 0 erases below, 1 above,
	 * 2 all, 3 the scrollback; any other value (4, a saturated 9999) is no erase. A second
	 * parameter changes nothing. */
	CHECK_EQ(feed(&p, "\x1b[J", &n), ANSI_ERASE_BELOW);
	CHECK_EQ(feed(&p, "\x1b[0J", &n), ANSI_ERASE_BELOW);
	CHECK_EQ(feed(&p, "\x1b[1J", &n), ANSI_ERASE_ABOVE);
	CHECK_EQ(feed(&p, "\x1b[2J", &n), ANSI_CLEAR);
	CHECK_EQ(feed(&p, "\x1b[3J", &n), ANSI_ERASE_SAVED);
	CHECK_EQ(feed(&p, "\x1b[4J", &n), ANSI_NONE);
	CHECK_EQ(feed(&p, "\x1b[65536J", &n), ANSI_NONE);
	CHECK_EQ(feed(&p, "\x1b[1;2J", &n), ANSI_ERASE_ABOVE);

	/* ESC[H, ESC[;H and ESC[1;1H go home; ESC[5;3H (elsewhere) is ignored. */
	CHECK_EQ(feed(&p, "\x1b[H", &n), ANSI_HOME);
	CHECK_EQ(feed(&p, "\x1b[;H", &n), ANSI_HOME);
	CHECK_EQ(feed(&p, "\x1b[1;1H", &n), ANSI_HOME);
	CHECK_EQ(feed(&p, "\x1b[5;3H", &n), ANSI_NONE);

	/* EL by its parameter (ECMA-48 8.3.41): absent or 0 erases to the end of the line, 1
	 * from its start, 2 all of it; 3 (no EL) is none. */
	CHECK_EQ(feed(&p, "\x1b[K", &n), ANSI_ERASE_EOL);
	CHECK_EQ(feed(&p, "\x1b[0K", &n), ANSI_ERASE_EOL);
	CHECK_EQ(feed(&p, "\x1b[1K", &n), ANSI_ERASE_BOL);
	CHECK_EQ(feed(&p, "\x1b[2K", &n), ANSI_ERASE_LINE);
	CHECK_EQ(feed(&p, "\x1b[3K", &n), ANSI_NONE);
	CHECK_EQ(n, 0);

	/* ESC[nA/B/C/D move the cursor: up, down, forward, back, by n (absent or 0: 1; a
	 * huge n saturates at 9999, the terminal clamps it to the screen). */
	CHECK_EQ(feed(&p, "\x1b[A", &n), ANSI_CURSOR_UP);
	CHECK_EQ(ansi_count(&p), 1);
	CHECK_EQ(feed(&p, "\x1b[0B", &n), ANSI_CURSOR_DOWN);
	CHECK_EQ(ansi_count(&p), 1);
	CHECK_EQ(feed(&p, "\x1b[12C", &n), ANSI_CURSOR_FORWARD);
	CHECK_EQ(ansi_count(&p), 12);
	CHECK_EQ(feed(&p, "\x1b[4294967297D", &n), ANSI_CURSOR_BACK);
	CHECK_EQ(ansi_count(&p), 9999);
	CHECK_EQ(n, 0);

	/* Unknown sequences vanish whole: ESC[?25l (private) and ESC[3;4r leave no bytes and
	 * the text after them is back in the ground state. */
	feed(&p, "\x1b[?25lA\x1b[3;4rB", &n);
	CHECK_EQ(n, 2);

	/* A CSI with a private marker ('<' '=' '>' '?') or an intermediate byte (0x20-0x2f) is
	 * another function than the plain one with the same final byte, so it is swallowed,
	 * not acted on as that one: xterm's ESC[>4;1m (modifyOtherKeys) is no SGR 1 (bold);
	 * ECMA-48's ESC[2 A (SR, scroll right) and ESC[1 D (FNT, font) are no cursor moves;
	 * ESC[?4m is no SGR. DECSED ESC[?2J and DECSEL ESC[?K (erase all but protected
	 * characters; the console protects none) are the plain erases. */
	feed(&p, "\x1b[0m", &n);
	CHECK_EQ(feed(&p, "\x1b[>4;1m", &n), ANSI_NONE);
	CHECK_EQ(ansi_attr(&p), 0x07);
	CHECK_EQ(feed(&p, "\x1b[?4m", &n), ANSI_NONE);
	CHECK_EQ(feed(&p, "\x1b[2 A", &n), ANSI_NONE);
	CHECK_EQ(feed(&p, "\x1b[1 D", &n), ANSI_NONE);
	CHECK_EQ(n, 0);
	CHECK_EQ(feed(&p, "\x1b[?2J", &n), ANSI_CLEAR);
	CHECK_EQ(feed(&p, "\x1b[?K", &n), ANSI_ERASE_EOL);
	CHECK_EQ(feed(&p, "\x1b[?1K", &n), ANSI_ERASE_BOL);
	CHECK_EQ(feed(&p, "\x1b[?2K", &n), ANSI_ERASE_LINE);
	CHECK_EQ(feed(&p, "\x1b[?J", &n), ANSI_ERASE_BELOW);
	CHECK_EQ(feed(&p, "\x1b[?1J", &n), ANSI_ERASE_ABOVE);
	CHECK_EQ(feed(&p, "\x1b[?3J", &n), ANSI_ERASE_SAVED);
	/* other markers and intermediate bytes are other functions, also for J and K */
	CHECK_EQ(feed(&p, "\x1b[>1K", &n), ANSI_NONE);
	CHECK_EQ(feed(&p, "\x1b[1 K", &n), ANSI_NONE);
	CHECK_EQ(feed(&p, "\x1b[=2J", &n), ANSI_NONE);
	CHECK_EQ(n, 0);
	/* the marker is the sequence's only: the next plain CSI acts again */
	CHECK_EQ(feed(&p, "\x1b[1m", &n), ANSI_ATTR);
	CHECK_EQ(ansi_attr(&p), CON_ATTR(15, 0));
	CHECK_EQ(feed(&p, "\x1b[2A", &n), ANSI_CURSOR_UP);
	feed(&p, "\x1b[0m", &n);

	/* ESC followed by something other than '[' drops both bytes; ESC ESC [ 31m works. */
	feed(&p, "\x1b" "cX", &n);
	CHECK_EQ(n, 1);
	CHECK_EQ(feed(&p, "\x1b\x1b[31m", &n), ANSI_ATTR);
	CHECK_EQ(ansi_attr(&p), CON_ATTR(4, 0));
	feed(&p, "\x1b[0m", &n);

	/* A newline inside a CSI aborts it and still reaches the terminal. */
	feed(&p, "\x1b[3\nZ", &n);
	CHECK_EQ(n, 2);

	/* Too many parameters: the first 16 count, the rest are dropped, no overflow; huge
	 * numbers saturate instead of wrapping into a valid colour (65567 would wrap to 31). */
	feed(&p, "\x1b[0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;32;31;31;31m", &n);
	CHECK_EQ(ansi_attr(&p), CON_ATTR(2, 0));
	feed(&p, "\x1b[65567m", &n);
	CHECK_EQ(ansi_attr(&p), CON_ATTR(2, 0));

	test_extended_colours(&p);

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
