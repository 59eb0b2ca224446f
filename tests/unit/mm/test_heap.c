// SPDX-License-Identifier: MIT
/*
 * Host tests of the general heap (src/mm/heap.c) on the real vmalloc, pmm and the host
 * paging window: every size class and the large path, a random size/lifetime chaos run with
 * realloc and calloc, exact accounting after freeing everything, one allocation as large
 * as the whole heap, out of memory, and every misuse (double free, foreign pointer, red zone
 * overflow, write after free into a magazine object or a span's free list, a damaged side
 * entry) detected, reported with size and caller, and refused. The heap's structure (block
 * cache, magazines, chunk table chains): test_heap_layout.c.
 */
#include "heap_test.h"

/* Every size from 0 to 20,000 bytes (step 7) and a few large ones up to 1 MiB: each block is
 * 16-byte aligned, writable over its whole size, heap_size gives the size back, no two
 * blocks overlap (patterns intact), and after freeing all, live counters are 0. */
static void test_sizes(void)
{
	static unsigned char *p[3000];
	static size_t sz[3000];
	int n = 0;

	setup(65536);
	for (size_t s = 0; s <= 20000; s += 7, n++) {
		sz[n] = s;
		p[n] = heap_alloc(s);
		CHECK(p[n] != NULL && ((uintptr_t)p[n] & 15) == 0);
		if (!p[n])
			return;
		CHECK(heap_size(p[n]) == s);
		memset(p[n], n & 0xff, s);
	}
	for (size_t s = 100000; s <= MiB(1); s += 150001, n++) {
		sz[n] = s;
		p[n] = heap_alloc(s);
		CHECK(p[n] != NULL && ((uintptr_t)p[n] & 15) == 0);
		memset(p[n], n & 0xff, s);
	}
	for (int i = 0; i < n; i++) {
		for (size_t k = 0; k < sz[i]; k += 61)
			if (p[i][k] != (i & 0xff)) {
				CHECK(!"pattern intact");
				break;
			}
		heap_free(p[i]);
	}
	CHECK(hstats().live_allocs == 0 && hstats().live_bytes == 0);
	CHECK(hstats().misuse == 0);
}

/* After everything was freed and trimmed: the frames are back exactly, one allocation as
 * large as 'peak' bytes succeeds, and freeing it gives every frame back again. */
static void check_all_back(uint64_t frames_before, size_t peak)
{
	void *big;

	CHECK(frames_accounted() == frames_before);
	big = heap_alloc(peak);
	CHECK(big != NULL);
	heap_free(big);
	heap_trim();
	CHECK(frames_accounted() == frames_before);
}

/* The heap's statistics against a model of the test's own calls: allocations (a realloc
 * that moves is one more, and one more free), frees, live allocations and live bytes.
 * heap_get_stats counts the live ones by walking the heap, so this is what tests it. */
struct stats_model {
	uint64_t allocs, frees, live, bytes;
};

static bool stats_match(const struct stats_model *m)
{
	struct heap_stats st = hstats();

	return st.allocs == m->allocs && st.frees == m->frees && st.live_allocs == m->live &&
	       st.live_bytes == m->bytes;
}

/* Chaos: 300,000 seeded steps of alloc (sizes 1 B-64 KiB, skewed small, sometimes up to 300
 * KiB), calloc, realloc and free of random live blocks (up to 4,000 live, so lifetimes
 * vary). Contents are checked before every free/realloc, the statistics against a model
 * every 997 steps. After freeing all and trimming, the heap holds only its span table, the
 * frames are back exactly, and one allocation as large as the heap's peak succeeds. */
