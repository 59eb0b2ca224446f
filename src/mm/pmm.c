// SPDX-License-Identifier: MIT
/*
 * The physical frame allocator: a binary buddy system whose free blocks are recorded in one
 * hierarchical bitmap per order instead of linked lists, so that it never needs to touch the
 * free frames themselves (most of them, above 2 GiB, are not mapped anywhere).
 *
 * Bookkeeping, all in one block carved from the first usable range below 2 GiB at pmm_init()
 * and reached through phys_to_virt() (so the allocator never allocates for itself):
 *  - used[]:     1 bit per frame, set when the frame is handed out, reserved or unmanaged;
 *  - reserved[]: 1 bit per frame, set for frames outside the usable map and the metadata;
 *  - free[k]:    for each order k, 1 bit per naturally aligned block of 2^k frames, set when
 *                that block is free as a whole and not part of a larger free block; above each
 *                bitmap sit summary levels (bit i of level l+1 = word i of level l is not 0),
 *                up to a single top word.
 * That is about 4 bits per frame. Finding the highest free block of an order below a limit
 * walks up and down the summary levels: O(log64 frames), independent of where memory is
 * free, so single-frame cost does not grow with RAM and runs need no scan.
 *
 * Invariants (pmm_check): every frame with a clear used bit lies in exactly one free block;
 * free blocks never overlap; free_frames counts them. A run of any length is served from a
 * block of the next power of two whose tail is given back at once.
 * Policy: PMM_LIMIT_NONE takes the smallest order that has a block above 2 GiB (so direct-
 * mapped memory lasts); a limited request takes the highest block under the limit.
 * Context: single CPU; every entry point masks interrupts around the state it changes.
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/kmalloc.h>
#include <lios/pmm.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "internal.h"

#define HBM_MAX_LEVELS 8
#define DIRECT_PFN (DIRECT_MAP_SIZE >> PAGE_SHIFT)

/* A bitmap with summary levels: lvl[0] holds the bits, lvl[nlevels - 1] is one word. */
struct hbm {
	uint64_t *lvl[HBM_MAX_LEVELS];
	uint64_t words[HBM_MAX_LEVELS];
	uint64_t nbits;
	int nlevels;
};

static struct {
	pfn_t end_pfn;          /* one past the highest managed frame */
	uint64_t *used;         /* end_pfn bits */
	uint64_t *reserved;     /* end_pfn bits */
	struct hbm free[PMM_MAX_ORDER + 1];
	uint64_t total_frames, free_frames, reserved_frames;
	uint64_t free_high;     /* free frames at or above 2 GiB */
	paddr_t meta_pa;
	uint64_t meta_bytes;    /* whole frames */
} pmm;

unsigned long pmm_misuse_count;

static inline uint64_t bit(uint64_t i) { return 1ull << (i & 63); }
static inline int fls64(uint64_t w) { return 63 - __builtin_clzll(w); }

/* Words needed by an hbm of n bits, all levels (n >= 1). */
static uint64_t hbm_words(uint64_t n, struct hbm *h)
{
	uint64_t total = 0, w = (n + 63) / 64;
	int l = 0;

	if (h)
		h->nbits = n;
	for (;;) {
		if (h)
			h->words[l] = w;
		total += w;
		l++;
		if (w == 1)
			break;
		w = (w + 63) / 64;
	}
	if (h)
		h->nlevels = l;
	return total;
}

static bool hbm_test(const struct hbm *h, uint64_t i) { return h->lvl[0][i / 64] & bit(i); }

static void hbm_set(struct hbm *h, uint64_t i)
{
	for (int l = 0; l < h->nlevels; l++) {
		uint64_t old = h->lvl[l][i / 64];

		h->lvl[l][i / 64] = old | bit(i);
		if (old)
			break;
		i /= 64;
	}
}

static void hbm_clear(struct hbm *h, uint64_t i)
{
	for (int l = 0; l < h->nlevels; l++) {
		h->lvl[l][i / 64] &= ~bit(i);
		if (h->lvl[l][i / 64])
			break;
		i /= 64;
	}
}

/* Highest set bit with index < bound, or -1. */
static int64_t hbm_last_below(const struct hbm *h, uint64_t bound)
{
	uint64_t b = MIN(bound, h->nbits), idx;
	int l;

	for (l = 0; l < h->nlevels; l++) {
		uint64_t i, w, m;

		if (b == 0)
			return -1;
		i = b - 1;
		w = h->lvl[l][i / 64];
		m = (i & 63) == 63 ? w : w & ((2ull << (i & 63)) - 1);
		if (m) {
			idx = (i & ~63ull) + (uint64_t)fls64(m);
			goto descend;
		}
		b = i / 64; /* words strictly before this one, one level up */
	}
	return -1;
descend:
	while (l > 0) {
		l--;
		idx = idx * 64 + (uint64_t)fls64(h->lvl[l][idx]);
	}
	return (int64_t)idx;
}

