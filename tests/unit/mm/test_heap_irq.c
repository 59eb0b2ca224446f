// SPDX-License-Identifier: MIT
/*
 * Host tests of the heap's calls from interrupt handlers (src/mm/heap_irq.c), run the way
 * a handler runs (arch_call_in_interrupt: inside a handler, interrupts off): a handler's
 * blocks come from kmalloc and work with every entry point in both contexts; its frees of
 * process context's blocks are queued, count as freed at once (a second free, heap_size
 * and realloc say "already freed") and are done by process context's next slow path; every
 * misuse is still caught. Then a storm: a timer signal plays the interrupt (it defers
 * while the heap's slow paths have "interrupts" masked, as the CPU would) and runs handler
 * calls at arbitrary points of a process-context churn, fast paths included: no block's
 * contents or the heap's counts may suffer.
 */
#include <lios/kmalloc.h>
#include <lios/heap_trace.h>
#include <signal.h>
#include <sys/time.h>
#include "heap_test.h"

/* A fresh heap with kmalloc behind it and the misuse sink; the misuse count now. */
static uint64_t irq_setup(void)
{
	setup(65536);
	if (kmalloc_init()) {
		fprintf(stderr, "kmalloc_init failed\n");
		exit(1);
	}
	printk_add_sink(heap_report_sink, false);
	heap_report_last[0] = 0;
	return hstats().misuse;
}

/* The end of a case: nothing live, no misuse beyond *m, the sink removed. */
static void irq_done(const uint64_t *m)
{
	CHECK(hstats().live_allocs == 0 && hstats().misuse == *m);
	printk_remove_sink(heap_report_sink);
}

static bool stats_consistent(void)
{
	struct heap_stats st = hstats();

	return st.allocs == st.frees + st.live_allocs;
}

/* The calls one handler makes, and what they returned. */
struct calls {
	char *a, *c, *p;  /* heap_alloc(100), heap_calloc(10, 30), a block of the test's */
	size_t a_size, p_size;
	bool in_irq, c_zero;
	char *q;          /* heap_realloc's result */
};

static void handler_alloc(void *ctx)
{
	struct calls *k = ctx;

	k->in_irq = arch_in_interrupt() && !arch_irqs_enabled();
	k->a = heap_alloc(100);
	k->c = heap_calloc(10, 30);
	k->c_zero = k->c != NULL;
	for (int i = 0; k->c && i < 300; i++)
		k->c_zero &= k->c[i] == 0;
	if (k->a)
		memset(k->a, 0x41, 100);
	k->a_size = heap_size(k->a);
	heap_free(k->c);
}

/* A handler's blocks: aligned, from kmalloc's direct map, the right size in both
 * contexts, zeroed by calloc, counted live, freed by process context; kmalloc's memory
 * all back afterwards. */
static void test_handler_blocks(void)
{
	struct calls k = {0};
	uint64_t m = irq_setup();

	arch_call_in_interrupt(handler_alloc, &k);
	CHECK(k.in_irq && !arch_in_interrupt());
	CHECK(k.a && ((uintptr_t)k.a & 15) == 0 && virt_is_direct(k.a));
	CHECK(k.c && k.c_zero && k.a_size == 100);
	CHECK(heap_size(k.a) == 100 && k.a[0] == 0x41 && k.a[99] == 0x41);
	CHECK(hstats().live_allocs == 1 && hstats().live_bytes == 100 && stats_consistent());
	heap_free(k.a);
	CHECK(hstats().live_allocs == 0 && hstats().frees == 2 && stats_consistent());
	CHECK(hstats().misuse == m);
	CHECK(!kmalloc_owns(k.a - 16));
}

static void handler_free_p(void *ctx)
{
	struct calls *k = ctx;

	heap_free(k->p);
	k->p_size = heap_size(k->p); /* queued: already freed */
	heap_free(k->p);
}

/* A handler frees a small and a large block of process context's: each is queued, no
 * longer live, and a second free in the handler, heap_size there, and a free, heap_size or
 * realloc back in process context each say "already freed"; the next slow path frees
 * them, and after a trim every frame is back. */
