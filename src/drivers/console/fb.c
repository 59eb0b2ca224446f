// SPDX-License-Identifier: MIT
/*
 * The framebuffer renderer (see fb.h): pixel format from the Multiboot2 channel masks,
 * the 16 console colours precomputed as pixel values, and glyph drawing.
 *
 * Drawing never reads video memory (slow on real hardware, uncached or write-combined):
 * a glyph row is expanded from the font bits straight into stores. The common case, the
 * 8-pixel font at 32 bpp and scale 1, writes a glyph row as four 64-bit stores (two pixels
 * each, general registers only as in the kernel) from a 256-entry table per attribute,
 * two cells at a time so that each pixel line of the pair fills one 64-byte cache line;
 * when scrolling, it skips the top two and the bottom four rows of a cell, two at a time,
 * when they stay the same (known from the old cells, not by reading). Other 32 bpp fonts
 * store four pixels at a time from a 16-entry nibble table, pixel line by pixel line,
 * skipping glyph rows that stay the same. Every other format builds one scaled glyph row
 * in a small stack buffer and copies it scale times. All video-memory accesses go through
 * the fb_store*() helpers below.
 */
#include <lios/errno.h>
#include <lios/string.h>
#include "fb.h"

unsigned long fb_reads;

/* The standard VGA/CGA text palette (index = attribute nibble), as 0xRRGGBB. */
const uint32_t fb_rgb_colors[FB_PALETTE_SIZE] = {
	0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa,
	0x555555, 0x5555ff, 0x55ff55, 0x55ffff, 0xff5555, 0xff55ff, 0xffff55, 0xffffff,
};

/* Rows of the cell (counted from the bottom, in font pixels) drawn as the cursor mark. */
#define FB_CURSOR_ROWS 2u
/* Cells drawn together by the span fast path (two pointer arrays of this size on the stack). */
#define FB_SPAN_CHUNK 64
/* Widest scaled glyph row the generic path buffers: 16 pixels * 8 * 4 bytes. */
#define FB_LINE_MAX (16 * FB_MAX_SCALE * 4)

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

/* The only read path into video memory; nothing uses it (see fb_reads). */
static inline __attribute__((unused)) uint32_t fb_load32(uintptr_t a)
{
	fb_reads++;
	return *(volatile uint32_t *)a;
}

static inline uintptr_t fb_cell_addr(const struct fb_console *fc, unsigned col, unsigned row)
{
	return fc->base + (uintptr_t)row * fc->cell_h * fc->pitch +
	       (uintptr_t)col * fc->cell_w * fc->bytes_pp;
}

static uint32_t fb_channel(uint8_t v8, uint8_t pos, uint8_t size)
{
	uint32_t v = size <= 8 ? (uint32_t)v8 >> (8 - size) : (uint32_t)v8 << (size - 8);

	return size ? v << pos : 0;
}

/*
 * fb_pixel - the pixel value of colour (r, g, b) in fc's format.
 */
uint32_t fb_pixel(const struct fb_console *fc, uint8_t r, uint8_t g, uint8_t b)
{
	return fb_channel(r, fc->red_pos, fc->red_size) |
	       fb_channel(g, fc->green_pos, fc->green_size) |
	       fb_channel(b, fc->blue_pos, fc->blue_size);
}

static bool fb_channel_ok(uint8_t pos, uint8_t size, uint8_t bpp)
{
	return size >= 1 && size <= 16 && pos + size <= bpp;
}

/*
 * fb_console_setup - check fb's format and prepare fc to draw on it at base with font
 * magnified scale times. Returns 0, -ENOTSUP (not direct colour, bpp not 15/16/24/32, bad
 * channels) or -EINVAL (bad scale, pitch too small, or no whole cell fits). Draws nothing.
 */
