/* SPDX-License-Identifier: MIT */
/*
 * Sizes for people (layer: lib, src/lib/size.c): one rule everywhere a size is printed
 * (`mem`, `mmap`, the panic screen): bytes below 1 KiB as "N B"; above, the largest binary
 * unit (KiB, MiB, GiB, TiB, PiB, EiB) the size reaches, with one decimal truncated toward
 * zero when the size is not a whole number of that unit ("1 KiB", "1.5 KiB", "15.9 EiB"
 * for 2^64 - 1). Truncation never overstates: "1.9 GiB" is at least 1.9 GiB.
 */
#ifndef LIOS_SIZE_H
#define LIOS_SIZE_H

#include <lios/types.h>

#define SIZE_STR_MAX 16 /* "1023.9 KiB" and the longest: "18446744073709551615 B" never
			 * happens (below 1 KiB: at most "1023 B") */

/* Writes bytes as above into buf (SIZE_STR_MAX bytes) and returns buf. Pure, any context. */
char *size_format(char buf[SIZE_STR_MAX], uint64_t bytes);

#endif
