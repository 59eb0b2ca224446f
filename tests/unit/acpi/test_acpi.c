// SPDX-License-Identifier: MIT
/*
 * Host tests of the ACPI table parser (src/drivers/acpi/acpi_tables.c). Tables are laid out
 * in a fake physical memory arena exactly as firmware would, with real checksums; each case
 * says which firmware situation it models and what the parser must conclude.
 */
#include <lios/acpi.h>
#include <lios/string.h>
#include "../unit.h"

static uint8_t phys_mem[65536];

static const void *arena_map(paddr_t phys, size_t len)
{
	if (phys + len > sizeof(phys_mem))
		return NULL;
	return phys_mem + phys;
}
static void arena_unmap(const void *p, size_t len) {}
static const struct acpi_os os = {arena_map, arena_unmap};

static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
	uint8_t sum = 0;
	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	p[at] = (uint8_t)-sum;
}

/* Writes an SDT header + body at phys and fixes its checksum. */
static void put_table(paddr_t phys, const char *sig, uint8_t rev, const uint8_t *body, uint32_t blen)
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

/* FADT body (offsets relative to the table start minus 36). */
static void put_fadt(uint8_t rev, bool reset, bool i8042)
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

/* MADT: 2 enabled local APICs, 1 disabled, 1 enabled x2APIC, then an optional bad entry. */
static void put_madt(bool malformed)
{
	uint8_t body[8 + 8 * 3 + 16 + 2] = {0};
	uint8_t *e = body + 8;
	uint32_t en = 1, dis = 0;
	for (int i = 0; i < 3; i++, e += 8) {
		e[0] = 0, e[1] = 8, e[3] = (uint8_t)i;
		memcpy(e + 4, i == 2 ? &dis : &en, 4);
	}
	e[0] = 9, e[1] = 16;
	memcpy(e + 8, &en, 4);
	e += 16;
	if (malformed)
		e[0] = 0, e[1] = 0; /* zero-length entry: must end the walk, not loop */
	put_table(MADT_AT, "APIC", 4, body, sizeof(body) - (malformed ? 0 : 2));
}

static void put_roots(void)
{
	uint64_t x[2] = {FADT_AT, MADT_AT};
	uint32_t r[2] = {FADT_AT, MADT_AT};
	put_table(XSDT_AT, "XSDT", 1, (uint8_t *)x, sizeof(x));
	put_table(RSDT_AT, "RSDT", 1, (uint8_t *)r, sizeof(r));
}

static void make_rsdp(uint8_t *rsdp, uint8_t rev)
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

/* ACPI 2.0 machine: XSDT, modern FADT with reset register and 8042, MADT with 3 usable CPUs. */
static void test_acpi2_full(void)
{
	uint8_t rsdp[36];
	memset(phys_mem, 0, sizeof(phys_mem));
	put_fadt(5, true, true);
	put_madt(false);
	put_roots();
	make_rsdp(rsdp, 2);
	acpi_parse(rsdp, 36, &os, &info);
	CHECK(info.present && info.revision == 2);
	CHECK(strcmp(info.oem_id, "LIOS") == 0); /* trailing padding removed */
	CHECK(info.tables == 2 && info.bad_tables == 0);
	CHECK(info.have_fadt && info.have_madt);
	CHECK(info.i8042_flag_valid && info.i8042_present);
	CHECK(info.reset_supported && info.reset_reg.space == ACPI_SPACE_IO);
	CHECK(info.reset_reg.address == 0xcf9 && info.reset_value == 6);
	CHECK(info.cpu_count == 3);
}

/* ACPI 1.0 machine: RSDT with 32-bit entries, FADT revision 1 has no IAPC_BOOT_ARCH. */
static void test_acpi1_rsdt(void)
{
	uint8_t rsdp[36];
	memset(phys_mem, 0, sizeof(phys_mem));
	put_fadt(1, false, true);
	put_madt(false);
	put_roots();
	make_rsdp(rsdp, 0);
	acpi_parse(rsdp, 20, &os, &info);
	CHECK(info.present && info.revision == 0);
	CHECK(info.have_fadt && !info.i8042_flag_valid && !info.reset_supported);
	CHECK(info.cpu_count == 3);
}

/* An RSDP with a wrong checksum is not used at all. */
static void test_bad_rsdp_checksum(void)
{
	uint8_t rsdp[36];
	make_rsdp(rsdp, 2);
	rsdp[8] ^= 1;
	acpi_parse(rsdp, 36, &os, &info);
	CHECK(!info.present);
}

/* A FADT with a bad checksum is ignored and counted; the MADT is still used. */
static void test_bad_fadt_checksum(void)
{
	uint8_t rsdp[36];
	memset(phys_mem, 0, sizeof(phys_mem));
	put_fadt(5, true, true);
	phys_mem[FADT_AT + 100] ^= 0x55;
	put_madt(false);
	put_roots();
	make_rsdp(rsdp, 2);
	acpi_parse(rsdp, 36, &os, &info);
	CHECK(info.present && !info.have_fadt && !info.reset_supported);
	CHECK(info.bad_tables == 1);
	CHECK(info.have_madt && info.cpu_count == 3);
}

/* A broken extended RSDP checksum: fall back to the RSDT. */
static void test_bad_xsdt_pointer_falls_back(void)
{
	uint8_t rsdp[36];
	memset(phys_mem, 0, sizeof(phys_mem));
	put_fadt(5, true, false);
	put_madt(false);
	put_roots();
	make_rsdp(rsdp, 2);
	rsdp[32] ^= 1; /* extended checksum wrong */
	acpi_parse(rsdp, 36, &os, &info);
	CHECK(info.present && info.have_fadt && info.i8042_flag_valid && !info.i8042_present);
}

/* A table claiming a huge length, and a MADT with a zero-length entry: both bounded. */
static void test_hostile_lengths(void)
{
	uint8_t rsdp[36];
	memset(phys_mem, 0, sizeof(phys_mem));
	put_fadt(5, true, true);
	uint32_t huge = 0x7fffffff;
	memcpy(phys_mem + FADT_AT + 4, &huge, 4);
	put_madt(true);
	put_roots();
	make_rsdp(rsdp, 2);
	acpi_parse(rsdp, 36, &os, &info);
	CHECK(info.present && !info.have_fadt && info.bad_tables == 1);
	CHECK(info.have_madt && info.cpu_count == 3);
}

/* A root table with the wrong signature: ACPI is treated as absent. */
static void test_wrong_root_signature(void)
{
	uint8_t rsdp[36];
	memset(phys_mem, 0, sizeof(phys_mem));
	put_roots();
	memcpy(phys_mem + XSDT_AT, "XSDX", 4);
	fix_checksum(phys_mem + XSDT_AT, 36 + 16, 9);
	make_rsdp(rsdp, 2);
	acpi_parse(rsdp, 36, &os, &info);
	CHECK(!info.present);
}

int main(void)
{
	RUN(test_acpi2_full);
	RUN(test_acpi1_rsdt);
	RUN(test_bad_rsdp_checksum);
	RUN(test_bad_fadt_checksum);
	RUN(test_bad_xsdt_pointer_falls_back);
	RUN(test_hostile_lengths);
	RUN(test_wrong_root_signature);
	return unit_summary();
}
