/* SPDX-License-Identifier: MIT */
/* The console's state, shared by console.c and its self-tests (console_selftest.c). */
#ifndef CONSOLE_PRIV_H
#define CONSOLE_PRIV_H

#include <lios/bootinfo.h>
#include "fb.h"
#include "pager.h"
#include "scrollback.h"
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
	struct scrollback sb;     /* rows scrolled off the top (storage from the heap) */
	bool pager_off;           /* console.pager=off on the command line */
	unsigned batch_depth;     /* console_batch_begin calls not yet ended */
	struct console_paging {
		bool active;          /* a command's output is being paged */
		bool ended;           /* the command returned: no more output of its own */
		bool prompt_shown;    /* "-- more --" is on the last row */
		struct pager p;
		char *held;           /* output waiting for a key (heap), held_len bytes */
		size_t held_len, held_cap;
		uint64_t dropped;     /* bytes that did not fit in CONSOLE_HOLD_MAX */
	} pg;
};

extern struct console console;

/* console_pager.c: show s through the pager (console.pg.active, console.busy held). */
void console_pager_show(const char *s, size_t len);

/* The backend the boot info and command line ask for; *why says why when serial. */
enum console_backend console_choose(const struct bootinfo *bi, const char **why);

/* The VGA text grid for framebuffer tag fb: 80x25 at VGA_TEXT_PHYS without an EGA-text
 * tag, else the tag's; NULL, or why the grid cannot be used (a pitch other than 2 bytes
 * per column, a size of 0 or beyond VGA_TEXT_MAX_CELLS). */
#define VGA_TEXT_MAX_CELLS (80 * 50)
const char *console_vga_geometry(const struct fb_info *fb, unsigned *cols, unsigned *rows,
				 paddr_t *phys);

/* Why the framebuffer of bi cannot be where its tag says (the tag lies, or its size does:
 * [addr, addr + pitch * height) runs into the APIC and firmware window below 4 GiB or
 * overlaps RAM the firmware's map calls usable), or NULL. Pure. */
const char *console_fb_range_check(const struct bootinfo *bi);

#endif
