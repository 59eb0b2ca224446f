// SPDX-License-Identifier: MIT
/*
 * The renderer's fast path for the common cases: fonts 8 or 16 pixels wide (the built-in
 * 8x16 and 16x32) at 32 bpp, scale 1, which is what scrolling a full text screen spends
 * its time in (fb.c dispatches here).
 *
 * A glyph row is one byte per 8 pixels; fc->row_lut[byte] holds those 8 pixels (32 bytes)
 * in the current attribute's colours, so 8 pixels are one table load and one 32-byte
 * store, done in pieces as wide as the CPU allows: four 64-bit general-register stores,
 * two SSE2 stores or one AVX2 store (fb_store_row32()). The code below is written once,
 * as always-inline functions taking that width, and compiled three times: plainly (the
 * kernel's -mgeneral-regs-only) and with target attributes for SSE2 and AVX2. The vector
 * versions run only inside arch_simd_begin()/arch_simd_end() (fb.c), whose contract makes
 * that safe in the kernel; every version writes the same pixels.
 *
 * The 8x16 font goes two cells at a time, pixel line by pixel line (fb_pair8x16()): each
 * pixel line of the pair fills one 64-byte cache line with stores in a row. One cell at a
 * time was twice as slow as a copy of the screen at 1024x768: with a pitch of 4096 bytes
 * the 16 lines of a cell fall in one L1 cache set, more than its ways, so the half of a
 * 64-byte line written for one cell was often evicted before its neighbour wrote the other
 * half and had to be fetched again (1920 * 4 is not a multiple of 4 KiB, so 1080p suffered
 * less). When scrolling, rows 0-1, 12-13 and 14-15 of a cell are skipped when they stay
 * the same (known from the old cell, never by reading video memory).
 *
 * A 16-pixel glyph row is 64 bytes, a whole cache line by itself: that font goes cell by
 * cell and skips each glyph row that stays the same (fb_span16()).
 *
 * Measured on one machine, scrolling a full 1024x768 screen over one rep-movsb copy of it
 * (./lios bench): 1.36 with 64-bit stores, 1.09 with SSE2, 0.90 with AVX2; a 3840x2160
 * screen with the 16x32 font: 1.4-2.0 with the nibble table fb.c used before, 0.62 here.
 */
#include <lios/compiler.h>
#include "fb_internal.h"

/*
 * fb_row_lut_load - make fc->row_lut hold attr's colours: row_lut[b] = the 8 pixels of
 * glyph row byte b (bit 7 leftmost, left pixel at the lowest address). Any context.
 */
void fb_row_lut_load(struct fb_console *fc, uint8_t attr)
{
	uint32_t fg = fc->palette[CON_ATTR_FG(attr)];
	uint32_t bg = fc->palette[CON_ATTR_BG(attr)];

	if (fc->row_lut_attr == (int)attr)
		return;
	for (unsigned b = 0; b < 256; b++)
		for (unsigned x = 0; x < 8; x += 2) {
			uint64_t left = b >> (7 - x) & 1 ? fg : bg;
			uint64_t right = b >> (6 - x) & 1 ? fg : bg;

			fc->row_lut[b][x / 2] = right << 32 | left;
		}
	fc->row_lut_attr = attr;
}

#define FB_INLINE static inline __attribute__((always_inline))

/* Glyph row byte b at p: 32 bytes in pieces of w bytes. */
FB_INLINE void fb_row8(const struct fb_console *fc, uintptr_t p, unsigned b, unsigned w)
{
	fb_store_row32(p, fc->row_lut[b], w);
}

/* Glyph rows g[0], g[1] at p and p + pitch. */
FB_INLINE void fb_rows2(const struct fb_console *fc, uintptr_t p, const uint8_t *g, unsigned w)
{
	fb_row8(fc, p, g[0], w);
	fb_row8(fc, p + fc->pitch, g[1], w);
}

/* Glyph row byte a at p and b at p + 32: one 64-byte line when p is 64-byte aligned. */
FB_INLINE void fb_row8x2(const struct fb_console *fc, uintptr_t p, unsigned a, unsigned b,
			 unsigned w)
{
	fb_row8(fc, p, a, w);
	fb_row8(fc, p + 32, b, w);
}

/* Which glyph rows of an 8x16 cell need storing: the rest stay the same on screen. */
struct fb_edges {
	bool top;    /* rows 0-1 */
	bool low;    /* rows 12-13 (descenders) */
	bool bottom; /* rows 14-15 */
};

/*
 * Rows whose pixels stay the same could be skipped, but which ones differ is close to
 * random from cell to cell and a mispredicted branch costs more than the stores it saves.
 * Only the edge groups are tested (two rows at once): rows 0-1, 12-13 and 14-15 are blank
 * in most glyphs, so those branches are well predicted and skip up to six rows of most
 * cells. g is the new glyph, o the old one (NULL: different colours, store all).
 */
