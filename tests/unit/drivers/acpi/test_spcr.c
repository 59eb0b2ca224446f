// SPDX-License-Identifier: MIT
/*
 * Host tests of the SPCR parser (src/drivers/acpi/acpi_spcr.c): tables as firmware lays
 * them out (a legacy port, a server's memory-mapped UART with 32-bit registers, a UART of
 * another kind, a table cut short), fed one by one to acpi_parse_table and once through
 * the whole RSDP -> XSDT walk. Each case says what the serial code must be told: where the
 * UART is and how to drive it, or why it cannot be used.
 */
#include <lios/acpi.h>
#include <lios/errno.h>
#include <lios/string.h>
#include "../../unit.h"
#include "acpi_fixture.h"

#define SPCR_AT 0x8000
#define SPCR_BODY 44    /* revision 2: 80 bytes in all */
#define SPCR_BODY_V4 52 /* revision 4 without a namespace string: 88 bytes */

/* An SPCR body (the bytes after the header, offsets minus 36): interface type, the base
 * address GAS, baud code 7 (115200), not a PCI device. */
static void spcr_body(uint8_t *b, uint8_t type, uint8_t space, uint8_t bit_width,
		      uint8_t access_size, uint64_t address)
{
	memset(b, 0, SPCR_BODY);
	b[36 - 36] = type;
	b[40 - 36] = space;
	b[41 - 36] = bit_width;
	b[43 - 36] = access_size;
	memcpy(b + 44 - 36, &address, 8);
	b[58 - 36] = 7;
	memset(b + 64 - 36, 0xff, 4); /* PCI device and vendor ID: none */
}

/* Writes the table at SPCR_AT and parses it alone. */
static int parse_spcr(uint8_t rev, const uint8_t *body, uint32_t blen)
{
	uint32_t len = 36 + blen;

	put_table(SPCR_AT, "SPCR", rev, body, blen);
	acpi_info_init(&info);
	return acpi_parse_table(phys_mem + SPCR_AT, len, &info);
}

/* COM2's port as an SPCR revision 2 gives it (GAS: I/O, 8 bits, byte access). */
static void test_io_port(void)
{
	uint8_t b[SPCR_BODY];

	spcr_body(b, ACPI_SPCR_16550, ACPI_SPACE_IO, 8, 1, 0x2f8);
	CHECK_EQ(parse_spcr(2, b, sizeof(b)), 0);
	CHECK(info.spcr.present);
	CHECK(info.spcr.why == NULL);
	CHECK(!info.spcr.mmio);
	CHECK_EQ(info.spcr.base.address, 0x2f8);
	CHECK_EQ(info.spcr.reg_bytes, 1);
	CHECK_EQ(info.spcr.baud, 115200);
	CHECK_EQ(info.spcr.clock_hz, ACPI_SPCR_CLOCK_PC);
	CHECK_EQ(info.spcr.pci_vendor, 0xffff);
	CHECK_EQ(info.bad_tables, 0);
}

/* A server's UART in memory with 32-bit registers (type 0x12, "16550 with the GAS"),
 * revision 3 with its own input clock, baud "as is". */
static void test_mmio_32bit(void)
{
	uint8_t b[SPCR_BODY];
	uint32_t clock = 48000000;

	spcr_body(b, ACPI_SPCR_16550_GAS, ACPI_SPACE_MEMORY, 32, 3, 0xfe030000);
	b[58 - 36] = 0;
	memcpy(b + 76 - 36, &clock, 4);
	CHECK_EQ(parse_spcr(3, b, sizeof(b)), 0);
	CHECK(info.spcr.why == NULL);
	CHECK(info.spcr.mmio);
	CHECK_EQ(info.spcr.base.address, 0xfe030000);
	CHECK_EQ(info.spcr.reg_bytes, 4);
	CHECK_EQ(info.spcr.baud, 0);
	CHECK_EQ(info.spcr.clock_hz, 48000000);

	/* The width from the bit width when the access size is left 0 (ACPI 1.0 style);
	 * before revision 3 the clock field is not read. */
	spcr_body(b, ACPI_SPCR_16550, ACPI_SPACE_MEMORY, 32, 0, 0xfe030000);
	memcpy(b + 76 - 36, &clock, 4);
	CHECK_EQ(parse_spcr(2, b, sizeof(b)), 0);
	CHECK(info.spcr.why == NULL);
	CHECK_EQ(info.spcr.reg_bytes, 4);
	CHECK_EQ(info.spcr.clock_hz, ACPI_SPCR_CLOCK_PC);

	/* 8-bit registers in memory: stride 1. */
	spcr_body(b, ACPI_SPCR_16450, ACPI_SPACE_MEMORY, 8, 1, 0xfe031000);
	CHECK_EQ(parse_spcr(2, b, sizeof(b)), 0);
	CHECK(info.spcr.why == NULL);
	CHECK_EQ(info.spcr.reg_bytes, 1);
}

