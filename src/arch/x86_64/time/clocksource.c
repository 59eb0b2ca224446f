// SPDX-License-Identifier: MIT
/*
 * Pure calibration arithmetic (see clocksource.h): the TSC frequency from CPUID leaves
 * 0x15/0x16 or a brand string, which of those and the measurements is used
 * (clock_tsc_rate_choose), counter deltas across a wrap, the disagreement of two sources,
 * the calibration loop itself, which reads a reference counter and the TSC through
 * callbacks, the rate refined over a longer span (clock_refine), and the TSC-to-time
 * conversion that a new rate rebases without a jump (clock_conv). The loop's rules:
 *  - a counter must move within freeze_cycles of TSC before it is trusted (a clock-gated
 *    PIT answers its ports but never counts; an absent device reads a constant);
 *  - each end of the window is bracketed by two TSC reads, and the midpoints are used, so
 *    a slow counter read (port I/O under emulation) cancels out;
 *  - a pause between two reads longer than gap_cycles might hide a whole wrap of a narrow
 *    counter (16-bit PIT: 55 ms), so the measurement starts over, a few times at most;
 *  - other references (clock_ref.side) are read once at each end, outside the window's
 *    brackets and each between TSC reads of its own, so a second opinion costs no window;
 *  - nothing loops without a TSC bound.
 */
#include <lios/errno.h>
#include <lios/string.h>
#include "clocksource.h"

/* clock_muldiv - a * b / c with a 128-bit product. The kernel has no libgcc (no 128-bit
 * division helper), so a product above 64 bits is divided bit by bit; uptime and deadline
 * arithmetic stays in the 64-bit fast path. Saturates when the quotient needs more than
 * 64 bits. Pure. */
uint64_t clock_muldiv(uint64_t a, uint64_t b, uint64_t c)
{
	unsigned __int128 p = (unsigned __int128)a * b;
	uint64_t hi = (uint64_t)(p >> 64), lo = (uint64_t)p, q = 0, r = hi;

	if (!hi)
		return lo / c;
	if (hi >= c)
		return UINT64_MAX;
	for (int i = 63; i >= 0; i--) {
		bool carry = r >> 63;

		r = r << 1 | (lo >> i & 1);
		if (carry || r >= c) {
			r -= c;
			q |= 1ull << i;
		}
	}
	return q;
}

/* clock_tsc_hz_from_cpuid - see clocksource.h. Pure. */
uint64_t clock_tsc_hz_from_cpuid(const struct cpuid_freq *l, enum tsc_origin *origin)
{
	*origin = TSC_ORIGIN_NONE;
	if (l->max_leaf < 0x15 || !l->ratio_den || !l->ratio_num)
		return 0;
	if (l->crystal_hz) {
		*origin = TSC_ORIGIN_CPUID_15;
		return clock_muldiv(l->crystal_hz, l->ratio_num, l->ratio_den);
	}
	/* no crystal: Intel documents TSC = base frequency on such parts (leaf 0x16 EAX) */
	if (l->max_leaf >= 0x16 && l->base_mhz) {
		*origin = TSC_ORIGIN_CPUID_16;
		return (uint64_t)l->base_mhz * 1000000;
	}
	return 0;
}

/* clock_tsc_rate_choose - see clocksource.h. Pure. */
void clock_tsc_rate_choose(const struct cpuid_freq *l, const uint64_t *measured, unsigned n,
			   uint64_t max_hz, struct tsc_rate *out)
{
	enum tsc_origin o;
	uint64_t cpuid_hz = clock_tsc_hz_from_cpuid(l, &o);

	*out = (struct tsc_rate){.hz = cpuid_hz, .origin = o, .ref = -1};
	if (o == TSC_ORIGIN_CPUID_15)
		return;
	for (unsigned i = 0; i < n; i++) {
		if (!measured[i] || (max_hz && measured[i] > max_hz))
			continue; /* not measured, or refused: the next reference's */
		*out = (struct tsc_rate){.hz = measured[i], .origin = TSC_ORIGIN_MEASURED,
					 .ref = (int)i, .cpuid_hz = cpuid_hz};
		return;
	}
}

