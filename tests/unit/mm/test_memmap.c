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
#include "prng.h"
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
	struct memmap small = { room, 0, 4, 0 };

	for (size_t i = 0; i < 20; i++)
		many[i] = (struct mem_region)R(MiB(2) * (i + 1), MiB(1), i % 2 ? X : U);
	CHECK(memmap_sanitize(many, 20, NULL, 0, &small) == -E2BIG);
	CHECK(small.n <= 4);
	for (size_t i = 0; i < small.n; i++)
		CHECK(small.r[i].start % MiB(4) == MiB(2) && small.r[i].end - small.r[i].start == MiB(1));
}

/* Prints a map the test did not expect. */
static void show(const char *what, const struct memmap *m)
{
	fprintf(stderr, "%s: %zu ranges, dropped %llu:\n", what, m->n,
		(unsigned long long)m->dropped);
	for (size_t i = 0; i < m->n; i++)
		fprintf(stderr, "  [0x%llx-0x%llx)\n", (unsigned long long)m->r[i].start,
			(unsigned long long)m->r[i].end);
}

/* Firmware holes strictly inside one usable range, with room for only two output ranges:
 * the first hole splits [0, 100 MiB); the next two find the map full and each cuts off the
 * smaller side (9 MiB) instead. Expected: -E2BIG, [0, 10 MiB) and [31 MiB, 100 MiB), no
 * hole listed, 18 MiB counted as dropped. */
static void test_full_split_trims(void)
{
	static const struct mem_region in[] = {
		R(0, MiB(100), U),
		R(MiB(10), MiB(1), X),
		R(MiB(20), MiB(1), MEM_ACPI_NVS),
		R(MiB(30), MiB(1), MEM_ACPI_RECLAIMABLE),
	};
	struct memmap_range room[2];
	struct memmap small = { room, 0, 2, 0 };
	int failed = unit_failures, err = memmap_sanitize(in, 4, NULL, 0, &small);

	CHECK(err == -E2BIG);
	CHECK(small.n == 2 && small.r[0].start == 0 && small.r[0].end == MiB(10) &&
	      small.r[1].start == MiB(31) && small.r[1].end == MiB(100));
	CHECK(small.dropped == MiB(18));
	CHECK(memmap_check_subset(in, 4, NULL, 0, &small) == NULL);
	if (unit_failures != failed)
		show("full split", &small);
}

/* The boot's own ranges inside a usable range, room for one output range: a firmware hole
 * at 50 MiB keeps the larger head [0, 50 MiB); the low 1 MiB trims it; the kernel at
 * [2 MiB, 4 MiB) finds the map full and takes the 1 MiB head with it. Expected: -E2BIG,
 * only [4 MiB, 50 MiB), the kernel image not listed, 50 MiB counted as dropped. */
static void test_full_split_kernel(void)
{
	static const struct mem_region in[] = { R(0, MiB(100), U), R(MiB(50), MiB(1), X) };
	static const struct memmap_range res[] = { { 0, MiB(1) }, { MiB(2), MiB(4) } };
	struct memmap_range room[1];
	struct memmap small = { room, 0, 1, 0 };
	int failed = unit_failures;

	CHECK(memmap_sanitize(in, 2, res, 2, &small) == -E2BIG);
	CHECK(small.n == 1 && small.r[0].start == MiB(4) && small.r[0].end == MiB(50));
	CHECK(small.dropped == MiB(50));
	CHECK(memmap_check_subset(in, 2, res, 2, &small) == NULL);
	if (unit_failures != failed)
		show("full split, kernel", &small);
}

/* More usable regions than room, the largest listed last: it replaces the smallest range
 * kept. Expected: -E2BIG, [16 MiB, 18 MiB) and [4 GiB, 5 GiB) kept, the 1 MiB at 8 MiB
 * counted as dropped. */
static void test_full_keeps_larger(void)
{
	static const struct mem_region in[] = {
		R(MiB(8), MiB(1), U),
		R(MiB(16), MiB(2), U),
		R(GiB(4), GiB(1), U),
	};
	struct memmap_range room[2];
	struct memmap small = { room, 0, 2, 0 };
	int failed = unit_failures;

	CHECK(memmap_sanitize(in, 3, NULL, 0, &small) == -E2BIG);
	CHECK(small.n == 2 && small.r[0].start == MiB(16) && small.r[0].end == MiB(18) &&
	      small.r[1].start == GiB(4) && small.r[1].end == GiB(5));
	CHECK(small.dropped == MiB(1));
	if (unit_failures != failed)
		show("keeps larger", &small);
}

