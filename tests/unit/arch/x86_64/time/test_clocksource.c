// SPDX-License-Identifier: MIT
/*
 * Host tests of the calibration arithmetic (src/arch/x86_64/time/clocksource.c, compiled
 * into this program): TSC frequencies from CPUID leaves 0x15/0x16 and from brand strings,
 * which of them and the measurements is used, counter deltas across a wrap, the
 * disagreement of two sources, 64x64/64 arithmetic, the calibration loop against simulated
 * counters (pauses that hide a wrap, a result no TSC could have), the rate refined over a
 * second (across a wrap, the 1% rule), and the TSC-to-time conversion rebased without a
 * jump. The simulation keeps one true time in
 * picoseconds; every TSC read costs 20 ns and every counter read 1 us (port I/O under
 * emulation), so the loop meets the costs it meets on a machine.
 */
#include <lios/errno.h>
#include <stdio.h>
#include <string.h>
#include "../../../unit.h"
#include "clocksource.h"

/* ------------------------------------------------------------------ simulated clocks */

#define PS_PER_S 1000000000000ull

static struct sim {
	uint64_t now_ps;       /* true time */
	uint64_t tsc_hz;
	uint64_t ref_hz;       /* the reference counter's rate */
	uint64_t ref_offset;   /* its value at time 0 */
	unsigned ref_bits;
	bool frozen;           /* the reference never moves */
	uint64_t stop_ps;      /* the reference stops counting from then on (0: never) */
	uint64_t aux_hz;       /* the aux counter (a local APIC timer) */
	uint64_t gap_at_read;  /* before this reference read (1-based), time jumps by gap_ps */
	uint64_t gap_ps;
	bool gap_every_attempt;/* jump again on every later read after gap_at_read */
	uint64_t slow_tsc_read;/* this TSC read (1-based) takes slow_ps instead of 20 ns */
	uint64_t slow_ps;
	uint64_t reads, tsc_reads;
} sim;

static void sim_reset(uint64_t tsc_hz, uint64_t ref_hz, unsigned bits, uint64_t offset)
{
	sim = (struct sim){.tsc_hz = tsc_hz, .ref_hz = ref_hz, .ref_bits = bits,
			   .ref_offset = offset, .now_ps = 1000000000ull};
}

static uint64_t ticks_at(uint64_t ps, uint64_t hz) { return clock_muldiv(ps, hz, PS_PER_S); }

static uint64_t sim_tsc(void)
{
	uint64_t v = ticks_at(sim.now_ps, sim.tsc_hz);

	sim.tsc_reads++;
	sim.now_ps += sim.tsc_reads == sim.slow_tsc_read ? sim.slow_ps : 20000;
	return v;
}

static uint64_t sim_ref(void *ctx)
{
	uint64_t t = sim.now_ps, mask = sim.ref_bits >= 64 ? ~0ull : (1ull << sim.ref_bits) - 1;

	(void)ctx;
	sim.reads++;
	if (sim.gap_at_read && (sim.reads == sim.gap_at_read ||
				(sim.gap_every_attempt && sim.reads > sim.gap_at_read)))
		sim.now_ps += sim.gap_ps, t = sim.now_ps;
	sim.now_ps += 1000000; /* 1 us per read */
	if (sim.frozen)
		return 0x1234 & mask;
	if (sim.stop_ps && t > sim.stop_ps)
		t = sim.stop_ps;
	return (ticks_at(t, sim.ref_hz) + sim.ref_offset) & mask;
}

static uint64_t sim_aux(void *ctx)
{
	(void)ctx;
	return ticks_at(sim.now_ps, sim.aux_hz) & 0xffffffffu;
}

static struct clock_ref sim_clock(const char *name)
{
	return (struct clock_ref){.name = name, .hz = sim.ref_hz, .bits = sim.ref_bits,
				  .read = sim_ref};
}

/* Limits as tsc.c uses them for a 10 ms window, with the TSC assumed at 10 GHz at most. */
static struct clock_calib_limits limits(uint64_t window_us, uint64_t gap_cycles)
{
	return (struct clock_calib_limits){.window_us = window_us,
					   .freeze_cycles = 2000ull * 10000,
					   .gap_cycles = gap_cycles,
					   .max_cycles = 200000ull * 10000, .attempts = 4,
					   .max_tsc_hz = 10000000000ull};
}

/* |got - want| / want within ppm. */
static bool near(uint64_t got, uint64_t want, uint32_t ppm)
{
	return clock_disagreement_ppm(got, want) <= ppm;
}

/* ------------------------------------------------------------------ CPUID leaves */

