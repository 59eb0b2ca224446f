// SPDX-License-Identifier: MIT
/*
 * Host tests of the IVRS parser (src/drivers/acpi/acpi_ivrs.c): tables laid out as AMD
 * firmware writes them (a laptop's IOMMU described by a type 0x10 and a type 0x11 block
 * with a memory definition between them; a server's IOMMUs in 0x10 and 0x40 blocks;
 * QEMU's one IOMMU), then each way a table can be wrong. Every malformed case says which
 * IOMMUs must still be found and that the parser said why it left something out (the log
 * line is checked), and ASan sees any read past the table.
 */
#include <lios/acpi.h>
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "../../unit.h"
#include "acpi_fixture.h"
#include "log_capture.h"
#include "read_file.h"

#define IVRS_AT 0x8000
#define BODY_MAX 8192

/* An IVRS body under construction: the 12 bytes after the SDT header (IVinfo, reserved),
 * then the definition blocks added one by one. */
static uint8_t body[BODY_MAX];
static uint32_t blen;

static void ivrs_begin(uint32_t ivinfo)
{
	memset(body, 0, sizeof(body));
	memcpy(body, &ivinfo, 4);
	blen = 12;
}

/* Adds a block of type 'type' and 'len' bytes whose length field says 'len_field'. */
static uint8_t *add_block(uint8_t type, uint16_t len, uint16_t len_field)
{
	uint8_t *s = body + blen;

	s[0] = type;
	memcpy(s + 2, &len_field, 2);
	blen += len;
	return s;
}

/* An IVHD of type 'type' (0x10: 24 bytes of fields, else 40) for the IOMMU at devid on
 * segment, registers at base, with two device entries (a select and the I/O APIC). */
static void add_ivhd(uint8_t type, uint16_t devid, uint16_t segment, uint64_t base)
{
	uint16_t fixed = type == 0x10 ? 24 : 40, len = fixed + 12;
	uint8_t *s = add_block(type, len, len);
	static const uint8_t entries[12] = { 2, 8, 0, 0, 0x48, 0, 0, 0, 0x21, 0xa0, 0, 1 };

	s[1] = 0xb0; /* IOTLB, coherent, PPR supported */
	memcpy(s + 4, &devid, 2);
	s[6] = 0x40; /* capability offset */
	memcpy(s + 8, &base, 8);
	memcpy(s + 16, &segment, 2);
	memcpy(s + fixed, entries, sizeof(entries));
}

/* An IVMD of type 0x21 (32 bytes), which the parser steps over. */
static void add_ivmd(void)
{
	uint64_t start = 0x9ce00000, size = 0x100000;
	uint8_t *s = add_block(0x21, 32, 32);

	memcpy(s + 16, &start, 8);
	memcpy(s + 24, &size, 8);
}

/* Writes the table at IVRS_AT and parses it alone; the log goes to log_capture. */
static int parse_ivrs(void)
{
	put_table(IVRS_AT, "IVRS", 2, body, blen);
	acpi_info_init(&info);
	log_capture_clear();
	return acpi_parse_table(phys_mem + IVRS_AT, 36 + blen, &info);
}

/* A laptop with pre-boot DMA protection: its one IOMMU described by a type 0x10 and a
 * type 0x11 block (for older and newer OSes), a memory definition between them. One
 * unit listed by both types, IVinfo kept with its DMA remap bit, nothing said. */
static void test_laptop(void)
{
	ivrs_begin(0x00203040 | ACPI_IVINFO_DMA_REMAP | ACPI_IVINFO_EFR_SUP);
	add_ivhd(0x10, 0x0002, 0, 0xfd200000);
	add_ivmd();
	add_ivhd(0x11, 0x0002, 0, 0xfd200000);
	CHECK_EQ(parse_ivrs(), 0);
	CHECK(info.ivrs.present);
	CHECK(info.ivrs.ivinfo & ACPI_IVINFO_DMA_REMAP);
	CHECK_EQ(info.ivrs.ivinfo, 0x00203043);
	CHECK_EQ(info.ivrs.unit_count, 1);
	CHECK_EQ(info.ivrs.unit[0].base, 0xfd200000);
	CHECK_EQ(info.ivrs.unit[0].devid, 0x0002);
	CHECK_EQ(info.ivrs.unit[0].segment, 0);
	CHECK_EQ(info.ivrs.unit[0].types, ACPI_IVHD_TYPE_10 | ACPI_IVHD_TYPE_11);
	CHECK_EQ(info.ivrs.bad_units, 0);
	CHECK_EQ(info.bad_tables, 0);
	CHECK_STR_EQ(log_capture_buf, "");
}

