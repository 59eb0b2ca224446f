// SPDX-License-Identifier: MIT
/*
 * The memory-map sanitiser: turns whatever the firmware reported into the sorted, disjoint,
 * page-aligned list of usable ranges the frame allocator is built from.
 *
 * Method: usable regions and "blocked" ranges (every non-usable region plus the ranges the
 * boot occupies) are each clamped to [0, MEMMAP_PHYS_LIMIT), sorted and merged; usable minus
 * blocked is then walked with two cursors and every piece shrinks inward to page boundaries.
 * Non-usable therefore always wins an overlap, and a page is usable only when every byte of
 * it is. Two merged pieces are always separated by a blocked byte, which after the inward
 * rounding leaves at least one page between them: no two output ranges touch, so running
 * the sanitiser on its own output returns it unchanged.
 *
 * Bookkeeping: static scratch arrays (this runs once at boot, before any allocator exists).
 */
#include <lios/errno.h>
#include <lios/memmap.h>
#include <lios/printk.h>
#include <lios/size.h>
#include <lios/string.h>

#define SCRATCH_USABLE MEMMAP_MAX_RANGES
#define SCRATCH_BLOCKED (MEMMAP_MAX_RANGES + MEMMAP_MAX_RESERVED)

static struct memmap_range scratch_usable[SCRATCH_USABLE];
static struct memmap_range scratch_blocked[SCRATCH_BLOCKED];

/* [base, base + length) clamped to the physical limit; false when nothing is left. */
static bool clamp_region(uint64_t base, uint64_t length, struct memmap_range *out)
{
	uint64_t end = base + length;

	if (length == 0 || base >= MEMMAP_PHYS_LIMIT)
		return false;
	if (end < base || end > MEMMAP_PHYS_LIMIT)
		end = MEMMAP_PHYS_LIMIT;
	out->start = base;
	out->end = end;
	return true;
}

/* Insertion sort by start: at most a few hundred entries, once per boot. */
static void sort_ranges(struct memmap_range *r, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct memmap_range v = r[i];
		size_t j = i;

		while (j > 0 && r[j - 1].start > v.start) {
			r[j] = r[j - 1];
			j--;
		}
		r[j] = v;
	}
}

/* Sorts, then merges overlapping and touching ranges in place; returns the new count. */
static size_t merge_ranges(struct memmap_range *r, size_t n)
{
	size_t out = 0;

	sort_ranges(r, n);
	for (size_t i = 0; i < n; i++) {
		if (out > 0 && r[i].start <= r[out - 1].end) {
			if (r[i].end > r[out - 1].end)
				r[out - 1].end = r[i].end;
		} else {
			r[out++] = r[i];
		}
	}
	return out;
}

/* Appends [start, end) shrunk to page boundaries; false when out is full. */
static bool emit(struct memmap *out, paddr_t start, paddr_t end)
{
	paddr_t s = ALIGN_UP(start, (paddr_t)PAGE_SIZE);
	paddr_t e = ALIGN_DOWN(end, (paddr_t)PAGE_SIZE);

	if (s >= e)
		return true;
	if (out->n == MEMMAP_MAX_RANGES)
		return false;
	out->r[out->n].start = s;
	out->r[out->n].end = e;
	out->n++;
	return true;
}

/* Regions minus non-usable regions minus reserved ranges, sorted, merged and shrunk to pages
 * (contract in memmap.h). Returns 0 or -E2BIG. Boot, single-threaded (static scratch). */
int memmap_sanitize(const struct mem_region *regions, size_t nregions,
		    const struct memmap_range *reserved, size_t nreserved, struct memmap *out)
{
	size_t nu = 0, nb = 0, j = 0;

	out->n = 0;
	if (nregions > MEMMAP_MAX_RANGES || nreserved > MEMMAP_MAX_RESERVED)
		return -E2BIG;

	for (size_t i = 0; i < nregions; i++) {
		struct memmap_range r;

		if (!clamp_region(regions[i].base, regions[i].length, &r))
			continue;
		if (regions[i].type == MEM_USABLE)
			scratch_usable[nu++] = r;
		else
			scratch_blocked[nb++] = r;
	}
	for (size_t i = 0; i < nreserved; i++) {
		struct memmap_range r = reserved[i];

		if (r.start >= MEMMAP_PHYS_LIMIT || r.start == r.end)
			continue;
		if (r.end < r.start || r.end > MEMMAP_PHYS_LIMIT)
			r.end = MEMMAP_PHYS_LIMIT;
		scratch_blocked[nb++] = r;
	}
	nu = merge_ranges(scratch_usable, nu);
	nb = merge_ranges(scratch_blocked, nb);

	for (size_t i = 0; i < nu; i++) {
		paddr_t cur = scratch_usable[i].start, end = scratch_usable[i].end;

		while (j < nb && scratch_blocked[j].end <= cur)
			j++;
		for (size_t k = j; k < nb && scratch_blocked[k].start < end; k++) {
			if (scratch_blocked[k].start > cur && !emit(out, cur, scratch_blocked[k].start))
				return -E2BIG;
			if (scratch_blocked[k].end > cur)
				cur = scratch_blocked[k].end;
		}
		if (cur < end && !emit(out, cur, end))
			return -E2BIG;
	}
	return 0;
}

