// SPDX-License-Identifier: MIT
/*
 * Host tests of the DMAR parser (src/drivers/acpi/acpi_dmar.c): tables laid out as
 * firmware writes them (two remapping units with device scopes, reserved memory regions
 * between them; QEMU's one unit), then each way a table can be wrong. Every malformed case
 * says which units must still be found and that the parser said why it left something out
 * (the log line is checked), and ASan sees any read past the table.
 */
#include <lios/acpi.h>
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "../../unit.h"
#include "acpi_fixture.h"
#include "log_capture.h"
#include "read_file.h"

#define DMAR_AT 0x8000
#define BODY_MAX 4096

/* A DMAR body under construction: the 12 bytes after the SDT header (host address width,
 * flags, reserved), then the remapping structures added one by one. */
static uint8_t body[BODY_MAX];
static uint32_t blen;

static void dmar_begin(uint8_t haw_minus_1, uint8_t flags)
{
	memset(body, 0, sizeof(body));
	body[0] = haw_minus_1;
	body[1] = flags;
	blen = 12;
}

/* Adds a structure of type 'type' and 'len' bytes whose length field says 'len_field'. */
static uint8_t *add_struct(uint16_t type, uint16_t len, uint16_t len_field)
{
	uint8_t *s = body + blen;

	memcpy(s, &type, 2);
	memcpy(s + 2, &len_field, 2);
	blen += len;
	return s;
}

/* A DRHD with one device scope (an endpoint, 8 bytes) unless include_all. */
static void add_drhd(uint8_t flags, uint16_t segment, uint64_t base)
{
	uint16_t len = flags & ACPI_DRHD_INCLUDE_PCI_ALL ? 16 : 24;
	uint8_t *s = add_struct(0, len, len);

	s[4] = flags;
	memcpy(s + 6, &segment, 2);
	memcpy(s + 8, &base, 8);
	if (len == 24) {
		s[16] = 1; /* scope type: PCI endpoint */
		s[17] = 8; /* its length */
		s[20] = 0; /* start bus */
		s[22] = 2; /* device 2, function 0 (the integrated GPU) */
	}
}

/* An RMRR (type 1) of 24 bytes, which the parser steps over. */
static void add_rmrr(void)
{
	uint64_t lo = 0x3d000000, hi = 0x3dffffff;
	uint8_t *s = add_struct(1, 24, 24);

	memcpy(s + 8, &lo, 8);
	memcpy(s + 16, &hi, 8);
}

/* Writes the table at DMAR_AT and parses it alone; the log goes to log_capture. */
static int parse_dmar(void)
{
	put_table(DMAR_AT, "DMAR", 1, body, blen);
	acpi_info_init(&info);
	log_capture_clear();
	return acpi_parse_table(phys_mem + DMAR_AT, 36 + blen, &info);
}

/* A laptop's table: the GPU's unit (its own device scope) and the one for every other
 * device, a reserved region between them, flags with interrupt remapping and the DMA
 * control opt-in of pre-boot DMA protection. Both units kept in order, nothing refused. */
static void test_two_units(void)
{
	dmar_begin(38, ACPI_DMAR_INTR_REMAP | ACPI_DMAR_DMA_CTRL_OPT_IN);
	add_drhd(0, 0, 0xfed90000);
	add_rmrr();
	add_drhd(ACPI_DRHD_INCLUDE_PCI_ALL, 0, 0xfed91000);
	CHECK_EQ(parse_dmar(), 0);
	CHECK(info.dmar.present);
	CHECK_EQ(info.dmar.host_addr_width, 39);
	CHECK_EQ(info.dmar.flags, ACPI_DMAR_INTR_REMAP | ACPI_DMAR_DMA_CTRL_OPT_IN);
	CHECK_EQ(info.dmar.unit_count, 2);
	CHECK_EQ(info.dmar.unit[0].base, 0xfed90000);
	CHECK_EQ(info.dmar.unit[0].flags, 0);
	CHECK_EQ(info.dmar.unit[1].base, 0xfed91000);
	CHECK_EQ(info.dmar.unit[1].flags, ACPI_DRHD_INCLUDE_PCI_ALL);
	CHECK_EQ(info.dmar.bad_units, 0);
	CHECK_EQ(info.bad_tables, 0);
	CHECK_STR_EQ(log_capture_buf, "");
}

