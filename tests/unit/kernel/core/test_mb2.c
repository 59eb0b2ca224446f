// SPDX-License-Identifier: MIT
/*
 * Host tests of the Multiboot2 parser (src/kernel/core/multiboot2.c): a well-formed info block
 * is turned into struct bootinfo field by field, and every malformed case a loader or a
 * corrupted memory could produce is rejected with a message, or skipped, never read out
 * of bounds (ASan watches every access).
 */
#include <lios/bootinfo.h>
#include <lios/cmdline.h>
#include <lios/errno.h>
#include <lios/string.h>
#include <stdlib.h>
#include "prng.h"
#include "../../unit.h"

#define MAGIC 0x36d76289u

/* A builder for info blocks: tags appended 8-byte aligned after the 8-byte header. */
struct mbi {
	uint8_t buf[16384] __attribute__((aligned(8)));
	size_t len;
};

static void mbi_begin(struct mbi *m)
{
	memset(m, 0, sizeof(*m));
	m->len = 8;
}

static void *mbi_tag(struct mbi *m, uint32_t type, uint32_t size)
{
	uint8_t *t = m->buf + m->len;
	memcpy(t, &type, 4);
	memcpy(t + 4, &size, 4);
	m->len = (m->len + size + 7) & ~(size_t)7;
	return t + 8;
}

static void mbi_end(struct mbi *m)
{
	mbi_tag(m, 0, 8);
	uint32_t total = (uint32_t)m->len;
	memcpy(m->buf, &total, 4);
}

static void add_string(struct mbi *m, uint32_t type, const char *s)
{
	memcpy(mbi_tag(m, type, 8 + strlen(s) + 1), s, strlen(s) + 1);
}

static void add_mmap(struct mbi *m, uint32_t esize, int n)
{
	uint8_t *p = mbi_tag(m, 6, 16 + esize * n);
	memcpy(p, &esize, 4);
	for (int i = 0; i < n; i++) {
		uint64_t base = 0x100000ull * i, len = 0x1000 + i;
		uint32_t type = 1 + i % 3;
		memcpy(p + 8 + esize * i, &base, 8);
		memcpy(p + 8 + esize * i + 8, &len, 8);
		memcpy(p + 8 + esize * i + 16, &type, 4);
	}
}

/* The framebuffer tag's common part at p (after the tag header): address 0xfd000000,
 * pitch, width, height, bpp and type (0 indexed, 1 RGB). */
static void fb_common(uint8_t *p, uint32_t pitch, uint32_t w, uint32_t h, uint8_t bpp,
		      uint8_t type)
{
	uint64_t addr = 0xfd000000;

	memcpy(p, &addr, 8);
	memcpy(p + 8, &pitch, 4);
	memcpy(p + 12, &w, 4);
	memcpy(p + 16, &h, 4);
	p[20] = bpp;
	p[21] = type;
}

/* Framebuffer tag: common part, then RGB channel layout. */
static void add_fb_rgb(struct mbi *m, uint32_t pitch, uint32_t w, uint32_t h, uint8_t bpp,
		       const uint8_t chan[6])
{
	uint8_t *p = mbi_tag(m, 8, 8 + 24 + 6);

	fb_common(p, pitch, w, h, bpp, 1); /* RGB */
	memcpy(p + 24, chan, 6);
}

static struct bootinfo bi;
static char err[128];

static int parse(struct mbi *m) { return mb2_parse(MAGIC, m->buf, m->len, 0x10000, &bi, err, sizeof(err)); }

