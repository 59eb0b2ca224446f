// SPDX-License-Identifier: MIT
/*
 * The harness checks itself (bench/bench.h): two sides running the very same workload must
 * compare as 1.0 within the spread the harness reports. A harness that favoured one side
 * (always first after the other's cache warm-up, a timer read on one side only, a ratio
 * turned upside down) would push every round's ratio to one side of 1.0 and fail here.
 *   bench_selfcheck           prints "BENCH bench.selfcheck_equal <median> ~= 1 <min> <max> <n>"
 *   bench_selfcheck --check   the same, and exits 1 when 1.0 is outside [min, max] (CTest
 *                             bench_selfcheck, label unit: asserts no timing, only that)
 */
#include <string.h>
#include "bench.h"

#define WORDS 16384 /* 128 KiB: the workload stays in L2, so rounds are short and even */

static uint64_t data[WORDS];
static volatile uint64_t sink;

/* A fixed amount of work: a dependent chain of loads and adds over the data; the side's
 * time is the best of 5 passes, so a neighbour's burst of load rarely reaches the ratio and
 * the spread stays narrow enough that a biased harness (a ratio off by 10 %) falls out. */
static uint64_t workload(void *ctx)
{
	uint64_t best = UINT64_MAX;

	(void)ctx;
	for (int rep = 0; rep < 5; rep++) {
		uint64_t t0 = bench_ns(), acc = 0, t;

		for (size_t i = 0; i < WORDS; i++)
			acc = acc * 31 + data[(i * 7 + acc) & (WORDS - 1)];
		sink = acc;
		t = bench_ns() - t0;
		best = t < best ? t : best;
	}
	return best;
}

int main(int argc, char **argv)
{
	bool check = argc > 1 && !strcmp(argv[1], "--check");
	struct bench_summary s;

	bench_pin();
	for (size_t i = 0; i < WORDS; i++)
		data[i] = i * 0x9e3779b97f4a7c15ull;
	workload(NULL); /* warm up: both sides start from the same caches */
	s = bench_compare(workload, NULL, workload, NULL, bench_rounds(31), NULL);
	bench_print("bench.selfcheck_equal", s, "~=", 1.0, -1);
	if (check && !(s.min <= 1.0 && 1.0 <= s.max)) {
		fprintf(stderr, "bench_selfcheck: 1.0 is outside the spread [%.4f, %.4f]\n", s.min,
			s.max);
		return 1;
	}
	return 0;
}