int fb_console_setup(struct fb_console *fc, void *base, const struct fb_info *fb,
		     const struct console_font *font, unsigned scale)
{
	if (fb->kind != FB_RGB)
		return -ENOTSUP;
	if (fb->bpp != 15 && fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32)
		return -ENOTSUP;
	if (!fb_channel_ok(fb->red_pos, fb->red_size, fb->bpp) ||
	    !fb_channel_ok(fb->green_pos, fb->green_size, fb->bpp) ||
	    !fb_channel_ok(fb->blue_pos, fb->blue_size, fb->bpp))
		return -ENOTSUP;
	if (scale < 1 || scale > FB_MAX_SCALE)
		return -EINVAL;

	fc->base = (uintptr_t)base;
	fc->width = fb->width;
	fc->height = fb->height;
	fc->pitch = fb->pitch;
	fc->bpp = fb->bpp;
	fc->bytes_pp = (uint8_t)((fb->bpp + 7) / 8);
	if ((uint64_t)fc->width * fc->bytes_pp > fc->pitch)
		return -EINVAL;
	fc->font = font;
	fc->scale = scale;
	fc->cell_w = font->width * scale;
	fc->cell_h = font->height * scale;
	fc->cols = fc->width / fc->cell_w;
	fc->rows = fc->height / fc->cell_h;
	if (fc->cols == 0 || fc->rows == 0)
		return -EINVAL;

	fc->red_pos = fb->red_pos;
	fc->red_size = fb->red_size;
	fc->green_pos = fb->green_pos;
	fc->green_size = fb->green_size;
	fc->blue_pos = fb->blue_pos;
	fc->blue_size = fb->blue_size;
	for (unsigned i = 0; i < FB_PALETTE_SIZE; i++) {
		uint32_t rgb = fb_rgb_colors[i];

		fc->palette[i] = fb_pixel(fc, (uint8_t)(rgb >> 16), (uint8_t)(rgb >> 8), (uint8_t)rgb);
	}
	fc->lut_attr = -1;
	fc->row_lut_attr = -1;
	return 0;
}

/* The 32 bpp fast path: font width a multiple of 4, scale 1. */
static inline bool fb_fast32(const struct fb_console *fc)
{
	return fc->bytes_pp == 4 && fc->scale == 1 && !(fc->font->width & 3);
}

/* The 8-pixel font at 32 bpp and scale 1: whole glyph rows from fc->row_lut. */
static inline bool fb_fast8(const struct fb_console *fc)
{
	return fb_fast32(fc) && fc->font->width == 8 && fc->font->row_bytes == 1;
}

/* fc->lut[n] = the 4 pixels of glyph-row nibble n (bit 3 leftmost) in attr's colours. */
static void fb_lut_load(struct fb_console *fc, uint8_t attr)
{
	uint32_t fg = fc->palette[CON_ATTR_FG(attr)];
	uint32_t bg = fc->palette[CON_ATTR_BG(attr)];

	if (fc->lut_attr == (int)attr)
		return;
	for (unsigned n = 0; n < 16; n++)
		for (unsigned k = 0; k < 4; k++)
			fc->lut[n][k] = (n >> (3 - k)) & 1 ? fg : bg;
	fc->lut_attr = attr;
}

/* One glyph row of bits (width w, a multiple of 4) at dst: 16-byte stores of 4 pixels. */
static inline void fb_row_fast32(const struct fb_console *fc, uintptr_t dst, uint32_t bits,
				 unsigned w)
{
	if (w == 8) { /* the common font: two stores, unrolled */
		fb_store_bytes16(dst, fc->lut[(bits >> 4) & 15]);
		fb_store_bytes16(dst + 16, fc->lut[bits & 15]);
		return;
	}
	for (unsigned x = 0; x < w; x += 4)
		fb_store_bytes16(dst + x * 4, fc->lut[(bits >> (w - 4 - x)) & 15]);
}

static void fb_draw_fast32(struct fb_console *fc, uintptr_t dst, struct con_cell cell,
			   bool cursor)
{
	const struct console_font *f = fc->font;

	fb_lut_load(fc, cell.attr);
	for (unsigned y = 0; y < f->height; y++, dst += fc->pitch) {
		uint32_t bits = font_row_bits(f, cell.ch, y);

		if (cursor && y >= f->height - FB_CURSOR_ROWS)
			bits = ~0u;
		fb_row_fast32(fc, dst, bits, f->width);
	}
}

