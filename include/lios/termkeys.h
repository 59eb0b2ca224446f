/* SPDX-License-Identifier: MIT */
/*
 * Terminal input to key events (src/kernel/shell/termkeys.c): the bytes a serial terminal sends
 * (UTF-8 characters, CR or CR LF for Enter, DEL or BS for Backspace, control characters,
 * VT100/xterm sequences for the cursor and editing keys) become the same struct kbd_event
 * the keyboard produces, so the shell's line editor treats both alike. Pure; host-tested.
 */
#ifndef LIOS_TERMKEYS_H
#define LIOS_TERMKEYS_H

#include <lios/kbd.h>

struct termkeys {
	uint8_t state;     /* TERMKEYS_* position inside an escape sequence */
	uint8_t param;     /* numeric parameter of ESC [ n ~ */
	uint8_t mod;       /* xterm modifier parameter of ESC [ n ; m ~ (1 + bits), 0: none */
	bool in_mod;       /* digits now go to mod */
	uint32_t utf8;     /* code point being assembled */
	uint8_t utf8_left; /* continuation bytes still expected */
	uint32_t utf8_min; /* least code point of this length; UINT32_MAX: lead past F4 */
	bool last_cr;      /* a CR was the last byte: its LF is not a second Enter */
};

/* Start in the plain state. Pure. */
void termkeys_init(struct termkeys *t);
/* Feed one byte; true and *ev filled (a press; modifiers only from an xterm modifier
 * parameter, e.g. Shift+PgUp as ESC [ 5 ; 2 ~) when it completed a key.
 * Unknown escape sequences are swallowed whole. Pure. */
bool termkeys_byte(struct termkeys *t, uint8_t b, struct kbd_event *ev);

#endif
