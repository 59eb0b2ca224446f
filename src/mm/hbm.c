// SPDX-License-Identifier: MIT
/*
 * Hierarchical bitmaps (hbm.h): sizing, the bounded search for the highest set bit, and
 * range fill and search on flat bitmaps, for the frame allocator's free, used and reserved
 * maps. Pure computation on memory the caller owns; no allocation, any context.
 */
#include <lios/compiler.h>
#include "hbm.h"

/*
 * hbm_words - words an hbm of n bits needs, all levels (n >= 1); when h is not NULL, also
 * sets its nbits, nlevels and words[] (the caller then points lvl[] into zeroed memory).
 */
uint64_t hbm_words(uint64_t n, struct hbm *h)
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

/* hbm_last_below - index of the highest set bit below bound, or -1 when there is none. */
int64_t hbm_last_below(const struct hbm *h, uint64_t bound)
{
	uint64_t b = MIN(bound, h->nbits), idx;
	int l;

	if (b == h->nbits) { /* no limit: straight down from the top word */
		l = h->nlevels - 1;
		if (!h->lvl[l][0])
			return -1;
		idx = (uint64_t)hbm_fls64(h->lvl[l][0]);
		goto descend;
	}
	for (l = 0; l < h->nlevels; l++) {
		uint64_t i, w, m;

		if (b == 0)
			return -1;
		i = b - 1;
		w = h->lvl[l][i / 64];
		m = (i & 63) == 63 ? w : w & ((2ull << (i & 63)) - 1);
		if (m) {
			idx = (i & ~63ull) + (uint64_t)hbm_fls64(m);
			goto descend;
		}
		b = i / 64; /* words strictly before this one, one level up */
	}
	return -1;
descend:
	while (l > 0) {
		l--;
		idx = idx * 64 + (uint64_t)hbm_fls64(h->lvl[l][idx]);
	}
	return (int64_t)idx;
}

/* hbm_fill_bits - sets (v true) or clears bits [a, b) of the flat bitmap map; whole words
 * are stored directly. */
void hbm_fill_bits(uint64_t *map, uint64_t a, uint64_t b, bool v)
{
	if (!((a | b) & 63)) {
		for (uint64_t w = a / 64; w < b / 64; w++)
			map[w] = v ? ~0ull : 0;
		return;
	}
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

/* hbm_find_bit - first index in [a, b) of the flat bitmap map whose bit equals v, or b;
 * whole words are tested directly. */
uint64_t hbm_find_bit(const uint64_t *map, uint64_t a, uint64_t b, bool v)
{
	if (!((a | b) & 63)) {
		for (uint64_t w = a / 64; w < b / 64; w++) {
			uint64_t x = v ? map[w] : ~map[w];

			if (x)
				return w * 64 + (uint64_t)__builtin_ctzll(x);
		}
		return b;
	}
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
