/* SPDX-License-Identifier: MIT */
/*
 * Console fonts: bitmap tables generated at build time by tools/psf2c.py from the PSF fonts
 * of Debian's console-setup package (Terminus). 256 glyphs indexed by the CP437 byte, rows
 * top to bottom, row_bytes bytes per row, most significant bit = leftmost pixel.
 */
#ifndef CONSOLE_FONT_H
#define CONSOLE_FONT_H

#include <lios/types.h>

struct console_font {
	uint8_t width;     /* pixels, 1..16 */
	uint8_t height;    /* pixels, 1..32 */
	uint8_t row_bytes; /* bytes per glyph row: (width + 7) / 8 */
	const uint8_t *glyphs; /* 256 * height * row_bytes bytes */
};

/* Lat15-Terminus16: 8x16, the default. */
extern const struct console_font console_font_8x16;
/* Lat15-Terminus32x16: 16x32, native HiDPI font used instead of 2x scaling. */
extern const struct console_font console_font_16x32;

/* Bits of glyph row y of character ch, leftmost pixel in bit (width - 1). */
static inline uint32_t font_row_bits(const struct console_font *f, uint8_t ch, unsigned y)
{
	const uint8_t *row = f->glyphs + ((size_t)ch * f->height + y) * f->row_bytes;
	uint32_t bits = row[0];

	if (f->row_bytes > 1)
		bits = (bits << 8) | row[1];
	return bits >> (f->row_bytes * 8 - f->width);
}

#endif
