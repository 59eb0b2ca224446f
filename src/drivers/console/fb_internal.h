/* SPDX-License-Identifier: MIT */
/*
 * Private to the framebuffer renderer (fb.c, fb_glyph8.c, fb_indexed.c): the video-memory
 * access helpers, the only code that touches the framebuffer, and the entry points of the
 * 8-pixel-font fast path and of the indexed renderer.
 */
#ifndef CONSOLE_FB_INTERNAL_H
#define CONSOLE_FB_INTERNAL_H

#include <lios/string.h>
#include "fb.h"

/* Plain stores of 1, 2, 3, 4, 8, 16 and n bytes at address a (any alignment). */
static inline void fb_store8(uintptr_t a, uint8_t v) { __builtin_memcpy((void *)a, &v, 1); }
static inline void fb_store16(uintptr_t a, uint16_t v) { __builtin_memcpy((void *)a, &v, 2); }
static inline void fb_store32(uintptr_t a, uint32_t v) { __builtin_memcpy((void *)a, &v, 4); }
static inline void fb_store24(uintptr_t a, uint32_t v)
{
	uint8_t b[3] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16) };

	__builtin_memcpy((void *)a, b, 3);
}
static inline void fb_store64(uintptr_t a, uint64_t v) { __builtin_memcpy((void *)a, &v, 8); }
static inline void fb_store_bytes16(uintptr_t a, const uint32_t *src) { __builtin_memcpy((void *)a, src, 16); }
static inline void fb_store_bytes(uintptr_t a, const void *src, size_t n) { memcpy((void *)a, src, n); }

/* Vectors of 16 and 32 bytes: only used inside functions built for SSE2 or AVX2. */
typedef uint64_t fb_vec16 __attribute__((vector_size(16)));
typedef uint64_t fb_vec32 __attribute__((vector_size(32)));

/*
 * The 32 bytes at src (8 pixels of 32 bpp) stored at a in pieces of width bytes: 8 (general
 * registers), 16 (one SSE2 register each) or 32 (one AVX2 register). width must be a
 * constant, and 16 or 32 only in a function compiled for that instruction set.
 */
static inline __attribute__((always_inline)) void fb_store_row32(uintptr_t a,
								  const uint64_t *src,
								  unsigned width)
{
	if (width == 32) {
		fb_vec32 v;

		__builtin_memcpy(&v, src, 32);
		__builtin_memcpy((void *)a, &v, 32);
	} else if (width == 16) {
		fb_vec16 lo, hi;

		__builtin_memcpy(&lo, src, 16);
		__builtin_memcpy(&hi, src + 2, 16);
		__builtin_memcpy((void *)a, &lo, 16);
		__builtin_memcpy((void *)(a + 16), &hi, 16);
	} else {
		fb_store64(a, src[0]);
		fb_store64(a + 8, src[1]);
		fb_store64(a + 16, src[2]);
		fb_store64(a + 24, src[3]);
	}
}

/* Address of the top-left pixel of cell (col, row). */
static inline uintptr_t fb_cell_addr(const struct fb_console *fc, unsigned col, unsigned row)
{
	return fc->base + (uintptr_t)row * fc->cell_h * fc->pitch +
	       (uintptr_t)col * fc->cell_w * fc->bytes_pp;
}

/* Rows of the cell (counted from the bottom, in font pixels) drawn as the cursor mark. */
#define FB_CURSOR_ROWS 2u

/* fb_indexed.c: 8 bpp palette framebuffers (fc->bytes_pp == 1). */
#define FB_IX_LINE_MAX (16 * FB_MAX_SCALE) /* widest scaled glyph row, bytes */
void fb_indexed_setup(struct fb_console *fc, const struct fb_info *fb);
void fb_indexed_cell(struct fb_console *fc, unsigned col, unsigned row, struct con_cell cell,
		     bool cursor);
void fb_indexed_span(struct fb_console *fc, unsigned col, unsigned row,
		     const struct con_cell *cells, const struct con_cell *old, unsigned n);
void fb_indexed_fill(struct fb_console *fc, uint8_t v);

/* fb_glyph8.c: the 8-pixel font at 32 bpp and scale 1. */
#define FB_EDGE_TOP 1u    /* glyph rows 0-1 */
#define FB_EDGE_LOW 2u    /* glyph rows 12-13 (descenders) */
#define FB_EDGE_BOTTOM 4u /* glyph rows 14-15 */
#define FB_EDGES_ALL 7u
void fb_glyph8_setup(struct fb_console *fc);
void fb_row_lut_load(struct fb_console *fc, uint8_t attr);
void fb_span8(const struct fb_console *fc, uintptr_t dst, const struct con_cell *cells,
	      const struct con_cell *old, unsigned n, unsigned vec);

#endif
