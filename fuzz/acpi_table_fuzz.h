/* SPDX-License-Identifier: MIT */
/*
 * What the fuzzers of one ACPI table's parser (dmar_fuzz.c, ivrs_fuzz.c) share: the
 * input is the table's bytes after its 36-byte header, and the harness writes the header
 * (signature, length, revision, a checksum made right), so that every input reaches the
 * parser's structures, into a heap block of exactly the table's size (ASan then sees a read
 * past it). Header-only.
 */
#ifndef LIOS_FUZZ_ACPI_TABLE_FUZZ_H
#define LIOS_FUZZ_ACPI_TABLE_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ACPI_HEADER_LEN 36
#define FUZZ_ACPI_TABLE_MAX 65536

/* The table sig (4 characters) of revision rev around the size bytes at data, its length
 * in *len, to be freed; NULL for an input that would make it longer than
 * FUZZ_ACPI_TABLE_MAX. */
static inline uint8_t *fuzz_acpi_table(const char *sig, uint8_t rev, const uint8_t *data,
				       size_t size, uint32_t *len)
{
	uint8_t *t, sum = 0;

	if (size > FUZZ_ACPI_TABLE_MAX - FUZZ_ACPI_HEADER_LEN)
		return NULL;
	*len = (uint32_t)(FUZZ_ACPI_HEADER_LEN + size);
	t = malloc(*len);
	if (!t)
		return NULL;
	memset(t, 0, FUZZ_ACPI_HEADER_LEN);
	memcpy(t, sig, 4);
	memcpy(t + 4, len, 4);
	t[8] = rev;
	memcpy(t + FUZZ_ACPI_HEADER_LEN, data, size);
	for (uint32_t i = 0; i < *len; i++)
		sum += t[i];
	t[9] = (uint8_t)-sum;
	return t;
}

#endif