/* A full list and usable entries that overlap or touch what it holds (firmware maps list
 * ranges twice, or in pieces): such an entry needs no slot of its own. Room for two, the
 * result [0, 100 MiB) and [200 MiB, 201 MiB) fits: expected 0, both ranges, nothing
 * dropped. Before: the duplicate [0, 50 MiB) took the smallest range's slot, so
 * [200 MiB, 201 MiB) was lost and -E2BIG returned for a map that fits; the piece
 * [100 MiB, 110 MiB) touching [0, 100 MiB) likewise. */
static void test_full_overlapping_entry(void)
{
	static const struct mem_region in[] = {
		R(0, MiB(100), U),
		R(MiB(200), MiB(1), U),
		R(0, MiB(50), U),
		R(MiB(100), MiB(10), U),
	};
	struct memmap_range room[2];
	struct memmap small = { room, 0, 2, 0 };
	int failed = unit_failures;

	CHECK(memmap_sanitize(in, 4, NULL, 0, &small) == 0);
	CHECK(small.n == 2 && small.r[0].start == 0 && small.r[0].end == MiB(110) &&
	      small.r[1].start == MiB(200) && small.r[1].end == MiB(201));
	CHECK(small.dropped == 0);
	CHECK(memmap_check(in, 4, NULL, 0, &small) == NULL);
	if (unit_failures != failed)
		show("overlapping entry, full", &small);
}

/* The kernel's path with a map too big for the static 512 ranges and no room below 2 GiB
 * for a bigger one: the usable entry holding the kernel [2 MiB-8 KiB, 4 MiB+8 KiB), then
 * 560 alternating 8 KiB usable and reserved entries, then 4 GiB above 4 GiB. Expected:
 * -ENOMEM and at most 512 ranges, none touching the kernel image or anything reserved,
 * the 4 GiB above 4 GiB kept, and 'dropped' covering all that is missing against the map
 * sanitised with room enough. */
static void test_from_bootinfo_full(void)
{
	static struct mem_region map[1200];
	static struct memmap_range big_room[1300];
	static struct bootinfo bi;
	struct memmap big = { big_room, 0, 1300, 0 };
	struct memmap_range res[MEMMAP_MAX_RESERVED];
	size_t n = 0, nres;
	const char *why;
	int err;

	map[n++] = (struct mem_region)R(MiB(2) - KiB(8), MiB(2) + KiB(16), U);
	for (size_t i = 0; i < 560; i++) {
		paddr_t b = MiB(8) + i * KiB(16);

		map[n++] = (struct mem_region)R(b, KiB(8), U);
		map[n++] = (struct mem_region)R(b + KiB(8), KiB(8), X);
	}
	map[n++] = (struct mem_region)R(GiB(4), GiB(4), U);
	memset(&bi, 0, sizeof(bi));
	bi.regions = map;
	bi.nregions = n;
	bi.mbi_start = 0x10000;
	bi.mbi_end = 0x11000;
	out.cap = MEMMAP_STATIC_RANGES;
	err = memmap_from_bootinfo(&bi, MiB(2), MiB(4), &out);
	CHECK(err == -ENOMEM);
	CHECK(out.n <= MEMMAP_STATIC_RANGES);
	nres = memmap_boot_reserved(&bi, MiB(2), MiB(4), res, MEMMAP_MAX_RESERVED);
	why = memmap_check_subset(map, n, res, nres, &out);
	if (why) {
		fprintf(stderr, "from_bootinfo, full: %s\n", why);
		UNIT_FAIL();
	}
	for (size_t i = 0; i < out.n; i++)
		CHECK(out.r[i].end <= MiB(2) || out.r[i].start >= MiB(4));
	CHECK(memmap_bytes(&out, GiB(4)) == GiB(4));
	CHECK(memmap_sanitize(map, n, res, nres, &big) == 0);
	CHECK(memmap_bytes(&out, 0) < memmap_bytes(&big, 0));
	CHECK(memmap_bytes(&big, 0) <= memmap_bytes(&out, 0) + out.dropped);
}

