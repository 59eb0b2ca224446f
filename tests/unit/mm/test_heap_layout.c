// SPDX-License-Identifier: MIT
/*
 * Host tests of the general heap's structure (src/mm/heap*.c): the block cache keeps freed
 * spans and blocks for reuse within its bound and gives everything back on trim; spans take
 * exact fits from it; each class's magazine holds what its bound allows; two blocks in one
 * chain of the chunk table each take the path their chain entry allows. Misuse and
 * accounting: test_heap.c.
 */
#include "heap_test.h"

/* Cache of free blocks: 200 blocks of 40 KiB and 2,000 of 3 KiB are taken, all freed, and
 * taken again, three times. Expected: the second and third rounds take nothing new from
 * vmalloc (the freed spans and blocks were kept), what the heap holds never exceeds its
 * peak live bytes by more than 23% plus one span per class, and heap_trim gives every
 * byte back (frames exact). */
static void test_cache(void)
{
	static void *p[2200];
	uint64_t before, base_bytes, calls = 0, live_peak = 0;

	setup(65536);
	before = frames_accounted();
	base_bytes = hstats().vmalloc_bytes;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 2200; i++) {
			p[i] = heap_alloc(i < 200 ? 40000 : 3000);
			CHECK(p[i] != NULL);
		}
		live_peak = MAX(live_peak, hstats().live_bytes);
		if (round == 0)
			calls = hstats().vmalloc_calls;
		else
			CHECK(hstats().vmalloc_calls == calls);
		for (int i = 0; i < 2200; i++)
			heap_free(p[i]);
	}
	CHECK(hstats().vmalloc_peak - base_bytes <=
	      live_peak + live_peak * 23 / 100 + 52 * 64 * PAGE_SIZE);
	CHECK(hstats().misuse == 0 && hstats().live_allocs == 0);
	heap_trim();
	CHECK(hstats().vmalloc_bytes == base_bytes);
	CHECK(frames_accounted() == before);
}

/* Large blocks of up to 256 pages (1 MiB) are kept too: the console pager's 256 KiB
 * buffer (65 pages with its red zone), taken when a command's output pages and given back
 * at its end, is allocated and freed ten times after the first with no vmalloc call (at 65
 * pages it was past the cache's 64, so every paged command mapped and unmapped it:
 * page-table writes and a TLB flush, an mprotect pair on the host). A 2 MiB block is past
 * the cache and goes back to vmalloc at once; heap_trim gives back every cached byte. */
static void test_cache_large_blocks(void)
{
	uint64_t base_bytes, calls;
	void *p;

	setup(65536);
	base_bytes = hstats().vmalloc_bytes;
	p = heap_alloc(KiB(256));
	CHECK(p != NULL);
	heap_free(p);
	calls = hstats().vmalloc_calls;
	for (int i = 0; i < 10; i++) {
		p = heap_alloc(KiB(256));
		CHECK(p != NULL);
		memset(p, 0xab, KiB(256));
		heap_free(p);
	}
	CHECK_EQ(hstats().vmalloc_calls, calls);
	p = heap_alloc(MiB(2));
	CHECK(p != NULL);
	heap_free(p);
	calls = hstats().vmalloc_calls;
	p = heap_alloc(MiB(2));
	CHECK(p != NULL);
	heap_free(p);
	CHECK_EQ(hstats().vmalloc_calls, calls + 1);
	CHECK(hstats().misuse == 0 && hstats().live_allocs == 0);
	heap_trim();
	CHECK(hstats().vmalloc_bytes == base_bytes);
}

/* Two blocks in one chain of the chunk table (chunks 1 GiB apart): a span A of 64-byte
 * objects, then large blocks until one, B, falls in A's chain and heads it. Expected: an
 * object just bumped out of A is freed by the fast path (into the magazine); while
 * B heads the chain, the fast path's entry describes B and A's objects take the slow path
 * (which finds A down the chain): freed, not into the magazine, a second free reported;
 * once B is gone (freed, then trimmed out of the block cache) A's objects take the fast
 * path again (into the magazine); nothing is left live. */
