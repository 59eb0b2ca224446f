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
 * median ratio), which carries the goal. One more peer is reported and never the best:
 * tcmalloc_checked, tcmalloc given checks of the heap's kind by a wrapper (checked_alloc),
 * the like-for-like comparison for a heap that keeps its misuse checks on.
 * Also heap.footprint_vs_live: the heap's peak vmalloc footprint / the trace's peak live
 * bytes. On the host, every vmalloc/vfree of the heap costs an mprotect (the stand-in of a
 * page table update): their number is printed with the trace result.
 * Each allocator gets procs_of[workload] children per workload, one after another in turn
 * with the other allocators, their rounds pooled into one median and spread: within one
 * process the rounds agree, but the medians of separate processes of the same binary differ
 * (the 64-byte pair 0.87-1.02 of tcmalloc over eight processes in a row), so one process per
 * allocator made whole runs of ./lios bench disagree, and five still left the quartiles of
 * the pair and the kernel trace, which sit next to their goal, to how many of the five
 * landed in a slow state: those two cost well under a second a process and get 15. The
 * processes also spread over 16 copies of the timed loop at different code addresses (see
 * LOOP_COPIES), because where the loop lies moved the kernel trace's and the pair's ratios
 * by more than their margins.
 * Args: a workload name (trace, pair64, kernel_trace) runs that one only; BENCH_PEERS=
 * "glibc mimalloc" limits the allocators; BENCH_ROUNDS sets the rounds (bench.h),
 * BENCH_HEAP_PROCS the processes (for every workload); --check-loops checks the loops'
 * copies (CTest bench_heap.loops).
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

/*
 * The timed loops, each in LOOP_COPIES copies at different code addresses: 256-byte
 * aligned, copy k entered 16 * k bytes in (patchable_function_entry pads before the entry).
 * Where the loop lies moves both sides' times, through the core's instruction fetch and
 * prediction, by more than the comparisons look for: with one loop, the same heap took
 * 0.93-1.06 of mimalloc's time on the kernel trace depending only on where the link put
 * the loop, one placement made mimalloc's side 70 % slower, and a test build that did less
 * work per call measured 8 % slower at its placement and 9 % faster averaged over these
 * (bench/heap/README.md, round 16): every edit anywhere in the program redrew the verdicts
 * near 1.0. So each process runs one copy, both sides alike, from its warm-up on (one copy
 * a round instead, the loop changing between rounds, made tcmalloc's pair 20 % faster than
 * any steady placement does): process k of the driver takes copy loop_for_proc(k), so the
 * pooled rounds span the placements; a lone process (bench_ab.py) takes one by its pid.
 */
#define LOOP_COPIES 16
#define LOOP_ATTR(K)                                                                           \
	__attribute__((noinline, aligned(256), patchable_function_entry(16 * (K), 16 * (K))))
#define REPLAY_LOOP(K)                                                                         \
	LOOP_ATTR(K) static void replay_loop_##K(const struct side *sd)                        \
	{                                                                                      \
		for (size_t e = 0; e < sd->n; e++) {                                           \
			const struct trace_event *ev = &sd->ev[e];                             \
                                                                                               \
			if (ev->size) {                                                        \
				char *p = sd->alloc(ev->size);                                 \
                                                                                               \
				p[0] = 1;                                                      \
				p[ev->size - 1] = 2;                                           \
				slots[ev->slot] = p;                                           \
			} else {                                                               \
				sd->release(slots[ev->slot]);                                  \
			}                                                                      \
		}                                                                              \
	}
#define PAIR_LOOP(K)                                                                           \
	LOOP_ATTR(K) static void pair_loop_##K(const struct side *sd)                          \
	{                                                                                      \
		for (int i = 0; i < PAIR_ROUNDS; i++) {                                        \
			sink = sd->alloc(64);                                                  \
			sd->release(sink);                                                     \
		}                                                                              \
	}
#define LOOPS(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12) M(13) M(14) M(15)
#define LOOP_FNS(name)                                                                         \
	name##0, name##1, name##2, name##3, name##4, name##5, name##6, name##7, name##8, name##9, \
		name##10, name##11, name##12, name##13, name##14, name##15

typedef void (*loop_fn)(const struct side *sd);
static void *volatile sink;
LOOPS(REPLAY_LOOP)
LOOPS(PAIR_LOOP)
static const loop_fn replay_loops[LOOP_COPIES] = { LOOP_FNS(replay_loop_) };
static const loop_fn pair_loops[LOOP_COPIES] = { LOOP_FNS(pair_loop_) };
static unsigned loop_copy; /* this process's copy */

