/* SPDX-License-Identifier: MIT */
/*
 * The arithmetic of clock calibration, pure C (clocksource.c; also built for the host:
 * tests/unit/arch/x86_64/time/test_clocksource.c, fuzz/clock_brand_fuzz.c). No port, no
 * MMIO, no CPUID here: the callers in this folder read the hardware and hand the numbers
 * and counter-reading callbacks in, so every rule (a frozen counter, a counter that wraps,
 * two sources that disagree, CPUID leaves that leave a field out) is tested on the host.
 */
#ifndef TIME_CLOCKSOURCE_H
#define TIME_CLOCKSOURCE_H

#include <lios/compiler.h>

/* Where the TSC frequency came from; the `timer:` line and the `timer` command name it. */
enum tsc_origin {
	TSC_ORIGIN_NONE,      /* not known yet */
	TSC_ORIGIN_CPUID_15,  /* leaf 0x15: crystal * numerator / denominator */
	TSC_ORIGIN_CPUID_16,  /* leaf 0x15 ratio with the crystal from leaf 0x16's base MHz */
	TSC_ORIGIN_MEASURED,  /* calibrated against a reference counter (clock_calib.ref) */
	TSC_ORIGIN_ESTIMATE,  /* no reference: leaf 0x16 base MHz, the brand string, or a guess */
};

/* The frequency leaves as CPUID reports them (0: absent or not enumerated). */
struct cpuid_freq {
	uint32_t max_leaf;
	uint32_t ratio_den, ratio_num, crystal_hz; /* leaf 0x15 EAX, EBX, ECX */
	uint32_t base_mhz;                         /* leaf 0x16 EAX */
};

/* TSC Hz from leaf 0x15 (crystal * num / den), with leaf 0x16's base frequency standing in
 * for a crystal leaf 0x15 leaves out (then the TSC runs at the base frequency). Returns 0
 * when the leaves do not give the frequency (no leaf 0x15, zero ratio, neither crystal nor
 * base). *origin: TSC_ORIGIN_CPUID_15 or _16. */
uint64_t clock_tsc_hz_from_cpuid(const struct cpuid_freq *l, enum tsc_origin *origin);

/* The nominal frequency in a brand string ("... CPU @ 3.40GHz", "... @ 800MHz"), Hz; 0 when
 * there is none. Reads at most 48 bytes, stops at NUL. */
uint64_t clock_hz_from_brand(const char *brand);

/* Ticks a counter of 'bits' (1-64) advanced from prev to now, one wrap allowed. */
uint64_t clock_counter_delta(uint64_t prev, uint64_t now, unsigned bits);

/* a * b / c without overflow for any 64-bit a, b (c > 0; saturates at UINT64_MAX). */
uint64_t clock_muldiv(uint64_t a, uint64_t b, uint64_t c);

/* |a - b| / b in parts per million (b > 0); saturates at UINT32_MAX. */
uint32_t clock_disagreement_ppm(uint64_t a, uint64_t b);
#define CLOCK_DISAGREE_PPM 10000 /* 1%: two sources further apart are reported */

#define CLOCK_SIDE_MAX 2 /* other references read beside one calibration (clock_ref.side) */

/* A counter to calibrate against: read() returns its value (the low 'bits' bits count up
 * at hz). The TSC is read through tsc(). */
struct clock_ref {
	const char *name;             /* "HPET", "ACPI PM timer", "PIT channel 2" */
	uint64_t hz;
	unsigned bits;                /* 16 (PIT), 24 or 32 (PM timer), 32 or 64 (HPET) */
	uint64_t (*read)(void *ctx);
	void *ctx;
	/* Optional: a second counter sampled inside the same TSC brackets (the local APIC
	 * timer, calibrated in the same window); its ticks land in clock_calib.aux_ticks. */
	uint64_t (*aux)(void *ctx);
	unsigned aux_bits;
	/* Optional: other references read once at each end of the window, after its
	 * bracketed reads and each between TSC reads of its own, so the window's brackets stay
	 * as narrow; their ticks and the TSC cycles between their two reads land in
	 * clock_calib.side[]. A cross-check (or the look whether a counter counts at all)
	 * then needs no window of its own. */
	const struct clock_ref *side[CLOCK_SIDE_MAX];
	unsigned nside;
};

/* Bounds of one calibration, in TSC cycles and reads: the caller derives them from the
 * fastest TSC it assumes (DELAY_ASSUMED_MAX_KHZ) and from its time budget. */
struct clock_calib_limits {
	uint64_t window_us;           /* measure over this much reference time */
	uint64_t freeze_cycles;       /* the counter must move within this many TSC cycles */
	uint64_t gap_cycles;          /* a pause longer than this between two reads (an
				       * emulator descheduled, an SMI) may hide a wrap: start over */
	uint64_t max_cycles;          /* give up after this many TSC cycles in all */
	unsigned attempts;            /* start over at most this often after a gap */
	uint64_t max_tsc_hz;          /* a result above this (Hz) is refused: no TSC runs
				       * that fast (0: no bound) */
};

struct clock_calib {
	uint64_t tsc_hz;              /* the result (0 on failure) */
	uint64_t ref_ticks;           /* reference ticks over the window */
	uint64_t tsc_cycles;          /* TSC cycles over the same window (midpoints) */
	uint64_t uncertainty_cycles;  /* TSC cycles the two bracketing reads took together */
	unsigned restarts;            /* starts over after a gap */
	uint64_t aux_ticks;           /* ref->aux's ticks over the window (0 without aux) */
	struct clock_side {
		uint64_t ticks;       /* ref->side[i]'s ticks between its two reads (one wrap
				       * allowed: 0 for a counter that never moved) */
		uint64_t tsc_cycles;  /* TSC cycles between the midpoints of those reads */
		uint64_t uncertainty_cycles; /* the two reads' TSC brackets together */
	} side[CLOCK_SIDE_MAX];
};

/* True when ref's counter changes within freeze_cycles of TSC. Pure. */
bool clock_counter_moves(const struct clock_ref *ref, uint64_t (*tsc)(void),
			 uint64_t freeze_cycles);

/* Measure the TSC against ref: first that the counter moves at all (-ENODEV: frozen, or
 * reading all ones as an absent device does), then the TSC cycles over at least
 * lim->window_us of reference time, each end bracketed by two TSC reads. Returns 0 with
 * *out filled, -ENODEV (frozen), -ETIMEDOUT (stopped or too slow within max_cycles),
 * -EAGAIN (every attempt hit a gap), -ERANGE (the rate came out above lim->max_tsc_hz;
 * ref_ticks and tsc_cycles still say what was counted) or -EINVAL (no rate, width or
 * window). tsc_hz is 0 after any failure. Pure: any clock, any context. */
int clock_calibrate(const struct clock_ref *ref, uint64_t (*tsc)(void),
		    const struct clock_calib_limits *lim, struct clock_calib *out);

#endif