/* Parses "<digits>[.<digits>]" at s into a value scaled by 10^frac_max; *end after it. */
static bool parse_decimal(const char *s, const char *limit, uint64_t *val, unsigned *frac,
			  const char **end)
{
	uint64_t v = 0;
	unsigned digits = 0, f = 0;
	bool point = false;

	for (; s < limit && *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (v > 100000000000ull) /* more digits than any frequency has */
				return false;
			v = v * 10 + (uint64_t)(*s - '0');
			digits++;
			if (point)
				f++;
		} else if (*s == '.' && !point) {
			point = true;
		} else {
			break;
		}
	}
	*val = v;
	*frac = f;
	*end = s;
	return digits > 0 && f <= 9;
}

/* clock_hz_from_brand - see clocksource.h. Pure; bounded to 48 bytes. */
uint64_t clock_hz_from_brand(const char *brand)
{
	const char *limit = brand + 48, *p = brand;

	while (p < limit && *p && *p != '@')
		p++;
	if (p >= limit || *p != '@')
		return 0;
	for (p++; p < limit && *p == ' '; p++)
		;
	uint64_t v, scale, div = 1;
	unsigned frac;
	const char *end;

	if (!parse_decimal(p, limit, &v, &frac, &end) || end + 3 > limit)
		return 0;
	if (end[0] == 'G' && end[1] == 'H' && end[2] == 'z')
		scale = 1000000000ull;
	else if (end[0] == 'M' && end[1] == 'H' && end[2] == 'z')
		scale = 1000000ull;
	else
		return 0;
	while (frac--)
		div *= 10;
	if (v / div > 100000) /* beyond 100 THz: not a clock */
		return 0;
	return clock_muldiv(v, scale, div);
}

/* clock_counter_delta - see clocksource.h. Pure. */
uint64_t clock_counter_delta(uint64_t prev, uint64_t now, unsigned bits)
{
	uint64_t mask = bits >= 64 ? ~0ull : (1ull << bits) - 1;

	return (now - prev) & mask;
}

/* clock_disagreement_ppm - see clocksource.h. Pure. */
uint32_t clock_disagreement_ppm(uint64_t a, uint64_t b)
{
	uint64_t diff = a > b ? a - b : b - a, ppm;

	if (!b)
		return UINT32_MAX;
	ppm = clock_muldiv(diff, 1000000, b);
	return ppm > UINT32_MAX ? UINT32_MAX : (uint32_t)ppm;
}

#define CLOCK_BRACKET_TRIES 4

/* One reference read (and the aux counter's) bracketed by TSC reads: *mid is the TSC
 * midpoint, *width their gap. */
static uint64_t bracketed_read(const struct clock_ref *ref, uint64_t (*tsc)(void),
			       uint64_t *mid, uint64_t *width, uint64_t *aux)
{
	uint64_t t0 = tsc(), v = ref->read(ref->ctx), t1;

	*aux = ref->aux ? ref->aux(ref->ctx) : 0;
	t1 = tsc();
	*mid = t0 + (t1 - t0) / 2;
	*width = t1 - t0;
	return v;
}

/* clock_sample_ref - see clocksource.h. Pure. */
void clock_sample_ref(const struct clock_ref *ref, uint64_t (*tsc)(void),
		      struct clock_sample *out)
{
	out->width = UINT64_MAX;
	for (unsigned k = 0; k < CLOCK_BRACKET_TRIES; k++) {
		uint64_t t0 = tsc(), x = ref->read(ref->ctx), t1 = tsc();

		if (t1 - t0 < out->width)
			*out = (struct clock_sample){.tsc = t0 + (t1 - t0) / 2, .width = t1 - t0,
						     .ref = x};
	}
}

/* clock_counter_moves - see clocksource.h. Pure. */
bool clock_counter_moves(const struct clock_ref *ref, uint64_t (*tsc)(void),
			 uint64_t freeze_cycles)
{
	uint64_t first = ref->read(ref->ctx), start = tsc();

	do {
		if (ref->read(ref->ctx) != first)
			return true;
	} while (tsc() - start < freeze_cycles);
	return false;
}

