// SPDX-License-Identifier: MIT
/*
 * Heap benchmark: the LiOS heap (src/mm/heap.c on vmalloc, the real pmm and the host paging
 * window) against glibc malloc in the same process, on
 *  - a mixed trace: 2,000,000 alloc/free events, sizes 16 B-64 KiB (70% up to 256 B, 25% up
 *    to 4 KiB, 5% up to 64 KiB, log-uniform within each band), lifetimes varied by freeing
 *    either one of the newest blocks (short-lived) or a random live one (long-lived), up
 *    to 20,000 live; each block gets its first and last bytes written;
 *  - a 64-byte alloc+free pair in a loop.
 * The trace is generated once, then replayed by both allocators alternately, 5 times each
 * on the same heap (glibc keeps its arena, the heap its caches), and the best time kept.
 * Also reports the heap's peak vmalloc footprint over the peak live bytes of the trace.
 * On the host, every vmalloc/vfree of the heap costs an mprotect (the stand-in of a page
 * table update), which in a VM is far dearer than PTE writes in the kernel: the number of
 * such calls is printed with the trace result.
 * Env: BENCH_TRACE_ONLY=1 or BENCH_PAIR_ONLY=1 run one part (for profiling).
 */
#include <lios/heap.h>
#include <string.h>
#include "bench_mm.h"

#define TRACE_EVENTS 2000000
#define TRACE_LIVE 20000
#define PAIR_ROUNDS 5000000
#define RUNS 5

struct event {
	uint32_t slot;  /* which live block */
	uint32_t size;  /* bytes to allocate; 0: free the slot */
};

static struct event *trace;
static void *slots[TRACE_LIVE];
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
			trace[e] = (struct event){ s, sizes[s] };
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
			trace[e] = (struct event){ s, 0 };
			freeslot[nfree++] = s;
			cur -= sizes[s];
		}
	}
}

static uint64_t replay(void *(*alloc)(size_t), void (*release)(void *))
{
	uint64_t t0 = bench_ns();

	for (size_t e = 0; e < TRACE_EVENTS; e++) {
		const struct event *ev = &trace[e];

		if (ev->size) {
			char *p = alloc(ev->size);

			p[0] = 1;
			p[ev->size - 1] = 2;
			slots[ev->slot] = p;
		} else {
			release(slots[ev->slot]);
		}
	}
	return bench_ns() - t0;
}

/* Frees what the trace left live (not timed). */
static void replay_cleanup(void (*release)(void *))
{
	static bool live_at_end[TRACE_LIVE];

	memset(live_at_end, 0, sizeof(live_at_end));
	for (size_t e = 0; e < TRACE_EVENTS; e++)
		live_at_end[trace[e].slot] = trace[e].size != 0;
	for (size_t i = 0; i < TRACE_LIVE; i++) {
		if (live_at_end[i])
			release(slots[i]);
		slots[i] = NULL;
	}
}

static void *volatile sink;

static uint64_t pair64(void *(*alloc)(size_t), void (*release)(void *))
{
	uint64_t t0 = bench_ns();

	for (int i = 0; i < PAIR_ROUNDS; i++) {
		sink = alloc(64);
		release(sink);
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

int main(void)
{
	uint64_t ours = UINT64_MAX, glibc = UINT64_MAX, peak = 0;
	struct heap_stats st;

	if (getenv("BENCH_PAIR_ONLY"))
		goto pair;
	trace_build();
	heap_fresh();
	/* Both allocators keep what they learnt from earlier runs (glibc its arena, the heap
	 * its cached spans), as in a long-running system. */
	for (int run = 0; run < RUNS; run++) {
		uint64_t t;

		t = replay(malloc, free);
		replay_cleanup(free);
		glibc = MIN(glibc, t);
		t = replay(heap_alloc, heap_free);
		heap_get_stats(&st);
		peak = st.vmalloc_peak;
		replay_cleanup(heap_free);
		ours = MIN(ours, t);
	}
	fprintf(stderr, "# trace: %d events, peak live %.1f MiB; heap %.1f ms, glibc %.1f ms, "
		"heap peak from vmalloc %.1f MiB in %llu vmalloc calls, %llu map/unmap calls\n",
		TRACE_EVENTS, trace_peak_live / 1048576.0, ours / 1e6, glibc / 1e6,
		peak / 1048576.0, (unsigned long long)st.vmalloc_calls,
		(unsigned long long)host_paging_calls());
	bench_result("heap.trace_vs_glibc", (double)ours / (double)glibc, "<=", 1.0);

	if (getenv("BENCH_TRACE_ONLY"))
		return 0;
pair:
	ours = glibc = UINT64_MAX;
	heap_fresh();
	for (int run = 0; run < RUNS; run++) {
		glibc = MIN(glibc, pair64(malloc, free));
		ours = MIN(ours, pair64(heap_alloc, heap_free));
	}
	fprintf(stderr, "# pair64: heap %.2f ns, glibc %.2f ns\n", (double)ours / PAIR_ROUNDS,
		(double)glibc / PAIR_ROUNDS);
	bench_result("heap.pair64_vs_glibc", (double)ours / (double)glibc, "<=", 1.0);
	bench_result("heap.footprint_vs_live", (double)peak / (double)trace_peak_live, "<=", 1.25);
	return 0;
}