/* memmap_boot_reserved lists the low 1 MiB, kernel, boot info, modules and an EGA text
 * screen (80x25 at 64 MiB: 4000 bytes, one page); memmap_from_bootinfo removes them all
 * from a map. */
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
	bi.fb.kind = FB_EGA_TEXT;
	bi.fb.addr = 0x4000000;
	bi.fb.pitch = 160;
	bi.fb.width = 80;
	bi.fb.height = 25;
	n = memmap_boot_reserved(&bi, 0x200000, 0x400000, res, MEMMAP_MAX_RESERVED);
	CHECK(n == 5);
	CHECK(res[4].start == 0x4000000 && res[4].end == 0x4000000 + 4000);
	CHECK(memmap_from_bootinfo(&bi, 0x200000, 0x400000, &out) == 0);
	CHECK(out.n == 4);
	CHECK(out.r[0].start == 0x100000 && out.r[0].end == 0x200000);
	CHECK(out.r[1].start == 0x400000 && out.r[1].end == 0x1000000);
	CHECK(out.r[2].start == 0x1001000 && out.r[2].end == 0x4000000);
	CHECK(out.r[3].start == 0x4001000 && out.r[3].end == 0x7fe0000);
	CHECK(memmap_bytes(&out, 0) == 0x100000 + 0xc00000 + 0x2fff000 + 0x3fdf000);
	CHECK(memmap_bytes(&out, 0x4000000) == 0x3fdf000);
	CHECK(memmap_check(bi.regions, bi.nregions, res, n, &out) == NULL);
}

/* Pixel framebuffer tags cost no RAM, whatever they claim: the console refuses one that
 * overlaps usable RAM (console_fb_range_check), and one outside it has nothing to carve.
 * Map: [0, 640 KiB) and [1 MiB, 512 MiB) usable. Cases: a lying tag at address 0 of 4 MiB
 * (1024 x 1024 pixels of 4 bytes), one whose pitch * height covers nearly 2^64 bytes, and
 * a plausible one at 0xfd000000 outside RAM. Expected each time: only the low 1 MiB
 * reserved, all 511 MiB above it usable. An EGA text tag with a pitch far past its 80
 * columns reserves only its cells (4000 bytes), not pitch * height. */
static void test_fb_costs_no_ram(void)
{
	static const struct mem_region map[] = { R(0, KiB(640), U), R(MiB(1), MiB(511), U) };
	static const struct { uint64_t addr; uint32_t pitch, height; } tags[] = {
		{ 0, 4096, 1024 }, { MiB(1), UINT32_MAX, UINT32_MAX }, { 0xfd000000, 4096, 768 } };
	static struct bootinfo bi;
	struct memmap_range res[MEMMAP_MAX_RESERVED];
	size_t n;

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		memset(&bi, 0, sizeof(bi));
		bi.regions = map;
		bi.nregions = 2;
		bi.fb.kind = i % 2 ? FB_INDEXED : FB_RGB;
		bi.fb.addr = tags[i].addr;
		bi.fb.pitch = tags[i].pitch;
		bi.fb.width = 1024;
		bi.fb.height = tags[i].height;
		bi.fb.bpp = 32;
		n = memmap_boot_reserved(&bi, 0, 0, res, MEMMAP_MAX_RESERVED);
		CHECK_EQ(memmap_from_bootinfo(&bi, 0, 0, &out), 0);
		CHECK_EQ(out.n, 1);
		CHECK_EQ(memmap_bytes(&out, 0), MiB(511));
		CHECK(memmap_check(bi.regions, bi.nregions, res, n, &out) == NULL);
	}
	bi.fb.kind = FB_EGA_TEXT;
	bi.fb.addr = MiB(8);
	bi.fb.width = 80;
	bi.fb.height = 25;
	bi.fb.pitch = UINT32_MAX;
	CHECK_EQ(memmap_from_bootinfo(&bi, 0, 0, &out), 0);
	CHECK_EQ(memmap_bytes(&out, 0), MiB(511) - KiB(4));
}

static uint64_t rng_state;

static uint64_t rnd(void) { return prng_next(&rng_state); }

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

/* A random firmware map of up to 40 regions (a third not usable, some huge or wrapping)
 * into in[] and up to 6 reserved ranges into res[], from rng_state. */