static void test_chaos(void)
{
	static struct { unsigned char *p; size_t n; unsigned char v; } live[4000];
	uint64_t rng = 0xfeedbeef, before, base_bytes, peak;
	struct stats_model model = { 0 };
	size_t nlive = 0;
	int mismatches = 0;

	setup(65536);
	before = frames_accounted();
	base_bytes = hstats().vmalloc_bytes;
	for (int step = 0; step < 300000; step++) {
		uint64_t r = prng_next(&rng);
		unsigned op = (unsigned)(r % 16);

		if (nlive < ARRAY_SIZE(live) && op < 8) {
			unsigned band = (unsigned)(r >> 8) % 100;
			size_t max = band < 70 ? 256 : band < 95 ? 4096 : band < 99 ? 65536 : 300000;
			size_t n = 1 + (size_t)(prng_next(&rng) % max);
			unsigned char *p = (r >> 20) & 1 ? heap_calloc(1, n) : heap_alloc(n);

			CHECK(p != NULL);
			if (!p)
				break;
			if ((r >> 20) & 1)
				CHECK(p[0] == 0 && p[n - 1] == 0 && p[n / 2] == 0);
			live[nlive].p = p;
			live[nlive].n = n;
			live[nlive].v = (unsigned char)(r >> 32);
			memset(p, live[nlive].v, n);
			nlive++;
			model.allocs++;
			model.live++;
			model.bytes += n;
		} else if (nlive) {
			size_t k = (size_t)(r >> 24) % nlive;
			unsigned char *p = live[k].p;
			size_t n = live[k].n;

			CHECK(p[0] == live[k].v && p[n - 1] == live[k].v && p[n / 2] == live[k].v);
			if (op == 15) {
				size_t m = 1 + (size_t)(prng_next(&rng) % (n * 2 + 64));
				unsigned char *q = heap_realloc(p, m);

				CHECK(q != NULL);
				if (!q)
					break;
				CHECK(q[0] == live[k].v && q[MIN(n, m) - 1] == live[k].v);
				memset(q, live[k].v, m);
				live[k].p = q;
				live[k].n = m;
				model.bytes += m - n;
				if (q != p) {
					model.allocs++;
					model.frees++;
				}
			} else {
				heap_free(p);
				live[k] = live[--nlive];
				model.frees++;
				model.live--;
				model.bytes -= n;
			}
		}
		if (step % 997 == 0 && !stats_match(&model))
			mismatches++;
	}
	CHECK(mismatches == 0);
	CHECK(stats_match(&model));
	while (nlive) {
		nlive--;
		heap_free(live[nlive].p);
	}
	CHECK(hstats().live_allocs == 0 && hstats().live_bytes == 0);
	CHECK(hstats().misuse == 0 && hstats().failed == 0);
	peak = hstats().vmalloc_peak;
	heap_trim();
	CHECK(hstats().vmalloc_bytes == base_bytes);
	check_all_back(before, peak);
}

/* realloc: NULL acts as alloc, growing and shrinking keep the contents, a resize within the
 * same class stays in place, size 0 frees. */
static void test_realloc(void)
{
	unsigned char *p, *q;
	size_t room;

	setup(65536);
	p = heap_realloc(NULL, 36);
	CHECK(p != NULL);
	memset(p, 0x11, 36);
	q = heap_realloc(p, 40);
	CHECK(q == p && heap_size(q) == 40);
	memset(q, 0x11, 44 - 4);
	q = heap_realloc(q, 44);
	CHECK(q != p && q[39] == 0x11);
	q[43] = 0x11;
	p = heap_realloc(q, 50000);
	CHECK(p != NULL && p[0] == 0x11 && p[43] == 0x11 && heap_size(p) == 50000);
	memset(p, 0x22, 50000);
	/* A large block's data starts at a colour (a multiple of 64 below PAGE_SIZE, taken
	 * from its address) inside its 13 pages, and its red zone may end at the last page's
	 * end: growing to exactly that stays in place, one byte more moves with the contents.
	 * The colour depends on the address, so the test reads it instead of assuming one. */
	room = 13 * PAGE_SIZE - ((uintptr_t)p & (PAGE_SIZE - 1)) - HEAP_REDZONE;
	CHECK(room >= 50000);
	q = heap_realloc(p, room);
	CHECK(q == p && heap_size(q) == room && q[49999] == 0x22);
	p = heap_realloc(q, room + 1);
	CHECK(p != NULL && p != q && p[0] == 0x22 && p[49999] == 0x22);
	q = p;
	p = heap_realloc(q, 10);
	CHECK(p != NULL && p[9] == 0x22 && heap_size(p) == 10);
	CHECK(heap_realloc(p, 0) == NULL);
	CHECK(hstats().live_allocs == 0);
	CHECK(heap_calloc(SIZE_MAX / 2, 4) == NULL);
}

