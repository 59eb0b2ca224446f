// SPDX-License-Identifier: MIT
/*
 * The ANSI escape-sequence parser (see ansi.h for the accepted subset). A small state
 * machine: ground -> ESC -> '[' -> parameters (digits, ';' and ':') -> final byte
 * 0x40-0x7e. A CSI with more than ANSI_MAX_PARAMS parameters keeps the first ones; an ESC
 * not followed by '[' is dropped together with that byte. A control byte inside a sequence
 * ends it unfinished and is then the terminal's (an ESC starts a new sequence). A VT100
 * acts on such a byte and goes on with the sequence (only CAN, SUB and ESC cancel it);
 * LiOS does not, on purpose: a message cut in the middle of a sequence would otherwise
 * take the start of the next line as the rest of it (a letter eaten as the final byte, a
 * colour or a cursor move applied), while here that line shows whole. pager.c models the
 * same rule.
 *
 * SGR parameters come in groups: a value and the sub-parameters ':' attaches to it (ITU-T
 * T.416, as xterm reads them). A sub-parameter is never applied as an SGR code of its own.
 * The extended colours 38 (foreground), 48 (background) and 58 (underline) own the values
 * after them: in the colon form their sub-parameters, in the older semicolon form the next
 * parameters (5;N or 2;R;G;B). The console has 16 colours (8 for backgrounds), so an
 * extended colour becomes the nearest of them in RGB (squared distance; the 256-colour
 * table is xterm's: 16 system colours, a 6x6x6 cube, 24 greys), and a foreground's
 * brightness becomes the bold flag, the console's only brightness. An extended colour
 * that is cut short or names an unknown kind (38;7) ends the sequence's SGR processing:
 * what follows cannot be told apart from its arguments, so nothing more is applied.
 */
#include <lios/compiler.h>
#include "ansi.h"

enum { ST_GROUND, ST_ESC, ST_CSI };

#define ASCII_ESC 0x1b
#define CSI_PARAM_MAX 9999
#define CSI_FINAL_MIN 0x40
#define CSI_FINAL_MAX 0x7e
#define CSI_INTERMEDIATE_MIN 0x20 /* ECMA-48 5.4: intermediate bytes 0x20-0x2f */
#define CSI_INTERMEDIATE_MAX 0x2f
#define CSI_PRIVATE_MIN 0x3c /* parameter bytes '<' '=' '>' '?': private use */
#define CSI_PRIVATE_MAX 0x3f
#define DEC_PRIVATE_MARKER '?'

/* ANSI colour numbers (black red green yellow blue magenta cyan white) in VGA order. */
static const uint8_t ansi_to_vga[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };

/* See ansi.h: the standard VGA/CGA text palette. */
const uint32_t con_rgb_colors[CON_COLORS] = {
	0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa,
	0x555555, 0x5555ff, 0x55ff55, 0x55ffff, 0xff5555, 0xff55ff, 0xffff55, 0xffffff,
};

static_assert(ANSI_MAX_PARAMS <= 16, "struct ansi_parser.sub has one bit per parameter");

/* SGR parameter values. */
#define SGR_RESET 0
#define SGR_BOLD 1
#define SGR_NORMAL 22
#define SGR_FG_FIRST 30
#define SGR_FG_LAST 37
#define SGR_FG_DEFAULT 39
#define SGR_BG_FIRST 40
#define SGR_BG_LAST 47
#define SGR_BG_DEFAULT 49
#define SGR_FG_BRIGHT_FIRST 90
#define SGR_FG_BRIGHT_LAST 97
#define SGR_FG_EXTENDED 38
#define SGR_BG_EXTENDED 48
#define SGR_UL_EXTENDED 58
/* The kind that follows 38/48/58. */
#define SGR_EXT_RGB 2     /* R;G;B, 0-255 each */
#define SGR_EXT_INDEXED 5 /* N, 0-255, in the 256-colour table */

/* xterm's 256-colour table past the 16 system colours: a 6x6x6 cube, then 24 greys. */
#define XTERM_CUBE_FIRST 16
#define XTERM_GREY_FIRST 232
#define XTERM_COLORS 256
static const uint8_t xterm_cube_level[6] = { 0, 95, 135, 175, 215, 255 };
#define XTERM_GREY_BASE 8
#define XTERM_GREY_STEP 10

