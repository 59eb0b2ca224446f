// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the memory-map sanitiser (src/mm/memmap.c). The input is read as:
 * one byte giving the number of reserved ranges (mod 7), that many (start, end) pairs of
 * little-endian u64, then firmware regions of 20 bytes (base u64, length u64, type u32), at
 * most 32. Every output must pass memmap_check (sorted, disjoint, aligned, only usable
 * bytes, complete, idempotent); a violation aborts, which libFuzzer reports as a crash.
 */
#include <lios/memmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../tests/unit/pmm/memmap_check.h"

#define FUZZ_MAX_REGIONS 32
#define FUZZ_MAX_RESERVED 6
#define REGION_BYTES 20

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
	if (memmap_sanitize(regions, nreg, reserved, nres, &out) != 0) {
		fprintf(stderr, "memmap_sanitize failed on %zu regions\n", nreg);
		abort();
	}
	err = memmap_check(regions, nreg, reserved, nres, &out);
	if (err) {
		fprintf(stderr, "memmap property violated: %s\n", err);
		abort();
	}
	return 0;
}
