/* SPDX-License-Identifier: MIT */
/*
 * The properties every sanitised memory map must have, checked against the input that
 * produced it. Shared by the memmap unit test and the memmap fuzzer (fuzz/memmap_fuzz.c, binary fuzz_memmap).
 */
#ifndef LIOS_TEST_MEMMAP_CHECK_H
#define LIOS_TEST_MEMMAP_CHECK_H

#include <lios/memmap.h>

/*
 * Checks that out is sorted, non-empty, page aligned, disjoint and non-adjacent; that every
 * byte of it is usable in the input and outside every non-usable region and reserved range;
 * that every page with those properties next to an input boundary is in out; and that
 * sanitising out again returns out. Returns NULL when all hold, else a description.
 */
const char *memmap_check(const struct mem_region *regions, size_t nregions,
			 const struct memmap_range *reserved, size_t nreserved,
			 const struct memmap *out);

/*
 * The same without completeness, for an output that did not fit (memmap_sanitize returned
 * -E2BIG): usable pages may be missing, but every listed byte must still be usable and
 * clear of every non-usable region and reserved range, and the list well formed and
 * idempotent.
 */
const char *memmap_check_subset(const struct mem_region *regions, size_t nregions,
				const struct memmap_range *reserved, size_t nreserved,
				const struct memmap *out);

#endif