/* UARTs LiOS cannot drive: recorded (the table is sound) with the reason. */
static void test_not_usable(void)
{
	uint8_t b[SPCR_BODY];

	spcr_body(b, 0x03, ACPI_SPACE_MEMORY, 32, 3, 0x9000000); /* an ARM PL011 */
	CHECK_EQ(parse_spcr(2, b, sizeof(b)), 0);
	CHECK(info.spcr.present);
	CHECK(info.spcr.why && strstr(info.spcr.why, "not a 16550"));
	CHECK_EQ(info.spcr.interface_type, 3);
	CHECK_EQ(info.bad_tables, 0);

	spcr_body(b, ACPI_SPCR_16550, ACPI_SPACE_IO, 8, 1, 0); /* redirection off */
	CHECK_EQ(parse_spcr(2, b, sizeof(b)), 0);
	CHECK(info.spcr.why && strstr(info.spcr.why, "base address 0"));

	spcr_body(b, ACPI_SPCR_16550, ACPI_SPACE_MEMORY, 16, 2, 0xfe030000); /* 16-bit */
	CHECK_EQ(parse_spcr(2, b, sizeof(b)), 0);
	CHECK(info.spcr.why && strstr(info.spcr.why, "width"));

	spcr_body(b, ACPI_SPCR_16550, ACPI_SPACE_IO, 32, 3, 0x2f8); /* I/O, 32-bit stride */
	CHECK_EQ(parse_spcr(2, b, sizeof(b)), 0);
	CHECK(info.spcr.why && strstr(info.spcr.why, "width"));

	spcr_body(b, ACPI_SPCR_16550, ACPI_SPACE_IO, 8, 1, 0xfffc); /* registers past 0xffff */
	CHECK_EQ(parse_spcr(2, b, sizeof(b)), 0);
	CHECK(info.spcr.why && strstr(info.spcr.why, "out of range"));

	spcr_body(b, ACPI_SPCR_16550, ACPI_SPACE_PCI_CONFIG, 8, 1, 0x10); /* config space */
	CHECK_EQ(parse_spcr(2, b, sizeof(b)), 0);
	CHECK(info.spcr.why && strstr(info.spcr.why, "neither"));

	/* memory registers whose eight 32-bit strides run past 2^64 */
	spcr_body(b, ACPI_SPCR_16550_GAS, ACPI_SPACE_MEMORY, 32, 3, UINT64_MAX - 16);
	CHECK_EQ(parse_spcr(2, b, sizeof(b)), 0);
	CHECK(info.spcr.why &&
	      !strcmp(info.spcr.why, "its registers wrap around the address space"));
	spcr_body(b, ACPI_SPCR_16550_GAS, ACPI_SPACE_MEMORY, 32, 3,
		  UINT64_MAX - 32); /* ends at the top: fits */
	CHECK_EQ(parse_spcr(2, b, sizeof(b)), 0);
	CHECK(info.spcr.why == NULL);
}

/* Every baud rate code of the table (3, 4, 6, 7), and the codes it leaves undefined (5,
 * 8, 255) read as 0: "as is", the firmware's setting kept. */
static void test_baud_codes(void)
{
	static const struct {
		uint8_t code;
		uint32_t baud;
	} codes[] = { { 3, 9600 }, { 4, 19200 }, { 6, 57600 }, { 7, 115200 },
		      { 0, 0 },    { 5, 0 },     { 8, 0 },     { 255, 0 } };
	uint8_t b[SPCR_BODY];

	for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
		spcr_body(b, ACPI_SPCR_16550, ACPI_SPACE_IO, 8, 1, 0x3f8);
		b[58 - 36] = codes[i].code;
		CHECK_EQ(parse_spcr(2, b, sizeof(b)), 0);
		CHECK_EQ(info.spcr.baud, codes[i].baud);
	}
}

/* Revision 4 (SPCR 1.09) adds the Precise Baud Rate at offset 80: when it is not 0 it
 * overrides the baud rate code. A server's UART on a 14.7456 MHz clock at 921600 baud,
 * code 7 (115200) beside it for older readers: 921600 must win, or LiOS reprograms the
 * UART to 115200 under a console running at 921600. Before revision 4 the bytes at 80 are
 * not a field and are not read; a precise rate no divisor of the UART's clock reaches
 * (the PC clock's 1.8432 MHz / 16 = 115200 at most) keeps the firmware's divisor ("as is",
 * baud 0); a precise rate of 0 leaves the code's rate. */
