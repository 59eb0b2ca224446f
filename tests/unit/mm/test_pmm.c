// SPDX-License-Identifier: MIT
/*
 * Host tests of the frame allocator (src/mm/pmm.c) on simulated physical memory
 * (src/arch/host/phys_host.c): fixed scenarios, 10,000 seeded random alloc/free sequences
 * checked against a shadow model after every step, misuse reports, and a 1 TiB machine.
 */
#include <lios/errno.h>
#include <lios/pmm.h>
#include <lios/printk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "log_capture.h"
#include "prng.h"
#include "../unit.h"

MEMMAP_STATIC(map, MEMMAP_STATIC_RANGES);
static char why[200];


#define CONSISTENT()                                                                       \
	do {                                                                               \
		if (!pmm_check(why, sizeof(why))) {                                        \
			fprintf(stderr, "%s:%d: %s: pmm_check: %s\n", __FILE__, __LINE__, __func__, why); \
			UNIT_FAIL();                                                        \
		}                                                                          \
	} while (0)

static void set_map(size_t n, const paddr_t (*r)[2])
{
	map.n = n;
	for (size_t i = 0; i < n; i++) {
		map.r[i].start = r[i][0];
		map.r[i].end = r[i][1];
	}
}

static struct pmm_stats stats(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	return st;
}

/* Two ranges below 16 MiB and 48 MiB: totals add up, the metadata sits in the first range
 * and is reserved, and a single frame goes out and comes back. */
static void test_basic(void)
{
	static const paddr_t r[][2] = { { MiB(1), MiB(16) }, { MiB(32), MiB(48) } };
	struct pmm_stats st, st2;
	paddr_t pa;

	set_map(2, r);
	CHECK(pmm_init(&map) == 0);
	st = stats();
	CHECK(st.total_frames == (MiB(15) + MiB(16)) / PAGE_SIZE);
	CHECK(st.reserved_frames * PAGE_SIZE == st.metadata_bytes);
	CHECK(st.free_frames + st.reserved_frames == st.total_frames);
	CHECK(pmm_frame_state(MiB(1) / PAGE_SIZE) == PMM_FRAME_RESERVED); /* metadata */
	CHECK(pmm_frame_state(MiB(20) / PAGE_SIZE) == PMM_FRAME_RESERVED); /* hole */
	CHECK(pmm_frame_state(MiB(40) / PAGE_SIZE) == PMM_FRAME_FREE);
	CONSISTENT();

	pa = pmm_alloc(1, 0, PMM_LIMIT_NONE);
	CHECK(pa != 0 && pa % PAGE_SIZE == 0);
	CHECK(pmm_frame_state(pa / PAGE_SIZE) == PMM_FRAME_USED);
	CHECK(stats().free_frames == st.free_frames - 1);
	CONSISTENT();
	CHECK(pmm_free(pa, 1) == 0);
	st2 = stats();
	CHECK(st2.free_frames == st.free_frames);
	CHECK(pmm_largest_free_order() >= 11);
	CONSISTENT();
}

/* Every misuse is refused with -EINVAL and leaves the allocator exactly as it was: double
 * free (whole and partial), reserved frame (hole, metadata, beyond the end), misaligned
 * address, zero count. */
static void test_misuse(void)
{
	static const paddr_t r[][2] = { { MiB(1), MiB(8) }, { MiB(16), MiB(24) } };
	unsigned long before = pmm_misuse_count;
	struct pmm_stats st;
	paddr_t pa;

	set_map(2, r);
	CHECK(pmm_init(&map) == 0);
	pa = pmm_alloc(4, 0, PMM_LIMIT_NONE);
	CHECK(pa != 0);
	CHECK(pmm_free(pa + PAGE_SIZE, 1) == 0);
	st = stats();
	CHECK(pmm_free(pa + PAGE_SIZE, 1) == -EINVAL);      /* double free */
	CHECK(pmm_free(pa, 4) == -EINVAL);                  /* partly double free */
	CHECK(pmm_free(MiB(10), 1) == -EINVAL);             /* hole between ranges */
	CHECK(pmm_free(MiB(1), 1) == -EINVAL);              /* pmm's own metadata */
	CHECK(pmm_free(GiB(1), 1) == -EINVAL);              /* beyond the managed end */
	CHECK(pmm_free(MiB(24) - PAGE_SIZE, 2) == -EINVAL); /* run crossing the end */
	CHECK(pmm_free(pa + 12, 1) == -EINVAL);             /* misaligned */
	CHECK(pmm_free(pa, 0) == -EINVAL);                  /* zero count */
	CHECK(pmm_misuse_count == before + 8);
	CHECK(stats().free_frames == st.free_frames);
	CHECK(pmm_frame_state(pa / PAGE_SIZE) == PMM_FRAME_USED);
	CONSISTENT();
	CHECK(pmm_free(pa, 1) == 0);
	CHECK(pmm_free(pa + 2 * PAGE_SIZE, 2) == 0);
	CONSISTENT();
}