/* heap_calloc whose n * size does not fit in size_t, and heap_alloc of more than the
 * window holds. Expected: both return NULL and each counts once in heap_stats' failed
 * ("allocations that returned NULL"), as every other failed allocation does. */
static void test_failed_counts(void)
{
	setup(65536);
	CHECK(hstats().failed == 0);
	CHECK(heap_calloc(SIZE_MAX / 2, 4) == NULL);
	CHECK_EQ(hstats().failed, 1);
	CHECK(heap_calloc(3, SIZE_MAX / 2) == NULL);
	CHECK_EQ(hstats().failed, 2);
	CHECK(heap_alloc(SIZE_MAX / 4) == NULL);
	CHECK_EQ(hstats().failed, 3);
	CHECK(hstats().live_allocs == 0 && hstats().misuse == 0);
}

/* The start of a misuse case: a heap on 65,536 frames whose "heap: " reports land in
 * heap_report_last. Returns the misuse count so far. */
static uint64_t start_misuse_case(void)
{
	setup(65536);
	printk_add_sink(heap_report_sink, false);
	return hstats().misuse;
}

/* The end of a misuse case: nothing left live; the report sink removed. */
static void end_misuse_case(void)
{
	CHECK(hstats().live_allocs == 0);
	printk_remove_sink(heap_report_sink);
}

/* Misuse: double free (small and large), foreign pointers (stack, interior of a small and
 * of a large block, a vmalloc block, a pointer past the last object), and a one-byte
 * overflow into the red zone (small and large). Expected: each is reported on a "heap: "
 * line with its size and caller and its own reason ("already freed", "foreign pointer";
 * HEAP_NO_BLOCK for the stack, where the heap finds no block at all, and for the vmalloc
 * block unless it lies in a chunk of the heap's; "red zone overwritten"), the misuse
 * counter goes up by one, the operation is
 * refused (the overflowed block stays allocated), and the heap still works: fixing the
 * red zone byte lets the block be freed normally, and the counters end at zero. */
static void test_misuse(void)
{
	uint64_t m;
	int local;
	char *a, *b, *large, *v;

	m = start_misuse_case();
	a = heap_alloc(64);
	b = heap_alloc(64);
	large = heap_alloc(100000);
	v = vmalloc(PAGE_SIZE);
	heap_free(a);
	heap_free(a);
	expect_report(&m, "already freed");
	heap_free(&local);
	expect_report(&m, HEAP_NO_BLOCK);
	heap_free(b + 16);
	expect_report(&m, "foreign pointer");
	heap_free(large + 4096);
	expect_report(&m, "foreign pointer");
	heap_free(v); /* "foreign pointer" when it shares a chunk with a heap block */
	expect_report_either(&m, HEAP_NO_BLOCK, "foreign pointer");
	CHECK(heap_realloc(b + 32, 10) == NULL);
	expect_report(&m, "foreign pointer");
	b[64] = 'x'; /* one byte past the requested size */
	heap_free(b);
	expect_report(&m, "red zone overwritten");
	CHECK(hstats().live_allocs == 2);
	b[64] = (char)0xcb; /* the canary restored: now a valid free */
	heap_free(b);
	CHECK(hstats().misuse == m);
	large[100000] = 0;
	CHECK(heap_realloc(large, 200000) == NULL);
	expect_report(&m, "red zone overwritten");
	large[100000] = (char)0xcb;
	heap_free(large);
	heap_free(large);
	expect_report(&m, "already freed");
	vfree(v);
	end_misuse_case();
}