/* Any format and scale: build one scaled glyph row, copy it scale times. */
static void fb_draw_generic(struct fb_console *fc, uintptr_t dst, struct con_cell cell,
			    bool cursor)
{
	const struct console_font *f = fc->font;
	uint32_t fg = fc->palette[CON_ATTR_FG(cell.attr)];
	uint32_t bg = fc->palette[CON_ATTR_BG(cell.attr)];
	uint8_t ch = cell.ch;
	uint8_t line[FB_LINE_MAX];
	unsigned bpp = fc->bytes_pp, s = fc->scale;
	size_t n = (size_t)fc->cell_w * bpp;

	for (unsigned y = 0; y < f->height; y++) {
		uint32_t bits = font_row_bits(f, ch, y);
		uint8_t *p = line;

		if (cursor && y >= f->height - FB_CURSOR_ROWS)
			bits = ~0u;
		for (unsigned x = 0; x < f->width; x++) {
			uint32_t v = (bits >> (f->width - 1 - x)) & 1 ? fg : bg;

			for (unsigned k = 0; k < s; k++, p += bpp) {
				p[0] = (uint8_t)v;
				p[1] = (uint8_t)(v >> 8);
				if (bpp > 2)
					p[2] = (uint8_t)(v >> 16);
				if (bpp > 3)
					p[3] = (uint8_t)(v >> 24);
			}
		}
		for (unsigned k = 0; k < s; k++, dst += fc->pitch)
			fb_store_bytes(dst, line, n);
	}
}

/*
 * fb_draw_cell - draw cell at (col, row): its glyph in the attribute's colours, with the
 * cursor underline when cursor. col < cols, row < rows. Any context; no allocation.
 */
void fb_draw_cell(struct fb_console *fc, unsigned col, unsigned row, struct con_cell cell,
		  bool cursor)
{
	uintptr_t dst = fb_cell_addr(fc, col, row);

	if (fb_fast32(fc))
		fb_draw_fast32(fc, dst, cell, cursor);
	else
		fb_draw_generic(fc, dst, cell, cursor);
}

/* Glyph row y of the cell's character (fast path: the font is at most 16 wide). */
static inline uint32_t fb_glyph_row(const struct console_font *f, const uint8_t *glyph,
				    unsigned y)
{
	const uint8_t *g = glyph + y * f->row_bytes;

	return f->row_bytes > 1 ? (uint32_t)g[0] << 8 | g[1] : g[0];
}

/* fc->row_lut for attr: each glyph row byte's 8 pixels as four 64-bit pixel pairs. */
static void fb_row_lut_load(struct fb_console *fc, uint8_t attr)
{
	uint64_t fg = fc->palette[CON_ATTR_FG(attr)];
	uint64_t bg = fc->palette[CON_ATTR_BG(attr)];
	/* two glyph bits (left pixel in the high bit) -> the pair, left pixel at the low address */
	uint64_t pair[4] = { bg << 32 | bg, fg << 32 | bg, bg << 32 | fg, fg << 32 | fg };

	if (fc->row_lut_attr == (int)attr)
		return;
	for (unsigned b = 0; b < 256; b++)
		for (unsigned q = 0; q < 4; q++)
			fc->row_lut[q][b] = pair[(b >> (6 - 2 * q)) & 3];
	fc->row_lut_attr = attr;
}

/* Glyph row byte b (8-pixel font) at p: four 64-bit stores from the row table lut. */
static inline void fb_row8(const uint64_t (*lut)[256], uintptr_t p, unsigned b)
{
	fb_store64(p, lut[0][b]);
	fb_store64(p + 8, lut[1][b]);
	fb_store64(p + 16, lut[2][b]);
	fb_store64(p + 24, lut[3][b]);
}