static void ansi_reset_attr(struct ansi_parser *p)
{
	p->fg = CON_ATTR_FG(p->default_attr) & 7;
	p->bold = CON_ATTR_FG(p->default_attr) & 8;
	p->bg = CON_ATTR_BG(p->default_attr);
}

/*
 * ansi_init - start in the ground state with default_attr current and as the reset value.
 * Pure; any context.
 */
void ansi_init(struct ansi_parser *p, uint8_t default_attr)
{
	p->state = ST_GROUND;
	p->nparams = 0;
	p->default_attr = default_attr;
	ansi_reset_attr(p);
}

/*
 * ansi_set_default - make default_attr the value SGR 0 returns to, and apply it now.
 * A sequence in progress is abandoned (the panic screen must not lose its first byte).
 * Pure; any context.
 */
void ansi_set_default(struct ansi_parser *p, uint8_t default_attr)
{
	p->state = ST_GROUND;
	p->default_attr = default_attr;
	ansi_reset_attr(p);
}

/*
 * ansi_attr - the current attribute: VGA foreground (bright when bold) and background.
 */
uint8_t ansi_attr(const struct ansi_parser *p)
{
	return CON_ATTR(p->fg | (p->bold ? 8 : 0), p->bg);
}

/*
 * ansi_count - the distance of the cursor move ansi_feed() just returned: its first
 * parameter (saturated at 9999), 1 when it is absent or 0, as ECMA-48 says. Pure.
 */
unsigned ansi_count(const struct ansi_parser *p)
{
	return p->nparams && p->params[0] ? p->params[0] : 1;
}

/* The console colour nearest to (r, g, b) among the first n (16, or 8 for a background). */
static uint8_t ansi_nearest(unsigned r, unsigned g, unsigned b, unsigned n)
{
	uint32_t best_d = UINT32_MAX;
	uint8_t best = 0;

	for (unsigned i = 0; i < n; i++) {
		uint32_t c = con_rgb_colors[i];
		int dr = (int)(c >> 16 & 0xff) - (int)r, dg = (int)(c >> 8 & 0xff) - (int)g,
		    db = (int)(c & 0xff) - (int)b;
		uint32_t d = (uint32_t)(dr * dr + dg * dg + db * db);

		if (d < best_d) {
			best_d = d;
			best = (uint8_t)i;
		}
	}
	return best;
}

/* Entry idx (0-255) of xterm's 256-colour table as 0xRRGGBB. */
static uint32_t xterm_rgb(unsigned idx)
{
	if (idx < XTERM_CUBE_FIRST) /* the 16 system colours: ANSI order, normal then bright */
		return con_rgb_colors[ansi_to_vga[idx & 7] | (idx & 8)];
	if (idx < XTERM_GREY_FIRST) {
		unsigned c = idx - XTERM_CUBE_FIRST;

		return (uint32_t)xterm_cube_level[c / 36] << 16 |
		       (uint32_t)xterm_cube_level[c / 6 % 6] << 8 | xterm_cube_level[c % 6];
	}
	unsigned grey = XTERM_GREY_BASE + XTERM_GREY_STEP * (idx - XTERM_GREY_FIRST);
	return (uint32_t)grey << 16 | grey << 8 | grey;
}

/* Apply an extended colour rgb (0xRRGGBB) for SGR code which (38 or 48; 58 is ignored). */
static void ansi_sgr_extended(struct ansi_parser *p, unsigned which, uint32_t rgb)
{
	unsigned r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;

	if (which == SGR_FG_EXTENDED) {
		uint8_t c = ansi_nearest(r, g, b, CON_COLORS);

		p->fg = c & 7;
		p->bold = c & 8;
	} else if (which == SGR_BG_EXTENDED) {
		p->bg = ansi_nearest(r, g, b, CON_COLORS / 2);
	}
}

/*
 * The arguments of extended colour code which: the n values in v (the kind, then N or
 * R, G, B; with a colour-space id before R when the colon form gives four values after
 * 2). Applies the colour; returns false when the arguments are missing or invalid.
 */
static bool ansi_sgr_colour_args(struct ansi_parser *p, unsigned which, const uint16_t *v,
				 unsigned n)
{
	if (n >= 2 && v[0] == SGR_EXT_INDEXED) {
		if (v[1] >= XTERM_COLORS)
			return false;
		ansi_sgr_extended(p, which, xterm_rgb(v[1]));
		return true;
	}
	if (n >= 4 && v[0] == SGR_EXT_RGB) {
		const uint16_t *rgb = n >= 5 ? v + 2 : v + 1; /* 2:CS:R:G:B skips the space id */

		if (rgb[0] > 255 || rgb[1] > 255 || rgb[2] > 255)
			return false;
		ansi_sgr_extended(p, which,
				  (uint32_t)rgb[0] << 16 | (uint32_t)rgb[1] << 8 | rgb[2]);
		return true;
	}
	return false;
}