/* A double free of a large block the heap gave back at once (1 MiB: beyond the block
 * cache's largest bin, so its pages went back to vmalloc and no descriptor is left to say
 * "already freed"), and a stack pointer. Expected: both refused and counted, each reported
 * as HEAP_NO_BLOCK: the double free's report says the block may have been freed already,
 * not only "foreign pointer". */
static void test_large_double_free_words(void)
{
	uint64_t m;
	int local;
	char *big;

	m = start_misuse_case();
	big = heap_alloc(MiB(1));
	CHECK(big != NULL);
	heap_free(big);
	CHECK(hstats().misuse == m);
	heap_free(big);
	expect_report(&m, HEAP_NO_BLOCK);
	heap_free(&local);
	expect_report(&m, HEAP_NO_BLOCK);
	end_misuse_case();
}

/* A pointer into the tail of a cached span: 2,000 objects of 3,000 bytes fill many spans,
 * all are freed, and the spans that empty (all but the class's head) go to the block cache,
 * keeping their layout. The first byte past a cached span's last object (the tail its
 * objects leave unused, inside the span's first chunk) is freed, realloced and sized.
 * Expected: each is reported as "foreign pointer" (not "already freed": no object was ever
 * there) and refused; the span stays in the cache with its layout, nothing is live, and
 * the next 2,000 allocations take the cached spans with no vmalloc call, and after a trim
 * every frame is back. */
static void test_cached_span_tail(void)
{
	static void *p[2000];
	struct heap_span *s = NULL;
	uint64_t m, calls, before;
	char *tail = NULL;
	size_t nobj = 0;

	m = start_misuse_case();
	before = frames_accounted();
	for (int i = 0; i < 2000; i++)
		p[i] = heap_alloc(3000);
	for (int i = 0; i < 2000; i++)
		heap_free(p[i]);
	CHECK(hstats().misuse == m && hstats().live_allocs == 0);
	for (int i = 0; i < 2000 && !tail; i++) {
		s = heap_lookup(p[i]);
		if (s && s->cached && s->magic != HEAP_LARGE_MAGIC &&
		    s->data + (size_t)s->nobj * s->size < (char *)s->base + s->map_bytes)
			tail = s->data + (size_t)s->nobj * s->size;
	}
	CHECK(tail != NULL);
	if (!tail)
		return;
	nobj = s->nobj;
	calls = hstats().vmalloc_calls;
	heap_free(tail);
	expect_report(&m, "foreign pointer");
	CHECK(heap_realloc(tail, 10) == NULL);
	expect_report(&m, "foreign pointer");
	CHECK(heap_size(tail) == 0);
	expect_report(&m, "foreign pointer");
	heap_free(s->data); /* its first object, freed before the span was cached */
	expect_report(&m, "already freed");
	CHECK(s->cached && s->nobj == nobj && heap_lookup(tail) == s);
	CHECK(hstats().live_allocs == 0);
	for (int i = 0; i < 2000; i++) {
		p[i] = heap_alloc(3000);
		CHECK(p[i] != NULL);
	}
	CHECK_EQ(hstats().vmalloc_calls, calls);
	for (int i = 0; i < 2000; i++)
		heap_free(p[i]);
	CHECK(hstats().misuse == m);
	heap_trim();
	CHECK(frames_accounted() == before);
	end_misuse_case();
}

/* Red zone coverage: for every requested size 0..300 (small classes of several spacings,
 * so the gap between the size and the object's end varies), each of the 8 bytes right past
 * the requested size is changed in turn. Expected: every change makes heap_free report
 * "red zone overwritten" and refuse (the block stays live, heap_size still gives n);
 * restoring the byte lets the free succeed, and nothing is left live. */
static void test_redzone_bytes(void)
{
	uint64_t m;

	m = start_misuse_case();
	for (size_t n = 0; n <= 300; n++) {
		for (size_t k = 0; k < 8; k++) {
			char *p = heap_alloc(n);
			char old;

			CHECK(p != NULL);
			if (!p)
				continue;
			old = p[n + k];
			p[n + k] = (char)(old ^ 0x5a);
			heap_free(p);
			expect_report(&m, "red zone overwritten");
			CHECK(hstats().live_allocs == 1);
			p[n + k] = old;
			CHECK(heap_size(p) == n);
			heap_free(p);
			CHECK(hstats().misuse == m);
		}
	}
	end_misuse_case();
}