/* Leaf 0x15 complete (a Skylake: 24 MHz crystal, ratio 176/2): 2112 MHz from 0x15. */
static void test_cpuid_15(void)
{
	struct cpuid_freq l = {.max_leaf = 0x16, .ratio_den = 2, .ratio_num = 176,
			       .crystal_hz = 24000000, .base_mhz = 2100};
	enum tsc_origin o;

	CHECK_EQ(clock_tsc_hz_from_cpuid(&l, &o), 2112000000ull);
	CHECK_EQ(o, TSC_ORIGIN_CPUID_15);
	/* a 19.2 MHz crystal (Goldmont): ratio 100/1 gives 1.92 GHz; leaf 0x16 is not used */
	l = (struct cpuid_freq){.max_leaf = 0x15, .ratio_den = 1, .ratio_num = 100,
				.crystal_hz = 19200000};
	CHECK_EQ(clock_tsc_hz_from_cpuid(&l, &o), 1920000000ull);
}

/* Leaf 0x15 without the crystal: leaf 0x16's base frequency is the TSC's; without leaf
 * 0x16 (or its value) nothing is known. */
static void test_cpuid_16_fills_crystal(void)
{
	struct cpuid_freq l = {.max_leaf = 0x16, .ratio_den = 2, .ratio_num = 200,
			       .crystal_hz = 0, .base_mhz = 3400};
	enum tsc_origin o;

	CHECK_EQ(clock_tsc_hz_from_cpuid(&l, &o), 3400000000ull);
	CHECK_EQ(o, TSC_ORIGIN_CPUID_16);
	l.max_leaf = 0x15;
	CHECK_EQ(clock_tsc_hz_from_cpuid(&l, &o), 0);
	CHECK_EQ(o, TSC_ORIGIN_NONE);
	l.max_leaf = 0x16;
	l.base_mhz = 0;
	CHECK_EQ(clock_tsc_hz_from_cpuid(&l, &o), 0);
}

/* No leaf 0x15 (QEMU's TCG models, older CPUs), or one that leaves the ratio at 0 (AMD
 * answers zeros): 0, never a division by zero. */
static void test_cpuid_absent(void)
{
	struct cpuid_freq l = {.max_leaf = 0xd, .ratio_den = 2, .ratio_num = 176,
			       .crystal_hz = 24000000};
	enum tsc_origin o;

	CHECK_EQ(clock_tsc_hz_from_cpuid(&l, &o), 0);
	l.max_leaf = 0x15;
	l.ratio_den = 0;
	CHECK_EQ(clock_tsc_hz_from_cpuid(&l, &o), 0);
	l.ratio_den = 2;
	l.ratio_num = 0;
	CHECK_EQ(clock_tsc_hz_from_cpuid(&l, &o), 0);
	CHECK_EQ(o, TSC_ORIGIN_NONE);
}

/* Which rate timer_init uses (clock_tsc_rate_choose), references measured in order
 * (HPET, ACPI PM timer, PIT channel 2; 0: not measured), 10 GHz the bound. */
static void test_rate_choose(void)
{
	/* a Comet Lake client: ratio 284/2, no crystal, leaf 0x16 base 3400 MHz (3.4 GHz
	 * nominal, on a board whose raised base clock makes the TSC run at 3.408 GHz) */
	struct cpuid_freq no_crystal = {.max_leaf = 0x16, .ratio_den = 2, .ratio_num = 284,
					.crystal_hz = 0, .base_mhz = 3400};
	struct cpuid_freq crystal = {.max_leaf = 0x16, .ratio_den = 2, .ratio_num = 176,
				     .crystal_hz = 24000000, .base_mhz = 2100};
	struct cpuid_freq none = {.max_leaf = 0xd};
	const uint64_t max = 10000000000ull;
	uint64_t hpet[3] = {3408123456ull, 3408200000ull, 0};
	uint64_t pm_only[3] = {0, 3408200000ull, 0};
	uint64_t nothing[3] = {0, 0, 0};
	uint64_t refused_then_pm[3] = {24000000000ull, 3408200000ull, 0};
	uint64_t refused_only[3] = {24000000000ull, 0, 0};
	struct tsc_rate r;

	/* leaf 0x15 names its crystal: exact, whatever was measured (2112 MHz) */
	clock_tsc_rate_choose(&crystal, hpet, 3, max, &r);
	CHECK_EQ(r.origin, TSC_ORIGIN_CPUID_15);
	CHECK_EQ(r.hz, 2112000000ull);
	CHECK_EQ(r.ref, -1);
	CHECK_EQ(r.cpuid_hz, 0);
	/* no crystal, the HPET measured: the measurement, 0x15+0x16's 3.4 GHz beside it */
	clock_tsc_rate_choose(&no_crystal, hpet, 3, max, &r);
	CHECK_EQ(r.origin, TSC_ORIGIN_MEASURED);
	CHECK_EQ(r.hz, 3408123456ull);
	CHECK_EQ(r.ref, 0);
	CHECK_EQ(r.cpuid_hz, 3400000000ull);
	/* no HPET: the PM timer's measurement */
	clock_tsc_rate_choose(&no_crystal, pm_only, 3, max, &r);
	CHECK_EQ(r.origin, TSC_ORIGIN_MEASURED);
	CHECK_EQ(r.ref, 1);
	CHECK_EQ(r.hz, 3408200000ull);
	/* no crystal, nothing counts: leaf 0x16's base frequency stays the rate */
	clock_tsc_rate_choose(&no_crystal, nothing, 3, max, &r);
	CHECK_EQ(r.origin, TSC_ORIGIN_CPUID_16);
	CHECK_EQ(r.hz, 3400000000ull);
	CHECK_EQ(r.ref, -1);
	/* the HPET's rate refused (above 10 GHz): the PM timer's; with nothing after it, 0x16 */
	clock_tsc_rate_choose(&no_crystal, refused_then_pm, 3, max, &r);
	CHECK_EQ(r.origin, TSC_ORIGIN_MEASURED);
	CHECK_EQ(r.ref, 1);
	clock_tsc_rate_choose(&no_crystal, refused_only, 3, max, &r);
	CHECK_EQ(r.origin, TSC_ORIGIN_CPUID_16);
	CHECK_EQ(r.hz, 3400000000ull);
	/* no leaf 0x15 (QEMU's TCG): the measurement, nothing beside it; else nothing at all
	 * (the caller estimates) */
	clock_tsc_rate_choose(&none, hpet, 3, max, &r);
	CHECK_EQ(r.origin, TSC_ORIGIN_MEASURED);
	CHECK_EQ(r.cpuid_hz, 0);
	clock_tsc_rate_choose(&none, refused_only, 3, max, &r);
	CHECK_EQ(r.origin, TSC_ORIGIN_NONE);
	CHECK_EQ(r.hz, 0);
}

