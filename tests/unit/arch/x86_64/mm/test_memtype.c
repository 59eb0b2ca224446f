// SPDX-License-Identifier: MIT
/*
 * Host tests of the direct map's memory-type decision (src/arch/x86_64/mm/memtype.c, the
 * real file): which pages of a 2 MiB block are RAM (mapped write-back) and which are not
 * (uncached), from firmware maps drawn below. A block all of one kind is one large page;
 * only a MEMTYPE_MIXED block costs a page table.
 */
#include <lios/compiler.h>
#include <stdio.h>
#include <string.h>
#include "memtype.h"
#include "../../../unit.h"

#define MEM_UNKNOWN 7 /* persistent memory in ACPI 6: not a type LiOS knows */

/* ram[] bits as a string of 'R' (RAM) and '.' for pages [first, last]: easy to compare. */
static const char *pages(const uint64_t *ram, size_t first, size_t last)
{
	static char s[MEMTYPE_BLOCK_PAGES + 1];
	size_t n = 0;

	for (size_t i = first; i <= last; i++)
		s[n++] = ram[i / 64] & (1ull << (i % 64)) ? 'R' : '.';
	s[n] = 0;
	return s;
}

static size_t ram_pages(const uint64_t *ram)
{
	size_t n = 0;

	for (size_t i = 0; i < MEMTYPE_BLOCK_PAGES; i++)
		n += !!(ram[i / 64] & (1ull << (i % 64)));
	return n;
}

/* RAM only: one usable region over 0-4 MiB. Both blocks are MEMTYPE_RAM (one large page
 * each, every page set); the block after it, which no region mentions, is MEMTYPE_IO. */
static void test_ram_only(void)
{
	const struct mem_region map[] = { { 0, MiB(4), MEM_USABLE } };
	uint64_t ram[MEMTYPE_WORDS];

	CHECK_EQ(memtype_block(map, 1, 0, ram), MEMTYPE_RAM);
	CHECK_EQ(ram_pages(ram), MEMTYPE_BLOCK_PAGES);
	CHECK_EQ(memtype_block(map, 1, MiB(2), ram), MEMTYPE_RAM);
	CHECK_EQ(memtype_block(map, 1, MiB(4), ram), MEMTYPE_IO);
	CHECK_EQ(ram_pages(ram), 0);
}

/* A hole of 64 KiB (pages 16-31) in the middle of the block at 2 MiB, between two usable
 * regions: MEMTYPE_MIXED, exactly those 16 pages not RAM. */
static void test_hole_inside_a_block(void)
{
	const struct mem_region map[] = {
		{ MiB(2), KiB(64), MEM_USABLE },
		{ MiB(2) + KiB(128), MiB(2) - KiB(128), MEM_USABLE },
	};
	uint64_t ram[MEMTYPE_WORDS];

	CHECK_EQ(memtype_block(map, 2, MiB(2), ram), MEMTYPE_MIXED);
	CHECK(!strcmp(pages(ram, 14, 33), "RR................RR"));
	CHECK_EQ(ram_pages(ram), MEMTYPE_BLOCK_PAGES - 16);
}

/* A hole aligned to 2 MiB: usable 0-2 MiB and 4-6 MiB, nothing at 2-4 MiB. No block is
 * mixed: RAM, IO, RAM, three large pages and no page table. */
static void test_hole_aligned_to_a_block(void)
{
	const struct mem_region map[] = {
		{ MiB(4), MiB(2), MEM_USABLE }, /* unsorted on purpose */
		{ 0, MiB(2), MEM_USABLE },
	};
	uint64_t ram[MEMTYPE_WORDS];

	CHECK_EQ(memtype_block(map, 2, 0, ram), MEMTYPE_RAM);
	CHECK_EQ(memtype_block(map, 2, MiB(2), ram), MEMTYPE_IO);
	CHECK_EQ(memtype_block(map, 2, MiB(4), ram), MEMTYPE_RAM);
}

/* The first 2 MiB as SeaBIOS reports them: usable to 0x9fc00, the EBDA's 1 KiB reserved,
 * nothing at 0xa0000-0xeffff (VGA window, option ROMs), the BIOS reserved at 0xf0000, usable
 * from 1 MiB. Mixed: pages 0-0x9f RAM (page 0x9f holds usable bytes below the EBDA), pages
 * 0xa0-0xff (VGA window 0xb8 among them) not, 0x100 on RAM. */
