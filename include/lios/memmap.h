/* SPDX-License-Identifier: MIT */
/*
 * Memory-map sanitiser (src/mm/memmap.c): firmware regions in, sorted disjoint page-aligned
 * usable ranges out, with reserved ranges (kernel image, boot info, modules, framebuffer,
 * first 1 MiB) carved out. Pure; host-tested and fuzzed. Owner: mm.
 *
 * Output invariants (checked by tests/unit/pmm and fuzz/memmap_fuzz.c): ranges sorted by
 * start, non-empty, page aligned, pairwise disjoint and never adjacent, below
 * MEMMAP_PHYS_LIMIT, each byte inside some usable input region and outside every
 * non-usable region and every reserved range. Sanitising the output again changes nothing.
 */
#ifndef LIOS_MEMMAP_H
#define LIOS_MEMMAP_H

#include <lios/bootinfo.h>

#define MEMMAP_MAX_RANGES 512
#define MEMMAP_MAX_RESERVED 32
/* Architectural maximum of physical addresses (52 bits): anything above is dropped. */
#define MEMMAP_PHYS_LIMIT (1ull << 52)
/* Always reserved: real-mode IVT, BIOS data, EBDA, VGA and ROM areas. */
#define MEMMAP_LOW_RESERVED MiB(1)

struct memmap_range {
	paddr_t start; /* bytes, page aligned */
	paddr_t end;   /* bytes, page aligned, exclusive */
};

struct memmap {
	struct memmap_range r[MEMMAP_MAX_RANGES];
	size_t n;
};

/*
 * Builds the usable map from firmware regions (any order, overlaps, zero lengths, lengths
 * wrapping past 2^64) minus the reserved ranges [start, end) (a range whose end is below its
 * start is taken as reaching MEMMAP_PHYS_LIMIT). Where a usable and a non-usable region
 * overlap, the non-usable one wins. Usable pieces shrink inward to page boundaries.
 * Returns 0, -E2BIG when more than MEMMAP_MAX_RANGES regions are given (out is then empty)
 * or when the result did not fit (out keeps the lowest MEMMAP_MAX_RANGES ranges).
 * Context: boot, single-threaded (uses static scratch space); needs no allocator.
 */
int memmap_sanitize(const struct mem_region *regions, size_t nregions,
		    const struct memmap_range *reserved, size_t nreserved, struct memmap *out);

/*
 * Fills out[] with the ranges the boot itself occupies: the first 1 MiB, the kernel image
 * [kernel_start, kernel_end) (physical), the Multiboot2 info, the modules and the
 * framebuffer. Returns the number of ranges written (at most max).
 */
size_t memmap_boot_reserved(const struct bootinfo *bi, paddr_t kernel_start, paddr_t kernel_end,
			    struct memmap_range *out, size_t max);

/* memmap_boot_reserved() then memmap_sanitize() on bi's regions. Same return values. */
int memmap_from_bootinfo(const struct bootinfo *bi, paddr_t kernel_start, paddr_t kernel_end,
			 struct memmap *out);

/* Bytes of m at or above physical address 'from' (0: all of it). */
uint64_t memmap_bytes(const struct memmap *m, paddr_t from);

/* Prints the firmware regions of bi and the sanitised ranges of m; debug: at KERN_DEBUG. */
void memmap_print(const struct bootinfo *bi, const struct memmap *m, bool debug);

#endif