/* Brand strings: Intel's "@ x.xxGHz" and an "@ NNNMHz" give the nominal rate; QEMU's and
 * AMD's carry none; malformed ones give 0; a string without NUL is read to 48 bytes. */
static void test_brand_string(void)
{
	char raw[48];

	CHECK_EQ(clock_hz_from_brand("Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz"), 3400000000ull);
	CHECK_EQ(clock_hz_from_brand("       Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz"),
		 2400000000ull);
	CHECK_EQ(clock_hz_from_brand("Intel(R) Atom(TM) CPU @ 800MHz"), 800000000ull);
	CHECK_EQ(clock_hz_from_brand("Some CPU @ 1.866GHz"), 1866000000ull);
	CHECK_EQ(clock_hz_from_brand("QEMU Virtual CPU version 2.5+"), 0);
	CHECK_EQ(clock_hz_from_brand("AMD Ryzen 7 5800X 8-Core Processor"), 0);
	CHECK_EQ(clock_hz_from_brand("CPU @ GHz"), 0);
	CHECK_EQ(clock_hz_from_brand("CPU @ 3.40"), 0);
	CHECK_EQ(clock_hz_from_brand("CPU @ 3.4.0GHz"), 0);
	CHECK_EQ(clock_hz_from_brand("CPU @ 99999999999999999999GHz"), 0);
	CHECK_EQ(clock_hz_from_brand(""), 0);
	memset(raw, '9', sizeof(raw));
	memcpy(raw, "CPU @ ", 6);
	CHECK_EQ(clock_hz_from_brand(raw), 0); /* digits run to the end: no unit */
}

/* ------------------------------------------------------------------ arithmetic */

/* Deltas across one wrap for each counter width the kernel reads. */
static void test_counter_wrap(void)
{
	CHECK_EQ(clock_counter_delta(0xfffff0, 0x000010, 24), 0x20);   /* PM timer, 24 bits */
	CHECK_EQ(clock_counter_delta(0x000010, 0xfffff0, 24), 0xffffe0);
	CHECK_EQ(clock_counter_delta(0xfffffff0u, 0x10, 32), 0x20);    /* 32-bit PM, HPET */
	CHECK_EQ(clock_counter_delta(0xfff0, 0x0010, 16), 0x20);       /* PIT */
	CHECK_EQ(clock_counter_delta(~0ull - 1, 1, 64), 3);
	CHECK_EQ(clock_counter_delta(5, 5, 24), 0);
	/* bits above the width are ignored */
	CHECK_EQ(clock_counter_delta(0xff000000, 0xff000005, 24), 5);
}

/* a*b/c beyond 64 bits in the product, as the kernel (no 128-bit division) computes it,
 * against the compiler's own 128-bit arithmetic; saturation when the quotient overflows. */
static void test_muldiv(void)
{
	static const uint64_t v[][3] = {
		{1ull << 63, 1000, 3}, {~0ull, ~0ull, ~0ull}, {123456789012345ull, 1000000, 2096000000ull},
		{3000000000ull * 3600 * 24 * 365, 1000000, 3000000000ull}, {7, 5, 2}, {0, 99, 7},
		{0xfedcba9876543210ull, 0x123456789ull, 0xabcdef0123ull},
	};

	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		unsigned __int128 want = (unsigned __int128)v[i][0] * v[i][1] / v[i][2];

		if (want > ~0ull)
			want = ~0ull; /* the quotient needs more than 64 bits: saturated */
		CHECK_EQ(clock_muldiv(v[i][0], v[i][1], v[i][2]), (uint64_t)want);
	}
	CHECK_EQ(clock_muldiv(~0ull, 4, 2), ~0ull); /* 2^65: saturated */
}

