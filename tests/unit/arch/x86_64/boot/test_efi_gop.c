// SPDX-License-Identifier: MIT
/*
 * Host tests of the UEFI stubs' choices that need no memory map (src/arch/x86_64/boot/
 * efi_map.c): the command line's words (efi.tiny_map, console.mode=WxH), which GOP modes are
 * usable and which one is chosen, and the Multiboot2 framebuffer tag made from a mode,
 * bounded by the firmware's FrameBufferSize. test_efi_map.c has the memory map's half,
 * test_efi_info.c the boot information written around it.
 */
#include <lios/bootinfo.h>
#include <lios/string.h>
#include "efi_map.h"
#include "../../../unit.h"

/* The command line: the test knob is a whole word anywhere; console.mode=WxH is read where
 * its last word stands, and refused when either number is missing or zero; it beats GRUB's
 * mode. */
static void test_cmdline(void)
{
	const char *w = EFI_TINY_MAP_WORD;
	uint32_t x = 0, y = 0;

	CHECK(efi_cmdline_word("efi.tiny_map", 12, w));
	CHECK(efi_cmdline_word("selftest efi.tiny_map", 22, w)); /* NUL inside len */
	CHECK(efi_cmdline_word("a efi.tiny_map b", 16, w));
	CHECK(efi_cmdline_word("efi.tiny_mapx efi.tiny_map", 26, w));
	CHECK(!efi_cmdline_word("efi.tiny_mapx", 13, w));
	CHECK(!efi_cmdline_word("xefi.tiny_map", 13, w));
	CHECK(!efi_cmdline_word("efi.tiny_map", 11, w));    /* cut by len */
	CHECK(!efi_cmdline_word("a\0efi.tiny_map", 15, w)); /* after the NUL */
	CHECK(!efi_cmdline_word("", 0, w));
	CHECK(efi_cmdline_mode("console.mode=1024x768", 21, &x, &y) && x == 1024 && y == 768);
	CHECK(efi_cmdline_mode("a console.mode=800x600 b", 24, &x, &y) && x == 800 && y == 600);
	CHECK(!efi_cmdline_mode("xconsole.mode=800x600", 21, &x, &y));
	CHECK(!efi_cmdline_mode("console.mode=1024", 17, &x, &y));
	CHECK(!efi_cmdline_mode("console.mode=0x768", 18, &x, &y));
	CHECK(!efi_cmdline_mode("console.mode=1024x", 18, &x, &y));
	CHECK(!efi_cmdline_mode("console.mode=1024x768junk", 25, &x, &y));
	CHECK(!efi_cmdline_mode("console.mode=1024x7680000000 b", 30, &x, &y));
	CHECK(efi_cmdline_mode("console.mode=1024x768 junk", 26, &x, &y) && x == 1024 && y == 768);
	/* cut by len after "1024x7": nothing past len is read */
	CHECK(efi_cmdline_mode("console.mode=1024x768", 19, &x, &y) && x == 1024 && y == 7);
	/* given twice, the last word counts, as for every option (src/kernel/core/cmdline.c):
	 * a word added at the end of an entry's line in GRUB's editor overrides the entry's;
	 * a malformed last word is no mode, never the earlier one */
	CHECK(efi_cmdline_mode("console.mode=800x600 console.mode=1024x768", 42, &x, &y) &&
	      x == 1024 && y == 768);
	CHECK(efi_cmdline_mode("console.mode=800x600 a console.mode=640x480 b", 45, &x, &y) &&
	      x == 640 && y == 480);
	CHECK(!efi_cmdline_mode("console.mode=800x600 console.mode=0x768", 39, &x, &y));
	CHECK(efi_cmdline_mode("console.mode=800x600 xconsole.mode=640x480", 42, &x, &y) &&
	      x == 800 && y == 600);

	/* The size wanted of the GOP: console.mode=WxH beats the mode GRUB set for gfxpayload,
	 * a malformed one does not; nothing is wanted when neither names a mode. */
	struct efi_grub_info g = { 0, 0, 0, "console.mode=640x480", 20, 1024, 768 };
	CHECK(efi_wanted_mode(&g, &x, &y) && x == 640 && y == 480);
	g.cmdline = "console.mode=0x480";
	CHECK(efi_wanted_mode(&g, &x, &y) && x == 1024 && y == 768);
	g.fb_width = 0;
	CHECK(!efi_wanted_mode(&g, &x, &y));
	g.cmdline = "", g.cmdline_len = 0, g.fb_width = 800, g.fb_height = 600;
	CHECK(efi_wanted_mode(&g, &x, &y) && x == 800 && y == 600);
}

