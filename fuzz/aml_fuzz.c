// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the \_S5 reader (src/drivers/acpi/aml.c) and the AML path of the
 * table parser (acpi_parse_table -> acpi_sleep.c -> acpi_s5_plan). The input is the AML
 * body of a DSDT: the fuzzer wraps it in a header with the right length and checksum, so
 * every input reaches the walk, and also hands the raw bytes to the reader as a whole
 * table (header checks). The input lives in an exact-size heap block; a FOUND result must
 * hold 3-bit values, an offset inside the table and a rooted path, anything else a reason.
 * FUZZ_AML_LOG=1 prints the reader's messages.
 */
#include <stdlib.h>
#include <string.h>
#include <lios/acpi.h>
#include <lios/printk.h>
#include "../src/drivers/acpi/aml.h"

#define HEADER_LEN 36
#define CHECKSUM_AT 9

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(const char *s, size_t len) { (void)s, (void)len; }

static void check(const struct aml_s5_result *r, size_t len)
{
	if (r->status == AML_S5_FOUND) {
		if (r->slp_typ_a > 7 || r->slp_typ_b > 7 || r->offset >= len || r->path[0] != '\\')
			abort();
	} else if (!r->why) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acpi_info info;
	static bool sink;
	struct acpi_sleep_plan plan;
	struct aml_s5_result r;
	uint32_t len = (uint32_t)(HEADER_LEN + size);
	uint8_t *t, sum = 0;

	if (!sink && !getenv("FUZZ_AML_LOG")) /* the reader's refusals on stderr only then */
		printk_add_sink(quiet, false);
	sink = true;
	if (size > (1u << 20))
		return 0;
	t = malloc(size ? size : 1); /* the raw bytes as a whole table */
	memcpy(t, data, size);
	aml_find_s5(t, size, &r);
	check(&r, size);
	free(t);

	t = malloc(len);
	memset(t, 0, HEADER_LEN);
	memcpy(t, "DSDT", 4);
	memcpy(t + 4, &len, 4);
	memcpy(t + HEADER_LEN, data, size);
	aml_find_s5(t, len, &r);
	check(&r, len);
	for (uint32_t i = 0; i < len; i++)
		sum += t[i];
	t[CHECKSUM_AT] = (uint8_t)-sum;
	acpi_info_init(&info);
	info.have_fadt = true; /* as if a FADT with PM1a had been read */
	info.pm1a_cnt = (struct acpi_gas){.space = ACPI_SPACE_IO, .bit_width = 16, .address = 0x604};
	acpi_parse_table(t, len, &info);
	acpi_s5_plan(&info, &plan);
	if (!plan.why != info.s5.found)
		abort();
	free(t);
	return 0;
}