/* A unit on PCI segment 1 above 4 GiB (a server's second root complex): kept as given. */
static void test_segment_and_high_base(void)
{
	dmar_begin(45, 0);
	add_drhd(ACPI_DRHD_INCLUDE_PCI_ALL, 1, 0x3fffff000000ull);
	CHECK_EQ(parse_dmar(), 0);
	CHECK_EQ(info.dmar.unit_count, 1);
	CHECK_EQ(info.dmar.unit[0].segment, 1);
	CHECK_EQ(info.dmar.unit[0].base, 0x3fffff000000ull);
}

/* A table without structures (48 bytes): present, no unit, nothing said. */
static void test_no_units(void)
{
	dmar_begin(38, 0);
	CHECK_EQ(parse_dmar(), 0);
	CHECK(info.dmar.present);
	CHECK_EQ(info.dmar.unit_count, 0);
	CHECK_STR_EQ(log_capture_buf, "");
}

/* A table shorter than its 48 bytes of header: refused as a table, counted, said. */
static void test_short_table(void)
{
	dmar_begin(38, 0);
	blen = 10;
	CHECK_EQ(parse_dmar(), -EINVAL);
	CHECK(!info.dmar.present);
	CHECK_EQ(info.bad_tables, 1);
	CHECK(log_captured("acpi: DMAR is 46 bytes, shorter than its 48 bytes of header"));
}

/* A structure whose length field is 0 (it cannot be stepped over): the walk ends there
 * with a message; the unit before it is kept. */
static void test_length_zero(void)
{
	dmar_begin(38, 0);
	add_drhd(ACPI_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000);
	add_struct(0, 16, 0);
	CHECK_EQ(parse_dmar(), 0);
	CHECK_EQ(info.dmar.unit_count, 1);
	CHECK_EQ(info.dmar.unit[0].base, 0xfed90000);
	CHECK(log_captured("acpi: DMAR: structure at offset 64 (type 0x0) has length 0, shorter "
			   "than its own header: the rest of the table is not read"));
}

/* A structure whose length runs past the table's end: the walk ends, earlier units kept. */
static void test_length_past_end(void)
{
	dmar_begin(38, 0);
	add_drhd(0, 0, 0xfed90000);
	add_struct(1, 8, 200);
	CHECK_EQ(parse_dmar(), 0);
	CHECK_EQ(info.dmar.unit_count, 1);
	CHECK(log_captured("has length 200, past the table's end"));
}

/* The table ends 2 bytes into a structure header: said, the unit before it kept. */
static void test_truncated_header(void)
{
	dmar_begin(38, 0);
	add_drhd(ACPI_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000);
	blen += 2;
	CHECK_EQ(parse_dmar(), 0);
	CHECK_EQ(info.dmar.unit_count, 1);
	CHECK(log_captured("acpi: DMAR: 2 bytes left at offset 64, too few for a structure "
			   "header"));
}

/* A DRHD of 12 bytes (cut before its register base), between two sound ones: refused
 * with its reason, the walk goes on to the next. */
static void test_short_drhd(void)
{
	dmar_begin(38, 0);
	add_drhd(0, 0, 0xfed90000);
	add_struct(0, 12, 12);
	add_drhd(ACPI_DRHD_INCLUDE_PCI_ALL, 0, 0xfed91000);
	CHECK_EQ(parse_dmar(), 0);
	CHECK_EQ(info.dmar.unit_count, 2);
	CHECK_EQ(info.dmar.unit[1].base, 0xfed91000);
	CHECK_EQ(info.dmar.bad_units, 1);
	CHECK(log_captured("acpi: DMAR: unit at offset 72 is 12 bytes, shorter than its 16 "
			   "bytes of fields: not used"));
}

/* Register bases of 0 and not 4 KiB aligned: each refused and said, the sound one kept. */
static void test_bad_bases(void)
{
	dmar_begin(38, 0);
	add_drhd(0, 0, 0);
	add_drhd(0, 0, 0xfed90800);
	add_drhd(ACPI_DRHD_INCLUDE_PCI_ALL, 0, 0xfed91000);
	CHECK_EQ(parse_dmar(), 0);
	CHECK_EQ(info.dmar.unit_count, 1);
	CHECK_EQ(info.dmar.unit[0].base, 0xfed91000);
	CHECK_EQ(info.dmar.bad_units, 2);
	CHECK(log_captured("acpi: DMAR: unit at offset 48 has its registers at address 0: not "
			   "used"));
	CHECK(log_captured("acpi: DMAR: unit at offset 72 has its registers at 0xfed90800, not "
			   "4 KiB aligned: not used"));
}

