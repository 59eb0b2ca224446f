// SPDX-License-Identifier: MIT
/*
 * Host tests of the pure half of the UEFI boot stubs (src/arch/x86_64/boot/efi_map.c), the
 * memory map's part: every EFI memory type, and the attributes that make RAM unfit for the
 * kernel (no write-back, specific-purpose, runtime), turned into the Multiboot2 type the
 * kernel must treat them as; EFI memory maps of any descriptor size and length turned into
 * regions with every usable frame kept; through the kernel's own Multiboot2 parser and memmap
 * sanitiser, unfit RAM kept out of the usable map and named in the memmap log. The rewriting
 * of GRUB's information around the map (its tags, the buffer's size, GRUB's information read
 * back) is test_efi_info.c's, with the fake GRUB information and build_and_parse shared in
 * efi_mbi.h; the GOP mode choice and the command line are test_efi_gop.c's. The firmware
 * calls of the stubs are tested by the QEMU cells (selftest.uefi*.efi-map-grows).
 */
#include <lios/bootinfo.h>
#include <lios/memmap.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <stdlib.h>
#include "efi_map.h"
#include "efi_mbi.h"
#include "log_capture.h"
#include "prng.h"
#include "../../../unit.h"

/* The types an OS may allocate from after ExitBootServices (UEFI 2.9, table 7-6). */
static bool efi_usable(uint32_t t)
{
	return t == EFI_LOADER_CODE || t == EFI_LOADER_DATA || t == EFI_BOOT_SERVICES_CODE ||
	       t == EFI_BOOT_SERVICES_DATA || t == EFI_CONVENTIONAL_MEMORY;
}

/* Every EFI memory type, and types the specification reserves for OEMs and OS loaders,
 * land in the Multiboot2 type the kernel must treat them as. */
static void test_types(void)
{
	static const uint32_t want[] = {
		/* by EFI_MEMORY_TYPE, 0 to 15 */
		MB2_MEM_RESERVED,  MB2_MEM_AVAILABLE, MB2_MEM_AVAILABLE, MB2_MEM_AVAILABLE,
		MB2_MEM_AVAILABLE, MB2_MEM_RESERVED,  MB2_MEM_RESERVED,  MB2_MEM_AVAILABLE,
		MB2_MEM_BAD,       MB2_MEM_ACPI,      MB2_MEM_NVS,       MB2_MEM_RESERVED,
		MB2_MEM_RESERVED,  MB2_MEM_RESERVED,  MB2_MEM_RESERVED,  MB2_MEM_RESERVED
	};
	static_assert(ARRAY_SIZE(want) == EFI_UNACCEPTED_MEMORY + 1, "every type");
	CHECK_EQ(efi_mb2_type(EFI_BOOT_SERVICES_DATA), MB2_MEM_AVAILABLE); /* after exit */
	CHECK_EQ(efi_mb2_type(EFI_RUNTIME_SERVICES_CODE), MB2_MEM_RESERVED);
	CHECK_EQ(efi_mb2_type(EFI_PERSISTENT_MEMORY), MB2_MEM_RESERVED);
	for (uint32_t t = 0; t < ARRAY_SIZE(want); t++)
		CHECK_EQ(efi_mb2_type(t), want[t]);
	CHECK_EQ(efi_mb2_type(16), MB2_MEM_RESERVED);
	CHECK_EQ(efi_mb2_type(0x70000000), MB2_MEM_RESERVED); /* OEM */
	CHECK_EQ(efi_mb2_type(0x80000000), MB2_MEM_RESERVED); /* OS loader */
}

/* The attributes that keep free RAM out of the usable map, type by type: without
 * EFI_MEMORY_WB (uncached-only memory, or no caching attribute at all), with EFI_MEMORY_SP
 * (whatever the caching), with EFI_MEMORY_RUNTIME. Other attribute bits change nothing, and
 * types that are not free RAM keep their own type whatever the attributes. */