static void test_precise_baud(void)
{
	uint8_t b[SPCR_BODY_V4];
	uint32_t clock = 14745600, precise = 921600;

	spcr_body(b, ACPI_SPCR_16550_GAS, ACPI_SPACE_IO, 8, 1, 0x3f8);
	memset(b + SPCR_BODY, 0, sizeof(b) - SPCR_BODY);
	memcpy(b + 76 - 36, &clock, 4);
	memcpy(b + 80 - 36, &precise, 4);
	CHECK_EQ(parse_spcr(4, b, sizeof(b)), 0);
	CHECK(info.spcr.why == NULL);
	CHECK_EQ(info.spcr.clock_hz, 14745600);
	CHECK_EQ(info.spcr.baud, 921600);

	/* the same bytes in a revision 3 table: not a field, the code's 115200 */
	CHECK_EQ(parse_spcr(3, b, sizeof(b)), 0);
	CHECK_EQ(info.spcr.baud, 115200);

	/* a precise rate of 0: the code's rate */
	memset(b + 80 - 36, 0, 4);
	CHECK_EQ(parse_spcr(4, b, sizeof(b)), 0);
	CHECK_EQ(info.spcr.baud, 115200);

	/* 921600 on the PC's clock (no clock given): no divisor makes it, the firmware's kept */
	memcpy(b + 80 - 36, &precise, 4);
	memset(b + 76 - 36, 0, 4);
	CHECK_EQ(parse_spcr(4, b, sizeof(b)), 0);
	CHECK_EQ(info.spcr.clock_hz, ACPI_SPCR_CLOCK_PC);
	CHECK_EQ(info.spcr.baud, 0);

	/* a revision 4 table cut before the field (80 bytes): the code's rate */
	CHECK_EQ(parse_spcr(4, b, SPCR_BODY), 0);
	CHECK_EQ(info.spcr.baud, 115200);
}

/* Tables refused: too short for the fields (checksum right), or a bad checksum. Nothing
 * is recorded, the refusal is counted. */
static void test_refused(void)
{
	uint8_t b[SPCR_BODY];

	spcr_body(b, ACPI_SPCR_16550, ACPI_SPACE_IO, 8, 1, 0x3f8);
	CHECK_EQ(parse_spcr(2, b, 30), -EINVAL); /* 66 bytes: no PCI segment */
	CHECK(!info.spcr.present);
	CHECK_EQ(info.bad_tables, 1);

	put_table(SPCR_AT, "SPCR", 2, b, sizeof(b));
	phys_mem[SPCR_AT + 40]++; /* the space id changes: the checksum no longer holds */
	acpi_info_init(&info);
	CHECK_EQ(acpi_parse_table(phys_mem + SPCR_AT, 36 + sizeof(b), &info), -EINVAL);
	CHECK(!info.spcr.present);
}

/* Found through the root table like any other: the XSDT lists the FADT, the MADT and the
 * SPCR; a second SPCR after it is ignored. */
static void test_through_xsdt(void)
{
	uint8_t rsdp[36], b[SPCR_BODY];
	uint64_t x[4] = { FADT_AT, MADT_AT, SPCR_AT, SPCR_AT + 0x100 };

	memset(phys_mem, 0, sizeof(phys_mem));
	put_fadt(5, true, true);
	put_madt(false);
	spcr_body(b, ACPI_SPCR_16550, ACPI_SPACE_IO, 8, 1, 0x2f8);
	put_table(SPCR_AT, "SPCR", 2, b, sizeof(b));
	spcr_body(b, ACPI_SPCR_16550, ACPI_SPACE_IO, 8, 1, 0x3e8);
	put_table(SPCR_AT + 0x100, "SPCR", 2, b, sizeof(b));
	put_table(XSDT_AT, "XSDT", 1, (uint8_t *)x, sizeof(x));
	make_rsdp(rsdp, 2);
	acpi_parse(rsdp, 36, &os, &info);
	CHECK(info.present && info.tables == 4 && info.bad_tables == 0);
	CHECK(info.spcr.present && info.spcr.why == NULL);
	CHECK_EQ(info.spcr.base.address, 0x2f8);
}

int main(void)
{
	RUN(test_io_port);
	RUN(test_mmio_32bit);
	RUN(test_not_usable);
	RUN(test_refused);
	RUN(test_baud_codes);
	RUN(test_precise_baud);
	RUN(test_through_xsdt);
	return unit_summary();
}
