/* SPDX-License-Identifier: MIT */
/*
 * The framebuffer console backend: draws text cells into a linear direct-colour
 * framebuffer of 15, 16, 24 or 32 bits per pixel, any pitch, any channel positions (RGB or
 * BGR as the Multiboot2 tag says), or an indexed (palette) one of 8 bits per pixel
 * (fb_indexed.c), with a PSF font scaled by an integer factor. Pure C: the host tests and
 * benchmarks render into RAM with the same code.
 *
 * Geometry: cell (col, row) covers pixels (col * cell_w, row * cell_h) to
 * ((col + 1) * cell_w - 1, (row + 1) * cell_h - 1), cell_w = font width * scale; no margins.
 *
 * Video memory is only written, never read: every access goes through the fb_store*()
 * helpers. The host test test_fb --never-reads draws on framebuffers that report every
 * read (tests/support/fb_trap.h) and checks there are none.
 */
#ifndef CONSOLE_FB_H
#define CONSOLE_FB_H

#include <lios/bootinfo.h>
#include <lios/compiler.h>
#include "font.h"
#include "term.h"

#define FB_MAX_SCALE 8
#define FB_PALETTE_SIZE 16

struct fb_console {
	uintptr_t base;          /* virtual address of pixel (0, 0); only fb_store*() use it */
	uint32_t width, height;  /* pixels */
	uint32_t pitch;          /* bytes per line */
	uint8_t bpp;             /* bits per pixel: 15, 16, 24 or 32; 8 when indexed */
	uint8_t bytes_pp;        /* bytes per pixel: 2, 3 or 4; 1 when indexed */
	uint8_t red_pos, red_size;     /* channel bit position and width */
	uint8_t green_pos, green_size;
	uint8_t blue_pos, blue_size;
	uint32_t palette[FB_PALETTE_SIZE]; /* the 16 console colours as pixel values */
	/* indexed (fb_indexed.c): entries in the loader's palette; console colours it holds
	 * exactly; ix_contrast[c] = the entry farthest from the one drawn for colour c (the
	 * foreground when it would equal the background); ix_lut[n] = the 4 pixels of glyph
	 * nibble n, left pixel in the low byte, for attribute ix_lut_attr (-1: none) */
	uint16_t ix_colors;
	uint8_t ix_exact;
	uint8_t ix_contrast[FB_PALETTE_SIZE];
	uint32_t ix_lut[16];
	int ix_lut_attr;
	const struct console_font *font;
	unsigned scale;          /* 1..FB_MAX_SCALE */
	unsigned cell_w, cell_h; /* pixels */
	unsigned cols, rows;     /* text cells that fit */
	uint32_t lut[16][4];     /* 32 bpp fast path: glyph nibble -> 4 pixels for lut_attr */
	int lut_attr;            /* attribute lut[] holds, -1: none */
	/* 32 bpp, 8-pixel font: row_lut[b] = the 8 pixels of glyph row byte b (32 bytes, left
	 * pixel at the lowest address) for row_lut_attr (-1: none), see fb_glyph8.c; at 15,
	 * 16 and 24 bpp the same pixels packed in its first 16 or 24 bytes (fb.c) */
	uint64_t row_lut[256][4] __attribute__((aligned(64)));
	int row_lut_attr;
	/* 8x16 font (fb_glyph8.c): glyph_off[y][ch] = byte offset in row_lut of glyph ch's
	 * row y; glyph_edges[ch] = its edge row groups that have a pixel set (FB_EDGE_*) */
	uint16_t glyph_off[16][256];
	uint8_t glyph_edges[256];
	/* widest vector store the 8-pixel fast path may use: 0, 16 or 32 bytes; set to
	 * arch_simd_bytes() by fb_console_setup(), tests lower it to compare the paths */
	unsigned simd_bytes;
	/* spans the fast path drew with general registers although simd_bytes allowed vectors,
	 * because another section held them (an interrupted draw, a panic) */
	unsigned long simd_refused;
};

/*
 * Prepare fc to draw into the framebuffer fb mapped at base, with font scaled by scale.
 * Returns 0, or -ENOTSUP for an unsupported format (RGB: bpp, channel sizes; indexed: see
 * fb_indexed_check), or -EINVAL for a bad scale, a pitch shorter than a line of pixels or
 * a screen where not even one cell fits (fb_console_refusal says which). Draws nothing.
 */
int fb_console_setup(struct fb_console *fc, void *base, const struct fb_info *fb,
		     const struct console_font *font, unsigned scale);

/* Why fb_console_setup() refuses fb with font at scale (a sentence), or NULL when it does
 * not. */
const char *fb_console_refusal(const struct fb_info *fb, const struct console_font *font,
			       unsigned scale);

/* Pixel value of an 8-bit-per-channel colour in fc's format. */
uint32_t fb_pixel(const struct fb_console *fc, uint8_t r, uint8_t g, uint8_t b);

/* Draw one cell (glyph ch in attr's colours, the cursor mark as an underline when cursor). */
void fb_draw_cell(struct fb_console *fc, unsigned col, unsigned row, struct con_cell cell,
		  bool cursor);

/* Show n consecutive cells of one row (no cursor): what scrolling uses. old (or NULL) is
 * what the screen shows there now; glyph rows that stay the same are not rewritten. */
void fb_draw_span(struct fb_console *fc, unsigned col, unsigned row,
		  const struct con_cell *cells, const struct con_cell *old, unsigned n);

/* Fill the whole framebuffer (also the margin right/below the cells) with colour index. */
void fb_fill(struct fb_console *fc, unsigned color);

/* Why the indexed framebuffer fb cannot be drawn on (a sentence), or NULL when it can. */
const char *fb_indexed_check(const struct fb_info *fb);

/* The 16 colours drawn are ansi.h's con_rgb_colors (the terminal's colour model). */
static_assert(FB_PALETTE_SIZE == CON_COLORS, "one pixel value per console colour");

/* Backend operations for term.c; ctx is the struct fb_console. */
extern const struct con_backend_ops fb_console_ops;

#endif
