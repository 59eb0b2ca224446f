// SPDX-License-Identifier: MIT
/*
 * The memory-map sanitiser: turns whatever the firmware reported into the sorted, disjoint,
 * page-aligned list of usable ranges the frame allocator is built from.
 *
 * Method, in the output's own storage (no scratch, no limit on the number of regions): the
 * usable regions, clamped to [0, MEMMAP_PHYS_LIMIT), are copied out, sorted (heapsort) and
 * merged; then every "blocked" range (each non-usable region and each range the boot
 * occupies) is subtracted from that sorted list, found by binary search: it trims, deletes
 * or splits the ranges it overlaps. Last, every piece shrinks inward to page boundaries.
 * Non-usable therefore always wins an overlap, and a page is usable only when every byte of
 * it is. Two pieces are always separated by a byte that is not usable, which after the
 * inward rounding leaves at least one page between them: no two output ranges touch, so
 * running the sanitiser on its own output returns it unchanged.
 *
 * Boot ranges (memmap_boot_reserved): the low 1 MiB, the kernel, the boot information, the
 * modules and an EGA text screen's cells. A pixel framebuffer costs no RAM: the console
 * refuses one that overlaps usable RAM in the firmware's map (console_fb_range_check), so
 * the frame allocator may hand out those pages, and one outside usable RAM has nothing to
 * carve. A lying framebuffer tag (address 0, a huge pitch * height) therefore takes no
 * memory away. The VGA text console takes an EGA tag only at the legacy text window
 * (vga_text_window_check), which the low 1 MiB covers; its cells stay reserved all the same.
 *
 * Storage: the caller's (struct memmap carries it). At boot, memmap_from_bootinfo takes a
 * static 512-range map, and for a bigger firmware map finds room in the map itself
 * (memmap_find_room) before any allocator exists.
 *
 * When the storage is too small (-E2BIG) the output is still safe, only smaller: a usable
 * region that finds the list full joins a range it overlaps or touches (nothing lost), else
 * replaces the smallest range when it is larger, and a
 * blocked range that would split a range of a full list cuts off the smaller side instead.
 * Memory is lost then, never a blocked byte listed; out->dropped adds up what went.
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/kmalloc.h>
#include <lios/memmap.h>
#include <lios/printk.h>
#include <lios/size.h>
#include <lios/string.h>

/* See memmap.h: set by mm_init from CPUID before the map is used. */
unsigned memmap_phys_bits = MEMMAP_PHYS_BITS;

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

/* A reserved range as a clamped range (end below start: up to the limit); false if empty. */
static bool clamp_reserved(struct memmap_range r, struct memmap_range *out)
{
	if (r.start >= MEMMAP_PHYS_LIMIT || r.start == r.end)
		return false;
	if (r.end < r.start || r.end > MEMMAP_PHYS_LIMIT)
		r.end = MEMMAP_PHYS_LIMIT;
	*out = r;
	return true;
}

static void sift_down(struct memmap_range *r, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n && r[child + 1].start > r[child].start)
			child++;
		if (r[root].start >= r[child].start)
			return;
		struct memmap_range t = r[root];
		r[root] = r[child];
		r[child] = t;
		root = child;
	}
}

