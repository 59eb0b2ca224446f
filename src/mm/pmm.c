// SPDX-License-Identifier: MIT
/*
 * The physical frame allocator: a binary buddy system whose free blocks are recorded in one
 * hierarchical bitmap per order instead of linked lists, so that it never needs to touch the
 * free frames themselves (most of them, above 2 GiB, are not mapped anywhere).
 *
 * Bookkeeping, all in one block carved from the first usable range below 2 GiB at pmm_init()
 * and reached through phys_to_virt() (so the allocator never allocates for itself); when
 * the bookkeeping up to the map's end has no room there, the frames above the highest end
 * that fits are left out (pmm_end_pfn() says where the managed frames end):
 *  - used[]:     1 bit per frame, set when the frame is handed out, reserved or unmanaged;
 *  - reserved[]: 1 bit per frame, set for frames outside the usable map and the metadata;
 *  - free[k]:    for each order k, 1 bit per naturally aligned block of 2^k frames, set when
 *                that block is free as a whole and not part of a larger free block; above each
 *                bitmap sit summary levels (bit i of level l+1 = word i of level l is not 0),
 *                up to a single top word.
 * That is about 4 bits per frame; a count per order of free blocks above 2 GiB sits beside
 * it. Finding the highest free block of an order below a limit walks up and down the summary
 * levels: O(log64 frames), one more step per 64 times more RAM and independent of where
 * memory is free, so single-frame cost stays flat as RAM grows and runs need no scan.
 *
 * The hierarchical bitmaps themselves are hbm.c's.
 *
 * Two caches keep blocks freed last aside instead (used bits clear, counted free, not merged)
 * and hand them out first: up to 16 single frames and up to 4 aligned 2 MiB (order 9)
 * blocks, so an alloc/free pair of either size touches no summary level and neither splits
 * nor merges. They go back into the bitmaps when a request would otherwise fail and before
 * pmm_largest_free_order(); a double free of a cached block is caught by its clear used bits.
 *
 * Invariants (pmm_check): every frame with a clear used bit lies in exactly one free block
 * or in one cached block; free blocks never overlap; free_frames counts both. A run of any
 * length is served from a block of the next power of two whose tail is given back at once.
 * Policy (after the caches): PMM_LIMIT_NONE takes the smallest order that has a block above 2 GiB (so direct-
 * mapped memory lasts); a limited request takes the highest block under the limit.
 * Context: single CPU; every entry point masks interrupts around the state it changes.
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/kmalloc.h>
#include <lios/pmm.h>
#include <lios/printk.h>
#include <lios/size.h>
#include <lios/string.h>
#include "hbm.h"
#include "internal.h"

/* Caches of recently freed blocks (see above): cache c holds up to cache_cap[c] blocks of
 * order cache_order[c]; cache 0 is the single-frame one, cache 1 the 2 MiB one. */
#define PMM_NCACHES 2
#define PMM_CACHE_MAX 16
#define PMM_BLOCK_CACHE_ORDER 9
static const int cache_order[PMM_NCACHES] = { 0, PMM_BLOCK_CACHE_ORDER };
static const int cache_cap[PMM_NCACHES] = { 16, 4 };
#define DIRECT_PFN (DIRECT_MAP_SIZE >> PAGE_SHIFT)

static struct {
	pfn_t end_pfn;          /* one past the highest managed frame */
	uint64_t *used;         /* end_pfn bits */
	uint64_t *reserved;     /* end_pfn bits */
	struct hbm free[PMM_MAX_ORDER + 1];
	uint64_t total_frames, free_frames, reserved_frames;
	uint64_t high_blocks[PMM_MAX_ORDER + 1]; /* free blocks at or above 2 GiB, per order */
	uint32_t high_mask;     /* bit k set when high_blocks[k] != 0 */
	struct {
		pfn_t pfn[PMM_CACHE_MAX]; /* recently freed blocks, not in free[] */
		int n;
	} cache[PMM_NCACHES];
	paddr_t meta_pa;
	uint64_t meta_bytes;    /* whole frames */
} pmm;

unsigned long pmm_misuse_count;

static void count_free(uint64_t n, bool add)
{
	if (add)
		pmm.free_frames += n;
	else
		pmm.free_frames -= n;
}

/* Free-block bitmap updates, keeping the per-order count of blocks above 2 GiB. */
static void free_insert(int order, uint64_t idx)
{
	hbm_set(&pmm.free[order], idx);
	if ((idx << order) >= DIRECT_PFN && pmm.high_blocks[order]++ == 0)
		pmm.high_mask |= 1u << order;
}

