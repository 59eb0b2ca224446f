/* SPDX-License-Identifier: MIT */
/*
 * Physical frame allocator (src/mm/pmm.c). Owner: mm. Returns physical addresses as
 * paddr_t; 0 means failure (frame 0 is never usable: the first 1 MiB is reserved).
 */
#ifndef LIOS_PMM_H
#define LIOS_PMM_H

#include <lios/arch.h> /* DIRECT_MAP_SIZE */
#include <lios/memmap.h>

#define PMM_LIMIT_NONE UINT64_MAX      /* any frame; served from high memory first */
#define PMM_LIMIT_DIRECT DIRECT_MAP_SIZE /* below 2 GiB: reachable at phys + KERNEL_OFFSET */

/* Largest buddy block: 2^18 frames = 1 GiB. Runs and alignments above it are refused. */
#define PMM_MAX_ORDER 18

struct pmm_stats {
	uint64_t total_frames;    /* frames in the usable map */
	uint64_t free_frames;     /* frames pmm_alloc can hand out now */
	uint64_t reserved_frames; /* usable frames the allocator keeps (its own metadata) */
	uint64_t metadata_bytes;  /* bookkeeping size, bytes (a whole number of frames) */
};

/*
 * Takes ownership of every frame of 'usable' (a sanitised map, memmap_sanitize()). The
 * metadata (about 4 bits per frame up to the highest usable address) is carved from the
 * first usable range below 2 GiB that can hold it and reached through phys_to_virt().
 * When no range has room for the metadata of the whole map, the frames above the highest
 * address whose metadata fits are left out, with a KERN_WARN "pmm: " line saying how much;
 * pmm_end_pfn() then ends below the map's end. May be called again to start over (host
 * tests). Returns 0, -EINVAL for an empty or unsorted map, -ENOMEM when not even the
 * first range's metadata fits below 2 GiB. Context: boot, before kmalloc.
 */
int pmm_init(const struct memmap *usable);

/*
 * Allocates 'count' physically contiguous frames aligned to 'align' bytes (0: one page;
 * otherwise a power of two) whose run ends at or below 'limit' (PMM_LIMIT_DIRECT for
 * memory used through phys_to_virt). PMM_LIMIT_NONE prefers frames above 2 GiB.
 * Returns the physical address of the first frame, or 0 when no such run is free.
 * The frames are not cleared. Context: any (interrupts are masked inside).
 */
paddr_t pmm_alloc(size_t count, size_t align, paddr_t limit);

/*
 * Returns 'count' frames starting at 'pa' (any split of earlier allocations is allowed).
 * Returns 0, or -EINVAL after printing a report naming the misuse (double free, reserved or
 * unmanaged frame, misaligned address, zero count) and the caller; on misuse nothing changes.
 */
int pmm_free(paddr_t pa, size_t count);

/* Copies the counters. Invariant: free + reserved + in use == total. */
void pmm_get_stats(struct pmm_stats *st);

/* One past the highest managed frame number (0 before pmm_init). */
pfn_t pmm_end_pfn(void);

#endif
