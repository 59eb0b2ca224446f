// SPDX-License-Identifier: MIT
/*
 * Unit tests of the indexed (palette) framebuffer renderer, src/drivers/console/
 * fb_indexed.c, driven through fb.c by the real terminal: 8 bits per pixel, palettes of 256,
 * 16 and 2 colours, padded pitch, scaled and 16x32 fonts, the cursor, scrolling, the
 * scrollback view and the panic colours. Each pixel byte is looked up in the palette and
 * compared with the colour the font bit asks for (a decoder written here, not the
 * renderer's code); the pitch padding must keep its canary.
 *
 * Run with --never-reads, the same drawing happens on framebuffers that report every read
 * (tests/support/fb_trap.h): not one read of video memory is allowed.
 */
#include <lios/errno.h>
#include "fb_decode.h"
#include "fb_screen.h"

static struct fb_color rgb_color(uint32_t rgb)
{
	return (struct fb_color){ (uint8_t)(rgb >> 16), (uint8_t)(rgb >> 8), (uint8_t)rgb };
}

static uint32_t color_rgb(struct fb_color c)
{
	return (uint32_t)c.red << 16 | c.green << 8 | c.blue;
}

/* 256 colours: a 6x6x6 cube and greys, with the 16 VGA colours at scattered indices
 * (16 * i + 5), so drawing with "index = console colour" would be wrong. */
static struct fb_info palette_256(uint32_t w, uint32_t h, uint32_t pitch)
{
	struct fb_info i = { .kind = FB_INDEXED,
			     .pitch = pitch,
			     .width = w,
			     .height = h,
			     .bpp = 8,
			     .palette_colors = 256 };

	for (unsigned k = 0; k < 256; k++)
		i.palette[k] = rgb_color(k < 216 ? (k / 36 * 51u) << 16 | (k / 6 % 6 * 51u) << 8 |
							   (k % 6 * 51u)
						 : (k - 216) * 0x060606u + 0x0a0a0a);
	for (unsigned c = 0; c < 16; c++)
		i.palette[16 * c + 5] = rgb_color(fb_vga_rgb[c]);
	return i;
}

/* 16 colours: the VGA colours in reverse order. */
static struct fb_info palette_16(uint32_t w, uint32_t h, uint32_t pitch)
{
	struct fb_info i = { .kind = FB_INDEXED,
			     .pitch = pitch,
			     .width = w,
			     .height = h,
			     .bpp = 8,
			     .palette_colors = 16 };

	for (unsigned c = 0; c < 16; c++)
		i.palette[15 - c] = rgb_color(fb_vga_rgb[c]);
	return i;
}

/* A screen of format info (fb_screen.h), cleared, with the terminal started on it and a
 * scrollback of 100 rows. */
static void open_screen(struct screen *s, const struct fb_info *info,
			const struct console_font *font, unsigned scale)
{
	screen_map(s, info, font, scale);
	s->sb_mem = malloc(scrollback_bytes(s->fc.cols, 100));
	scrollback_init(&s->sb, s->sb_mem, s->fc.cols, 100);
	arm(s);
	fb_fill(&s->fc, 0);
	term_init(&s->t, s->cells, s->fc.cols, s->fc.rows, &fb_console_ops, &s->fc);
	disarm(s);
	term_attach_scrollback(&s->t, &s->sb);
}

static uint32_t read_rgb(const struct screen *s, unsigned x, unsigned y)
{
	return color_rgb(s->info.palette[s->mem[(size_t)y * s->info.pitch + x]]);
}

/* What screen cell (col, row) shows: the grid, or the scrollback rows above it while the
 * view is scrolled back. */
static struct con_cell shown(const struct screen *s, unsigned col, unsigned row)
{
	size_t v = s->t.view;

	if (row < v)
		return scrollback_row(&s->sb, s->sb.count - v + row)[col];
	return term_cell(&s->t, col, row - (unsigned)v);
}

/* read_rgb as fb_decode.h's pixel reader */
static uint32_t screen_pixel(const void *s, unsigned x, unsigned y) { return read_rgb(s, x, y); }

/* Every pixel of every cell against the font: glyph bit (or the live cursor's two bottom
 * rows) -> the foreground's VGA colour, else the background's. Returns wrong pixels. */
static long verify_exact(const struct screen *s)
{
	const struct fb_console *fc = &s->fc;
	long bad = 0;

	for (unsigned row = 0; row < fc->rows; row++)
		for (unsigned col = 0; col < fc->cols; col++) {
			struct con_cell c = shown(s, col, row);
			bool cur = !s->t.view && s->t.cursor_enabled && col == s->t.cx &&
				   row == s->t.cy;
			uint32_t fg = fb_vga_rgb[c.attr & 15], bg = fb_vga_rgb[(c.attr >> 4) & 7];

			fb_check_cell(fc, screen_pixel, s, col, row, c.ch, cur, fg, bg, &bad);
		}
	return bad;
}

/* The character in a cell from its pixels (fb_decode_cell): -1 when none matches. */
static int decode_cell(const struct screen *s, unsigned col, unsigned row)
{
	return fb_decode_cell(&s->fc, screen_pixel, s, col, row);
}

