// SPDX-License-Identifier: MIT
/*
 * Host tests of the memory-map sanitiser (src/mm/memmap.c): hand-written malformed maps with
 * their exact expected output, then seeded random maps checked against the properties of
 * memmap_check.c (sorted, disjoint, aligned, nothing reserved listed, complete, idempotent).
 */
#include <lios/errno.h>
#include <lios/memmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "memmap_check.h"
#include "../unit.h"

MEMMAP_STATIC(out, MEMMAP_STATIC_RANGES);


#define R(b, l, t) { .base = (b), .length = (l), .type = (t) }
#define U MEM_USABLE
#define X MEM_RESERVED

struct table_case {
	const char *name;
	struct mem_region in[8];
	size_t nin;
	struct memmap_range res[4];
	size_t nres;
	struct memmap_range want[8];
	size_t nwant;
};

/* Each case: a malformed firmware map, the reserved ranges, and the exact expected output. */
static const struct table_case table[] = {
	/* Empty map: nothing usable. */
	{ "empty", {}, 0, {}, 0, {}, 0 },
	/* Zero-length and unaligned entries: unaligned ends shrink inward, empty ones vanish. */
	{ "unaligned", { R(0x100000, 0, U), R(0x100123, 0x3000, U) }, 2, {}, 0,
	  { { 0x101000, 0x103000 } }, 1 },
	/* Unsorted and overlapping usable entries merge into one range. */
	{ "merge", { R(0x300000, 0x100000, U), R(0x100000, 0x180000, U), R(0x280000, 0x100000, U) }, 3,
	  {}, 0, { { 0x100000, 0x400000 } }, 1 },
	/* A reserved entry inside a usable one wins and splits it, rounded outward to pages. */
	{ "reserved wins", { R(0x100000, 0x400000, U), R(0x200800, 0x10, X) }, 2, {}, 0,
	  { { 0x100000, 0x200000 }, { 0x201000, 0x500000 } }, 2 },
	/* Same overlap listed in the other order: same result. */
	{ "reserved first", { R(0x200800, 0x10, X), R(0x100000, 0x400000, U) }, 2, {}, 0,
	  { { 0x100000, 0x200000 }, { 0x201000, 0x500000 } }, 2 },
	/* Unknown and ACPI types count as reserved. */
	{ "unknown type", { R(0x100000, 0x300000, U), R(0x200000, 0x1000, 77),
			    R(0x300000, 0x1000, MEM_ACPI_RECLAIMABLE) }, 3, {}, 0,
	  { { 0x100000, 0x200000 }, { 0x201000, 0x300000 }, { 0x301000, 0x400000 } }, 3 },
	/* A length wrapping past 2^64 is clamped to the 52-bit physical limit. */
	{ "wrap", { R(0xfffff000000ull, UINT64_MAX, U) }, 1, {}, 0,
	  { { 0xfffff000000ull, MEMMAP_PHYS_LIMIT } }, 1 },
	/* Entries starting above 2^52 are dropped; RAM above 4 GiB is kept. */
	{ "high", { R(MEMMAP_PHYS_LIMIT, 0x1000, U), R(0x100000000ull, 0x40000000ull, U) }, 2, {}, 0,
	  { { 0x100000000ull, 0x140000000ull } }, 1 },
	/* Reserved ranges (kernel, low 1 MiB) are carved out; one wrapping reserved range blocks
	 * everything above its start. */
	{ "carve", { R(0, 0x2000000, U), R(0x100000000ull, 0x1000000, U) }, 2,
	  { { 0, 0x100000 }, { 0x200000, 0x280000 }, { 0x100800000ull, 5 } }, 3,
	  { { 0x100000, 0x200000 }, { 0x280000, 0x2000000 }, { 0x100000000ull, 0x100800000ull } }, 3 },
	/* Touching usable entries of different origins merge; a zero-length reserved range is
	 * ignored. */
	{ "touching", { R(0x100000, 0x100000, U), R(0x200000, 0x100000, U) }, 2,
	  { { 0x180000, 0x180000 } }, 1, { { 0x100000, 0x300000 } }, 1 },
};

/* Runs every table case and compares with its expected ranges exactly. */
static void test_table(void)
{
	for (size_t c = 0; c < sizeof(table) / sizeof(table[0]); c++) {
		const struct table_case *t = &table[c];
		const char *err;
		bool same;

		CHECK(memmap_sanitize(t->in, t->nin, t->res, t->nres, &out) == 0);
		same = out.n == t->nwant && !memcmp(out.r, t->want, t->nwant * sizeof(t->want[0]));
		if (!same) {
			fprintf(stderr, "case %s: got %zu ranges:\n", t->name, out.n);
			for (size_t i = 0; i < out.n; i++)
				fprintf(stderr, "  [0x%llx-0x%llx)\n", (unsigned long long)out.r[i].start,
					(unsigned long long)out.r[i].end);
			UNIT_FAIL();
		}
		err = memmap_check(t->in, t->nin, t->res, t->nres, &out);
		if (err) {
			fprintf(stderr, "case %s: %s\n", t->name, err);
			UNIT_FAIL();
		}
	}
}