/* One end of the window: the narrowest of CLOCK_BRACKET_TRIES bracketed reads (an
 * emulator descheduled or an SMI between the TSC reads widens one; the next is narrow).
 * The reference ticks up to the chosen read are added to *ticks; *prev becomes its value.
 * The tries after the chosen one are not part of the window, but time spent in them is:
 * a pause there lies between the chosen read and the next one the window counts. */
struct bracket {
	uint64_t mid, width, aux; /* TSC midpoint and width of the read, the aux counter */
};

/* The TSC before the bracketed read began and after it ended: the read itself happened
 * somewhere in between, so a pause before or after it is measured from these. */
static uint64_t bracket_start(const struct bracket *b) { return b->mid - b->width / 2; }
static uint64_t bracket_end(const struct bracket *b) { return b->mid + (b->width - b->width / 2); }

static void window_end(const struct clock_ref *ref, uint64_t (*tsc)(void), uint64_t *prev,
		       uint64_t *ticks, struct bracket *best)
{
	uint64_t best_ticks = 0, run = 0, best_value = *prev;

	best->width = UINT64_MAX;
	for (unsigned i = 0; i < CLOCK_BRACKET_TRIES; i++) {
		struct bracket b;
		uint64_t v = bracketed_read(ref, tsc, &b.mid, &b.width, &b.aux);

		run += clock_counter_delta(*prev, v, ref->bits);
		*prev = v;
		if (b.width < best->width) {
			*best = b;
			best_ticks = run;
			best_value = v;
		}
	}
	*ticks += best_ticks;
	/* reads after the chosen one are not part of the window */
	*prev = best_value;
}

/* Reads every side reference of ref (at most CLOCK_SIDE_MAX), each between TSC reads of
 * its own (clock_sample_ref, as for the window's ends) into s[]. */
static void read_sides(const struct clock_ref *ref, uint64_t (*tsc)(void), struct clock_sample *s)
{
	for (unsigned i = 0; i < ref->nside && i < CLOCK_SIDE_MAX; i++)
		clock_sample_ref(ref->side[i], tsc, &s[i]);
}

/* One attempt: 0, -ETIMEDOUT (counter stopped or window not reached) or -EAGAIN (gap). */
static int measure_once(const struct clock_ref *ref, uint64_t (*tsc)(void),
			const struct clock_calib_limits *lim, uint64_t give_up,
			struct clock_calib *out)
{
	uint64_t want = clock_muldiv(ref->hz, lim->window_us, 1000000) ?: 1;
	uint64_t ticks = 0, prev = ref->read(ref->ctx), last_tsc;
	struct clock_sample s0[CLOCK_SIDE_MAX], s1[CLOCK_SIDE_MAX];
	struct bracket b0, b1;

	window_end(ref, tsc, &prev, &ticks, &b0);
	read_sides(ref, tsc, s0);
	ticks = 0; /* the window opens at the chosen read */
	/* from the chosen read on, not from after the last try: a pause in the tries that
	 * follow it (up to three bracketed reads) may hide a wrap just as well */
	last_tsc = bracket_start(&b0);
	while (ticks < want) {
		uint64_t t = tsc(), now;

		if (t - last_tsc > lim->gap_cycles)
			return -EAGAIN;
		if ((int64_t)(t - give_up) >= 0)
			return -ETIMEDOUT;
		last_tsc = t;
		now = ref->read(ref->ctx);
		ticks += clock_counter_delta(prev, now, ref->bits);
		prev = now;
	}
	window_end(ref, tsc, &prev, &ticks, &b1);
	/* the tries up to the chosen read counted their ticks: a pause before it counts too */
	if (bracket_end(&b1) - last_tsc > lim->gap_cycles)
		return -EAGAIN;
	read_sides(ref, tsc, s1);
	for (unsigned i = 0; i < ref->nside && i < CLOCK_SIDE_MAX; i++) {
		out->side[i].ticks = clock_counter_delta(s0[i].ref, s1[i].ref, ref->side[i]->bits);
		out->side[i].tsc_cycles = s1[i].tsc - s0[i].tsc;
		out->side[i].uncertainty_cycles = s0[i].width + s1[i].width;
	}
	if (!ticks) /* only a counter jumping by 2^64 in the window wraps the sum to 0 */
		return -ETIMEDOUT;
	out->ref_ticks = ticks;
	out->tsc_cycles = b1.mid - b0.mid;
	out->uncertainty_cycles = b0.width + b1.width;
	out->tsc_hz = clock_muldiv(out->tsc_cycles, ref->hz, ticks);
	out->aux_ticks = ref->aux ? clock_counter_delta(b0.aux, b1.aux, ref->aux_bits) : 0;
	out->end = (struct clock_sample){.tsc = b1.mid, .width = b1.width, .ref = prev};
	return 0;
}

