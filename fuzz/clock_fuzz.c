// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the clock calibration arithmetic (src/arch/x86_64/time/
 * clocksource.c). The first byte picks what the rest is: 0, a CPU brand string (48 bytes,
 * not necessarily terminated) whose "@ x.xxGHz" is parsed, then the bytes after it make a
 * well-formed one ("... @ <int>[.<frac>]GHz|MHz") whose exact value must come back;
 * 1, CPUID leaves 0x15/0x16, the frequency and its origin checked against the leaves'
 * arithmetic (crystal * num / den, else base MHz); 2, a hostile reference counter: every
 * read returns the next input bytes, and every TSC read advances by an amount the input
 * chooses. Nothing may read out of bounds or divide by zero (ASan/UBSan), the calibration
 * must end within its TSC bound with one of its documented results, and an accepted result
 * must be the arithmetic of what it counted.
 */
#include <lios/errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../src/arch/x86_64/time/clocksource.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *in;
static size_t in_len, in_pos;
static uint64_t tsc_now, tsc_calls;

static uint64_t take(unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v = v << 8 | (in_pos < in_len ? in[in_pos++] : 0);
	return v;
}

static uint64_t fuzz_tsc(void)
{
	tsc_calls++;
	tsc_now += 1 + take(1) * 16;
	return tsc_now;
}

static uint64_t fuzz_read(void *ctx)
{
	(void)ctx;
	return take(4);
}

static void fail(const char *what)
{
	fprintf(stderr, "clocksource: %s\n", what);
	abort();
}

static void fuzz_calibrate(void)
{
	struct clock_ref r = {.name = "fuzz", .hz = 1 + take(4), .bits = (unsigned)(take(1) % 66),
			      .read = fuzz_read};
	struct clock_calib_limits lim = {.window_us = take(2), .freeze_cycles = 1 + take(2),
					 .gap_cycles = take(3), .max_cycles = 200000,
					 .attempts = (unsigned)(take(1) % 6),
					 .max_tsc_hz = 10000000000ull};
	struct clock_calib c;
	int err;

	tsc_now = take(8);
	tsc_calls = 0;
	err = clock_calibrate(&r, fuzz_tsc, &lim, &c);
	if (err != 0 && err != -ENODEV && err != -ETIMEDOUT && err != -EAGAIN && err != -EINVAL &&
	    err != -ERANGE)
		fail("undocumented result");
	if (!err && c.tsc_hz > lim.max_tsc_hz)
		fail("a rate above the bound accepted");
	if (err && c.tsc_hz)
		fail("a rate after a failure");
	/* every TSC read advances at least one cycle, and every loop checks max_cycles */
	if (tsc_calls > 4 * 200000 + 1000)
		fail("calibration ran past its bound");
	if (!err && (!c.ref_ticks || c.tsc_hz != clock_muldiv(c.tsc_cycles, r.hz, c.ref_ticks)))
		fail("accepted rate is not cycles * hz / ticks");
}

/* A brand string made from the input: a name, "@", 0-3 blanks, an integer part below
 * 100,000, 0-6 fraction digits, GHz or MHz; its value is the number times the unit,
 * rounded down to a whole Hz. */
static void fuzz_brand_value(void)
{
	static const char *const names[] = { "Intel(R) Core(TM) i7-6700 CPU ", "QEMU CPU ", "" };
	uint64_t whole = take(3) % 100000, frac = take(3) % 1000000, pow10 = 1;
	unsigned digits = (unsigned)(take(1) % 7), blanks = (unsigned)(take(1) % 4);
	bool ghz = take(1) & 1;
	const char *name = names[take(1) % 3];
	char brand[48], num[16];
	unsigned __int128 want;
	uint64_t got;
	int n;

	for (unsigned i = 0; i < digits; i++)
		pow10 *= 10;
	frac %= pow10;
	if (digits)
		snprintf(num, sizeof(num), "%llu.%0*llu", (unsigned long long)whole, (int)digits,
			 (unsigned long long)frac);
	else
		snprintf(num, sizeof(num), "%llu", (unsigned long long)whole);
	memset(brand, 0, sizeof(brand));
	n = snprintf(brand, sizeof(brand), "%s@%.*s%s%s", name, (int)blanks, "   ", num,
		     ghz ? "GHz" : "MHz");
	if (n < 0 || (size_t)n >= sizeof(brand))
		return; /* does not fit (snprintf keeps a NUL in the 48 bytes) */
	want = ((unsigned __int128)whole * pow10 + frac) * (ghz ? 1000000000u : 1000000u) / pow10;
	got = clock_hz_from_brand(brand);
	if (got != (uint64_t)want) {
		fprintf(stderr, "brand \"%.48s\": %llu Hz, not %llu\n", brand,
			(unsigned long long)got, (unsigned long long)want);
		fail("a well-formed brand string's frequency is wrong");
	}
}

/* The leaves' frequency: leaf 0x15 crystal * num / den (a quotient past 64 bits
 * saturates), else leaf 0x16's base MHz when 0x15 has a ratio but no crystal. */
static void check_cpuid(const struct cpuid_freq *l, uint64_t hz, enum tsc_origin o)
{
	bool ratio = l->max_leaf >= 0x15 && l->ratio_den && l->ratio_num;
	unsigned __int128 want15 = ratio ? (unsigned __int128)l->crystal_hz * l->ratio_num / l->ratio_den : 0;

	if (ratio && l->crystal_hz) {
		if (o != TSC_ORIGIN_CPUID_15 || hz != (want15 > UINT64_MAX ? UINT64_MAX : (uint64_t)want15))
			fail("leaf 0x15's frequency is not crystal * num / den");
	} else if (ratio && l->max_leaf >= 0x16 && l->base_mhz) {
		if (o != TSC_ORIGIN_CPUID_16 || hz != (uint64_t)l->base_mhz * 1000000)
			fail("leaf 0x16's frequency is not its base MHz");
	} else if (hz || o != TSC_ORIGIN_NONE) {
		fail("a frequency from leaves that give none");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t hz;
	char brand[48];
	struct cpuid_freq l;
	enum tsc_origin o;

	if (size < 1)
		return 0;
	in = data + 1;
	in_len = size - 1;
	in_pos = 0;
	switch (data[0] % 3) {
	case 0:
		memset(brand, 0, sizeof(brand));
		memcpy(brand, in, in_len < sizeof(brand) ? in_len : sizeof(brand));
		if (clock_hz_from_brand(brand) > 100000ull * 1000000000)
			fail("brand frequency beyond 100 THz");
		in_pos = in_len < sizeof(brand) ? in_len : sizeof(brand);
		fuzz_brand_value();
		break;
	case 1:
		l = (struct cpuid_freq){(uint32_t)take(4), (uint32_t)take(4), (uint32_t)take(4),
					(uint32_t)take(4), (uint32_t)take(4)};
		hz = clock_tsc_hz_from_cpuid(&l, &o);
		if (hz && o == TSC_ORIGIN_NONE)
			fail("a rate without an origin");
		check_cpuid(&l, hz, o);
		break;
	default:
		fuzz_calibrate();
	}
	return 0;
}