static void random_map(struct mem_region *in, size_t *n, struct memmap_range *res, size_t *nres)
{
	*n = rnd() % 41;
	*nres = rnd() % 7;
	for (size_t i = 0; i < *n; i++) {
		in[i].base = rnd_addr();
		in[i].length = rnd() % 4 == 0 ? rnd() : rnd() % 0x800000;
		in[i].type = rnd() % 3 ? MEM_USABLE : (uint32_t)(rnd() % 8);
	}
	for (size_t i = 0; i < *nres; i++) {
		res[i].start = rnd_addr();
		res[i].end = rnd() % 16 ? res[i].start + rnd() % 0x100000 : rnd();
	}
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

		rng_state = prng_seed(seed);
		random_map(in, &n, res, &nres);
		CHECK(memmap_sanitize(in, n, res, nres, &out) == 0);
		err = memmap_check(in, n, res, nres, &out);
		if (err) {
			fprintf(stderr, "random seed %llu: %s\n", (unsigned long long)seed, err);
			UNIT_FAIL();
			return;
		}
	}
}

/* 3,000 seeded random maps sanitised into room for 1-6 ranges, and again with room
 * enough. Expected: when they fit, the same result; when not (-E2BIG), the small map lists
 * only usable, unblocked pages (memmap_check_subset), no more than the full one, and at
 * most 'dropped' bytes less. The seeds reach both cases. */
static void test_random_full(void)
{
	static struct mem_region in[40];
	struct memmap_range res[6], room[6];
	int fit = 0, too_big = 0;

	for (uint64_t seed = 1; seed <= 3000; seed++) {
		struct memmap small = { room, 0, 0, 0 };
		size_t n, nres;
		const char *err = NULL;
		int ret;

		rng_state = prng_seed(seed ^ 0x5eed);
		random_map(in, &n, res, &nres);
		small.cap = 1 + rnd() % 6;
		CHECK(memmap_sanitize(in, n, res, nres, &out) == 0);
		ret = memmap_sanitize(in, n, res, nres, &small);
		fit += ret == 0;
		too_big += ret == -E2BIG;
		if (ret == 0 && (small.n != out.n || small.dropped != 0 ||
				 memcmp(small.r, out.r, out.n * sizeof(out.r[0]))))
			err = "fit, but differs from the result with room enough";
		else if (ret != 0 && ret != -E2BIG)
			err = "neither 0 nor -E2BIG";
		else if (ret == -E2BIG)
			err = memmap_check_subset(in, n, res, nres, &small);
		if (!err && (memmap_bytes(&small, 0) > memmap_bytes(&out, 0) ||
			     memmap_bytes(&out, 0) > memmap_bytes(&small, 0) + small.dropped))
			err = "'dropped' does not cover what is missing";
		if (err) {
			fprintf(stderr, "random full seed %llu (room %zu): %s\n",
				(unsigned long long)seed, small.cap, err);
			show("small", &small);
			UNIT_FAIL();
			return;
		}
	}
	CHECK(fit > 0);
	CHECK(too_big > 0);
}

/* memmap_truncate: at an address inside a range, the range ends there and the ones above
 * go; in a gap, only the ones above go; at the end, nothing changes. Expected: the bytes
 * removed each time, and the ranges left. */
static void test_truncate(void)
{
	static const struct memmap_range r[] = {
		{ MiB(1), MiB(2) }, { GiB(4), GiB(5) }, { GiB(6), GiB(7) } };

	out.n = 3;
	memcpy(out.r, r, sizeof(r));
	CHECK(memmap_truncate(&out, GiB(7)) == 0 && out.n == 3);
	CHECK(memmap_truncate(&out, GiB(4) + MiB(512)) == MiB(512) + GiB(1));
	CHECK(out.n == 2 && out.r[1].start == GiB(4) && out.r[1].end == GiB(4) + MiB(512));
	CHECK(memmap_truncate(&out, GiB(2)) == MiB(512) && out.n == 1);
	CHECK(out.r[0].start == MiB(1) && out.r[0].end == MiB(2));
	CHECK(memmap_truncate(&out, 0) == MiB(1) && out.n == 0);
}

int main(void)
{
	test_table();
	test_output_full();
	test_full_split_trims();
	test_full_split_kernel();
	test_full_keeps_larger();
	test_full_overlapping_entry();
	test_from_bootinfo_full();
	test_bootinfo();
	test_fb_costs_no_ram();
	test_random();
	test_random_full();
	test_truncate();
	return unit_exit("test_memmap");
}
