// SPDX-License-Identifier: MIT
/*
 * The indexed-colour framebuffer renderer: 8 bits per pixel, each pixel an index into the
 * palette the boot loader set and described in its Multiboot2 tag (struct fb_info's
 * palette[]). fb.c hands every draw of such a framebuffer (fc->bytes_pp == 1) to this file.
 *
 * Colours: each of the console's 16 colours is drawn with the palette entry nearest to it
 * (squared distance with weights 2/4/3 for red/green/blue, the eye's rough sensitivity;
 * the lowest index wins a tie). GRUB puts the 16 standard VGA colours at indices 0-15, so
 * there every console colour has an exact match. A palette with fewer or odd colours can
 * map a cell's foreground and background to the same entry; the foreground is then drawn
 * with the entry farthest from the background (fc->ix_contrast), so text stays readable on
 * any palette of at least two different colours (a palette of one colour is refused).
 *
 * The VGA DAC is not programmed. The tag's palette is what is on the screen, and the DAC
 * is not reliably reachable: in a VBE mode that is not VGA-compatible (mode attribute bit
 * 5), or on a controller that is not (capability bit 1), only the real-mode VBE call 4F09h
 * sets it, which a 64-bit kernel cannot make, and on a machine without legacy VGA the
 * ports reach nothing. The nearest-entry rule plus the contrast fallback needs no hardware
 * and keeps text readable on every palette; 16-colour ANSI art may lose colours there.
 *
 * Drawing: a glyph row is expanded 4 pixels at a time from a 16-entry table of 32-bit
 * words (ix_lut, one byte per pixel, left pixel lowest) for the cell's attribute; scaled
 * fonts build one row in a stack buffer and store it scale times. Spans skip cells whose
 * character and attribute the screen already shows. Video memory is only written.
 */
#include <lios/errno.h>
#include "fb_internal.h"

#define FB_IX_WEIGHT_R 2u
#define FB_IX_WEIGHT_G 4u
#define FB_IX_WEIGHT_B 3u

static uint32_t fb_ix_distance(uint32_t rgb, struct fb_color c)
{
	int dr = (int)((rgb >> 16) & 0xff) - c.red;
	int dg = (int)((rgb >> 8) & 0xff) - c.green;
	int db = (int)(rgb & 0xff) - c.blue;

	return FB_IX_WEIGHT_R * (uint32_t)(dr * dr) + FB_IX_WEIGHT_G * (uint32_t)(dg * dg) +
	       FB_IX_WEIGHT_B * (uint32_t)(db * db);
}

static uint32_t fb_ix_rgb(struct fb_color c)
{
	return (uint32_t)c.red << 16 | (uint32_t)c.green << 8 | c.blue;
}

/*
 * fb_indexed_check - why the indexed framebuffer fb cannot be drawn on, or NULL when it
 * can: 8 bits per pixel, 1..256 palette entries, at least two different colours among
 * them. Pure; any context.
 */
const char *fb_indexed_check(const struct fb_info *fb)
{
	if (fb->kind != FB_INDEXED)
		return "not an indexed framebuffer";
	if (fb->bpp != 8)
		return "indexed framebuffer not of 8 bits per pixel";
	if (fb->palette_colors == 0 || fb->palette_colors > FB_PALETTE_MAX)
		return "indexed framebuffer with a palette of 0 or more than 256 colours";
	for (unsigned i = 1; i < fb->palette_colors; i++)
		if (fb_ix_rgb(fb->palette[i]) != fb_ix_rgb(fb->palette[0]))
			return NULL;
	return "palette of a single colour: text would be invisible";
}

/* Index of the palette entry nearest to (farthest from, when far) colour rgb. */
static uint8_t fb_ix_pick(const struct fb_info *fb, uint32_t rgb, bool far, uint32_t *dist)
{
	uint32_t best = far ? 0 : UINT32_MAX;
	unsigned pick = 0;

	for (unsigned i = 0; i < fb->palette_colors; i++) {
		uint32_t d = fb_ix_distance(rgb, fb->palette[i]);

		if (far ? d > best : d < best)
			best = d, pick = i;
	}
	if (dist)
		*dist = best;
	return (uint8_t)pick;
}

/*
 * fb_indexed_setup - fill fc's colour tables for the palette of fb (fb_indexed_check(fb)
 * is NULL): fc->palette[c] = the pixel value drawn for console colour c, ix_contrast,
 * and the match counts the console reports. Draws nothing.
 */
void fb_indexed_setup(struct fb_console *fc, const struct fb_info *fb)
{
	fc->ix_colors = fb->palette_colors;
	fc->ix_exact = 0;
	for (unsigned c = 0; c < FB_PALETTE_SIZE; c++) {
		uint32_t d;

		fc->palette[c] = fb_ix_pick(fb, con_rgb_colors[c], false, &d);
		fc->ix_exact += d == 0;
	}
	for (unsigned c = 0; c < FB_PALETTE_SIZE; c++)
		fc->ix_contrast[c] =
			fb_ix_pick(fb, fb_ix_rgb(fb->palette[fc->palette[c]]), true, NULL);
	fc->ix_lut_attr = -1;
}

