/* SPDX-License-Identifier: MIT */
/*
 * Hierarchical bitmaps for the frame allocator (pmm.c), private to src/mm/: a bitmap whose
 * level l + 1 summarises level l (bit i set when word i below is not zero), up to a single
 * top word, so the highest set bit below any bound is found in O(log64 n) steps however
 * sparse the map. Plus the flat-bitmap helpers pmm uses for its used/reserved maps.
 *
 * The structure never allocates: the caller sizes it with hbm_words(), hands it that many
 * zeroed words and points lvl[] into them. The hot single-bit operations are inline here;
 * searches and range fills are in hbm.c. Context: the caller's (pmm masks interrupts).
 */
#ifndef LIOS_MM_HBM_H
#define LIOS_MM_HBM_H

#include <lios/types.h>

#define HBM_MAX_LEVELS 8 /* 64^8 bits: far beyond any physical address space */

/* A bitmap with summary levels: lvl[0] holds the bits, lvl[nlevels - 1] is one word. */
struct hbm {
	uint64_t *lvl[HBM_MAX_LEVELS];
	uint64_t words[HBM_MAX_LEVELS]; /* words of each level */
	uint64_t nbits;
	int nlevels;
};

/* The mask of bit i inside its 64-bit word. */
static inline uint64_t hbm_bit(uint64_t i) { return 1ull << (i & 63); }

/* Index of the highest set bit of w (w != 0). */
static inline int hbm_fls64(uint64_t w) { return 63 - __builtin_clzll(w); }

/* Set bits of w (the kernel links no libgcc, so no __builtin_popcountll). */
static inline unsigned hbm_popcount64(uint64_t w)
{
	w = w - ((w >> 1) & 0x5555555555555555ull);
	w = (w & 0x3333333333333333ull) + ((w >> 2) & 0x3333333333333333ull);
	w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned)((w * 0x0101010101010101ull) >> 56);
}

static inline bool hbm_test(const struct hbm *h, uint64_t i)
{
	return h->lvl[0][i / 64] & hbm_bit(i);
}

/* Sets bit i and the summary bits above it that were clear. */
static inline void hbm_set(struct hbm *h, uint64_t i)
{
	for (int l = 0; l < h->nlevels; l++) {
		uint64_t old = h->lvl[l][i / 64];

		h->lvl[l][i / 64] = old | hbm_bit(i);
		if (old)
			break;
		i /= 64;
	}
}

/* Clears bit i and the summary bits above it whose word became zero. */
static inline void hbm_clear(struct hbm *h, uint64_t i)
{
	for (int l = 0; l < h->nlevels; l++) {
		h->lvl[l][i / 64] &= ~hbm_bit(i);
		if (h->lvl[l][i / 64])
			break;
		i /= 64;
	}
}

uint64_t hbm_words(uint64_t n, struct hbm *h);
int64_t hbm_last_below(const struct hbm *h, uint64_t bound);
void hbm_fill_bits(uint64_t *map, uint64_t a, uint64_t b, bool v);
uint64_t hbm_find_bit(const uint64_t *map, uint64_t a, uint64_t b, bool v);

#endif
