// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the DMAR parser (src/drivers/acpi/acpi_dmar.c) through
 * acpi_parse_table: the input is the table's bytes after the 36-byte SDT header. The
 * harness writes the header ("DMAR", the length, a checksum made right) so every input
 * reaches the remapping structures, and copies the table into a heap block of exactly its
 * size, so ASan sees any read past it.
 *
 * What the parser keeps must be what the table says: the harness walks the structures
 * itself as far as they can be stepped over and lists the DRHDs whose register base is
 * non-zero, 4 KiB aligned and not listed before; the units kept must be the first
 * ACPI_MAX_DMAR_UNITS of them, in order, with their segment and flags, the rest counted
 * as dropped. FUZZ_DMAR_LOG=1 prints the parser's messages (run one input: fuzz_dmar FILE).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lios/acpi.h>
#include <lios/printk.h>
#include "acpi_table_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STRUCTURES 48

static void fail(const char *what)
{
	fprintf(stderr, "dmar output broken: %s\n", what);
	abort();
}

static void quiet(const char *s, size_t len) { (void)s, (void)len; }

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

/* The harness's own reading of the units (see the top comment), compared with d. */
static void check(const uint8_t *t, uint32_t len, const struct acpi_dmar *d)
{
	uint64_t seen[1024];
	unsigned nseen = 0, kept = 0;

	if (len < STRUCTURES) {
		if (d->present)
			fail("a DMAR shorter than its header was read");
		return;
	}
	if (!d->present || d->unit_count > ACPI_MAX_DMAR_UNITS)
		fail("a sound DMAR not read, or more units than the array holds");
	if (d->host_addr_width != (uint8_t)(t[36] + 1) || d->flags != t[37])
		fail("the header fields are not the table's");
	for (uint32_t at = STRUCTURES; len - at >= 4;) {
		uint16_t type = get16(t + at), slen = get16(t + at + 2);
		uint64_t base;
		bool dup = false;

		if (slen < 4 || slen > len - at)
			break;
		if (type == 0 && slen >= 16) {
			memcpy(&base, t + at + 8, 8);
			for (unsigned i = 0; i < nseen; i++)
				dup |= seen[i] == base;
			if (base && !(base & 0xfff) && !dup && nseen < 1024) {
				seen[nseen++] = base;
				if (kept < ACPI_MAX_DMAR_UNITS) {
					const struct acpi_dmar_unit *u = &d->unit[kept++];

					if (u->base != base || u->flags != t[at + 4] ||
					    u->segment != get16(t + at + 6))
						fail("a unit kept is not the table's");
				}
			}
		}
		at += slen;
	}
	if (d->unit_count != kept || d->dropped != nseen - kept)
		fail("not as many units kept and dropped as the table has sound ones");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acpi_info info;
	static bool sink;
	uint32_t len;
	uint8_t *t;

	if (!sink && !getenv("FUZZ_DMAR_LOG"))
		printk_add_sink(quiet, false);
	sink = true;
	t = fuzz_acpi_table("DMAR", 1, data, size, &len);
	if (!t)
		return 0;
	acpi_info_init(&info);
	acpi_parse_table(t, len, &info);
	check(t, len, &info.dmar);
	if (getenv("FUZZ_DMAR_LOG"))
		fprintf(stderr, "units %u bad %u dropped %u\n", info.dmar.unit_count,
			info.dmar.bad_units, info.dmar.dropped);
	free(t);
	return 0;
}