/* clock_calibrate - see clocksource.h. Pure. */
int clock_calibrate(const struct clock_ref *ref, uint64_t (*tsc)(void),
		    const struct clock_calib_limits *lim, struct clock_calib *out)
{
	uint64_t give_up = tsc() + lim->max_cycles;
	int err = -EAGAIN;

	out->tsc_hz = 0;
	out->restarts = 0;
	memset(out->side, 0, sizeof(out->side));
	if (!ref->hz || !ref->bits || ref->bits > 64 || !lim->window_us)
		return -EINVAL;
	if (!clock_counter_moves(ref, tsc, lim->freeze_cycles))
		return -ENODEV;
	for (unsigned i = 0; i < lim->attempts; i++) {
		err = measure_once(ref, tsc, lim, give_up, out);
		if (err != -EAGAIN)
			break;
		out->restarts++;
	}
	/* A rate no TSC reaches is a broken measurement (a reference whose stated rate is
	 * wrong, a wrap lost in a pause no check saw); delays built on it would be too long
	 * by the same factor. Measuring again against the same counter would not help. */
	if (!err && lim->max_tsc_hz && out->tsc_hz > lim->max_tsc_hz)
		err = -ERANGE;
	if (err)
		out->tsc_hz = 0;
	return err;
}

/* clock_refine - see clocksource.h. The span's two ends are read as the calibration's
 * window's are (clock_sample_ref), so over a second their brackets weigh 200 times less
 * than over the boot's 5 ms. Pure. */
int clock_refine(const struct clock_ref *ref, uint64_t boot_hz, const struct clock_sample *a,
		 const struct clock_sample *b, struct clock_refine *out)
{
	uint64_t wrap_cycles;

	memset(out, 0, sizeof(*out));
	if (!ref->hz || !ref->bits || ref->bits > 64 || !boot_hz || (int64_t)(b->tsc - a->tsc) <= 0)
		return -EINVAL;
	out->tsc_cycles = b->tsc - a->tsc;
	/* at boot_hz, within 1% of the truth: a span under half a wrap holds at most one */
	wrap_cycles = ref->bits >= 40 ? UINT64_MAX :
		      clock_muldiv(1ull << ref->bits, boot_hz, ref->hz);
	if (out->tsc_cycles > wrap_cycles / 2)
		return -EAGAIN;
	out->ref_ticks = clock_counter_delta(a->ref, b->ref, ref->bits);
	if (!out->ref_ticks)
		return -ENODEV;
	out->span_us = clock_muldiv(out->ref_ticks, 1000000, ref->hz);
	out->tsc_hz = clock_muldiv(out->tsc_cycles, ref->hz, out->ref_ticks);
	out->ppm = clock_disagreement_ppm(out->tsc_hz, boot_hz);
	return out->ppm > CLOCK_DISAGREE_PPM ? -ERANGE : 0;
}

/* clock_conv_ns - see clocksource.h. Whole seconds, then the rest: no 128-bit product
 * for any TSC rate up to 18 GHz. Pure. */
uint64_t clock_conv_ns(const struct clock_conv *c, uint64_t tsc)
{
	uint64_t d = tsc - c->base_tsc;

	if (!c->hz || (int64_t)d < 0)
		return c->base_ns;
	return c->base_ns + d / c->hz * 1000000000ull + clock_muldiv(d % c->hz, 1000000000ull, c->hz);
}

/* clock_conv_rebase - see clocksource.h. Pure. */
void clock_conv_rebase(struct clock_conv *c, uint64_t hz, uint64_t at)
{
	c->base_ns = clock_conv_ns(c, at);
	c->base_tsc = at;
	c->hz = hz;
}
