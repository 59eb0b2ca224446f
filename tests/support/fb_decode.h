/* SPDX-License-Identifier: MIT */
/*
 * Reading a framebuffer console's screen back in host tests (tests/unit/drivers/console):
 * the colours the console must show, a font's glyph bits, the character a cell shows
 * (found from its pixels) and a cell checked pixel by pixel against the glyph it should
 * show, both through the test's own pixel reader (32-bit RGB or a palette index, whatever
 * the format under test is). Header only; pure.
 */
#ifndef LIOS_TESTS_FB_DECODE_H
#define LIOS_TESTS_FB_DECODE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "fb.h"

/* Standard VGA text colours 0xRRGGBB (IBM VGA palette): what each console colour must look
 * like. */
static const uint32_t fb_vga_rgb[16] = {
	0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa,
	0x555555, 0x5555ff, 0x55ff55, 0x55ffff, 0xff5555, 0xff55ff, 0xffff55, 0xffffff,
};

/* Bit (x, y) of glyph ch of font f: 1 where the glyph is drawn in the foreground colour. */
static inline bool fb_glyph_bit(const struct console_font *f, uint8_t ch, unsigned x, unsigned y)
{
	const uint8_t *row = f->glyphs + ((size_t)ch * f->height + y) * f->row_bytes;

	return (row[x / 8] >> (7 - x % 8)) & 1;
}

/* The colour of pixel (x, y) as the test reads it (0xRRGGBB). */
typedef uint32_t (*fb_pixel_fn)(const void *screen, unsigned x, unsigned y);

/* The character cell (col, row) of console fc shows: the printable glyph whose bits are
 * exactly the pixels that differ from the cell's top-left pixel (the background), read
 * through pixel(screen, x, y); -1 when none matches. */
static inline int fb_decode_cell(const struct fb_console *fc, fb_pixel_fn pixel, const void *screen,
				 unsigned col, unsigned row)
{
	const struct console_font *f = fc->font;
	uint32_t bg = pixel(screen, col * fc->cell_w, row * fc->cell_h);

	for (int ch = 0x20; ch < 0x7f; ch++) {
		bool ok = true;

		for (unsigned y = 0; y < f->height && ok; y++)
			for (unsigned x = 0; x < f->width && ok; x++)
				ok = fb_glyph_bit(f, (uint8_t)ch, x, y) ==
				     (pixel(screen, col * fc->cell_w + x * fc->scale,
					    row * fc->cell_h + y * fc->scale) != bg);
		if (ok)
			return ch;
	}
	return -1;
}

/* Compares every pixel of cell (col, row) with glyph ch drawn in fg on bg (0xRRGGBB), with
 * the live cursor's two bottom font rows in fg when cursor is true, read through
 * pixel(screen, x, y); prints the first wrong pixels (while *bad < 5) and adds the number
 * of wrong ones to *bad. */
static inline void fb_check_cell(const struct fb_console *fc, fb_pixel_fn pixel, const void *screen,
				 unsigned col, unsigned row, uint8_t ch, bool cursor, uint32_t fg,
				 uint32_t bg, long *bad)
{
	const struct console_font *f = fc->font;

	for (unsigned py = 0; py < fc->cell_h; py++)
		for (unsigned px = 0; px < fc->cell_w; px++) {
			unsigned fx = px / fc->scale, fy = py / fc->scale;
			bool on = fb_glyph_bit(f, ch, fx, fy) || (cursor && fy >= f->height - 2u);
			uint32_t got = pixel(screen, col * fc->cell_w + px, row * fc->cell_h + py);

			if (got != (on ? fg : bg) && (*bad)++ < 5)
				fprintf(stderr, "cell %u,%u pixel %u,%u: %06x want %06x\n", col,
					row, px, py, got, on ? fg : bg);
		}
}

#endif