/* With RAM above 4 GiB: PMM_LIMIT_NONE serves from above 2 GiB, PMM_LIMIT_DIRECT below
 * 2 GiB, an explicit limit keeps the whole run under it, alignment is honoured, and
 * impossible requests return 0. */
static void test_limits(void)
{
	static const paddr_t r[][2] = { { MiB(1), MiB(64) }, { GiB(4), GiB(4) + MiB(64) } };
	paddr_t pa;

	set_map(2, r);
	CHECK(pmm_init(&map) == 0);
	pa = pmm_alloc(1, 0, PMM_LIMIT_NONE);
	CHECK(pa >= GiB(4));
	pa = pmm_alloc(1, 0, PMM_LIMIT_DIRECT);
	CHECK(pa != 0 && pa < GiB(2));
	pa = pmm_alloc(5, 0, MiB(16));
	CHECK(pa != 0 && pa + 5 * PAGE_SIZE <= MiB(16));
	pa = pmm_alloc(3, KiB(64), PMM_LIMIT_NONE);
	CHECK(pa != 0 && pa % KiB(64) == 0);
	pa = pmm_alloc(512, MiB(2), PMM_LIMIT_DIRECT);
	CHECK(pa != 0 && pa % MiB(2) == 0 && pa < GiB(2));
	CHECK(pmm_alloc(1, 3 * PAGE_SIZE, PMM_LIMIT_NONE) == 0); /* alignment not a power of 2 */
	CHECK(pmm_alloc(0, 0, PMM_LIMIT_NONE) == 0);
	CHECK(pmm_alloc(1, 0, MiB(1)) == 0);                      /* nothing below 1 MiB */
	CHECK(pmm_alloc((1u << PMM_MAX_ORDER) + 1, 0, PMM_LIMIT_NONE) == 0);
	CONSISTENT();
}

/* A limit that falls inside a free buddy block: RAM at [1 MiB, 2 MiB) (the bookkeeping) and
 * [32 MiB, 64 MiB), one free order-13 block; the low frames are taken first. Expected: a
 * single frame and a 64 KiB-aligned run of 5 under a limit of 48 MiB (and of 40 MiB + 12
 * KiB, not even aligned to 64 KiB) come from the free frames just under the limit, not 0;
 * a limit below the block's first frame still gets 0; everything comes back. */
static void test_limit_inside_block(void)
{
	static const paddr_t r[][2] = { { MiB(1), MiB(2) }, { MiB(32), MiB(64) } };
	static paddr_t low[256];
	struct pmm_stats st;
	paddr_t a, b, c;
	size_t nlow = 0;

	set_map(2, r);
	CHECK(pmm_init(&map) == 0);
	st = stats();
	while (nlow < ARRAY_SIZE(low) && (low[nlow] = pmm_alloc(1, 0, MiB(2))) != 0)
		nlow++;
	CHECK(nlow > 0 && nlow < ARRAY_SIZE(low));
	CHECK(stats().free_frames == MiB(32) / PAGE_SIZE);
	a = pmm_alloc(1, 0, MiB(48));
	CHECK(a >= MiB(32) && a + PAGE_SIZE <= MiB(48));
	b = pmm_alloc(5, KiB(64), MiB(48));
	CHECK(b >= MiB(32) && b % KiB(64) == 0 && b + 5 * PAGE_SIZE <= MiB(48));
	c = pmm_alloc(3, 0, MiB(40) + KiB(12));
	CHECK(c >= MiB(32) && c + 3 * PAGE_SIZE <= MiB(40) + KiB(12));
	CHECK(pmm_alloc(1, 0, MiB(32)) == 0);
	CONSISTENT();
	CHECK(a && pmm_free(a, 1) == 0);
	CHECK(b && pmm_free(b, 5) == 0);
	CHECK(c && pmm_free(c, 3) == 0);
	while (nlow)
		CHECK(pmm_free(low[--nlow], 1) == 0);
	CHECK(stats().free_frames == st.free_frames);
	CONSISTENT();
}