static void free_remove(int order, uint64_t idx)
{
	hbm_clear(&pmm.free[order], idx);
	if ((idx << order) >= DIRECT_PFN && --pmm.high_blocks[order] == 0)
		pmm.high_mask &= ~(1u << order);
}

/* Frees the aligned block [pfn, pfn + 2^order): clears its used bits, merges with free
 * buddies. */
static void give_block(pfn_t pfn, int order)
{
	uint64_t idx = pfn >> order;

	hbm_fill_bits(pmm.used, pfn, pfn + (1ull << order), false);
	count_free(1ull << order, true);
	while (order < PMM_MAX_ORDER) {
		uint64_t buddy = idx ^ 1;

		if (buddy >= pmm.free[order].nbits || !hbm_test(&pmm.free[order], buddy))
			break;
		free_remove(order, buddy);
		idx >>= 1;
		order++;
	}
	free_insert(order, idx);
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

/* Returns every cached block to the buddy bitmaps (merging). */
static void drain_cache(void)
{
	for (int c = 0; c < PMM_NCACHES; c++) {
		while (pmm.cache[c].n > 0) {
			pfn_t pfn = pmm.cache[c].pfn[--pmm.cache[c].n];

			count_free(1ull << cache_order[c], false); /* give_block counts it again */
			give_block(pfn, cache_order[c]);
		}
	}
}

/* Takes the block put last into cache c if it ends at or below limit_pfn and, with
 * prefer_high, lies above 2 GiB or no free block of its order or more does: true with its
 * first frame in *pfn (used bits still clear, still counted free). */
static inline bool cache_take(int c, pfn_t limit_pfn, bool prefer_high, pfn_t *pfn)
{
	int o = cache_order[c];
	pfn_t p;

	if (pmm.cache[c].n == 0)
		return false;
	p = pmm.cache[c].pfn[pmm.cache[c].n - 1];
	if (p + (1ull << o) > limit_pfn || (prefer_high && p < DIRECT_PFN && (pmm.high_mask >> o)))
		return false;
	pmm.cache[c].n--;
	*pfn = p;
	return true;
}

/* Bytes of bookkeeping for frames [0, end_pfn), whole frames; sets the free[] bitmaps'
 * geometry for that end. */
static uint64_t metadata_bytes(pfn_t end_pfn)
{
	uint64_t words = 2 * ((end_pfn + 63) / 64);

	for (int k = 0; k <= PMM_MAX_ORDER; k++)
		words += hbm_words((end_pfn + (1ull << k) - 1) >> k, &pmm.free[k]);
	return ALIGN_UP(words * 8, (uint64_t)PAGE_SIZE);
}

/* Places the bookkeeping for frames below end_pfn at the start of the first usable range
 * with room for it below 2 GiB and below end_pfn (into pmm.meta_pa, .meta_bytes); false
 * when none has room. */
static bool carve_metadata(const struct memmap *m, pfn_t end_pfn)
{
	paddr_t limit = MIN((paddr_t)end_pfn << PAGE_SHIFT, (paddr_t)DIRECT_MAP_SIZE);
	uint64_t bytes = metadata_bytes(end_pfn);

	for (size_t i = 0; i < m->n; i++) {
		paddr_t end = MIN(m->r[i].end, limit);

		if (m->r[i].start < end && end - m->r[i].start >= bytes) {
			pmm.meta_pa = m->r[i].start;
			pmm.meta_bytes = bytes;
			return true;
		}
	}
	return false;
}

/*
 * The end of the managed frames: the end of the map when its bookkeeping fits below 2 GiB,
 * else the highest frame number whose bookkeeping still fits (a stray usable entry just
 * below 2^52 would otherwise ask for hundreds of GiB of bitmaps), pulled down to the end
 * of the usable memory below it so no bookkeeping is spent on a gap. Bookkeeping grows
 * with the end while the room for it stays the same once the end is past 2 GiB, so the
 * search is a bisection; below 2 GiB it still returns an end that fits. 0 when not even
 * the first range can be tracked. Leaves the geometry and placement of that end in pmm.
 */
static pfn_t fitting_end(const struct memmap *m)
{
	pfn_t lo = m->r[0].end >> PAGE_SHIFT, hi = m->r[m->n - 1].end >> PAGE_SHIFT;
	size_t i = m->n;

	if (carve_metadata(m, hi))
		return hi;
	if (!carve_metadata(m, lo))
		return 0;
	while (hi - lo > 1) { /* carve_metadata(lo) holds, carve_metadata(hi) does not */
		pfn_t mid = lo + (hi - lo) / 2;

		if (carve_metadata(m, mid))
			lo = mid;
		else
			hi = mid;
	}
	while (m->r[i - 1].start >> PAGE_SHIFT >= lo) /* r[0] starts below lo */
		i--;
	lo = MIN(lo, m->r[i - 1].end >> PAGE_SHIFT);
	carve_metadata(m, lo); /* the same ranges below it, less bookkeeping: fits */
	return lo;
}

/* Takes every frame of a sanitised map (those below the cut fitting_end makes when the
 * bookkeeping for all would not fit, saying so); metadata from the first range below 2 GiB
 * that fits. Returns 0, -EINVAL (empty/unsorted map) or -ENOMEM. Boot; may be re-run
 * (host). */
int pmm_init(const struct memmap *usable)
{
	uint64_t *p;
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
	pmm.end_pfn = fitting_end(usable);
	if (pmm.end_pfn == 0)
		return -ENOMEM;
	if (pmm.end_pfn < usable->r[usable->n - 1].end >> PAGE_SHIFT) {
		char left[SIZE_STR_MAX], meta[SIZE_STR_MAX];
		paddr_t cut = (paddr_t)pmm.end_pfn << PAGE_SHIFT;

		printk(KERN_WARN "pmm: the bookkeeping for usable memory up to %#llx would not fit "
		       "below 2 GiB; managing it up to %#llx (%s of bookkeeping), %s above left out\n",
		       (unsigned long long)usable->r[usable->n - 1].end, (unsigned long long)cut,
		       size_format(meta, pmm.meta_bytes),
		       size_format(left, memmap_bytes(usable, cut)));
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
	for (size_t i = 0; i < usable->n && usable->r[i].start >> PAGE_SHIFT < pmm.end_pfn; i++) {
		pfn_t s = usable->r[i].start >> PAGE_SHIFT;
		pfn_t e = MIN(usable->r[i].end >> PAGE_SHIFT, pmm.end_pfn);

		pmm.total_frames += e - s;
		hbm_fill_bits(pmm.reserved, s, e, false);
		if (meta_start >= s && meta_end <= e) {
			give_range(s, meta_start);
			give_range(meta_end, e);
		} else {
			give_range(s, e);
		}
	}
	hbm_fill_bits(pmm.reserved, meta_start, meta_end, true);
	pmm.reserved_frames = meta_end - meta_start;
	return 0;
}

static int order_of(uint64_t n)
{
	return n <= 1 ? 0 : 64 - __builtin_clzll(n - 1);
}

/* Picks the free block for an order-o request ending at or below limit_pfn: the highest
 * block of the smallest order that has one; with prefer_high, the smallest order that has a
 * block above 2 GiB comes first (its highest block is then above 2 GiB). Failing those, a
 * larger block the limit cuts through with an order-o block's room below the limit (the
 * caller splits it toward the limit). */
static bool find_block(int o, pfn_t limit_pfn, bool prefer_high, int *order, uint64_t *idx)
{
	if (prefer_high && (pmm.high_mask >> o)) {
		int k = o + __builtin_ctz(pmm.high_mask >> o);

		*order = k;
		*idx = (uint64_t)hbm_last_below(&pmm.free[k], limit_pfn >> k);
		return true;
	}
	for (int k = o; k <= PMM_MAX_ORDER; k++) {
		int64_t i = hbm_last_below(&pmm.free[k], limit_pfn >> k);

		if (i >= 0) {
			*order = k;
			*idx = (uint64_t)i;
			return true;
		}
	}
	for (int k = o + 1; limit_pfn && k <= PMM_MAX_ORDER; k++) {
		uint64_t i = (limit_pfn - 1) >> k; /* the block holding the last frame below it */

		if (i < pmm.free[k].nbits && hbm_test(&pmm.free[k], i) &&
		    (i << k) + (1ull << o) <= limit_pfn) {
			*order = k;
			*idx = i;
			return true;
		}
	}
	return false;
}

/* count frames aligned to align bytes (0: a page), ending at or below limit; highest block
 * of the smallest fitting order (above 2 GiB first for PMM_LIMIT_NONE). Returns the address
 * or 0. Any context: interrupts masked inside. */
paddr_t pmm_alloc(size_t count, size_t align, paddr_t limit)
{
	int o, k = 0, align_order = 0;
	uint64_t idx = 0, irq;
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
	if (o == 0 && cache_take(0, limit_pfn, limit == PMM_LIMIT_NONE, &pfn)) {
		pmm.used[pfn / 64] |= hbm_bit(pfn);
		count_free(1, false);
		arch_irq_restore(irq);
		return (paddr_t)pfn << PAGE_SHIFT;
	}
	if (o == PMM_BLOCK_CACHE_ORDER && cache_take(1, limit_pfn, limit == PMM_LIMIT_NONE, &pfn))
		goto take;
	if (!find_block(o, limit_pfn, limit == PMM_LIMIT_NONE, &k, &idx)) {
		if (pmm.cache[0].n + pmm.cache[1].n == 0) {
			arch_irq_restore(irq);
			return 0;
		}
		drain_cache(); /* cached frames may complete a block */
		if (!find_block(o, limit_pfn, limit == PMM_LIMIT_NONE, &k, &idx)) {
			arch_irq_restore(irq);
			return 0;
		}
	}
	free_remove(k, idx);
	pfn = idx << k;
	while (k > o) {
		k--;
		/* a block the limit cuts (find_block): keep the upper half while an order-o block
		 * still fits in it below the limit, so the run ends under it */
		if (pfn + (2ull << k) > limit_pfn && pfn + (1ull << k) + (1ull << o) <= limit_pfn) {
			free_insert(k, pfn >> k);
			pfn += 1ull << k;
		} else {
			free_insert(k, (pfn >> k) | 1);
		}
	}
take:
	/* The block's used bits are clear: mark the run, give the tail back. */
	hbm_fill_bits(pmm.used, pfn, pfn + count, true);
	count_free(1ull << o, false);
	give_range(pfn + count, pfn + (1ull << o));
	arch_irq_restore(irq);
	return (paddr_t)pfn << PAGE_SHIFT;
}

static int report_misuse(const char *what, paddr_t pa, size_t count, uint64_t frame, void *caller)
{
	uint64_t irq = arch_irq_save(); /* pmm_free is called from any context: no lost count */

	pmm_misuse_count++;
	arch_irq_restore(irq);
	printk(KERN_ERR "pmm: %s (at 0x%llx) in pmm_free(0x%llx, %zu) called from %pB\n", what,
	       (unsigned long long)frame, (unsigned long long)pa, count, caller);
	return -EINVAL;
}

/* Gives back count frames from pa. Returns 0, or -EINVAL after a report naming the misuse
 * and the caller; then nothing changed. Any context. */
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
	bad = hbm_find_bit(pmm.reserved, pfn, pfn + count, true);
	if (bad < pfn + count) {
		arch_irq_restore(irq);
		return report_misuse("free of a reserved frame", pa, count, bad << PAGE_SHIFT, caller);
	}
	bad = hbm_find_bit(pmm.used, pfn, pfn + count, false);
	if (bad < pfn + count) {
		arch_irq_restore(irq);
		return report_misuse("double free", pa, count, bad << PAGE_SHIFT, caller);
	}
	if (count == 1 && pmm.cache[0].n < cache_cap[0]) {
		pmm.used[pfn / 64] &= ~hbm_bit(pfn);
		count_free(1, true);
		pmm.cache[0].pfn[pmm.cache[0].n++] = pfn;
	} else if (count == (1u << PMM_BLOCK_CACHE_ORDER) && IS_ALIGNED(pfn, (pfn_t)count) &&
		   pmm.cache[1].n < cache_cap[1]) {
		hbm_fill_bits(pmm.used, pfn, pfn + count, false);
		count_free(count, true);
		pmm.cache[1].pfn[pmm.cache[1].n++] = pfn;
	} else {
		give_range(pfn, pfn + count);
	}
	arch_irq_restore(irq);
	return 0;
}

/* Copies the counters into *st. Any context. */
void pmm_get_stats(struct pmm_stats *st)
{
	st->total_frames = pmm.total_frames;
	st->free_frames = pmm.free_frames;
	st->reserved_frames = pmm.reserved_frames;
	st->metadata_bytes = pmm.meta_bytes;
}

/* One past the highest managed frame, 0 before pmm_init. */
pfn_t pmm_end_pfn(void) { return pmm.end_pfn; }

/* State of one frame (tests): free, handed out, or reserved/unmanaged. */
enum pmm_frame_state pmm_frame_state(pfn_t pfn)
{
	if (pfn >= pmm.end_pfn || (pmm.reserved[pfn / 64] & hbm_bit(pfn)))
		return PMM_FRAME_RESERVED;
	return (pmm.used[pfn / 64] & hbm_bit(pfn)) ? PMM_FRAME_USED : PMM_FRAME_FREE;
}

/* Order of the largest free block, -1 when nothing is free (tests, benches). */
int pmm_largest_free_order(void)
{
	uint64_t irq = arch_irq_save();

	drain_cache();
	arch_irq_restore(irq);
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
			CHECK(!!h->lvl[l][w] == !!(h->lvl[l + 1][w / 64] & hbm_bit(w)),
			      "order %d level %d word %llu: summary bit wrong", k, l,
			      (unsigned long long)w);
	if (h->nbits & 63)
		CHECK(!(h->lvl[0][h->nbits / 64] >> (h->nbits & 63)),
		      "order %d: bit set past the end", k);
	return true;
}

/* Cache c: its blocks are aligned, managed, wholly free, in no free block (of any order),
 * and overlap no other cached block. */
static bool check_cache(int c, char *why, size_t len)
{
	int o = cache_order[c];

	CHECK(pmm.cache[c].n >= 0 && pmm.cache[c].n <= cache_cap[c], "cache %d holds %d", c,
	      pmm.cache[c].n);
	for (int i = 0; i < pmm.cache[c].n; i++) {
		pfn_t p = pmm.cache[c].pfn[i], e = p + (1ull << o);

		CHECK(IS_ALIGNED(p, 1ull << o) && e <= pmm.end_pfn &&
		      hbm_find_bit(pmm.used, p, e, true) == e,
		      "cached order %d block 0x%llx not free", o, (unsigned long long)p);
		for (int k = 0; k <= PMM_MAX_ORDER; k++)
			CHECK(k >= o ? !hbm_test(&pmm.free[k], p >> k)
				     : hbm_find_bit(pmm.free[k].lvl[0], p >> k, e >> k, true) == e >> k,
			      "cached order %d block 0x%llx also in a free block", o,
			      (unsigned long long)p);
		for (int d = 0; d < PMM_NCACHES; d++) {
			for (int j = 0; j < pmm.cache[d].n; j++) {
				pfn_t q = pmm.cache[d].pfn[j];

				CHECK((d == c && j == i) || q + (1ull << cache_order[d]) <= p || e <= q,
				      "cached blocks 0x%llx and 0x%llx overlap", (unsigned long long)p,
				      (unsigned long long)q);
			}
		}
	}
	return true;
}

/* Full O(frames) consistency walk (tests and self-tests): false with the reason in why. */
bool pmm_check(char *why, size_t len)
{
	uint64_t in_blocks = 0, clear = 0;

	for (int k = 0; k <= PMM_MAX_ORDER; k++) {
		const struct hbm *h = &pmm.free[k];
		uint64_t high = 0;

		if (!check_summaries(h, k, why, len))
			return false;
		for (uint64_t w = 0; w < h->words[0]; w++) {
			for (uint64_t m = h->lvl[0][w]; m; m &= m - 1) {
				uint64_t i = w * 64 + (uint64_t)__builtin_ctzll(m);
				pfn_t s = i << k, e = s + (1ull << k);

				CHECK(e <= pmm.end_pfn, "order %d block %llu past the end", k,
				      (unsigned long long)i);
				CHECK(hbm_find_bit(pmm.used, s, e, true) == e,
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
					high++;
			}
		}
		CHECK(high == pmm.high_blocks[k], "order %d: %llu blocks above 2 GiB, counter %llu", k,
		      (unsigned long long)high, (unsigned long long)pmm.high_blocks[k]);
		CHECK(!high == !(pmm.high_mask & (1u << k)), "order %d: high_mask bit wrong", k);
	}
	for (uint64_t w = 0; w < (pmm.end_pfn + 63) / 64; w++) {
		clear += hbm_popcount64(~pmm.used[w]);
		CHECK(!(pmm.reserved[w] & ~pmm.used[w]), "reserved frame not marked used near 0x%llx",
		      (unsigned long long)(w * 64));
	}
	for (int c = 0; c < PMM_NCACHES; c++) {
		if (!check_cache(c, why, len))
			return false;
		in_blocks += (uint64_t)pmm.cache[c].n << cache_order[c];
	}
	CHECK(clear == in_blocks, "%llu free frames but %llu in free blocks and the cache",
	      (unsigned long long)clear, (unsigned long long)in_blocks);
	CHECK(in_blocks == pmm.free_frames, "free counter %llu, blocks hold %llu",
	      (unsigned long long)pmm.free_frames, (unsigned long long)in_blocks);
	CHECK(pmm.free_frames + pmm.reserved_frames <= pmm.total_frames, "more free than total");
	return true;
}