/* More ranges than the output holds: -E2BIG, never an overflow, and what was kept is still
 * usable memory only. */
static void test_output_full(void)
{
	static struct mem_region many[20];
	struct memmap_range room[4];
	struct memmap small = { room, 0, 4 };

	for (size_t i = 0; i < 20; i++)
		many[i] = (struct mem_region)R(MiB(2) * (i + 1), MiB(1), i % 2 ? X : U);
	CHECK(memmap_sanitize(many, 20, NULL, 0, &small) == -E2BIG);
	CHECK(small.n <= 4);
	for (size_t i = 0; i < small.n; i++)
		CHECK(small.r[i].start % MiB(4) == MiB(2) && small.r[i].end - small.r[i].start == MiB(1));
}

/* memmap_boot_reserved lists the low 1 MiB, kernel, boot info, modules and framebuffer;
 * memmap_from_bootinfo removes them all from a map. */
static void test_bootinfo(void)
{
	static struct bootinfo bi;
	struct memmap_range res[MEMMAP_MAX_RESERVED];
	size_t n;

	static const struct mem_region map[] = { R(0, 0x9fc00, U), R(0x100000, 0x7ee0000, U) };

	memset(&bi, 0, sizeof(bi));
	bi.regions = map;
	bi.nregions = 2;
	bi.mbi_start = 0x10000;
	bi.mbi_end = 0x10800;
	bi.nmodules = 1;
	bi.modules[0].start = 0x1000000;
	bi.modules[0].end = 0x1000001;
	bi.fb.kind = FB_RGB;
	bi.fb.addr = 0x4000000;
	bi.fb.pitch = 4096;
	bi.fb.height = 768;
	n = memmap_boot_reserved(&bi, 0x200000, 0x400000, res, MEMMAP_MAX_RESERVED);
	CHECK(n == 5);
	CHECK(memmap_from_bootinfo(&bi, 0x200000, 0x400000, &out) == 0);
	CHECK(out.n == 4);
	CHECK(out.r[0].start == 0x100000 && out.r[0].end == 0x200000);
	CHECK(out.r[1].start == 0x400000 && out.r[1].end == 0x1000000);
	CHECK(out.r[2].start == 0x1001000 && out.r[2].end == 0x4000000);
	CHECK(out.r[3].start == 0x4300000 && out.r[3].end == 0x7fe0000);
	CHECK(memmap_bytes(&out, 0) == 0x100000 + 0xc00000 + 0x2fff000 + 0x3ce0000);
	CHECK(memmap_bytes(&out, 0x4000000) == 0x3ce0000);
	CHECK(memmap_check(bi.regions, bi.nregions, res, n, &out) == NULL);
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A random address: mostly near a few interesting places (low memory, 4 GiB, the limit),
 * sometimes anywhere. */
static uint64_t rnd_addr(void)
{
	static const uint64_t bases[] = { 0, 0x100000, 0x80000000ull, 0x100000000ull,
					  MEMMAP_PHYS_LIMIT - 0x100000, UINT64_MAX - 0x10000 };

	if (rnd() % 8 == 0)
		return rnd();
	return bases[rnd() % 6] + rnd() % 0x1000000;
}

/* 3,000 seeded random maps (up to 40 regions, up to 6 reserved ranges): every property of
 * memmap_check holds. */
static void test_random(void)
{
	static struct mem_region in[40];
	struct memmap_range res[6];

	for (uint64_t seed = 1; seed <= 3000; seed++) {
		size_t n, nres;
		const char *err;

		rng_state = seed * 0x9e3779b97f4a7c15ull;
		n = rnd() % 41;
		nres = rnd() % 7;
		for (size_t i = 0; i < n; i++) {
			in[i].base = rnd_addr();
			in[i].length = rnd() % 4 == 0 ? rnd() : rnd() % 0x800000;
			in[i].type = rnd() % 3 ? MEM_USABLE : (uint32_t)(rnd() % 8);
		}
		for (size_t i = 0; i < nres; i++) {
			res[i].start = rnd_addr();
			res[i].end = rnd() % 16 ? res[i].start + rnd() % 0x100000 : rnd();
		}
		CHECK(memmap_sanitize(in, n, res, nres, &out) == 0);
		err = memmap_check(in, n, res, nres, &out);
		if (err) {
			fprintf(stderr, "random seed %llu: %s\n", (unsigned long long)seed, err);
			UNIT_FAIL();
			return;
		}
	}
}

int main(void)
{
	test_table();
	test_output_full();
	test_bootinfo();
	test_random();
	return unit_exit("test_memmap");
}
