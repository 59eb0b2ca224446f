/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the heap and vmalloc benchmarks: a fresh simulated machine
 * (tests/support/sim_mm.h with 4 GiB of high frames) and tests/support/prng.h; the clock
 * and the BENCH lines are bench.h's.
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
#include "prng.h"
#include "sim_mm.h"

/* A fresh machine: 48 MiB low, 4 GiB of high frames (tests/support/sim_mm.h). */
static inline void bench_mm_setup(void)
{
	sim_mm_setup(MiB(64), GiB(4));
}

/* One result line: "BENCH key ratio op goal", plus whether the goal is met. */
static inline void bench_result(const char *key, double ratio, const char *op, double goal)
{
	bool met = op[0] == '<' ? ratio <= goal : ratio >= goal;

	printf("BENCH %s %.3f %s %g\n", key, ratio, op, goal);
	fprintf(stderr, "# %-28s %8.3f  goal %s %g: %s\n", key, ratio, op, goal,
		met ? "met" : "NOT met");
}

#endif