/* Exhaustion: single frames until 0 comes back (no panic), exactly free_frames of them, all
 * distinct; after freeing them all the counters and the largest block are as before. */
static void test_exhaust(void)
{
	static const paddr_t r[][2] = { { MiB(1), MiB(3) }, { MiB(5), MiB(9) } };
	struct pmm_stats st;
	paddr_t *got;
	size_t n = 0;
	int largest;

	set_map(2, r);
	CHECK(pmm_init(&map) == 0);
	st = stats();
	largest = pmm_largest_free_order();
	got = calloc(st.free_frames + 1, sizeof(*got));
	while ((got[n] = pmm_alloc(1, 0, PMM_LIMIT_NONE)) != 0) {
		CHECK(pmm_frame_state(got[n] / PAGE_SIZE) == PMM_FRAME_USED);
		n++;
		if (n > st.free_frames)
			break;
	}
	CHECK(n == st.free_frames);
	CHECK(stats().free_frames == 0);
	CHECK(pmm_largest_free_order() == -1);
	CONSISTENT();
	while (n > 0)
		CHECK(pmm_free(got[--n], 1) == 0);
	CHECK(stats().free_frames == st.free_frames);
	CHECK(pmm_largest_free_order() == largest);
	CONSISTENT();
	free(got);
}

/* The cache of freed 2 MiB blocks on a 32 MiB machine: a freed block stays free (counted,
 * consistent) and is handed out again by the next order-9 request, also for a shorter run
 * whose tail comes back; freeing it again, whole or in part, is reported as a double free
 * and changes nothing; a limit below the cached block is served elsewhere; only 4 blocks
 * are kept (the rest merge); single-frame requests drain the cache before failing, so
 * exactly free_frames frames come out; at the end the largest block is back. */