/* A complete, well-formed block: every field lands where it belongs. */
static void test_wellformed(void)
{
	static struct mbi m;
	static const uint8_t bgrx[6] = {16, 8, 8, 8, 0, 8};
	uint8_t rsdp2[36] = {'R', 'S', 'D', ' ', 'P', 'T', 'R', ' '};

	mbi_begin(&m);
	add_string(&m, 1, "selftest console=fb");
	add_string(&m, 2, "GRUB 2.06");
	add_mmap(&m, 24, 5);
	add_fb_rgb(&m, 5504, 1366, 768, 32, bgrx);
	rsdp2[15] = 2;
	memcpy(mbi_tag(&m, 15, 8 + 36), rsdp2, 36);
	memcpy(mbi_tag(&m, 14, 8 + 20), rsdp2, 20); /* old RSDP after the new one: ignored */
	mbi_tag(&m, 12, 16);                          /* EFI64 system table */
	mbi_end(&m);

	CHECK(parse(&m) == 0);
	CHECK(strcmp(bi.cmdline, "selftest console=fb") == 0);
	CHECK(strcmp(bi.loader, "GRUB 2.06") == 0);
	CHECK(bi.nregions == 5);
	CHECK(bi.regions[3].base == 0x300000 && bi.regions[3].length == 0x1003 && bi.regions[3].type == 1);
	CHECK(bi.fb.kind == FB_RGB && bi.fb.width == 1366 && bi.fb.pitch == 5504 && bi.fb.bpp == 32);
	CHECK(bi.fb.red_pos == 16 && bi.fb.blue_pos == 0 && bi.fb.green_size == 8);
	CHECK(bi.rsdp_len == 36 && bi.rsdp[15] == 2);
	CHECK(bi.firmware == FIRMWARE_UEFI);
	CHECK(bi.mbi_start == 0x10000 && bi.mbi_end == 0x10000 + m.len);
}

/* Wrong magic in EAX: not a Multiboot2 boot. */
static void test_bad_magic(void)
{
	static struct mbi m;
	mbi_begin(&m);
	mbi_end(&m);
	CHECK(mb2_parse(0x2badb002, m.buf, m.len, 0, &bi, err, sizeof(err)) < 0);
	CHECK(strstr(err, "magic") != NULL);
}

/* total_size larger than the bytes we have: refused before reading a tag. */
static void test_total_size_beyond_buffer(void)
{
	static struct mbi m;
	mbi_begin(&m);
	mbi_end(&m);
	CHECK(mb2_parse(MAGIC, m.buf, m.len - 1, 0, &bi, err, sizeof(err)) < 0);
	CHECK(strstr(err, "available") != NULL);
}

/* total_size too small to hold even an end tag. */
static void test_total_size_too_small(void)
{
	static struct mbi m;
	mbi_begin(&m);
	mbi_end(&m);
	uint32_t total = 12;
	memcpy(m.buf, &total, 4);
	CHECK(parse(&m) < 0);
}

/* The block ends without an end tag: refused, no read past total_size. */
static void test_missing_end_tag(void)
{
	static struct mbi m;
	mbi_begin(&m);
	add_string(&m, 1, "x");
	uint32_t total = (uint32_t)m.len;
	memcpy(m.buf, &total, 4);
	CHECK(parse(&m) < 0);
	CHECK(strstr(err, "end tag") != NULL);
}

/* A tag claims to be smaller than its own header (would loop forever): refused. */
static void test_tag_size_below_header(void)
{
	static struct mbi m;
	mbi_begin(&m);
	mbi_tag(&m, 1, 8);
	mbi_end(&m);
	uint32_t four = 4;
	memcpy(m.buf + 8 + 4, &four, 4);
	CHECK(parse(&m) < 0);
	CHECK(strstr(err, "bad size") != NULL);
}

/* A tag whose size runs past total_size: refused. */
static void test_tag_overflows_total(void)
{
	static struct mbi m;
	mbi_begin(&m);
	mbi_tag(&m, 1, 16);
	mbi_end(&m);
	uint32_t huge = 0xfffffff0;
	memcpy(m.buf + 8 + 4, &huge, 4);
	CHECK(parse(&m) < 0);
}

/* Memory map entries smaller than the 24-byte layout, or not a multiple of 8: refused. */
static void test_mmap_bad_entry_size(void)
{
	static struct mbi m;
	mbi_begin(&m);
	add_mmap(&m, 16, 2);
	mbi_end(&m);
	CHECK(parse(&m) < 0);

	mbi_begin(&m);
	add_mmap(&m, 28, 2);
	mbi_end(&m);
	CHECK(parse(&m) < 0);
}

/* Entries larger than 24 bytes (a future loader): the extra bytes are skipped. */
static void test_mmap_larger_entries(void)
{
	static struct mbi m;
	mbi_begin(&m);
	add_mmap(&m, 32, 3);
	mbi_end(&m);
	CHECK(parse(&m) == 0);
	CHECK(bi.nregions == 3);
	CHECK(bi.regions[2].base == 0x200000 && bi.regions[2].type == 3);
}

