// SPDX-License-Identifier: MIT
/*
 * Host tests of the pure half of the UEFI boot stubs (src/arch/x86_64/boot/efi_map.c), the
 * boot information's part: GRUB's information rewritten around the EFI map into a buffer of
 * exactly efi_info_room bytes (ASan's bound, and guard bytes behind a second copy) and
 * accepted by the kernel's own Multiboot2 parser: GRUB's tags kept or dropped and in order,
 * the GOP's framebuffer in place of GRUB's, an empty map, a buffer never too small for random
 * tags and maps; and GRUB's information read by efi_scan_info, which stops at a tag that
 * overruns. The map's types and regions are test_efi_map.c's (efi_mbi.h holds the fake GRUB
 * information both build), the GOP mode choice and the command line test_efi_gop.c's.
 */
#include <lios/bootinfo.h>
#include <lios/string.h>
#include <stdlib.h>
#include "efi_map.h"
#include "efi_mbi.h"
#include "prng.h"
#include "../../../unit.h"

/* The type of the tag at off in info, its size in *size. */
static uint32_t tag_at(const uint8_t *info, uint32_t off, uint32_t *size)
{
	uint32_t type;

	memcpy(&type, info + off, 4);
	memcpy(size, info + off + 4, 4);
	return type;
}

/* How many tags of type the information holds, up to its end tag. */
static int count_tags(const uint8_t *info, uint32_t type)
{
	uint32_t total, size, t;
	int n = 0;

	memcpy(&total, info, 4);
	for (uint32_t off = 8; off + 8 <= total && (t = tag_at(info, off, &size));
	     off += (size + 7) & ~7u)
		n += t == type;
	return n;
}

/* An empty EFI map: an empty map tag, and an information the parser accepts with no
 * regions. A map shorter than one descriptor counts as empty. */
static void test_empty_map(void)
{
	struct mbi m;
	struct bootinfo bi;
	uint8_t map[48];

	put_desc(map, 48, 0, EFI_CONVENTIONAL_MEMORY, 0x100000, 1);
	grub_info(&m, false);
	free(build_and_parse(&m, map, 0, 48, NULL, &bi));
	CHECK_EQ(bi.nregions, 0);
	CHECK_EQ(bi.firmware, FIRMWARE_UEFI);
	free(build_and_parse(&m, map, 39, 48, NULL, &bi));
	CHECK_EQ(bi.nregions, 0);
}

/* GRUB's tags: the maps, the boot-services and basic-meminfo tags are dropped; everything
 * else is kept byte for byte and in order (the unknown odd-sized tag included); GRUB's
 * framebuffer is kept unless the stub describes the GOP's, which then replaces it. */
static void test_grub_tags(void)
{
	struct mbi m;
	struct bootinfo bi;
	uint8_t map[2 * 48];
	struct mb2_fb_tag fb = fb_tag(0xc0000000, 800, 600, MB2_FB_RGB);

	put_desc(map, 48, 0, EFI_CONVENTIONAL_MEMORY, 0x100000, 256);
	put_desc(map, 48, 1, EFI_ACPI_MEMORY_NVS, 0x200000, 1);
	grub_info(&m, true);
	uint8_t *info = build_and_parse(&m, map, sizeof(map), 48, NULL, &bi);
	CHECK(strcmp(bi.cmdline, "selftest console.mode=800x600") == 0);
	CHECK(strcmp(bi.loader, "GRUB 2.06") == 0);
	CHECK_EQ(bi.nmodules, 1);
	CHECK_EQ(bi.modules[0].start, 0x400000);
	CHECK_EQ(bi.rsdp_len, 36);
	CHECK_EQ(bi.firmware, FIRMWARE_UEFI);
	CHECK(!bi.efi_boot_services);  /* the tag is gone with the services */
	CHECK_EQ(bi.mem_upper_kib, 0); /* GRUB's meminfo dropped */
	CHECK_EQ(bi.fb.kind, FB_RGB);  /* GRUB's framebuffer kept */
	CHECK_EQ(bi.fb.width, 1024);
	CHECK_EQ(bi.nregions, 2);
	CHECK_EQ(bi.regions[1].type, MEM_ACPI_NVS);
	/* Walk the tags: kept ones in GRUB's order, then the EFI map, the map, the end. */
	static const uint32_t order[] = { 1, 2, 3, 21, 12, 20, 15, 8, 17, 6, 0 };
	uint32_t off = 8, total;
	memcpy(&total, info, 4);
	for (size_t i = 0; i < ARRAY_SIZE(order) && off + 8 <= total; i++) {
		uint32_t size, type = tag_at(info, off, &size);
		CHECK_EQ(type, order[i]);
		if (type == 21)
			CHECK(size == 13 && memcmp(info + off + 8, "odd!", 5) == 0);
		if (type == 17) {
			uint32_t ds;
			memcpy(&ds, info + off + 8, 4);
			CHECK_EQ(ds, 48);
			CHECK_EQ(size, 16 + sizeof(map));
			CHECK(memcmp(info + off + 16, map, sizeof(map)) == 0);
		}
		off = (off + size + 7) & ~7u;
	}
	CHECK_EQ(off, total);
	free(info);

	/* With the GOP's framebuffer: GRUB's is replaced, not doubled. */
	info = build_and_parse(&m, map, sizeof(map), 48, &fb, &bi);
	CHECK_EQ(bi.fb.kind, FB_RGB);
	CHECK_EQ(bi.fb.width, 800);
	CHECK_EQ(bi.fb.addr, 0xc0000000);
	CHECK_EQ(bi.fb.red_pos, 16);
	CHECK_EQ(count_tags(info, MB2_TAG_FRAMEBUFFER), 1);
	free(info);
}

