// SPDX-License-Identifier: MIT
/*
 * The ANSI escape-sequence parser (see ansi.h for the accepted subset). A small state
 * machine: ground -> ESC -> '[' -> parameters (digits and ';') -> final byte 0x40-0x7e.
 * A CSI with more than ANSI_MAX_PARAMS parameters keeps the first ones; an ESC not
 * followed by '[' is dropped together with that byte. Control bytes inside a sequence
 * abort it and are handed to the terminal, like a real VT does with \n inside a CSI.
 */
#include "ansi.h"

enum { ST_GROUND, ST_ESC, ST_CSI };

#define ASCII_ESC 0x1b
#define CSI_PARAM_MAX 9999
#define CSI_FINAL_MIN 0x40
#define CSI_FINAL_MAX 0x7e

/* ANSI colour numbers (black red green yellow blue magenta cyan white) in VGA order. */
static const uint8_t ansi_to_vga[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };

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
	/* anything else (underline, blink, 256 colours...) is ignored */
}

static enum ansi_action ansi_final(struct ansi_parser *p, uint8_t final)
{
	unsigned n = p->nparams;
	unsigned first = p->params[0]; /* 0 when absent */

	switch (final) {
	case 'm':
		if (n == 0)
			ansi_sgr_one(p, SGR_RESET);
		for (unsigned i = 0; i < n; i++)
			ansi_sgr_one(p, p->params[i]);
		return ANSI_ATTR;
	case 'J':
		return first == 2 ? ANSI_CLEAR : ANSI_NONE;
	case 'H':
	case 'f':
		/* only the home position is supported: ESC[H, ESC[;H, ESC[1;1H */
		if (first <= 1 && (n < 2 || p->params[1] <= 1))
			return ANSI_HOME;
		return ANSI_NONE;
	case 'K':
		return first == 0 ? ANSI_ERASE_EOL : ANSI_NONE;
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
		if (c == ';') {
			if (p->nparams == 0)
				p->nparams = 1; /* ESC[;5m: the empty first parameter is 0 */
			if (p->nparams < ANSI_MAX_PARAMS)
				p->params[p->nparams] = 0;
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
		return ANSI_NONE; /* intermediate or private bytes ('?', ' ') */
	}
}