static void test_hash_chain(void)
{
	enum { MAXB = 4200 };
	static char *blk[MAXB];
	struct heap_mag *mag;
	char *a[3], *b = NULL;
	size_t idx, nb;
	uint64_t m;

	setup(65536);
	printk_add_sink(heap_report_sink, false);
	m = hstats().misuse;
	for (int i = 0; i < 3; i++)
		a[i] = heap_alloc(64);
	mag = heap_mag_of(64 + HEAP_REDZONE);
	heap_free(a[2]); /* just bumped out of the new span: the fast path, too */
	CHECK(!heap_mag_empty(mag));
	a[2] = heap_alloc(64);
	CHECK(heap_mag_empty(mag));
	idx = heap_hash_index((uintptr_t)a[0]);
	for (nb = 0; nb < MAXB && !b; nb++) {
		blk[nb] = heap_alloc(20000);
		CHECK(blk[nb] != NULL);
		if (heap_hash_index((uintptr_t)blk[nb]) == idx)
			b = blk[nb];
	}
	CHECK(b != NULL && heap_hash[idx] == heap_lookup(b));
	CHECK(heap_mag_empty(mag));
	heap_free(a[0]);
	CHECK(heap_mag_empty(mag) && hstats().misuse == m && hstats().live_allocs == nb + 2);
	heap_free(a[0]);
	expect_report(&m, "already freed");
	for (size_t i = 0; i < nb; i++)
		heap_free(blk[i]);
	heap_trim();
	CHECK(heap_hash[idx] == heap_lookup(a[1]));
	heap_free(a[1]);
	CHECK(!heap_mag_empty(mag) && hstats().misuse == m);
	heap_free(a[2]);
	CHECK(hstats().live_allocs == 0 && hstats().misuse == m);
	printk_remove_sink(heap_report_sink);
}

/* Magazines for every class up to 16 KiB, each holding at most 16 KiB (and 61 objects):
 * three objects of 64, 1,000, 8,000, 16,000 and 17,000 bytes are taken and freed.
 * Expected: the magazine keeps 3, 3, 2 (class 8,192), 1 (class 16,384) and 0 of them (the
 * 18 KiB class has none), the rest going to their spans; the next allocation takes the
 * last one freed back when the magazine holds it; nothing is left live. */
static void test_magazines(void)
{
	static const size_t sizes[] = { 64, 1000, 8000, 16000, 17000 };
	static const long kept[] = { 3, 3, 2, 1, 0 };
	char *p[3], *q;

	setup(65536);
	for (size_t t = 0; t < ARRAY_SIZE(sizes); t++) {
		struct heap_mag *mag = heap_mag_of(sizes[t] + HEAP_REDZONE);

		heap_magazines_enable(false); /* empties them all */
		heap_magazines_enable(true);
		CHECK(heap_mag_empty(mag));
		for (int i = 0; i < 3; i++) /* never the empty magazine's bottom */
			CHECK((p[i] = heap_alloc(sizes[t])) != NULL && p[i] != heap_mag_bottom);
		for (int i = 0; i < 3; i++)
			heap_free(p[i]);
		CHECK(mag->top - (mag->ent + 1) == kept[t]);
		q = heap_alloc(sizes[t]);
		CHECK(q != NULL && (!kept[t] || q == p[kept[t] - 1]));
		heap_free(q);
	}
	CHECK(hstats().live_allocs == 0 && hstats().misuse == 0);
}

/* Spans take exact fits from the block cache: a large block one page bigger than the span
 * of the 6,000-byte class is freed (cached), then that class needs its first span. Expected:
 * the span does not take the cached block (its extra page would be an unused tail), which
 * then serves the next large allocation of its own size. */
static void test_span_exact_fit(void)
{
	unsigned k = heap_class_of(6000 + HEAP_REDZONE);
	size_t big = (heap_classes[k].pages + 1) * PAGE_SIZE - 2 * HEAP_REDZONE;
	char *l, *o, *l2;

	setup(65536);
	CHECK(big > HEAP_SMALL_MAX);
	CHECK((l = heap_alloc(big)) != NULL);
	heap_free(l);
	CHECK((o = heap_alloc(6000)) != NULL);
	CHECK(o < l || o >= l + big);
	CHECK((l2 = heap_alloc(big)) == l);
	heap_free(o);
	heap_free(l2);
	CHECK(hstats().live_allocs == 0 && hstats().misuse == 0);
}

int main(void)
{
	test_cache();
	test_cache_large_blocks();
	test_hash_chain();
	test_magazines();
	test_span_exact_fit();
	return unit_exit("test_heap_layout");
}
