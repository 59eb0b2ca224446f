// SPDX-License-Identifier: MIT
/*
 * Boot information and memory maps of any size (issue 13): a synthetic Multiboot2 info of
 * 1 MiB whose memory map has 10,000 entries, unsorted, goes through what the kernel does at
 * boot: mb2_parse (the map rewritten in place, a second parse identical), the sanitiser with
 * its output in room found in the map itself (memmap_from_bootinfo), the frame allocator
 * (pmm_init), and the numbers of the "mem:" line, each checked against a count made the
 * slow way from the synthetic map. The 256-region and 64 KiB limits this replaces would
 * have lost all but a fortieth of the memory.
 */
#include <lios/bootinfo.h>
#include <lios/memmap.h>
#include <lios/kmalloc.h>
#include <lios/pmm.h>
#include <stdlib.h>
#include <string.h>
#include "../pmm/memmap_check.h"
#include "../unit.h"

#define MAGIC 0x36d76289u
#define INFO_BYTES MiB(1)
#define INFO_PHYS 0x10000ull
#define PAIRS 5000 /* usable + reserved: 10,000 entries */
#define STRIDE MiB(2)
#define USABLE_LEN (MiB(1) + KiB(512))
#define KERNEL_START MiB(2)
#define KERNEL_END (MiB(2) + KiB(1536))

static uint8_t *info;
static size_t info_len;

static uint8_t *tag(uint32_t type, uint32_t size)
{
	uint8_t *t = info + info_len;

	memcpy(t, &type, 4);
	memcpy(t + 4, &size, 4);
	info_len = ALIGN_UP(info_len + size, (size_t)8);
	return t + 8;
}

/* Pair k: usable [1 MiB + k * 2 MiB, +1.5 MiB), reserved the next 0.5 MiB; listed from the
 * top down, so the sanitiser has to sort them. 32-byte entries, as a newer loader might. */
static void build_info(void)
{
	const uint32_t esize = 32, n = 2 * PAIRS;
	static const char cmdline[] = "selftest console=serial";

	info = aligned_alloc(8, INFO_BYTES);
	memset(info, 0, INFO_BYTES);
	info_len = 8;
	memcpy(tag(1, 8 + sizeof(cmdline)), cmdline, sizeof(cmdline));
	uint8_t *p = tag(6, 16 + esize * n);
	memcpy(p, &esize, 4);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = PAIRS - 1 - i / 2;
		uint64_t base = MiB(1) + k * STRIDE + (i % 2 ? USABLE_LEN : 0);
		uint64_t len = i % 2 ? STRIDE - USABLE_LEN : USABLE_LEN;
		uint32_t type = i % 2 ? MEM_RESERVED : MEM_USABLE;

		memcpy(p + 8 + esize * i, &base, 8);
		memcpy(p + 8 + esize * i + 8, &len, 8);
		memcpy(p + 8 + esize * i + 16, &type, 4);
	}
	/* Fill up to 1 MiB with a tag the parser does not know, then the end tag. */
	tag(0x7777, (uint32_t)(INFO_BYTES - info_len - 8));
	tag(0, 8);
	uint32_t total = (uint32_t)info_len;
	memcpy(info, &total, 4);
}

static bool page_reserved(paddr_t pa, const struct memmap_range *res, size_t nres)
{
	for (size_t i = 0; i < nres; i++)
		if (pa + PAGE_SIZE > res[i].start && pa < res[i].end)
			return true;
	return false;
}

/* The usable bytes at or above 'from', page by page from the synthetic map itself. */
static uint64_t slow_usable(const struct memmap_range *res, size_t nres, paddr_t from)
{
	uint64_t sum = 0;

	for (uint64_t k = 0; k < PAIRS; k++)
		for (paddr_t pa = MiB(1) + k * STRIDE; pa < MiB(1) + k * STRIDE + USABLE_LEN;
		     pa += PAGE_SIZE)
			if (pa >= from && !page_reserved(pa, res, nres))
				sum += PAGE_SIZE;
	return sum;
}

static struct bootinfo bi, again;
static char err[128];

static void test_parse(void)
{
	CHECK_EQ(info_len, INFO_BYTES);
	CHECK(mb2_parse(MAGIC, info, INFO_BYTES, INFO_PHYS, &bi, err, sizeof(err)) == 0);
	CHECK_EQ(bi.nregions, 2 * PAIRS);
	CHECK(strcmp(bi.cmdline, "selftest console=serial") == 0);
	CHECK_EQ(bi.mbi_end - bi.mbi_start, INFO_BYTES);
	CHECK(bi.regions[0].base == MiB(1) + (PAIRS - 1) * STRIDE && bi.regions[0].type == MEM_USABLE);
	CHECK(bi.regions[2 * PAIRS - 1].base == MiB(1) + USABLE_LEN);
	CHECK(mb2_parse(MAGIC, info, INFO_BYTES, INFO_PHYS, &again, err, sizeof(err)) == 0);
	CHECK(again.regions == bi.regions && again.nregions == bi.nregions);
}

/* The sanitiser keeps every usable piece (5,000 ranges: no limit), carves the kernel, the
 * info and its own storage out, and the frame allocator and the "mem:" numbers agree. */
static void test_memmap_pmm_mem(void)
{
	MEMMAP_STATIC(out, MEMMAP_STATIC_RANGES);
	struct memmap_range res[MEMMAP_MAX_RESERVED];
	struct pmm_stats st;

	CHECK(memmap_from_bootinfo(&bi, KERNEL_START, KERNEL_END, &out) == 0);
	CHECK(out.cap >= 2 * PAIRS && out.r != out_ranges); /* room found in the map */
	paddr_t room = virt_to_phys(out.r);
	uint64_t room_bytes = ALIGN_UP(out.cap * sizeof(out.r[0]), (uint64_t)PAGE_SIZE);
	size_t nres = memmap_boot_reserved(&bi, KERNEL_START, KERNEL_END, res, MEMMAP_MAX_RESERVED);
	res[nres++] = (struct memmap_range){ room, room + room_bytes };
	CHECK(room >= MiB(1) && room + room_bytes <= DIRECT_MAP_SIZE);
	CHECK(out.n >= PAIRS - 2);

	uint64_t usable = slow_usable(res, nres, 0), above4g = slow_usable(res, nres, GiB(4));
	CHECK_EQ(memmap_bytes(&out, 0), usable);
	CHECK_EQ(memmap_bytes(&out, GiB(4)), above4g);
	CHECK(usable > PAIRS * USABLE_LEN - MiB(4)); /* nearly everything survives */
	const char *why = memmap_check(bi.regions, bi.nregions, res, nres, &out);
	if (why)
		fprintf(stderr, "  memmap_check: %s\n", why);
	CHECK(why == NULL);

	CHECK(pmm_init(&out) == 0);
	pmm_get_stats(&st);
	CHECK_EQ(st.total_frames * PAGE_SIZE, usable);
	CHECK_EQ(st.free_frames + st.reserved_frames, st.total_frames);
	CHECK_EQ(st.reserved_frames * PAGE_SIZE, st.metadata_bytes);
	/* "mem: N MiB usable (M MiB above 4 GiB)" as mm_init prints it. */
	CHECK_EQ(memmap_bytes(&out, 0) >> 20, usable >> 20);
	CHECK(usable >> 20 >= 7400);
	CHECK(above4g >> 20 >= 4400); /* the map ends at 10001 MiB */
}

int main(void)
{
	build_info();
	RUN(test_parse);
	RUN(test_memmap_pmm_mem);
	free(info);
	return unit_summary();
}
