/* SPDX-License-Identifier: MIT */
/*
 * The console's ANSI escape-sequence parser: pure C, no state outside struct ansi_parser,
 * compiled for the host too (tests/unit/drivers/console). It recognises the subset LiOS emits:
 * SGR (ESC[...m) colours 30-37, 90-97, 40-47, 39, 49, bold 1, normal 22, reset 0, and the
 * extended colours 38/48 (5;N from the 256-colour table, 2;R;G;B truecolour, also in the
 * colon form 38:5:N, 38:2:R:G:B, 38:2:CS:R:G:B) shown as the nearest console colour; 58
 * (underline colour) is read and ignored; the erases EL (ESC[K or ESC[0K to the end of the
 * line, ESC[1K from its start, ESC[2K all of it) and ED (ESC[J or ESC[0J to the end of the
 * screen, ESC[1J from its start, ESC[2J all of it, ESC[3J the scrollback: xterm's "saved
 * lines"), ESC[H (cursor home), ESC[nA/B/C/D (cursor up, down, forward, back n cells: the
 * shell's line editor moves with them). Any other complete sequence is swallowed, so
 * unknown escapes never show up as garbage (an erase with another parameter, ESC[3K, too,
 * as xterm ignores it); so is one of these with a private marker or an intermediate byte
 * (ESC[>4;1m, ESC[2 A: other functions), but for ESC[?nJ and ESC[?nK (DECSED, DECSEL),
 * the erases themselves when no character is protected.
 *
 * Colours are kept as console attributes in VGA order (bits 0-3 foreground, 4-6
 * background), the format of struct con_cell.
 */
#ifndef CONSOLE_ANSI_H
#define CONSOLE_ANSI_H

#include <lios/types.h>

/* Room for two truecolour SGRs in one sequence (38;2;R;G;B;48;2;R;G;B) and a few more. */
#define ANSI_MAX_PARAMS 16

/* VGA attribute: foreground in bits 0-3 (bit 3 = bright), background in bits 4-6. */
#define CON_ATTR(fg, bg) ((uint8_t)(((bg) & 7) << 4 | ((fg) & 15)))
#define CON_ATTR_FG(a) ((a) & 15)
#define CON_ATTR_BG(a) (((a) >> 4) & 7)
#define CON_COLOR_BLACK 0
#define CON_COLOR_LIGHT_GREY 7
#define CON_COLOR_WHITE 15
#define CON_COLOR_RED 4
#define CON_ATTR_DEFAULT CON_ATTR(CON_COLOR_LIGHT_GREY, CON_COLOR_BLACK)

/* The console's 16 colours as 0xRRGGBB, VGA order (index = attribute nibble): what the
 * framebuffer draws, and what extended SGR colours are matched against. */
#define CON_COLORS 16
extern const uint32_t con_rgb_colors[CON_COLORS];

enum ansi_action {
	ANSI_NONE,        /* byte consumed by a sequence in progress or ignored */
	ANSI_BYTE,        /* not part of a sequence: the terminal handles it (text, \n ...) */
	ANSI_ATTR,        /* the attribute changed: read ansi_attr() */
	ANSI_CLEAR,       /* ESC[2J: clear the whole screen */
	ANSI_ERASE_BELOW, /* ESC[J, ESC[0J: from the cursor to the end of the screen */
	ANSI_ERASE_ABOVE, /* ESC[1J: from the start of the screen to the cursor */
	ANSI_ERASE_SAVED, /* ESC[3J: the scrollback (the rows scrolled off the top) */
	ANSI_HOME,        /* ESC[H: cursor to row 0, column 0 */
	ANSI_ERASE_EOL,   /* ESC[K, ESC[0K: from the cursor to the end of the line */
	ANSI_ERASE_BOL,   /* ESC[1K: from the start of the line to the cursor */
	ANSI_ERASE_LINE,  /* ESC[2K: the whole line */
	ANSI_CURSOR_UP,   /* ESC[nA: cursor ansi_count() rows up, */
	ANSI_CURSOR_DOWN, /* ESC[nB: down, */
	ANSI_CURSOR_FORWARD, /* ESC[nC: columns right, */
	ANSI_CURSOR_BACK, /* ESC[nD: left; each stops at the screen's edge */
};

struct ansi_parser {
	uint8_t state;                    /* private: ground, escape, CSI */
	uint8_t nparams;                  /* parameters seen in the current CSI */
	uint16_t params[ANSI_MAX_PARAMS]; /* values, saturated at 9999 */
	uint16_t sub;                     /* bit i: params[i] came after ':' (a sub-parameter) */
	uint8_t marker;                   /* private marker of the CSI ('<' '=' '>' '?'), or 0 */
	bool intermediate;                /* the CSI has an intermediate byte (0x20-0x2f) */
	uint8_t fg, bg;                   /* current colours, VGA numbering (fg 0-7) */
	bool bold;                        /* bright foreground */
	uint8_t default_attr;             /* what SGR 0 / 39 / 49 return to */
};

/* Start in the ground state with default_attr as the current and reset attribute. */
void ansi_init(struct ansi_parser *p, uint8_t default_attr);

/* Change what SGR 0 resets to and apply it now, leaving any sequence (panic colours). */
void ansi_set_default(struct ansi_parser *p, uint8_t default_attr);

/* Feed one byte; returns what the terminal must do. Pure, any context. */
enum ansi_action ansi_feed(struct ansi_parser *p, uint8_t byte);

/* The current attribute (colours after all SGRs so far). */
uint8_t ansi_attr(const struct ansi_parser *p);

/* How far the ANSI_CURSOR_* just returned moves: its parameter, 1 when absent or 0. */
unsigned ansi_count(const struct ansi_parser *p);

#endif
