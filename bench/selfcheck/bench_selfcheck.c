// SPDX-License-Identifier: MIT
/*
 * The harness checks itself (bench/bench.h): two sides running the very same workload must
 * compare as 1.0 within the spread the harness reports. A harness that favoured one side
 * (always first after the other's cache warm-up, a timer read on one side only, a ratio
 * turned upside down) would push every round's ratio to one side of 1.0 and fail here.
 *   bench_selfcheck           prints "BENCH bench.selfcheck_equal <median> ~= 1 <min> <max> <n>"
 *   bench_selfcheck --check   the same, and exits 1 when 1.0 is outside [min, max] (CTest
 *                             bench_selfcheck, label unit: asserts no timing, only that),
 *                             or when a round with steal time is not run again (made-up
 *                             times and steal)
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

/* Rounds run again when the hypervisor took the CPU (bench_compare, bench_steal): sides of
 * made-up times, ours 10x slow in the rounds a made-up steal source marks. */
static int fake_calls, stolen_from, stolen_to; /* steal reads [from, to) see it grow */
static bool stolen_now;

static long long fake_steal(void)
{
	int n = fake_calls++;

	stolen_now = n >= stolen_from && n < stolen_to;
	return n >= stolen_from ? (n < stolen_to ? n : stolen_to) : 0;
}

static uint64_t fake_side(void *ctx) { return ctx && stolen_now ? 1000 : 100; }

/* A round whose steal reads differ is run again; true when every kept ratio is 1.0. */
static bool check_redo(int from, int to)
{
	double r[BENCH_MAX_ROUNDS];
	int ours = 1;

	fake_calls = 0;
	stolen_from = from;
	stolen_to = to;
	bench_compare(fake_side, &ours, fake_side, NULL, 9, r);
	for (int k = 0; k < 9; k++)
		if (r[k] != 1.0)
			return false;
	return true;
}

static int check_steal(void)
{
	long long (*real)(void) = bench_steal;
	bool ok;

	bench_steal = fake_steal;
	/* reads 2-5 grow: the rounds that span them are run again, every ratio kept is 1.0 */
	ok = check_redo(2, 6);
	/* steal that never stops: at most 9 rounds again, then kept (the loop ends) */
	fake_calls = 0;
	stolen_from = 0;
	stolen_to = 1 << 30;
	bench_compare(fake_side, NULL, fake_side, NULL, 9, NULL);
	ok = ok && fake_calls == 2 * (9 + 9);
	bench_steal = real;
	if (!ok)
		fprintf(stderr, "bench_selfcheck: rounds with steal time are not run again\n");
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	bool check = argc > 1 && !strcmp(argv[1], "--check");
	struct bench_summary s;

	bench_pin();
	if (check && check_steal())
		return 1;
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
