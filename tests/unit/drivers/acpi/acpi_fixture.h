/* SPDX-License-Identifier: MIT */
/*
 * What the ACPI table parser's host tests (test_acpi.c, test_madt.c) share: a fake physical
 * memory arena the parser maps from (every map a heap copy of exactly the bytes asked for,
 * so ASan catches a read past a mapping and LeakSanitizer a map without its unmap), tables
 * written into it with real checksums, a FADT, a MADT, the root tables and an RSDP.
 */
#ifndef LIOS_TEST_ACPI_FIXTURE_H
#define LIOS_TEST_ACPI_FIXTURE_H
#include <stdlib.h>
#include <lios/acpi.h>
#include <lios/string.h>

static uint8_t phys_mem[65536];

static inline const void *arena_map(paddr_t phys, size_t len)
{
	uint8_t *copy;

	if (phys + len > sizeof(phys_mem) || !(copy = malloc(len)))
		return NULL;
	memcpy(copy, phys_mem + phys, len);
	return copy;
}
static inline void arena_unmap(const void *p, size_t len) { free((void *)p); }
static const struct acpi_os os = {arena_map, arena_unmap};

static inline void fix_checksum(uint8_t *p, size_t len, size_t at)
{
	uint8_t sum = 0;
	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	p[at] = (uint8_t)-sum;
}

/* Writes an SDT header + body at phys and fixes its checksum. */
static inline void put_table(paddr_t phys, const char *sig, uint8_t rev, const uint8_t *body, uint32_t blen)
{
	uint8_t *t = phys_mem + phys;
	uint32_t len = 36 + blen;
	memset(t, 0, len);
	memcpy(t, sig, 4);
	memcpy(t + 4, &len, 4);
	t[8] = rev;
	memcpy(t + 10, "LIOSTS", 6);
	memcpy(t + 36, body, blen);
	fix_checksum(t, len, 9);
}

#define FADT_AT 0x1000
#define MADT_AT 0x2000
#define XSDT_AT 0x3000
#define RSDT_AT 0x4000
#define MCFG_AT 0x5000
#define DSDT_AT 0x6000
#define SSDT_AT 0x7000

/* FADT body (offsets relative to the table start minus 36). */
static inline void put_fadt(uint8_t rev, bool reset, bool i8042)
{
	uint8_t body[276 - 36] = {0};
	uint32_t flags = reset ? 1u << 10 : 0;
	uint16_t arch = i8042 ? 2 : 0;
	memcpy(body + 112 - 36, &flags, 4);
	memcpy(body + 109 - 36, &arch, 2);
	body[116 - 36] = ACPI_SPACE_IO;
	body[117 - 36] = 8;
	uint64_t port = 0xcf9;
	memcpy(body + 120 - 36, &port, 8);
	body[128 - 36] = 0x06;
	put_table(FADT_AT, "FACP", rev, body, sizeof(body));
}

/* MADT: 2 enabled local APICs, 1 disabled, 1 enabled x2APIC (ID 256: only an x2APIC
 * entry can describe it), then an optional bad entry. */
static inline void put_madt(bool malformed)
{
	uint8_t body[8 + 8 * 3 + 16 + 2] = {0};
	uint8_t *e = body + 8;
	uint32_t en = 1, dis = 0, x2id = 256;
	for (int i = 0; i < 3; i++, e += 8) {
		e[0] = 0, e[1] = 8, e[3] = (uint8_t)i;
		memcpy(e + 4, i == 2 ? &dis : &en, 4);
	}
	e[0] = 9, e[1] = 16;
	memcpy(e + 4, &x2id, 4);
	memcpy(e + 8, &en, 4);
	e += 16;
	if (malformed)
		e[0] = 0, e[1] = 0; /* zero-length entry: must end the walk, not loop */
	put_table(MADT_AT, "APIC", 4, body, sizeof(body) - (malformed ? 0 : 2));
}

static inline void put_roots(void)
{
	uint64_t x[2] = {FADT_AT, MADT_AT};
	uint32_t r[2] = {FADT_AT, MADT_AT};
	put_table(XSDT_AT, "XSDT", 1, (uint8_t *)x, sizeof(x));
	put_table(RSDT_AT, "RSDT", 1, (uint8_t *)r, sizeof(r));
}

static inline void make_rsdp(uint8_t *rsdp, uint8_t rev)
{
	memset(rsdp, 0, 36);
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "LIOS  ", 6);
	rsdp[15] = rev;
	uint32_t rsdt = RSDT_AT, len = 36;
	uint64_t xsdt = XSDT_AT;
	memcpy(rsdp + 16, &rsdt, 4);
	memcpy(rsdp + 20, &len, 4);
	memcpy(rsdp + 24, &xsdt, 8);
	fix_checksum(rsdp, 20, 8);
	fix_checksum(rsdp, 36, 32);
}

static struct acpi_info info;

#endif