/* A server: four IOMMUs in type 0x10 blocks, then the same four in type 0x40 blocks, the
 * last on segment 1 above 4 GiB. Four units in order, each listed by both types. */
static void test_server(void)
{
	static const uint64_t base[4] = { 0xf3000000, 0xf3100000, 0xf3200000, 0x3ffff0000000ull };
	static const uint16_t seg[4] = { 0, 0, 0, 1 };

	ivrs_begin(0x00203041);
	for (unsigned i = 0; i < 4; i++)
		add_ivhd(0x10, (uint16_t)(i * 0x40 << 8 | 2), seg[i], base[i]);
	for (unsigned i = 0; i < 4; i++)
		add_ivhd(0x40, (uint16_t)(i * 0x40 << 8 | 2), seg[i], base[i]);
	CHECK_EQ(parse_ivrs(), 0);
	CHECK_EQ(info.ivrs.unit_count, 4);
	for (unsigned i = 0; i < 4; i++) {
		CHECK_EQ(info.ivrs.unit[i].base, base[i]);
		CHECK_EQ(info.ivrs.unit[i].segment, seg[i]);
		CHECK_EQ(info.ivrs.unit[i].devid, i * 0x40 << 8 | 2);
		CHECK_EQ(info.ivrs.unit[i].types, ACPI_IVHD_TYPE_10 | ACPI_IVHD_TYPE_40);
	}
	CHECK_STR_EQ(log_capture_buf, "");
}

/* A table without blocks (48 bytes): present, no unit, nothing said. */
static void test_no_units(void)
{
	ivrs_begin(0);
	CHECK_EQ(parse_ivrs(), 0);
	CHECK(info.ivrs.present);
	CHECK_EQ(info.ivrs.unit_count, 0);
	CHECK_STR_EQ(log_capture_buf, "");
}

/* A table shorter than its 48 bytes of header: refused as a table, counted, said. */
static void test_short_table(void)
{
	ivrs_begin(0);
	blen = 6;
	CHECK_EQ(parse_ivrs(), -EINVAL);
	CHECK(!info.ivrs.present);
	CHECK_EQ(info.bad_tables, 1);
	CHECK(log_captured("acpi: IVRS is 42 bytes, shorter than its 48 bytes of header, "
			   "ignored"));
}

/* A block whose length field is 0 (it cannot be stepped over): the walk ends there with
 * a message; the IOMMU before it is kept, the one after it is not read. */
static void test_length_zero(void)
{
	ivrs_begin(0);
	add_ivhd(0x10, 2, 0, 0xfeb80000);
	add_block(0x10, 36, 0);
	add_ivhd(0x10, 0x42, 0, 0xfeb90000);
	CHECK_EQ(parse_ivrs(), 0);
	CHECK_EQ(info.ivrs.unit_count, 1);
	CHECK_EQ(info.ivrs.unit[0].base, 0xfeb80000);
	CHECK(log_captured("acpi: IVRS: block at offset 84 (type 0x10) has length 0, shorter "
			   "than its own header: the rest of the table is not read"));
}

/* A block whose length runs past the table's end: the walk ends, earlier units kept. */
static void test_length_past_end(void)
{
	ivrs_begin(0);
	add_ivhd(0x11, 2, 0, 0xfeb80000);
	add_block(0x40, 40, 400);
	CHECK_EQ(parse_ivrs(), 0);
	CHECK_EQ(info.ivrs.unit_count, 1);
	CHECK(log_captured("acpi: IVRS: block at offset 100 (type 0x40) has length 400, past "
			   "the table's end: the rest of the table is not read"));
}

/* The table ends 3 bytes into a block header: said, the IOMMU before it kept. */
static void test_truncated_header(void)
{
	ivrs_begin(0);
	add_ivhd(0x10, 2, 0, 0xfeb80000);
	blen += 3;
	CHECK_EQ(parse_ivrs(), 0);
	CHECK_EQ(info.ivrs.unit_count, 1);
	CHECK(log_captured("acpi: IVRS: 3 bytes left at offset 84, too few for a block "
			   "header: ignored"));
}

/* A type 0x10 block of 16 bytes (cut before its segment) and a type 0x11 block of 24
 * (enough for 0x10's fields, not for its own), between two sound ones: each refused with
 * its reason, the walk goes on to the next. */