static void test_block_cache(void)
{
	static const paddr_t r[][2] = { { MiB(1), MiB(32) } };
	unsigned long before = pmm_misuse_count;
	struct pmm_stats st0, st;
	paddr_t a, b, blocks[6], *got;
	size_t n = 0;
	int largest;

	set_map(1, r);
	CHECK(pmm_init(&map) == 0);
	st0 = stats();
	largest = pmm_largest_free_order();
	a = pmm_alloc(512, 0, PMM_LIMIT_NONE);
	CHECK(a != 0 && a % MiB(2) == 0);
	CHECK(pmm_free(a, 512) == 0);
	CHECK(stats().free_frames == st0.free_frames);
	CHECK(pmm_frame_state(a / PAGE_SIZE) == PMM_FRAME_FREE);
	CONSISTENT();

	st = stats();
	CHECK(pmm_free(a, 512) == -EINVAL);                   /* double free of a cached block */
	CHECK(pmm_free(a + 7 * PAGE_SIZE, 1) == -EINVAL);     /* one frame of it */
	CHECK(pmm_free(a + 500 * PAGE_SIZE, 12) == -EINVAL);  /* its tail */
	CHECK(pmm_misuse_count == before + 3);
	CHECK(stats().free_frames == st.free_frames);
	CONSISTENT();

	CHECK(pmm_alloc(512, 0, PMM_LIMIT_NONE) == a);        /* served from the cache */
	CHECK(stats().free_frames == st0.free_frames - 512);
	CHECK(pmm_free(a, 512) == 0);
	b = pmm_alloc(300, 0, PMM_LIMIT_NONE);                /* order 9, shorter run */
	CHECK(b == a);
	CHECK(pmm_frame_state(a / PAGE_SIZE + 299) == PMM_FRAME_USED);
	CHECK(pmm_frame_state(a / PAGE_SIZE + 300) == PMM_FRAME_FREE);
	CHECK(stats().free_frames == st0.free_frames - 300);
	CONSISTENT();
	CHECK(pmm_free(b, 300) == 0);
	blocks[0] = pmm_alloc(512, 0, PMM_LIMIT_NONE);        /* a again */
	blocks[1] = pmm_alloc(512, 0, PMM_LIMIT_NONE);        /* a block above it */
	CHECK(blocks[0] == a && blocks[1] > a);
	CHECK(pmm_free(blocks[0], 512) == 0);
	CHECK(pmm_free(blocks[1], 512) == 0);                 /* cached last, handed out first */
	b = pmm_alloc(512, 0, blocks[1]);                     /* but it lies above the limit */
	CHECK(b == a);
	CONSISTENT();
	CHECK(pmm_free(b, 512) == 0);

	for (int i = 0; i < 6; i++) {
		blocks[i] = pmm_alloc(512, 0, PMM_LIMIT_NONE);
		CHECK(blocks[i] != 0);
	}
	for (int i = 0; i < 6; i++)
		CHECK(pmm_free(blocks[i], 512) == 0);
	CHECK(stats().free_frames == st0.free_frames);
	CONSISTENT();

	got = calloc(st0.free_frames + 1, sizeof(*got));
	while ((got[n] = pmm_alloc(1, 0, PMM_LIMIT_NONE)) != 0) {
		n++;
		if (n > st0.free_frames)
			break;
	}
	CHECK(n == st0.free_frames);
	CHECK(stats().free_frames == 0);
	CONSISTENT();
	while (n > 0)
		CHECK(pmm_free(got[--n], 1) == 0);
	free(got);
	a = pmm_alloc(512, 0, PMM_LIMIT_NONE);
	CHECK(pmm_free(a, 512) == 0);
	CHECK(pmm_largest_free_order() == largest);           /* drains the cache */
	CHECK(stats().free_frames == st0.free_frames);
	CONSISTENT();
}

/* ---- random sequences against a shadow model ---- */

static uint64_t rng;

static uint64_t rnd(void) { return prng_next(&rng); }

struct live {
	paddr_t pa;
	size_t count;
};

enum { SH_FREE, SH_USED, SH_OUTSIDE };

