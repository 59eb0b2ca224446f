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
 * less). When scrolling, rows 0-1, 12-13 and 14-15 of a cell are skipped when they are
 * blank in the old glyph and in the new one (known from the old cell, never by reading
 * video memory). The hot loop is three instructions per 32-byte store: glyph row offsets
 * come precomputed from fc->glyph_off[y][ch] (no shift, no glyph address), the edge
 * groups from fc->glyph_edges[ch] (fb_glyph8_setup()).
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

/*
 * fb_glyph8_setup - fill fc->glyph_off[] and fc->glyph_edges[] from fc->font when it is
 * 8x16 (the fast path's tables; other fonts leave them unused). Any context.
 */
void fb_glyph8_setup(struct fb_console *fc)
{
	const struct console_font *f = fc->font;

	if (f->width != 8 || f->height != 16)
		return;
	for (unsigned ch = 0; ch < 256; ch++) {
		const uint8_t *g = f->glyphs + ch * 16;

		for (unsigned y = 0; y < 16; y++)
			fc->glyph_off[y][ch] = (uint16_t)(g[y] * sizeof(fc->row_lut[0]));
		fc->glyph_edges[ch] = (uint8_t)((g[0] | g[1] ? FB_EDGE_TOP : 0) |
						(g[12] | g[13] ? FB_EDGE_LOW : 0) |
						(g[14] | g[15] ? FB_EDGE_BOTTOM : 0));
	}
}

/* Glyph row byte b at p: 32 bytes in pieces of w bytes. */
FB_INLINE void fb_row8(const struct fb_console *fc, uintptr_t p, unsigned b, unsigned w)
{
	fb_store_row32(p, fc->row_lut[b], w);
}

/* Glyph row byte a at p and b at p + 32: one 64-byte line when p is 64-byte aligned. */
FB_INLINE void fb_row8x2(const struct fb_console *fc, uintptr_t p, unsigned a, unsigned b,
			 unsigned w)
{
	fb_row8(fc, p, a, w);
	fb_row8(fc, p + 32, b, w);
}

/* Row y of 8x16 glyph ch at p: fc->glyph_off[] gives its pixels' place in fc->row_lut. */
FB_INLINE void fb_line16(const struct fb_console *fc, uintptr_t p, unsigned y, unsigned ch,
			 unsigned w)
{
	const uint8_t *lut = (const uint8_t *)fc->row_lut;

	fb_store_row32(p, (const uint64_t *)(lut + fc->glyph_off[y][ch]), w);
}

/* Rows y and y + 1 of glyph ch at p and p + pitch. */
FB_INLINE void fb_lines16x2(const struct fb_console *fc, uintptr_t p, unsigned y, unsigned ch,
			    unsigned w)
{
	fb_line16(fc, p, y, ch, w);
	fb_line16(fc, p + fc->pitch, y + 1, ch, w);
}

/*
 * Which edge row groups of an 8x16 cell need storing (FB_EDGE_* bits), the rest stay the
 * same on screen. Rows whose pixels stay the same could be skipped, but which ones differ
 * is close to random from cell to cell and a mispredicted branch costs more than the
 * stores it saves. Only the edge groups are tested (two rows at once): rows 0-1, 12-13 and
 * 14-15 are blank in most glyphs, so those branches are well predicted and skip up to six
 * rows of most cells. A group is skipped when it is blank in the old glyph and in the new
 * one (fc->glyph_edges[], one load each; the colours are the same, fb_span8()'s contract);
 * force is FB_EDGES_ALL when the old content is unknown.
 */
FB_INLINE unsigned fb_edges8x16(const struct fb_console *fc, uint8_t now, uint8_t was,
				unsigned force)
{
	return fc->glyph_edges[now] | fc->glyph_edges[was] | force;
}

/* One cell of the 8x16 font at p: glyph a, edge groups e (fb_edges8x16()). */
FB_INLINE void fb_cell8x16(const struct fb_console *fc, uintptr_t p, unsigned a, unsigned e,
			   unsigned w)
{
	size_t pitch = fc->pitch;

	/* written out: the compiler does not unroll the loop by itself */
	if (e & FB_EDGE_TOP)
		fb_lines16x2(fc, p, 0, a, w);
	fb_lines16x2(fc, p + 2 * pitch, 2, a, w);
	fb_lines16x2(fc, p + 4 * pitch, 4, a, w);
	fb_lines16x2(fc, p + 6 * pitch, 6, a, w);
	fb_lines16x2(fc, p + 8 * pitch, 8, a, w);
	fb_lines16x2(fc, p + 10 * pitch, 10, a, w);
	if (e & FB_EDGE_LOW)
		fb_lines16x2(fc, p + 12 * pitch, 12, a, w);
	if (e & FB_EDGE_BOTTOM)
		fb_lines16x2(fc, p + 14 * pitch, 14, a, w);
}

