// SPDX-License-Identifier: MIT
/*
 * Heap benchmark: the LiOS heap (src/mm/heap*.c on vmalloc, the real pmm and the host
 * paging window) against the allocators people pick: glibc's malloc, jemalloc, mimalloc and
 * tcmalloc (Debian's libraries), on the same workloads in the same process:
 *  - trace: a mixed trace of 2,000,000 alloc/free events, sizes 16 B-64 KiB (70% up to
 *    256 B, 25% up to 4 KiB, 5% up to 64 KiB, log-uniform within each band), lifetimes
 *    varied by freeing either one of the newest blocks (short-lived) or a random live one
 *    (long-lived), up to 20,000 live; each block gets its first and last bytes written;
 *  - pair64: a 64-byte alloc+free pair in a loop (runs of 200,000 pairs, alternating run by
 *    run, each side's best of 5 per round: bench_compare_paired);
 *  - kernel_trace: the kernel's own heap calls, recorded during a boot and a shell session
 *    (kernel_trace.txt, read by kernel_trace.c): the boot once, then the session repeated,
 *    1,000,000 events.
 * How the peers are loaded: bench_heap (the driver) runs a copy of itself per allocator,
 * with LD_PRELOAD=<the library> for jemalloc, mimalloc and tcmalloc and nothing for glibc,
 * so "malloc" in the copy is that allocator for everything, as when a user preloads it. In
 * each copy the heap and malloc replay the same events interleaved (bench.h: round k runs
 * heap then malloc, or malloc then heap), each keeping what it learnt from earlier rounds
 * (malloc its arenas, the heap its cached spans), and the copy prints the rounds' ratios.
 * The driver prints heap.<workload>_vs_<allocator> for each (reported, no goal) and
 * heap.<workload>_vs_best against the allocator the heap fares worst against (the highest
 * median ratio), which carries the goal.
 * Also heap.footprint_vs_live: the heap's peak vmalloc footprint / the trace's peak live
 * bytes. On the host, every vmalloc/vfree of the heap costs an mprotect (the stand-in of a
 * page table update): their number is printed with the trace result.
 * Each allocator gets procs_of[workload] children per workload, one after another in turn
 * with the other allocators, their rounds pooled into one median and spread: within one
 * process the rounds agree, but the medians of separate processes of the same binary differ
 * (the 64-byte pair 0.87-1.02 of tcmalloc over eight processes in a row), so one process per
 * allocator made whole runs of ./lios bench disagree, and five still left the quartiles of
 * the pair and the kernel trace, which sit next to their goal, to how many of the five
 * landed in a slow state: those two cost well under a second a process and get 15.
 * Args: a workload name (trace, pair64, kernel_trace) runs that one only; BENCH_PEERS=
 * "glibc mimalloc" limits the allocators; BENCH_ROUNDS sets the rounds (bench.h),
 * BENCH_HEAP_PROCS the processes (for every workload).
 */
#include <lios/heap.h>
#include <string.h>
#include "bench.h"
#include "bench_mm.h"
#include "kernel_trace.h"
#include <sys/wait.h>
#include <unistd.h>

#define TRACE_EVENTS 2000000
#define TRACE_LIVE TRACE_MAX_SLOTS
#define KTRACE_EVENTS 1000000
#define PAIR_ROUNDS 200000 /* pairs per run */
#define PAIR_REPS 5      /* runs of each side per round, alternating (bench_compare_paired) */
#define ROUNDS 11
/* child processes per allocator for trace, pair64, kernel_trace: their rounds pooled */
static const int procs_of[] = { 5, 15, 15 };
#define LIBDIR "/usr/lib/x86_64-linux-gnu/"

static struct trace_event *trace;
static void *slots[TRACE_MAX_SLOTS];
static uint64_t trace_peak_live;

static uint32_t trace_size(uint64_t *rng)
{
	uint64_t r = prng_next(rng) % 100;
	unsigned lo = r < 70 ? 4 : r < 95 ? 8 : 12, hi = r < 70 ? 8 : r < 95 ? 12 : 16;
	double e = lo + (double)(prng_next(rng) % 10000) / 10000.0 * (hi - lo);
	uint32_t n = (uint32_t)__builtin_exp2(e);

	return n < 16 ? 16 : n;
}

