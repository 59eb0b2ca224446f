// SPDX-License-Identifier: MIT
/*
 * The direct map's memory types, decided from the firmware's memory map. The direct map
 * covers the first 2 GiB of physical addresses whatever lies there; only RAM may be mapped
 * write-back. A device's registers or a frame buffer mapped write-back here while ioremap
 * maps them uncached or write-combining is memory-type aliasing, which the Intel SDM (vol.
 * 3A, 11.12.4) does not support, and a write-back mapping lets the CPU read device memory
 * speculatively. Firmware MTRRs usually hide both; LiOS does not count on them.
 *
 * The rule, per 4 KiB page: a page is RAM when any byte of it lies in a region the firmware
 * calls memory (usable, ACPI reclaimable, ACPI NVS); RAM wins over any other region on the
 * same page, since RAM and device memory never share a page while a reserved tail of RAM
 * does (the EBDA at 0x9fc00 shares a page with usable memory). Everything else is device
 * memory and gets an uncached type: reserved, bad (never read speculatively) and unknown
 * types, and addresses no region mentions at all (holes: the VGA window 0xa0000-0xbffff,
 * the PCI hole), as a real kernel takes a hole for MMIO.
 *
 * Pure: compiled for the host too (tests/unit/arch/x86_64/mm/test_memtype.c).
 */
#include <lios/compiler.h>
#include "memtype.h"

/* See memtype.h. */
bool memtype_is_ram(uint32_t type)
{
	return type == MEM_USABLE || type == MEM_ACPI_RECLAIMABLE || type == MEM_ACPI_NVS;
}

/* Sets bits first..last (inclusive) of map, a word at a time: paging_init classifies every
 * 2 MiB block of the direct map, and bit by bit a machine with 2 GiB of RAM there cost 5
 * million instructions at boot (boot.init_4g_over_128m went 1.17 -> 1.46). */
static void set_bits(uint64_t *map, size_t first, size_t last)
{
	while (first <= last) {
		size_t bit = first % 64, n = MIN(64 - bit, last - first + 1);

		map[first / 64] |= (n == 64 ? ~0ull : ((1ull << n) - 1)) << bit;
		first += n;
	}
}

/* See memtype.h. */
enum memtype_kind memtype_block(const struct mem_region *regions, size_t n, paddr_t base,
				uint64_t ram[MEMTYPE_WORDS])
{
	paddr_t block_end = base + MEMTYPE_BLOCK;
	bool any = false, all = true;

	for (size_t w = 0; w < MEMTYPE_WORDS; w++)
		ram[w] = 0;
	for (size_t i = 0; i < n; i++) {
		const struct mem_region *r = &regions[i];
		uint64_t end = r->base + r->length;
		paddr_t lo, hi;

		if (!memtype_is_ram(r->type) || r->length == 0)
			continue;
		if (end < r->base) /* wraps past 2^64: reaches the top */
			end = UINT64_MAX;
		lo = MAX(r->base, base);
		hi = MIN(end, block_end);
		if (lo >= hi)
			continue;
		set_bits(ram, (lo - base) / PAGE_SIZE, (hi - 1 - base) / PAGE_SIZE);
	}
	for (size_t w = 0; w < MEMTYPE_WORDS; w++) {
		any = any || ram[w] != 0;
		all = all && ram[w] == UINT64_MAX;
	}
	return all ? MEMTYPE_RAM : any ? MEMTYPE_MIXED : MEMTYPE_IO;
}

/* See memtype.h. */
bool memtype_page_is_ram(const struct mem_region *regions, size_t n, paddr_t pa)
{
	uint64_t ram[MEMTYPE_WORDS];
	paddr_t base = ALIGN_DOWN(pa, MEMTYPE_BLOCK);
	size_t page = (pa - base) / PAGE_SIZE;

	memtype_block(regions, n, base, ram);
	return ram[page / 64] & (1ull << (page % 64));
}