static void test_attribute_types(void)
{
	static const uint32_t ram[] = { EFI_LOADER_CODE, EFI_LOADER_DATA, EFI_BOOT_SERVICES_CODE,
					EFI_BOOT_SERVICES_DATA, EFI_CONVENTIONAL_MEMORY };
	const uint64_t more = (1ull << 12) | (1ull << 14) | (1ull << 16); /* WP, XP, reliable */

	for (size_t i = 0; i < ARRAY_SIZE(ram); i++) {
		uint32_t t = ram[i];
		CHECK_EQ(efi_desc_mb2_type(t, RAM_ATTR), MB2_MEM_AVAILABLE);
		CHECK_EQ(efi_desc_mb2_type(t, EFI_MEMORY_WB), MB2_MEM_AVAILABLE);
		CHECK_EQ(efi_desc_mb2_type(t, RAM_ATTR | more), MB2_MEM_AVAILABLE);
		CHECK_EQ(efi_desc_mb2_type(t, 0), MB2_MEM_EFI_NOT_WB);
		CHECK_EQ(efi_desc_mb2_type(t, 0x7), MB2_MEM_EFI_NOT_WB); /* UC, WC, WT */
		CHECK_EQ(efi_desc_mb2_type(t, RAM_ATTR | EFI_MEMORY_SP),
			 MB2_MEM_EFI_SPECIFIC_PURPOSE);
		CHECK_EQ(efi_desc_mb2_type(t, EFI_MEMORY_SP), MB2_MEM_EFI_SPECIFIC_PURPOSE);
		CHECK_EQ(efi_desc_mb2_type(t, RAM_ATTR | EFI_MEMORY_RUNTIME), MB2_MEM_RESERVED);
		CHECK_EQ(efi_desc_mb2_type(t, EFI_MEMORY_RUNTIME | EFI_MEMORY_SP),
			 MB2_MEM_RESERVED);
	}
	CHECK_EQ(efi_desc_mb2_type(EFI_ACPI_RECLAIM_MEMORY, 0), MB2_MEM_ACPI);
	CHECK_EQ(efi_desc_mb2_type(EFI_ACPI_MEMORY_NVS, EFI_MEMORY_SP), MB2_MEM_NVS);
	CHECK_EQ(efi_desc_mb2_type(EFI_UNUSABLE_MEMORY, RAM_ATTR), MB2_MEM_BAD);
	CHECK_EQ(efi_desc_mb2_type(EFI_RUNTIME_SERVICES_DATA, RAM_ATTR | EFI_MEMORY_RUNTIME),
		 MB2_MEM_RESERVED);
	CHECK_EQ(efi_desc_mb2_type(EFI_MEMORY_MAPPED_IO, EFI_MEMORY_RUNTIME | 1), MB2_MEM_RESERVED);
	CHECK_EQ(MB2_MEM_EFI_SPECIFIC_PURPOSE, MEM_EFI_SPECIFIC_PURPOSE);
	CHECK_EQ(MB2_MEM_EFI_NOT_WB, MEM_EFI_NOT_WB);
}

/* Usable bytes memmap_sanitize finds in bi (no boot ranges); the memmap log lines in the
 * capture buffer. */
static uint64_t usable_after_sanitize(const struct bootinfo *bi)
{
	static struct memmap_range r[64];
	struct memmap m = { r, 0, ARRAY_SIZE(r), 0 };

	CHECK_EQ(memmap_sanitize(bi->regions, bi->nregions, NULL, 0, &m), 0);
	log_capture_clear();
	memmap_print(bi, &m, false); /* as the shell's mmap: every line at the normal level */
	return memmap_bytes(&m, 0);
}

/* A map with RAM the kernel must not take, through efi_build_info (the writer the 64-bit
 * stub and efi32_finish on the 32-bit path both call), the kernel's parser and the memmap
 * sanitiser: conventional memory without write-back, specific-purpose memory (cached or
 * not), boot-services data the runtime services claim. Only the plain RAM is usable, the
 * rest are regions of the reason's type, and the log says in one line how much was left
 * out and why. */