static void trace_build(void)
{
	static uint32_t live[TRACE_LIVE], freeslot[TRACE_LIVE], sizes[TRACE_LIVE];
	uint64_t rng = 0x5eed, cur = 0;
	size_t nlive = 0, nfree = TRACE_LIVE;

	trace = malloc(sizeof(*trace) * TRACE_EVENTS);
	for (uint32_t i = 0; i < TRACE_LIVE; i++)
		freeslot[i] = TRACE_LIVE - 1 - i;
	for (size_t e = 0; e < TRACE_EVENTS; e++) {
		uint64_t r = prng_next(&rng);
		/* Fill up to ~3/4 of the slots, then hover around there. */
		bool alloc = nfree && (nlive < TRACE_LIVE / 2 || (r & 0xff) < 128 + (nlive < TRACE_LIVE * 3 / 4 ? 8 : -8));

		if (alloc) {
			uint32_t s = freeslot[--nfree];

			sizes[s] = trace_size(&rng);
			trace[e] = (struct trace_event){ s, sizes[s] };
			live[nlive++] = s;
			cur += sizes[s];
			if (cur > trace_peak_live)
				trace_peak_live = cur;
		} else {
			/* 60%: one of the 8 newest blocks; else any live block. */
			size_t k = (r >> 8) % 10 < 6 ? nlive - 1 - (r >> 16) % MIN(nlive, 8) :
				   (size_t)((r >> 16) % nlive);
			uint32_t s = live[k];

			live[k] = live[--nlive];
			trace[e] = (struct trace_event){ s, 0 };
			freeslot[nfree++] = s;
			cur -= sizes[s];
		}
	}
}

/* A workload for one allocator: a trace to replay (events, n) or, with n == 0, the pair. */
struct side {
	const struct trace_event *ev;
	size_t n;
	void *(*alloc)(size_t);
	void (*release)(void *);
};

/* Replays the trace (timed), then frees what it left live (not timed). */
static uint64_t side_replay(void *ctx)
{
	static bool live_at_end[TRACE_MAX_SLOTS];
	const struct side *sd = ctx;
	uint64_t t0 = bench_ns(), t;

	for (size_t e = 0; e < sd->n; e++) {
		const struct trace_event *ev = &sd->ev[e];

		if (ev->size) {
			char *p = sd->alloc(ev->size);

			p[0] = 1;
			p[ev->size - 1] = 2;
			slots[ev->slot] = p;
		} else {
			sd->release(slots[ev->slot]);
		}
	}
	t = bench_ns() - t0;
	memset(live_at_end, 0, sizeof(live_at_end));
	for (size_t e = 0; e < sd->n; e++)
		live_at_end[sd->ev[e].slot] = sd->ev[e].size != 0;
	for (size_t i = 0; i < TRACE_MAX_SLOTS; i++) {
		if (live_at_end[i])
			sd->release(slots[i]);
		slots[i] = NULL;
	}
	return t;
}

static void *volatile sink;

static uint64_t side_pair64(void *ctx)
{
	const struct side *sd = ctx;
	uint64_t t0 = bench_ns();

	for (int i = 0; i < PAIR_ROUNDS; i++) {
		sink = sd->alloc(64);
		sd->release(sink);
	}
	return bench_ns() - t0;
}

static void heap_fresh(void)
{
	bench_mm_setup();
	if (heap_init()) {
		fprintf(stderr, "bench_heap: heap_init failed\n");
		exit(1);
	}
}

/* The child: runs one workload against this process's malloc; prints "RATIOS <workload>
 * r1 r2 ...". */
static void child_run(const char *peer, const char *what, int rounds)
{
	struct side ours = { NULL, 0, heap_alloc, heap_free }, base = { NULL, 0, malloc, free };
	double r[BENCH_MAX_ROUNDS];
	struct heap_stats st;
	uint64_t peak_live = 0;
	bench_side_fn fn = side_replay;

	if (!strcmp(what, "trace")) {
		trace_build();
		ours.ev = base.ev = trace;
		ours.n = base.n = TRACE_EVENTS;
		peak_live = trace_peak_live;
	} else if (!strcmp(what, "kernel_trace")) {
		ours.ev = base.ev = kernel_trace_build(KTRACE_EVENTS, &ours.n, &peak_live);
		base.n = ours.n;
	} else {
		fn = side_pair64;
	}
	heap_fresh();
	/* One untimed run of each side first: round 0 was every workload's outlier (the heap's
	 * first trace replay maps its working set, ~6,000 mprotects; trace 2.0-2.1 against
	 * glibc where the other rounds give 0.5-0.7; pair64 1.41 against 1.05-1.09). */
	fn(&ours);
	fn(&base);
	if (fn == side_pair64) { /* ~2 ms per run: alternate run by run, keep each side's best */
		bench_compare_paired(fn, &ours, fn, &base, rounds, PAIR_REPS, r);
	} else {
		bench_compare(fn, &ours, fn, &base, rounds, r);
	}
	heap_get_stats(&st);
	printf("RATIOS %s", what);
	for (int k = 0; k < rounds; k++)
		printf(" %.5f", r[k]);
	printf("\n");
	if (!strcmp(what, "trace") && !strcmp(peer, "glibc")) {
		fprintf(stderr, "# trace: %d events, peak live %.1f MiB; heap peak from vmalloc "
			"%.1f MiB in %llu vmalloc calls, %llu map/unmap calls (mprotect) over %d "
			"rounds and the warm-up run\n", TRACE_EVENTS, trace_peak_live / 1048576.0,
			st.vmalloc_peak / 1048576.0, (unsigned long long)st.vmalloc_calls,
			(unsigned long long)host_paging_calls(), rounds);
		printf("FOOTPRINT %.5f\n", (double)st.vmalloc_peak / (double)peak_live);
	}
	fflush(stdout);
}