/* The disagreement of two rates in ppm: 1% apart is 10000, either way round near enough;
 * a zero reference is maximal disagreement. */
static void test_disagreement(void)
{
	CHECK_EQ(clock_disagreement_ppm(1010, 1000), 10000);
	CHECK_EQ(clock_disagreement_ppm(990, 1000), 10000);
	CHECK_EQ(clock_disagreement_ppm(2096000000ull, 2096000000ull), 0);
	CHECK(clock_disagreement_ppm(2117000000ull, 2096000000ull) > CLOCK_DISAGREE_PPM);
	CHECK(clock_disagreement_ppm(2100000000ull, 2096000000ull) <= CLOCK_DISAGREE_PPM);
	CHECK_EQ(clock_disagreement_ppm(5, 0), UINT32_MAX);
}

/* ------------------------------------------------------------------ calibration loop */

/* An HPET (100 MHz, 32 bits) against a 2.096 GHz TSC over 10 ms: the rate within 10 ppm,
 * the window about 1 million ticks, and the local APIC timer sampled alongside at its rate. */
static void test_calibrate_hpet(void)
{
	struct clock_ref r;
	struct clock_calib_limits lim = limits(10000, ~0ull);
	struct clock_calib c;

	sim_reset(2096000000ull, 100000000, 32, 0x12345678);
	sim.aux_hz = 62500000;
	r = sim_clock("HPET");
	r.aux = sim_aux;
	r.aux_bits = 32;
	CHECK_EQ(clock_calibrate(&r, sim_tsc, &lim, &c), 0);
	CHECK(near(c.tsc_hz, 2096000000ull, 10));
	CHECK(c.ref_ticks >= 1000000 && c.ref_ticks < 1010000);
	CHECK(near(clock_muldiv(c.aux_ticks, r.hz, c.ref_ticks), 62500000, 50));
	CHECK_EQ(c.restarts, 0);
}

/* Other references read beside a calibration (clock_ref.side), each its own rate, width
 * and start, costing 1 us a read like the reference. */
struct side_sim {
	uint64_t hz, offset;
	unsigned bits;
	bool frozen;
	unsigned reads;
};

static uint64_t sim_side(void *ctx)
{
	struct side_sim *s = ctx;
	uint64_t mask = s->bits >= 64 ? ~0ull : (1ull << s->bits) - 1;

	s->reads++;
	sim.now_ps += 1000000;
	return s->frozen ? 0x77 : (ticks_at(sim.now_ps, s->hz) + s->offset) & mask;
}

/* An HPET window with a PM timer (24 bits, wrapping in the window) and a frozen PIT
 * channel 2 read beside it: the PM timer's ticks over the TSC cycles give the TSC rate
 * within 50 ppm (its reads are bracketed on their own, so the HPET's brackets stay
 * narrow), the PIT's ticks are 0, and each side was read a few times at each end only. */
static void test_calibrate_sides(void)
{
	struct side_sim pm = {.hz = 3579545, .bits = 24, .offset = (1u << 24) - 20000};
	struct side_sim pit = {.hz = 1193182, .bits = 16, .frozen = true};
	struct clock_ref r, side_pm, side_pit;
	struct clock_calib_limits lim = limits(10000, ~0ull);
	struct clock_calib c;

	sim_reset(2096000000ull, 100000000, 32, 0);
	r = sim_clock("HPET");
	side_pm = (struct clock_ref){.name = "PM", .hz = pm.hz, .bits = 24, .read = sim_side, .ctx = &pm};
	side_pit = (struct clock_ref){.name = "PIT", .hz = pit.hz, .bits = 16, .read = sim_side, .ctx = &pit};
	r.side[0] = &side_pm;
	r.side[1] = &side_pit;
	r.nside = 2;
	CHECK_EQ(clock_calibrate(&r, sim_tsc, &lim, &c), 0);
	CHECK(near(c.tsc_hz, 2096000000ull, 10));
	CHECK(c.side[0].ticks > 35000 && c.side[0].ticks < 37000);
	CHECK(near(clock_muldiv(c.side[0].tsc_cycles, pm.hz, c.side[0].ticks), 2096000000ull, 50));
	CHECK(c.side[0].uncertainty_cycles < 2 * 2 * 2200); /* two reads of ~1 us at 2.1 GHz */
	CHECK(c.uncertainty_cycles < 2 * 2 * 2200);
	CHECK_EQ(c.side[1].ticks, 0);
	CHECK(pm.reads <= 8 && pit.reads <= 8);

	/* A failed calibration (the reference frozen) says nothing of its sides. */
	sim_reset(2096000000ull, 100000000, 32, 0);
	sim.frozen = true;
	pm.reads = 0;
	CHECK_EQ(clock_calibrate(&r, sim_tsc, &lim, &c), -ENODEV);
	CHECK(c.side[0].ticks == 0 && c.side[0].tsc_cycles == 0);
}

