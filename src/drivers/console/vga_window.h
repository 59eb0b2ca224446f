/* SPDX-License-Identifier: MIT */
/*
 * The VGA text window (vga_window.c): where an EGA text tag may put the text screen (only
 * in the PC's legacy text window, so a loader's or a corrupt boot information's address
 * never makes the console store characters into RAM the kernel uses), and whether text
 * memory answers there at all (nothing does where no display decodes the window).
 */
#ifndef CONSOLE_VGA_WINDOW_H
#define CONSOLE_VGA_WINDOW_H

#include <lios/types.h>

/* The legacy video memory window and the text buffers inside it (IBM VGA: 0xA0000 is the
 * graphics modes', 0xB0000 the monochrome text modes', 0xB8000 the colour text modes'). */
#define VGA_WINDOW_START 0xA0000
#define VGA_WINDOW_END 0xC0000
#define VGA_TEXT_MONO_PHYS 0xB0000

/* NULL when a text screen of rows rows, pitch bytes apart (at least 2 bytes per column of
 * cols), at physical addr lies in the legacy window at a text buffer's start, else why
 * not. Pure, no overflow for any input. */
const char *vga_text_window_check(paddr_t addr, unsigned cols, unsigned rows, uint32_t pitch);

/* What the probe stores into the cell it tries, then its complement: each bit is seen
 * holding a 0 and a 1. Neither is a blank cell nor all zeros or ones. */
#define VGA_PROBE_PATTERN 0xa55a

/* How the probe reaches one text cell: the kernel's are volatile 16-bit loads and stores
 * (vga_text_mem_answers); a host test passes a simulated cell. */
struct vga_cell_io {
	uint16_t (*read)(void *ctx);
	void (*write)(void *ctx, uint16_t v);
	void *ctx;
};

/* Whether the cell behind io holds what is stored into it: VGA_PROBE_PATTERN and its
 * complement each read back whole. The cell's content is stored back at the end, whatever
 * the answer. False where nothing decodes the window (reads float to all ones), for a cell
 * stuck at any value, or one with a bit that does not hold. Any context. */
bool vga_text_cell_answers(const struct vga_cell_io *io);

/* vga_text_cell_answers for the text cell mapped (uncached) at cell. */
bool vga_text_mem_answers(volatile uint16_t *cell);

#endif
