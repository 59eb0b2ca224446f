/* SPDX-License-Identifier: MIT */
/*
 * The simulated machine of the mm host tests and benchmarks: the real frame allocator
 * (src/mm/pmm.c) over a made-up memory map, the host paging window
 * (src/arch/host/paging_host.c: vmalloc's mappings are real host memory) and a fresh
 * vmalloc arena; the heap runs on top. Header-only; the program links pmm.c, vmalloc.c,
 * vmem.c and the host arch stand-ins (lios_host_mm, or the sources directly in a bench).
 */
#ifndef LIOS_TEST_SIM_MM_H
#define LIOS_TEST_SIM_MM_H

#include <lios/compiler.h>
#include <lios/memmap.h>
#include <lios/pmm.h>
#include <lios/vmalloc.h>
#include <stdio.h>
#include <stdlib.h>
#include "host_paging.h"

/*
 * A machine with low memory [16 MiB, low_end) (pmm metadata comes from there) and
 * high_bytes above 4 GiB, with a fresh vmalloc window (whatever an earlier case mapped is
 * dropped). Exits the program when pmm_init or vmalloc_init fails.
 */
static inline void sim_mm_setup(paddr_t low_end, uint64_t high_bytes)
{
	MEMMAP_STATIC(map, MEMMAP_STATIC_RANGES);
	vaddr_t start, end;

	map.n = 2;
	map.r[0].start = MiB(16);
	map.r[0].end = low_end;
	map.r[1].start = GiB(4);
	map.r[1].end = GiB(4) + high_bytes;
	host_paging_window(&start, &end);
	host_paging_reset();
	if (pmm_init(&map) || vmalloc_init(start, end)) {
		fprintf(stderr, "sim_mm_setup: mm init failed\n");
		exit(1);
	}
}

static inline uint64_t free_frames(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	return st.free_frames;
}

static inline struct vmalloc_stats vm_stats(void)
{
	struct vmalloc_stats st;

	vmalloc_get_stats(&st);
	return st;
}

/* Free frames plus frames the vmalloc arena keeps for its bookkeeping: this sum must come
 * back exactly when everything is freed. */
static inline uint64_t frames_accounted(void) { return free_frames() + vm_stats().meta_pages; }

#endif