/* A 24-bit PM timer that wraps in the middle of the window (it starts 1000 ticks before
 * the top): the wrap is counted, the rate is right. */
static void test_calibrate_pm_timer_wrap(void)
{
	struct clock_ref r;
	struct clock_calib_limits lim = limits(10000, ~0ull);
	struct clock_calib c;
	uint64_t start;

	sim_reset(3000000000ull, 3579545, 24, 0);
	start = ticks_at(sim.now_ps, sim.ref_hz);
	sim.ref_offset = (0x1000000 - 1000 - start) & 0xffffff;
	r = sim_clock("ACPI PM timer");
	CHECK_EQ(clock_calibrate(&r, sim_tsc, &lim, &c), 0);
	CHECK(near(c.tsc_hz, 3000000000ull, 10));
	CHECK(c.ref_ticks >= 35795 && c.ref_ticks < 36000);
}

/* A frozen counter (a clock-gated PIT, or an absent one reading a constant) is refused with
 * -ENODEV after the freeze bound (2 ms at the assumed 10 GHz), not after a hang. */
static void test_frozen_counter(void)
{
	struct clock_ref r;
	struct clock_calib_limits lim = limits(10000, ~0ull);
	struct clock_calib c;
	uint64_t t0;

	sim_reset(2000000000ull, 1193182, 16, 0);
	sim.frozen = true;
	r = sim_clock("PIT channel 2");
	t0 = sim.now_ps;
	CHECK_EQ(clock_calibrate(&r, sim_tsc, &lim, &c), -ENODEV);
	CHECK_EQ(c.tsc_hz, 0);
	/* 20 M cycles at 2 GHz: 10 ms of true time, and not much more */
	CHECK(sim.now_ps - t0 < 12 * 1000000000ull);
	/* the same counter moving is accepted by the freeze check */
	sim.frozen = false;
	CHECK(clock_counter_moves(&r, sim_tsc, lim.freeze_cycles));
}

/* A counter that stops half-way through the window: -ETIMEDOUT within max_cycles. */
static void test_counter_stops(void)
{
	struct clock_ref r;
	struct clock_calib_limits lim = limits(10000, ~0ull);
	struct clock_calib c;

	sim_reset(2000000000ull, 3579545, 24, 0);
	sim.stop_ps = sim.now_ps + 5 * 1000000000ull;
	r = sim_clock("ACPI PM timer");
	CHECK_EQ(clock_calibrate(&r, sim_tsc, &lim, &c), -ETIMEDOUT);
	CHECK_EQ(c.tsc_hz, 0);
}

/* A 16-bit PIT and a 100 ms pause in the middle (the emulator descheduled): the pause could
 * hide a wrap (55 ms), so the measurement starts over and the result is right. A pause on
 * every read gives up with -EAGAIN after the attempts (before the overall bound). */
static void test_gap_restarts(void)
{
	struct clock_ref r;
	/* half the 55 ms wrap at the slowest TSC tsc.c assumes (500 MHz) */
	struct clock_calib_limits lim = limits(10000, 27465ull * 500000 / 1000);
	struct clock_calib c;

	sim_reset(2000000000ull, 1193182, 16, 0);
	sim.gap_at_read = 4000;
	sim.gap_ps = 100 * 1000000000ull;
	r = sim_clock("PIT channel 2");
	CHECK_EQ(clock_calibrate(&r, sim_tsc, &lim, &c), 0);
	CHECK_EQ(c.restarts, 1);
	CHECK(near(c.tsc_hz, 2000000000ull, 50));

	sim_reset(2000000000ull, 1193182, 16, 0);
	sim.gap_at_read = 100;
	sim.gap_ps = 10 * 1000000000ull; /* 10 ms: over the 6.9 ms limit at 2 GHz */
	sim.gap_every_attempt = true;
	CHECK_EQ(clock_calibrate(&r, sim_tsc, &lim, &c), -EAGAIN);
	CHECK_EQ(c.restarts, 4);
}

/* One slow TSC read at the window's start (an SMI between the brackets): the narrowest of
 * the bracketed reads is used, so the result stays within 20 ppm instead of being off by
 * the 50 us the slow read took (0.5% of the window). */
static void test_wide_bracket_avoided(void)
{
	struct clock_ref r;
	struct clock_calib_limits lim = limits(10000, ~0ull);
	struct clock_calib c;

	sim_reset(2000000000ull, 100000000, 32, 0);
	sim.slow_tsc_read = 4; /* inside the first bracketed read */
	sim.slow_ps = 50 * 1000000ull;
	r = sim_clock("HPET");
	CHECK_EQ(clock_calibrate(&r, sim_tsc, &lim, &c), 0);
	CHECK(near(c.tsc_hz, 2000000000ull, 20));
	CHECK(c.uncertainty_cycles < 10000);
}