/* The copy of the driver's process k: steps of 5, so that 15 processes take 15 copies and
 * the mixed trace's 5 take all four offsets in a 64-byte line. */
static unsigned loop_for_proc(unsigned k)
{
	return k * 5 % LOOP_COPIES;
}

/* Replays the trace (timed), then frees what it left live (not timed). */
static uint64_t side_replay(void *ctx)
{
	static bool live_at_end[TRACE_MAX_SLOTS];
	const struct side *sd = ctx;
	uint64_t t0 = bench_ns(), t;

	replay_loops[loop_copy](sd);
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

static uint64_t side_pair64(void *ctx)
{
	uint64_t t0 = bench_ns();

	pair_loops[loop_copy](ctx);
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

/*
 * The checks a user would add around malloc to get the heap's (the tcmalloc_checked peer):
 * a 16-byte header before the block (the requested size, a live or freed mark) and the
 * heap's 8-byte red zone right after the requested bytes. Free refuses a block whose mark
 * is not live (a double free, a pointer malloc never gave) and one whose red zone changed
 * (an overrun), then marks it freed: the heap's red-zone, double-free and foreign-pointer
 * checks, at the cost of the header's line (which free writes anyway: tcmalloc's free list
 * link) and the red zone's. The heap's write-after-free check (its free record, checked when
 * the object is handed out again) has no counterpart here. A refusal aborts the run.
 */
#define CHECKED_LIVE 0x4556494c4b434548ull  /* "HECKLIVE" */
#define CHECKED_FREED 0x4545524644454548ull /* "HEDFREEE" */
#define CHECKED_CANARY 0xcbcbcbcbcbcbcbcbull /* the heap's canary byte (heap_internal.h) */

static void *checked_alloc(size_t n)
{
	uint64_t *h = malloc(n + 16 + sizeof(uint64_t)), z = CHECKED_CANARY;

	if (!h)
		return NULL;
	h[0] = n;
	h[1] = CHECKED_LIVE;
	memcpy((char *)(h + 2) + n, &z, sizeof(z));
	return h + 2;
}

/* Why checked_free refuses p (a static string), or NULL when p is a live, intact block. */
static const char *checked_verdict(const void *p)
{
	const uint64_t *h = (const uint64_t *)p - 2;
	uint64_t z;

	if (h[1] != CHECKED_LIVE)
		return "not a live block";
	memcpy(&z, (const char *)p + h[0], sizeof(z));
	return z == CHECKED_CANARY ? NULL : "red zone overwritten";
}

static void checked_free(void *p)
{
	const char *why;

	if (!p)
		return;
	why = checked_verdict(p);
	if (why) {
		fprintf(stderr, "bench_heap: checked_free(%p): %s\n", p, why);
		abort();
	}
	((uint64_t *)p)[-1] = CHECKED_FREED;
	free((uint64_t *)p - 2);
}

/* The child: runs one workload against this process's malloc; prints "RATIOS <workload>
 * r1 r2 ...". */
static void child_run(const char *peer, const char *what, int rounds)
{
	bool checked = strstr(peer, "_checked") != NULL;
	struct side ours = { NULL, 0, heap_alloc, heap_free },
		    base = { NULL, 0, checked ? checked_alloc : malloc, checked ? checked_free : free };
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
	loop_copy = getenv("BENCH_HEAP_PROC") ? loop_for_proc((unsigned)atoi(getenv("BENCH_HEAP_PROC")))
					      : (unsigned)getpid() % LOOP_COPIES;
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
	bool checked;    /* malloc behind checked_alloc / checked_free; never the best */
};

static const struct peer peers[] = {
	{ "glibc", NULL, false },
	{ "jemalloc", LIBDIR "libjemalloc.so.2", false },
	{ "mimalloc", LIBDIR "libmimalloc.so.2", false },
	{ "tcmalloc", LIBDIR "libtcmalloc_minimal.so.4", false },
	{ "tcmalloc_checked", LIBDIR "libtcmalloc_minimal.so.4", true },
};

/* Runs this program again as the child for (peer, workload), the proc'th of its processes;
 * reads at most cap of its ratios into r. Returns the number of rounds read (0: the child
 * failed). Forwards other lines. */
static int run_child(const char *self, const struct peer *p, const char *what, int proc,
		     double *r, int cap, double *footprint)
{
	int fd[2], n = 0, status;
	char line[8192], index[16];
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
		snprintf(index, sizeof(index), "%d", proc);
		setenv("BENCH_HEAP_PROC", index, 1);
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
				got = run_child(self, &peers[i], what[w], k, r[i] + n[i],
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
			if (p->checked) /* a peer with checks added: never the best */
				continue;
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

/* The recording allocator of check_loops: each call folded into check_sum, blocks from a
 * static buffer (the loop writes their first and last byte). */
static uint64_t check_sum;
static char check_buf[64 * 64];
static unsigned check_next;

static void *check_alloc(size_t n)
{
	check_sum = check_sum * 31 + n;
	return check_buf + (check_next++ % 64) * 64;
}

static void check_free(void *p)
{
	check_sum = check_sum * 31 + (uint64_t)((char *)p - check_buf) + 1;
}

/* The tcmalloc_checked peer's checks (here on this process's malloc) find what they are
 * for: an intact block passes, one written a byte past its size, one marked freed (a double
 * free) and a block of static memory (a foreign pointer) are refused. Returns 1 on a miss. */
static int check_checked_peer(void)
{
	static uint64_t foreign[8];
	char *p = checked_alloc(40);
	int bad = 0;

	if (!p || checked_verdict(p)) {
		printf("checked peer: an intact block refused\n");
		bad = 1;
	}
	p[40] ^= 1;
	if (!checked_verdict(p) || strcmp(checked_verdict(p), "red zone overwritten")) {
		printf("checked peer: an overrun not seen\n");
		bad = 1;
	}
	p[40] ^= 1;
	((uint64_t *)p)[-1] = CHECKED_FREED;
	if (!checked_verdict(p) || !checked_verdict(foreign + 2)) {
		printf("checked peer: a freed or foreign block taken as live\n");
		bad = 1;
	}
	((uint64_t *)p)[-1] = CHECKED_LIVE;
	checked_free(p);
	return bad;
}

/* bench_heap --check-loops (CTest bench_heap.loops, no timing): the copies of each timed
 * loop lie at pairwise different offsets of a 256-byte block (the placements the processes
 * spread over), every copy makes the same calls in the same order, and the driver's 15
 * processes take 15 different copies, its first 5 all four offsets of a 64-byte line; and
 * the checked peer's checks (check_checked_peer). Returns the exit status. */
static int check_loops(void)
{
	static struct trace_event ev[256];
	struct side sd = { ev, ARRAY_SIZE(ev), check_alloc, check_free };
	uint64_t sum0 = 0;
	unsigned seen = 0, lines = 0;
	int bad = 0;

	for (uint32_t i = 0; i < ARRAY_SIZE(ev); i++) /* alloc slot i % 8, then free it */
		ev[i] = (i / 8) % 2 ? (struct trace_event){ i % 8, 0 } : (struct trace_event){ i % 8, 1 + i % 60 };
	for (unsigned a = 0; a < LOOP_COPIES; a++) {
		for (unsigned b = 0; b < a; b++) {
			if ((uintptr_t)replay_loops[a] % 256 == (uintptr_t)replay_loops[b] % 256 ||
			    (uintptr_t)pair_loops[a] % 256 == (uintptr_t)pair_loops[b] % 256) {
				printf("loops %u and %u at the same offset of a 256-byte block\n", a, b);
				bad = 1;
			}
		}
		check_sum = 0;
		check_next = 0;
		replay_loops[a](&sd);
		if (a == 0)
			sum0 = check_sum;
		if (check_sum != sum0 || !check_sum) {
			printf("replay loop %u made other calls than loop 0\n", a);
			bad = 1;
		}
	}
	for (unsigned k = 0; k < 15; k++) {
		seen |= 1u << loop_for_proc(k);
		if (k < 5)
			lines |= 1u << (uintptr_t)replay_loops[loop_for_proc(k)] % 64 / 16;
	}
	if (__builtin_popcount(seen) != 15 || lines != 15) {
		printf("the driver's processes take %d copies, offsets %#x\n", __builtin_popcount(seen),
		       lines);
		bad = 1;
	}
	bad |= check_checked_peer();
	printf("bench_heap loops: %s\n", bad ? "FAILED" : "passed");
	return bad;
}

int main(int argc, char **argv)
{
	const char *child = getenv("BENCH_HEAP_CHILD");
	const char *only = argc > 1 ? argv[1] : NULL;

	if (only && !strcmp(only, "--check-loops"))
		return check_loops();
	if (child) {
		child_run(child, only ? only : "trace", bench_rounds(ROUNDS));
		return 0;
	}
	bench_pin(); /* the children inherit the CPU */
	driver("/proc/self/exe", only);
	return 0;
}
