/* SPDX-License-Identifier: MIT */
/*
 * The VGA text-mode backend: 80x25 (or what the EGA-text tag says) character cells of
 * 16-bit (character | attribute << 8) at physical 0xB8000 (or 0xB0000), the hardware
 * cursor moved through the CRT controller at the ports the VGA selects for it, once vga_text_probe() found a VGA showing that buffer.
 * Kernel only; its host test (test_vga_text) compiles it against a simulated CRT and
 * graphics controller.
 */
#ifndef CONSOLE_VGA_TEXT_H
#define CONSOLE_VGA_TEXT_H

#include "term.h"

#define VGA_TEXT_PHYS 0xB8000

struct vga_text {
	volatile uint16_t *mem; /* cell (0,0); virtual */
	unsigned cols, rows;    /* characters */
	uint16_t crtc_port;     /* the CRTC's index port, 0x3B4 or 0x3D4 (data: + 1) */
};

/* NULL when a VGA shows text from the buffer at phys (VGA_TEXT_PHYS or 0xB0000), mapped
 * uncached at mem; else why not (no VGA registers, a graphics mode, memory mapped
 * elsewhere, no memory answering there). Leaves registers and screen as they were. */
const char *vga_text_probe(volatile uint16_t *mem, paddr_t phys);

/* Use the text buffer mapped at mem (cols x rows), the CRTC at the ports bit 0 of the
 * Miscellaneous Output register selects, and enable an underline hardware cursor on the
 * last two scan lines of the cell (its height read from the CRTC). */
void vga_text_setup(struct vga_text *v, void *mem, unsigned cols, unsigned rows);

/* First and last scan line of the underline cursor (CRTC registers 0x0A and 0x0B). */
struct vga_cursor_shape {
	uint8_t first, last;
};
/* The cursor for a cell whose CRTC Maximum Scan Line register (0x09) reads max_scan_line:
 * its last two scan lines. Pure. */
struct vga_cursor_shape vga_cursor_shape(uint8_t max_scan_line);

/* Backend operations for term.c; ctx is the struct vga_text. */
extern const struct con_backend_ops vga_text_ops;

#endif