/* A 60 ms pause (an SMI, the emulator descheduled) after each TSC read in turn, from the
 * first to well inside the window, against a 16-bit PIT (wraps every 55 ms) with tsc.c's
 * pause limit (half a wrap at 1 GHz: 13.7 ms at this 2 GHz TSC). Among them are pauses
 * right after the window's chosen opening read, while the other bracketed tries still
 * run: the wrap they hide must be noticed like any other. Expected: every calibration
 * succeeds (starting over after the pause) with the right rate within 0.1% (a 0.84 us
 * PIT tick is 170 ppm of 5 ms), never one a wrap short (11 times too fast). */
static void test_pause_after_any_read(void)
{
	struct clock_calib_limits lim = limits(5000, 27465ull * 1000000 / 1000);
	struct clock_ref r;
	struct clock_calib c;

	for (uint64_t k = 1; k <= 80; k++) {
		sim_reset(2000000000ull, 1193182, 16, 0);
		sim.slow_tsc_read = k;
		sim.slow_ps = 60 * 1000000000ull;
		r = sim_clock("PIT channel 2");
		CHECK_EQ(clock_calibrate(&r, sim_tsc, &lim, &c), 0);
		if (!near(c.tsc_hz, 2000000000ull, 1000)) {
			fprintf(stderr, "  60 ms pause after TSC read %llu: TSC %llu Hz\n",
				(unsigned long long)k, (unsigned long long)c.tsc_hz);
			CHECK(near(c.tsc_hz, 2000000000ull, 1000));
		}
	}
}

/* A reference whose stated rate is 12 times its real one (a 100 MHz counter described as
 * 1.2 GHz) makes a 2 GHz TSC measure 24 GHz, above the 10 GHz bound: refused with -ERANGE
 * and no rate, the counts kept for the message. The same within the bound, or with no
 * bound given, is accepted. */
static void test_rate_above_any_tsc(void)
{
	struct clock_calib_limits lim = limits(5000, ~0ull);
	struct clock_ref r;
	struct clock_calib c;

	sim_reset(2000000000ull, 100000000, 32, 0);
	r = sim_clock("HPET");
	r.hz = 1200000000;
	CHECK_EQ(clock_calibrate(&r, sim_tsc, &lim, &c), -ERANGE);
	CHECK_EQ(c.tsc_hz, 0);
	CHECK(near(clock_muldiv(c.tsc_cycles, r.hz, c.ref_ticks), 24000000000ull, 50));
	/* 6 times: 12 GHz, still above */
	r.hz = 600000000;
	CHECK_EQ(clock_calibrate(&r, sim_tsc, &lim, &c), -ERANGE);
	/* 4 times: 8 GHz, a rate some TSC might have: accepted */
	r.hz = 400000000;
	CHECK_EQ(clock_calibrate(&r, sim_tsc, &lim, &c), 0);
	CHECK(near(c.tsc_hz, 8000000000ull, 50));
	/* no bound: even 24 GHz is returned */
	lim.max_tsc_hz = 0;
	r.hz = 1200000000;
	CHECK_EQ(clock_calibrate(&r, sim_tsc, &lim, &c), 0);
	CHECK(near(c.tsc_hz, 24000000000ull, 50));
}

/* Two sources measured in turn agree within far less than 1%: the cross-check passes;
 * a TSC rate 2% off one of them is reported as a disagreement. */
static void test_two_sources_cross_check(void)
{
	struct clock_ref hpet, pm;
	struct clock_calib_limits lim = limits(10000, ~0ull);
	struct clock_calib a, b;

	sim_reset(2500000000ull, 100000000, 32, 0);
	hpet = sim_clock("HPET");
	CHECK_EQ(clock_calibrate(&hpet, sim_tsc, &lim, &a), 0);
	sim.ref_hz = 3579545;
	sim.ref_bits = 24;
	pm = sim_clock("ACPI PM timer");
	lim.window_us = 5000;
	CHECK_EQ(clock_calibrate(&pm, sim_tsc, &lim, &b), 0);
	CHECK(clock_disagreement_ppm(a.tsc_hz, b.tsc_hz) < 100);
	/* a PM timer that really runs 2% fast makes the TSC look 2% slow against it */
	pm.hz = 3579545ull * 100 / 102;
	CHECK_EQ(clock_calibrate(&pm, sim_tsc, &lim, &b), 0);
	CHECK(clock_disagreement_ppm(b.tsc_hz, a.tsc_hz) > CLOCK_DISAGREE_PPM);
}

/* ------------------------------------------------------------------ refinement */

/* A sample taken by hand: the TSC and the reference's value at the same instant. */
static struct clock_sample sample(uint64_t tsc, uint64_t ref)
{
	return (struct clock_sample){.tsc = tsc, .width = 100, .ref = ref};
}

/* A 14.31818 MHz HPET one second apart, the TSC truly at 2096.004 MHz, measured at boot as
 * 2095.998 MHz: the second's rate, 2.9 ppm apart (2 in whole ppm), adopted; the span one
 * second. */
