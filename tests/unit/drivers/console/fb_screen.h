/* SPDX-License-Identifier: MIT */
/*
 * The screen test_fb.c and test_fb_indexed.c draw on: a framebuffer in RAM, or in fb_trap's
 * area that reports every read (use_trap, their --never-reads), filled with CANARY, with the
 * real console (fb.c) and terminal on it. screen_map sets up the memory, the console and the
 * cells; each test starts its terminal itself (with or without a scrollback). While a
 * trapped screen is drawn the trap is armed (arm/disarm, put), and the test's own checks,
 * which read the pixels, run disarmed. Header only, for one test program each.
 */
#ifndef LIOS_TEST_FB_SCREEN_H
#define LIOS_TEST_FB_SCREEN_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fb.h"
#include "fb_trap.h"
#include "scrollback.h"
#include "../../unit.h"

#define CANARY 0x5a /* the byte every framebuffer starts with: padding must keep it */

struct screen {
	struct fb_info info;
	uint8_t *mem;
	size_t size; /* bytes: pitch x height */
	struct fb_console fc;
	struct term t;
	struct con_cell *cells;
	struct con_cell *shown; /* test_fb's batch grid (term_attach_batch), or NULL */
	struct scrollback sb;   /* test_fb_indexed's; unused while sb_mem is NULL */
	void *sb_mem;
	bool trapped; /* mem is fb_trap's area: the renderer runs armed */
};

static bool use_trap; /* --never-reads: screens live in fb_trap's area (one at a time) */
/* Accesses of the renderer to every trapped screen closed so far. */
static unsigned long trapped_reads, trapped_writes;

static inline void arm(const struct screen *s)
{
	if (s->trapped)
		fb_trap_arm();
}

static inline void disarm(const struct screen *s)
{
	if (s->trapped)
		fb_trap_disarm();
}

/* s's framebuffer mapped (trapped when use_trap) and filled with CANARY, the console set up
 * on it with font at scale, the cells allocated; no scrollback, the terminal not started. */
static inline void screen_map(struct screen *s, const struct fb_info *info,
			      const struct console_font *font, unsigned scale)
{
	s->info = *info;
	s->size = (size_t)info->pitch * info->height;
	s->trapped = use_trap;
	s->mem = s->trapped ? fb_trap_map(s->size) : malloc(s->size);
	memset(s->mem, CANARY, s->size);
	CHECK_EQ(fb_console_setup(&s->fc, s->mem, info, font, scale), 0);
	s->cells = calloc((size_t)s->fc.cols * s->fc.rows, sizeof(*s->cells));
	s->shown = NULL;
	s->sb_mem = NULL;
}

/* Everything of s given back; a trapped screen's accesses added to trapped_reads/writes. */
static inline void close_screen(struct screen *s)
{
	if (s->trapped) {
		trapped_reads += fb_trap_reads();
		trapped_writes += fb_trap_writes();
		fb_trap_unmap();
	} else {
		free(s->mem);
	}
	free(s->cells);
	free(s->shown);
	free(s->sb_mem);
}

/* Write str to the terminal, the trap armed on a trapped screen. */
static inline void put(struct screen *s, const char *str)
{
	arm(s);
	term_write(&s->t, str, strlen(str));
	disarm(s);
}

/* The end of a --never-reads run: the renderer stored into the trapped screens and never
 * read one byte of them; the counts printed for who. */
static inline void check_never_read(const char *who)
{
	CHECK_EQ(trapped_reads, 0);
	CHECK(trapped_writes > 0);
	fprintf(stderr, "%s: %lu stores into video memory, %lu reads\n", who, trapped_writes,
		trapped_reads);
}

#endif