struct peer {
	const char *name;
	const char *lib; /* LD_PRELOAD, NULL: glibc */
};

static const struct peer peers[] = {
	{ "glibc", NULL },
	{ "jemalloc", LIBDIR "libjemalloc.so.2" },
	{ "mimalloc", LIBDIR "libmimalloc.so.2" },
	{ "tcmalloc", LIBDIR "libtcmalloc_minimal.so.4" },
};

/* Runs this program again as the child for (peer, workload); reads at most cap of its
 * ratios into r. Returns the number of rounds read (0: the child failed). Forwards other
 * lines. */
static int run_child(const char *self, const struct peer *p, const char *what, double *r,
		     int cap, double *footprint)
{
	int fd[2], n = 0, status;
	char line[8192];
	pid_t pid;
	FILE *f;

	if (pipe(fd))
		return 0;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		setenv("BENCH_HEAP_CHILD", p->name, 1);
		if (p->lib)
			setenv("LD_PRELOAD", p->lib, 1);
		execl(self, self, what, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	f = fdopen(fd[0], "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "RATIOS ", 7)) {
			char *s = line + 7 + strlen(what), *end;

			while (n < cap) {
				double v = strtod(s, &end);

				if (end == s)
					break;
				r[n++] = v;
				s = end;
			}
		} else if (!strncmp(line, "FOOTPRINT ", 10)) {
			*footprint = strtod(line + 10, NULL);
		} else {
			fputs(line, stdout);
		}
	}
	if (f)
		fclose(f);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? n : 0;
}

/* The driver: every workload against every allocator found, then the _vs_best keys. */
static void driver(const char *self, const char *only)
{
	static const char *const what[] = { "trace", "pair64", "kernel_trace" };
	const char *want = getenv("BENCH_PEERS"), *procs_env = getenv("BENCH_HEAP_PROCS");
	double footprint = -1;

	static_assert(ARRAY_SIZE(procs_of) == ARRAY_SIZE(what), "a process count per workload");
	for (size_t w = 0; w < ARRAY_SIZE(what); w++) {
		int procs = MAX(procs_env ? atoi(procs_env) : procs_of[w], 1);
		static double r[ARRAY_SIZE(peers)][BENCH_MAX_ROUNDS];
		int n[ARRAY_SIZE(peers)] = { 0 };
		bool use[ARRAY_SIZE(peers)];
		struct bench_summary best = { 0 };
		const char *best_name = NULL;
		char key[96];

		if (only && strcmp(only, what[w]))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(peers); i++) {
			const struct peer *p = &peers[i];

			bool wanted = !want || strstr(want, p->name);

			use[i] = wanted && (!p->lib || !access(p->lib, R_OK));
			if (!use[i])
				fprintf(stderr, "# %s: %s not measured (%s)\n", what[w], p->name,
					wanted ? "library not installed" : "BENCH_PEERS");
		}
		/* process by process, each allocator in turn, so that a slow spell of the machine
		 * or one process's unlucky layout lands on one of several runs of each */
		for (int k = 0; k < procs; k++) {
			for (size_t i = 0; i < ARRAY_SIZE(peers); i++) {
				int got;

				if (!use[i] || n[i] == BENCH_MAX_ROUNDS)
					continue;
				got = run_child(self, &peers[i], what[w], r[i] + n[i],
						BENCH_MAX_ROUNDS - n[i], &footprint);
				if (!got) {
					fprintf(stderr, "# %s: the run with %s failed\n", what[w],
						peers[i].name);
					use[i] = false;
				}
				n[i] += got;
			}
		}
		for (size_t i = 0; i < ARRAY_SIZE(peers); i++) {
			const struct peer *p = &peers[i];
			struct bench_summary s;

			if (!use[i] || !n[i])
				continue;
			s = bench_summarise(r[i], n[i]);
			/* each allocator's ratio is information; the goal is against the best */
			snprintf(key, sizeof(key), "heap.%s_vs_%s", what[w], p->name);
			bench_print_report(key, s);
			if (!best_name || s.median > best.median) {
				best = s;
				best_name = p->name;
			}
		}
		if (best_name) {
			fprintf(stderr, "# %s: the fastest allocator against the heap: %s\n", what[w],
				best_name);
			snprintf(key, sizeof(key), "heap.%s_vs_best", what[w]);
			bench_print_median(key, best, "<=", 1.0);
		}
	}
	if (footprint >= 0)
		bench_print_value("heap.footprint_vs_live", footprint, "<=", 1.25);
}

int main(int argc, char **argv)
{
	const char *child = getenv("BENCH_HEAP_CHILD");
	const char *only = argc > 1 ? argv[1] : NULL;

	if (child) {
		child_run(child, only ? only : "trace", bench_rounds(ROUNDS));
		return 0;
	}
	bench_pin(); /* the children inherit the CPU */
	driver("/proc/self/exe", only);
	return 0;
}