static void test_refine_hpet(void)
{
	struct clock_ref hpet = {.name = "HPET", .hz = 14318180, .bits = 32};
	struct clock_sample a = sample(5000000000ull, 0x12345678);
	struct clock_sample b = sample(5000000000ull + 2096004000ull, 0x12345678 + 14318180);
	struct clock_refine r;

	CHECK_EQ(clock_refine(&hpet, 2095998000ull, &a, &b, &r), 0);
	CHECK_EQ(r.tsc_hz, 2096004000ull);
	CHECK_EQ(r.ref_ticks, 14318180);
	CHECK_EQ(r.tsc_cycles, 2096004000ull);
	CHECK_EQ(r.span_us, 1000000);
	CHECK_EQ(r.ppm, 2);
}

/* The 24-bit PM timer wraps between the two samples (from 0xffff00, 3579545 ticks on): the
 * wrap is counted, the rate right. */
static void test_refine_pm_timer_wrap(void)
{
	struct clock_ref pm = {.name = "ACPI PM timer", .hz = 3579545, .bits = 24};
	struct clock_sample a = sample(1000, 0xffff00);
	struct clock_sample b = sample(1000 + 3000000000ull, (0xffff00 + 3579545) & 0xffffff);
	struct clock_refine r;

	CHECK_EQ(clock_refine(&pm, 3000000000ull, &a, &b, &r), 0);
	CHECK_EQ(r.ref_ticks, 3579545);
	CHECK_EQ(r.tsc_hz, 3000000000ull);
	CHECK_EQ(r.ppm, 0);
}

/* The 1% rule: a second's rate 0.9% from the boot's is adopted; 1.5% from it is refused
 * (-ERANGE) with the rate and distance filled for the warning; a counter that stopped
 * (same value) is -ENODEV; no span is -EINVAL. */
static void test_refine_one_percent(void)
{
	struct clock_ref hpet = {.name = "HPET", .hz = 100000000, .bits = 32};
	struct clock_sample a = sample(0, 0), b;
	struct clock_refine r;

	b = sample(2018000000ull, 100000000); /* 2.018 GHz against 2 GHz at boot: 0.9% */
	CHECK_EQ(clock_refine(&hpet, 2000000000ull, &a, &b, &r), 0);
	CHECK_EQ(r.ppm, 9000);
	b = sample(2030000000ull, 100000000); /* 1.5% */
	CHECK_EQ(clock_refine(&hpet, 2000000000ull, &a, &b, &r), -ERANGE);
	CHECK_EQ(r.tsc_hz, 2030000000ull);
	CHECK_EQ(r.ppm, 15000);
	b = sample(1970000000ull, 100000000); /* 1.5% slow */
	CHECK_EQ(clock_refine(&hpet, 2000000000ull, &a, &b, &r), -ERANGE);
	b = sample(2000000000ull, 0);
	CHECK_EQ(clock_refine(&hpet, 2000000000ull, &a, &b, &r), -ENODEV);
	CHECK_EQ(clock_refine(&hpet, 2000000000ull, &a, &a, &r), -EINVAL);
	CHECK_EQ(clock_refine(&hpet, 2000000000ull, &b, &a, &r), -EINVAL);
	CHECK_EQ(clock_refine(&hpet, 0, &a, &b, &r), -EINVAL);
}

/* A span over half the PM timer's 4.69 s wrap (the tick held off): whole wraps may hide in
 * it, so -EAGAIN. At 5.5 s one whole wrap is in it: counting one wrap at most would read
 * 0.8 s of ticks and a rate 6.8 times too high. 2 s is fine. */
static void test_refine_span_too_long(void)
{
	struct clock_ref pm = {.name = "ACPI PM timer", .hz = 3579545, .bits = 24};
	struct clock_sample a = sample(0, 100);
	struct clock_sample b = sample(5500000000ull, (100 + 3579545ull * 55 / 10) & 0xffffff);
	struct clock_refine r;

	CHECK_EQ(clock_refine(&pm, 1000000000ull, &a, &b, &r), -EAGAIN);
	b = sample(2500000000ull, (100 + 3579545ull * 25 / 10) & 0xffffff);
	CHECK_EQ(clock_refine(&pm, 1000000000ull, &a, &b, &r), -EAGAIN);
	b = sample(2000000000ull, (100 + 3579545ull * 2) & 0xffffff);
	CHECK_EQ(clock_refine(&pm, 1000000000ull, &a, &b, &r), 0);
	CHECK_EQ(r.tsc_hz, 1000000000ull);
}

/* The whole path on the simulated machine: a 5 ms calibration against a 24-bit PM timer
 * (1 us a read, about to wrap), whose closing read starts the refinement; a second later
 * clock_sample_ref reads it again and the rate over the span is within 1 ppm of the TSC's
 * true 2.7 GHz, where the 5 ms window alone is only within 10. */
