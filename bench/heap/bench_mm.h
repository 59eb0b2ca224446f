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

#endif