/* Modes: w x h in 8-bit BGR; 640 x 480 with bit masks r, g, b, x. */
static struct efi_gop_mode_info rgb(uint32_t w, uint32_t h)
{
	return (struct efi_gop_mode_info){ 0, w, h, EFI_PIXEL_BGR_RESERVED_8BIT, 0, 0, 0, 0, w };
}

static struct efi_gop_mode_info masks(uint32_t r, uint32_t g, uint32_t b, uint32_t x)
{
	return (struct efi_gop_mode_info){ 0, 640, 480, EFI_PIXEL_BIT_MASK, r, g, b, x, 640 };
}

/* Usable modes: RGB and BGR, and bit masks that are single runs, disjoint, 16 bits or more.
 * Refused: block-transfer only, unknown formats, no size, a scan line shorter than a line,
 * zero, overlapping, split or 8-bit masks. */
static void test_mode_usable(void)
{
	struct efi_gop_mode_info m = rgb(800, 600);

	CHECK(efi_mode_usable(&m));
	CHECK_EQ(efi_mode_bpp(&m), 32);
	m.pixel_format = EFI_PIXEL_RGB_RESERVED_8BIT;
	CHECK(efi_mode_usable(&m));
	m.pixel_format = EFI_PIXEL_BLT_ONLY;
	CHECK(!efi_mode_usable(&m));
	m.pixel_format = 4;
	CHECK(!efi_mode_usable(&m));
	m = rgb(0, 600);
	CHECK(!efi_mode_usable(&m));
	m = rgb(800, 600), m.pixels_per_scan_line = 799;
	CHECK(!efi_mode_usable(&m));
	m = masks(0xf800, 0x07e0, 0x001f, 0); /* 5-6-5 */
	CHECK(efi_mode_usable(&m) && efi_mode_bpp(&m) == 16);
	m = masks(0x7c00, 0x03e0, 0x001f, 0x8000); /* 5-5-5 + 1 */
	CHECK(efi_mode_usable(&m) && efi_mode_bpp(&m) == 16);
	m = masks(0xff0000, 0xff00, 0xff, 0); /* 24 bits */
	CHECK(efi_mode_usable(&m) && efi_mode_bpp(&m) == 24);
	m = masks(0xff0000, 0xff00, 0xff, 0xff000000);
	CHECK(efi_mode_usable(&m) && efi_mode_bpp(&m) == 32);
	m = masks(0, 0xff00, 0xff, 0);
	CHECK(!efi_mode_usable(&m));
	m = masks(0xff0000, 0xff00, 0xff80, 0); /* green and blue overlap */
	CHECK(!efi_mode_usable(&m));
	m = masks(0xff0000, 0xff00, 0xff, 0x0ff00000); /* reserved overlaps red */
	CHECK(!efi_mode_usable(&m));
	m = masks(0xf0f000, 0x0f00, 0xff, 0); /* red split in two runs */
	CHECK(!efi_mode_usable(&m));
	m = masks(0xe0, 0x1c, 0x03, 0); /* 3-3-2: 8 bits */
	CHECK(!efi_mode_usable(&m));
	m = masks(0, 0, 0, 0);
	CHECK_EQ(efi_mode_bpp(&m), 0);
}

/* A fake GOP for efi_choose_mode: a table of modes, some the firmware will not describe. */
struct fake_gop {
	struct efi_gop_mode_info modes[8];
	bool fails[8];
	int queries;
};

static bool fake_query(void *ctx, uint32_t i, struct efi_gop_mode_info *info)
{
	struct fake_gop *g = ctx;

	g->queries++;
	if (i >= 8 || g->fails[i])
		return false;
	*info = g->modes[i];
	return true;
}

/* The mode choice: the current mode when usable (no query at all); console.mode=WxH (or
 * GRUB's mode) when offered, else the same policy without it; the largest usable mode when
 * the current one is not usable, skipping block-transfer-only and bad-mask modes and modes
 * the firmware does not describe; the current one when nothing is usable. */
