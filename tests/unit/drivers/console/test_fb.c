// SPDX-License-Identifier: MIT
/*
 * Unit tests of the framebuffer renderer (src/drivers/console/fb.c) driven by the real
 * terminal: text rendered into RAM framebuffers of 15, 16, 24 and 32 bpp, RGB and BGR,
 * odd widths and padded pitch, scaled fonts. Pixels are checked against the font bitmap
 * and the VGA palette with a decoder written here (not the renderer's code): every pixel
 * of every cell must be the glyph bit's colour and the pitch padding must stay untouched.
 *
 * Run with --never-reads, the same renderer draws into small framebuffers that report
 * every read (tests/support/fb_trap.h) at every format and store width, and must not read
 * one byte; a planted pixel read shows the detector catching it.
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include "fb_decode.h"
#include "fb_screen.h"
#include "prng.h"

static struct fb_info rgb_info(uint32_t w, uint32_t h, uint32_t pitch, uint8_t bpp, bool bgr)
{
	struct fb_info i = { .kind = FB_RGB, .addr = 0, .pitch = pitch, .width = w,
			     .height = h, .bpp = bpp };
	uint8_t rs = 8, gs = 8, bs = 8;

	if (bpp == 16)
		rs = 5, gs = 6, bs = 5;
	else if (bpp == 15)
		rs = 5, gs = 5, bs = 5;
	i.red_size = rs, i.green_size = gs, i.blue_size = bs;
	if (!bgr) {
		i.blue_pos = 0, i.green_pos = bs, i.red_pos = (uint8_t)(bs + gs);
	} else {
		i.red_pos = 0, i.green_pos = rs, i.blue_pos = (uint8_t)(rs + gs);
	}
	return i;
}

/* A screen of format info (fb_screen.h) with the terminal started on it. */
static void open_screen(struct screen *s, struct fb_info info, const struct console_font *font,
			unsigned scale)
{
	screen_map(s, &info, font, scale);
	arm(s);
	term_init(&s->t, s->cells, s->fc.cols, s->fc.rows, &fb_console_ops, &s->fc);
	disarm(s);
	s->shown = calloc((size_t)s->fc.cols * s->fc.rows, sizeof(*s->shown));
	term_attach_batch(&s->t, s->shown); /* as the kernel has it (console.c) */
}

/* Read pixel (x, y) from the RAM framebuffer and expand its channels to 0xRRGGBB with the
 * tag's masks: the inverse of what a monitor does, written independently of fb.c. */
static uint32_t read_rgb(const struct screen *s, unsigned x, unsigned y)
{
	const struct fb_info *i = &s->info;
	unsigned bytes = (i->bpp + 7) / 8;
	const uint8_t *p = s->mem + (size_t)y * i->pitch + (size_t)x * bytes;
	uint32_t v = 0;

	for (unsigned k = 0; k < bytes; k++)
		v |= (uint32_t)p[k] << (8 * k);
	/* the channel's top 8 bits (a 10-bit channel has 2 more below them) */
#define CH(pos, size)                                                                  \
	((size) <= 8 ? ((v >> (pos)) & ((1u << (size)) - 1)) << (8 - (size))          \
		     : ((v >> (pos)) & ((1u << (size)) - 1)) >> ((size) - 8))
	return CH(i->red_pos, i->red_size) << 16 | CH(i->green_pos, i->green_size) << 8 |
	       CH(i->blue_pos, i->blue_size);
#undef CH
}

/* The expected colour reduced to the format's precision, as read_rgb would return it. */
static uint32_t quantize(const struct screen *s, uint32_t rgb)
{
	const struct fb_info *i = &s->info;
	uint32_t r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;

	if (i->red_size < 8)
		r &= 0xffu << (8 - i->red_size) & 0xff;
	if (i->green_size < 8)
		g &= 0xffu << (8 - i->green_size) & 0xff;
	if (i->blue_size < 8)
		b &= 0xffu << (8 - i->blue_size) & 0xff;
	return r << 16 | g << 8 | b;
}

/* read_rgb as fb_decode.h's pixel reader */
static uint32_t screen_pixel(const void *s, unsigned x, unsigned y)
{
	return read_rgb(s, x, y);
}

