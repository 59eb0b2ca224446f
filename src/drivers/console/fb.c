// SPDX-License-Identifier: MIT
/*
 * The framebuffer renderer (see fb.h): pixel format from the Multiboot2 channel masks,
 * the 16 console colours precomputed as pixel values, and glyph drawing.
 *
 * Drawing never reads video memory (slow on real hardware, uncached or write-combined):
 * a glyph row is expanded from the font bits straight into stores. The common case, fonts
 * 8 or 16 pixels wide at 32 bpp and scale 1, is fb_glyph8.c when scrolling: whole glyph
 * rows from a per-attribute table, with SSE2 or AVX2 stores when the CPU has them. Single
 * cells and other 32 bpp fonts store four pixels at a time from a 16-entry nibble table.
 * Scrolling at 15, 16 and 24 bpp takes whole glyph rows of packed pixels from a table
 * too (fb_span_packed()). Every other case builds one scaled glyph row in a small stack
 * buffer and copies it scale times. Indexed 8 bpp framebuffers are drawn by fb_indexed.c.
 * All video-memory accesses go through the fb_store*() helpers of fb_internal.h.
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include "fb_internal.h"

/* Widest scaled glyph row the generic path buffers: 16 pixels * 8 * 4 bytes. */
#define FB_LINE_MAX (16 * FB_MAX_SCALE * 4)

/* v8 (0..255) as a channel of size bits at pos. Wider than 8 bits (x2r10g10b10), the
 * top bits are repeated below, so that 255 is full scale (0x3ff, not 0x3fc). */
