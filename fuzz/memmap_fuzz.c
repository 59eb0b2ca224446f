// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the memory-map sanitiser (src/mm/memmap.c). The input is read as:
 * one byte giving the number of reserved ranges (mod 7), that many (start, end) pairs of
 * little-endian u64, then firmware regions of 20 bytes (base u64, length u64, type u32), at
 * most 32. Every output must pass memmap_check (sorted, disjoint, aligned, only usable
 * bytes, complete, idempotent); a violation aborts, which libFuzzer reports as a crash.
 * A byte left over after the regions gives the map a second run into room for only 1-8
 * ranges (1 + byte % 8): a result that fits must be the same, one that does not (-E2BIG)
 * must still list nothing but usable, unblocked pages (memmap_check_subset), and miss no
 * more than its 'dropped' bytes.
 */
#include <lios/errno.h>
#include <lios/memmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "memmap_check.h"

#define FUZZ_MAX_REGIONS 32
#define FUZZ_MAX_RESERVED 6
#define FUZZ_MAX_SMALL 8 /* most ranges of the small second run */
#define REGION_BYTES 20

static void fail(const char *what, size_t nreg)
{
	fprintf(stderr, "memmap property violated (%zu regions): %s\n", nreg, what);
	abort();
}

/* The second run, into room for cap ranges, against the result with room enough (full). */
static void check_small(const struct mem_region *regions, size_t nreg,
			const struct memmap_range *reserved, size_t nres, const struct memmap *full,
			size_t cap)
{
	struct memmap_range room[FUZZ_MAX_SMALL];
	struct memmap small = { room, 0, cap, 0 };
	int ret = memmap_sanitize(regions, nreg, reserved, nres, &small);
	const char *err;

	if (ret == 0) {
		if (small.n != full->n || small.dropped != 0 ||
		    memcmp(small.r, full->r, full->n * sizeof(full->r[0])))
			fail("fits in the small map, but differs from the full result", nreg);
		return;
	}
	if (ret != -E2BIG)
		fail("small map: neither 0 nor -E2BIG", nreg);
	err = memmap_check_subset(regions, nreg, reserved, nres, &small);
	if (err)
		fail(err, nreg);
	if (memmap_bytes(&small, 0) > memmap_bytes(full, 0) ||
	    memmap_bytes(full, 0) > memmap_bytes(&small, 0) + small.dropped)
		fail("small map: 'dropped' does not cover what is missing", nreg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	MEMMAP_STATIC(out, MEMMAP_STATIC_RANGES);
	struct mem_region regions[FUZZ_MAX_REGIONS];
	struct memmap_range reserved[FUZZ_MAX_RESERVED];
	size_t nres, nreg = 0, off = 1;
	const char *err;

	if (size < 1)
		return 0;
	nres = data[0] % (FUZZ_MAX_RESERVED + 1);
	for (size_t i = 0; i < nres; i++) {
		memset(&reserved[i], 0, sizeof(reserved[i]));
		if (off + 16 <= size)
			memcpy(&reserved[i], data + off, 16);
		off += 16;
	}
	while (off + REGION_BYTES <= size && nreg < FUZZ_MAX_REGIONS) {
		memcpy(&regions[nreg].base, data + off, 8);
		memcpy(&regions[nreg].length, data + off + 8, 8);
		memcpy(&regions[nreg].type, data + off + 16, 4);
		/* Small type values are the interesting ones; keep most inputs usable-heavy. */
		if (regions[nreg].type > 8)
			regions[nreg].type = regions[nreg].type % 3 ? MEM_USABLE : regions[nreg].type;
		nreg++;
		off += REGION_BYTES;
	}
	if (memmap_sanitize(regions, nreg, reserved, nres, &out) != 0)
		fail("memmap_sanitize failed with room enough", nreg);
	err = memmap_check(regions, nreg, reserved, nres, &out);
	if (err)
		fail(err, nreg);
	if (off < size)
		check_small(regions, nreg, reserved, nres, &out, 1 + data[off] % FUZZ_MAX_SMALL);
	return 0;
}
