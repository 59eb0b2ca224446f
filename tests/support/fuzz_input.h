/* SPDX-License-Identifier: MIT */
/*
 * A fuzzer's input read as a program (fuzz_xhci, fuzz_lineedit): bytes and little-endian
 * words taken from the front; past the end every read is 0, so any input is a whole program.
 */
#ifndef LIOS_TEST_FUZZ_INPUT_H
#define LIOS_TEST_FUZZ_INPUT_H
#include <stddef.h>
#include <stdint.h>

struct input {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t byte(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static inline uint32_t word(struct input *in)
{
	uint32_t v = byte(in);

	v |= (uint32_t)byte(in) << 8;
	v |= (uint32_t)byte(in) << 16;
	return v | (uint32_t)byte(in) << 24;
}

#endif