static void test_attribute_map(void)
{
	const uint64_t P = 4096, B = 0x100000;
	uint8_t map[7 * 48];
	struct mbi m;
	struct bootinfo bi;

	put_desc(map, 48, 0, EFI_CONVENTIONAL_MEMORY, B, 256);                    /* RAM */
	put_desc_attr(map, 48, 1, EFI_CONVENTIONAL_MEMORY, B + 256 * P, 16, 0x1); /* UC */
	put_desc_attr(map, 48, 2, EFI_CONVENTIONAL_MEMORY, B + 272 * P, 64,
		      RAM_ATTR | EFI_MEMORY_SP);                        /* HBM */
	put_desc(map, 48, 3, EFI_CONVENTIONAL_MEMORY, B + 336 * P, 16); /* RAM */
	put_desc_attr(map, 48, 4, EFI_BOOT_SERVICES_DATA, B + 352 * P, 4,
		      RAM_ATTR | EFI_MEMORY_RUNTIME);                              /* firmware's */
	put_desc_attr(map, 48, 5, EFI_LOADER_DATA, B + 356 * P, 8, EFI_MEMORY_SP); /* no WB */
	put_desc_attr(map, 48, 6, EFI_CONVENTIONAL_MEMORY, B + 364 * P, 4, 0);     /* none */
	grub_info(&m, false);
	uint8_t *info = build_and_parse(&m, map, sizeof(map), 48, NULL, &bi);
	static const uint64_t want[][3] = {
		{ B, 256 * P, MEM_USABLE },
		{ B + 256 * P, 16 * P, MEM_EFI_NOT_WB },
		{ B + 272 * P, 64 * P, MEM_EFI_SPECIFIC_PURPOSE },
		{ B + 336 * P, 16 * P, MEM_USABLE },
		{ B + 352 * P, 4 * P, MEM_RESERVED },
		{ B + 356 * P, 8 * P, MEM_EFI_SPECIFIC_PURPOSE },
		{ B + 364 * P, 4 * P, MEM_EFI_NOT_WB },
	};
	CHECK_EQ(bi.nregions, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want) && i < bi.nregions; i++) {
		CHECK_EQ(bi.regions[i].base, want[i][0]);
		CHECK_EQ(bi.regions[i].length, want[i][1]);
		CHECK_EQ(bi.regions[i].type, want[i][2]);
	}
	CHECK_EQ(usable_after_sanitize(&bi), (256 + 16) * P);
	CHECK(log_captured("memmap: RAM left out: 288 KiB specific-purpose (EFI_MEMORY_SP), "
			   "80 KiB not write-back capable (no EFI_MEMORY_WB)\n"));
	free(info);
}

/* The left-out line names only the reasons present: a map whose only unfit RAM is
 * specific-purpose says so alone, one whose only unfit RAM lacks write-back says that
 * alone; neither prints a "0 B" for the absent kind. */
static void test_attribute_map_one_kind(void)
{
	const uint64_t P = 4096, B = 0x100000;
	uint8_t map[2 * 48];
	struct mbi m;
	struct bootinfo bi;
	uint8_t *info;

	put_desc(map, 48, 0, EFI_CONVENTIONAL_MEMORY, B, 256);
	put_desc_attr(map, 48, 1, EFI_CONVENTIONAL_MEMORY, B + 256 * P, 64,
		      RAM_ATTR | EFI_MEMORY_SP);
	grub_info(&m, false);
	info = build_and_parse(&m, map, sizeof(map), 48, NULL, &bi);
	CHECK_EQ(usable_after_sanitize(&bi), 256 * P);
	CHECK(log_captured("memmap: RAM left out: 256 KiB specific-purpose (EFI_MEMORY_SP)\n"));
	CHECK(!log_captured("write-back capable"));
	CHECK(!log_captured(" 0 B"));
	free(info);

	put_desc_attr(map, 48, 1, EFI_CONVENTIONAL_MEMORY, B + 256 * P, 16, 0x1); /* UC only */
	info = build_and_parse(&m, map, sizeof(map), 48, NULL, &bi);
	CHECK_EQ(usable_after_sanitize(&bi), 256 * P);
	CHECK(log_captured("memmap: RAM left out: 64 KiB not write-back capable (no "
			   "EFI_MEMORY_WB)\n"));
	CHECK(!log_captured("specific-purpose"));
	CHECK(!log_captured(" 0 B"));
	free(info);
}