static void test_queued_frees(void)
{
	uint64_t m = irq_setup(), frames = frames_accounted();
	size_t sizes[2] = {48, 100000};

	for (int i = 0; i < 2; i++) {
		struct calls k = {0};

		k.p = heap_alloc(sizes[i]);
		memset(k.p, 0x33, sizes[i]);
		arch_call_in_interrupt(handler_free_p, &k);
		CHECK(k.p_size == 0 && hstats().misuse == m + 2); /* heap_size's report... */
		m++;
		expect_report(&m, "already freed");               /* the second free's */
		CHECK(hstats().live_allocs == 0 && stats_consistent());
		heap_free(k.p);
		expect_report(&m, "already freed");
		CHECK(heap_realloc(k.p, 10) == NULL);
		expect_report(&m, "already freed");
		CHECK(hstats().frees == (uint64_t)i + 1);
	}
	heap_trim();
	CHECK(frames_accounted() == frames);
	irq_done(&m);
}

static void handler_realloc(void *ctx)
{
	struct calls *k = ctx;

	k->q = heap_realloc(k->p, 1000);
}

/* realloc across the contexts: a handler's realloc of a process block gives an interrupt
 * block with the contents and queues the old one; process context's realloc of that moves
 * it back into the heap, contents kept, its kmalloc block freed. */
static void test_realloc_across(void)
{
	struct calls k = {0};
	uint64_t m = irq_setup();
	char *r;

	k.p = heap_alloc(200);
	for (int i = 0; i < 200; i++)
		k.p[i] = (char)i;
	arch_call_in_interrupt(handler_realloc, &k);
	CHECK(k.q && virt_is_direct(k.q) && heap_size(k.q) == 1000);
	CHECK(k.q && k.q[0] == 0 && k.q[199] == (char)199);
	r = heap_realloc(k.q, 50000);
	CHECK(r && !virt_is_direct(r) && heap_size(r) == 50000);
	CHECK(r && r[1] == 1 && r[199] == (char)199);
	CHECK(!kmalloc_owns(k.q - 16));
	heap_free(r);
	CHECK(stats_consistent());
	irq_done(&m);
}

static void handler_misuse(void *ctx)
{
	struct calls *k = ctx;

	k->a = heap_alloc(40);
	heap_free(k->p + 16);  /* interior of a process block */
	heap_free(k->c);       /* a kmalloc block that is no heap block */
}

/* Misuse around a handler's blocks: an interior pointer and a foreign kmalloc block freed
 * in a handler, an overflow of a handler's block (refused in process context, freed once
 * the red zone is restored), and its double free. */
static void test_handler_misuse(void)
{
	struct calls k = {0};
	uint64_t m = irq_setup();

	k.p = heap_alloc(64);
	k.c = kmalloc(64);
	memset(k.c, 0, 64);
	arch_call_in_interrupt(handler_misuse, &k);
	CHECK(hstats().misuse == m + 2);
	CHECK(strstr(heap_report_last, HEAP_NO_BLOCK) != NULL);
	m = hstats().misuse;
	k.a[40] = 'x';
	heap_free(k.a);
	expect_report(&m, "red zone overwritten");
	CHECK(hstats().live_allocs == 2);
	k.a[40] = (char)0xcb;
	heap_free(k.a);
	CHECK(hstats().misuse == m);
	heap_free(k.a);
	expect_report(&m, HEAP_NO_BLOCK);
	heap_free(k.p);
	kfree(k.c);
	irq_done(&m);
}

static void handler_calloc_overflow(void *ctx)
{
	struct calls *k = ctx;

	k->c = heap_calloc(SIZE_MAX / 2, 4); /* n * size does not fit in size_t */
	k->q = heap_calloc(3, SIZE_MAX / 2);
}

/* A calloc whose n * size overflows, twice inside a handler. Expected: both return NULL
 * and each counts once in the failures, on the handlers' own counter (heap_irq_st, which
 * process context changes only with interrupts masked), not on process context's, which
 * the handler may have interrupted in the middle of a change; nothing is allocated,
 * nothing reported, and kmalloc holds nothing. */
static void test_handler_calloc_overflow(void)
{
	struct calls k = {0};
	uint64_t m = irq_setup(), failed = hstats().failed, own = heap_st.failed;

	k.c = k.q = (char *)1;
	arch_call_in_interrupt(handler_calloc_overflow, &k);
	CHECK(k.c == NULL && k.q == NULL);
	CHECK_EQ(hstats().failed, failed + 2);
	CHECK_EQ(heap_irq_st.failed, 2);
	CHECK_EQ(heap_st.failed, own);
	CHECK(hstats().live_allocs == 0 && hstats().live_bytes == 0 && stats_consistent());
	CHECK(heap_report_last[0] == 0);
	irq_done(&m);
}

static void handler_traced(void *ctx)
{
	struct calls *k = ctx;

	heap_free(heap_alloc(24));
	heap_free(k->p);       /* queued */
	k->a = heap_alloc(40); /* freed later by process context */
}

