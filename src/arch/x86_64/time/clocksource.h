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

/* The TSC rate timer_init settles on (clock_tsc_rate_choose). */
struct tsc_rate {
	uint64_t hz;             /* 0: none (the caller estimates) */
	enum tsc_origin origin;  /* CPUID_15, CPUID_16 or MEASURED; NONE with hz 0 */
	int ref;                 /* MEASURED: the index in measured[] it came from; else -1 */
	uint64_t cpuid_hz;       /* MEASURED where leaves 0x15+0x16 gave an estimate: that
				  * estimate, reported beside the measurement; else 0 */
};

/* The TSC rate from CPUID's leaves and the references' measurements (measured[i]: the TSC
 * Hz measured against reference i, in the order they are preferred; 0: none). Leaf 0x15
 * with its crystal is exact and wins. Otherwise the first measurement at most max_hz (0: no
 * bound) does: leaf 0x16's base frequency is a nominal whole-MHz value, up to 1% off and
 * blind to a raised base clock, so 0x15+0x16 stands only when nothing was measured (Linux
 * likewise trusts only a crystal from leaf 0x15). Pure. */
void clock_tsc_rate_choose(const struct cpuid_freq *l, const uint64_t *measured, unsigned n,
			   uint64_t max_hz, struct tsc_rate *out);

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

/* One reference read between two TSC reads: a window's end, where a
 * refinement starts and ends. */
struct clock_sample {
	uint64_t tsc;                 /* TSC midpoint of the two bracketing reads */
	uint64_t width;               /* TSC cycles between them */
	uint64_t ref;                 /* the reference's value */
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
	struct clock_sample end;      /* the window's closing read: a refinement starts here */
};

/* ref read between two TSC reads, the narrowest of a few such reads kept (an SMI or a
 * descheduled emulator widens one; the next is narrow), into *out. Pure. */
void clock_sample_ref(const struct clock_ref *ref, uint64_t (*tsc)(void),
		      struct clock_sample *out);

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

/* The TSC rate over a long span, refining a rate measured over a short window. */
struct clock_refine {
	uint64_t tsc_hz;              /* the rate over the span (0: none worked out) */
	uint64_t tsc_cycles;          /* TSC cycles between the two samples' midpoints */
	uint64_t ref_ticks;           /* the reference's ticks between them */
	uint64_t span_us;             /* the span in the reference's time, us */
	uint32_t ppm;                 /* tsc_hz's distance from the rate refined */
};

/* The TSC rate between two samples a and b (b later) of ref, refining boot_hz (the rate
 * measured at boot). Returns 0 when it lies within CLOCK_DISAGREE_PPM of boot_hz (adopt
 * it), -ERANGE when further apart (out filled: keep boot_hz, say so), -EAGAIN when the span
 * is over half ref's wrap at boot_hz, so whole wraps may hide in it (sample again),
 * -ENODEV when ref did not move, -EINVAL without a span, a rate or a width. Pure. */
int clock_refine(const struct clock_ref *ref, uint64_t boot_hz, const struct clock_sample *a,
		 const struct clock_sample *b, struct clock_refine *out);

/* TSC to time: ns = base_ns + (tsc - base_tsc) at hz (a TSC before base_tsc reads as
 * base_ns). */
struct clock_conv {
	uint64_t hz;                  /* TSC Hz */
	uint64_t base_tsc;            /* TSC value at base_ns */
	uint64_t base_ns;
};

uint64_t clock_conv_ns(const struct clock_conv *c, uint64_t tsc);

/* c switched to hz from the TSC value 'at' on, keeping the time it reads there: the clock
 * stays continuous and monotonic across the change, and only runs at the new rate after
 * it. Pure. */
void clock_conv_rebase(struct clock_conv *c, uint64_t hz, uint64_t at);

#endif
