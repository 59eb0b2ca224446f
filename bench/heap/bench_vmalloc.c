// SPDX-License-Identifier: MIT
/*
 * Address-space benchmark: the vmalloc arena (src/mm/vmem.c) with 10 and with 10,000 live
 * areas, and the linear first-fit list of list_vmem.c with 10,000, on the same pattern:
 * areas of 1, 2, 3, 4 pages (each + 1 guard page, as vmalloc takes them) allocated back to
 * back, then every 1-page area freed (leaving 2-page holes that the measured requests do
 * not fit, the "long busy list" case), then timed alloc+free pairs of 2-8 pages + guard.
 * Address space only: no frames, no mapping. Best of 3 runs.
 */
#include "bench_mm.h"
#include "list_vmem.h"
#include "vmem.h"

#define PAIRS_OURS 2000000
#define PAIRS_LIST 2000
#define RUNS 3

static struct vmem arena;
static struct list_vmem list;
static struct vmem_seg *segs[20000];
static vaddr_t list_va[20000];

/* Fills 'live' areas as described above; returns how many were allocated. */
static size_t fill_ours(size_t live)
{
	size_t n = live * 4 / 3 + 1;
	vaddr_t start, end;

	host_paging_window(&start, &end);
	host_paging_reset();
	if (vmem_init(&arena, start, end)) {
		fprintf(stderr, "bench_vmalloc: vmem_init failed\n");
		exit(1);
	}
	for (size_t i = 0; i < n; i++)
		segs[i] = vmem_alloc(&arena, (i % 4 + 2) * PAGE_SIZE, PAGE_SIZE, VMEM_RAW);
	for (size_t i = 0; i < n; i += 4)
		vmem_free(&arena, segs[i]);
	return n;
}

static uint64_t pairs_ours(int rounds)
{
	uint64_t rng = 42, t0 = bench_ns();

	for (int i = 0; i < rounds; i++) {
		uint64_t pages = 3 + prng_next(&rng) % 7;
		struct vmem_seg *s = vmem_alloc(&arena, pages * PAGE_SIZE, PAGE_SIZE, VMEM_RAW);

		if (!s)
			abort();
		vmem_free(&arena, s);
	}
	return bench_ns() - t0;
}

static void fill_list(size_t live)
{
	size_t n = live * 4 / 3 + 1;
	vaddr_t start, end;

	host_paging_window(&start, &end);
	list_vmem_init(&list, start, end);
	for (size_t i = 0; i < n; i++)
		list_va[i] = list_vmem_alloc(&list, (i % 4 + 2) * PAGE_SIZE);
	for (size_t i = 0; i < n; i += 4)
		list_vmem_free(&list, list_va[i]);
}

static uint64_t pairs_list(int rounds)
{
	uint64_t rng = 42, t0 = bench_ns();

	for (int i = 0; i < rounds; i++) {
		uint64_t pages = 3 + prng_next(&rng) % 7;
		vaddr_t va = list_vmem_alloc(&list, pages * PAGE_SIZE);

		if (!va)
			abort();
		list_vmem_free(&list, va);
	}
	return bench_ns() - t0;
}

int main(void)
{
	uint64_t t10 = UINT64_MAX, t10k = UINT64_MAX, tl = UINT64_MAX;
	double p10, p10k, pl;

	bench_mm_setup();
	for (int run = 0; run < RUNS; run++) {
		fill_ours(10);
		t10 = MIN(t10, pairs_ours(PAIRS_OURS));
		fill_ours(10000);
		t10k = MIN(t10k, pairs_ours(PAIRS_OURS));
	}
	fill_list(10000);
	for (int run = 0; run < RUNS; run++)
		tl = MIN(tl, pairs_list(PAIRS_LIST));
	p10 = (double)t10 / PAIRS_OURS;
	p10k = (double)t10k / PAIRS_OURS;
	pl = (double)tl / PAIRS_LIST;
	fprintf(stderr, "# vmem pair: %.1f ns with 10 live, %.1f ns with 10,000; list: %.1f ns\n",
		p10, p10k, pl);
	bench_result("vmalloc.pair_10k_over_10", p10k / p10, "<=", 1.5);
	bench_result("vmalloc.list_over_ours_10k", pl / p10k, ">=", 50);
	return 0;
}