/* More regions than the old 256-entry limit: all kept, in order. */
static void test_mmap_many(void)
{
	static struct mbi m;
	mbi_begin(&m);
	add_mmap(&m, 24, 600);
	mbi_end(&m);
	CHECK(parse(&m) == 0);
	CHECK_EQ(bi.nregions, 600);
	CHECK(bi.regions[599].base == 0x100000ull * 599 && bi.regions[599].length == 0x1000 + 599);
}

/* The map is rewritten in place into 24-byte regions; the freed bytes become a skipped tag,
 * so parsing the same info again gives the same map and finds the tags after it. */
static void test_mmap_rewritten_in_place(void)
{
	static struct mbi m;
	static const uint8_t rgb[6] = {16, 8, 8, 8, 0, 8};
	mbi_begin(&m);
	add_mmap(&m, 40, 7);
	add_fb_rgb(&m, 4096, 1024, 768, 32, rgb);
	mbi_end(&m);
	CHECK(parse(&m) == 0);
	CHECK((uint8_t *)bi.regions == m.buf + 8 + 16);
	struct mem_region first[7];
	memcpy(first, bi.regions, sizeof(first));
	CHECK(parse(&m) == 0);
	CHECK_EQ(bi.nregions, 7);
	CHECK(memcmp(first, bi.regions, sizeof(first)) == 0);
	CHECK(bi.regions[6].base == 0x600000 && bi.regions[6].type == 1);
	CHECK(bi.fb.kind == FB_RGB && bi.fb.width == 1024);
}

/* A map tag too close to the end for its padding: refused, nothing rewritten. */
static void test_mmap_no_room_for_end(void)
{
	static struct mbi m;
	mbi_begin(&m);
	add_mmap(&m, 24, 2);
	mbi_end(&m);
	uint32_t tag_size = 8 + 8 + 48 + 4, total = 8 + tag_size; /* 4 trailing bytes, no end */
	memcpy(m.buf + 12, &tag_size, 4);
	memcpy(m.buf, &total, 4);
	uint8_t before[8 + 8 + 48 + 4];
	memcpy(before, m.buf + 8, sizeof(before));
	CHECK(mb2_parse(MAGIC, m.buf, m.len, 0, &bi, err, sizeof(err)) < 0);
	CHECK(memcmp(before, m.buf + 8, sizeof(before)) == 0);
}

/* Unknown tag types are skipped; a command line without a terminator stays in bounds. */
static void test_unknown_tag_and_unterminated_string(void)
{
	static struct mbi m;
	mbi_begin(&m);
	memset(mbi_tag(&m, 99, 8 + 13), 'z', 13);
	memcpy(mbi_tag(&m, 1, 8 + 5), "abcde", 5); /* no NUL */
	mbi_end(&m);
	CHECK(parse(&m) == 0);
	CHECK(strcmp(bi.cmdline, "abcde") == 0);
	CHECK(bi.firmware == FIRMWARE_BIOS);
}

/* GRUB's command line longer than the kernel keeps (511 bytes), with the word
 * heap.trace=0000000000000012 crossing byte 511: the parser drops that word whole and
 * keeps the words before it, and cmdline_set then finds no heap.trace at all. Before, the
 * parser cut it to heap.trace=00000000 (another, valid-looking value), and cmdline_set's
 * own rule for long lines never saw the cut: the copy it got was exactly 511 bytes. The
 * line's full length is kept, so kmain can say words were dropped. A line of exactly 511
 * bytes, and one whose byte 511 is a blank, lose nothing. */