/* heap.trace records a handler's calls (its own block's allocation and free, the queued
 * free of a process block) and process context's free of a handler's block; a drain of the
 * queue inside a later call is no event of that call's (heap_free(NULL) records nothing). */
static void test_traced(void)
{
	struct heap_trace_summary sum;
	struct calls k = {0};

	irq_setup();
	k.p = heap_alloc(32);
	CHECK(heap_trace_start(64) == 0);
	arch_call_in_interrupt(handler_traced, &k);
	heap_free(NULL);
	CHECK(heap_trace_get_summary(&sum) && sum.recorded == 4);
	heap_free(k.a);
	CHECK(heap_trace_get_summary(&sum) && sum.recorded == 5 && sum.allocs == 2 &&
	      sum.frees == 3 && sum.live == 0 && sum.refused == 0);
	heap_trace_stop();
	printk_remove_sink(heap_report_sink);
}

static void handler_free_two(void *ctx)
{
	struct calls *k = ctx;

	heap_free(k->p); /* queued first */
	heap_free(k->c); /* queued last: the head of the queue */
	k->a = heap_alloc(0);
}

/* A queued block written while it waits (its second word: the queue's mark) is reported
 * when process context drains the queue, and it and the frees queued before it stay out
 * of use instead of being followed; the heap goes on working. And a handler's 0-byte block
 * moves into the heap by realloc; a damaged header (its size) makes a pointer no block, never
 * a red-zone read at a wild size. */
static void test_queue_and_header_damage(void)
{
	struct calls k = {0};
	uint64_t m = irq_setup();
	uint64_t *w;
	char *r;

	k.p = heap_alloc(48);
	k.c = heap_alloc(48);
	arch_call_in_interrupt(handler_free_two, &k);
	w = (uint64_t *)k.c;
	w[1] ^= 1; /* a write after free into the newest queued block */
	CHECK(hstats().misuse == m + 1 && strstr(heap_report_last, "written while queued"));
	m = hstats().misuse;
	r = heap_alloc(48);
	CHECK(r && r != k.p && r != k.c);
	heap_free(r);
	CHECK(k.a && heap_size(k.a) == 0);
	r = heap_realloc(k.a, 10);
	CHECK(r && !virt_is_direct(r));
	heap_free(r);
	arch_call_in_interrupt(handler_alloc, &k); /* k.a: a handler's 100-byte block */
	((uint64_t *)k.a)[-1] = 1u << 20;         /* its header's size */
	heap_free(k.a);
	expect_report(&m, HEAP_NO_BLOCK);
	((uint64_t *)k.a)[-1] = 100;
	heap_free(k.a);
	CHECK(hstats().misuse == m);
	printk_remove_sink(heap_report_sink);
}

/* The storm's shared state: process context's blocks, the blocks it hands to the "handler"
 * (a ring it fills and the handler empties), the handler's own blocks. */
#define STORM_LIVE 2048
#define STORM_HANDOFF 64
#define STORM_OWN 32
static struct {
	char *p[STORM_LIVE];
	size_t n[STORM_LIVE];
	char *volatile handoff[STORM_HANDOFF];
	size_t handoff_n[STORM_HANDOFF];
	volatile unsigned ho_head, ho_tail; /* the process writes head, the handler tail */
	char *own[STORM_OWN];
	size_t own_n[STORM_OWN];
	unsigned own_next;
	uint64_t hrng;
	unsigned long ran, held, bad;
} storm;

/* Fills or checks block p of n bytes: every byte for blocks up to 4 KiB, the ends above. */
static void pattern_put(char *p, size_t n)
{
	size_t k = n <= 4096 ? n : 64;

	for (size_t i = 0; i < k; i++)
		p[i] = p[n - 1 - i] = (char)(((uintptr_t)p >> 4) + n);
}

static bool pattern_ok(const char *p, size_t n)
{
	size_t k = n <= 4096 ? n : 64;

	for (size_t i = 0; i < k; i++)
		if (p[i] != (char)(((uintptr_t)p >> 4) + n) || p[n - 1 - i] != p[i])
			return false;
	return true;
}

/* One interrupt's work: free what process context handed over (queued frees), replace the
 * oldest of its own blocks, sometimes by realloc. */