static bool row_reads(const struct screen *s, unsigned row, const char *want)
{
	for (unsigned c = 0; want[c]; c++)
		if (decode_cell(s, c, row) != want[c]) {
			fprintf(stderr, "row %u col %u: not '%c'\n", row, c, want[c]);
			return false;
		}
	return true;
}

static long padding_touched(const struct screen *s)
{
	long bad = 0;

	for (unsigned y = 0; y < s->info.height; y++)
		for (size_t x = s->info.width; x < s->info.pitch; x++)
			bad += s->mem[(size_t)y * s->info.pitch + x] != CANARY;
	return bad;
}

/* Text in all colours, the cursor, a wrap, scrolling past the bottom, the scrollback view
 * and back, the panic colours, a clear: each screen right pixel by pixel (palettes that
 * hold the 16 VGA colours exactly) and the pitch padding untouched. */
static void scenario(const char *name, const struct fb_info *info, const struct console_font *font,
		     unsigned scale)
{
	struct screen s;

	fprintf(stderr, "scenario %s\n", name);
	open_screen(&s, info, font, scale);
	CHECK_EQ(s.fc.ix_exact, 16);
	put(&s, "Hello, LiOS!\n");
	CHECK(row_reads(&s, 0, "Hello, LiOS!"));
	for (unsigned fg = 0; fg < 16; fg++) {
		char cell[32];

		snprintf(cell, sizeof(cell), "\x1b[%u;%u;%umX", fg < 8 ? 22 : 1, 30 + fg % 8,
			 40 + (15 - fg) % 8);
		put(&s, cell);
	}
	put(&s, "\x1b[0m gjy\n");
	CHECK_EQ(verify_exact(&s), 0);
	for (unsigned i = 0; i < s.fc.rows + 2; i++) {
		char line[48];

		snprintf(line, sizeof(line), "line %u \x1b[3%um*\x1b[0m\n", i, i % 8);
		put(&s, line);
		if (i % 7 == 0)
			CHECK_EQ(verify_exact(&s), 0);
	}
	CHECK(row_reads(&s, s.fc.rows - 2, "line "));
	for (unsigned i = 0; i < s.fc.cols + 3; i++)
		put(&s, "W");
	CHECK_EQ(verify_exact(&s), 0);
	/* Shift+PgUp as far as it goes: "Hello" on the top row again, every pixel right */
	arm(&s);
	CHECK(term_view_scroll(&s.t, 1000) > 0);
	disarm(&s);
	CHECK(row_reads(&s, 0, "Hello, LiOS!"));
	CHECK_EQ(verify_exact(&s), 0);
	arm(&s);
	term_view_reset(&s.t);
	disarm(&s);
	CHECK_EQ(verify_exact(&s), 0);
	/* the panic screen's colours: white on red */
	term_set_default_attr(&s.t, CON_ATTR(CON_COLOR_WHITE, CON_COLOR_RED));
	put(&s, "\nPANIC: test\n");
	CHECK(row_reads(&s, s.fc.rows - 2, "PANIC: test"));
	CHECK_EQ(read_rgb(&s, 0, (s.fc.rows - 2) * s.fc.cell_h), 0xaa0000);
	CHECK_EQ(verify_exact(&s), 0);
	put(&s, "\x1b[2J\x1b[Hcleared");
	CHECK(row_reads(&s, 0, "cleared"));
	CHECK_EQ(verify_exact(&s), 0);
	CHECK_EQ(padding_touched(&s), 0);
	close_screen(&s);
}

/* Two colours, black and white: every console colour falls on one of them, and a cell
 * whose foreground and background fall on the same one is drawn with the other as the
 * foreground: every glyph stays readable (decoded from pixels) in every attribute. */
static void two_colours_stay_readable(void)
{
	struct fb_info info = { .kind = FB_INDEXED,
				.pitch = 264,
				.width = 256,
				.height = 64,
				.bpp = 8,
				.palette_colors = 2 };
	struct screen s;

	info.palette[0] = rgb_color(0xffffff);
	info.palette[1] = rgb_color(0x000000);
	open_screen(&s, &info, &console_font_8x16, 1);
	CHECK_EQ(s.fc.ix_exact, 2); /* black and white are exact, the rest nearest */
	CHECK_EQ(s.fc.palette[CON_COLOR_BLACK], 1);
	CHECK_EQ(s.fc.palette[CON_COLOR_WHITE], 0);
	for (unsigned bg = 0; bg < 8; bg++) {
		for (unsigned fg = 0; fg < 16; fg++) {
			char cell[32];

			if (fg == bg)
				continue;
			snprintf(cell, sizeof(cell), "\x1b[%u;%u;%umA", fg < 8 ? 22 : 1,
				 30 + fg % 8, 40 + bg);
			put(&s, cell);
		}
		put(&s, "\x1b[0m\n");
		for (unsigned c = 0; c < 15; c++)
			CHECK_EQ(decode_cell(&s, c, s.t.cy - 1), 'A');
	}
	CHECK_EQ(padding_touched(&s), 0);
	close_screen(&s);
}

