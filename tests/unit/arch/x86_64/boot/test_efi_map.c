// SPDX-License-Identifier: MIT
/*
 * Host tests of the pure half of the UEFI boot stubs (src/arch/x86_64/boot/efi_map.c): EFI
 * memory maps of any descriptor size and length turned into Multiboot2 regions of the right
 * type with every usable frame kept, GRUB's information rewritten around them into a buffer
 * of exactly efi_info_room bytes (ASan's bound, and guard bytes behind a second copy), the
 * result accepted by the kernel's own Multiboot2 parser, RAM whose attributes make it unfit
 * for the kernel (no write-back, specific-purpose, runtime) kept out of the usable map and
 * named in the memmap log. The GOP mode choice and the command line are test_efi_gop.c's.
 * The firmware calls of the stubs are tested by the QEMU cells (selftest.uefi*.efi-map-grows).
 */
#include <lios/bootinfo.h>
#include <lios/memmap.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <stdlib.h>
#include "efi_map.h"
#include "log_capture.h"
#include "prng.h"
#include "../../../unit.h"

#define MAGIC MB2_BOOTLOADER_MAGIC
#define GUARD 64
#define GUARD_BYTE 0xa5

/* GRUB's information, built tag by tag (8-byte aligned after the 8-byte header). */
struct mbi {
	uint8_t buf[4096] __attribute__((aligned(8)));
	uint32_t len;
};

static void *mbi_tag(struct mbi *m, uint32_t type, uint32_t size)
{
	uint8_t *t = m->buf + m->len;

	memcpy(t, &type, 4);
	memcpy(t + 4, &size, 4);
	m->len = (m->len + size + 7) & ~7u;
	return t + 8;
}

static void mbi_begin(struct mbi *m)
{
	memset(m, 0, sizeof(*m));
	m->len = 8;
}

static void mbi_end(struct mbi *m)
{
	mbi_tag(m, MB2_TAG_END, 8);
	memcpy(m->buf, &m->len, 4);
}

static void add_string(struct mbi *m, uint32_t type, const char *s)
{
	memcpy(mbi_tag(m, type, 8 + (uint32_t)strlen(s) + 1), s, strlen(s) + 1);
}

/* A framebuffer tag: w x h at addr, 32 bpp BGR, direct colour (fb_type 1) or indexed (0). */
static struct mb2_fb_tag fb_tag(uint64_t addr, uint32_t w, uint32_t h, uint8_t fb_type)
{
	struct mb2_fb_tag t = {
		MB2_TAG_FRAMEBUFFER, sizeof(t), addr, w * 4, w, h, 32, fb_type, 0, 16, 8, 8, 8, 0, 8
	};
	return t;
}

/* GRUB's framebuffer tag, as fb_tag. */
static void add_grub_fb(struct mbi *m, uint32_t w, uint32_t h, uint8_t fb_type)
{
	struct mb2_fb_tag t = fb_tag(0x80000000, w, h, fb_type);

	memcpy(mbi_tag(m, MB2_TAG_FRAMEBUFFER, sizeof(t)), (uint8_t *)&t + 8, sizeof(t) - 8);
}

/* A GRUB x86_64-efi hand-over as LiOS gets it: every tag kind the stubs keep or drop. */
static void grub_info(struct mbi *m, bool with_fb)
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
static void put_desc_attr(uint8_t *map, uint64_t dsize, size_t i, uint32_t type, uint64_t base,
			  uint64_t pages, uint64_t attr)
{
	struct efi_memory_descriptor d = { type, 0, base, 0xdead, pages, attr };

	memset(map + i * dsize, 0xee, dsize);
	memcpy(map + i * dsize, &d, sizeof(d));
}

/* put_desc_attr with RAM_ATTR. */
static void put_desc(uint8_t *map, uint64_t dsize, size_t i, uint32_t type, uint64_t base,
		     uint64_t pages)
{
	put_desc_attr(map, dsize, i, type, base, pages, RAM_ATTR);
}

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

/* The types an OS may allocate from after ExitBootServices (UEFI 2.9, table 7-6). */
static bool efi_usable(uint32_t t)
{
	return t == EFI_LOADER_CODE || t == EFI_LOADER_DATA || t == EFI_BOOT_SERVICES_CODE ||
	       t == EFI_BOOT_SERVICES_DATA || t == EFI_CONVENTIONAL_MEMORY;
}

/*
 * Runs efi_build_info as the stubs do, twice: into a buffer of exactly efi_info_room bytes
 * (ASan stops any write past it) and into one followed by GUARD pattern bytes, which must
 * stay untouched; both results must be equal. Then parses it with the kernel's mb2_parse
 * into *bi (must succeed). Returns the parsed buffer (free it).
 */
static uint8_t *build_and_parse(const struct mbi *m, const uint8_t *map, uint64_t map_size,
				uint64_t dsize, const struct mb2_fb_tag *fb, struct bootinfo *bi)
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
	printk_add_sink(log_capture_sink, false);
	RUN(test_types);
	RUN(test_attribute_types);
	RUN(test_attribute_map);
	RUN(test_attribute_map_one_kind);
	RUN(test_normal_map_unchanged);
	RUN(test_descriptor_sizes);
	RUN(test_adjacent);
	RUN(test_empty_map);
	RUN(test_grub_tags);
	RUN(test_big_map);
	RUN(test_room);
	RUN(test_scan_info);
	return unit_summary();
}