/* How many values an extended colour of the semicolon form takes after its code, given
 * the kind (the first of them); 0 for an unknown kind. */
static unsigned ansi_sgr_colour_len(unsigned kind)
{
	return kind == SGR_EXT_INDEXED ? 2 : kind == SGR_EXT_RGB ? 4 : 0;
}

static void ansi_sgr_one(struct ansi_parser *p, unsigned v)
{
	if (v == SGR_RESET)
		ansi_reset_attr(p);
	else if (v == SGR_BOLD)
		p->bold = true;
	else if (v == SGR_NORMAL)
		p->bold = false;
	else if (v >= SGR_FG_FIRST && v <= SGR_FG_LAST)
		p->fg = ansi_to_vga[v - SGR_FG_FIRST];
	else if (v == SGR_FG_DEFAULT) {
		p->fg = CON_ATTR_FG(p->default_attr) & 7;
		p->bold = CON_ATTR_FG(p->default_attr) & 8;
	} else if (v >= SGR_BG_FIRST && v <= SGR_BG_LAST)
		p->bg = ansi_to_vga[v - SGR_BG_FIRST];
	else if (v == SGR_BG_DEFAULT)
		p->bg = CON_ATTR_BG(p->default_attr);
	else if (v >= SGR_FG_BRIGHT_FIRST && v <= SGR_FG_BRIGHT_LAST) {
		p->fg = ansi_to_vga[v - SGR_FG_BRIGHT_FIRST];
		p->bold = true;
	}
	/* anything else (underline, blink...) is ignored */
}

static bool ansi_is_sub(const struct ansi_parser *p, unsigned i) { return p->sub >> i & 1; }

/* Apply the n SGR parameters of the sequence just ended, group by group. */
static void ansi_sgr(struct ansi_parser *p, unsigned n)
{
	unsigned i = 0;

	while (i < n) {
		unsigned v = p->params[i], nsub = 0;

		if (ansi_is_sub(p, i)) { /* left over after a semicolon-form colour: not a code */
			i++;
			continue;
		}
		while (i + 1 + nsub < n && ansi_is_sub(p, i + 1 + nsub))
			nsub++;
		if (v != SGR_FG_EXTENDED && v != SGR_BG_EXTENDED && v != SGR_UL_EXTENDED) {
			ansi_sgr_one(p, v);
			i += 1 + nsub; /* sub-parameters of other codes (4:3, curly underline) */
			continue;
		}
		if (nsub) { /* colon form: 38:5:N, 38:2:R:G:B, 38:2:CS:R:G:B */
			if (!ansi_sgr_colour_args(p, v, &p->params[i + 1], nsub))
				return;
			i += 1 + nsub;
			continue;
		}
		/* semicolon form: the kind and its values are the next plain parameters */
		unsigned len = i + 1 < n ? ansi_sgr_colour_len(p->params[i + 1]) : 0;

		if (!len || i + 1 + len > n)
			return;
		for (unsigned k = i + 2; k <= i + len; k++)
			if (ansi_is_sub(p, k))
				return; /* 38;2:1:2:3 mixes the forms: not a colour we can read */
		if (!ansi_sgr_colour_args(p, v, &p->params[i + 1], len))
			return;
		i += 1 + len;
	}
}

/* Whether a CSI ending in final means the function of the plain one: not with an
 * intermediate byte (ECMA-48: CSI 2 SP A is SR, not CUU) nor a private marker (xterm's
 * CSI > 4;1 m is no SGR), but for DEC's selective erases CSI ? J and CSI ? K, which erase
 * what ED and EL do when no character is protected (none is, here). */
static bool ansi_plain(const struct ansi_parser *p, uint8_t final)
{
	if (p->intermediate)
		return false;
	return !p->marker || (p->marker == DEC_PRIVATE_MARKER && (final == 'J' || final == 'K'));
}

/* ED's and EL's parameter (ECMA-48 8.3.39, 8.3.41; 3 is xterm's erase of the saved lines):
 * what the terminal erases. Another value is no erase. */
