// SPDX-License-Identifier: MIT
/*
 * The size formatter (see lios/size.h): binary units chosen by magnitude, one decimal
 * truncated. Pure and self-contained (no printk: lib is the bottom layer), so it runs the
 * same in the kernel and in the host test.
 */
#include <lios/size.h>

#define SIZE_UNIT_SHIFT 10 /* 1 KiB = 2^10 bytes */

static const char *const size_units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };

/* Append the decimal digits of v at p; returns the end. */
static char *put_uint(char *p, uint64_t v)
{
	char digits[20];
	unsigned n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = digits[--n];
	return p;
}

/*
 * size_format - bytes as "N B" below 1 KiB, else "W U" or "W.T U" with U the largest unit
 * that W reaches (W in 1..1023) and T the truncated tenth. Returns buf. Pure.
 */
char *size_format(char buf[SIZE_STR_MAX], uint64_t bytes)
{
	unsigned unit = 0;
	char *p = buf;

	while (unit + 1 < sizeof(size_units) / sizeof(size_units[0]) &&
	       bytes >> (SIZE_UNIT_SHIFT * (unit + 1)))
		unit++;
	p = put_uint(p, bytes >> (SIZE_UNIT_SHIFT * unit));
	if (unit) {
		unsigned shift = SIZE_UNIT_SHIFT * unit;
		uint64_t rem = bytes & (((uint64_t)1 << shift) - 1);

		if (rem) { /* rem < 2^60, so rem * 10 fits in 64 bits */
			*p++ = '.';
			*p++ = (char)('0' + ((rem * 10) >> shift));
		}
	}
	*p++ = ' ';
	for (const char *u = size_units[unit]; *u; u++)
		*p++ = *u;
	*p = '\0';
	return buf;
}
