// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the pure half of the UEFI boot stubs (src/arch/x86_64/boot/efi_map.c):
 * what the firmware hands over (the EFI memory map of any descriptor size the specification
 * allows, any types, sizes and addresses; the GOP's mode list) and what GRUB left (its tags)
 * turned into the kernel's Multiboot2 information. The input is read as:
 *
 *   byte 0     flags: bit 0 a GOP framebuffer tag (from the mode at bytes 4-39), bit 1
 *              GRUB's information is only a command line (else raw tags from the input)
 *   byte 1     descriptor size: byte % 104 (the specification: at least the structure's 40;
 *              smaller must give an empty map, not a loop or a read past it)
 *   bytes 2-3  length L of GRUB's part (little-endian, % 1024)
 *   bytes 4-39 a GOP mode (struct efi_gop_mode_info) for the framebuffer tag
 *   L bytes    GRUB's tags (or the command line's text), behind an 8-byte header the
 *              harness writes (total_size = 8 + L, rounded to 8 with an end tag when clean)
 *   the rest   the EFI map as GetMemoryMap wrote it (any length), also read as up to 16
 *              GOP modes for the mode choice
 *
 * Checked: the new information is written inside efi_info_room and nowhere else (ASan: the
 * buffer is exactly that size), parses as Multiboot2 (8-aligned tags, the end tag last, the
 * total right), carries GRUB's kept tags byte for byte and in order, none of the replaced
 * ones, the EFI map tag byte for byte, and a Multiboot2 map whose entries are never empty,
 * never two mergeable neighbours, and hold per type exactly the bytes of the valid
 * descriptors of that type (from the descriptor's type and attributes, by a model); with a clean GRUB part the kernel's own parser (mb2_parse) accepts it and
 * finds every entry. efi_scan_info reads inside GRUB's total_size only; efi_choose_mode
 * returns what its rule says (checked against a model); efi_fb_tag describes only usable
 * modes, with a pitch and channel fields that fit the pixel.
 */
#include <lios/bootinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "efi_map.h"

#define GRUB_MAX 1024
#define MODES_MAX 16
#define HDR 40 /* flags, dsize, length, mode */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "efi_map: %s\n", what);
	abort();
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static bool replaced(uint32_t type, bool have_fb)
{
	return type == MB2_TAG_MMAP || type == MB2_TAG_EFI_MMAP || type == MB2_TAG_EFI_BS ||
	       type == MB2_TAG_BASIC_MEMINFO || (have_fb && type == MB2_TAG_FRAMEBUFFER);
}

/* GRUB's part: total_size, reserved, then the input's bytes (raw) or one command-line tag
 * and the end tag (clean). Returns a buffer of exactly total_size bytes. */
static uint8_t *grub_info(const uint8_t *src, size_t len, bool clean, uint32_t *total)
{
	uint8_t *m;

	if (clean) {
		uint32_t tag = (uint32_t)(8 + len + 1), t = ALIGN_UP(8 + tag, 8u) + 8;

		m = calloc(1, t);
		memcpy(m + 8, &(uint32_t){ MB2_TAG_CMDLINE }, 4);
		memcpy(m + 12, &tag, 4);
		for (size_t i = 0; i < len; i++) /* printable text, NUL-terminated */
			m[16 + i] = (uint8_t)(' ' + src[i] % 95);
		memcpy(m + t - 8, &(uint32_t){ MB2_TAG_END }, 4);
		memcpy(m + t - 4, &(uint32_t){ 8 }, 4);
		*total = t;
	} else {
		*total = (uint32_t)(8 + len);
		m = malloc(*total);
		memcpy(m + 8, src, len);
	}
	memcpy(m, total, 4);
	memset(m + 4, 0, 4);
	return m;
}

/* The new information's structure, GRUB's kept tags, the EFI map tag and the map. */
static size_t check_info(const uint8_t *out, uint32_t got, const uint8_t *mbi, uint32_t total,
			 const struct mb2_fb_tag *fb, const uint8_t *map, uint64_t map_size,
			 uint64_t dsize)
{
	uint32_t off = 8, goff = 8, seen_efi = 0, seen_mmap = 0, seen_fb = 0;
	size_t entries = 0;

	if (got % 8 || got < 16 || rd32(out) != got || rd32(out + 4))
		fail("header");
	for (;;) {
		if (off + 8 > got)
			fail("no end tag");
		uint32_t type = rd32(out + off), tsize = rd32(out + off + 4);
		if (tsize < 8 || tsize > got - off)
			fail("tag size");
		if (type == MB2_TAG_END) {
			if (tsize != 8 || off + 8 != got)
				fail("end tag not last");
			break;
		}
		if (type == MB2_TAG_EFI_MMAP && seen_efi++ == 0) {
			if (tsize != 16 + map_size || rd32(out + off + 8) != dsize ||
			    memcmp(out + off + 16, map, map_size))
				fail("EFI map tag");
		} else if (type == MB2_TAG_MMAP && seen_mmap++ == 0 && seen_efi) {
			entries = (tsize - 16) / 24;
			if (rd32(out + off + 8) != 24 || (tsize - 16) % 24)
				fail("map tag header");
		} else if (fb && type == MB2_TAG_FRAMEBUFFER && seen_fb++ == 0 && !seen_efi) {
			if (tsize != sizeof(*fb) || memcmp(out + off, fb, sizeof(*fb)))
				fail("framebuffer tag");
		} else {
			/* a GRUB tag: the next kept one, byte for byte */
			for (;;) {
				if (goff + 8 > total)
					fail("a tag GRUB did not have");
				uint32_t gt = rd32(mbi + goff), gs = rd32(mbi + goff + 4),
					 gstart = goff;
				if (gt == MB2_TAG_END || gs < 8 || gs > total - goff)
					fail("a tag past GRUB's end");
				goff = ALIGN_UP(goff + gs, 8u);
				if (replaced(gt, fb != NULL))
					continue;
				if (gt != type || gs != tsize ||
				    memcmp(mbi + gstart, out + off, gs))
					fail("GRUB's tag changed");
				break;
			}
		}
		off = ALIGN_UP(off + tsize, 8u);
	}
	if (seen_efi != 1 || seen_mmap != 1 || (fb && seen_fb != 1))
		fail("a tag missing or repeated");
	/* every kept GRUB tag was copied */
	for (; goff + 8 <= total;) {
		uint32_t gt = rd32(mbi + goff), gs = rd32(mbi + goff + 4);
		if (gt == MB2_TAG_END || gs < 8 || gs > total - goff)
			break;
		if (!replaced(gt, fb != NULL))
			fail("a GRUB tag dropped");
		goff = ALIGN_UP(goff + gs, 8u);
	}
	return entries;
}

/* Multiboot2 map types by slot of want[] and have[]: 1-5 as themselves, then the reasons
 * free RAM is left out for its attributes; 0 for a type the writer must never give. */
static unsigned type_slot(uint32_t type)
{
	if (type >= 1 && type <= 5)
		return type;
	if (type == MB2_MEM_EFI_SPECIFIC_PURPOSE)
		return 6;
	return type == MB2_MEM_EFI_NOT_WB ? 7 : 0;
}

/* The slot the writer's rule gives a descriptor of type and attributes attr, written out:
 * free RAM that the runtime services claim is reserved, specific-purpose or not write-back
 * capable RAM has its own type; everything else the type alone decides. */
static unsigned model_slot(uint32_t type, uint64_t attr)
{
	uint32_t t = efi_mb2_type(type);

	if (t != MB2_MEM_AVAILABLE)
		return t;
	if (attr & EFI_MEMORY_RUNTIME)
		return MB2_MEM_RESERVED;
	if (attr & EFI_MEMORY_SP)
		return 6;
	return attr & EFI_MEMORY_WB ? t : 7;
}

/* The Multiboot2 map against the descriptors: per type the same bytes, no empty entry, no
 * two neighbours the writer should have merged. */
static void check_map(const uint8_t *tag, size_t entries, const uint8_t *map, uint64_t map_size,
		      uint64_t dsize)
{
	uint64_t want[8] = { 0 }, have[8] = { 0 };
	size_t valid = 0;

	for (uint64_t off = 0; dsize >= 40 && off + 40 <= map_size; off += dsize) {
		uint64_t start = rd64(map + off + 8), pages = rd64(map + off + 24);
		if (!pages || pages > (UINT64_MAX - start) / EFI_PAGE_SIZE)
			continue;
		want[model_slot(rd32(map + off), rd64(map + off + 32))] += pages * EFI_PAGE_SIZE;
		valid++;
	}
	if (entries > valid)
		fail("more entries than descriptors");
	for (size_t i = 0; i < entries; i++) {
		const uint8_t *e = tag + 16 + 24 * i;
		uint64_t base = rd64(e), len = rd64(e + 8);
		uint32_t type = rd32(e + 16);

		if (!len || len > UINT64_MAX - base || !type_slot(type) || rd32(e + 20))
			fail("entry");
		have[type_slot(type)] += len;
		if (i && rd32(e - 24 + 16) == type && rd64(e - 24) + rd64(e - 24 + 8) == base)
			fail("neighbours not merged");
	}
	if (memcmp(want, have, sizeof(want)))
		fail("bytes per type differ from the descriptors");
}

static const uint8_t *mode_bytes;
static size_t mode_count;

static bool query(void *ctx, uint32_t i, struct efi_gop_mode_info *info)
{
	(void)ctx;
	if (i >= mode_count)
		return false;
	memcpy(info, mode_bytes + 36 * i, 36);
	return !(info->version & 0x80000000u); /* some modes the firmware does not describe */
}

/* efi_choose_mode's rule, written out: the wanted size, else current if usable, else the
 * largest usable (first of equals), else current. */
static void check_choice(uint32_t current, bool current_ok, bool want, uint32_t ww, uint32_t wh)
{
	uint32_t max = (uint32_t)mode_count + 2; /* two more the firmware does not answer */
	uint32_t got = efi_choose_mode(current, current_ok, max, query, NULL, want, ww, wh);
	uint32_t expect = current;
	uint64_t best = 0;
	bool found = false;

	for (uint32_t i = 0; i < mode_count && want; i++) {
		struct efi_gop_mode_info m;
		if (query(NULL, i, &m) && efi_mode_usable(&m) && m.width == ww && m.height == wh) {
			expect = i, found = true;
			break;
		}
	}
	if (!found && !current_ok) {
		for (uint32_t i = 0; i < mode_count; i++) {
			struct efi_gop_mode_info m;
			if (query(NULL, i, &m) && efi_mode_usable(&m) &&
			    (uint64_t)m.width * m.height > best)
				expect = i, best = (uint64_t)m.width * m.height;
		}
	}
	if (got != expect)
		fail("efi_choose_mode");
}

static void check_fb(const struct efi_gop_mode_info *m, const struct mb2_fb_tag *t)
{
	uint32_t bpp = t->bpp;

	if (!efi_mode_usable(m) || bpp < 16 || bpp > 32 || bpp % 8 || t->width != m->width ||
	    t->height != m->height || t->pitch != m->pixels_per_scan_line * (bpp / 8) ||
	    t->fb_type != MB2_FB_RGB || t->size != sizeof(*t))
		fail("framebuffer tag fields");
	if (t->red_pos + t->red_size > bpp || t->green_pos + t->green_size > bpp ||
	    t->blue_pos + t->blue_size > bpp || !t->red_size || !t->green_size || !t->blue_size)
		fail("a channel outside the pixel");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb2_fb_tag fbtag;
	struct efi_gop_mode_info mode;
	struct efi_grub_info g;
	const struct mb2_fb_tag *fb = NULL;
	uint32_t total, got, w, h;

	if (size < HDR)
		return 0;
	bool want_fb = data[0] & 1, clean = data[0] & 2;
	uint64_t dsize = data[1] % 104;
	size_t glen = (size_t)(data[2] | data[3] << 8) % GRUB_MAX;
	memcpy(&mode, data + 4, sizeof(mode));
	if (glen > size - HDR)
		glen = size - HDR;
	const uint8_t *map_src = data + HDR + glen;
	uint64_t map_size = size - HDR - glen;

	uint8_t *mbi = grub_info(data + HDR, glen, clean, &total);
	efi_scan_info(mbi, &g);
	if (g.total != total || g.cmdline_len > total)
		fail("efi_scan_info");
	if (efi_cmdline_mode(g.cmdline, g.cmdline_len, &w, &h) && (!w || !h))
		fail("console.mode with a zero side");
	efi_cmdline_word(g.cmdline, g.cmdline_len, EFI_TINY_MAP_WORD);

	if (efi_fb_tag(&mode, 0xe0000000u, 0, &fbtag)) {
		check_fb(&mode, &fbtag);
		if (want_fb)
			fb = &fbtag;
	} else if (efi_mode_usable(&mode)) {
		fail("a usable mode without a framebuffer tag");
	}

	/* the buffer the stub allocates, exactly: the map where GetMemoryMap writes it */
	uint64_t room = efi_info_room(total, map_size);
	uint8_t *out = malloc(room);
	memcpy(out + efi_map_offset(total), map_src, map_size);
	got = efi_build_info(out, mbi, total, fb, map_size, dsize, 1);
	if (got > room)
		fail("total past the room");
	size_t entries = check_info(out, got, mbi, total, fb, map_src, map_size, dsize);
	/* find the map tag again for its entries */
	for (uint32_t off = 8; off + 8 <= got;) {
		if (rd32(out + off) == MB2_TAG_MMAP) {
			check_map(out + off, entries, map_src, map_size, dsize);
			break;
		}
		off = ALIGN_UP(off + rd32(out + off + 4), 8u);
	}
	if (clean) {
		static struct bootinfo bi;
		char err[128];

		if (mb2_parse(MB2_BOOTLOADER_MAGIC, out, got, 0x100000, &bi, err, sizeof(err)))
			fail(err);
		if (bi.nregions != entries)
			fail("mb2_parse found another number of regions");
	}

	mode_bytes = map_src;
	mode_count = map_size / 36 < MODES_MAX ? map_size / 36 : MODES_MAX;
	bool want = efi_wanted_mode(&g, &w, &h);
	check_choice(data[1] % 4, data[0] & 4, want, w, h);
	if (mode_count)
		check_choice(0, false, true, rd32(map_src + 4), rd32(map_src + 8));

	free(out);
	free(mbi);
	return 0;
}
