// SPDX-License-Identifier: MIT
/*
 * Frame allocator benchmarks (src/mm/pmm.c built -O2 without sanitizers, on the simulated
 * physical memory of src/arch/host/phys_host.c). Each machine size is filled to 90 %
 * occupancy with runs of random length, then every run on average is freed and replaced by
 * one of another length so free memory is scattered (about 77 % stays in use); then
 * single-frame alloc+free pairs and 2 MiB run pairs are timed.
 * Every result is a ratio within this process tree (see ../CMakeLists.txt for the BENCH
 * format). The pmm is one global instance, so each machine lives in a child process of its
 * own, built once, and the parent has the machines time one short repetition each in turn
 * (the order reversed every other turn, each machine's fastest of REPS counting in a
 * round, a round's repetitions spread over the whole run): on this VM the pair's time moves between about 14 and 25 ns in spells of tens of
 * milliseconds, alike on every machine, and a whole machine build (the old way: each
 * round built every machine twice) spans such spells, so its rounds read 0.60-1.63 where
 * the machines' code paths are the same. The harness (bench.h) reports the median and
 * spread over the rounds.
 */
#include <lios/pmm.h>
#include "internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bench.h"
#include "prng.h"

#define PAIRS 10000 /* per repetition */
#define RUN_PAIRS 1000
#define REPS 32 /* per round and machine, the fastest counting */
#define ROUNDS 21

struct run {
	paddr_t pa;
	size_t count;
};

#define RNG_SEED 88172645463325252ull
static uint64_t rng = RNG_SEED;

static uint64_t rnd(void) { return prng_next(&rng); }

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A machine with 'ram' bytes: the first 2 GiB minus 1 MiB, the rest from 4 GiB up. */
static void machine(uint64_t ram)
{
	MEMMAP_STATIC(map, MEMMAP_STATIC_RANGES);

	map.n = 1;
	map.r[0].start = MiB(1);
	map.r[0].end = ram > GiB(2) ? GiB(2) : ram;
	if (ram > GiB(2)) {
		map.r[1].start = GiB(4);
		map.r[1].end = GiB(4) + ram - GiB(2);
		map.n = 2;
	}
	if (pmm_init(&map) != 0) {
		fprintf(stderr, "bench_pmm: pmm_init failed\n");
		exit(1);
	}
}

/* Fills to 90 % with random runs, then churns. Returns the runs (caller frees). */
static struct run *fill(size_t *nruns)
{
	struct pmm_stats st;
	struct run *runs;
	size_t n = 0, cap;

	pmm_get_stats(&st);
	cap = st.total_frames / 8 + 16;
	runs = malloc(cap * sizeof(*runs));
	for (;;) {
		size_t count = 1 + rnd() % 16;
		paddr_t pa;

		pmm_get_stats(&st);
		if (st.free_frames < st.total_frames / 10 + count || n == cap)
			break;
		pa = pmm_alloc(count, 0, PMM_LIMIT_NONE);
		if (!pa)
			break;
		runs[n++] = (struct run){ pa, count };
	}
	for (size_t i = 0; i < n; i++) { /* churn: free a random run, take one of a new length */
		size_t k = rnd() % n, count = 1 + rnd() % 16;

		pmm_free(runs[k].pa, runs[k].count);
		runs[k].pa = pmm_alloc(count, 0, PMM_LIMIT_NONE);
		runs[k].count = runs[k].pa ? count : 0;
		if (!runs[k].pa)
			runs[k] = runs[--n];
	}
	*nruns = n;
	return runs;
}

/* Seconds per alloc+free pair of 'count' frames over 'pairs' pairs. */
static double time_pairs(size_t count, int pairs)
{
	double t0 = now();

	for (int i = 0; i < pairs; i++) {
		paddr_t pa = pmm_alloc(count, 0, PMM_LIMIT_NONE);

		if (!pa || pmm_free(pa, count) != 0) {
			fprintf(stderr, "bench_pmm: allocation of %zu frames failed (pa 0x%llx)\n",
				count, (unsigned long long)pa);
			exit(1);
		}
	}
	return (now() - t0) / pairs;
}

/* The machines, one child process each (the pmm is one global instance, so one process
 * cannot hold two). */
enum { M_64M, M_4G, M_64G, M_4G_RUNS, NMACHINES };

static const char *const machine_name[NMACHINES] = { "64 MiB", "4 GiB", "64 GiB",
						     "4 GiB, 2 MiB runs" };

struct visitor {
	pid_t pid;
	int cmd, res; /* pipe ends: commands to the child, its figures back */
};

static void put(int fd, double v)
{
	if (write(fd, &v, sizeof(v)) != sizeof(v)) {
		perror("bench_pmm: write to a pipe");
		exit(1);
	}
}

static double get(int fd)
{
	double v;

	if (read(fd, &v, sizeof(v)) != sizeof(v)) {
		fprintf(stderr, "bench_pmm: a machine's process ended early\n");
		exit(1);
	}
	return v;
}

/* The child's side: builds machine m (filled to 90 %, churned), reports its bookkeeping bits
 * per frame, then times one repetition of its pair per command until the pipe closes. */
