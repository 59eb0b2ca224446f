/* SPDX-License-Identifier: MIT */
/*
 * What the host tests of the UEFI stubs' memory map and boot information (test_efi_map.c,
 * test_efi_info.c) share: GRUB's information built tag by tag (struct mbi; grub_info, a
 * hand-over with every tag kind the stubs keep or drop), EFI map descriptors of any size with
 * junk past the struct (put_desc), and build_and_parse, which writes the new information as
 * the stubs do and reads it back with the kernel's Multiboot2 parser. Header only, for one
 * test program each.
 */
#ifndef LIOS_TEST_EFI_MBI_H
#define LIOS_TEST_EFI_MBI_H

#include <lios/bootinfo.h>
#include <lios/string.h>
#include <stdlib.h>
#include "efi_map.h"
#include "../../../unit.h"

#define MAGIC MB2_BOOTLOADER_MAGIC
#define GUARD 64
#define GUARD_BYTE 0xa5

/* GRUB's information, built tag by tag (8-byte aligned after the 8-byte header). */
struct mbi {
	uint8_t buf[4096] __attribute__((aligned(8)));
	uint32_t len;
};

static inline void *mbi_tag(struct mbi *m, uint32_t type, uint32_t size)
{
	uint8_t *t = m->buf + m->len;

	memcpy(t, &type, 4);
	memcpy(t + 4, &size, 4);
	m->len = (m->len + size + 7) & ~7u;
	return t + 8;
}

static inline void mbi_begin(struct mbi *m)
{
	memset(m, 0, sizeof(*m));
	m->len = 8;
}

static inline void mbi_end(struct mbi *m)
{
	mbi_tag(m, MB2_TAG_END, 8);
	memcpy(m->buf, &m->len, 4);
}

static inline void add_string(struct mbi *m, uint32_t type, const char *s)
{
	memcpy(mbi_tag(m, type, 8 + (uint32_t)strlen(s) + 1), s, strlen(s) + 1);
}

/* A framebuffer tag: w x h at addr, 32 bpp BGR, direct colour (fb_type 1) or indexed (0). */
static inline struct mb2_fb_tag fb_tag(uint64_t addr, uint32_t w, uint32_t h, uint8_t fb_type)
{
	struct mb2_fb_tag t = {
		MB2_TAG_FRAMEBUFFER, sizeof(t), addr, w * 4, w, h, 32, fb_type, 0, 16, 8, 8, 8, 0, 8
	};
	return t;
}

/* GRUB's framebuffer tag, as fb_tag. */
static inline void add_grub_fb(struct mbi *m, uint32_t w, uint32_t h, uint8_t fb_type)
{
	struct mb2_fb_tag t = fb_tag(0x80000000, w, h, fb_type);

	memcpy(mbi_tag(m, MB2_TAG_FRAMEBUFFER, sizeof(t)), (uint8_t *)&t + 8, sizeof(t) - 8);
}

/* A GRUB x86_64-efi hand-over as LiOS gets it: every tag kind the stubs keep or drop. */
static inline void grub_info(struct mbi *m, bool with_fb)
{
	uint64_t st = 0x7f000000, ih = 0x7e000000;
	uint32_t meminfo[2] = { 639, 1024 * 1024 };
	uint32_t mod[2] = { 0x400000, 0x401000 };
	uint8_t rsdp[36] = "RSD PTR ";

	mbi_begin(m);
	add_string(m, MB2_TAG_CMDLINE, "selftest console.mode=800x600");
	add_string(m, 2, "GRUB 2.06");
	memcpy(mbi_tag(m, 3, 8 + 8 + 5), mod, 8);
	memcpy((uint8_t *)mbi_tag(m, 21, 8 + 5), "odd!", 5); /* unknown, odd size: kept */
	memcpy(mbi_tag(m, MB2_TAG_BASIC_MEMINFO, 16), meminfo, 8);
	mbi_tag(m, MB2_TAG_MMAP, 16);     /* GRUB's empty map on this path */
	mbi_tag(m, MB2_TAG_EFI_MMAP, 16); /* stale */
	mbi_tag(m, MB2_TAG_EFI_BS, 8);    /* over once the stub exits them */
	memcpy(mbi_tag(m, MB2_TAG_EFI64, 16), &st, 8);
	memcpy(mbi_tag(m, MB2_TAG_EFI64_IH, 16), &ih, 8);
	memcpy(mbi_tag(m, 15, 8 + 36), rsdp, 36);
	if (with_fb)
		add_grub_fb(m, 1024, 768, MB2_FB_RGB);
	mbi_end(m);
}

/* The attributes OVMF gives RAM: UC, WC, WT and WB capable. */
#define RAM_ATTR 0xfull

/* Descriptor i of a map of dsize-byte descriptors, with attribute attr; the bytes past the
 * struct are junk. */
static inline void put_desc_attr(uint8_t *map, uint64_t dsize, size_t i, uint32_t type,
				 uint64_t base, uint64_t pages, uint64_t attr)
{
	struct efi_memory_descriptor d = { type, 0, base, 0xdead, pages, attr };

	memset(map + i * dsize, 0xee, dsize);
	memcpy(map + i * dsize, &d, sizeof(d));
}

/* put_desc_attr with RAM_ATTR. */
static inline void put_desc(uint8_t *map, uint64_t dsize, size_t i, uint32_t type, uint64_t base,
			    uint64_t pages)
{
	put_desc_attr(map, dsize, i, type, base, pages, RAM_ATTR);
}

/*
 * Runs efi_build_info as the stubs do, twice: into a buffer of exactly efi_info_room bytes
 * (ASan stops any write past it) and into one followed by GUARD pattern bytes, which must
 * stay untouched; both results must be equal. Then parses it with the kernel's mb2_parse
 * into *bi (must succeed). Returns the parsed buffer (free it).
 */
static inline uint8_t *build_and_parse(const struct mbi *m, const uint8_t *map, uint64_t map_size,
				       uint64_t dsize, const struct mb2_fb_tag *fb,
				       struct bootinfo *bi)
{
	uint64_t room = efi_info_room(m->len, map_size);
	uint8_t *exact = malloc(room), *guarded = malloc(room + GUARD);
	char err[128] = "";

	memset(exact, 0x5a, room);
	memset(guarded, 0x5a, room);
	memset(guarded + room, GUARD_BYTE, GUARD);
	memcpy(exact + efi_map_offset(m->len), map, map_size);
	memcpy(guarded + efi_map_offset(m->len), map, map_size);
	uint32_t n1 = efi_build_info(exact, m->buf, m->len, fb, map_size, dsize, 1);
	uint32_t n2 = efi_build_info(guarded, m->buf, m->len, fb, map_size, dsize, 1);
	CHECK_EQ(n1, n2);
	CHECK(n1 <= room);
	CHECK(memcmp(exact, guarded, n1) == 0);
	for (int i = 0; i < GUARD; i++)
		CHECK_EQ(guarded[room + i], GUARD_BYTE);
	free(guarded);
	int rc = mb2_parse(MAGIC, exact, room, (paddr_t)(uintptr_t)exact, bi, err, sizeof(err));
	if (rc)
		fprintf(stderr, "  mb2_parse: %s\n", err);
	CHECK_EQ(rc, 0);
	return exact;
}

#endif
