// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the Multiboot2 parser (mb2_parse, src/kernel/multiboot2.c): the
 * input is the boot information as a loader would leave it. The parser must never read out
 * of bounds (ASan), and whenever it accepts the input its output must be sane: counts within
 * their arrays, strings terminated, boot-info range as given; the memory map it produced
 * then goes through the sanitiser, whose result must pass memmap_check.
 */
#include <lios/bootinfo.h>
#include <lios/memmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../tests/unit/pmm/memmap_check.h"

#define MB2_BOOTLOADER_MAGIC 0x36d76289u
#define FUZZ_MBI_PHYS 0x10000u
#define FUZZ_CHECK_REGIONS 32 /* memmap_check is quadratic: check the first 32 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "mb2_parse output broken: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bootinfo bi;
	MEMMAP_STATIC(out, MEMMAP_STATIC_RANGES);
	char err[128];
	size_t n;

	/* An 8-byte aligned private copy of exactly 'size' bytes: ASan sees any overread. */
	uint8_t *copy = malloc(size ? size : 1);

	memcpy(copy, data, size);
	if (mb2_parse(MB2_BOOTLOADER_MAGIC, copy, size, FUZZ_MBI_PHYS, &bi, err, sizeof(err)) == 0) {
		if (bi.nregions > size / sizeof(struct mem_region))
			fail("nregions");
		if (bi.nregions && ((const uint8_t *)bi.regions < copy ||
				    (const uint8_t *)(bi.regions + bi.nregions) > copy + size))
			fail("regions outside the info");
		/* The map was rewritten in place: a second parse must see the same. */
		static struct bootinfo again;
		if (mb2_parse(MB2_BOOTLOADER_MAGIC, copy, size, FUZZ_MBI_PHYS, &again, err,
			      sizeof(err)) != 0)
			fail("second parse of the rewritten info failed");
		if (again.nregions != bi.nregions || again.regions != bi.regions ||
		    strcmp(again.cmdline, bi.cmdline) || again.fb.kind != bi.fb.kind ||
		    again.nmodules != bi.nmodules || again.rsdp_len != bi.rsdp_len)
			fail("second parse differs");
		if (bi.nmodules > BOOTINFO_MAX_MODULES)
			fail("nmodules");
		if (!memchr(bi.cmdline, 0, sizeof(bi.cmdline)) || !memchr(bi.loader, 0, sizeof(bi.loader)))
			fail("unterminated string");
		for (size_t i = 0; i < bi.nmodules; i++)
			if (!memchr(bi.modules[i].cmdline, 0, sizeof(bi.modules[i].cmdline)))
				fail("unterminated module string");
		if (bi.rsdp_len > sizeof(bi.rsdp))
			fail("rsdp_len");
		if (bi.mbi_start != FUZZ_MBI_PHYS || bi.mbi_end < bi.mbi_start ||
		    bi.mbi_end - bi.mbi_start > size)
			fail("mbi range");
		n = bi.nregions < FUZZ_CHECK_REGIONS ? bi.nregions : FUZZ_CHECK_REGIONS;
		if (memmap_sanitize(bi.regions, n, NULL, 0, &out) != 0)
			fail("sanitiser refused the parsed map");
		if (memmap_check(bi.regions, n, NULL, 0, &out))
			fail(memmap_check(bi.regions, n, NULL, 0, &out));
	} else if (!memchr(err, 0, sizeof(err))) {
		fail("unterminated error message");
	}
	free(copy);
	return 0;
}