static void test_cmdline_too_long(void)
{
	static struct mbi m;
	char line[600], val[32];

	memset(line, 'x', sizeof(line));
	memcpy(line, "a=1 ", 4);
	memcpy(line + 495, " heap.trace=0000000000000012 ", 29);
	line[sizeof(line) - 1] = '\0';
	mbi_begin(&m);
	add_string(&m, 1, line);
	mbi_end(&m);
	CHECK(parse(&m) == 0);
	CHECK_EQ(strlen(bi.cmdline), 496u); /* "a=1 xxx...x " up to the cut word */
	CHECK(strstr(bi.cmdline, "heap.trace") == NULL);
	CHECK_EQ(bi.cmdline_len, sizeof(line) - 1);
	cmdline_set(bi.cmdline);
	CHECK(cmdline_has("a"));
	CHECK_EQ(cmdline_value("heap.trace", val, sizeof(val)), -ENOENT);

	line[511] = '\0'; /* exactly what fits: nothing dropped */
	mbi_begin(&m);
	add_string(&m, 1, line);
	mbi_end(&m);
	CHECK(parse(&m) == 0);
	CHECK_EQ(strlen(bi.cmdline), 511u);
	CHECK_EQ(bi.cmdline_len, 511u);

	line[511] = ' '; /* the cut falls on a blank: the word before it is whole */
	mbi_begin(&m);
	add_string(&m, 1, line);
	mbi_end(&m);
	CHECK(parse(&m) == 0);
	CHECK_EQ(strlen(bi.cmdline), 511u);
	CHECK(strncmp(bi.cmdline + 495, " heap.trace=0000", 16) == 0);
}

/* A framebuffer whose pitch cannot hold a line: no framebuffer, with the reason kept. */
static void test_fb_pitch_too_small(void)
{
	static struct mbi m;
	static const uint8_t rgb[6] = {16, 8, 8, 8, 0, 8};
	mbi_begin(&m);
	add_fb_rgb(&m, 1024 * 3, 1024, 768, 32, rgb);
	mbi_end(&m);
	CHECK(parse(&m) == 0);
	CHECK(bi.fb.kind == FB_NONE);
	CHECK(bi.fb_rejected && strstr(bi.fb_rejected, "pitch"));
}

/* EGA text framebuffer tag (type 2, no colour info) at address addr. */
static void add_fb_ega(struct mbi *m, uint64_t addr, uint32_t pitch, uint32_t w, uint32_t h)
{
	uint8_t *p = mbi_tag(m, 8, 8 + 24);

	fb_common(p, pitch, w, h, 16, 2); /* EGA text: 16 bits a cell */
	memcpy(p, &addr, 8);
}

/* EGA text tags: 80x25 at 0xb8000 is kept; a pitch below 2 bytes a column is refused; an
 * address whose text rows run past 2^64 (a corrupt tag, 0xffffffffffffff00) is refused
 * with "wraps" like an RGB one, instead of reaching the console, whose range check the
 * wrapped sum slipped through (phys_to_virt then panicked). */
static void test_fb_ega_text(void)
{
	static struct mbi m;

	mbi_begin(&m);
	add_fb_ega(&m, 0xb8000, 160, 80, 25);
	mbi_end(&m);
	CHECK(parse(&m) == 0);
	CHECK(bi.fb.kind == FB_EGA_TEXT && !bi.fb_rejected);
	CHECK(bi.fb.addr == 0xb8000 && bi.fb.width == 80 && bi.fb.height == 25);

	mbi_begin(&m);
	add_fb_ega(&m, 0xb8000, 158, 80, 25);
	mbi_end(&m);
	CHECK(parse(&m) == 0);
	CHECK(bi.fb.kind == FB_NONE && bi.fb_rejected && strstr(bi.fb_rejected, "pitch"));

	mbi_begin(&m);
	add_fb_ega(&m, 0xffffffffffffff00ull, 160, 80, 25);
	mbi_end(&m);
	CHECK(parse(&m) == 0);
	CHECK(bi.fb.kind == FB_NONE && bi.fb_rejected && strstr(bi.fb_rejected, "wraps"));

	/* The last cell ending one byte below 2^64 does not wrap: kept. */
	mbi_begin(&m);
	add_fb_ega(&m, 0xffffffffffffffffull - 160 * 25, 160, 80, 25);
	mbi_end(&m);
	CHECK(parse(&m) == 0);
	CHECK(bi.fb.kind == FB_EGA_TEXT && !bi.fb_rejected);
}