static void test_first_block_with_vga_window(void)
{
	const struct mem_region map[] = {
		{ 0, 0x9fc00, MEM_USABLE },
		{ 0x9fc00, 0x400, MEM_RESERVED },
		{ 0xf0000, 0x10000, MEM_RESERVED },
		{ MiB(1), MiB(127), MEM_USABLE },
	};
	uint64_t ram[MEMTYPE_WORDS];

	CHECK_EQ(memtype_block(map, 4, 0, ram), MEMTYPE_MIXED);
	CHECK(!strcmp(pages(ram, 0x9e, 0xa1), "RR.."));
	CHECK(!strcmp(pages(ram, 0xfe, 0x101), "..RR"));
	CHECK_EQ(ram_pages(ram), MEMTYPE_BLOCK_PAGES - 0x60);
	CHECK(memtype_page_is_ram(map, 4, 0x9f000));
	CHECK(!memtype_page_is_ram(map, 4, 0xb8000));
	CHECK(!memtype_page_is_ram(map, 4, 0xf5000));
	CHECK(memtype_page_is_ram(map, 4, MiB(1)));
	CHECK(memtype_page_is_ram(map, 4, MiB(128) - PAGE_SIZE));
	CHECK(!memtype_page_is_ram(map, 4, MiB(128)));
}

/* Region types: ACPI reclaimable and ACPI NVS are memory; reserved, bad and a type LiOS does
 * not know are not. A reserved region over usable memory leaves it RAM (RAM wins: a page
 * that holds RAM is never device memory). */
static void test_types(void)
{
	const struct mem_region map[] = {
		{ 0, PAGE_SIZE, MEM_ACPI_RECLAIMABLE },
		{ PAGE_SIZE, PAGE_SIZE, MEM_ACPI_NVS },
		{ 2 * PAGE_SIZE, PAGE_SIZE, MEM_RESERVED },
		{ 3 * PAGE_SIZE, PAGE_SIZE, MEM_BAD },
		{ 4 * PAGE_SIZE, PAGE_SIZE, MEM_UNKNOWN },
		{ 5 * PAGE_SIZE, PAGE_SIZE, MEM_USABLE },
		{ 5 * PAGE_SIZE, 2 * PAGE_SIZE, MEM_RESERVED },
	};
	uint64_t ram[MEMTYPE_WORDS];

	CHECK(memtype_is_ram(MEM_USABLE) && memtype_is_ram(MEM_ACPI_NVS));
	CHECK(!memtype_is_ram(MEM_RESERVED) && !memtype_is_ram(MEM_BAD));
	CHECK_EQ(memtype_block(map, ARRAY_SIZE(map), 0, ram), MEMTYPE_MIXED);
	CHECK(!strcmp(pages(ram, 0, 7), "RR...R.."));
}

/* Edges not on page boundaries round outward (a page with one byte of RAM is RAM): usable
 * [0x1800, 0x2801) makes pages 1 and 2 RAM, [4 MiB - 1 KiB, 4 MiB) the last page of the
 * block at 2 MiB and nothing of the block at 4 MiB, where it ends. A zero-length region
 * counts for nothing; one whose length wraps past 2^64 reaches the top of memory. No
 * regions at all: nothing is RAM. */
static void test_edges(void)
{
	const struct mem_region map[] = {
		{ 0x1800, 0x1001, MEM_USABLE },
		{ 0x8000, 0, MEM_USABLE },
		{ GiB(1) + PAGE_SIZE, UINT64_MAX, MEM_USABLE },
		{ MiB(4) - KiB(1), KiB(1), MEM_USABLE },
	};
	uint64_t ram[MEMTYPE_WORDS];

	CHECK_EQ(memtype_block(map, 4, 0, ram), MEMTYPE_MIXED);
	CHECK(!strcmp(pages(ram, 0, 9), ".RR......."));
	CHECK_EQ(ram_pages(ram), 2);
	CHECK_EQ(memtype_block(map, 4, MiB(2), ram), MEMTYPE_MIXED);
	CHECK_EQ(ram_pages(ram), 1); /* the last page only */
	CHECK(!strcmp(pages(ram, 510, 511), ".R"));
	CHECK_EQ(memtype_block(map, 4, MiB(4), ram), MEMTYPE_IO);
	CHECK_EQ(memtype_block(map, 4, GiB(1), ram), MEMTYPE_MIXED);
	CHECK(!strcmp(pages(ram, 0, 2), ".RR"));
	CHECK_EQ(memtype_block(map, 4, GiB(2) - MiB(2), ram), MEMTYPE_RAM);
	CHECK_EQ(memtype_block(map, 0, 0, ram), MEMTYPE_IO);
}

int main(void)
{
	RUN(test_ram_only);
	RUN(test_hole_inside_a_block);
	RUN(test_hole_aligned_to_a_block);
	RUN(test_first_block_with_vga_window);
	RUN(test_types);
	RUN(test_edges);
	return unit_summary();
}
