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
 * The 8x16 font goes pixel line by pixel line over a few neighbouring cells, so each
 * pixel line of them fills whole 64-byte lines with stores in a row: two cells at a time
 * in one pass (fb_pair8x16()), or, when the pitch is a multiple of 4096 bytes, four cells
 * at a time in two passes over the span, rows 0-7 of all its cells, then rows 8-15
 * (fb_quad8x16()). The order matters where video memory is cached (write-back: what the
 * host benchmark measures; the kernel maps the framebuffer write-combining, where any
 * order that fills whole 64-byte lines does): every store first fetches its line, and at
 * a 4096-byte pitch the lines of one column of cells all fall in one L1 cache set (at
 * 1920 * 4 bytes only two of a cell's 16 rows share a set, and the single pass is faster
 * there: fewer instructions). Measured with plain stores of a full 1024x768 screen in
 * these patterns (us, lower is better): all 16 rows of a cell, 2 cells wide: 113-125;
 * without 4 blank edge rows, 2 cells wide (the single pass): 50-57; the same 12 rows, 8
 * at a time and 4 cells wide (the two passes): 28; line by line across the screen: 26.
 * Rows 0-1, 12-13 and 14-15 of a cell are skipped when they are blank in the old glyph and in the new one (known
 * from the old cell, never by reading video memory). The hot loop is three instructions
 * per 32-byte store: glyph row offsets come precomputed from fc->glyph_off[y][ch] (no
 * shift, no glyph address), the edge groups from fc->glyph_edges[ch]
 * (fb_glyph8_setup()).
 *
 * A 16-pixel glyph row is 64 bytes, a whole cache line by itself: that font goes cell by
 * cell and skips each glyph row that stays the same (fb_span16()).
 *
 * Measured on one machine, scrolling a full 1024x768 screen over one rep-movsb copy of it
 * (./lios bench): 1.36 with 64-bit stores, 1.09 with SSE2, 0.90 with AVX2 one cell at a
 * time; 0.92 with AVX2 in the single pass, 0.72 with the precomputed tables and the two
 * passes; a 3840x2160 screen with the 16x32 font: 1.4-2.0 with the nibble table fb.c used
 * before, 0.62 here.
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

/* Rows y and y + 1 of glyph ch at p and p + pitch (fc->pitch, read once by the caller:
 * the compiler cannot keep it in a register across stores that might change it). */