/* A normal map, as OVMF gives it (RAM write-back capable; runtime code and data, and the
 * flash's MMIO, marked runtime): every region has the type its EFI type alone gives, as
 * before attributes were read, nothing is left out, and the log has no left-out line. */
static void test_normal_map_unchanged(void)
{
	const uint64_t P = 4096, RT = EFI_MEMORY_RUNTIME;
	static const struct {
		uint32_t type;
		uint64_t base, pages, attr;
	} d[] = {
		{ EFI_BOOT_SERVICES_CODE, 0, 1, RAM_ATTR },
		{ EFI_CONVENTIONAL_MEMORY, P, 159, RAM_ATTR },
		{ EFI_CONVENTIONAL_MEMORY, 0x100000, 1792, RAM_ATTR },
		{ EFI_ACPI_MEMORY_NVS, 0x800000, 8, RAM_ATTR },
		{ EFI_LOADER_CODE, 0x808000, 300, RAM_ATTR },
		{ EFI_BOOT_SERVICES_DATA, 0x935000, 1999, RAM_ATTR }, /* gaps: no merging */
		{ EFI_RUNTIME_SERVICES_DATA, 0x1104000, 64, RAM_ATTR | RT },
		{ EFI_RUNTIME_SERVICES_CODE, 0x1145000, 31, RAM_ATTR | RT },
		{ EFI_ACPI_RECLAIM_MEMORY, 0x1164000, 4, RAM_ATTR },
		{ EFI_CONVENTIONAL_MEMORY, 0x1168000, 20000, RAM_ATTR },
		{ EFI_RESERVED_MEMORY, 0x5f88000, 8, RAM_ATTR },
		{ EFI_MEMORY_MAPPED_IO, 0xffc00000, 1024, RT | 1 },
	};
	uint8_t map[ARRAY_SIZE(d) * 48];
	uint64_t usable = 0;
	struct mbi m;
	struct bootinfo bi;

	for (size_t i = 0; i < ARRAY_SIZE(d); i++) {
		put_desc_attr(map, 48, i, d[i].type, d[i].base, d[i].pages, d[i].attr);
		if (efi_mb2_type(d[i].type) == MB2_MEM_AVAILABLE)
			usable += d[i].pages * P;
	}
	grub_info(&m, false);
	uint8_t *info = build_and_parse(&m, map, sizeof(map), 48, NULL, &bi);
	CHECK_EQ(bi.nregions, ARRAY_SIZE(d) - 1); /* but the first two, which merge */
	for (size_t i = 1; i < ARRAY_SIZE(d) && i - 1 < bi.nregions; i++)
		CHECK_EQ(bi.regions[i - 1].type, efi_mb2_type(d[i].type));
	CHECK_EQ(usable_after_sanitize(&bi), usable);
	CHECK(log_captured("memmap: firmware map"));
	CHECK(!log_captured("left out"));
	free(info);
}

/* Descriptor sizes of 40 (the struct), 48 (OVMF, most firmware), and odd larger ones, read
 * from a map at an odd address: every descriptor becomes its own region (alternating types,
 * no merging), junk past the struct ignored, no misaligned access (UBSan). */