/* Glyph rows [0, h) of g at p, four rows per step: no per-row branch or index arithmetic. */
static inline void fb_cell8(const struct fb_console *fc, uintptr_t p, const uint8_t *g,
			    unsigned h)
{
	const uint64_t (*lut)[256] = fc->row_lut;
	size_t pitch = fc->pitch, pitch3 = 3 * pitch;
	const uint8_t *end = g + h;

	for (; g + 4 <= end; g += 4, p += 4 * pitch) {
		fb_row8(lut, p, g[0]);
		fb_row8(lut, p + pitch, g[1]);
		fb_row8(lut, p + 2 * pitch, g[2]);
		fb_row8(lut, p + pitch3, g[3]);
	}
	for (; g < end; g++, p += pitch)
		fb_row8(lut, p, g[0]);
}

/* Glyph rows g[0], g[1] at p and p + pitch. */
static inline void fb_rows2(const uint64_t (*lut)[256], uintptr_t p, size_t pitch,
			    const uint8_t *g)
{
	fb_row8(lut, p, g[0]);
	fb_row8(lut, p + pitch, g[1]);
}

/* Glyph row byte a at p and b at p + 32: one 64-byte line when p is 64-byte aligned. */
static inline void fb_row8x2(const uint64_t (*lut)[256], uintptr_t p, unsigned a, unsigned b)
{
	fb_row8(lut, p, a);
	fb_row8(lut, p + 32, b);
}

/* Which glyph rows of an 8x16 cell need storing: the rest stay the same on screen. */
struct fb_edges {
	bool top;    /* rows 0-1 */
	bool low;    /* rows 12-13 (descenders) */
	bool bottom; /* rows 14-15 */
};

/*
 * Rows whose pixels stay the same could be skipped, but which ones differ is close to
 * random from cell to cell and a mispredicted branch costs more than the four stores it
 * saves. Only the edge groups are tested (two rows at once): rows 0-1, 12-13 and 14-15 are
 * blank in most glyphs, so those branches are well predicted and skip up to six rows of
 * most cells. g is the new glyph, o the old one (NULL: different colours, store all).
 */
static inline struct fb_edges fb_edges8x16(const uint8_t *g, const uint8_t *o)
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
static inline void fb_cell8x16(const struct fb_console *fc, uintptr_t p, const uint8_t *g,
			       const uint8_t *o)
{
	const uint64_t (*lut)[256] = fc->row_lut;
	size_t pitch = fc->pitch;
	struct fb_edges e = fb_edges8x16(g, o);

	/* written out: the compiler does not unroll the loop by itself */
	if (e.top)
		fb_rows2(lut, p, pitch, g);
	fb_rows2(lut, p + 2 * pitch, pitch, g + 2);
	fb_rows2(lut, p + 4 * pitch, pitch, g + 4);
	fb_rows2(lut, p + 6 * pitch, pitch, g + 6);
	fb_rows2(lut, p + 8 * pitch, pitch, g + 8);
	fb_rows2(lut, p + 10 * pitch, pitch, g + 10);
	if (e.low)
		fb_rows2(lut, p + 12 * pitch, pitch, g + 12);
	if (e.bottom)
		fb_rows2(lut, p + 14 * pitch, pitch, g + 14);
}

/*
 * Two neighbouring cells of the 8x16 font at p (64-byte aligned): glyphs g and h, old
 * glyphs o and q (NULL: different colours). Each pixel line of the pair is one whole
 * 64-byte cache line, written by eight stores in a row before the next line: the core
 * merges them, and no line is left half written to be fetched again for the second cell
 * (which is what made 1024-pixel screens slow, see fb_span8()).
 */