/* Compare every pixel of every cell with the grid: glyph bit set -> foreground colour,
 * clear -> background; the cursor cell's two bottom font rows are all foreground.
 * Returns the number of wrong pixels (0 expected). */
static long verify_screen(const struct screen *s)
{
	const struct fb_console *fc = &s->fc;
	long bad = 0;

	for (unsigned row = 0; row < fc->rows; row++)
		for (unsigned col = 0; col < fc->cols; col++) {
			struct con_cell c = term_cell(&s->t, col, row);
			bool cur = col == s->t.cx && row == s->t.cy;
			uint32_t fg = quantize(s, fb_vga_rgb[c.attr & 15]);
			uint32_t bg = quantize(s, fb_vga_rgb[(c.attr >> 4) & 7]);

			fb_check_cell(fc, screen_pixel, s, col, row, c.ch, cur, fg, bg, &bad);
		}
	return bad;
}

/* Decode the character in a cell from pixels alone, like the QEMU screen tests do:
 * the glyph whose bitmap matches the cell's foreground/background pattern. */
static int decode_cell(const struct screen *s, unsigned col, unsigned row)
{
	return fb_decode_cell(&s->fc, screen_pixel, s, col, row);
}

static const char *decode_row(const struct screen *s, unsigned row, unsigned n)
{
	static char buf[256];

	for (unsigned c = 0; c < n; c++) {
		int ch = decode_cell(s, c, row);
		buf[c] = ch < 0 ? '#' : (char)ch;
	}
	buf[n] = 0;
	return buf;
}

/* Bytes right of the last column of cells (the margin of a width that is no multiple of
 * the cell width, and the pitch padding) and below the last full row of cells are never
 * written by drawing text (only fb_fill paints the margin): they keep the canary. Returns
 * the number of changed bytes. */
static long padding_touched(const struct screen *s)
{
	unsigned bytes = (s->info.bpp + 7) / 8;
	size_t text_w = (size_t)s->fc.cols * s->fc.cell_w * bytes;
	unsigned text_h = s->fc.rows * s->fc.cell_h;
	long bad = 0;

	for (unsigned y = 0; y < s->info.height; y++)
		for (size_t x = y < text_h ? text_w : 0; x < s->info.pitch; x++)
			bad += s->mem[(size_t)y * s->info.pitch + x] != CANARY;
	return bad;
}

/* An 8x14 font made of the shipped 8x16 font's rows 1-14: a font height no renderer fast
 * path is written for. */
static const struct console_font *font_8x14(void)
{
	static uint8_t glyphs[256 * 14];
	static struct console_font f = {8, 14, 1, glyphs};

	for (unsigned ch = 0; ch < 256; ch++)
		memcpy(glyphs + ch * 14, console_font_8x16.glyphs + ch * 16 + 1, 14);
	return &f;
}

/* One scenario: text with colours, wrap and scrolling on the given format. */
static void scenario(const char *name, struct fb_info info, const struct console_font *font,
		     unsigned scale)
{
	struct screen s;

	fprintf(stderr, "scenario %s\n", name);
	open_screen(&s, info, font, scale);
	put(&s, "Hello, LiOS!\n\x1b[31mred\x1b[0m \x1b[1;44mbold on blue\x1b[0m\ttab\n");
	CHECK(!strcmp(decode_row(&s, 0, 12), "Hello, LiOS!"));
	CHECK_EQ(verify_screen(&s), 0);

	/* fill the screen so it scrolls twice, each line different */
	for (unsigned i = 0; i < s.fc.rows; i++) {
		char line[64];

		snprintf(line, sizeof(line), "line %u \x1b[3%um*\x1b[0m\n", i, i % 8);
		put(&s, line);
	}
	/* 2 header lines + rows lines = rows + 2 newlines: 3 scrolls, "line 1" is on top */
	CHECK(!strcmp(decode_row(&s, 0, 6), "line 1"));
	CHECK_EQ(verify_screen(&s), 0);

	/* a page and more in one write (drawn once at its end, term_attach_batch), colours
	 * changing in the middle of it */
	{
		static char page[64 * 1024];
		size_t n = 0;

		for (unsigned i = 0; i < s.fc.rows + 3 && n + 64 < sizeof(page); i++)
			n += (size_t)snprintf(page + n, sizeof(page) - n, "page %u \x1b[3%u;4%umgy|\n", i,
					      i % 8, (i + 3) % 8);
		char last[16];

		put(&s, page);
		put(&s, "\x1b[0m");
		snprintf(last, sizeof(last), "page %u", s.fc.rows + 2);
		CHECK(!strcmp(decode_row(&s, s.fc.rows - 2, (unsigned)strlen(last)), last));
		CHECK_EQ(verify_screen(&s), 0);
	}

	/* a line longer than the screen wraps */
	for (unsigned i = 0; i < s.fc.cols + 3; i++)
		put(&s, "W");
	CHECK(!strcmp(decode_row(&s, s.fc.rows - 2, 3), "WWW"));
	CHECK(!strcmp(decode_row(&s, s.fc.rows - 1, 3), "WWW"));
	CHECK_EQ(verify_screen(&s), 0);

	put(&s, "\x1b[2J\x1b[Hcleared");
	CHECK(!strcmp(decode_row(&s, 0, 7), "cleared"));
	CHECK_EQ(verify_screen(&s), 0);
	CHECK_EQ(padding_touched(&s), 0);
	close_screen(&s);
}