/* The buffer's size never falls short, whatever GRUB's tags (odd sizes), the descriptor
 * size, the number of descriptors, and whether a framebuffer tag is added: random shapes
 * through build_and_parse (exact-size buffer under ASan, guard bytes). */
static void test_room(void)
{
	uint64_t r = prng_seed(42);
	static const uint64_t sizes[] = { 40, 41, 48, 63, 64, 4096 };
	struct mb2_fb_tag fb = fb_tag(1, 1, 1, MB2_FB_RGB);

	CHECK_EQ(efi_map_capacity(4800, 48), 4800 + EFI_MAP_SLACK_DESCRIPTORS * 48);
	CHECK_EQ(efi_map_offset(9), 16 + EFI_MAP_GAP);
	CHECK_EQ(efi_info_room(16, 100), 16 + EFI_MAP_GAP + 200 + EFI_INFO_EXTRA);
	for (int round = 0; round < 300; round++) {
		struct mbi m;
		struct bootinfo bi;
		mbi_begin(&m);
		int tags = (int)(prng_next(&r) % 12);
		for (int t = 0; t < tags; t++) { /* unknown tags of odd sizes, kept */
			uint32_t len = (uint32_t)(prng_next(&r) % 61);
			memset(mbi_tag(&m, 100 + t, 8 + len), t, len);
		}
		mbi_end(&m);
		uint64_t dsize = sizes[prng_next(&r) % ARRAY_SIZE(sizes)];
		size_t n = prng_next(&r) % 40;
		uint8_t *map = malloc(n * dsize + 1);
		for (size_t i = 0; i < n; i++) /* no two alike: no merging, the most output */
			put_desc(map, dsize, i, (uint32_t)(i % 2 ? 7 : 0), 0x10000000 * i, 1);
		free(build_and_parse(&m, map, n * dsize, dsize, round % 2 ? &fb : NULL, &bi));
		CHECK_EQ(bi.nregions, n);
		free(map);
	}
}

/* efi_scan_info finds the system table, image handle, command line and GRUB's direct-
 * colour mode; an indexed framebuffer says no mode; the walk stops at a tag that overruns. */
static void test_scan_info(void)
{
	struct mbi m;
	struct efi_grub_info g;

	grub_info(&m, true);
	efi_scan_info(m.buf, &g);
	CHECK_EQ(g.total, m.len);
	CHECK_EQ(g.system_table, 0x7f000000);
	CHECK_EQ(g.image_handle, 0x7e000000);
	CHECK(strcmp(g.cmdline, "selftest console.mode=800x600") == 0);
	CHECK_EQ(g.fb_width, 1024);
	CHECK_EQ(g.fb_height, 768);

	mbi_begin(&m);
	add_grub_fb(&m, 640, 480, 0);
	uint8_t *bad = mbi_tag(&m, MB2_TAG_EFI64, 16) - 8;
	mbi_end(&m);
	memcpy(bad + 4, &(uint32_t){ 4000 }, 4); /* runs past total_size: ignored */
	efi_scan_info(m.buf, &g);
	CHECK_EQ(g.fb_width, 0);
	CHECK_EQ(g.system_table, 0);
	CHECK_EQ(g.cmdline_len, 0);
}

int main(void)
{
	RUN(test_empty_map);
	RUN(test_grub_tags);
	RUN(test_room);
	RUN(test_scan_info);
	return unit_summary();
}
