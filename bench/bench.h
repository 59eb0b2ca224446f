/* SPDX-License-Identifier: MIT */
/*
 * The benchmark harness shared by every bench program (header only): pin to one CPU, run a
 * comparison interleaved, summarise its ratios, print the BENCH line.
 *
 * A comparison times two sides, "ours" and a baseline, alternately: round k runs ours then
 * the baseline when k is even, the baseline then ours when k is odd, so neither side always
 * inherits the other's caches or the same moment of a neighbour's load. Each round gives one
 * ratio ours/baseline; the result is the median of the rounds' ratios with their spread
 * (minimum, maximum and the quartiles). A noisy machine widens the spread instead of moving
 * a single "best of" figure, and bench_report.py says "too wide to judge" when the goal lies
 * inside it. Line format (read by tools/bench_report.py):
 *     BENCH <key> <median> <op> <goal> <min> <max> <rounds> [<worst goal>]
 * op is <=, >= or ~= (the goal must lie within [min, max]: the harness self-check). The
 * worst goal, when given, is what the worst round must meet (default: the goal itself).
 * A key judged by its median alone (bench_print_median: the heap's _vs_best keys, as their
 * issue states them) ends with "iqr <q1> <q3>" instead: its spread is the interquartile
 * range, and it is too wide to judge when that range straddles the goal.
 * BENCH_ROUNDS in the environment overrides every program's round count (quick runs);
 * BENCH_TIMES prints every round's (bench_compare) or run's (bench_compare_paired) times
 * on stderr, in the sides' own units.
 */
#ifndef LIOS_BENCH_H
#define LIOS_BENCH_H

#include <sched.h> /* sched_getcpu, sched_setaffinity: -D_GNU_SOURCE (bench/CMakeLists.txt) */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_MAX_ROUNDS 256

struct bench_summary {
	double median, q1, q3, min, max; /* of the rounds' ratios */
	int rounds;
};

/* Monotonic nanoseconds. */
static inline uint64_t bench_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Pins the process to the CPU it runs on (when the system lets it), so the two sides of
 * every comparison run on the same core and caches. Prints what it did on stderr. */
static inline void bench_pin(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	CPU_ZERO(&set);
	if (cpu >= 0)
		CPU_SET(cpu, &set);
	if (cpu < 0 || sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "# bench: not pinned (runs on any CPU)\n");
	else
		fprintf(stderr, "# bench: pinned to CPU %d\n", cpu);
}

/* Rounds per comparison: 'dflt', or BENCH_ROUNDS from the environment (1..256). */
static inline int bench_rounds(int dflt)
{
	const char *e = getenv("BENCH_ROUNDS");
	int n = e ? atoi(e) : dflt;

	return n < 1 ? 1 : n > BENCH_MAX_ROUNDS ? BENCH_MAX_ROUNDS : n;
}

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Value at fraction f (0..1) of sorted v[0..n), interpolated between neighbours. */
static inline double bench_quantile(const double *v, int n, double f)
{
	double pos = f * (n - 1);
	int i = (int)pos;

	return i + 1 < n ? v[i] + (pos - i) * (v[i + 1] - v[i]) : v[n - 1];
}

/* Median, quartiles and extremes of n ratios (n >= 1; r is not changed). */
static inline struct bench_summary bench_summarise(const double *r, int n)
{
	double v[BENCH_MAX_ROUNDS];
	struct bench_summary s;

	if (n > BENCH_MAX_ROUNDS)
		n = BENCH_MAX_ROUNDS;
	memcpy(v, r, sizeof(*r) * (size_t)n);
	qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
	s.median = bench_quantile(v, n, 0.5);
	s.q1 = bench_quantile(v, n, 0.25);
	s.q3 = bench_quantile(v, n, 0.75);
	s.min = v[0];
	s.max = v[n - 1];
	s.rounds = n;
	return s;
}

/* The readable line of a summary, on stderr (the BENCH line is for the report tool). */
static inline void bench_comment(const char *key, struct bench_summary s)
{
	fprintf(stderr, "# %-36s median %.3f  [%.3f..%.3f] min..max %.3f..%.3f  (%d rounds)\n",
		key, s.median, s.q1, s.q3, s.min, s.max, s.rounds);
}

/* Prints the BENCH line of a summary (worst_goal < 0: none, the goal applies to the worst
 * round too) and a readable comment line on stderr. */
static inline void bench_print(const char *key, struct bench_summary s, const char *op,
			       double goal, double worst_goal)
{
	printf("BENCH %s %.4f %s %g %.4f %.4f %d", key, s.median, op, goal, s.min, s.max, s.rounds);
	if (worst_goal >= 0)
		printf(" %g", worst_goal);
	printf("\n");
	fflush(stdout);
	bench_comment(key, s);
}