/* Sets (v = true) or clears bits [a, b) of map. */
static void bits_fill(uint64_t *map, uint64_t a, uint64_t b, bool v)
{
	while (a < b) {
		uint64_t n = MIN(64 - (a & 63), b - a);
		uint64_t m = (n == 64 ? ~0ull : ((1ull << n) - 1)) << (a & 63);

		if (v)
			map[a / 64] |= m;
		else
			map[a / 64] &= ~m;
		a += n;
	}
}

/* First index in [a, b) whose bit equals v, or b. */
static uint64_t bits_find(const uint64_t *map, uint64_t a, uint64_t b, bool v)
{
	while (a < b) {
		uint64_t n = MIN(64 - (a & 63), b - a);
		uint64_t m = (n == 64 ? ~0ull : ((1ull << n) - 1)) << (a & 63);
		uint64_t w = (v ? map[a / 64] : ~map[a / 64]) & m;

		if (w)
			return (a & ~63ull) + (uint64_t)__builtin_ctzll(w);
		a += n;
	}
	return b;
}

static void count_free(pfn_t pfn, uint64_t n, bool add)
{
	if (add)
		pmm.free_frames += n;
	else
		pmm.free_frames -= n;
	if (pfn >= DIRECT_PFN) {
		if (add)
			pmm.free_high += n;
		else
			pmm.free_high -= n;
	}
}

/* Frees the aligned block [pfn, pfn + 2^order): clears its used bits, merges with free
 * buddies. */
static void give_block(pfn_t pfn, int order)
{
	uint64_t idx = pfn >> order;

	bits_fill(pmm.used, pfn, pfn + (1ull << order), false);
	count_free(pfn, 1ull << order, true);
	while (order < PMM_MAX_ORDER) {
		uint64_t buddy = idx ^ 1;

		if (buddy >= pmm.free[order].nbits || !hbm_test(&pmm.free[order], buddy))
			break;
		hbm_clear(&pmm.free[order], buddy);
		idx >>= 1;
		order++;
	}
	hbm_set(&pmm.free[order], idx);
}

/* Frees [start, end) as the largest aligned blocks that fit. */
static void give_range(pfn_t start, pfn_t end)
{
	while (start < end) {
		int order = start ? MIN(__builtin_ctzll(start), PMM_MAX_ORDER) : PMM_MAX_ORDER;

		while ((1ull << order) > end - start)
			order--;
		give_block(start, order);
		start += 1ull << order;
	}
}

static bool carve_metadata(const struct memmap *m, uint64_t bytes)
{
	for (size_t i = 0; i < m->n; i++) {
		paddr_t end = MIN(m->r[i].end, (paddr_t)DIRECT_MAP_SIZE);

		if (m->r[i].start < end && end - m->r[i].start >= bytes) {
			pmm.meta_pa = m->r[i].start;
			return true;
		}
	}
	return false;
}

int pmm_init(const struct memmap *usable)
{
	uint64_t words, *p;
	pfn_t meta_start, meta_end;

	memset(&pmm, 0, sizeof(pmm));
	if (usable->n == 0)
		return -EINVAL;
	for (size_t i = 0; i < usable->n; i++) {
		const struct memmap_range *r = &usable->r[i];

		if (r->start >= r->end || !IS_ALIGNED(r->start | r->end, (paddr_t)PAGE_SIZE) ||
		    (i > 0 && r->start < usable->r[i - 1].end) || r->end > MEMMAP_PHYS_LIMIT)
			return -EINVAL;
	}
	pmm.end_pfn = usable->r[usable->n - 1].end >> PAGE_SHIFT;
	words = 2 * ((pmm.end_pfn + 63) / 64);
	for (int k = 0; k <= PMM_MAX_ORDER; k++)
		words += hbm_words((pmm.end_pfn + (1ull << k) - 1) >> k, &pmm.free[k]);
	pmm.meta_bytes = ALIGN_UP(words * 8, (uint64_t)PAGE_SIZE);
	if (!carve_metadata(usable, pmm.meta_bytes)) {
		pmm.end_pfn = 0;
		return -ENOMEM;
	}

	p = phys_to_virt(pmm.meta_pa);
	memset(p, 0, pmm.meta_bytes);
	pmm.used = p;
	p += (pmm.end_pfn + 63) / 64;
	pmm.reserved = p;
	p += (pmm.end_pfn + 63) / 64;
	for (int k = 0; k <= PMM_MAX_ORDER; k++) {
		for (int l = 0; l < pmm.free[k].nlevels; l++) {
			pmm.free[k].lvl[l] = p;
			p += pmm.free[k].words[l];
		}
	}
	memset(pmm.used, 0xff, (pmm.end_pfn + 63) / 64 * 8);
	memset(pmm.reserved, 0xff, (pmm.end_pfn + 63) / 64 * 8);

	meta_start = pmm.meta_pa >> PAGE_SHIFT;
	meta_end = meta_start + (pmm.meta_bytes >> PAGE_SHIFT);
	for (size_t i = 0; i < usable->n; i++) {
		pfn_t s = usable->r[i].start >> PAGE_SHIFT, e = usable->r[i].end >> PAGE_SHIFT;

		pmm.total_frames += e - s;
		bits_fill(pmm.reserved, s, e, false);
		if (meta_start >= s && meta_end <= e) {
			give_range(s, meta_start);
			give_range(meta_end, e);
		} else {
			give_range(s, e);
		}
	}
	bits_fill(pmm.reserved, meta_start, meta_end, true);
	pmm.reserved_frames = meta_end - meta_start;
	return 0;
}