/* Heapsort by start: O(n log n) whatever order the firmware used, no extra memory. */
static void sort_ranges(struct memmap_range *r, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(r, i, n);
	for (size_t end = n; end > 1; end--) {
		struct memmap_range t = r[0];
		r[0] = r[end - 1];
		r[end - 1] = t;
		sift_down(r, 0, end - 1);
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

/* Index of the first range of the sorted, disjoint list m whose end lies above addr. */
static size_t first_ending_above(const struct memmap *m, paddr_t addr)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->r[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Bytes of [start, end) counted as dropped: rounded outward to pages, because a dropped
 * piece that joined two kept ones would have saved their partial pages too. */
static uint64_t dropped_bytes(struct memmap_range r)
{
	return ALIGN_UP(r.end, (paddr_t)PAGE_SIZE) - ALIGN_DOWN(r.start, (paddr_t)PAGE_SIZE);
}

/* Removes [b.start, b.end) from the sorted, disjoint list m. false when a split found m
 * full: the smaller side of the split range is then removed too (added to m->dropped), so
 * that no byte of b stays listed. */
static bool subtract(struct memmap *m, struct memmap_range b)
{
	size_t i = first_ending_above(m, b.start), j;

	if (i == m->n || m->r[i].start >= b.end)
		return true;
	if (m->r[i].start < b.start && m->r[i].end > b.end) { /* strictly inside: split */
		if (m->n == m->cap) {
			struct memmap_range head = { m->r[i].start, b.start };
			struct memmap_range tail = { b.end, m->r[i].end };

			if (head.end - head.start >= tail.end - tail.start) {
				m->dropped += dropped_bytes(tail);
				m->r[i] = head;
			} else {
				m->dropped += dropped_bytes(head);
				m->r[i] = tail;
			}
			return false;
		}
		memmove(&m->r[i + 2], &m->r[i + 1], (m->n - i - 1) * sizeof(m->r[0]));
		m->r[i + 1] = (struct memmap_range){ b.end, m->r[i].end };
		m->r[i].end = b.start;
		m->n++;
		return true;
	}
	if (m->r[i].start < b.start) { /* keeps its head */
		m->r[i].end = b.start;
		i++;
	}
	for (j = i; j < m->n && m->r[j].end <= b.end; j++)
		; /* [i, j) lie wholly inside b */
	if (j < m->n && m->r[j].start < b.end)
		m->r[j].start = b.end; /* keeps its tail */
	if (j > i) {
		memmove(&m->r[i], &m->r[j], (m->n - j) * sizeof(m->r[0]));
		m->n -= j - i;
	}
	return true;
}

/* m is full: r joins a range it overlaps or touches (no slot needed, nothing lost: returns
 * true), else takes the place of m's smallest range when it is larger; whichever loses is
 * counted in m->dropped (returns false). O(m->n), only on full maps. */
static bool keep_larger(struct memmap *m, struct memmap_range r)
{
	size_t small = 0;

	for (size_t i = 0; i < m->n; i++)
		if (r.start <= m->r[i].end && r.end >= m->r[i].start) {
			m->r[i].start = MIN(m->r[i].start, r.start);
			m->r[i].end = MAX(m->r[i].end, r.end); /* may reach the next: merged later */
			return true;
		}
	if (m->cap == 0) {
		m->dropped += dropped_bytes(r);
		return false;
	}
	for (size_t i = 1; i < m->n; i++)
		if (m->r[i].end - m->r[i].start < m->r[small].end - m->r[small].start)
			small = i;
	if (r.end - r.start > m->r[small].end - m->r[small].start) {
		m->dropped += dropped_bytes(m->r[small]);
		m->r[small] = r; /* unsorted now: the next merge_ranges sorts again */
	} else {
		m->dropped += dropped_bytes(r);
	}
	return false;
}

/* Regions minus non-usable regions minus reserved ranges, sorted, merged and shrunk to pages
 * (contract in memmap.h). Returns 0 or -E2BIG. Pure; out's storage only. */
int memmap_sanitize(const struct mem_region *regions, size_t nregions,
		    const struct memmap_range *reserved, size_t nreserved, struct memmap *out)
{
	struct memmap_range r;
	int err = 0;
	size_t n = 0;

	out->n = 0;
	out->dropped = 0;
	for (size_t i = 0; i < nregions; i++) {
		if (regions[i].type != MEM_USABLE ||
		    !clamp_region(regions[i].base, regions[i].length, &r))
			continue;
		if (out->n == out->cap)
			out->n = merge_ranges(out->r, out->n);
		if (out->n == out->cap) {
			if (!keep_larger(out, r))
				err = -E2BIG; /* out keeps a subset of the usable memory */
			continue;
		}
		out->r[out->n++] = r;
	}
	out->n = merge_ranges(out->r, out->n);

	for (size_t i = 0; i < nregions; i++)
		if (regions[i].type != MEM_USABLE &&
		    clamp_region(regions[i].base, regions[i].length, &r) && !subtract(out, r))
			err = -E2BIG;
	for (size_t i = 0; i < nreserved; i++)
		if (clamp_reserved(reserved[i], &r) && !subtract(out, r))
			err = -E2BIG;

	for (size_t i = 0; i < out->n; i++) {
		paddr_t s = ALIGN_UP(out->r[i].start, (paddr_t)PAGE_SIZE);
		paddr_t e = ALIGN_DOWN(out->r[i].end, (paddr_t)PAGE_SIZE);

		if (s < e)
			out->r[n++] = (struct memmap_range){ s, e };
	}
	out->n = n;
	return err;
}

/* Where [*at, *at + bytes) hits a non-usable region or reserved range, moves *at past it
 * (page aligned) and returns true; false when the span is clear. */
static bool bump_past_blocked(const struct mem_region *regions, size_t nregions,
			      const struct memmap_range *reserved, size_t nreserved,
			      uint64_t bytes, paddr_t *at)
{
	struct memmap_range r;
	paddr_t end = *at + bytes;

	for (size_t i = 0; i < nregions; i++)
		if (regions[i].type != MEM_USABLE &&
		    clamp_region(regions[i].base, regions[i].length, &r) &&
		    r.start < end && r.end > *at) {
			*at = ALIGN_UP(r.end, (paddr_t)PAGE_SIZE);
			return true;
		}
	for (size_t i = 0; i < nreserved; i++)
		if (clamp_reserved(reserved[i], &r) && r.start < end && r.end > *at) {
			*at = ALIGN_UP(r.end, (paddr_t)PAGE_SIZE);
			return true;
		}
	return false;
}

/* Room for boot-time data in usable memory (contract in memmap.h). Pure. */
int memmap_find_room(const struct mem_region *regions, size_t nregions,
		     const struct memmap_range *reserved, size_t nreserved, uint64_t bytes,
		     paddr_t limit, paddr_t *addr)
{
	paddr_t best = 0;
	bool found = false;

	if (bytes == 0 || bytes > limit)
		return -ENOMEM;
	for (size_t i = 0; i < nregions; i++) {
		struct memmap_range u;

		if (regions[i].type != MEM_USABLE ||
		    !clamp_region(regions[i].base, regions[i].length, &u))
			continue;
		paddr_t at = ALIGN_UP(MAX(u.start, (paddr_t)MEMMAP_LOW_RESERVED), (paddr_t)PAGE_SIZE);
		paddr_t end = MIN(u.end, limit);

		while (at < end && end - at >= bytes && (!found || at < best)) {
			if (!bump_past_blocked(regions, nregions, reserved, nreserved, bytes, &at)) {
				best = at;
				found = true;
				break;
			}
		}
	}
	if (!found)
		return -ENOMEM;
	*addr = best;
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

/* The ranges the boot occupies (low 1 MiB, kernel, boot info, modules, an EGA text screen)
 * into out[max]; returns how many. A pixel framebuffer is not among them: see the top
 * comment. Pure. */
size_t memmap_boot_reserved(const struct bootinfo *bi, paddr_t kernel_start, paddr_t kernel_end,
			    struct memmap_range *out, size_t max)
{
	size_t n = 0;

	add_reserved(out, &n, max, 0, MEMMAP_LOW_RESERVED);
	add_reserved(out, &n, max, kernel_start, kernel_end);
	add_reserved(out, &n, max, bi->mbi_start, bi->mbi_end);
	for (size_t i = 0; i < bi->nmodules && i < BOOTINFO_MAX_MODULES; i++)
		add_reserved(out, &n, max, bi->modules[i].start, bi->modules[i].end);
	if (bi->fb.kind == FB_EGA_TEXT) {
		/* the cells the VGA text console may draw: 2 bytes each, rows at most pitch apart
		 * (pitch < 2^32 and height < 2^32: no overflow; an end past 2^64 means the limit) */
		uint64_t size = MIN(2ull * bi->fb.width, (uint64_t)bi->fb.pitch) * bi->fb.height;

		add_reserved(out, &n, max, bi->fb.addr, bi->fb.addr + size);
	}
	return n;
}

/* memmap_boot_reserved + memmap_sanitize over bi's regions, with storage from the map itself
 * when out's is too small (contract in memmap.h). Boot, once. */
int memmap_from_bootinfo(const struct bootinfo *bi, paddr_t kernel_start, paddr_t kernel_end,
			 struct memmap *out)
{
	struct memmap_range reserved[MEMMAP_MAX_RESERVED];
	size_t nres = memmap_boot_reserved(bi, kernel_start, kernel_end, reserved,
					   MEMMAP_MAX_RESERVED - 1);
	size_t need = memmap_ranges_needed(bi->nregions, nres + 1);

	if (need > out->cap) {
		uint64_t bytes = ALIGN_UP(need * sizeof(struct memmap_range), (uint64_t)PAGE_SIZE);
		paddr_t at;

		if (memmap_find_room(bi->regions, bi->nregions, reserved, nres, bytes,
				     DIRECT_MAP_SIZE, &at) < 0) {
			memmap_sanitize(bi->regions, bi->nregions, reserved, nres, out);
			return -ENOMEM;
		}
		reserved[nres++] = (struct memmap_range){ at, at + bytes };
		out->r = phys_to_virt(at);
		out->cap = need;
	}
	return memmap_sanitize(bi->regions, bi->nregions, reserved, nres, out);
}

/* Cuts m at end (page aligned): ranges at or above it go, one across it ends there.
 * Returns the bytes removed. Pure. */
uint64_t memmap_truncate(struct memmap *m, paddr_t end)
{
	uint64_t removed = memmap_bytes(m, end);
	size_t i = first_ending_above(m, end);

	if (i < m->n && m->r[i].start < end)
		m->r[i++].end = end;
	m->n = i;
	return removed;
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
	case MEM_EFI_NOT_WB: return "reserved (EFI: no write-back)";
	case MEM_EFI_SPECIFIC_PURPOSE: return "reserved (EFI: specific-purpose)";
	default: return "unknown (reserved)";
	}
}

/* One line, only when the UEFI stub kept RAM out of the usable map for its attributes: how
 * much and why (lios/bootinfo.h's MEM_EFI_*), naming only the reasons that apply, so lost
 * memory is never a mystery. */
static void print_efi_left_out(const struct bootinfo *bi)
{
	uint64_t sp = 0, not_wb = 0;
	char a[SIZE_STR_MAX], b[SIZE_STR_MAX];

	for (size_t i = 0; i < bi->nregions; i++) {
		if (bi->regions[i].type == MEM_EFI_SPECIFIC_PURPOSE)
			sp += bi->regions[i].length;
		else if (bi->regions[i].type == MEM_EFI_NOT_WB)
			not_wb += bi->regions[i].length;
	}
	if (!sp && !not_wb)
		return;
	/* only the kinds present: a "0 B" kind would read as a reason that applied */
	printk("memmap: RAM left out: %s%s%s%s%s\n", sp ? size_format(a, sp) : "",
	       sp ? " specific-purpose (EFI_MEMORY_SP)" : "", sp && not_wb ? ", " : "",
	       not_wb ? size_format(b, not_wb) : "",
	       not_wb ? " not write-back capable (no EFI_MEMORY_WB)" : "");
}

/* Firmware entries printed at boot (serial log); the shell's mmap prints them all. */
#define MEMMAP_PRINT_BOOT 256

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
 * screen (the serial log still has them). RAM the UEFI stub left out for its attributes
 * gets one line at the normal level (print_efi_left_out). Any context after boot info is
 * parsed. */
void memmap_print(const struct bootinfo *bi, const struct memmap *m, bool debug)
{
	/* At boot a server's thousands of entries would hold the serial port for seconds. */
	size_t shown = debug ? MIN(bi->nregions, (size_t)MEMMAP_PRINT_BOOT) : bi->nregions;

	print_efi_left_out(bi);
	map_line(debug, "memmap: firmware map, %zu entries\n", bi->nregions);
	if (shown < bi->nregions)
		map_line(debug, "memmap:   (the first %zu; the shell's mmap lists all)\n", shown);
	for (size_t i = 0; i < shown; i++) {
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