static void test_choose_mode(void)
{
	struct fake_gop g = { .modes = { rgb(640, 480), rgb(800, 600), rgb(1024, 768),
					 rgb(1920, 1080), masks(0xf800, 0x07e0, 0x001f, 0),
					 rgb(2560, 1600), rgb(4000, 3000), rgb(1280, 800) } };

	g.modes[5].pixel_format = EFI_PIXEL_BLT_ONLY; /* largest, but no framebuffer */
	g.modes[6].red_mask = 0xff, g.modes[6].pixel_format = EFI_PIXEL_BIT_MASK; /* bad */
	g.fails[7] = true;
	CHECK_EQ(efi_choose_mode(1, true, 8, fake_query, &g, false, 0, 0), 1);
	CHECK_EQ(g.queries, 0);
	CHECK_EQ(efi_choose_mode(1, true, 8, fake_query, &g, true, 1024, 768), 2);
	CHECK_EQ(efi_choose_mode(1, true, 8, fake_query, &g, true, 1280, 800), 1); /* undescribed */
	CHECK_EQ(efi_choose_mode(1, true, 8, fake_query, &g, true, 2560, 1600), 1); /* Blt only */
	CHECK_EQ(efi_choose_mode(1, false, 8, fake_query, &g, false, 0, 0), 3);
	CHECK_EQ(efi_choose_mode(1, false, 8, fake_query, &g, true, 333, 333), 3);
	CHECK_EQ(efi_choose_mode(0, false, 3, fake_query, &g, false, 0, 0), 2); /* max_mode */
	for (int i = 0; i < 8; i++)
		g.modes[i].pixel_format = EFI_PIXEL_BLT_ONLY;
	CHECK_EQ(efi_choose_mode(4, false, 8, fake_query, &g, false, 0, 0), 4);
}

/* The framebuffer tag from a mode: channel positions for RGB, BGR and 5-6-5 masks, the
 * pitch from the scan line; no tag without a framebuffer address or for an unusable mode. */
static void test_fb_tag(void)
{
	struct efi_gop_mode_info m = rgb(800, 600);
	struct mb2_fb_tag t;

	m.pixels_per_scan_line = 832;
	CHECK(efi_fb_tag(&m, 0xc0000000, 0, &t));
	CHECK(t.type == MB2_TAG_FRAMEBUFFER && t.size == 38 && t.fb_type == MB2_FB_RGB);
	CHECK(t.width == 800 && t.height == 600 && t.bpp == 32 && t.pitch == 832 * 4);
	CHECK(t.red_pos == 16 && t.green_pos == 8 && t.blue_pos == 0 && t.red_size == 8);
	m.pixel_format = EFI_PIXEL_RGB_RESERVED_8BIT;
	CHECK(efi_fb_tag(&m, 0xc0000000, 0, &t) && t.red_pos == 0 && t.blue_pos == 16);
	m = masks(0xf800, 0x07e0, 0x001f, 0);
	CHECK(efi_fb_tag(&m, 0xc0000000, 0, &t) && t.bpp == 16 && t.pitch == 1280);
	CHECK(t.red_pos == 11 && t.red_size == 5 && t.green_pos == 5 && t.green_size == 6);
	CHECK(t.blue_pos == 0 && t.blue_size == 5);
	CHECK(!efi_fb_tag(&m, 0, 0, &t));
	m.pixel_format = EFI_PIXEL_BLT_ONLY;
	CHECK(!efi_fb_tag(&m, 0xc0000000, 0, &t));
}

/* GOP's FrameBufferSize bounds the tag: a size that holds every row changes nothing; a
 * firmware that reports less than pitch * height (a lying mode) gets only the rows that fit,
 * so the console never writes past the memory the firmware described; less than one row:
 * no framebuffer. */
static void test_fb_tag_size(void)
{
	struct efi_gop_mode_info m = rgb(1366, 768);
	struct mb2_fb_tag t;

	m.pixels_per_scan_line = 1376;
	CHECK(efi_fb_tag(&m, 0xc0000000, 1376 * 4 * 768, &t) && t.height == 768);
	CHECK(efi_fb_tag(&m, 0xc0000000, 16u << 20, &t) && t.height == 768);
	CHECK(efi_fb_tag(&m, 0xc0000000, 1376 * 4 * 700 + 100, &t) && t.height == 700);
	CHECK(t.pitch == 1376 * 4 && t.width == 1366);
	CHECK(efi_fb_tag(&m, 0xc0000000, 1376 * 4, &t) && t.height == 1);
	t.height = 12345;
	CHECK(!efi_fb_tag(&m, 0xc0000000, 1376 * 4 - 1, &t) && t.height == 12345);
}

int main(void)
{
	RUN(test_cmdline);
	RUN(test_mode_usable);
	RUN(test_choose_mode);
	RUN(test_fb_tag);
	RUN(test_fb_tag_size);
	return unit_exit("test_efi_gop");
}