static void test_refine_after_calibration(void)
{
	struct clock_ref pm;
	struct clock_calib_limits lim = limits(5000, ~0ull);
	struct clock_calib c;
	struct clock_sample end;
	struct clock_refine r;
	uint64_t start;

	sim_reset(2700000000ull, 3579545, 24, 0);
	start = ticks_at(sim.now_ps, sim.ref_hz);
	sim.ref_offset = (0x1000000 - 3000000 - start) & 0xffffff; /* wraps within the second */
	pm = sim_clock("ACPI PM timer");
	CHECK_EQ(clock_calibrate(&pm, sim_tsc, &lim, &c), 0);
	CHECK(near(c.tsc_hz, 2700000000ull, 10));
	sim.now_ps += PS_PER_S;
	clock_sample_ref(&pm, sim_tsc, &end);
	CHECK(end.width < 2 * 2800); /* one 1 us read between two TSC reads */
	CHECK_EQ(clock_refine(&pm, c.tsc_hz, &c.end, &end, &r), 0);
	CHECK(near(r.tsc_hz, 2700000000ull, 1));
	CHECK(r.span_us >= 1000000 && r.span_us < 1000100);
}

/* ------------------------------------------------------------------ TSC to time */

/* The conversion is exact to the nanosecond (against 128-bit arithmetic), and a TSC before
 * its base reads as the base. */
static void test_conv_exact(void)
{
	struct clock_conv c = {.hz = 2095998123ull, .base_tsc = 1000, .base_ns = 7};
	static const uint64_t d[] = {0, 1, 2095998122ull, 2095998123ull, 123456789012345ull,
				     (1ull << 62) + 12345};

	for (unsigned i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		unsigned __int128 want = (unsigned __int128)d[i] * 1000000000ull / c.hz + 7;

		CHECK_EQ(clock_conv_ns(&c, 1000 + d[i]), (uint64_t)want);
	}
	CHECK_EQ(clock_conv_ns(&c, 999), 7);
}

/* A rebase at 10 s of a 2 GHz TSC to 2.0002 GHz (100 ppm faster: each cycle is shorter):
 * the time there is kept, so time is continuous and never runs back across it (at 10 s of
 * TSC, changing the rate alone would step it back by 1 ms), and from there it runs at the
 * new rate: 2.0002e9 cycles later is one second later. */
static void test_conv_rebase_continuous(void)
{
	struct clock_conv c = {.hz = 2000000000ull};
	uint64_t at = 20000000000ull, before = clock_conv_ns(&c, at - 1), there;

	CHECK_EQ(clock_conv_ns(&c, at), 10000000000ull);
	clock_conv_rebase(&c, 2000200000ull, at);
	there = clock_conv_ns(&c, at);
	CHECK_EQ(there, 10000000000ull);
	CHECK(there >= before);
	CHECK(clock_conv_ns(&c, at + 1) >= there);
	CHECK_EQ(clock_conv_ns(&c, at + 2000200000ull), 11000000000ull);
	/* to a slower rate (each cycle longer): still no jump forward */
	clock_conv_rebase(&c, 1999800000ull, at + 2000200000ull);
	CHECK_EQ(clock_conv_ns(&c, at + 2000200000ull), 11000000000ull);
	CHECK_EQ(clock_conv_ns(&c, at + 2000200000ull + 1999800000ull), 12000000000ull);
}

/* Nonsense descriptions are refused before any read. */
static void test_bad_ref(void)
{
	struct clock_ref r;
	struct clock_calib_limits lim = limits(10000, ~0ull);
	struct clock_calib c;

	sim_reset(2000000000ull, 0, 24, 0);
	r = sim_clock("none");
	CHECK_EQ(clock_calibrate(&r, sim_tsc, &lim, &c), -EINVAL);
	r.hz = 1000;
	r.bits = 65;
	CHECK_EQ(clock_calibrate(&r, sim_tsc, &lim, &c), -EINVAL);
	CHECK_EQ(sim.reads, 0);
}

int main(void)
{
	RUN(test_cpuid_15);
	RUN(test_cpuid_16_fills_crystal);
	RUN(test_cpuid_absent);
	RUN(test_rate_choose);
	RUN(test_brand_string);
	RUN(test_counter_wrap);
	RUN(test_muldiv);
	RUN(test_disagreement);
	RUN(test_calibrate_hpet);
	RUN(test_calibrate_sides);
	RUN(test_calibrate_pm_timer_wrap);
	RUN(test_frozen_counter);
	RUN(test_counter_stops);
	RUN(test_gap_restarts);
	RUN(test_wide_bracket_avoided);
	RUN(test_pause_after_any_read);
	RUN(test_rate_above_any_tsc);
	RUN(test_two_sources_cross_check);
	RUN(test_refine_hpet);
	RUN(test_refine_pm_timer_wrap);
	RUN(test_refine_one_percent);
	RUN(test_refine_span_too_long);
	RUN(test_refine_after_calibration);
	RUN(test_conv_exact);
	RUN(test_conv_rebase_continuous);
	RUN(test_bad_ref);
	return unit_summary();
}