FB_INLINE struct fb_edges fb_edges8x16(const uint8_t *g, const uint8_t *o)
{
	uint64_t g0, g1, o0, o1, d1;

	if (!o)
		return (struct fb_edges){ true, true, true };
	__builtin_memcpy(&g0, g, 8);
	__builtin_memcpy(&g1, g + 8, 8);
	__builtin_memcpy(&o0, o, 8);
	__builtin_memcpy(&o1, o + 8, 8);
	/* little-endian: byte y of g0 is glyph row y, byte y of g1 row 8 + y */
	d1 = g1 ^ o1;
	return (struct fb_edges){ (uint16_t)(g0 ^ o0) != 0, (uint16_t)(d1 >> 32) != 0,
				  d1 >> 48 != 0 };
}

/* One cell of the 8x16 font at p: glyph g, old glyph o (NULL: different colours). */
FB_INLINE void fb_cell8x16(const struct fb_console *fc, uintptr_t p, const uint8_t *g,
			   const uint8_t *o, unsigned w)
{
	size_t pitch = fc->pitch;
	struct fb_edges e = fb_edges8x16(g, o);

	/* written out: the compiler does not unroll the loop by itself */
	if (e.top)
		fb_rows2(fc, p, g, w);
	fb_rows2(fc, p + 2 * pitch, g + 2, w);
	fb_rows2(fc, p + 4 * pitch, g + 4, w);
	fb_rows2(fc, p + 6 * pitch, g + 6, w);
	fb_rows2(fc, p + 8 * pitch, g + 8, w);
	fb_rows2(fc, p + 10 * pitch, g + 10, w);
	if (e.low)
		fb_rows2(fc, p + 12 * pitch, g + 12, w);
	if (e.bottom)
		fb_rows2(fc, p + 14 * pitch, g + 14, w);
}

/*
 * Two neighbouring cells of the 8x16 font at p (64-byte aligned): glyphs g and h, old
 * glyphs o and q (NULL: different colours). Each pixel line of the pair is one whole
 * 64-byte cache line, written before the next line.
 */
FB_INLINE void fb_pair8x16(const struct fb_console *fc, uintptr_t p, const uint8_t *g,
			   const uint8_t *h, const uint8_t *o, const uint8_t *q, unsigned w)
{
	size_t pitch = fc->pitch;
	struct fb_edges eg = fb_edges8x16(g, o), eh = fb_edges8x16(h, q);

	if (eg.top)
		fb_rows2(fc, p, g, w);
	if (eh.top)
		fb_rows2(fc, p + 32, h, w);
	/* rows 2-11 nearly always change: written out (no branch, no loop counter) */
	fb_row8x2(fc, p + 2 * pitch, g[2], h[2], w);
	fb_row8x2(fc, p + 3 * pitch, g[3], h[3], w);
	p += 4 * pitch;
	fb_row8x2(fc, p, g[4], h[4], w);
	fb_row8x2(fc, p + pitch, g[5], h[5], w);
	fb_row8x2(fc, p + 2 * pitch, g[6], h[6], w);
	fb_row8x2(fc, p + 3 * pitch, g[7], h[7], w);
	p += 4 * pitch;
	fb_row8x2(fc, p, g[8], h[8], w);
	fb_row8x2(fc, p + pitch, g[9], h[9], w);
	fb_row8x2(fc, p + 2 * pitch, g[10], h[10], w);
	fb_row8x2(fc, p + 3 * pitch, g[11], h[11], w);
	p += 4 * pitch;
	if (eg.low)
		fb_rows2(fc, p, g + 12, w);
	if (eh.low)
		fb_rows2(fc, p + 32, h + 12, w);
	if (eg.bottom)
		fb_rows2(fc, p + 2 * pitch, g + 14, w);
	if (eh.bottom)
		fb_rows2(fc, p + 2 * pitch + 32, h + 14, w);
}

/* The 8x16 glyph of cells[k], and of old[k] when that has the same colours (else NULL). */
FB_INLINE const uint8_t *fb_glyph16(const struct console_font *f,
				    const struct con_cell *cells, unsigned k)
{
	return f->glyphs + (size_t)cells[k].ch * 16;
}

FB_INLINE const uint8_t *fb_old16(const struct console_font *f, const struct con_cell *cells,
				  const struct con_cell *old, unsigned k)
{
	return old && old[k].attr == cells[k].attr ? fb_glyph16(f, old, k) : NULL;
}