/* Scrolling text whose glyphs differ in their top and bottom rows (descenders, accents,
 * box drawing that runs the full cell height, colour changes): the renderer's fast path
 * skips glyph rows it believes unchanged, and every pixel must still be right after every
 * line. Checked with this file's decoder after each of edge_lines (120) scrolled lines. The fast path
 * stores at most simd bytes at once (0: general registers); with section_taken another
 * user holds the vector registers, so the renderer must fall back to general registers.
 * Returns a copy of the final framebuffer (free() it). */
static int edge_lines = 120;

static uint8_t *scroll_changes_edge_rows(struct fb_info info, const struct console_font *font,
					 unsigned simd, bool section_taken)
{
	static const char *const pieces[] = {
		"_", "g", "j", "p", "q", "y", ",", "'", "`", "^", "\xc3\x89", "\xc3\x96",
		"\xe2\x94\x82", "\xe2\x94\x80", "\xe2\x94\xbc", "\xe2\x96\x88",
		"\xe2\x96\x80", "\xe2\x96\x84", "A", "-", " ", "\x1b[32m", "\x1b[0m", "\x1b[1;37;41m",
	};
	struct screen s;
	long bad = 0;
	uint8_t *copy;

	fprintf(stderr, "edge rows %ux%u, font %ux%u, %u-byte stores%s\n", info.width,
		info.height, font->width, font->height, simd,
		section_taken ? ", vector registers taken" : "");
	open_screen(&s, info, font, 1);
	s.fc.simd_bytes = simd;
	if (section_taken)
		CHECK(arch_simd_begin());
	uint64_t rng = prng_seed(7);

	for (int line = 0; line < edge_lines; line++) {
		int n = (int)prng_below(&rng, s.fc.cols + 20);

		for (int i = 0; i < n; i++)
			put(&s, pieces[prng_below(&rng, sizeof(pieces) / sizeof(pieces[0]))]);
		put(&s, "\x1b[0m\n");
		bad += verify_screen(&s);
	}
	if (section_taken)
		arch_simd_end();
	CHECK_EQ(bad, 0);
	/* refused exactly when vectors were allowed but taken */
	CHECK_EQ(s.fc.simd_refused != 0, simd && section_taken);
	copy = malloc(s.size);
	memcpy(copy, s.mem, s.size);
	close_screen(&s);
	return copy;
}

/* The fast path at every store width the host allows (general registers, SSE2, AVX2, and
 * general registers because the vector registers are taken): each screen right pixel by
 * pixel, and the framebuffers byte for byte the same. */