/* Row y of glyphs a and b side by side at p: one 64-byte line when p is 64-byte aligned. */
FB_INLINE void fb_line16x2(const struct fb_console *fc, uintptr_t p, unsigned y, unsigned a,
			   unsigned b, unsigned w)
{
	fb_line16(fc, p, y, a, w);
	fb_line16(fc, p + 32, y, b, w);
}

/*
 * Two neighbouring cells of the 8x16 font at p (64-byte aligned): glyphs a and b, edge
 * groups ea and eb. Each pixel line of the pair is one whole 64-byte cache line, written
 * before the next line.
 */
FB_INLINE void fb_pair8x16(const struct fb_console *fc, uintptr_t p, unsigned a, unsigned b,
			   unsigned ea, unsigned eb, unsigned w)
{
	size_t pitch = fc->pitch;

	if (ea & FB_EDGE_TOP)
		fb_lines16x2(fc, p, 0, a, w);
	if (eb & FB_EDGE_TOP)
		fb_lines16x2(fc, p + 32, 0, b, w);
	/* rows 2-11 nearly always change: written out (no branch, no loop counter) */
	fb_line16x2(fc, p + 2 * pitch, 2, a, b, w);
	fb_line16x2(fc, p + 3 * pitch, 3, a, b, w);
	p += 4 * pitch;
	fb_line16x2(fc, p, 4, a, b, w);
	fb_line16x2(fc, p + pitch, 5, a, b, w);
	fb_line16x2(fc, p + 2 * pitch, 6, a, b, w);
	fb_line16x2(fc, p + 3 * pitch, 7, a, b, w);
	p += 4 * pitch;
	fb_line16x2(fc, p, 8, a, b, w);
	fb_line16x2(fc, p + pitch, 9, a, b, w);
	fb_line16x2(fc, p + 2 * pitch, 10, a, b, w);
	fb_line16x2(fc, p + 3 * pitch, 11, a, b, w);
	p += 4 * pitch;
	if (ea & FB_EDGE_LOW)
		fb_lines16x2(fc, p, 12, a, w);
	if (eb & FB_EDGE_LOW)
		fb_lines16x2(fc, p + 32, 12, b, w);
	if (ea & FB_EDGE_BOTTOM)
		fb_lines16x2(fc, p + 2 * pitch, 14, a, w);
	if (eb & FB_EDGE_BOTTOM)
		fb_lines16x2(fc, p + 2 * pitch + 32, 14, b, w);
}

/* cells[0..n) of the 8x16 font at dst, in pairs where a pair fills whole 64-byte lines. */
FB_INLINE void fb_span8x16(const struct fb_console *fc, uintptr_t dst,
			   const struct con_cell *cells, const struct con_cell *old, unsigned n,
			   unsigned w)
{
	/* unknown old content: every edge group, compared against the new cells themselves */
	unsigned force = old ? 0 : FB_EDGES_ALL, k = 0;

	if (!old)
		old = cells;
	if (dst & 32) { /* a lone cell first: the pairs then fill whole 64-byte lines */
		fb_cell8x16(fc, dst, cells[0].ch, fb_edges8x16(fc, cells[0].ch, old[0].ch, force),
			    w);
		k++;
		dst += 32;
	}
	for (; k + 2 <= n; k += 2, dst += 64) {
		uint8_t a = cells[k].ch, b = cells[k + 1].ch;

		fb_pair8x16(fc, dst, a, b, fb_edges8x16(fc, a, old[k].ch, force),
			    fb_edges8x16(fc, b, old[k + 1].ch, force), w);
	}
	if (k < n)
		fb_cell8x16(fc, dst, cells[k].ch, fb_edges8x16(fc, cells[k].ch, old[k].ch, force),
			    w);
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
		const uint8_t *o = old ? f->glyphs + old[k].ch * stride : NULL;
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
 * pixel); they share one attribute and fc->row_lut holds it; old, when not NULL, is what
 * the screen shows there now, in the same attribute. vec is the vector width to store
 * with, 0, 16 or 32: nonzero only inside an open arch_simd_begin() section (and 32 only
 * where arch_simd_bytes() is 32).
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
