// SPDX-License-Identifier: MIT
/*
 * Property checker for sanitised memory maps (see memmap_check.h). Deliberately written the
 * slow, obvious way (page by page at every input boundary, quadratic coverage walks) so that
 * it does not share a bug with the sweep in src/mm/memmap.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "memmap_check.h"

/* End of [base, base + length) clamped the way the documentation promises. */
static uint64_t region_end(uint64_t base, uint64_t length)
{
	uint64_t end = base + length;

	return (end < base || end > MEMMAP_PHYS_LIMIT) ? MEMMAP_PHYS_LIMIT : end;
}

static uint64_t reserved_end(const struct memmap_range *r)
{
	return (r->end < r->start || r->end > MEMMAP_PHYS_LIMIT) ? MEMMAP_PHYS_LIMIT : r->end;
}

/* Does [s, e) intersect anything non-usable or reserved? */
static bool touches_blocked(const struct mem_region *regions, size_t n,
			    const struct memmap_range *res, size_t nres, uint64_t s, uint64_t e)
{
	for (size_t i = 0; i < n; i++) {
		if (regions[i].type == MEM_USABLE || regions[i].length == 0 ||
		    regions[i].base >= MEMMAP_PHYS_LIMIT)
			continue;
		if (regions[i].base < e && region_end(regions[i].base, regions[i].length) > s)
			return true;
	}
	for (size_t i = 0; i < nres; i++) {
		if (res[i].start == res[i].end || res[i].start >= MEMMAP_PHYS_LIMIT)
			continue;
		if (res[i].start < e && reserved_end(&res[i]) > s)
			return true;
	}
	return false;
}

/* Is [s, e) covered by the union of usable regions? */
static bool covered_by_usable(const struct mem_region *regions, size_t n, uint64_t s, uint64_t e)
{
	uint64_t cur = s;

	while (cur < e) {
		uint64_t next = cur;

		for (size_t i = 0; i < n; i++) {
			uint64_t re;

			if (regions[i].type != MEM_USABLE || regions[i].length == 0 ||
			    regions[i].base >= MEMMAP_PHYS_LIMIT)
				continue;
			re = region_end(regions[i].base, regions[i].length);
			if (regions[i].base <= cur && re > next)
				next = re;
		}
		if (next == cur)
			return false;
		cur = next;
	}
	return true;
}

static bool page_in_out(const struct memmap *out, uint64_t p)
{
	for (size_t i = 0; i < out->n; i++)
		if (out->r[i].start <= p && p < out->r[i].end)
			return true;
	return false;
}

static const char *check_page(const struct mem_region *regions, size_t n,
			      const struct memmap_range *res, size_t nres, const struct memmap *out,
			      uint64_t p)
{
	static char msg[160];
	bool want, have;

	if (p >= MEMMAP_PHYS_LIMIT)
		return NULL;
	want = covered_by_usable(regions, n, p, p + PAGE_SIZE) &&
	       !touches_blocked(regions, n, res, nres, p, p + PAGE_SIZE);
	have = page_in_out(out, p);
	if (want == have)
		return NULL;
	snprintf(msg, sizeof(msg), "page 0x%llx is %s but %s", (unsigned long long)p,
		 want ? "usable" : "not usable", have ? "listed" : "missing");
	return msg;
}

static const char *check_boundary(const struct mem_region *regions, size_t n,
				  const struct memmap_range *res, size_t nres,
				  const struct memmap *out, uint64_t b)
{
	uint64_t base = b & PAGE_MASK;
	const char *err;

	for (int d = -1; d <= 1; d++) {
		uint64_t p = base + (uint64_t)((int64_t)d * (int64_t)PAGE_SIZE);

		if ((d < 0 && base == 0) ||
		    (err = check_page(regions, n, res, nres, out, p)) == NULL)
			continue;
		return err;
	}
	return NULL;
}

/* Both checks; complete: also every usable page next to an input boundary is listed. */
static const char *check(const struct mem_region *regions, size_t nregions,
			 const struct memmap_range *reserved, size_t nreserved,
			 const struct memmap *out, bool complete)
{
	static char msg[160];
	const char *err;
	struct mem_region *as_regions;

	for (size_t i = 0; i < out->n; i++) {
		const struct memmap_range *r = &out->r[i];

		if (r->start >= r->end)
			return "empty range";
		if ((r->start | r->end) & (PAGE_SIZE - 1))
			return "range not page aligned";
		if (r->end > MEMMAP_PHYS_LIMIT)
			return "range above the physical limit";
		if (i > 0 && r->start <= out->r[i - 1].end)
			return "ranges unsorted, overlapping or adjacent";
		if (!covered_by_usable(regions, nregions, r->start, r->end))
			return "range not covered by usable input";
		if (touches_blocked(regions, nregions, reserved, nreserved, r->start, r->end))
			return "range overlaps a reserved or non-usable input";
	}
	for (size_t i = 0; complete && i < nregions; i++) {
		if ((err = check_boundary(regions, nregions, reserved, nreserved, out,
					  regions[i].base)) ||
		    (err = check_boundary(regions, nregions, reserved, nreserved, out,
					  region_end(regions[i].base, regions[i].length))))
			return err;
	}
	for (size_t i = 0; complete && i < nreserved; i++) {
		if ((err = check_boundary(regions, nregions, reserved, nreserved, out,
					  reserved[i].start)) ||
		    (err = check_boundary(regions, nregions, reserved, nreserved, out,
					  reserved_end(&reserved[i]))))
			return err;
	}

	as_regions = calloc(out->n + 1, sizeof(*as_regions));
	for (size_t i = 0; i < out->n; i++) {
		as_regions[i].base = out->r[i].start;
		as_regions[i].length = out->r[i].end - out->r[i].start;
		as_regions[i].type = MEM_USABLE;
	}
	struct memmap again = { calloc(memmap_ranges_needed(out->n, nreserved), sizeof(again.r[0])),
				0, memmap_ranges_needed(out->n, nreserved), 0 };
	memmap_sanitize(as_regions, out->n, reserved, nreserved, &again);
	free(as_regions);
	if (again.n != out->n || memcmp(again.r, out->r, out->n * sizeof(out->r[0]))) {
		snprintf(msg, sizeof(msg), "not idempotent: %zu ranges, then %zu", out->n, again.n);
		free(again.r);
		return msg;
	}
	free(again.r);
	return NULL;
}

const char *memmap_check(const struct mem_region *regions, size_t nregions,
			 const struct memmap_range *reserved, size_t nreserved,
			 const struct memmap *out)
{
	return check(regions, nregions, reserved, nreserved, out, true);
}

const char *memmap_check_subset(const struct mem_region *regions, size_t nregions,
				const struct memmap_range *reserved, size_t nreserved,
				const struct memmap *out)
{
	return check(regions, nregions, reserved, nreserved, out, false);
}