static void scroll_every_store_width(struct fb_info info, const struct console_font *font)
{
	unsigned widths[] = { 0, 16, 32 };
	size_t size = (size_t)info.pitch * info.height;
	uint8_t *ref = scroll_changes_edge_rows(info, font, 0, false), *other;

	for (unsigned i = 1; i < 3; i++) {
		if (widths[i] > arch_simd_bytes()) {
			fprintf(stderr, "  not run: this CPU has no %u-byte vector stores\n", widths[i]);
			continue;
		}
		other = scroll_changes_edge_rows(info, font, widths[i], false);
		CHECK(memcmp(ref, other, size) == 0);
		free(other);
	}
	other = scroll_changes_edge_rows(info, font, arch_simd_bytes(), true);
	CHECK(memcmp(ref, other, size) == 0);
	free(other);
	free(ref);
}

/* The detector itself on a bare page: a plain store is a write; a load, a read-modify-write
 * (OR into memory) and a locked add are reads; SSE stores and memset are writes only; and
 * every instruction it stepped over really happened. */
static void detector_classifies_accesses(void)
{
	typedef uint32_t v4u __attribute__((vector_size(16)));
	volatile uint32_t *p = fb_trap_map(4096);
	v4u four = { 5, 6, 7, 8 };
	uint32_t v;

	fb_trap_arm();
	p[0] = 7;
	CHECK_EQ(fb_trap_reads(), 0);
	CHECK_EQ(fb_trap_writes(), 1);
	v = p[0];
	CHECK_EQ(fb_trap_reads(), 1);
	__asm__ volatile("orl $0x10, %0" : "+m"(p[1]));
	CHECK_EQ(fb_trap_reads(), 2);
	__atomic_fetch_add(&p[2], 3, __ATOMIC_SEQ_CST);
	CHECK_EQ(fb_trap_reads(), 3);
	*(volatile v4u *)(p + 4) = four;
	memset((void *)(p + 64), 0xab, 512);
	CHECK_EQ(fb_trap_reads(), 3);
	CHECK(fb_trap_writes() >= 6);
	fb_trap_disarm();
	CHECK_EQ(v, 7);
	CHECK_EQ(p[1], 0x10);
	CHECK_EQ(p[2], 3);
	CHECK_EQ(p[6], 7);
	CHECK_EQ(p[64 + 127], 0xabababab);
	fb_trap_unmap();
}

/* The planted bug: code that reads one pixel of a trapped screen is caught. */
static void planted_pixel_read_is_caught(void)
{
	struct screen s;
	uint32_t px;

	open_screen(&s, rgb_info(32, 48, 128, 32, false), &console_font_8x16, 1);
	put(&s, "A");
	CHECK_EQ(fb_trap_reads(), 0);
	fb_trap_arm();
	px = read_rgb(&s, 0, 0); /* what a renderer blending into the screen would do */
	fb_trap_disarm();
	CHECK(fb_trap_reads() >= 1);
	CHECK_EQ(px, quantize(&s, fb_vga_rgb[0]));
	close_screen(&s);
	trapped_reads = trapped_writes = 0;
}

/* Fill, text in colours, scrolling, wrap and clear on a small trapped screen: right pixels
 * and not one read of video memory. simd: widest store the fast path may use. */
static void renderer_never_reads(const char *name, struct fb_info info,
				 const struct console_font *font, unsigned scale, unsigned simd)
{
	struct screen s;

	fprintf(stderr, "never reads: %s\n", name);
	open_screen(&s, info, font, scale);
	s.fc.simd_bytes = simd;
	fb_trap_arm();
	fb_fill(&s.fc, 1);
	term_redraw(&s.t);
	fb_trap_disarm();
	CHECK_EQ(verify_screen(&s), 0);
	put(&s, "Hi\x1b[31mred\x1b[0m\n\x1b[1;44mgj\x1b[0m\tx\n");
	CHECK_EQ(verify_screen(&s), 0);
	for (unsigned i = 0; i <= s.fc.rows; i++) {
		char line[32];

		snprintf(line, sizeof(line), "%u\x1b[3%um_y\x1b[0m\n", i, i % 8);
		put(&s, line);
		CHECK_EQ(verify_screen(&s), 0);
	}
	{ /* more than a screen in one write: the batched drawing (term_attach_batch) */
		char many[512] = "";

		for (unsigned i = 0; i <= s.fc.rows + 1; i++)
			snprintf(many + strlen(many), sizeof(many) - strlen(many), "b%u\x1b[3%umgj\n", i,
				 i % 8);
		put(&s, many);
		CHECK_EQ(verify_screen(&s), 0);
	}
	for (unsigned i = 0; i < s.fc.cols + 1; i++)
		put(&s, "W");
	put(&s, "\x1b[2J\x1b[Hok");
	CHECK_EQ(verify_screen(&s), 0);
	CHECK_EQ(fb_trap_reads(), 0);
	CHECK(fb_trap_writes() > 0);
	close_screen(&s);
}

