/* SPDX-License-Identifier: MIT */
/*
 * The one pseudo-random generator of the host tests, fuzzers' helpers and benchmarks:
 * Marsaglia's xorshift64 (shifts 13, 7, 17). Deterministic and the same with every libc,
 * so a failing seed replays anywhere; fast enough to sit inside a benchmark loop; not for
 * anything secret. The state is a caller's uint64_t and must never be 0 (0 stays 0):
 * start it with a nonzero constant or prng_seed().
 */
#ifndef LIOS_TEST_PRNG_H
#define LIOS_TEST_PRNG_H

#include <stdint.h>

/* A state for seed: the seed spread over all 64 bits (golden-ratio multiply), plus one.
 * Distinct small seeds give unrelated sequences; only seed 0x0e217c1e66c88cc3 gives 0. */
static inline uint64_t prng_seed(uint64_t seed) { return seed * 0x9e3779b97f4a7c15ull + 1; }

/* Advance *state and return the new value (never 0 for a nonzero state). */
static inline uint64_t prng_next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/* A value in [0, n), n > 0 (modulo bias below 2^-40 for n < 2^24: fine for tests). */
static inline uint64_t prng_below(uint64_t *state, uint64_t n) { return prng_next(state) % n; }

#endif