static bool random_sequence(uint64_t seed, int steps)
{
	static struct live live[256];
	static uint8_t *shadow;
	static size_t shadow_len;
	struct pmm_stats st0, st;
	size_t nlive = 0, nranges, used = 0;
	paddr_t cur = MiB(1);
	pfn_t end_pfn;
	int largest0;

	rng = prng_seed(seed);
	nranges = 1 + rnd() % 4;
	map.n = 0;
	for (size_t i = 0; i < nranges; i++) {
		cur += (rnd() % 64) * PAGE_SIZE;
		map.r[map.n].start = cur;
		cur += (1 + rnd() % 600) * PAGE_SIZE;
		map.r[map.n].end = cur;
		map.n++;
		cur += PAGE_SIZE;
	}
	if (seed % 100 == 0) { /* sometimes memory around and above 2 GiB */
		map.r[map.n].start = GiB(2) - MiB(1);
		map.r[map.n].end = GiB(2) + MiB(1);
		map.n++;
	}
	if (pmm_init(&map) != 0) {
		fprintf(stderr, "seed %llu: pmm_init failed\n", (unsigned long long)seed);
		return false;
	}
	end_pfn = pmm_end_pfn();
	if (shadow_len < end_pfn) {
		free(shadow);
		shadow = malloc(end_pfn);
		shadow_len = end_pfn;
	}
	for (pfn_t p = 0; p < end_pfn; p++)
		shadow[p] = pmm_frame_state(p) == PMM_FRAME_FREE ? SH_FREE : SH_OUTSIDE;
	st0 = stats();
	largest0 = pmm_largest_free_order();

	for (int step = 0; step < steps || nlive > 0; step++) {
		uint64_t op = step >= steps ? 0 : rnd() % 10;

		if (op < 4 && nlive > 0) {
			/* free a live run, sometimes only its first part */
			size_t i = rnd() % nlive;
			size_t n = live[i].count > 1 && rnd() % 3 == 0 ? 1 + rnd() % (live[i].count - 1)
								 : live[i].count;
			pfn_t p = live[i].pa / PAGE_SIZE;

			if (pmm_free(live[i].pa, n) != 0) {
				fprintf(stderr, "seed %llu step %d: free refused\n", (unsigned long long)seed, step);
				return false;
			}
			for (size_t k = 0; k < n; k++)
				shadow[p + k] = SH_FREE;
			used -= n;
			live[i].pa += n * PAGE_SIZE;
			live[i].count -= n;
			if (live[i].count == 0)
				live[i] = live[--nlive];
		} else if (op == 4 && nlive > 0) {
			/* misuse: free a frame that is free now, or a hole; nothing must change */
			struct pmm_stats before = stats();
			paddr_t bad = rnd() % 2 ? (paddr_t)(rnd() % end_pfn) * PAGE_SIZE : live[0].pa + 1;

			if (shadow[bad / PAGE_SIZE] == SH_USED && bad % PAGE_SIZE == 0)
				continue;
			if (pmm_free(bad, 1) != -EINVAL || stats().free_frames != before.free_frames) {
				fprintf(stderr, "seed %llu step %d: misuse at 0x%llx accepted\n",
					(unsigned long long)seed, step, (unsigned long long)bad);
				return false;
			}
		} else if (nlive < 256) {
			size_t count = rnd() % 8 ? 1 + rnd() % 8 : rnd() % 4 ? 1 + rnd() % 300 : 512;
			size_t align = rnd() % 4 ? 0 : PAGE_SIZE << (rnd() % 7);
			paddr_t limit = rnd() % 3 ? PMM_LIMIT_NONE : (rnd() % end_pfn) * PAGE_SIZE;
			paddr_t pa = pmm_alloc(count, align, limit);
			pfn_t p = pa / PAGE_SIZE;

			if (pa == 0) {
				if (count == 1 && limit == PMM_LIMIT_NONE && align == 0 &&
				    stats().free_frames != 0) {
					fprintf(stderr, "seed %llu: single frame refused while free\n",
						(unsigned long long)seed);
					return false;
				}
			} else {
				if ((align && pa % align) || (limit != PMM_LIMIT_NONE && pa + count * PAGE_SIZE > limit)) {
					fprintf(stderr, "seed %llu step %d: alignment or limit broken\n",
						(unsigned long long)seed, step);
					return false;
				}
				for (size_t k = 0; k < count; k++) {
					if (p + k >= end_pfn || shadow[p + k] != SH_FREE) {
						fprintf(stderr, "seed %llu step %d: frame 0x%llx handed out twice or reserved\n",
							(unsigned long long)seed, step,
							(unsigned long long)(p + k));
						return false;
					}
					shadow[p + k] = SH_USED;
				}
				used += count;
				live[nlive++] = (struct live){ pa, count };
			}
		}
		st = stats();
		if (st.free_frames + used + st.reserved_frames != st.total_frames ||
		    !pmm_check(why, sizeof(why))) {
			fprintf(stderr, "seed %llu step %d: free %llu + used %zu + reserved %llu != total %llu; %s\n",
				(unsigned long long)seed, step, (unsigned long long)st.free_frames, used,
				(unsigned long long)st.reserved_frames,
				(unsigned long long)st.total_frames, why);
			return false;
		}
	}
	st = stats();
	if (st.free_frames != st0.free_frames || pmm_largest_free_order() != largest0) {
		fprintf(stderr, "seed %llu: after freeing all, %llu free (was %llu), largest order %d (was %d)\n",
			(unsigned long long)seed, (unsigned long long)st.free_frames,
			(unsigned long long)st0.free_frames, pmm_largest_free_order(), largest0);
		return false;
	}
	return true;
}

/* 10,000 seeded random sequences of single-frame and run allocations (some of 2 MiB, so the
 * 2 MiB cache fills and drains; random alignment and limits), partial frees and misuse
 * attempts (also on cached blocks): after every step free + used + reserved == total and
 * pmm_check holds; no frame is handed out twice or from outside the map; at the end no
 * frame is lost and the largest free block is back. */