/* Colour channels beyond the pixel size: refused. 16 bpp 5:6:5 with padded pitch: kept. */
static void test_fb_channels(void)
{
	static struct mbi m;
	static const uint8_t bad[6] = {16, 8, 8, 8, 0, 8};
	static const uint8_t rgb565[6] = {11, 5, 5, 6, 0, 5};

	mbi_begin(&m);
	add_fb_rgb(&m, 2048, 800, 600, 16, bad);
	mbi_end(&m);
	CHECK(parse(&m) == 0);
	CHECK(bi.fb.kind == FB_NONE && bi.fb_rejected != NULL);

	mbi_begin(&m);
	add_fb_rgb(&m, 1664, 800, 600, 16, rgb565);
	mbi_end(&m);
	CHECK(parse(&m) == 0);
	CHECK(bi.fb.kind == FB_RGB && bi.fb.bpp == 16 && bi.fb.green_size == 6 && !bi.fb_rejected);
}

/* Indexed framebuffer tag as GRUB writes it: common part, type 0, a 16-bit colour count
 * `count`, then `entries` palette entries of 3 bytes (entry i = i, 2i, 3i). */
static void add_fb_indexed(struct mbi *m, uint32_t pitch, uint32_t w, uint32_t h, uint8_t bpp,
			   uint16_t count, unsigned entries)
{
	uint8_t *p = mbi_tag(m, 8, 8 + 24 + 2 + 3 * entries);

	fb_common(p, pitch, w, h, bpp, 0); /* indexed */
	memcpy(p + 24, &count, 2);
	for (unsigned i = 0; i < entries; i++) {
		p[26 + 3 * i] = (uint8_t)i;
		p[27 + 3 * i] = (uint8_t)(2 * i);
		p[28 + 3 * i] = (uint8_t)(3 * i);
	}
}

/* An indexed 1024x768x8 framebuffer with GRUB's 256-colour palette, and one with 16
 * colours and a padded pitch: kept, with every palette entry copied in order. */
static void test_fb_indexed(void)
{
	static struct mbi m;

	mbi_begin(&m);
	add_fb_indexed(&m, 1024, 1024, 768, 8, 256, 256);
	mbi_end(&m);
	CHECK(parse(&m) == 0);
	CHECK(bi.fb.kind == FB_INDEXED && !bi.fb_rejected);
	CHECK(bi.fb.bpp == 8 && bi.fb.pitch == 1024 && bi.fb.palette_colors == 256);
	CHECK(bi.fb.palette[0].red == 0 && bi.fb.palette[255].red == 255);
	CHECK(bi.fb.palette[100].green == 200 && bi.fb.palette[5].blue == 15);

	mbi_begin(&m);
	add_fb_indexed(&m, 1040, 1000, 600, 8, 16, 16);
	mbi_end(&m);
	CHECK(parse(&m) == 0);
	CHECK(bi.fb.kind == FB_INDEXED && bi.fb.palette_colors == 16 && bi.fb.pitch == 1040);
	CHECK(bi.fb.palette[15].blue == 45);
}

