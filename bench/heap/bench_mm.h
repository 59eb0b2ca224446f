/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the heap and vmalloc benchmarks: a fresh simulated machine (the real
 * pmm over 4 GiB of high frames, the host paging window, vmalloc), the xorshift PRNG; the
 * clock and the BENCH lines are bench.h's.
 */
#ifndef LIOS_BENCH_MM_H
#define LIOS_BENCH_MM_H

#include <lios/compiler.h>
#include <lios/pmm.h>
#include <lios/vmalloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "bench.h"
#include "host_paging.h"

static inline void bench_mm_setup(void)
{
	MEMMAP_STATIC(map, MEMMAP_STATIC_RANGES);
	vaddr_t start, end;

	map.n = 2;
	map.r[0].start = MiB(16);
	map.r[0].end = MiB(64);
	map.r[1].start = GiB(4);
	map.r[1].end = GiB(8);
	host_paging_window(&start, &end);
	host_paging_reset();
	if (pmm_init(&map) || vmalloc_init(start, end)) {
		fprintf(stderr, "bench: mm init failed\n");
		exit(1);
	}
}

/* One result line: "BENCH key ratio op goal", plus whether the goal is met. */
static inline void bench_result(const char *key, double ratio, const char *op, double goal)
{
	bool met = op[0] == '<' ? ratio <= goal : ratio >= goal;

	printf("BENCH %s %.3f %s %g\n", key, ratio, op, goal);
	fprintf(stderr, "# %-28s %8.3f  goal %s %g: %s\n", key, ratio, op, goal,
		met ? "met" : "NOT met");
}

static inline uint64_t bench_rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#endif