/* One unit listed twice: the second entry is refused (one register page, one unit). */
static void test_duplicate(void)
{
	dmar_begin(38, 0);
	add_drhd(0, 0, 0xfed90000);
	add_drhd(ACPI_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000);
	CHECK_EQ(parse_dmar(), 0);
	CHECK_EQ(info.dmar.unit_count, 1);
	CHECK_EQ(info.dmar.bad_units, 1);
	CHECK(log_captured("registers at 0xfed90000 listed twice"));
}

/* More units than LiOS keeps: the first ACPI_MAX_DMAR_UNITS are kept, the rest counted
 * and said once. */
static void test_too_many(void)
{
	dmar_begin(38, 0);
	for (unsigned i = 0; i < ACPI_MAX_DMAR_UNITS + 3; i++)
		add_drhd(ACPI_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000 + 0x1000ull * i);
	CHECK_EQ(parse_dmar(), 0);
	CHECK_EQ(info.dmar.unit_count, ACPI_MAX_DMAR_UNITS);
	CHECK_EQ(info.dmar.unit[ACPI_MAX_DMAR_UNITS - 1].base,
		 0xfed90000 + 0x1000ull * (ACPI_MAX_DMAR_UNITS - 1));
	CHECK_EQ(info.dmar.dropped, 3);
	CHECK(log_captured("acpi: DMAR lists 3 more units than LiOS keeps (32)"));
}

/* QEMU 7.2's own DMAR for q35 with intel-iommu (tables/qemu-q35-iommu, dumped by
 * dump_qemu_tables.py): one unit at 0xfed90000 whose device scopes name the I/O APIC and
 * each PCI function rather than INCLUDE_PCI_ALL, a 39-bit address width, interrupt
 * remapping flagged. Read whole, nothing said. */
static void test_qemu_table(void)
{
	const char *root = getenv("LIOS_ACPI_TABLES");
	char dir[512];
	size_t len;
	uint8_t *t;

	snprintf(dir, sizeof(dir), "%s/qemu-q35-iommu", root ? root : ".");
	t = support_read_file(dir, "DMAR", &len);
	CHECK(t != NULL);
	if (!t)
		return;
	acpi_info_init(&info);
	log_capture_clear();
	CHECK_EQ(acpi_parse_table(t, len, &info), 0);
	CHECK_EQ(info.dmar.unit_count, 1);
	CHECK_EQ(info.dmar.unit[0].base, 0xfed90000);
	CHECK_EQ(info.dmar.unit[0].flags, 0);
	CHECK_EQ(info.dmar.host_addr_width, 39);
	CHECK_EQ(info.dmar.flags, ACPI_DMAR_INTR_REMAP);
	CHECK_EQ(info.dmar.bad_units, 0);
	CHECK_STR_EQ(log_capture_buf, "");
	free(t);
}

/* Found through the XSDT with the FADT and MADT; a checksum that fails refuses it. */
static void test_through_xsdt(void)
{
	uint8_t rsdp[36];
	uint64_t x[3] = { FADT_AT, MADT_AT, DMAR_AT };

	memset(phys_mem, 0, sizeof(phys_mem));
	put_fadt(5, true, true);
	put_madt(false);
	dmar_begin(38, 0);
	add_drhd(ACPI_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000);
	put_table(DMAR_AT, "DMAR", 1, body, blen);
	put_table(XSDT_AT, "XSDT", 1, (uint8_t *)x, sizeof(x));
	make_rsdp(rsdp, 2);
	acpi_info_init(&info);
	acpi_parse(rsdp, 36, &os, &info);
	CHECK(info.present && info.tables == 3 && info.bad_tables == 0);
	CHECK(info.dmar.present);
	CHECK_EQ(info.dmar.unit_count, 1);

	phys_mem[DMAR_AT + 60]++; /* the register base changes: the checksum no longer holds */
	acpi_info_init(&info);
	CHECK_EQ(acpi_parse_table(phys_mem + DMAR_AT, 36 + blen, &info), -EINVAL);
	CHECK(!info.dmar.present);
}

int main(void)
{
	printk_add_sink(log_capture_sink, false);
	RUN(test_two_units);
	RUN(test_segment_and_high_base);
	RUN(test_no_units);
	RUN(test_short_table);
	RUN(test_length_zero);
	RUN(test_length_past_end);
	RUN(test_truncated_header);
	RUN(test_short_drhd);
	RUN(test_bad_bases);
	RUN(test_duplicate);
	RUN(test_too_many);
	RUN(test_qemu_table);
	RUN(test_through_xsdt);
	return unit_summary();
}
