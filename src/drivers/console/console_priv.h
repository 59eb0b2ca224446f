/* SPDX-License-Identifier: MIT */
/* The console's state, shared by console.c and its self-tests (console_selftest.c). */
#ifndef CONSOLE_PRIV_H
#define CONSOLE_PRIV_H

#include <lios/bootinfo.h>
#include "fb.h"
#include "term.h"
#include "vga_text.h"

enum console_backend { CONSOLE_SERIAL, CONSOLE_VGA_TEXT, CONSOLE_FB };

struct console {
	enum console_backend backend;
	const char *why;          /* CONSOLE_SERIAL: why there is no screen */
	struct term term;
	struct vga_text vga;
	struct fb_console fb;
	bool busy;                /* a write is in progress (reentry is dropped) */
};

extern struct console console;

/* The backend the boot info and command line ask for; *why says why when serial. */
enum console_backend console_choose(const struct bootinfo *bi, const char **why);

#endif
