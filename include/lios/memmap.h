/* SPDX-License-Identifier: MIT */
/*
 * Memory-map sanitiser (src/mm/memmap.c): firmware regions in, sorted disjoint page-aligned
 * usable ranges out, with reserved ranges (kernel image, boot info, modules, an EGA text
 * screen, first 1 MiB) carved out. Pure; host-tested and fuzzed. Owner: mm.
 *
 * Output invariants (checked by tests/unit/mm/test_memmap.c and fuzz/memmap_fuzz.c): ranges sorted by
 * start, non-empty, page aligned, pairwise disjoint and never adjacent, below
 * MEMMAP_PHYS_LIMIT, each byte inside some usable input region and outside every
 * non-usable region and every reserved range. Sanitising the output again changes nothing.
 */
#ifndef LIOS_MEMMAP_H
#define LIOS_MEMMAP_H

#include <lios/bootinfo.h>

/* Ranges the boot itself reserves (memmap_boot_reserved): low 1 MiB, kernel, boot info,
 * modules, an EGA text screen, the boot area. */
#define MEMMAP_MAX_RESERVED 32
/* Output ranges a statically declared map holds (MEMMAP_STATIC); memmap_from_bootinfo
 * finds room for bigger ones in the map itself. */
#define MEMMAP_STATIC_RANGES 512
/* Architectural maximum of physical addresses (52 bits): anything above is dropped. */
#define MEMMAP_PHYS_BITS 52
#define MEMMAP_PHYS_LIMIT (1ull << MEMMAP_PHYS_BITS)
/* Always reserved: real-mode IVT, BIOS data, EBDA, VGA and ROM areas. */
#define MEMMAP_LOW_RESERVED MiB(1)

struct memmap_range {
	paddr_t start; /* bytes, page aligned */
	paddr_t end;   /* bytes, page aligned, exclusive */
};

/* A list of ranges in caller-provided storage: r[0..n) used, room for cap. */
struct memmap {
	struct memmap_range *r;
	size_t n;
	size_t cap;
	/* bytes of usable memory the last memmap_sanitize left out for want of room (an upper
	 * bound: what was left out may overlap what was kept); 0 when everything fit */
	uint64_t dropped;
};

/* A map with static storage for cap ranges: MEMMAP_STATIC(map, 512); at file scope or as
 * a static local. */
#define MEMMAP_STATIC(name, cap_)                                                          \
	static struct memmap_range name##_ranges[cap_];                                    \
	static struct memmap name = { name##_ranges, 0, (cap_), 0 }

/* Output ranges memmap_sanitize may need for these inputs (each blocked range can split one
 * usable range in two). */
static inline size_t memmap_ranges_needed(size_t nregions, size_t nreserved)
{
	return nregions + nreserved + 1;
}

/*
 * Builds the usable map from firmware regions (any order, overlaps, zero lengths, lengths
 * wrapping past 2^64, any number of them) minus the reserved ranges [start, end) (a range
 * whose end is below its start is taken as reaching MEMMAP_PHYS_LIMIT). Where a usable and
 * a non-usable region overlap, the non-usable one wins. Usable pieces shrink inward to page
 * boundaries. The result goes to out->r (out->cap ranges; memmap_ranges_needed() is always
 * enough). Returns 0, or -E2BIG when the result did not fit: out then holds only part of
 * the usable memory, never anything else (a blocked range that would split a range of a
 * full map takes the smaller side with it), the larger usable pieces first, and
 * out->dropped says at most how much was left out.
 * Uses no memory besides out. O((n + reserved) log n) for maps without nested ranges.
 * Context: any; pure.
 */
int memmap_sanitize(const struct mem_region *regions, size_t nregions,
		    const struct memmap_range *reserved, size_t nreserved, struct memmap *out);

/*
 * Fills out[] with the ranges the boot itself occupies: the first 1 MiB, the kernel image
 * [kernel_start, kernel_end) (physical), the Multiboot2 info, the modules and an EGA text
 * screen. Not a pixel framebuffer: the console refuses one over usable RAM, so it costs
 * no RAM (memmap.c's top comment). Returns the number of ranges written (at most max).
 */
size_t memmap_boot_reserved(const struct bootinfo *bi, paddr_t kernel_start, paddr_t kernel_end,
			    struct memmap_range *out, size_t max);

/*
 * Lowest page-aligned address at or above 1 MiB with [addr, addr + bytes) below 'limit',
 * inside usable regions and clear of every non-usable region and reserved range: room for
 * boot-time data before any allocator exists. Returns 0 and *addr, or -ENOMEM.
 * O(regions x (regions + reserved)) at worst. Context: any; pure.
 */
int memmap_find_room(const struct mem_region *regions, size_t nregions,
		     const struct memmap_range *reserved, size_t nreserved, uint64_t bytes,
		     paddr_t limit, paddr_t *addr);

/*
 * memmap_boot_reserved() then memmap_sanitize() on bi's regions. When out->cap is too small
 * for the map, the storage comes from the map itself: room below the direct map's end
 * (memmap_find_room), reserved like the kernel and reached through phys_to_virt; out->r
 * then points there for good. Same return values as memmap_sanitize, or -ENOMEM when no
 * room was found (out then holds what its own storage took). Context: boot, once.
 */
int memmap_from_bootinfo(const struct bootinfo *bi, paddr_t kernel_start, paddr_t kernel_end,
			 struct memmap *out);

/* Bytes of m at or above physical address 'from' (0: all of it). */
uint64_t memmap_bytes(const struct memmap *m, paddr_t from);

/* Removes everything of m at or above 'end' (page aligned); returns the bytes removed. */
uint64_t memmap_truncate(struct memmap *m, paddr_t end);

/*
 * Physical address width of this machine's CPU, in bits (CPUID 0x80000008 EAX[7:0]): no
 * RAM or device lies at or above 2^memmap_phys_bits. MEMMAP_PHYS_BITS (the architectural
 * maximum) until mm_init sets it from the CPUID record, first thing; host tests set it
 * themselves. memmap_phys_end() is the first address beyond it.
 */
extern unsigned memmap_phys_bits;
static inline paddr_t memmap_phys_end(void)
{
	return memmap_phys_bits >= MEMMAP_PHYS_BITS ? MEMMAP_PHYS_LIMIT : 1ull << memmap_phys_bits;
}

/* Prints the firmware regions of bi and the sanitised ranges of m; debug: at KERN_DEBUG. */
void memmap_print(const struct bootinfo *bi, const struct memmap *m, bool debug);

#endif