static void add_reserved(struct memmap_range *out, size_t *n, size_t max, paddr_t start, paddr_t end)
{
	if (*n < max) {
		out[*n].start = start;
		out[*n].end = end;
		(*n)++;
	}
}

/* The ranges the boot occupies (low 1 MiB, kernel, boot info, modules, framebuffer) into
 * out[max]; returns how many. Pure. */
size_t memmap_boot_reserved(const struct bootinfo *bi, paddr_t kernel_start, paddr_t kernel_end,
			    struct memmap_range *out, size_t max)
{
	size_t n = 0;

	add_reserved(out, &n, max, 0, MEMMAP_LOW_RESERVED);
	add_reserved(out, &n, max, kernel_start, kernel_end);
	add_reserved(out, &n, max, bi->mbi_start, bi->mbi_end);
	for (size_t i = 0; i < bi->nmodules && i < BOOTINFO_MAX_MODULES; i++)
		add_reserved(out, &n, max, bi->modules[i].start, bi->modules[i].end);
	if (bi->fb.kind != FB_NONE) {
		uint64_t size = (uint64_t)bi->fb.pitch * bi->fb.height;

		if (size == 0)
			size = PAGE_SIZE;
		add_reserved(out, &n, max, bi->fb.addr, bi->fb.addr + size);
	}
	return n;
}

/* memmap_boot_reserved + memmap_sanitize over bi's regions; same returns as sanitize. */
int memmap_from_bootinfo(const struct bootinfo *bi, paddr_t kernel_start, paddr_t kernel_end,
			 struct memmap *out)
{
	struct memmap_range reserved[MEMMAP_MAX_RESERVED];
	size_t nres = memmap_boot_reserved(bi, kernel_start, kernel_end, reserved, MEMMAP_MAX_RESERVED);
	size_t nreg = bi->nregions;

	if (nreg > BOOTINFO_MAX_REGIONS)
		nreg = BOOTINFO_MAX_REGIONS;
	return memmap_sanitize(bi->regions, nreg, reserved, nres, out);
}

/* Bytes of m at or above from. Pure. */
uint64_t memmap_bytes(const struct memmap *m, paddr_t from)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < m->n; i++) {
		paddr_t s = MAX(m->r[i].start, from);

		if (s < m->r[i].end)
			sum += m->r[i].end - s;
	}
	return sum;
}

static const char *type_name(uint32_t type)
{
	switch (type) {
	case MEM_USABLE: return "usable";
	case MEM_RESERVED: return "reserved";
	case MEM_ACPI_RECLAIMABLE: return "ACPI reclaimable";
	case MEM_ACPI_NVS: return "ACPI NVS";
	case MEM_BAD: return "bad";
	default: return "unknown (reserved)";
	}
}

/* One line of the map at the chosen level: debug at boot (serial log only), info when the
 * shell asks. */
static void map_line(bool debug, const char *fmt, ...)
{
	char line[128];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (debug)
		printk(KERN_DEBUG "%s", line);
	else
		printk("%s", line);
}

/* The firmware map and the sanitised one, one line per range; debug keeps them off the
 * screen (the serial log still has them). Any context after boot info is parsed. */
void memmap_print(const struct bootinfo *bi, const struct memmap *m, bool debug)
{
	map_line(debug, "memmap: firmware map, %zu entries%s\n", bi->nregions,
		 bi->regions_truncated ? " (truncated)" : "");
	for (size_t i = 0; i < bi->nregions && i < BOOTINFO_MAX_REGIONS; i++) {
		const struct mem_region *r = &bi->regions[i];

		char sz[SIZE_STR_MAX];

		map_line(debug, "memmap:   [0x%016llx-0x%016llx) %-10s %s\n",
			 (unsigned long long)r->base, (unsigned long long)(r->base + r->length),
			 size_format(sz, r->length), type_name(r->type));
	}
	map_line(debug, "memmap: usable after carving out boot ranges, %zu ranges\n", m->n);
	for (size_t i = 0; i < m->n; i++) {
		char sz[SIZE_STR_MAX];

		map_line(debug, "memmap:   [0x%016llx-0x%016llx) %s\n",
			 (unsigned long long)m->r[i].start, (unsigned long long)m->r[i].end,
			 size_format(sz, m->r[i].end - m->r[i].start));
	}
}