static void storm_interrupt(void)
{
	unsigned k = storm.own_next++ % STORM_OWN;
	size_t n = 16 + prng_below(&storm.hrng, 3000);

	while (storm.ho_tail != storm.ho_head) {
		unsigned t = storm.ho_tail % STORM_HANDOFF;

		storm.bad += !pattern_ok(storm.handoff[t], storm.handoff_n[t]);
		heap_free(storm.handoff[t]);
		storm.ho_tail++;
	}
	if (storm.own[k]) {
		storm.bad += !pattern_ok(storm.own[k], storm.own_n[k]);
		if (prng_below(&storm.hrng, 4) == 0) {
			storm.own[k] = heap_realloc(storm.own[k], n);
		} else {
			heap_free(storm.own[k]);
			storm.own[k] = heap_alloc(n);
		}
	} else {
		storm.own[k] = heap_alloc(n);
	}
	storm.bad += !storm.own[k];
	if (storm.own[k]) {
		storm.own_n[k] = n;
		pattern_put(storm.own[k], n);
	}
}

/* SIGALRM plays the interrupt: held while "interrupts are masked" (the heap's slow paths,
 * kmalloc), as the CPU would hold it; otherwise a handler's context around the work. */
static void storm_signal(int sig)
{
	(void)sig;
	if (!host_irq_state) {
		storm.held++;
		return;
	}
	host_irq_state = 0;
	host_trap_depth++;
	storm_interrupt();
	host_trap_depth--;
	host_irq_state = 1;
	storm.ran++;
}

/* Process context churns small and large blocks (fast paths mostly) and hands some to the
 * handler, while a 100 us timer interrupts it anywhere for 1.5 s. Every block keeps its
 * contents, the counts balance, nothing is reported, and after freeing everything and
 * trimming every frame is back. */
static void test_storm(void)
{
	struct itimerval on = {{0, 100}, {0, 100}}, off = {{0, 0}, {0, 0}};
	uint64_t rng = prng_seed(15);
	uint64_t m = irq_setup(), frames = frames_accounted(), t0 = arch_cycles();
	unsigned long ops = 0;

	storm.hrng = prng_seed(16);
	signal(SIGALRM, storm_signal);
	setitimer(ITIMER_REAL, &on, NULL);
	while (arch_cycles() - t0 < 1500000000ull || storm.ran < 2000) {
		unsigned i = prng_below(&rng, STORM_LIVE);

		if (storm.p[i]) {
			storm.bad += !pattern_ok(storm.p[i], storm.n[i]);
			if (prng_below(&rng, 16) == 0 &&
			    storm.ho_head - storm.ho_tail < STORM_HANDOFF) {
				unsigned h = storm.ho_head % STORM_HANDOFF;

				storm.handoff[h] = storm.p[i];
				storm.handoff_n[h] = storm.n[i];
				__asm__ volatile("" ::: "memory");
				storm.ho_head++;
			} else {
				heap_free(storm.p[i]);
			}
			storm.p[i] = NULL;
		} else {
			size_t n = prng_below(&rng, 64) ? 1 + prng_below(&rng, 2000)
							 : 20000 + prng_below(&rng, 40000);

			storm.p[i] = heap_alloc(n);
			storm.bad += !storm.p[i];
			if (storm.p[i]) {
				storm.n[i] = n;
				pattern_put(storm.p[i], n);
			}
		}
		ops++;
	}
	setitimer(ITIMER_REAL, &off, NULL);
	signal(SIGALRM, SIG_DFL);
	printf("  storm: %lu heap calls, %lu interrupts ran, %lu held while masked\n", ops,
	       storm.ran, storm.held);
	CHECK(storm.ran >= 2000 && storm.bad == 0);
	while (storm.ho_tail != storm.ho_head) /* handed over after the last interrupt */
		heap_free(storm.handoff[storm.ho_tail++ % STORM_HANDOFF]);
	for (unsigned k = 0; k < STORM_OWN; k++) /* handler blocks, freed by process context */
		if (storm.own[k] && (storm.bad += !pattern_ok(storm.own[k], storm.own_n[k]), 1))
			heap_free(storm.own[k]);
	for (unsigned i = 0; i < STORM_LIVE; i++)
		if (storm.p[i] && (storm.bad += !pattern_ok(storm.p[i], storm.n[i]), 1))
			heap_free(storm.p[i]);
	CHECK(storm.bad == 0 && stats_consistent());
	heap_trim();
	kmalloc_shrink();
	CHECK(frames_accounted() == frames);
	irq_done(&m);
}

int main(void)
{
	test_handler_blocks();
	test_queued_frees();
	test_realloc_across();
	test_handler_misuse();
	test_handler_calloc_overflow();
	test_traced();
	test_queue_and_header_damage();
	test_storm();
	return unit_exit("test_heap_irq");
}
