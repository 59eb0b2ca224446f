// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the \_S5 reader (src/drivers/acpi/aml.c) and the AML path of the
 * table parser (acpi_parse_table -> acpi_sleep.c -> acpi_s5_plan). The input is the AML
 * body of a DSDT: the fuzzer wraps it in a header with the right length and checksum, so
 * every input reaches the walk, and also hands the raw bytes to the reader as a whole
 * table (header checks). The input lives in an exact-size heap block; a FOUND result must
 * hold 3-bit values, an offset inside the table and a rooted path, anything else a reason.
 * The PCI host bridges read from the same table (acpi_pci_roots), then with the table
 * read again as an SSDT (facts combine across tables), must give a bounded, sorted list of
 * rooted paths and sound bus ranges, trusted only with at least one root.
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

static bool terminated(const char *s, size_t size) { return memchr(s, '\0', size) != NULL; }

/* The roots acpi_pci_roots makes of *info: at most ACPI_MAX_PCI_ROOTS, rooted terminated
 * paths, bus_end >= bus (== without a _CRS range); trusted (why NULL) only with a DSDT, no
 * doubt and at least one root, and then sorted by segment, then bus (a refused list stops
 * where the reason was met, unsorted: nobody reads it). */
static void check_roots(const struct acpi_info *info)
{
	struct acpi_pci_roots r;

	acpi_pci_roots(info, &r);
	if (r.count > ACPI_MAX_PCI_ROOTS || !terminated(r.why_where, sizeof(r.why_where)))
		abort();
	if (!r.why && (r.count < 1 || !info->have_dsdt || info->pci.doubt))
		abort();
	for (unsigned i = 0; i < r.count; i++) {
		const struct acpi_pci_root *x = &r.root[i], *prev = i ? &r.root[i - 1] : NULL;

		if (!terminated(x->dev, sizeof(x->dev)) || x->dev[0] != '\\' || x->bus_end < x->bus ||
		    (x->from_crs && x->from_bbn) || (!x->from_crs && x->bus_end != x->bus))
			abort();
		if (!r.why && prev && (x->segment < prev->segment ||
				       (x->segment == prev->segment && x->bus < prev->bus)))
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
	check_roots(&info);
	memcpy(t, "SSDT", 4); /* the same bytes again as an SSDT, its checksum made right */
	t[CHECKSUM_AT] = (uint8_t)(t[CHECKSUM_AT] - ('S' - 'D'));
	acpi_parse_table(t, len, &info);
	check_roots(&info);
	free(t);
	return 0;
}