FB_INLINE void fb_lines16x2(const struct fb_console *fc, uintptr_t p, size_t pitch,
			    unsigned y, unsigned ch, unsigned w)
{
	fb_line16(fc, p, y, ch, w);
	fb_line16(fc, p + pitch, y + 1, ch, w);
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

/* Half h of a cell: glyph rows 0-7 (h = 0) or 8-15 (h = 1). */
#define FB_HALF_ROWS 8

/* Rows of half h of one 8x16 cell at p (the cell's top-left pixel): glyph a, edge groups
 * e (fb_edges8x16()). */
FB_INLINE void fb_cell8x16(const struct fb_console *fc, uintptr_t p, unsigned a, unsigned e,
			   unsigned h, unsigned w)
{
	size_t pitch = fc->pitch;

	/* written out: the compiler does not unroll the loop by itself */
	if (h == 0) {
		if (e & FB_EDGE_TOP)
			fb_lines16x2(fc, p, pitch, 0, a, w);
		fb_lines16x2(fc, p + 2 * pitch, pitch, 2, a, w);
		fb_lines16x2(fc, p + 4 * pitch, pitch, 4, a, w);
		fb_lines16x2(fc, p + 6 * pitch, pitch, 6, a, w);
		return;
	}
	fb_lines16x2(fc, p + 8 * pitch, pitch, 8, a, w);
	fb_lines16x2(fc, p + 10 * pitch, pitch, 10, a, w);
	if (e & FB_EDGE_LOW)
		fb_lines16x2(fc, p + 12 * pitch, pitch, 12, a, w);
	if (e & FB_EDGE_BOTTOM)
		fb_lines16x2(fc, p + 14 * pitch, pitch, 14, a, w);
}

/* Row y of glyphs a, b, c, d side by side at p: two 64-byte lines when p is 64-byte
 * aligned. */
FB_INLINE void fb_line16x4(const struct fb_console *fc, uintptr_t p, unsigned y, unsigned a,
			   unsigned b, unsigned c, unsigned d, unsigned w)
{
	fb_line16(fc, p, y, a, w);
	fb_line16(fc, p + 32, y, b, w);
	fb_line16(fc, p + 64, y, c, w);
	fb_line16(fc, p + 96, y, d, w);
}

/*
 * Rows of half h of four neighbouring cells of the 8x16 font at p: glyphs cells[0..4).ch,
 * edge groups e[0..4) (fb_edges8x16()). Each pixel line of the four is 128 bytes stored
 * in a row.
 */
FB_INLINE void fb_quad8x16(const struct fb_console *fc, uintptr_t p,
			   const struct con_cell *cells, const uint8_t *e, unsigned h,
			   unsigned w)
{
	size_t pitch = fc->pitch;
	unsigned a = cells[0].ch, b = cells[1].ch, c = cells[2].ch, d = cells[3].ch;

	if (h == 0) {
		if (e[0] & FB_EDGE_TOP)
			fb_lines16x2(fc, p, pitch, 0, a, w);
		if (e[1] & FB_EDGE_TOP)
			fb_lines16x2(fc, p + 32, pitch, 0, b, w);
		if (e[2] & FB_EDGE_TOP)
			fb_lines16x2(fc, p + 64, pitch, 0, c, w);
		if (e[3] & FB_EDGE_TOP)
			fb_lines16x2(fc, p + 96, pitch, 0, d, w);
		/* rows 2-11 nearly always change: written out, no branch */
		p += 2 * pitch;
		fb_line16x4(fc, p, 2, a, b, c, d, w);
		fb_line16x4(fc, p + pitch, 3, a, b, c, d, w);
		p += 2 * pitch;
		fb_line16x4(fc, p, 4, a, b, c, d, w);
		fb_line16x4(fc, p + pitch, 5, a, b, c, d, w);
		p += 2 * pitch;
		fb_line16x4(fc, p, 6, a, b, c, d, w);
		fb_line16x4(fc, p + pitch, 7, a, b, c, d, w);
		return;
	}
	p += FB_HALF_ROWS * pitch;
	fb_line16x4(fc, p, 8, a, b, c, d, w);
	fb_line16x4(fc, p + pitch, 9, a, b, c, d, w);
	p += 2 * pitch;
	fb_line16x4(fc, p, 10, a, b, c, d, w);
	fb_line16x4(fc, p + pitch, 11, a, b, c, d, w);
	p += 2 * pitch;
	if (e[0] & FB_EDGE_LOW)
		fb_lines16x2(fc, p, pitch, 12, a, w);
	if (e[1] & FB_EDGE_LOW)
		fb_lines16x2(fc, p + 32, pitch, 12, b, w);
	if (e[2] & FB_EDGE_LOW)
		fb_lines16x2(fc, p + 64, pitch, 12, c, w);
	if (e[3] & FB_EDGE_LOW)
		fb_lines16x2(fc, p + 96, pitch, 12, d, w);
	p += 2 * pitch;
	if (e[0] & FB_EDGE_BOTTOM)
		fb_lines16x2(fc, p, pitch, 14, a, w);
	if (e[1] & FB_EDGE_BOTTOM)
		fb_lines16x2(fc, p + 32, pitch, 14, b, w);
	if (e[2] & FB_EDGE_BOTTOM)
		fb_lines16x2(fc, p + 64, pitch, 14, c, w);
	if (e[3] & FB_EDGE_BOTTOM)
		fb_lines16x2(fc, p + 96, pitch, 14, d, w);
}

/* Row y of glyphs a and b side by side at p: one 64-byte line when p is 64-byte aligned. */
FB_INLINE void fb_line16x2(const struct fb_console *fc, uintptr_t p, unsigned y, unsigned a,
			   unsigned b, unsigned w)
{
	fb_line16(fc, p, y, a, w);
	fb_line16(fc, p + 32, y, b, w);
}

/*
 * Two neighbouring cells of the 8x16 font at p (64-byte aligned), all 16 rows: glyphs a
 * and b, edge groups ea and eb. Each pixel line of the pair is one whole 64-byte cache
 * line, written before the next line.
 */
FB_INLINE void fb_pair8x16(const struct fb_console *fc, uintptr_t p, unsigned a, unsigned b,
			   unsigned ea, unsigned eb, unsigned w)
{
	/* read here, not once per span: a pitch the compiler knows is constant over the loop
	 * makes it keep one pointer per pixel row, more than there are registers */
	size_t pitch = fc->pitch;

	if (ea & FB_EDGE_TOP)
		fb_lines16x2(fc, p, pitch, 0, a, w);
	if (eb & FB_EDGE_TOP)
		fb_lines16x2(fc, p + 32, pitch, 0, b, w);
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
		fb_lines16x2(fc, p, pitch, 12, a, w);
	if (eb & FB_EDGE_LOW)
		fb_lines16x2(fc, p + 32, pitch, 12, b, w);
	if (ea & FB_EDGE_BOTTOM)
		fb_lines16x2(fc, p + 2 * pitch, pitch, 14, a, w);
	if (eb & FB_EDGE_BOTTOM)
		fb_lines16x2(fc, p + 2 * pitch + 32, pitch, 14, b, w);
}

/* All rows of one cell at p: glyph a, edge groups e. */
FB_INLINE void fb_whole8x16(const struct fb_console *fc, uintptr_t p, unsigned a, unsigned e,
			    unsigned w)
{
	fb_cell8x16(fc, p, a, e, 0, w);
	fb_cell8x16(fc, p, a, e, 1, w);
}

/* cells[0..n) of the 8x16 font at dst in one pass, two cells at a time, 64-byte aligned;
 * old as fb_span8x16(), force its edge groups. */
FB_INLINE void fb_pairs8x16(const struct fb_console *fc, uintptr_t dst,
			    const struct con_cell *cells, const struct con_cell *old, unsigned n,
			    unsigned force, unsigned w)
{
	unsigned k = 0;

	if (dst & 32) { /* a lone cell first: the pairs then fill whole 64-byte lines */
		fb_whole8x16(fc, dst, cells[0].ch, fb_edges8x16(fc, cells[0].ch, old[0].ch, force),
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
		fb_whole8x16(fc, dst, cells[k].ch, fb_edges8x16(fc, cells[k].ch, old[k].ch, force),
			     w);
}

/* Half h of cells[0..n) of the 8x16 font at dst, edge groups e[0..n): four cells at a
 * time, 64-byte aligned. */
FB_INLINE void fb_half8x16(const struct fb_console *fc, uintptr_t dst,
			   const struct con_cell *cells, const uint8_t *e, unsigned n, unsigned h,
			   unsigned w)
{
	unsigned k = 0;

	if (dst & 32) { /* a lone cell first: the quads then fill whole 64-byte lines */
		fb_cell8x16(fc, dst, cells[0].ch, e[0], h, w);
		k++;
		dst += 32;
	}
	for (; k + 4 <= n; k += 4, dst += 128)
		fb_quad8x16(fc, dst, cells + k, e + k, h, w);
	for (; k < n; k++, dst += 32)
		fb_cell8x16(fc, dst, cells[k].ch, e[k], h, w);
}

/* Bytes between two addresses in the same L1 data cache set: 64 sets of 64-byte lines on
 * the x86 cores of the last decade (32 KiB 8-way, 48 KiB 12-way). */
#define FB_SET_STRIDE 4096

/* Cells fb_span8x16() draws per pass (its edge table is on the stack). */
#define FB_PASS_CELLS 128

/* cells[0..n) of the 8x16 font at dst in one pass, two cells at a time (old as
 * fb_span8()). */
FB_INLINE void fb_span8x16_pairs(const struct fb_console *fc, uintptr_t dst,
				 const struct con_cell *cells, const struct con_cell *old,
				 unsigned n, unsigned w)
{
	/* unknown old content: every edge group, compared against the new cells themselves */
	if (old)
		fb_pairs8x16(fc, dst, cells, old, n, 0, w);
	else
		fb_pairs8x16(fc, dst, cells, cells, n, FB_EDGES_ALL, w);
}

/* cells[0..n) of the 8x16 font at dst: the top halves of the cells, then the bottom
 * halves, FB_PASS_CELLS at a time (old as fb_span8()). */
FB_INLINE void fb_span8x16_halves(const struct fb_console *fc, uintptr_t dst,
				  const struct con_cell *cells, const struct con_cell *old,
				  unsigned n, unsigned w)
{
	uint8_t e[FB_PASS_CELLS];

	for (unsigned k0 = 0; k0 < n; k0 += FB_PASS_CELLS, dst += 32 * FB_PASS_CELLS) {
		unsigned m = n - k0 < FB_PASS_CELLS ? n - k0 : FB_PASS_CELLS;
		const struct con_cell *c = cells + k0;

		if (!old) { /* unknown old content: every edge group */
			for (unsigned k = 0; k < m; k++)
				e[k] = FB_EDGES_ALL;
		} else { /* old + k0 only here: an offset to a null pointer is undefined */
			const struct con_cell *o = old + k0;

			for (unsigned k = 0; k < m; k++)
				e[k] = fc->glyph_edges[c[k].ch] | fc->glyph_edges[o[k].ch];
		}
		fb_half8x16(fc, dst, c, e, m, 0, w);
		fb_half8x16(fc, dst, c, e, m, 1, w);
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

/*
 * The compiled versions: each way of drawing (the 16-pixel font, the 8x16 font in pairs or
 * in halves) with 64-bit, SSE2 and AVX2 stores, each its own function, so the registers
 * one way needs do not make the compiler spill in another.
 */
#define FB_SPAN_ARGS const struct fb_console *fc, uintptr_t dst, const struct con_cell *cells, \
		     const struct con_cell *old, unsigned n
#define FB_SPAN_VERSIONS(isa, name, w)                                                    \
	isa static void fb_span16_##name(FB_SPAN_ARGS)                                    \
	{                                                                                 \
		fb_span16(fc, dst, cells, old, n, w);                                     \
	}                                                                                 \
	isa static void fb_pairs_##name(FB_SPAN_ARGS)                                     \
	{                                                                                 \
		fb_span8x16_pairs(fc, dst, cells, old, n, w);                             \
	}                                                                                 \
	isa static void fb_halves_##name(FB_SPAN_ARGS)                                    \
	{                                                                                 \
		fb_span8x16_halves(fc, dst, cells, old, n, w);                            \
	}

FB_SPAN_VERSIONS(, gp, 8)
FB_SPAN_VERSIONS(__simd_target("sse2"), sse2, 16)
FB_SPAN_VERSIONS(__simd_target("avx2"), avx2, 32)

/* [way][store width: general registers, SSE2, AVX2] */
enum { FB_WAY_16, FB_WAY_PAIRS, FB_WAY_HALVES, FB_WAYS };
static void (*const fb_span_versions[FB_WAYS][3])(FB_SPAN_ARGS) = {
	[FB_WAY_16] = { fb_span16_gp, fb_span16_sse2, fb_span16_avx2 },
	[FB_WAY_PAIRS] = { fb_pairs_gp, fb_pairs_sse2, fb_pairs_avx2 },
	[FB_WAY_HALVES] = { fb_halves_gp, fb_halves_sse2, fb_halves_avx2 },
};

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
	unsigned way;

	if (fc->font->width == 8 && fc->font->height != 16) {
		fb_span8_any(fc, dst, cells, n);
		return;
	}
	if (fc->font->width == 16)
		way = FB_WAY_16;
	else if (fc->pitch % FB_SET_STRIDE) /* the rows of a cell do not share an L1 set */
		way = FB_WAY_PAIRS;
	else
		way = FB_WAY_HALVES;
	fb_span_versions[way][vec == 32 ? 2 : vec == 16 ? 1 : 0](fc, dst, cells, old, n);
}