static int order_of(uint64_t n)
{
	return n <= 1 ? 0 : 64 - __builtin_clzll(n - 1);
}

/* Picks the free block for an order-o request ending at or below limit_pfn. */
static bool find_block(int o, pfn_t limit_pfn, bool prefer_high, int *order, uint64_t *idx)
{
	bool have_low = false;

	for (int k = o; k <= PMM_MAX_ORDER; k++) {
		int64_t i = hbm_last_below(&pmm.free[k], limit_pfn >> k);

		if (i < 0)
			continue;
		if (!prefer_high || pmm.free_high == 0 || ((uint64_t)i << k) >= DIRECT_PFN) {
			*order = k;
			*idx = (uint64_t)i;
			return true;
		}
		if (!have_low) {
			have_low = true;
			*order = k;
			*idx = (uint64_t)i;
		}
	}
	return have_low;
}

paddr_t pmm_alloc(size_t count, size_t align, paddr_t limit)
{
	int o, k, align_order = 0;
	uint64_t idx, irq;
	pfn_t pfn, limit_pfn;

	if (count == 0 || count > (1ull << PMM_MAX_ORDER) || pmm.end_pfn == 0)
		return 0;
	if (align > PAGE_SIZE) {
		if (align & (align - 1))
			return 0;
		align_order = __builtin_ctzll(align) - PAGE_SHIFT;
	}
	o = MAX(order_of(count), align_order);
	if (o > PMM_MAX_ORDER)
		return 0;
	limit_pfn = MIN(limit >> PAGE_SHIFT, pmm.end_pfn);

	irq = arch_irq_save();
	if (!find_block(o, limit_pfn, limit == PMM_LIMIT_NONE, &k, &idx)) {
		arch_irq_restore(irq);
		return 0;
	}
	hbm_clear(&pmm.free[k], idx);
	pfn = idx << k;
	while (k > o) {
		k--;
		hbm_set(&pmm.free[k], (pfn >> k) | 1);
	}
	/* The block's used bits are clear: mark the run, give the tail back. */
	bits_fill(pmm.used, pfn, pfn + count, true);
	count_free(pfn, 1ull << o, false);
	give_range(pfn + count, pfn + (1ull << o));
	arch_irq_restore(irq);
	return (paddr_t)pfn << PAGE_SHIFT;
}

static int report_misuse(const char *what, paddr_t pa, size_t count, uint64_t frame, void *caller)
{
	pmm_misuse_count++;
	printk(KERN_ERR "pmm: %s (at 0x%llx) in pmm_free(0x%llx, %zu) called from %pS\n", what,
	       (unsigned long long)frame, (unsigned long long)pa, count, caller);
	return -EINVAL;
}

int pmm_free(paddr_t pa, size_t count)
{
	void *caller = __builtin_return_address(0);
	pfn_t pfn = pa >> PAGE_SHIFT, bad;
	uint64_t irq;

	if (!IS_ALIGNED(pa, (paddr_t)PAGE_SIZE))
		return report_misuse("misaligned address", pa, count, pa, caller);
	if (count == 0)
		return report_misuse("zero frame count", pa, count, pa, caller);
	if (pfn >= pmm.end_pfn || count > pmm.end_pfn - pfn)
		return report_misuse("frame not managed (reserved)", pa, count,
				     pfn >= pmm.end_pfn ? pa : (paddr_t)pmm.end_pfn << PAGE_SHIFT, caller);

	irq = arch_irq_save();
	bad = bits_find(pmm.reserved, pfn, pfn + count, true);
	if (bad < pfn + count) {
		arch_irq_restore(irq);
		return report_misuse("free of a reserved frame", pa, count, bad << PAGE_SHIFT, caller);
	}
	bad = bits_find(pmm.used, pfn, pfn + count, false);
	if (bad < pfn + count) {
		arch_irq_restore(irq);
		return report_misuse("double free", pa, count, bad << PAGE_SHIFT, caller);
	}
	give_range(pfn, pfn + count);
	arch_irq_restore(irq);
	return 0;
}