/* Write after free: a freed small object's first word (its free record, the object sitting
 * in its class's magazine) is overwritten with a wild pointer. Expected: the next
 * allocation of that class detects it, reports it on a "heap: " line, never hands out the
 * wild pointer or the damaged object, and the heap keeps working. */
static void test_write_after_free(void)
{
	uint64_t m;
	char *a, *b, *c;

	m = start_misuse_case();
	a = heap_alloc(200);
	heap_free(a);
	*(uintptr_t *)a = (uintptr_t)0xdeadbeef000ull;
	b = heap_alloc(200);
	c = heap_alloc(200);
	CHECK(b != NULL && b != a && (uintptr_t)b != 0xdeadbeef000ull);
	CHECK(c != NULL && c != a && (uintptr_t)c != 0xdeadbeef000ull);
	CHECK(hstats().misuse == m + 1 && strstr(heap_report_last, "corrupted"));
	heap_free(b);
	heap_free(c);
	end_misuse_case();
}

/* Out of memory: on a machine with 2,048 high frames (8 MiB, plus 16 MiB low), 1000-byte and
 * 40 KiB blocks are taken until heap_alloc returns NULL (no panic, failed counter up).
 * After freeing all and trimming, the frames are back exactly, and one allocation of as
 * many bytes as were live at the peak succeeds. */
static void test_oom(void)
{
	static void *p[100000];
	uint64_t before, live_peak;
	int n = 0;

	setup(2048);
	before = frames_accounted();
	while (n < 100000 && (p[n] = heap_alloc(n % 2 ? 1000 : 40000)))
		n++;
	CHECK(n > 0 && n < 100000);
	CHECK(hstats().failed == 1);
	live_peak = hstats().live_bytes;
	for (int i = 0; i < n; i++)
		heap_free(p[i]);
	heap_trim();
	check_all_back(before, live_peak);
}

/* Write after free, zeroed: a freed object's first word (its free record, in the magazine)
 * is cleared, as a stray memset would. Expected: the damaged list is reported when the object is popped,
 * the object is not handed out, and the heap keeps working. */
static void test_write_after_free_zero(void)
{
	uint64_t m;
	char *a, *b, *c;

	m = start_misuse_case();
	a = heap_alloc(100);
	c = heap_alloc(100);
	heap_free(a);
	memset(a, 0, 8);
	b = heap_alloc(100);
	CHECK(b != NULL && b != a && b != c);
	CHECK(hstats().misuse == m + 1 && strstr(heap_report_last, "corrupted"));
	heap_free(b);
	heap_free(c);
	end_misuse_case();
}

/* A damaged free list of a span: N objects of 200 bytes are taken and freed; the first
 * ones fill the class's magazine (61 objects: 16384 / 224 is more), the rest go onto their
 * spans' free lists, whose last head (the last object freed) then gets its first word
 * zeroed and, in a second run, of a 6,000-byte class (a magazine of 2), its second word
 * (bytes 8-15) overwritten. Expected: taking N objects again reports the damaged list
 * once (the span's "free list ... corrupted", not the magazine's), never hands out the
 * damaged object, every allocation succeeds from another span, and everything can be
 * freed. */
static void test_span_list_damage(void)
{
	static const size_t sizes[] = { 200, 6000 }, count[] = { 100, 40 };
	static const uint64_t junk[] = { 0, 0x4141414141414141ull };
	static const size_t at[] = { 0, 8 };
	char *p[100], *q[100];
	uint64_t m;

	start_misuse_case();
	for (int t = 0; t < 2; t++) {
		size_t n = count[t];

		m = hstats().misuse;
		for (size_t i = 0; i < n; i++)
			p[i] = heap_alloc(sizes[t]);
		for (size_t i = 0; i < n; i++)
			heap_free(p[i]);
		memcpy(p[n - 1] + at[t], &junk[t], 8);
		for (size_t i = 0; i < n; i++) {
			q[i] = heap_alloc(sizes[t]);
			CHECK(q[i] != NULL && q[i] != p[n - 1]);
		}
		CHECK(hstats().misuse == m + 1 && strstr(heap_report_last, "free list of span"));
		for (size_t i = 0; i < n; i++)
			heap_free(q[i]);
		CHECK(hstats().misuse == m + 1);
	}
	end_misuse_case();
}

