/* SPDX-License-Identifier: MIT */
/*
 * The VGA text-mode backend: 80x25 (or what the EGA-text tag says) character cells of
 * 16-bit (character | attribute << 8) at physical 0xB8000, the hardware cursor moved
 * through the CRT controller. Kernel only.
 */
#ifndef CONSOLE_VGA_TEXT_H
#define CONSOLE_VGA_TEXT_H

#include "term.h"

#define VGA_TEXT_PHYS 0xB8000

struct vga_text {
	volatile uint16_t *mem; /* cell (0,0); virtual */
	unsigned cols, rows;    /* characters */
};

/* Use the text buffer mapped at mem (cols x rows) and enable an underline hardware cursor. */
void vga_text_setup(struct vga_text *v, void *mem, unsigned cols, unsigned rows);

/* Backend operations for term.c; ctx is the struct vga_text. */
extern const struct con_backend_ops vga_text_ops;

#endif