static uint32_t fb_channel(uint8_t v8, uint8_t pos, uint8_t size)
{
	uint32_t v = size <= 8 ? (uint32_t)v8 >> (8 - size)
			       : (uint32_t)v8 << (size - 8) | (uint32_t)v8 >> (16 - size);

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
 * The verdict on drawing fb with font magnified scale times: 0, -ENOTSUP (not direct
 * colour, bpp not 15/16/24/32, bad channels; indexed: fb_indexed_check) or -EINVAL (bad
 * scale, pitch too small, or no whole cell fits), with *why the reason in words (NULL: 0).
 */
static int fb_console_verdict(const struct fb_info *fb, const struct console_font *font,
			      unsigned scale, const char **why)
{
	uint64_t cell_w = (uint64_t)font->width * scale, cell_h = (uint64_t)font->height * scale;

	*why = NULL;
	if (fb->kind == FB_INDEXED) {
		*why = fb_indexed_check(fb);
		if (*why)
			return -ENOTSUP;
	} else if (fb->kind != FB_RGB ||
		   (fb->bpp != 15 && fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32) ||
		   !fb_channel_ok(fb->red_pos, fb->red_size, fb->bpp) ||
		   !fb_channel_ok(fb->green_pos, fb->green_size, fb->bpp) ||
		   !fb_channel_ok(fb->blue_pos, fb->blue_size, fb->bpp)) {
		*why = "framebuffer format not supported";
		return -ENOTSUP;
	}
	if (scale < 1 || scale > FB_MAX_SCALE) {
		*why = "console scale out of range";
		return -EINVAL;
	}
	/* a 15 bpp pixel takes 2 bytes: the tag's pitch can pass the parser's bit count */
	if ((uint64_t)fb->width * ((fb->bpp + 7) / 8) > fb->pitch) {
		*why = "framebuffer pitch shorter than a line of pixels";
		return -EINVAL;
	}
	if (fb->width < cell_w || fb->height < cell_h) {
		*why = "framebuffer too small for the font";
		return -EINVAL;
	}
	return 0;
}

/*
 * fb_console_refusal - why fb_console_setup() refuses fb with font at scale, a sentence
 * for the console's "serial (...)" line, or NULL when it accepts them. Pure; any context.
 */
const char *fb_console_refusal(const struct fb_info *fb, const struct console_font *font,
			       unsigned scale)
{
	const char *why;

	fb_console_verdict(fb, font, scale, &why);
	return why;
}

/*
 * fb_console_setup - check fb's format and prepare fc to draw on it at base with font
 * magnified scale times. Returns 0, -ENOTSUP (not direct colour, bpp not 15/16/24/32, bad
 * channels) or -EINVAL (bad scale, pitch too small, or no whole cell fits); the reason in
 * words is fb_console_refusal()'s. Draws nothing.
 */
int fb_console_setup(struct fb_console *fc, void *base, const struct fb_info *fb,
		     const struct console_font *font, unsigned scale)
{
	const char *why;
	int err = fb_console_verdict(fb, font, scale, &why);

	if (err)
		return err;
	fc->base = (uintptr_t)base;
	fc->width = fb->width;
	fc->height = fb->height;
	fc->pitch = fb->pitch;
	fc->bpp = fb->bpp;
	fc->bytes_pp = (uint8_t)((fb->bpp + 7) / 8);
	fc->font = font;
	fc->scale = scale;
	fc->cell_w = font->width * scale;
	fc->cell_h = font->height * scale;
	fc->cols = fc->width / fc->cell_w;
	fc->rows = fc->height / fc->cell_h;

	fc->red_pos = fb->red_pos;
	fc->red_size = fb->red_size;
	fc->green_pos = fb->green_pos;
	fc->green_size = fb->green_size;
	fc->blue_pos = fb->blue_pos;
	fc->blue_size = fb->blue_size;
	for (unsigned i = 0; i < FB_PALETTE_SIZE; i++) {
		uint32_t rgb = con_rgb_colors[i];

		fc->palette[i] = fb_pixel(fc, (uint8_t)(rgb >> 16), (uint8_t)(rgb >> 8), (uint8_t)rgb);
	}
	if (fb->kind == FB_INDEXED)
		fb_indexed_setup(fc, fb);
	fc->lut_attr = -1;
	fc->row_lut_attr = -1;
	fb_glyph8_setup(fc);
	fc->simd_bytes = arch_simd_bytes();
	fc->simd_refused = 0;
	return 0;
}

/* The 32 bpp fast path: font width a multiple of 4, scale 1. */
static inline bool fb_fast32(const struct fb_console *fc)
{
	return fc->bytes_pp == 4 && fc->scale == 1 && !(fc->font->width & 3);
}

/* Fonts 8 or 16 pixels wide at 32 bpp and scale 1: glyph rows from fc->row_lut (fb_glyph8.c). */
static inline bool fb_fast_rows(const struct fb_console *fc)
{
	return fb_fast32(fc) && (fc->font->width == 8 || fc->font->width == 16);
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

	if (fc->bytes_pp == 1)
		fb_indexed_cell(fc, col, row, cell, cursor);
	else if (fb_fast32(fc))
		fb_draw_fast32(fc, dst, cell, cursor);
	else
		fb_draw_generic(fc, dst, cell, cursor);
}

/* The attribute bytes of four cells read as one 64-bit word (little-endian). */
#define FB_ATTR4_MASK 0xff00ff00ff00ff00ull
#define FB_ATTR4_ONE 0x0100010001000100ull

static inline uint64_t fb_cells4(const struct con_cell *c)
{
	uint64_t v;

	__builtin_memcpy(&v, c, sizeof(v));
	return v;
}

/*
 * Length of the run of cells from i (i < n) that fb_span8() can draw at once: they share
 * cells[i]'s attribute, and either old shows that attribute under all of them (*same) or
 * under none of them (or old is NULL). Checked four cells at a time where it can.
 */
static unsigned fb_run(const struct con_cell *cells, const struct con_cell *old, unsigned i,
		       unsigned n, bool *same)
{
	uint8_t attr = cells[i].attr;
	bool s = old && old[i].attr == attr;
	unsigned j = i + 1;

	if (s) {
		uint64_t a4 = attr * FB_ATTR4_ONE;

		while (j + 4 <= n && (fb_cells4(cells + j) & FB_ATTR4_MASK) == a4 &&
		       (fb_cells4(old + j) & FB_ATTR4_MASK) == a4)
			j += 4;
	}
	while (j < n && cells[j].attr == attr && (old && old[j].attr == attr) == s)
		j++;
	*same = s;
	return j - i;
}

/* 15, 16 and 24 bpp with fonts 8 or 16 pixels wide at scale 1: whole glyph rows of packed
 * pixels from fc->row_lut (fb_row_lut_load_packed), as fb_glyph8.c does at 32 bpp. */
static inline bool fb_packed_rows(const struct fb_console *fc)
{
	return (fc->bytes_pp == 2 || fc->bytes_pp == 3) && fc->scale == 1 &&
	       (fc->font->width == 8 || fc->font->width == 16);
}

/* fc->row_lut for 2 or 3 bytes per pixel: entry b = the 8 pixels of glyph row byte b
 * (bit 7 leftmost), packed, left pixel at the lowest address (16 or 24 of its 32 bytes),
 * in attr's colours. */
static void fb_row_lut_load_packed(struct fb_console *fc, uint8_t attr)
{
	uint32_t fg = fc->palette[CON_ATTR_FG(attr)];
	uint32_t bg = fc->palette[CON_ATTR_BG(attr)];
	unsigned bpp = fc->bytes_pp;

	if (fc->row_lut_attr == (int)attr)
		return;
	for (unsigned b = 0; b < 256; b++) {
		uint8_t *p = (uint8_t *)fc->row_lut[b];

		for (unsigned x = 0; x < 8; x++, p += bpp) {
			uint32_t v = b >> (7 - x) & 1 ? fg : bg;

			p[0] = (uint8_t)v;
			p[1] = (uint8_t)(v >> 8);
			if (bpp == 3)
				p[2] = (uint8_t)(v >> 16);
		}
	}
	fc->row_lut_attr = attr;
}

/* The 8 pixels of glyph row byte b at p, bpp bytes each, from lut: two or three 64-bit
 * stores. */
static inline __attribute__((always_inline)) void fb_row_packed(const uint64_t (*lut)[4],
								 uintptr_t p, unsigned b,
								 unsigned bpp)
{
	const uint64_t *px = lut[b];
	uint64_t a = px[0], c = px[1], d = bpp == 3 ? px[2] : 0;

	fb_store64(p, a);
	fb_store64(p + 8, c);
	if (bpp == 3)
		fb_store64(p + 16, d);
}

/* fb_span_packed() for bpp bytes per pixel and rb bytes per glyph row (constants once
 * inlined). Everything the loops read is loaded into locals first: the stores may alias
 * any memory, so a field read inside the loop would be read again after every store
 * (2.37 times a memcpy at 1920x1080x24 that way; see fb_span_packed). */
static inline __attribute__((always_inline)) void
fb_span_packed_n(const struct fb_console *fc, uintptr_t dst, const struct con_cell *cells,
		 const struct con_cell *old, unsigned n, unsigned bpp, unsigned rb)
{
	const struct console_font *f = fc->font;
	const uint64_t(*lut)[4] = fc->row_lut;
	const uint8_t *glyphs = f->glyphs;
	const unsigned h = f->height, half = 8 * bpp;
	const size_t stride = (size_t)h * rb, pitch = fc->pitch;

	for (unsigned k = 0; k < n; k++, dst += rb * half) {
		const uint8_t *g = glyphs + cells[k].ch * stride;
		uintptr_t p = dst;

		if (!old) {
			for (unsigned y = 0; y < h; y++, p += pitch, g += rb) {
				fb_row_packed(lut, p, g[0], bpp);
				if (rb == 2)
					fb_row_packed(lut, p + half, g[1], bpp);
			}
			continue;
		}
		const uint8_t *o = glyphs + old[k].ch * stride;

		for (unsigned y = 0; y < h; y++, p += pitch, g += rb, o += rb) {
			if (g[0] != o[0])
				fb_row_packed(lut, p, g[0], bpp);
			if (rb == 2 && g[1] != o[1])
				fb_row_packed(lut, p + half, g[1], bpp);
		}
	}
}

/* cells[0..n) at dst (fb_packed_rows(), one attribute, in fc->row_lut); old as fb_span8():
 * glyph rows that stay the same are skipped. Measured (bench/console, 1920x1080x24):
 * a full-screen scroll took 21 times a memcpy of the framebuffer cell by cell through
 * fb_draw_generic(), 2.37 times with the rows from a table and 1.88-1.92 with the loop's
 * values in registers (32 bpp's fast path: 0.6). */
static void fb_span_packed(const struct fb_console *fc, uintptr_t dst,
			   const struct con_cell *cells, const struct con_cell *old, unsigned n)
{
	unsigned rb = fc->font->row_bytes;

	if (fc->bytes_pp == 3)
		rb == 1 ? fb_span_packed_n(fc, dst, cells, old, n, 3, 1)
			: fb_span_packed_n(fc, dst, cells, old, n, 3, 2);
	else
		rb == 1 ? fb_span_packed_n(fc, dst, cells, old, n, 2, 1)
			: fb_span_packed_n(fc, dst, cells, old, n, 2, 2);
}

/*
 * fb_draw_span - show the n cells of row starting at col (col + n <= cols), no cursor.
 * old, when not NULL, is what those cells showed until now (the screen must match it):
 * the fast path (fb_glyph8.c: the built-in 8x16 and 16x32 fonts at 32 bpp) then skips
 * glyph rows whose pixels do not change, and so does fb_span_packed() at 15, 16 and 24
 * bpp. Other formats and fonts draw cell by cell.
 * Any context; no allocation.
 */
void fb_draw_span(struct fb_console *fc, unsigned col, unsigned row,
		  const struct con_cell *cells, const struct con_cell *old, unsigned n)
{
	unsigned run, vec;

	if (fc->bytes_pp == 1) {
		fb_indexed_span(fc, col, row, cells, old, n);
		return;
	}
	if (fb_packed_rows(fc)) {
		for (unsigned i = 0; i < n; i += run) {
			bool same;

			run = fb_run(cells, old, i, n, &same);
			fb_row_lut_load_packed(fc, cells[i].attr);
			fb_span_packed(fc, fb_cell_addr(fc, col + i, row), cells + i,
				       same ? old + i : NULL, run);
		}
		return;
	}
	if (!fb_fast_rows(fc)) {
		for (unsigned i = 0; i < n; i++)
			fb_draw_cell(fc, col + i, row, cells[i], false);
		return;
	}
	/* vector stores when the CPU has them and no one else on this CPU uses them */
	vec = fc->simd_bytes && arch_simd_begin() ? fc->simd_bytes : 0;
	if (fc->simd_bytes && !vec)
		fc->simd_refused++;
	for (unsigned i = 0; i < n; i += run) {
		bool same;

		run = fb_run(cells, old, i, n, &same);
		fb_row_lut_load(fc, cells[i].attr);
		fb_span8(fc, fb_cell_addr(fc, col + i, row), cells + i, same ? old + i : NULL, run,
			 vec);
	}
	if (vec)
		arch_simd_end();
}

/*
 * fb_fill - paint every pixel of the framebuffer (margins included) with palette colour
 * color. Used once at start, so the area right of and below the cells is defined.
 */
void fb_fill(struct fb_console *fc, unsigned color)
{
	uint32_t v = fc->palette[color % FB_PALETTE_SIZE];

	if (fc->bytes_pp == 1) {
		fb_indexed_fill(fc, (uint8_t)v);
		return;
	}
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