/* A damaged side entry (the per-object state of a span): a live object's entry is set to
 * "live" with a gap larger than the object. Expected: heap_free reports "heap state
 * damaged" and refuses (it never reads outside the object); with the entry restored the
 * free succeeds. An entry cleared (as if freed) makes heap_free report "already freed". */
static void test_side_damage(void)
{
	struct heap_span *s;
	uint16_t *side, old;
	uint64_t m;
	size_t i;
	char *p;

	m = start_misuse_case();
	p = heap_alloc(100);
	s = heap_lookup(p);
	CHECK(s != NULL && heap_obj_index(s, p, (size_t)s->bump * s->size, &i));
	side = &heap_side(s)[i];
	old = *side;
	*side = HEAP_SIDE_LIVE | HEAP_SIDE_SIZE;
	heap_free(p);
	expect_report(&m, "heap state damaged");
	*side = 0;
	heap_free(p);
	expect_report(&m, "already freed");
	CHECK(heap_size(p) == 0);
	expect_report(&m, "already freed");
	*side = old;
	CHECK(heap_size(p) == 100);
	heap_free(p);
	CHECK(hstats().misuse == m);
	end_misuse_case();
}

/* Write after free into the second word of a freed object (bytes 8-15 of its 16-byte free
 * record) sitting in its class's magazine. Expected: the next allocation of the class
 * reports it ("corrupted"), does not hand the object out, and the heap keeps working. */
static void test_write_after_free_second_word(void)
{
	uint64_t m;
	char *a, *b;

	m = start_misuse_case();
	a = heap_alloc(100);
	heap_free(a);
	a[12] = 'x';
	b = heap_alloc(100);
	CHECK(b != NULL && b != a);
	CHECK(hstats().misuse == m + 1 && strstr(heap_report_last, "corrupted"));
	heap_free(b);
	end_misuse_case();
}

/* Write after free, then a trim: a freed object waiting in its class's magazine gets its
 * first word overwritten, and heap_trim empties the magazines back into the spans (as it
 * does before an allocation fails; switching the magazines off for heap.trace does the
 * same). Expected: the trim reports the damaged object ("corrupted"), once, and drops it:
 * the allocations that follow, which come from the span's free list, never hand it out,
 * and the heap keeps working. */
static void test_write_after_free_trim(void)
{
	void *p[64];
	uint64_t m;
	char *a;

	m = start_misuse_case();
	a = heap_alloc(300);
	p[0] = heap_alloc(300); /* keeps the span alive through the trim */
	heap_free(a);
	*(uintptr_t *)a = (uintptr_t)0xdeadbeef000ull;
	heap_trim();
	CHECK(hstats().misuse == m + 1 && strstr(heap_report_last, "corrupted"));
	for (int i = 1; i < 64; i++) {
		p[i] = heap_alloc(300);
		CHECK(p[i] != NULL && p[i] != a);
	}
	CHECK(hstats().misuse == m + 1);
	for (int i = 0; i < 64; i++)
		heap_free(p[i]);
	CHECK(hstats().misuse == m + 1);
	end_misuse_case();
}

int main(void)
{
	test_sizes();
	test_chaos();
	test_realloc();
	test_failed_counts();
	test_misuse();
	test_large_double_free_words();
	test_cached_span_tail();
	test_redzone_bytes();
	test_write_after_free();
	test_write_after_free_zero();
	test_span_list_damage();
	test_write_after_free_second_word();
	test_write_after_free_trim();
	test_side_damage();
	test_oom();
	return unit_exit("test_heap");
}
