// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the clock calibration arithmetic (src/arch/x86_64/time/
 * clocksource.c). The first byte picks what the rest is: 0, a CPU brand string (48 bytes,
 * not necessarily terminated) whose "@ x.xxGHz" is parsed; 1, CPUID leaves 0x15/0x16; 2, a
 * hostile reference counter: every read returns the next input bytes, and every TSC read
 * advances by an amount the input chooses. Nothing may read out of bounds or divide by
 * zero (ASan/UBSan), the calibration must end within its TSC bound with one of its
 * documented results, and an accepted result must be the arithmetic of what it counted.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
		break;
	case 1:
		l = (struct cpuid_freq){(uint32_t)take(4), (uint32_t)take(4), (uint32_t)take(4),
					(uint32_t)take(4), (uint32_t)take(4)};
		if (clock_tsc_hz_from_cpuid(&l, &o) && o == TSC_ORIGIN_NONE)
			fail("a rate without an origin");
		break;
	default:
		fuzz_calibrate();
	}
	return 0;
}
