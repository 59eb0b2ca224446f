// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the IVRS parser (src/drivers/acpi/acpi_ivrs.c) through
 * acpi_parse_table: the input is the table's bytes after the 36-byte SDT header. The
 * harness writes the header ("IVRS", the length, a checksum made right) so every input
 * reaches the definition blocks, and copies the table into a heap block of exactly its
 * size, so ASan sees any read past it.
 *
 * What the parser keeps must be what the table says: the harness walks the blocks itself
 * as far as they can be stepped over and lists the IVHDs (types 0x10, 0x11, 0x40) long
 * enough for their type whose register base is non-zero and 16 KiB aligned; a base already
 * kept with the same segment and device ID adds the block's type to that unit, one kept
 * for another device is refused; the units kept must be the first ACPI_MAX_IVRS_UNITS in
 * order, with their segment, device ID and types, the blocks of the rest counted as
 * dropped. FUZZ_IVRS_LOG=1 prints the parser's messages (run one input: fuzz_ivrs FILE).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lios/acpi.h>
#include <lios/printk.h>
#include "acpi_table_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BLOCKS 48

static void fail(const char *what)
{
	fprintf(stderr, "ivrs output broken: %s\n", what);
	abort();
}

static void quiet(const char *s, size_t len) { (void)s, (void)len; }

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static uint8_t type_bit(uint8_t type)
{
	return type == 0x10   ? ACPI_IVHD_TYPE_10
	       : type == 0x11 ? ACPI_IVHD_TYPE_11
	       : type == 0x40 ? ACPI_IVHD_TYPE_40
			      : 0;
}

/* The harness's own reading of the IOMMUs (see the top comment), compared with v. */
static void check(const uint8_t *t, uint32_t len, const struct acpi_ivrs *v)
{
	struct acpi_ivrs_unit mine[ACPI_MAX_IVRS_UNITS];
	unsigned kept = 0, dropped = 0;
	uint32_t ivinfo;

	if (len < BLOCKS) {
		if (v->present)
			fail("an IVRS shorter than its header was read");
		return;
	}
	memcpy(&ivinfo, t + 36, 4);
	if (!v->present || v->unit_count > ACPI_MAX_IVRS_UNITS || v->ivinfo != ivinfo)
		fail("a sound IVRS not read, its IVinfo not the table's, or too many units");
	for (uint32_t at = BLOCKS; len - at >= 4;) {
		uint8_t type = t[at], bit = type_bit(type);
		uint16_t blen = get16(t + at + 2), seg, devid;
		uint64_t base;
		unsigned i;

		if (blen < 4 || blen > len - at)
			break;
		if (bit && blen >= (type == 0x10 ? 24 : 40)) {
			memcpy(&base, t + at + 8, 8);
			devid = get16(t + at + 4);
			seg = get16(t + at + 16);
			for (i = 0; i < kept && mine[i].base != base; i++)
				;
			if (!base || (base & 0x3fff)) {
				/* refused */
			} else if (i < kept) {
				if (mine[i].segment == seg && mine[i].devid == devid)
					mine[i].types |= bit;
			} else if (kept < ACPI_MAX_IVRS_UNITS) {
				mine[kept++] = (struct acpi_ivrs_unit){ base, seg, devid, bit };
			} else {
				dropped++;
			}
		}
		at += blen;
	}
	if (v->unit_count != kept || v->dropped != dropped)
		fail("not as many units kept and dropped as the table has sound ones");
	for (unsigned i = 0; i < kept; i++)
		if (v->unit[i].base != mine[i].base || v->unit[i].segment != mine[i].segment ||
		    v->unit[i].devid != mine[i].devid || v->unit[i].types != mine[i].types)
			fail("a unit kept is not the table's");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acpi_info info;
	static bool sink;
	uint32_t len;
	uint8_t *t;

	if (!sink && !getenv("FUZZ_IVRS_LOG"))
		printk_add_sink(quiet, false);
	sink = true;
	t = fuzz_acpi_table("IVRS", 2, data, size, &len);
	if (!t)
		return 0;
	acpi_info_init(&info);
	acpi_parse_table(t, len, &info);
	check(t, len, &info.ivrs);
	if (getenv("FUZZ_IVRS_LOG"))
		fprintf(stderr, "units %u bad %u dropped %u\n", info.ivrs.unit_count,
			info.ivrs.bad_units, info.ivrs.dropped);
	free(t);
	return 0;
}