void pmm_get_stats(struct pmm_stats *st)
{
	st->total_frames = pmm.total_frames;
	st->free_frames = pmm.free_frames;
	st->reserved_frames = pmm.reserved_frames;
	st->metadata_bytes = pmm.meta_bytes;
}

pfn_t pmm_end_pfn(void) { return pmm.end_pfn; }

enum pmm_frame_state pmm_frame_state(pfn_t pfn)
{
	if (pfn >= pmm.end_pfn || (pmm.reserved[pfn / 64] & bit(pfn)))
		return PMM_FRAME_RESERVED;
	return (pmm.used[pfn / 64] & bit(pfn)) ? PMM_FRAME_USED : PMM_FRAME_FREE;
}

int pmm_largest_free_order(void)
{
	for (int k = PMM_MAX_ORDER; k >= 0; k--)
		if (pmm.end_pfn && hbm_last_below(&pmm.free[k], UINT64_MAX) >= 0)
			return k;
	return -1;
}

#define CHECK(cond, ...)                                                                  \
	do {                                                                              \
		if (!(cond)) {                                                            \
			ksnprintf(why, len, __VA_ARGS__);                                 \
			return false;                                                     \
		}                                                                         \
	} while (0)

static bool check_summaries(const struct hbm *h, int k, char *why, size_t len)
{
	for (int l = 0; l + 1 < h->nlevels; l++)
		for (uint64_t w = 0; w < h->words[l]; w++)
			CHECK(!!h->lvl[l][w] == !!(h->lvl[l + 1][w / 64] & bit(w)),
			      "order %d level %d word %llu: summary bit wrong", k, l,
			      (unsigned long long)w);
	if (h->nbits & 63)
		CHECK(!(h->lvl[0][h->nbits / 64] >> (h->nbits & 63)),
		      "order %d: bit set past the end", k);
	return true;
}

bool pmm_check(char *why, size_t len)
{
	uint64_t in_blocks = 0, high = 0, clear = 0;

	for (int k = 0; k <= PMM_MAX_ORDER; k++) {
		const struct hbm *h = &pmm.free[k];

		if (!check_summaries(h, k, why, len))
			return false;
		for (uint64_t w = 0; w < h->words[0]; w++) {
			for (uint64_t m = h->lvl[0][w]; m; m &= m - 1) {
				uint64_t i = w * 64 + (uint64_t)__builtin_ctzll(m);
				pfn_t s = i << k, e = s + (1ull << k);

				CHECK(e <= pmm.end_pfn, "order %d block %llu past the end", k,
				      (unsigned long long)i);
				CHECK(bits_find(pmm.used, s, e, true) == e,
				      "free block 0x%llx order %d has used frames", (unsigned long long)s, k);
				CHECK(k == PMM_MAX_ORDER || !hbm_test(h, i ^ 1),
				      "free block 0x%llx order %d and its buddy not merged",
				      (unsigned long long)s, k);
				for (int a = k + 1; a <= PMM_MAX_ORDER; a++)
					CHECK(!hbm_test(&pmm.free[a], i >> (a - k)),
					      "free block 0x%llx order %d inside a free order %d block",
					      (unsigned long long)s, k, a);
				in_blocks += e - s;
				if (s >= DIRECT_PFN)
					high += e - s;
			}
		}
	}
	for (uint64_t w = 0; w < (pmm.end_pfn + 63) / 64; w++) {
		clear += (uint64_t)__builtin_popcountll(~pmm.used[w]);
		CHECK(!(pmm.reserved[w] & ~pmm.used[w]), "reserved frame not marked used near 0x%llx",
		      (unsigned long long)(w * 64));
	}
	CHECK(clear == in_blocks, "%llu free frames but %llu in free blocks",
	      (unsigned long long)clear, (unsigned long long)in_blocks);
	CHECK(in_blocks == pmm.free_frames, "free counter %llu, blocks hold %llu",
	      (unsigned long long)pmm.free_frames, (unsigned long long)in_blocks);
	CHECK(high == pmm.free_high, "high counter %llu, blocks hold %llu",
	      (unsigned long long)pmm.free_high, (unsigned long long)high);
	CHECK(pmm.free_frames + pmm.reserved_frames <= pmm.total_frames, "more free than total");
	return true;
}