static void test_descriptor_sizes(void)
{
	static const uint64_t sizes[] = { 40, 48, 41, 47, 56, 100, 4096 };

	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		uint64_t dsize = sizes[s];
		uint8_t *raw = malloc(8 * dsize + 1), *map = raw + 1;
		uint8_t out[16 + 8 * 24] __attribute__((aligned(8)));
		for (size_t i = 0; i < 8; i++)
			put_desc(map, dsize, i,
				 i % 2 ? EFI_RUNTIME_SERVICES_DATA : EFI_CONVENTIONAL_MEMORY,
				 0x100000 * (i + 1), 16);
		uint32_t size = efi_write_mmap_tag(out, map, 8 * dsize, dsize);
		CHECK_EQ(size, 16 + 8 * 24);
		for (size_t i = 0; i < 8; i++) {
			struct mb2_mmap_entry e;
			memcpy(&e, out + 16 + i * 24, sizeof(e));
			CHECK_EQ(e.base, 0x100000 * (i + 1));
			CHECK_EQ(e.length, 16 * 4096);
			CHECK_EQ(e.type, i % 2 ? MB2_MEM_RESERVED : MB2_MEM_AVAILABLE);
		}
		free(raw);
	}
	/* Below the structure's 40 bytes (a firmware that changed it between calls): no entry,
	 * and no endless loop on a descriptor size of 0. */
	static const uint64_t bad[] = { 0, 1, 8, 39 };
	for (size_t s = 0; s < ARRAY_SIZE(bad); s++) {
		uint8_t map[4 * 40] = { 0 };
		uint8_t out[16 + 4 * 24] __attribute__((aligned(8)));
		for (size_t i = 0; i < 4; i++)
			put_desc(map, 40, i, EFI_CONVENTIONAL_MEMORY, 0x100000 * (i + 1), 16);
		CHECK_EQ(efi_write_mmap_tag(out, map, sizeof(map), bad[s]), 16);
	}
}

/* Adjacent descriptors of the same resulting type merge (loader data after conventional
 * memory: both free RAM); a gap, another type, or a descriptor that goes back in address
 * starts a new region; empty descriptors vanish. */
static void test_adjacent(void)
{
	uint8_t map[10 * 48], out[16 + 10 * 24] __attribute__((aligned(8)));
	const uint64_t P = 4096;

	put_desc(map, 48, 0, EFI_CONVENTIONAL_MEMORY, 0, 4);       /* [0, 4P) */
	put_desc(map, 48, 1, EFI_LOADER_DATA, 4 * P, 2);           /* merges: [0, 6P) */
	put_desc(map, 48, 2, EFI_BOOT_SERVICES_CODE, 6 * P, 0);    /* empty: dropped */
	put_desc(map, 48, 3, EFI_BOOT_SERVICES_DATA, 6 * P, 1);    /* merges: [0, 7P) */
	put_desc(map, 48, 4, EFI_CONVENTIONAL_MEMORY, 8 * P, 1);   /* gap: new */
	put_desc(map, 48, 5, EFI_ACPI_RECLAIM_MEMORY, 9 * P, 1);   /* type: new */
	put_desc(map, 48, 6, EFI_ACPI_RECLAIM_MEMORY, 10 * P, 1);  /* merges */
	put_desc(map, 48, 7, EFI_CONVENTIONAL_MEMORY, 2 * P, 1);   /* backwards: new */
	put_desc(map, 48, 8, EFI_RUNTIME_SERVICES_CODE, 3 * P, 1); /* new */
	put_desc(map, 48, 9, EFI_RUNTIME_SERVICES_DATA, 4 * P, 1); /* both reserved: merges */
	uint32_t size = efi_write_mmap_tag(out, map, sizeof(map), 48);
	static const uint64_t want[][3] = { { 0, 7 * P, 1 },
					    { 8 * P, P, 1 },
					    { 9 * P, 2 * P, 3 },
					    { 2 * P, P, 1 },
					    { 3 * P, 2 * P, 2 } };
	CHECK_EQ(size, 16 + ARRAY_SIZE(want) * 24);
	for (size_t i = 0; i < ARRAY_SIZE(want) && 16 + i * 24 < size; i++) {
		struct mb2_mmap_entry e;
		memcpy(&e, out + 16 + i * 24, sizeof(e));
		CHECK_EQ(e.base, want[i][0]);
		CHECK_EQ(e.length, want[i][1]);
		CHECK_EQ(e.type, want[i][2]);
	}
}

/* Descriptors whose pages run past the top of the 64-bit address space (a firmware's
 * garbage, or a map read with the wrong descriptor size): 512 pages from 1 MiB below the
 * top, one page at the very top (its end would be 0), UINT64_MAX pages at 0; between them
 * free RAM at 1 MiB and 2 MiB, and 256 pages that end 1 MiB below the top. Expected: the
 * three that wrap left out, whole (no entry of a wrapped length, nothing merged across
 * them); the others kept as they are, the last one too (it ends without wrapping). */