static void test_random(void)
{
	for (uint64_t seed = 1; seed <= 10000; seed++) {
		if (!random_sequence(seed, 40)) {
			UNIT_FAIL();
			return;
		}
	}
}

/* A 1 TiB machine (RAM from 1 MiB to 2 GiB and 4 GiB to 1 TiB): metadata stays at a few bits
 * per frame, 1 GiB runs are found, high memory goes first, and everything comes back. */
static void test_1tib(void)
{
	static const paddr_t r[][2] = { { MiB(1), GiB(2) }, { GiB(4), GiB(1024) } };
	struct pmm_stats st;
	paddr_t big, small, low;
	double bits;

	set_map(2, r);
	CHECK(pmm_init(&map) == 0);
	st = stats();
	bits = (double)st.metadata_bytes * 8 / (double)pmm_end_pfn();
	printf("1 TiB: %llu frames, metadata %llu KiB, %.2f bits per frame\n",
	       (unsigned long long)st.total_frames, (unsigned long long)(st.metadata_bytes >> 10), bits);
	CHECK(bits <= 16);
	big = pmm_alloc(1u << PMM_MAX_ORDER, 0, PMM_LIMIT_NONE);
	CHECK(big >= GiB(4) && big % GiB(1) == 0);
	small = pmm_alloc(1, 0, PMM_LIMIT_NONE);
	CHECK(small >= GiB(4));
	low = pmm_alloc(1, 0, PMM_LIMIT_DIRECT);
	CHECK(low != 0 && low < GiB(2));
	CONSISTENT();
	CHECK(pmm_free(big, 1u << PMM_MAX_ORDER) == 0);
	CHECK(pmm_free(small, 1) == 0);
	CHECK(pmm_free(low, 1) == 0);
	CHECK(stats().free_frames == st.free_frames);
	CHECK(pmm_largest_free_order() == PMM_MAX_ORDER);
	CONSISTENT();
}

/* 1 GiB of RAM plus one stray usable 4 KiB just below 2^52: the bookkeeping up to 2^52
 * would need hundreds of GiB below 2 GiB. Expected: pmm_init succeeds anyway, managing the
 * 1 GiB and leaving out the stray page (pmm_end_pfn ends at 1 GiB, no bookkeeping spent on
 * the gap), a KERN_WARN line says what was left out, and frames come and go as usual. */
static void test_stray_high_entry(void)
{
	static const paddr_t r[][2] = { { MiB(16), GiB(1) },
					{ MEMMAP_PHYS_LIMIT - PAGE_SIZE, MEMMAP_PHYS_LIMIT } };
	paddr_t pa;

	set_map(2, r);
	log_capture_clear();
	printk_add_sink(log_capture_sink, false);
	CHECK(pmm_init(&map) == 0);
	printk_remove_sink(log_capture_sink);
	CHECK(pmm_end_pfn() == GiB(1) / PAGE_SIZE);
	CHECK(stats().total_frames == (GiB(1) - MiB(16)) / PAGE_SIZE);
	CHECK(stats().metadata_bytes < MiB(1));
	CHECK(log_captured("pmm: the bookkeeping for usable memory up to 0x10000000000000 would "
			   "not fit below 2 GiB; managing it up to 0x40000000"));
	CHECK(log_captured("4 KiB above left out"));
	pa = pmm_alloc(1, 0, PMM_LIMIT_NONE);
	CHECK(pa >= MiB(16) && pa < GiB(1));
	CHECK(pmm_free(pa, 1) == 0);
	CHECK(pmm_free(MEMMAP_PHYS_LIMIT - PAGE_SIZE, 1) == -EINVAL); /* not managed */
	CONSISTENT();
}

/* 16 MiB of low RAM and 64 TiB above 4 GiB: 16 MiB holds the bookkeeping of about 120 GiB,
 * so the cut falls inside the high range. Expected: pmm_init succeeds, the managed end lies
 * inside [4 GiB, 64 TiB) and its bookkeeping fills most of the 16 MiB (the highest end that
 * fits, not a range boundary), and 1 GiB runs still come from high memory. */