static void serve(int m, int cmd, int res)
{
	uint64_t ram = m == M_64M ? MiB(64) : m == M_64G ? GiB(64) : GiB(4);
	struct pmm_stats st;
	struct run *runs;
	size_t n;
	char c;

	rng = RNG_SEED; /* every machine fills the same way */
	machine(ram);
	runs = fill(&n);
	if (m == M_4G_RUNS) {
		/* Churn at 90 % leaves no aligned 2 MiB hole (a buddy allocator does not compact):
		 * free random runs until one appears, then time run pairs. */
		while (pmm_largest_free_order() < 9 && n > 0) {
			size_t k = rnd() % n;

			pmm_free(runs[k].pa, runs[k].count);
			runs[k] = runs[--n];
		}
	}
	pmm_get_stats(&st);
	fprintf(stderr, "# %s: %llu frames, %.1f%% in use\n", machine_name[m],
		(unsigned long long)st.total_frames,
		100.0 - 100.0 * (double)st.free_frames / (double)st.total_frames);
	put(res, (double)st.metadata_bytes * 8 / (double)st.total_frames);
	while (read(cmd, &c, 1) == 1)
		put(res, m == M_4G_RUNS ? time_pairs(512, RUN_PAIRS) : time_pairs(1, PAIRS));
	free(runs);
	exit(0);
}

static struct visitor visitors[NMACHINES];

/* Starts machine m's process; machines 0..m-1 are running. */
static struct visitor start(int m)
{
	int cmd[2], res[2];
	struct visitor v;

	if (pipe(cmd) || pipe(res)) {
		perror("bench_pmm: pipe");
		exit(1);
	}
	fflush(NULL);
	v.pid = fork();
	if (v.pid < 0) {
		perror("bench_pmm: fork");
		exit(1);
	}
	if (v.pid == 0) {
		for (int i = 0; i < m; i++) { /* so that each child sees its own pipe close */
			close(visitors[i].cmd);
			close(visitors[i].res);
		}
		close(cmd[1]);
		close(res[0]);
		serve(m, cmd[0], res[1]);
	}
	close(cmd[0]);
	close(res[1]);
	v.cmd = cmd[1];
	v.res = res[0];
	return v;
}

int main(void)
{
	double r4[BENCH_MAX_ROUNDS], r64[BENCH_MAX_ROUNDS], r9[BENCH_MAX_ROUNDS], bits = 0;
	static double t[BENCH_MAX_ROUNDS][NMACHINES]; /* each round's fastest, per machine */
	int rounds = bench_rounds(ROUNDS);
	struct visitor *v = visitors;

	bench_pin(); /* the children inherit the CPU */
	for (int m = 0; m < NMACHINES; m++) {
		v[m] = start(m);
		double b = get(v[m].res); /* built: one at a time, so they do not share the CPU */

		if (m == M_64G)
			bits = b;
	}
	/* Each round: REPS visits of every machine, each machine's fastest repetition
	 * counting; a visit runs the machines in turn, the order reversed every other time.
	 * The machines take turns at about a millisecond, so a slow spell of the VM (its pair
	 * time moves between about 14 and 25 ns for tens of milliseconds at a time, on every
	 * machine alike) lands on all of them. And the rounds take their visits in turn (the
	 * first visit of every round, then the second, ...), so each round's REPS visits are
	 * spread over the whole run: a spell in which one machine's process alone runs slow
	 * (single rounds of 0.6 or 1.5 where the rest read 0.99, most often right after
	 * bench_heap, when each round's visits followed each other) costs every round a few
	 * visits instead of costing one round all of them. */
	for (int k = 0; k < rounds; k++)
		for (int m = 0; m < NMACHINES; m++)
			t[k][m] = 1e9;
	for (int rep = 0; rep < REPS; rep++) {
		for (int k = 0; k < rounds; k++) {
			for (int i = 0; i < NMACHINES; i++) {
				int m = (k + rep) & 1 ? NMACHINES - 1 - i : i;
				char c = 'p';
				double x;

				if (write(v[m].cmd, &c, 1) != 1) {
					perror("bench_pmm: write to a pipe");
					exit(1);
				}
				x = get(v[m].res); /* not inside MIN(), which reads its arguments twice */
				t[k][m] = MIN(t[k][m], x);
			}
		}
	}
	for (int m = 0; m < NMACHINES; m++)
		fprintf(stderr, "# %s: %.1f ns per %s pair\n", machine_name[m], t[0][m] * 1e9,
			m == M_4G_RUNS ? "2 MiB run" : "single-frame");
	for (int k = 0; k < rounds; k++) {
		r4[k] = t[k][M_4G] / t[k][M_64M];
		r64[k] = t[k][M_64G] / t[k][M_64M];
		r9[k] = t[k][M_4G_RUNS] / t[k][M_4G];
	}
	for (int m = 0; m < NMACHINES; m++) {
		int status;

		close(v[m].cmd);
		if (waitpid(v[m].pid, &status, 0) != v[m].pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "bench_pmm: the %s machine's process failed\n",
				machine_name[m]);
			return 1;
		}
	}
	bench_print("pmm.pair_4g_over_64m", bench_summarise(r4, rounds), "<=", 1.2, -1);
	bench_print("pmm.pair_64g_over_64m", bench_summarise(r64, rounds), "<=", 1.3, -1);
	bench_print("pmm.order9_over_order0", bench_summarise(r9, rounds), "<=", 5, -1);
	bench_print_value("pmm.metadata_bits_per_frame", bits, "<=", 16);
	return 0;
}