static inline void fb_pair8x16(const struct fb_console *fc, uintptr_t p, const uint8_t *g,
			       const uint8_t *h, const uint8_t *o, const uint8_t *q)
{
	const uint64_t (*lut)[256] = fc->row_lut;
	size_t pitch = fc->pitch;
	struct fb_edges eg = fb_edges8x16(g, o), eh = fb_edges8x16(h, q);

	if (eg.top)
		fb_rows2(lut, p, pitch, g);
	if (eh.top)
		fb_rows2(lut, p + 32, pitch, h);
	/* rows 2-11 nearly always change: written out, no branch */
	fb_row8x2(lut, p + 2 * pitch, g[2], h[2]);
	fb_row8x2(lut, p + 3 * pitch, g[3], h[3]);
	p += 4 * pitch;
	fb_row8x2(lut, p, g[4], h[4]);
	fb_row8x2(lut, p + pitch, g[5], h[5]);
	fb_row8x2(lut, p + 2 * pitch, g[6], h[6]);
	fb_row8x2(lut, p + 3 * pitch, g[7], h[7]);
	p += 4 * pitch;
	fb_row8x2(lut, p, g[8], h[8]);
	fb_row8x2(lut, p + pitch, g[9], h[9]);
	fb_row8x2(lut, p + 2 * pitch, g[10], h[10]);
	fb_row8x2(lut, p + 3 * pitch, g[11], h[11]);
	p += 4 * pitch;
	if (eg.low)
		fb_rows2(lut, p, pitch, g + 12);
	if (eh.low)
		fb_rows2(lut, p + 32, pitch, h + 12);
	if (eg.bottom)
		fb_rows2(lut, p + 2 * pitch, pitch, g + 14);
	if (eh.bottom)
		fb_rows2(lut, p + 2 * pitch + 32, pitch, h + 14);
}

/* The 8x16 glyph of cells[k], and of old[k] when that has the same colours (else NULL). */
static inline const uint8_t *fb_glyph16(const struct console_font *f,
					const struct con_cell *cells, unsigned k)
{
	return f->glyphs + (size_t)cells[k].ch * 16;
}

static inline const uint8_t *fb_old16(const struct console_font *f,
				      const struct con_cell *cells,
				      const struct con_cell *old, unsigned k)
{
	return old && old[k].attr == cells[k].attr ? fb_glyph16(f, old, k) : NULL;
}

/*
 * The 8-pixel-wide font at 32 bpp: cells[0..n) share one attribute and fc->row_lut holds
 * it; old (or NULL) is what the screen shows there now.
 *
 * The 8x16 font goes two cells at a time, pixel line by pixel line (fb_pair8x16()). One
 * cell at a time, glyph row by glyph row, was twice as slow as a copy of the screen at
 * 1024x768 but only 1.3 times at 1920x1080. Two reasons: the copy is faster per byte at
 * 768p (3 MiB stay in cache better than 8 MiB) while the renderer's time per cell is the
 * same, and with a pitch of 4096 bytes the 16 lines of a cell fall in one L1 cache set,
 * more than its ways, so the half of a 64-byte line written for one cell was often evicted
 * before its neighbour wrote the other half and had to be fetched again (a 1032-pixel-wide
 * screen scrolled in 87 instead of 105 us; 1920 * 4 is not a multiple of 4 KiB).
 */
static void fb_span8(const struct fb_console *fc, uintptr_t dst, const struct con_cell *cells,
		     const struct con_cell *old, unsigned n)
{
	const struct console_font *f = fc->font;
	unsigned h = f->height;

	if (h == 16) {
		for (unsigned k = 0; k < n; k++, dst += 32) {
			/* a lone cell when the pair would straddle two lines, or at the end */
			if (k + 1 == n || dst & 32) {
				fb_cell8x16(fc, dst, fb_glyph16(f, cells, k), fb_old16(f, cells, old, k));
				continue;
			}
			fb_pair8x16(fc, dst, fb_glyph16(f, cells, k), fb_glyph16(f, cells, k + 1),
				    fb_old16(f, cells, old, k), fb_old16(f, cells, old, k + 1));
			k++;
			dst += 32;
		}
		return;
	}
	for (unsigned k = 0; k < n; k++, dst += 32)
		fb_cell8(fc, dst, f->glyphs + (size_t)cells[k].ch * h, h);
}