/* Prints the BENCH line of a key judged by its median alone: met when the median meets the
 * goal, too wide to judge when the interquartile range straddles it (single rounds beyond
 * the quartiles do not decide), and the comment line on stderr. */
static inline void bench_print_median(const char *key, struct bench_summary s, const char *op,
				      double goal)
{
	printf("BENCH %s %.4f %s %g %.4f %.4f %d iqr %.4f %.4f\n", key, s.median, op, goal, s.min,
	       s.max, s.rounds, s.q1, s.q3);
	fflush(stdout);
	bench_comment(key, s);
}

/* Prints the BENCH line of a summary reported without a goal (information beside a key
 * that has one) and the readable comment line on stderr. */
static inline void bench_print_report(const char *key, struct bench_summary s)
{
	printf("BENCH %s %.4f report %.4f %.4f %d\n", key, s.median, s.min, s.max, s.rounds);
	fflush(stdout);
	bench_comment(key, s);
}

/* A single figure that is not a timing ratio (a count, a footprint): no spread. */
static inline void bench_print_value(const char *key, double v, const char *op, double goal)
{
	struct bench_summary s = { v, v, v, v, v, 1 };

	bench_print(key, s, op, goal, -1);
}

/* One side of a comparison: runs the workload once and returns its time in ns (it may do
 * untimed preparation around the timed part). */
typedef uint64_t (*bench_side_fn)(void *ctx);

/*
 * Runs ours and base interleaved for 'rounds' rounds (order alternating, see the top),
 * stores the rounds' ratios ours/base in ratios[0..rounds) when ratios is not NULL and
 * returns their summary. rounds <= BENCH_MAX_ROUNDS.
 */
static inline struct bench_summary bench_compare(bench_side_fn ours, void *ours_ctx,
						 bench_side_fn base, void *base_ctx, int rounds,
						 double *ratios)
{
	double r[BENCH_MAX_ROUNDS];

	if (rounds > BENCH_MAX_ROUNDS)
		rounds = BENCH_MAX_ROUNDS;
	for (int k = 0; k < rounds; k++) {
		uint64_t a, b;

		if (k & 1) {
			b = base(base_ctx);
			a = ours(ours_ctx);
		} else {
			a = ours(ours_ctx);
			b = base(base_ctx);
		}
		r[k] = (double)a / (double)(b ? b : 1);
		if (getenv("BENCH_TIMES"))
			fprintf(stderr, "# round %d: ours %.3f ms, base %.3f ms\n", k, a / 1e6, b / 1e6);
	}
	if (ratios)
		memcpy(ratios, r, sizeof(*r) * (size_t)rounds);
	return bench_summarise(r, rounds);
}

/*
 * Like bench_compare, but each round takes 'reps' single runs of each side, alternating
 * one by one (ours, base, base, ours, ...), and its ratio is the fastest run of ours over
 * the fastest run of base. For workloads of well under a millisecond: a disturbance that
 * lasts longer than one run (a neighbour's burst, a cache flushed by another process) then
 * lands on both sides of the round instead of on all the runs of one side.
 * rounds <= BENCH_MAX_ROUNDS, reps >= 1.
 */
static inline struct bench_summary bench_compare_paired(bench_side_fn ours, void *ours_ctx,
							bench_side_fn base, void *base_ctx,
							int rounds, int reps, double *ratios)
{
	double r[BENCH_MAX_ROUNDS];

	if (rounds > BENCH_MAX_ROUNDS)
		rounds = BENCH_MAX_ROUNDS;
	for (int k = 0; k < rounds; k++) {
		uint64_t a = UINT64_MAX, b = UINT64_MAX;

		for (int i = 0; i < reps; i++) {
			uint64_t x, y;

			if ((k + i) & 1) {
				y = base(base_ctx);
				x = ours(ours_ctx);
			} else {
				x = ours(ours_ctx);
				y = base(base_ctx);
			}
			a = x < a ? x : a;
			b = y < b ? y : b;
			if (getenv("BENCH_TIMES"))
				fprintf(stderr, "# round %d run %d: ours %llu, base %llu\n", k, i,
					(unsigned long long)x, (unsigned long long)y);
		}
		r[k] = (double)a / (double)(b ? b : 1);
	}
	if (ratios)
		memcpy(ratios, r, sizeof(*r) * (size_t)rounds);
	return bench_summarise(r, rounds);
}

#endif