/* The pixel values of attr's foreground and background; the foreground turns to the
 * contrast entry when the two colours differ but fell on the same palette entry. */
static void fb_ix_colors(const struct fb_console *fc, uint8_t attr, uint8_t *fg, uint8_t *bg)
{
	unsigned f = CON_ATTR_FG(attr), b = CON_ATTR_BG(attr);

	*fg = (uint8_t)fc->palette[f];
	*bg = (uint8_t)fc->palette[b];
	if (*fg == *bg && f != b)
		*fg = fc->ix_contrast[b];
}

/* fc->ix_lut[n] = the 4 pixels of glyph-row nibble n (bit 3 leftmost) in attr's colours. */
static void fb_ix_lut_load(struct fb_console *fc, uint8_t attr)
{
	uint8_t fg, bg;

	if (fc->ix_lut_attr == (int)attr)
		return;
	fb_ix_colors(fc, attr, &fg, &bg);
	for (unsigned n = 0; n < 16; n++) {
		uint32_t v = 0;

		for (unsigned k = 0; k < 4; k++)
			v |= (uint32_t)((n >> (3 - k)) & 1 ? fg : bg) << (8 * k);
		fc->ix_lut[n] = v;
	}
	fc->ix_lut_attr = attr;
}

/* Rows of the glyph from the top that the cursor leaves alone. */
static unsigned fb_ix_cursor_from(const struct console_font *f)
{
	return f->height - FB_CURSOR_ROWS;
}

/* Scale 1, font width a multiple of 4: one 32-bit store per 4 pixels. */
static void fb_ix_cell_fast(struct fb_console *fc, uintptr_t dst, struct con_cell cell, bool cursor)
{
	const struct console_font *f = fc->font;
	unsigned w = f->width;

	fb_ix_lut_load(fc, cell.attr);
	for (unsigned y = 0; y < f->height; y++, dst += fc->pitch) {
		uint32_t bits = font_row_bits(f, cell.ch, y);

		if (cursor && y >= fb_ix_cursor_from(f))
			bits = ~0u;
		for (unsigned x = 0; x < w; x += 4)
			fb_store32(dst + x, fc->ix_lut[(bits >> (w - 4 - x)) & 15]);
	}
}

/* Any font width and scale: one scaled glyph row built on the stack, stored scale times. */
static void fb_ix_cell_scaled(struct fb_console *fc, uintptr_t dst, struct con_cell cell,
			      bool cursor)
{
	const struct console_font *f = fc->font;
	uint8_t line[FB_IX_LINE_MAX];
	unsigned s = fc->scale;
	uint8_t fg, bg;

	fb_ix_colors(fc, cell.attr, &fg, &bg);
	for (unsigned y = 0; y < f->height; y++) {
		uint32_t bits = font_row_bits(f, cell.ch, y);
		uint8_t *p = line;

		if (cursor && y >= fb_ix_cursor_from(f))
			bits = ~0u;
		for (unsigned x = 0; x < f->width; x++) {
			uint8_t v = (bits >> (f->width - 1 - x)) & 1 ? fg : bg;

			for (unsigned k = 0; k < s; k++)
				*p++ = v;
		}
		for (unsigned k = 0; k < s; k++, dst += fc->pitch)
			fb_store_bytes(dst, line, fc->cell_w);
	}
}

/*
 * fb_indexed_cell - draw cell at (col, row) of an 8 bpp indexed framebuffer, with the
 * cursor underline when cursor. col < cols, row < rows. Any context; no allocation.
 */
void fb_indexed_cell(struct fb_console *fc, unsigned col, unsigned row, struct con_cell cell,
		     bool cursor)
{
	uintptr_t dst = fb_cell_addr(fc, col, row);

	if (fc->scale == 1 && !(fc->font->width & 3))
		fb_ix_cell_fast(fc, dst, cell, cursor);
	else
		fb_ix_cell_scaled(fc, dst, cell, cursor);
}

/*
 * fb_indexed_span - show the n cells of row from col (no cursor); old, when not NULL, is
 * what the screen shows there, and cells equal to it are not drawn again. Any context.
 */
void fb_indexed_span(struct fb_console *fc, unsigned col, unsigned row,
		     const struct con_cell *cells, const struct con_cell *old, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (old && old[i].ch == cells[i].ch && old[i].attr == cells[i].attr)
			continue;
		fb_indexed_cell(fc, col + i, row, cells[i], false);
	}
}

/*
 * fb_indexed_fill - every pixel of the framebuffer, margins included, set to pixel value
 * v: 8 pixels per store, the bytes before an 8-byte boundary and after the last one one
 * at a time. Any context.
 */
void fb_indexed_fill(struct fb_console *fc, uint8_t v)
{
	uint64_t v8 = v * 0x0101010101010101ull;

	for (uint32_t y = 0; y < fc->height; y++) {
		uintptr_t p = fc->base + (uintptr_t)y * fc->pitch, end = p + fc->width;

		for (; p < end && (p & 7); p++)
			fb_store8(p, v);
		for (; p + 8 <= end; p += 8)
			fb_store64(p, v8);
		for (; p < end; p++)
			fb_store8(p, v);
	}
}