static void test_short_ivhd(void)
{
	ivrs_begin(0);
	add_ivhd(0x10, 2, 0, 0xfeb80000);
	add_block(0x10, 16, 16);
	add_block(0x11, 24, 24);
	add_ivhd(0x40, 0x42, 0, 0xfeb90000);
	CHECK_EQ(parse_ivrs(), 0);
	CHECK_EQ(info.ivrs.unit_count, 2);
	CHECK_EQ(info.ivrs.unit[1].base, 0xfeb90000);
	CHECK_EQ(info.ivrs.unit[1].types, ACPI_IVHD_TYPE_40);
	CHECK_EQ(info.ivrs.bad_units, 2);
	CHECK(log_captured("acpi: IVRS: IOMMU block at offset 84 (type 0x10) is 16 bytes, "
			   "shorter than its 24 bytes of fields: not used"));
	CHECK(log_captured("acpi: IVRS: IOMMU block at offset 100 (type 0x11) is 24 bytes, "
			   "shorter than its 40 bytes of fields: not used"));
}

/* Register bases of 0 and 4 KiB but not 16 KiB aligned: each refused and said, the sound
 * one kept. */
static void test_bad_bases(void)
{
	ivrs_begin(0);
	add_ivhd(0x10, 2, 0, 0);
	add_ivhd(0x10, 2, 0, 0xfd201000);
	add_ivhd(0x10, 2, 0, 0xfd200000);
	CHECK_EQ(parse_ivrs(), 0);
	CHECK_EQ(info.ivrs.unit_count, 1);
	CHECK_EQ(info.ivrs.unit[0].base, 0xfd200000);
	CHECK_EQ(info.ivrs.bad_units, 2);
	CHECK(log_captured("acpi: IVRS: IOMMU block at offset 48 has its registers at address "
			   "0: not used"));
	CHECK(log_captured("acpi: IVRS: IOMMU block at offset 84 has its registers at "
			   "0xfd201000, not 16 KiB aligned: not used"));
}

/* One register base named for two devices: the second block is refused (one register
 * page, one IOMMU); a third block for the first device is the same IOMMU again. */
static void test_base_twice(void)
{
	ivrs_begin(0);
	add_ivhd(0x10, 0x0002, 0, 0xfd200000);
	add_ivhd(0x11, 0x0012, 0, 0xfd200000);
	add_ivhd(0x11, 0x0002, 0, 0xfd200000);
	CHECK_EQ(parse_ivrs(), 0);
	CHECK_EQ(info.ivrs.unit_count, 1);
	CHECK_EQ(info.ivrs.unit[0].devid, 0x0002);
	CHECK_EQ(info.ivrs.unit[0].types, ACPI_IVHD_TYPE_10 | ACPI_IVHD_TYPE_11);
	CHECK_EQ(info.ivrs.bad_units, 1);
	CHECK(log_captured("acpi: IVRS: IOMMU block at offset 84: registers at 0xfd200000 "
			   "listed for 0000:00:00.2 and 0000:00:02.2: the first entry is used"));
}

/* Blocks of types LiOS does not read (memory definitions 0x20-0x22, a future type 0x50,
 * an unknown 0x12) are stepped over in silence; the IOMMU after them is kept. */
static void test_unknown_types(void)
{
	ivrs_begin(0);
	add_ivmd();
	add_block(0x50, 16, 16);
	add_block(0x12, 8, 8);
	add_block(0x20, 32, 32);
	add_ivhd(0x10, 2, 0, 0xfeb80000);
	CHECK_EQ(parse_ivrs(), 0);
	CHECK_EQ(info.ivrs.unit_count, 1);
	CHECK_EQ(info.ivrs.unit[0].base, 0xfeb80000);
	CHECK_EQ(info.ivrs.bad_units, 0);
	CHECK_STR_EQ(log_capture_buf, "");
}

/* More IOMMUs than LiOS keeps, each in a 0x10 and a 0x11 block: the first
 * ACPI_MAX_IVRS_UNITS are kept with both types, the blocks of the rest counted and said
 * once. */