/* --never-reads: the renderer on trapped framebuffers (tests/support/fb_trap.h). */
static int never_reads_main(void)
{
	unsigned simd = arch_simd_bytes();

	detector_classifies_accesses();
	use_trap = true;
	planted_pixel_read_is_caught();
	/* 32 bpp, 8x16 font: the single-cell path and the row fast path at every store width */
	renderer_never_reads("32x48x32 general registers", rgb_info(32, 48, 136, 32, false),
			     &console_font_8x16, 1, 0);
	if (simd >= 16)
		renderer_never_reads("32x48x32 sse2", rgb_info(32, 48, 128, 32, true),
				     &console_font_8x16, 1, 16);
	if (simd >= 32)
		renderer_never_reads("32x48x32 avx2", rgb_info(32, 48, 128, 32, false),
				     &console_font_8x16, 1, 32);
	renderer_never_reads("32x64x32 font 16x32", rgb_info(32, 64, 128, 32, false),
			     &console_font_16x32, 1, simd);
	/* the generic path: 24, 16, 15 bpp and scaling */
	renderer_never_reads("32x48x24", rgb_info(32, 48, 100, 24, true), &console_font_8x16, 1, simd);
	renderer_never_reads("32x48x16", rgb_info(32, 48, 66, 16, false), &console_font_8x16, 1, simd);
	renderer_never_reads("32x48x15", rgb_info(32, 48, 64, 15, false), &console_font_8x16, 1, simd);
	renderer_never_reads("32x64x32 scale 2", rgb_info(32, 64, 128, 32, false),
			     &console_font_8x16, 2, simd);
	/* the edge-row fast path, byte-identical at every store width, vector registers taken */
	edge_lines = 6;
	scroll_every_store_width(rgb_info(32, 48, 128, 32, false), &console_font_8x16);
	check_never_read("renderer");
	return unit_exit("test_fb --never-reads");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--never-reads"))
		return never_reads_main();

	/* The 32 bpp fast path, which skips glyph rows that stay the same, at every store
	 * width: the 8x16 font at three screen widths (1366: a pair of cells can straddle a
	 * cache line) and the 16x32 font with a pitch that is no multiple of 64. */
	scroll_every_store_width(rgb_info(640, 480, 2560, 32, false), &console_font_8x16);
	scroll_every_store_width(rgb_info(1366, 200, 5504, 32, true), &console_font_8x16);
	/* a pitch of 4096 takes the two-pass order (fb_glyph8.c); 125 columns: odd spans */
	scroll_every_store_width(rgb_info(1000, 200, 4096, 32, false), &console_font_8x16);
	scroll_every_store_width(rgb_info(1000, 400, 4008, 32, false), &console_font_16x32);

	/* 24, 16 and 15 bpp scroll through packed glyph rows (fb.c's fb_span_packed), which
	 * skip the rows that stay the same: every pixel checked after each line, both fonts,
	 * RGB and BGR, pitches padded or not a multiple of 4 (no vector stores there). */
	edge_lines = 60;
	free(scroll_changes_edge_rows(rgb_info(1021, 200, 3064, 24, true), &console_font_8x16, 0,
				      false));
	free(scroll_changes_edge_rows(rgb_info(1000, 400, 3002, 24, false), &console_font_16x32,
				      0, false));
	free(scroll_changes_edge_rows(rgb_info(700, 200, 1408, 16, false), &console_font_8x16, 0,
				      false));
	free(scroll_changes_edge_rows(rgb_info(640, 192, 1280, 15, true), &console_font_16x32, 0,
				      false));
	edge_lines = 120;

	/* 4K and 5K widths with the pitch padded to 16384 (a multiple of 4096: the two-pass
	 * order) and 5K's 20480, both fonts; a few rows high, the rows are what repeats, and
	 * 24 lines each (the wide rows are slow to check). */
	edge_lines = 24;
	scroll_every_store_width(rgb_info(3840, 160, 16384, 32, false), &console_font_8x16);
	scroll_every_store_width(rgb_info(3840, 192, 16384, 32, true), &console_font_16x32);
	scroll_every_store_width(rgb_info(5120, 160, 20480, 32, false), &console_font_16x32);
	edge_lines = 120;
	scenario("3840x256x32 pitch 16384 font 16x32", rgb_info(3840, 256, 16384, 32, false),
		 &console_font_16x32, 1);

	/* 32 bpp RGB, 1366 wide (not a multiple of 8) with pitch 5504 > 1366 * 4: text,
	 * colours, scroll, wrap and clear all match the font; the padding is untouched. */
	scenario("1366x768x32 rgb pitch 5504", rgb_info(1366, 768, 5504, 32, false),
		 &console_font_8x16, 1);
	/* 32 bpp BGR (red in the low byte, as some GOP framebuffers). */
	scenario("800x600x32 bgr", rgb_info(800, 600, 3200, 32, true), &console_font_8x16, 1);
	/* 24 bpp RGB, odd width 1021, pitch rounded up to 3072. */
	scenario("1021x300x24 rgb", rgb_info(1021, 300, 3072, 24, false), &console_font_8x16, 1);
	/* 24 bpp BGR. */
	scenario("640x480x24 bgr", rgb_info(640, 480, 1920, 24, true), &console_font_8x16, 1);
	/* 16 bpp RGB 565 with a padded pitch. */
	scenario("800x600x16 rgb565", rgb_info(800, 600, 1664, 16, false), &console_font_8x16, 1);
	/* 15 bpp RGB 555. */
	scenario("640x480x15 rgb555", rgb_info(640, 480, 1280, 15, false), &console_font_8x16, 1);
	/* 2x scaling of the 8x16 font at 32 bpp (the generic path), odd width. */
	scenario("1023x500x32 scale 2", rgb_info(1023, 500, 4096, 32, false), &console_font_8x16, 2);
	/* 3x scaling at 16 bpp. */
	scenario("700x400x16 scale 3", rgb_info(700, 400, 1400, 16, false), &console_font_8x16, 3);
	/* The native 16x32 font at 32 bpp (fast path with 16-pixel rows) and at 24 bpp. */
	scenario("1000x700x32 font 16x32", rgb_info(1000, 700, 4000, 32, false), &console_font_16x32, 1);
	/* An 8-pixel font of another height (the shipped 8x16 without its top and bottom
	 * rows): fb_glyph8.c's cell-by-cell path for such fonts, also scrolled. */
	scenario("640x480x32 font 8x14", rgb_info(640, 480, 2560, 32, false), font_8x14(), 1);
	scenario("1000x700x24 font 16x32", rgb_info(1000, 700, 3000, 24, true), &console_font_16x32, 1);

	/* 24 bpp at 1366 wide: pitch 4098 = 1366 * 3, no multiple of 4 (every line starts
	 * at another alignment). */
	scenario("1366x768x24 pitch 4098", rgb_info(1366, 768, 4098, 24, false), &console_font_8x16,
		 1);
	/* 30-bit colour (x2r10g10b10, red mask size 10, as GOP reports on some HDR-capable
	 * panels) and its BGR twin, through the fast path and the 16x32 font. */
	{
		struct fb_info i = rgb_info(800, 600, 3200, 32, false);

		i.red_pos = 20, i.red_size = 10, i.green_pos = 10, i.green_size = 10;
		i.blue_pos = 0, i.blue_size = 10;
		scenario("800x600 x2r10g10b10", i, &console_font_8x16, 1);
		scenario("800x600 x2r10g10b10 font 16x32", i, &console_font_16x32, 1);
		i.red_pos = 0, i.blue_pos = 20;
		scenario("800x600 x2b10g10r10", i, &console_font_8x16, 1);
	}
	/* Full scale is all ones at any channel width: white 0xffffff is 0x3ff in a 10-bit
	 * channel (it was 0x3fc, the 8-bit value shifted up), 0x1f in 5 bits, 0xff in 8. */
	{
		struct fb_console fc;
		struct fb_info i = rgb_info(800, 600, 3200, 32, false);
		uint8_t dummy[4];

		i.red_pos = 20, i.red_size = 10, i.green_pos = 10, i.green_size = 10;
		i.blue_pos = 0, i.blue_size = 10;
		CHECK_EQ(fb_console_setup(&fc, dummy, &i, &console_font_8x16, 1), 0);
		CHECK_EQ(fb_pixel(&fc, 0xff, 0xff, 0xff), 0x3fffffffu);
		CHECK_EQ(fb_pixel(&fc, 0, 0, 0), 0u);
		CHECK_EQ(fb_pixel(&fc, 0x80, 0, 0), 0x202u << 20); /* 0x80 -> 0x202 of 0x3ff */
		i = rgb_info(800, 600, 1600, 16, false);
		CHECK_EQ(fb_console_setup(&fc, dummy, &i, &console_font_8x16, 1), 0);
		CHECK_EQ(fb_pixel(&fc, 0xff, 0xff, 0xff), 0xffffu);
		i = rgb_info(800, 600, 3200, 32, false);
		CHECK_EQ(fb_console_setup(&fc, dummy, &i, &console_font_8x16, 1), 0);
		CHECK_EQ(fb_pixel(&fc, 0xff, 0x80, 0x01), 0xff8001u);
	}

	/* The grids of real panels: 4K with the pitch padded to 16384 and 5K with the 16x32
	 * font (the console's choice at 1440 lines and more), 2560x1600, 1366x768x24 with
	 * pitch 4098; and 5K with the 8x16 font at console.scale=1. Setup draws nothing, so
	 * no memory is needed. */
	{
		static const struct {
			uint32_t w, h, pitch;
			uint8_t bpp;
			const struct console_font *font;
			unsigned cols, rows;
		} modes[] = {
			{ 3840, 2160, 16384, 32, &console_font_16x32, 240, 67 },
			{ 5120, 2880, 20480, 32, &console_font_16x32, 320, 90 },
			{ 2560, 1600, 10240, 32, &console_font_16x32, 160, 50 },
			{ 1366, 768, 4098, 24, &console_font_8x16, 170, 48 },
			{ 5120, 2880, 20480, 32, &console_font_8x16, 640, 180 },
		};
		struct fb_console fc;

		for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
			struct fb_info i = rgb_info(modes[m].w, modes[m].h, modes[m].pitch, modes[m].bpp,
						    false);

			CHECK_EQ(fb_console_setup(&fc, NULL, &i, modes[m].font, 1), 0);
			CHECK_EQ(fc.cols, modes[m].cols);
			CHECK_EQ(fc.rows, modes[m].rows);
		}
	}

	/* Geometry: cell (col,row) starts at pixel (col*8, row*16); 1366/8 = 170 columns. */
	{
		struct screen s;

		open_screen(&s, rgb_info(1366, 768, 5504, 32, false), &console_font_8x16, 1);
		CHECK_EQ(s.fc.cols, 170);
		CHECK_EQ(s.fc.rows, 48);
		close_screen(&s);
	}

	/* Refused formats: indexed colour at 32 bpp (indexed is drawn at 8 bpp only, see
	 * test_fb_indexed), direct colour at 8 bpp, a channel beyond the pixel, a pitch
	 * smaller than a line, and a screen too small for one cell. */
	{
		struct fb_console fc;
		struct fb_info i = rgb_info(640, 480, 2560, 32, false);
		uint8_t dummy[4];

		i.kind = FB_INDEXED;
		CHECK_EQ(fb_console_setup(&fc, dummy, &i, &console_font_8x16, 1), -ENOTSUP);
		i = rgb_info(640, 480, 640, 8, false);
		CHECK_EQ(fb_console_setup(&fc, dummy, &i, &console_font_8x16, 1), -ENOTSUP);
		i = rgb_info(640, 480, 1280, 16, false);
		i.red_pos = 14;
		CHECK_EQ(fb_console_setup(&fc, dummy, &i, &console_font_8x16, 1), -ENOTSUP);
		i = rgb_info(640, 480, 2000, 32, false);
		CHECK_EQ(fb_console_setup(&fc, dummy, &i, &console_font_8x16, 1), -EINVAL);
		i = rgb_info(7, 15, 28, 32, false);
		CHECK_EQ(fb_console_setup(&fc, dummy, &i, &console_font_8x16, 1), -EINVAL);
	}

	/* The reason the console prints for each refusal (fb_console_refusal), always in step
	 * with fb_console_setup. A 15 bpp screen whose pitch holds its pixels' 15 bits but not
	 * the 2 bytes each is stored in (640 * 15 / 8 = 1200 < 1280 bytes: the Multiboot2
	 * parser counts bits and lets it through) is refused for its pitch, not as "too small
	 * for the font"; a screen smaller than one cell is; a format is "not supported"; an
	 * indexed one gets fb_indexed_check's words; an accepted one has no reason. */
	{
		static const struct {
			struct fb_info info;
			unsigned scale;
			int err;
			const char *why; /* a word the reason must contain; NULL: accepted */
		} cases[] = {
			{ { .kind = FB_RGB, .width = 640, .height = 480, .pitch = 1200, .bpp = 15,
			    .red_pos = 10, .red_size = 5, .green_pos = 5, .green_size = 5,
			    .blue_size = 5 }, 1, -EINVAL, "pitch" },
			{ { .kind = FB_RGB, .width = 640, .height = 480, .pitch = 2000, .bpp = 32,
			    .red_pos = 16, .red_size = 8, .green_pos = 8, .green_size = 8,
			    .blue_size = 8 }, 1, -EINVAL, "pitch" },
			{ { .kind = FB_RGB, .width = 7, .height = 15, .pitch = 28, .bpp = 32,
			    .red_pos = 16, .red_size = 8, .green_pos = 8, .green_size = 8,
			    .blue_size = 8 }, 1, -EINVAL, "too small for the font" },
			{ { .kind = FB_RGB, .width = 60, .height = 480, .pitch = 240, .bpp = 32,
			    .red_pos = 16, .red_size = 8, .green_pos = 8, .green_size = 8,
			    .blue_size = 8 }, 8, -EINVAL, "too small for the font" },
			{ { .kind = FB_RGB, .width = 640, .height = 480, .pitch = 640, .bpp = 8,
			    .red_pos = 5, .red_size = 3, .green_pos = 2, .green_size = 3,
			    .blue_size = 2 }, 1, -ENOTSUP, "not supported" },
			{ { .kind = FB_INDEXED, .width = 640, .height = 480, .pitch = 640, .bpp = 8,
			    .palette_colors = 0 }, 1, -ENOTSUP, "palette" },
			{ { .kind = FB_RGB, .width = 640, .height = 480, .pitch = 1280, .bpp = 15,
			    .red_pos = 10, .red_size = 5, .green_pos = 5, .green_size = 5,
			    .blue_size = 5 }, 1, 0, NULL },
		};
		struct fb_console fc;
		uint8_t dummy[4];

		for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
			const char *why = fb_console_refusal(&cases[k].info, &console_font_8x16,
							     cases[k].scale);

			CHECK_EQ(fb_console_setup(&fc, dummy, &cases[k].info, &console_font_8x16,
						  cases[k].scale), cases[k].err);
			if (!cases[k].why) {
				CHECK(why == NULL);
				continue;
			}
			CHECK(why && strstr(why, cases[k].why));
			if (why && !strstr(why, cases[k].why))
				fprintf(stderr, "case %zu: \"%s\" does not say \"%s\"\n", k, why,
					cases[k].why);
		}
	}

	/* The ASCII glyphs are the font's: 'A' has pixels, ' ' has none, and the generated
	 * table maps every printable ASCII byte to a distinct glyph. */
	{
		static const uint8_t blank[16];

		CHECK(memcmp(console_font_8x16.glyphs + ' ' * 16, blank, 16) == 0);
		CHECK(memcmp(console_font_8x16.glyphs + 'A' * 16, blank, 16) != 0);
	}
	for (int a = 0x21; a < 0x7f; a++)
		for (int b = a + 1; b < 0x7f; b++)
			CHECK(memcmp(console_font_8x16.glyphs + a * 16, console_font_8x16.glyphs + b * 16, 16));
	return unit_exit("test_fb");
}