static const enum ansi_action ansi_ed[] = { ANSI_ERASE_BELOW, ANSI_ERASE_ABOVE, ANSI_CLEAR,
					    ANSI_ERASE_SAVED };
static const enum ansi_action ansi_el[] = { ANSI_ERASE_EOL, ANSI_ERASE_BOL, ANSI_ERASE_LINE };

static enum ansi_action ansi_final(struct ansi_parser *p, uint8_t final)
{
	unsigned n = p->nparams;
	unsigned first = p->params[0]; /* 0 when absent */

	if (!ansi_plain(p, final))
		return ANSI_NONE;
	switch (final) {
	case 'm':
		if (n == 0)
			ansi_sgr_one(p, SGR_RESET);
		ansi_sgr(p, n);
		return ANSI_ATTR;
	case 'J':
		return first < ARRAY_SIZE(ansi_ed) ? ansi_ed[first] : ANSI_NONE;
	case 'H':
	case 'f':
		/* only the home position is supported: ESC[H, ESC[;H, ESC[1;1H */
		if (first <= 1 && (n < 2 || p->params[1] <= 1))
			return ANSI_HOME;
		return ANSI_NONE;
	case 'K':
		return first < ARRAY_SIZE(ansi_el) ? ansi_el[first] : ANSI_NONE;
	case 'A':
		return ANSI_CURSOR_UP;
	case 'B':
		return ANSI_CURSOR_DOWN;
	case 'C':
		return ANSI_CURSOR_FORWARD;
	case 'D':
		return ANSI_CURSOR_BACK;
	default:
		return ANSI_NONE;
	}
}

/*
 * ansi_feed - advance the parser by one byte.
 * Returns ANSI_BYTE when the byte is ordinary output for the terminal, ANSI_NONE when it
 * was consumed, or the action a completed sequence asks for. Pure; any context.
 */
enum ansi_action ansi_feed(struct ansi_parser *p, uint8_t c)
{
	switch (p->state) {
	case ST_GROUND:
		if (c == ASCII_ESC) {
			p->state = ST_ESC;
			return ANSI_NONE;
		}
		return ANSI_BYTE;
	case ST_ESC:
		if (c == '[') {
			p->state = ST_CSI;
			p->nparams = 0;
			p->params[0] = 0;
			p->sub = 0;
			p->marker = 0;
			p->intermediate = false;
			return ANSI_NONE;
		}
		p->state = ST_GROUND;
		if (c == ASCII_ESC) {
			p->state = ST_ESC;
			return ANSI_NONE;
		}
		return c < 0x20 ? ANSI_BYTE : ANSI_NONE;
	default: /* ST_CSI */
		if (c >= '0' && c <= '9') {
			if (p->nparams == 0)
				p->nparams = 1;
			if (p->nparams <= ANSI_MAX_PARAMS) {
				uint16_t *v = &p->params[p->nparams - 1];
				unsigned nv = *v * 10u + (unsigned)(c - '0');
				*v = nv > CSI_PARAM_MAX ? CSI_PARAM_MAX : (uint16_t)nv;
			}
			return ANSI_NONE;
		}
		if (c == ';' || c == ':') {
			if (p->nparams == 0)
				p->nparams = 1; /* ESC[;5m: the empty first parameter is 0 */
			if (p->nparams < ANSI_MAX_PARAMS) {
				p->params[p->nparams] = 0;
				if (c == ':')
					p->sub |= (uint16_t)(1u << p->nparams);
			}
			if (p->nparams <= ANSI_MAX_PARAMS)
				p->nparams++;
			return ANSI_NONE;
		}
		if (c >= CSI_FINAL_MIN && c <= CSI_FINAL_MAX) {
			p->state = ST_GROUND;
			if (p->nparams > ANSI_MAX_PARAMS)
				p->nparams = ANSI_MAX_PARAMS;
			return ansi_final(p, c);
		}
		if (c < 0x20) {
			p->state = c == ASCII_ESC ? ST_ESC : ST_GROUND;
			return c == ASCII_ESC ? ANSI_NONE : ANSI_BYTE;
		}
		if (c >= CSI_PRIVATE_MIN && c <= CSI_PRIVATE_MAX && !p->marker)
			p->marker = c;
		else if (c >= CSI_INTERMEDIATE_MIN && c <= CSI_INTERMEDIATE_MAX)
			p->intermediate = true;
		return ANSI_NONE; /* and any other byte (DEL, 0x80-0xff) is ignored */
	}
}