static void test_too_many(void)
{
	ivrs_begin(0);
	for (unsigned i = 0; i < ACPI_MAX_IVRS_UNITS + 3; i++)
		add_ivhd(0x10, (uint16_t)(i << 8 | 2), 0, 0xe0000000 + 0x100000ull * i);
	for (unsigned i = 0; i < ACPI_MAX_IVRS_UNITS + 3; i++)
		add_ivhd(0x11, (uint16_t)(i << 8 | 2), 0, 0xe0000000 + 0x100000ull * i);
	CHECK(blen <= BODY_MAX);
	CHECK_EQ(parse_ivrs(), 0);
	CHECK_EQ(info.ivrs.unit_count, ACPI_MAX_IVRS_UNITS);
	CHECK_EQ(info.ivrs.unit[ACPI_MAX_IVRS_UNITS - 1].base,
		 0xe0000000 + 0x100000ull * (ACPI_MAX_IVRS_UNITS - 1));
	CHECK_EQ(info.ivrs.unit[ACPI_MAX_IVRS_UNITS - 1].types,
		 ACPI_IVHD_TYPE_10 | ACPI_IVHD_TYPE_11);
	CHECK_EQ(info.ivrs.dropped, 6);
	CHECK(log_captured("acpi: IVRS: 6 IOMMU blocks past the 32 IOMMUs LiOS keeps: those "
			   "IOMMUs stay as the firmware left them"));
}

/* QEMU 7.2's own IVRS for q35 with amd-iommu (tables/qemu-q35-amd-iommu, dumped by
 * dump_qemu_tables.py): one type 0x10 block for the IOMMU at 00:02.0 with its registers
 * at 0xfed80000, device entries for each function and the I/O APIC. Read whole, nothing
 * said. */
static void test_qemu_table(void)
{
	const char *root = getenv("LIOS_ACPI_TABLES");
	char dir[512];
	size_t len;
	uint8_t *t;

	snprintf(dir, sizeof(dir), "%s/qemu-q35-amd-iommu", root ? root : ".");
	t = support_read_file(dir, "IVRS", &len);
	CHECK(t != NULL);
	if (!t)
		return;
	acpi_info_init(&info);
	log_capture_clear();
	CHECK_EQ(acpi_parse_table(t, len, &info), 0);
	CHECK_EQ(info.ivrs.unit_count, 1);
	CHECK_EQ(info.ivrs.unit[0].base, 0xfed80000);
	CHECK_EQ(info.ivrs.unit[0].devid, 0x0010);
	CHECK_EQ(info.ivrs.unit[0].types, ACPI_IVHD_TYPE_10);
	CHECK_EQ(info.ivrs.ivinfo & ACPI_IVINFO_DMA_REMAP, 0);
	CHECK_EQ(info.ivrs.bad_units, 0);
	CHECK_STR_EQ(log_capture_buf, "");
	free(t);
}

/* Found through the XSDT with the FADT and MADT; a checksum that fails refuses it. */
static void test_through_xsdt(void)
{
	uint8_t rsdp[36];
	uint64_t x[3] = { FADT_AT, MADT_AT, IVRS_AT };

	memset(phys_mem, 0, sizeof(phys_mem));
	put_fadt(5, true, true);
	put_madt(false);
	ivrs_begin(0);
	add_ivhd(0x10, 2, 0, 0xfeb80000);
	put_table(IVRS_AT, "IVRS", 2, body, blen);
	put_table(XSDT_AT, "XSDT", 1, (uint8_t *)x, sizeof(x));
	make_rsdp(rsdp, 2);
	acpi_info_init(&info);
	acpi_parse(rsdp, 36, &os, &info);
	CHECK(info.present && info.tables == 3 && info.bad_tables == 0);
	CHECK(info.ivrs.present);
	CHECK_EQ(info.ivrs.unit_count, 1);

	phys_mem[IVRS_AT + 58]++; /* the register base changes: the checksum no longer holds */
	acpi_info_init(&info);
	CHECK_EQ(acpi_parse_table(phys_mem + IVRS_AT, 36 + blen, &info), -EINVAL);
	CHECK(!info.ivrs.present);
}

int main(void)
{
	printk_add_sink(log_capture_sink, false);
	RUN(test_laptop);
	RUN(test_server);
	RUN(test_no_units);
	RUN(test_short_table);
	RUN(test_length_zero);
	RUN(test_length_past_end);
	RUN(test_truncated_header);
	RUN(test_short_ivhd);
	RUN(test_bad_bases);
	RUN(test_base_twice);
	RUN(test_unknown_types);
	RUN(test_too_many);
	RUN(test_qemu_table);
	RUN(test_through_xsdt);
	return unit_summary();
}