static void test_wrapping_descriptors(void)
{
	uint8_t map[6 * 48], out[16 + 6 * 24] __attribute__((aligned(8)));
	static const uint64_t want[][3] = { { 0x100000, 16 * 4096, 1 },
					    { 0x200000, 16 * 4096, 1 },
					    { 0xffffffffffe00000, 256 * 4096, 1 } };

	put_desc(map, 48, 0, EFI_CONVENTIONAL_MEMORY, 0x100000, 16);
	put_desc(map, 48, 1, EFI_CONVENTIONAL_MEMORY, 0xfffffffffff00000, 512);
	put_desc(map, 48, 2, EFI_CONVENTIONAL_MEMORY, 0xfffffffffffff000, 1);
	put_desc(map, 48, 3, EFI_CONVENTIONAL_MEMORY, 0, UINT64_MAX);
	put_desc(map, 48, 4, EFI_CONVENTIONAL_MEMORY, 0x200000, 16);
	put_desc(map, 48, 5, EFI_CONVENTIONAL_MEMORY, 0xffffffffffe00000, 256);
	uint32_t size = efi_write_mmap_tag(out, map, sizeof(map), 48);
	CHECK_EQ(size, 16 + ARRAY_SIZE(want) * 24);
	for (size_t i = 0; i < ARRAY_SIZE(want) && 16 + i * 24 < size; i++) {
		struct mb2_mmap_entry e;
		memcpy(&e, out + 16 + i * 24, sizeof(e));
		CHECK_EQ(e.base, want[i][0]);
		CHECK_EQ(e.length, want[i][1]);
		CHECK_EQ(e.type, want[i][2]);
	}
}

/* A server's map: 10,000 descriptors of random types and sizes, many adjacent. Every usable
 * frame of the EFI map is a usable frame of the parsed map, none more; the other types'
 * bytes are kept too. Odd descriptor size 56 + 1 for good measure. */
static void test_big_map(void)
{
	const size_t n = 10000;
	const uint64_t dsize = 57;
	uint8_t *map = malloc(n * dsize);
	uint64_t r = prng_seed(13);
	uint64_t base = 0, usable = 0, other = 0;
	struct mbi m;
	struct bootinfo bi;

	for (size_t i = 0; i < n; i++) {
		uint32_t type = (uint32_t)(prng_next(&r) % 16);
		uint64_t pages = 1 + prng_next(&r) % 300;
		if (prng_next(&r) % 4 == 0)
			base += 4096 * (1 + prng_next(&r) % 8); /* a hole */
		put_desc(map, dsize, i, type, base, pages);
		if (efi_usable(type))
			usable += pages;
		else
			other += pages;
		base += pages * 4096;
	}
	grub_info(&m, false);
	uint8_t *info = build_and_parse(&m, map, n * dsize, dsize, NULL, &bi);
	uint64_t got_usable = 0, got_other = 0;
	for (size_t i = 0; i < bi.nregions; i++) {
		CHECK_EQ(bi.regions[i].length % 4096, 0);
		if (bi.regions[i].type == MEM_USABLE)
			got_usable += bi.regions[i].length / 4096;
		else
			got_other += bi.regions[i].length / 4096;
	}
	CHECK_EQ(got_usable, usable);
	CHECK_EQ(got_other, other);
	CHECK(bi.nregions > n / 4 && bi.nregions < n); /* merged, but not all */
	free(info);
	free(map);
}

int main(void)
{
	printk_add_sink(log_capture_sink, false);
	RUN(test_types);
	RUN(test_attribute_types);
	RUN(test_attribute_map);
	RUN(test_attribute_map_one_kind);
	RUN(test_normal_map_unchanged);
	RUN(test_descriptor_sizes);
	RUN(test_adjacent);
	RUN(test_wrapping_descriptors);
	RUN(test_big_map);
	return unit_summary();
}