static void test_cut_inside_range(void)
{
	static const paddr_t r[][2] = { { MiB(16), MiB(32) }, { GiB(4), GiB(65536) } };
	paddr_t big;

	set_map(2, r);
	log_capture_clear();
	printk_add_sink(log_capture_sink, false);
	CHECK(pmm_init(&map) == 0);
	printk_remove_sink(log_capture_sink);
	CHECK(pmm_end_pfn() > GiB(64) / PAGE_SIZE && pmm_end_pfn() < GiB(65536) / PAGE_SIZE);
	CHECK(stats().metadata_bytes <= MiB(16) && stats().metadata_bytes > MiB(15));
	CHECK(stats().total_frames == MiB(16) / PAGE_SIZE + pmm_end_pfn() - GiB(4) / PAGE_SIZE);
	CHECK(log_captured("above left out"));
	big = pmm_alloc(1u << PMM_MAX_ORDER, 0, PMM_LIMIT_NONE);
	CHECK(big >= GiB(4) && big + GiB(1) <= (paddr_t)pmm_end_pfn() * PAGE_SIZE);
	CHECK(pmm_free(big, 1u << PMM_MAX_ORDER) == 0);
	CONSISTENT();
}

/* Usable memory only above 4 GiB: no room below 2 GiB for any bookkeeping, however little
 * is kept. Expected: -ENOMEM, and nothing is handed out afterwards. */
static void test_no_low_memory(void)
{
	static const paddr_t r[][2] = { { GiB(4), GiB(8) } };

	set_map(1, r);
	CHECK(pmm_init(&map) == -ENOMEM);
	CHECK(pmm_end_pfn() == 0);
	CHECK(pmm_alloc(1, 0, PMM_LIMIT_NONE) == 0);
}

/* Maps pmm_init must not take (it is given the sanitiser's output, which is never so; a
 * caller that skipped the sanitiser gives these): no range at all (a firmware map without
 * usable RAM), an empty range, a range not page-aligned, ranges out of order, overlapping
 * ones, one past MEMMAP_PHYS_LIMIT. Expected: each -EINVAL before any frame is touched,
 * after a sound map was in use: nothing managed then (no end, no frames, no allocation),
 * never a half-built allocator; the sound map taken again afterwards. */
static void test_refused_maps(void)
{
	static const paddr_t good[][2] = { { MiB(1), MiB(8) }, { MiB(16), MiB(24) } };
	static const paddr_t empty[][2] = { { MiB(1), MiB(1) } };
	static const paddr_t unaligned[][2] = { { MiB(1) + 0x800, MiB(8) } };
	static const paddr_t unsorted[][2] = { { MiB(16), MiB(24) }, { MiB(1), MiB(8) } };
	static const paddr_t overlap[][2] = { { MiB(1), MiB(8) }, { MiB(4), MiB(12) } };
	static const paddr_t beyond[][2] = { { MiB(1), MiB(8) },
					     { GiB(4), MEMMAP_PHYS_LIMIT + PAGE_SIZE } };
	static const struct {
		size_t n;
		const paddr_t (*r)[2];
	} bad[] = { { 0, good }, { 1, empty }, { 1, unaligned }, { 2, unsorted }, { 2, overlap },
		    { 2, beyond } };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		set_map(2, good);
		CHECK(pmm_init(&map) == 0 && pmm_end_pfn() == MiB(24) / PAGE_SIZE);
		set_map(bad[i].n, bad[i].r);
		int rc = pmm_init(&map);
		CHECK_EQ(rc, -EINVAL);
		if (rc != -EINVAL)
			fprintf(stderr, "  bad map %zu: %d\n", i, rc);
		CHECK(pmm_end_pfn() == 0 && stats().total_frames == 0 && stats().free_frames == 0);
		CHECK(pmm_alloc(1, 0, PMM_LIMIT_NONE) == 0);
	}
	set_map(2, good);
	CHECK(pmm_init(&map) == 0 && stats().free_frames > 0);
	CONSISTENT();
}

int main(void)
{
	test_basic();
	test_misuse();
	test_limits();
	test_limit_inside_block();
	test_exhaust();
	test_block_cache();
	test_random();
	test_1tib();
	test_stray_high_entry();
	test_cut_inside_range();
	test_no_low_memory();
	test_refused_maps();
	return unit_exit("test_pmm");
}