/* cells[0..n) of the 8x16 font at dst, in pairs where a pair fills whole 64-byte lines. */
FB_INLINE void fb_span8x16(const struct fb_console *fc, uintptr_t dst,
			   const struct con_cell *cells, const struct con_cell *old, unsigned n,
			   unsigned w)
{
	const struct console_font *f = fc->font;

	for (unsigned k = 0; k < n; k++, dst += 32) {
		/* a lone cell when the pair would straddle two lines, or at the end */
		if (k + 1 == n || dst & 32) {
			fb_cell8x16(fc, dst, fb_glyph16(f, cells, k), fb_old16(f, cells, old, k), w);
			continue;
		}
		fb_pair8x16(fc, dst, fb_glyph16(f, cells, k), fb_glyph16(f, cells, k + 1),
			    fb_old16(f, cells, old, k), fb_old16(f, cells, old, k + 1), w);
		k++;
		dst += 32;
	}
}

/*
 * cells[0..n) of a 16-pixel-wide font (two bytes per glyph row, 64 bytes of pixels: one
 * cache line when the cell starts on one) at dst. Glyph rows that stay the same are
 * skipped one by one: at 64 bytes per row a skipped row saves more than a mispredicted
 * branch costs.
 */
FB_INLINE void fb_span16(const struct fb_console *fc, uintptr_t dst,
			 const struct con_cell *cells, const struct con_cell *old, unsigned n,
			 unsigned w)
{
	const struct console_font *f = fc->font;
	size_t stride = (size_t)f->height * 2;

	for (unsigned k = 0; k < n; k++, dst += 64) {
		const uint8_t *g = f->glyphs + cells[k].ch * stride, *end = g + stride;
		const uint8_t *o = old && old[k].attr == cells[k].attr ?
				   f->glyphs + old[k].ch * stride : NULL;
		uintptr_t p = dst;

		for (; g < end; g += 2, p += fc->pitch) {
			if (o) {
				bool same = g[0] == o[0] && g[1] == o[1];

				o += 2;
				if (same)
					continue;
			}
			fb_row8x2(fc, p, g[0], g[1], w);
		}
	}
}

/* cells[0..n) at dst for the font's width, in stores of w bytes. */
FB_INLINE void fb_span_rows(const struct fb_console *fc, uintptr_t dst,
			    const struct con_cell *cells, const struct con_cell *old, unsigned n,
			    unsigned w)
{
	if (fc->font->width == 16)
		fb_span16(fc, dst, cells, old, n, w);
	else
		fb_span8x16(fc, dst, cells, old, n, w);
}

/* The three compiled versions: 64-bit, SSE2 and AVX2 stores. */
static void fb_span_gp(const struct fb_console *fc, uintptr_t dst,
		       const struct con_cell *cells, const struct con_cell *old, unsigned n)
{
	fb_span_rows(fc, dst, cells, old, n, 8);
}

__simd_target("sse2")
static void fb_span_sse2(const struct fb_console *fc, uintptr_t dst,
			 const struct con_cell *cells, const struct con_cell *old, unsigned n)
{
	fb_span_rows(fc, dst, cells, old, n, 16);
}

__simd_target("avx2")
static void fb_span_avx2(const struct fb_console *fc, uintptr_t dst,
			 const struct con_cell *cells, const struct con_cell *old, unsigned n)
{
	fb_span_rows(fc, dst, cells, old, n, 32);
}

/* Any other height of an 8-pixel font: every glyph row, cell by cell. */
static void fb_span8_any(const struct fb_console *fc, uintptr_t dst,
			 const struct con_cell *cells, unsigned n)
{
	const struct console_font *f = fc->font;
	unsigned h = f->height;

	for (unsigned k = 0; k < n; k++, dst += 32) {
		const uint8_t *g = f->glyphs + (size_t)cells[k].ch * h;

		for (unsigned y = 0; y < h; y++)
			fb_row8(fc, dst + y * fc->pitch, g[y], 8);
	}
}

/*
 * fb_span8 - cells[0..n) of a font 8 or 16 pixels wide at dst (the first cell's top-left
 * pixel); they share one attribute and fc->row_lut holds it; old (or NULL) is what the
 * screen shows there now. vec is the vector width to store with, 0, 16 or 32: nonzero
 * only inside an open arch_simd_begin() section (and 32 only where arch_simd_bytes() is
 * 32).
 */
void fb_span8(const struct fb_console *fc, uintptr_t dst, const struct con_cell *cells,
	      const struct con_cell *old, unsigned n, unsigned vec)
{
	if (fc->font->width == 8 && fc->font->height != 16)
		fb_span8_any(fc, dst, cells, n);
	else if (vec == 32)
		fb_span_avx2(fc, dst, cells, old, n);
	else if (vec == 16)
		fb_span_sse2(fc, dst, cells, old, n);
	else
		fb_span_gp(fc, dst, cells, old, n);
}