/* Malformed indexed tags: each refused with its own reason, no framebuffer kept. */
static void test_fb_indexed_malformed(void)
{
	static struct mbi m;
	static const struct {
		uint32_t pitch, w;
		uint8_t bpp;
		uint16_t count;
		unsigned entries;
		const char *why;
	} cases[] = {
		{ 1024, 1024, 8, 0, 0, "palette of 0 colours" },
		{ 1024, 1024, 8, 256, 255, "palette longer than the tag" },
		{ 1024, 1024, 8, 17, 16, "palette longer than the tag" },
		{ 1024, 1024, 8, 257, 257, "more than 256 colours" },
		{ 1024, 1024, 8, 0xffff, 1, "more than 256 colours" },
		{ 512, 1024, 4, 17, 17, "more palette colours than the pixel can index" },
		{ 1024, 1024, 0, 16, 16, "unsupported bits per pixel" },
		{ 1024, 1024, 64, 16, 16, "unsupported bits per pixel" },
		{ 1000, 1024, 8, 16, 16, "pitch smaller than a line" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mbi_begin(&m);
		add_fb_indexed(&m, cases[i].pitch, cases[i].w, 768, cases[i].bpp, cases[i].count,
			       cases[i].entries);
		mbi_end(&m);
		CHECK(parse(&m) == 0);
		CHECK(bi.fb.kind == FB_NONE);
		CHECK(bi.fb_rejected && strstr(bi.fb_rejected, cases[i].why));
		if (!bi.fb_rejected || !strstr(bi.fb_rejected, cases[i].why))
			fprintf(stderr, "case %zu: got \"%s\", want \"%s\"\n", i,
				bi.fb_rejected ? bi.fb_rejected : "(accepted)", cases[i].why);
	}
	/* the count alone, cut off: no palette at all */
	mbi_begin(&m);
	uint8_t *p = mbi_tag(&m, 8, 8 + 24 + 1);
	uint32_t pitch = 1024, w = 1024, h = 768;
	memcpy(p + 8, &pitch, 4);
	memcpy(p + 12, &w, 4);
	memcpy(p + 16, &h, 4);
	p[20] = 8;
	mbi_end(&m);
	CHECK(parse(&m) == 0);
	CHECK(bi.fb.kind == FB_NONE && bi.fb_rejected && strstr(bi.fb_rejected, "without a palette"));
}

/* A module whose end lies before its start: refused. */
static void test_module_inverted(void)
{
	static struct mbi m;
	uint32_t range[2] = {0x500000, 0x400000};
	mbi_begin(&m);
	memcpy(mbi_tag(&m, 3, 8 + 8 + 1), range, 8);
	mbi_end(&m);
	CHECK(parse(&m) < 0);
}

/* No boot information at all (a NULL pointer, or fewer bytes than its 8-byte header), and
 * one that does not start on an 8-byte boundary as the specification requires. Expected:
 * each refused before a byte of it is read as a header, with its own reason and the
 * figure that broke the rule; the bootinfo left empty, not holding an earlier boot's. */
static void test_block_missing_or_misaligned(void)
{
	static struct mbi m;

	mbi_begin(&m);
	add_string(&m, 1, "selftest");
	mbi_end(&m);
	CHECK(parse(&m) == 0 && strcmp(bi.cmdline, "selftest") == 0);
	CHECK(mb2_parse(MAGIC, NULL, 0, 0, &bi, err, sizeof(err)) == -EINVAL);
	CHECK_STR_EQ(err, "boot information missing (0 bytes)");
	CHECK(bi.cmdline[0] == '\0' && bi.mbi_end == 0);
	CHECK(mb2_parse(MAGIC, m.buf, 7, 0x10000, &bi, err, sizeof(err)) == -EINVAL);
	CHECK_STR_EQ(err, "boot information missing (7 bytes)");
	/* the same block moved 4 bytes on: whole and sound, only misaligned */
	memmove(m.buf + 4, m.buf, m.len);
	CHECK(mb2_parse(MAGIC, m.buf + 4, m.len, 0x10004, &bi, err, sizeof(err)) == -EINVAL);
	CHECK_STR_EQ(err, "boot information not 8-byte aligned (0x10004)");
	CHECK(bi.cmdline[0] == '\0' && bi.nregions == 0 && bi.mbi_end == 0);
}

/* A module tag's payload: start, end, then its string (NUL-terminated). */
static void add_module(struct mbi *m, uint32_t start, uint32_t end, const char *s)
{
	uint8_t *p = mbi_tag(m, 3, 8 + 8 + strlen(s) + 1);

	memcpy(p, &start, 4);
	memcpy(p + 4, &end, 4);
	memcpy(p + 8, s, strlen(s) + 1);
}

/* Nine modules, more than bootinfo keeps (8), the first with a string of 80 bytes (63 kept);
 * then a module tag too short for its start and end, and a basic meminfo tag too short
 * for its two fields. Expected: the first eight modules in order with their ranges, the
 * first string cut to 63 bytes and terminated, the ninth ignored (the boot goes on); each
 * short tag refused as "malformed tag of type T (N bytes)", never read past its payload. */
static void test_modules_and_short_tags(void)
{
	static struct mbi m;
	char longname[81], name[16];
	uint32_t four = 4;

	memset(longname, 'm', 80);
	longname[80] = '\0';
	mbi_begin(&m);
	for (uint32_t i = 0; i < 9; i++) {
		snprintf(name, sizeof(name), "mod%u", i);
		add_module(&m, 0x400000 + i * 0x10000, 0x400000 + i * 0x10000 + 0x1000,
			   i ? name : longname);
	}
	memcpy(mbi_tag(&m, 4, 8 + 8), (const uint32_t[2]){639, 523264}, 8);
	mbi_end(&m);
	CHECK(parse(&m) == 0);
	CHECK_EQ(bi.nmodules, BOOTINFO_MAX_MODULES);
	CHECK_EQ(strlen(bi.modules[0].cmdline), 63);
	CHECK(strspn(bi.modules[0].cmdline, "m") == 63);
	for (uint32_t i = 0; i < BOOTINFO_MAX_MODULES; i++) {
		snprintf(name, sizeof(name), "mod%u", i);
		CHECK_EQ(bi.modules[i].start, 0x400000 + i * 0x10000);
		CHECK_EQ(bi.modules[i].end, 0x400000 + i * 0x10000 + 0x1000);
		if (i)
			CHECK_STR_EQ(bi.modules[i].cmdline, name);
	}
	CHECK(bi.mem_lower_kib == 639 && bi.mem_upper_kib == 523264);
	CHECK(bi.mbi_start == 0x10000 && bi.mbi_end == 0x10000 + m.len); /* after the modules */

	/* start 0 only: read on, the padding after it would be an end of 0, a module */
	mbi_begin(&m);
	memset(mbi_tag(&m, 3, 8 + 4), 0, 4);
	mbi_end(&m);
	CHECK(parse(&m) == -EINVAL);
	CHECK_STR_EQ(err, "malformed tag of type 3 (12 bytes)");
	mbi_begin(&m);
	memcpy(mbi_tag(&m, 4, 8 + 4), &four, 4);
	mbi_end(&m);
	CHECK(parse(&m) == -EINVAL);
	CHECK_STR_EQ(err, "malformed tag of type 4 (12 bytes)");
}

/* Random corruption of a valid block never crashes (ASan) and never reads out of bounds;
 * each refusal says why (err is cleared before every parse, so an earlier refusal's reason
 * cannot stand in for it). The corruptions reach both outcomes: some blocks still parse,
 * some are refused. */
static void test_random_corruption(void)
{
	static struct mbi good, m;
	static const uint8_t rgb[6] = {16, 8, 8, 8, 0, 8};
	uint64_t rng = prng_seed(1234);
	int accepted = 0, refused = 0;

	mbi_begin(&good);
	add_string(&good, 1, "console=serial");
	add_mmap(&good, 24, 8);
	add_fb_rgb(&good, 4096, 1024, 768, 32, rgb);
	mbi_end(&good);
	for (int i = 0; i < 20000; i++) {
		int corruptions = 1 + (int)prng_below(&rng, 4);

		m = good;
		for (int k = 0; k < corruptions; k++)
			m.buf[prng_below(&rng, m.len)] = (uint8_t)prng_next(&rng);
		/* Copy to an exact-size heap buffer so ASan sees any overrun. */
		uint8_t *copy = malloc(m.len);
		memcpy(copy, m.buf, m.len);
		err[0] = '\0';
		int r = mb2_parse(MAGIC, copy, m.len, 0, &bi, err, sizeof(err));
		CHECK(r == 0 || err[0] != '\0');
		CHECK(bi.nregions <= m.len / sizeof(struct mem_region));
		if (r == 0)
			accepted++;
		else
			refused++;
		free(copy);
	}
	CHECK(accepted > 0);
	CHECK(refused > 0);
}

int main(void)
{
	RUN(test_wellformed);
	RUN(test_bad_magic);
	RUN(test_total_size_beyond_buffer);
	RUN(test_total_size_too_small);
	RUN(test_missing_end_tag);
	RUN(test_tag_size_below_header);
	RUN(test_tag_overflows_total);
	RUN(test_mmap_bad_entry_size);
	RUN(test_mmap_larger_entries);
	RUN(test_mmap_many);
	RUN(test_mmap_rewritten_in_place);
	RUN(test_mmap_no_room_for_end);
	RUN(test_unknown_tag_and_unterminated_string);
	RUN(test_cmdline_too_long);
	RUN(test_fb_pitch_too_small);
	RUN(test_fb_channels);
	RUN(test_fb_ega_text);
	RUN(test_fb_indexed);
	RUN(test_fb_indexed_malformed);
	RUN(test_module_inverted);
	RUN(test_block_missing_or_misaligned);
	RUN(test_modules_and_short_tags);
	RUN(test_random_corruption);
	return unit_summary();
}