/* Fast path of fb_draw_span for cells[0..n) sharing one attribute, at most FB_SPAN_CHUNK. */
static void fb_span_fast32(struct fb_console *fc, uintptr_t dst, const struct con_cell *cells,
			   const struct con_cell *old, unsigned n)
{
	const struct console_font *f = fc->font;
	size_t stride = (size_t)f->height * f->row_bytes;
	const uint8_t *gnew[FB_SPAN_CHUNK], *gold[FB_SPAN_CHUNK];
	unsigned shift = f->row_bytes * 8 - f->width;

	for (unsigned k = 0; k < n; k++) {
		gnew[k] = f->glyphs + cells[k].ch * stride;
		/* a glyph row only needs storing when the pixels there were different */
		gold[k] = old && old[k].attr == cells[k].attr ? f->glyphs + old[k].ch * stride : NULL;
	}
	fb_lut_load(fc, cells[0].attr);
	for (unsigned y = 0; y < f->height; y++, dst += fc->pitch) {
		uintptr_t p = dst;

		for (unsigned k = 0; k < n; k++, p += fc->cell_w * 4) {
			uint32_t bits = fb_glyph_row(f, gnew[k], y);

			if (gold[k] && fb_glyph_row(f, gold[k], y) == bits)
				continue;
			fb_row_fast32(fc, p, bits >> shift, f->width);
		}
	}
}

/*
 * fb_draw_span - show the n cells of row starting at col (col + n <= cols), no cursor.
 * old, when not NULL, is what those cells showed until now (the screen must match it):
 * glyph rows whose pixels do not change are then skipped. The fast path writes pixel line
 * by pixel line across the cells, so video memory is written in long sequential streams.
 * Any context; no allocation.
 */
void fb_draw_span(struct fb_console *fc, unsigned col, unsigned row,
		  const struct con_cell *cells, const struct con_cell *old, unsigned n)
{
	unsigned run;

	if (!fb_fast32(fc)) {
		for (unsigned i = 0; i < n; i++)
			fb_draw_cell(fc, col + i, row, cells[i], false);
		return;
	}
	if (fb_fast8(fc)) {
		for (unsigned i = 0; i < n; i += run) {
			for (run = 1; i + run < n && cells[i + run].attr == cells[i].attr; run++)
				;
			fb_row_lut_load(fc, cells[i].attr);
			fb_span8(fc, fb_cell_addr(fc, col + i, row), cells + i, old ? old + i : NULL,
				 run);
		}
		return;
	}
	for (unsigned i = 0; i < n; i += run) {
		for (run = 1; i + run < n && run < FB_SPAN_CHUNK &&
			      cells[i + run].attr == cells[i].attr; run++)
			;
		fb_span_fast32(fc, fb_cell_addr(fc, col + i, row), cells + i, old ? old + i : NULL,
			       run);
	}
}

/*
 * fb_fill - paint every pixel of the framebuffer (margins included) with palette colour
 * color. Used once at start, so the area right of and below the cells is defined.
 */
void fb_fill(struct fb_console *fc, unsigned color)
{
	uint32_t v = fc->palette[color % FB_PALETTE_SIZE];

	for (uint32_t y = 0; y < fc->height; y++) {
		uintptr_t p = fc->base + (uintptr_t)y * fc->pitch;

		for (uint32_t x = 0; x < fc->width; x++, p += fc->bytes_pp) {
			if (fc->bytes_pp == 4)
				fb_store32(p, v);
			else if (fc->bytes_pp == 3)
				fb_store24(p, v);
			else
				fb_store16(p, (uint16_t)v);
		}
	}
}

static void fb_console_draw(void *ctx, unsigned col, unsigned row, struct con_cell cell,
			    bool cursor)
{
	fb_draw_cell(ctx, col, row, cell, cursor);
}

static void fb_console_draw_span(void *ctx, unsigned col, unsigned row,
				 const struct con_cell *cells, const struct con_cell *old,
				 unsigned n)
{
	fb_draw_span(ctx, col, row, cells, old, n);
}

const struct con_backend_ops fb_console_ops = {
	.draw = fb_console_draw,
	.draw_span = fb_console_draw_span,
	.move_cursor = NULL,
};