/* GRUB's own palette, as GRUB 2.06 writes it into the tag (read from guest memory after a
 * gfxpayload=1024x768x8 boot): 16 entries, the VGA colours in steps of 0x54, 0xa8, 0xfe.
 * Console colour c is drawn with pixel value c. */
static void grub_palette_maps_in_order(void)
{
	static const uint8_t lvl[] = { 0x00, 0xa8, 0x54, 0xfe };
	static const uint8_t grub[16][3] = {
		{ 0, 0, 0 }, { 0, 0, 1 }, { 0, 1, 0 }, { 0, 1, 1 }, { 1, 0, 0 }, { 1, 0, 1 },
		{ 1, 2, 0 }, { 1, 1, 1 }, { 2, 2, 2 }, { 2, 2, 3 }, { 2, 3, 2 }, { 2, 3, 3 },
		{ 3, 2, 2 }, { 3, 2, 3 }, { 3, 3, 2 }, { 3, 3, 3 },
	};
	struct fb_info info = { .kind = FB_INDEXED,
				.pitch = 1024,
				.width = 1024,
				.height = 768,
				.bpp = 8,
				.palette_colors = 16 };
	struct fb_console fc;
	uint8_t dummy[8];

	for (unsigned c = 0; c < 16; c++)
		info.palette[c] =
			(struct fb_color){ lvl[grub[c][0]], lvl[grub[c][1]], lvl[grub[c][2]] };
	CHECK_EQ(fb_console_setup(&fc, dummy, &info, &console_font_8x16, 1), 0);
	for (unsigned c = 0; c < 16; c++)
		CHECK_EQ(fc.palette[c], c);
	CHECK_EQ(fc.ix_exact, 1); /* only black is exact: GRUB's 0xa8 is not VGA's 0xaa */
}

/* Refused: not 8 bpp, no colours, more than 256, a single colour (repeated): -ENOTSUP,
 * and fb_indexed_check says why in words. */
static void refused_palettes(void)
{
	struct fb_info i = palette_16(640, 480, 640);
	struct fb_console fc;
	uint8_t dummy[8];

	CHECK(fb_indexed_check(&i) == NULL);
	i.bpp = 4;
	CHECK_EQ(fb_console_setup(&fc, dummy, &i, &console_font_8x16, 1), -ENOTSUP);
	CHECK(strstr(fb_indexed_check(&i), "8 bits per pixel") != NULL);
	i = palette_16(640, 480, 640);
	i.palette_colors = 0;
	CHECK_EQ(fb_console_setup(&fc, dummy, &i, &console_font_8x16, 1), -ENOTSUP);
	CHECK(strstr(fb_indexed_check(&i), "0 or more than 256") != NULL);
	i.palette_colors = 257;
	CHECK_EQ(fb_console_setup(&fc, dummy, &i, &console_font_8x16, 1), -ENOTSUP);
	i = palette_16(640, 480, 640);
	for (unsigned k = 0; k < 16; k++)
		i.palette[k] = rgb_color(0x336699);
	CHECK_EQ(fb_console_setup(&fc, dummy, &i, &console_font_8x16, 1), -ENOTSUP);
	CHECK(strstr(fb_indexed_check(&i), "single colour") != NULL);
	i = palette_16(640, 480, 639); /* pitch below a line */
	CHECK_EQ(fb_console_setup(&fc, dummy, &i, &console_font_8x16, 1), -EINVAL);
}

static void run_scenarios(void)
{
	struct fb_info a = palette_256(1021, 300, 1040), b = palette_16(640, 480, 640);
	struct fb_info c = palette_256(1000, 400, 1008), d = palette_16(700, 200, 768);

	scenario("1021x300x8, 256 colours, pitch 1040", &a, &console_font_8x16, 1);
	scenario("640x480x8, 16 colours", &b, &console_font_8x16, 1);
	scenario("1000x400x8, 256 colours, font 16x32", &c, &console_font_16x32, 1);
	scenario("700x200x8, 16 colours, scale 3, pitch 768", &d, &console_font_8x16, 3);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--never-reads")) {
		/* 13 columns: the scenario's longest line fits */
		struct fb_info a = palette_256(104, 48, 112), b = palette_16(208, 64, 208);
		struct fb_info c = palette_16(209, 64, 216);

		use_trap = true;
		scenario("never reads: 104x48x8, 256 colours, pitch 112", &a, &console_font_8x16,
			 1);
		scenario("never reads: 208x64x8, 16 colours, font 16x32", &b, &console_font_16x32,
			 1);
		scenario("never reads: 209x64x8, 16 colours, scale 2, pitch 216", &c,
			 &console_font_8x16, 2);
		check_never_read("indexed renderer");
		return unit_exit("test_fb_indexed --never-reads");
	}
	run_scenarios();
	two_colours_stay_readable();
	grub_palette_maps_in_order();
	refused_palettes();
	return unit_exit("test_fb_indexed");
}
