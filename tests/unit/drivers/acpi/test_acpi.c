// SPDX-License-Identifier: MIT
/*
 * Host tests of the ACPI table parser (src/drivers/acpi/acpi_tables.c). Tables are laid out
 * in a fake physical memory arena exactly as firmware would, with real checksums; each case
 * says which firmware situation it models and what the parser must conclude. Every map
 * hands out a heap copy of exactly the bytes asked for, so ASan catches any read past a
 * mapping and LeakSanitizer any map without its unmap. The MADT's entries: test_madt.c.
 */
#include <stdlib.h>
#include <lios/acpi.h>
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "../../unit.h"
#include "acpi_fixture.h"
#include "log_capture.h"
#include "read_file.h"

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
	CHECK(info.have_fadt && info.madt.present);
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

/* An RSDP that is no RSDP: its checksums right but the signature "RSD PTX", and a sound
 * ACPI 1.0 RSDP handed over with 19 of its 20 bytes (a loader's short ACPI tag). Expected:
 * each refused with "acpi: no valid RSDP", before its checksum is judged or a table is
 * mapped: no ACPI, nothing counted (the tables it points to are sound, and would be read). */
static void test_rsdp_not_one(void)
{
	uint8_t rsdp[36];

	memset(phys_mem, 0, sizeof(phys_mem));
	put_fadt(5, true, true);
	put_madt(false);
	put_roots();
	make_rsdp(rsdp, 2);
	rsdp[6] = 'X';
	fix_checksum(rsdp, 20, 8);
	fix_checksum(rsdp, 36, 32);
	log_capture_clear();
	acpi_parse(rsdp, 36, &os, &info);
	CHECK(!info.present && info.tables == 0 && info.bad_tables == 0 && !info.have_fadt);
	CHECK_STR_EQ(log_capture_buf, "acpi: no valid RSDP\n");

	make_rsdp(rsdp, 0);
	log_capture_clear();
	acpi_parse(rsdp, 19, &os, &info);
	CHECK(!info.present && info.tables == 0 && !info.madt.present);
	CHECK_STR_EQ(log_capture_buf, "acpi: no valid RSDP\n");
	acpi_parse(rsdp, 20, &os, &info); /* the same 20 bytes whole: read */
	CHECK(info.present && info.have_fadt && info.cpu_count == 3);
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
	CHECK(info.madt.present && info.cpu_count == 3);
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
	CHECK(info.madt.present && info.cpu_count == 3);
}

/* An XSDT with the wrong signature or a bad checksum beside a sound RSDT (the firmware bug
 * behind Linux's acpi=rsdt): the RSDT's tables are read. Both roots broken: ACPI absent. */
static void test_wrong_root_signature(void)
{
	uint8_t rsdp[36];
	memset(phys_mem, 0, sizeof(phys_mem));
	put_fadt(5, true, true);
	put_madt(false);
	put_roots();
	memcpy(phys_mem + XSDT_AT, "XSDX", 4);
	fix_checksum(phys_mem + XSDT_AT, 36 + 16, 9);
	make_rsdp(rsdp, 2);
	acpi_parse(rsdp, 36, &os, &info);
	CHECK(info.present && info.have_fadt && info.i8042_present && info.cpu_count == 3);

	put_roots();
	phys_mem[XSDT_AT + 40] ^= 1; /* XSDT checksum wrong */
	acpi_parse(rsdp, 36, &os, &info);
	CHECK(info.present && info.have_fadt && info.madt.present && info.bad_tables == 1);

	memcpy(phys_mem + RSDT_AT, "RSDX", 4);
	fix_checksum(phys_mem + RSDT_AT, 36 + 8, 9);
	acpi_parse(rsdp, 36, &os, &info);
	CHECK(!info.present);
}

/* Two root-table entries the firmware's memory cannot give: one whose header cannot be
 * mapped at all (past the arena), one whose header maps but whose whole length does not
 * (it claims 8 KiB and runs off the arena's end). Each is refused with an acpi: line
 * saying so and counted in bad_tables, as a bad checksum is: the boot line's
 * "(N refused)" must say 2, not 0. The FADT and MADT beside them are still read. */
static void test_unmappable_tables(void)
{
	uint8_t rsdp[36];
	const paddr_t past_end = sizeof(phys_mem), cut_at = sizeof(phys_mem) - 0x1000;
	uint64_t x[4] = {FADT_AT, past_end, cut_at, MADT_AT};
	uint32_t cut_len = 0x2000;
	uint8_t aml[4] = {0};

	memset(phys_mem, 0, sizeof(phys_mem));
	put_fadt(5, true, true);
	put_madt(false);
	put_table(cut_at, "SSDT", 1, aml, sizeof(aml));
	memcpy(phys_mem + cut_at + 4, &cut_len, 4);
	put_table(XSDT_AT, "XSDT", 1, (uint8_t *)x, sizeof(x));
	make_rsdp(rsdp, 2);
	log_capture_clear();
	acpi_parse(rsdp, 36, &os, &info);
	CHECK(info.present && info.tables == 4);
	CHECK_EQ(info.bad_tables, 2u);
	CHECK(info.have_fadt && info.madt.present && info.cpu_count == 3);
	CHECK(log_captured("acpi: table at 0x10000 could not be mapped, ignored"));
	CHECK(log_captured("acpi: SSDT at 0xf000 (8192 bytes) could not be mapped, ignored"));
	CHECK(info.pci.doubt != NULL); /* a lost SSDT may have declared a host bridge */
	if (!log_captured("could not be mapped"))
		fprintf(stderr, "  log: %s\n", log_capture_buf);
}

/* Reads tables/<dir>/<name> into an exact-size heap block (NULL and a failure if absent). */
static uint8_t *load_fixture(const char *dir, const char *name, size_t *len)
{
	const char *root = getenv("LIOS_ACPI_TABLES");
	char path[512];
	uint8_t *buf;

	snprintf(path, sizeof(path), "%s/%s", root ? root : ".", dir);
	buf = support_read_file(path, name, len);
	if (!buf)
		UNIT_FAIL();
	return buf;
}

static void parse_fixture(const char *dir, const char *name, struct acpi_info *in, int want)
{
	size_t len;
	uint8_t *t = load_fixture(dir, name, &len);

	if (t)
		CHECK_EQ(acpi_parse_table(t, len, in), want);
	free(t);
}

/* QEMU q35's own tables, file by file as check-machine reads them: every field issue 11
 * needs, with the values QEMU 7.2 builds (ICH9 PM base 0x600). */
static void test_qemu_q35_tables(void)
{
	static const char *const names[] = {"DSDT", "FACP", "APIC", "HPET", "MCFG"};
	struct acpi_sleep_plan plan;

	acpi_info_init(&info);
	for (unsigned i = 0; i < 5; i++)
		parse_fixture("qemu-q35", names[i], &info, 0);
	parse_fixture("qemu-q35", "WAET", &info, -ENOENT); /* not read: said so */
	parse_fixture("qemu-q35", "FACS", &info, -ENOENT); /* no standard header */
	CHECK(info.have_fadt && info.fadt_revision == 3 && info.fadt_length == 244);
	CHECK(!info.hw_reduced && info.dsdt_address != 0);
	CHECK(info.pm1a_cnt.space == ACPI_SPACE_IO && info.pm1a_cnt.address == 0x604);
	CHECK(info.pm1b_cnt.address == 0);
	CHECK(info.pm_timer.address == 0x608 && info.pm_timer_bits == 24);
	CHECK(info.smi_cmd == 0xb2);
	CHECK(info.have_hpet && info.hpet_address == 0xfed00000 && info.hpet_64bit);
	CHECK(info.hpet_comparators == 3);
	CHECK(info.have_mcfg && info.mcfg_count == 1 && info.mcfg[0].base == 0xb0000000);
	CHECK(info.mcfg[0].segment == 0 && info.mcfg[0].bus_start == 0 && info.mcfg[0].bus_end == 255);
	CHECK(info.s5.found && info.s5.at_root && strcmp(info.s5.table, "DSDT") == 0);
	CHECK(info.madt.present && info.cpu_count == 1 && info.bad_tables == 0);
	CHECK(info.rtc_century == 0x32 && !info.no_cmos_rtc); /* QEMU's century: CMOS 0x32 */
	acpi_s5_plan(&info, &plan);
	CHECK(!plan.why && !plan.hw_reduced && plan.a.reg.address == 0x604 && plan.a.width == 16);
	CHECK(plan.a.value == 0 && plan.a.enable == 1u << 13 && plan.a.keep_mask == 0xc3ff);
	CHECK(plan.b.reg.address == 0);
	/* the wake sources, quieted first: ICH9's GPE0 block (0x620, 16 bytes: 8 status, 8
	 * enable) and PM1 event block (0x600, 4 bytes) */
	CHECK(info.gpe0.address == 0x620 && info.gpe0_len == 16 && info.gpe1.address == 0);
	CHECK(info.pm1a_evt.address == 0x600 && info.pm1_evt_len == 4 && info.pm1b_evt.address == 0);
	CHECK_EQ(plan.nquiet, 3u);
	CHECK(plan.quiet[0].reg.address == 0x620 && plan.quiet[0].offset == 8);
	CHECK(plan.quiet[0].count == 8 && plan.quiet[0].width == 8 && plan.quiet[0].value == 0);
	CHECK(plan.quiet[1].reg.address == 0x620 && plan.quiet[1].offset == 0);
	CHECK(plan.quiet[1].count == 8 && plan.quiet[1].value == 0xff);
	CHECK(plan.quiet[2].reg.address == 0x600 && plan.quiet[2].offset == 0);
	CHECK(plan.quiet[2].count == 1 && plan.quiet[2].width == 16 && plan.quiet[2].value == 0x8731);
}

/* QEMU pc: an ACPI 1.0 FADT (116 bytes) whose PM blocks are plain ports; no MCFG. */
static void test_qemu_pc_fadt_v1(void)
{
	acpi_info_init(&info);
	parse_fixture("qemu-pc", "FACP", &info, 0);
	CHECK(info.fadt_length == 116 && !info.i8042_flag_valid && !info.reset_supported);
	CHECK(info.pm1a_cnt.address == 0x604 && info.pm1a_cnt.bit_width == 16);
	CHECK(info.pm_timer.address == 0x608 && info.pm_timer_bits == 24);
	CHECK(info.rtc_century == 0x32 && !info.no_cmos_rtc); /* CENTURY is in ACPI 1.0 too */
}

/* The RTC's two FADT fields: CENTURY (offset 108) names the CMOS century register, and
 * IAPC_BOOT_ARCH bit 5 says "CMOS RTC not present" from ACPI 5.0 (FADT revision 5) on;
 * in an older FADT the bit was reserved and is not believed. On hardware-reduced ACPI the
 * OS ignores offsets 46-108 (ACPI 6.5 5.2.9): no century register. Before: neither field
 * was read, so the RTC had no century and no way to hear that it is absent. */
static void test_fadt_rtc_fields(void)
{
	uint8_t body[276 - 36] = {0};
	uint16_t arch = 1u << 5; /* CMOS RTC not present */
	uint32_t flags = 1u << 20; /* HW_REDUCED_ACPI */

	body[108 - 36] = 0x48;
	memcpy(body + 109 - 36, &arch, 2);
	put_table(FADT_AT, "FACP", 5, body, sizeof(body));
	acpi_info_init(&info);
	CHECK_EQ(acpi_parse_table(phys_mem + FADT_AT, 276, &info), 0);
	CHECK_EQ(info.rtc_century, 0x48);
	CHECK(info.no_cmos_rtc && !info.i8042_present);
	put_table(FADT_AT, "FACP", 4, body, sizeof(body));
	acpi_info_init(&info);
	CHECK_EQ(acpi_parse_table(phys_mem + FADT_AT, 276, &info), 0);
	CHECK(!info.no_cmos_rtc && info.rtc_century == 0x48);
	arch = 1u << 1; /* an 8042, an RTC */
	memcpy(body + 109 - 36, &arch, 2);
	put_table(FADT_AT, "FACP", 6, body, sizeof(body));
	acpi_info_init(&info);
	CHECK_EQ(acpi_parse_table(phys_mem + FADT_AT, 276, &info), 0);
	CHECK(!info.no_cmos_rtc && info.i8042_present && info.rtc_century == 0x48);
	memcpy(body + 112 - 36, &flags, 4);
	put_table(FADT_AT, "FACP", 6, body, sizeof(body));
	acpi_info_init(&info);
	CHECK_EQ(acpi_parse_table(phys_mem + FADT_AT, 276, &info), 0);
	CHECK(info.hw_reduced && info.rtc_century == 0);
}

/* A 5.0 FADT: X_ blocks win over the 32-bit ones, TMR_VAL_EXT gives 32 bits, X_DSDT wins;
 * then the same FADT hardware-reduced: the sleep control register is the plan. */
static void test_fadt_x_fields_and_hw_reduced(void)
{
	uint8_t body[276 - 36] = {0};
	struct acpi_gas xpm1a = {ACPI_SPACE_IO, 16, 0, 2, 0x1804};
	struct acpi_gas xtmr = {ACPI_SPACE_IO, 32, 0, 3, 0x1808};
	struct acpi_gas sctl = {ACPI_SPACE_MEMORY, 8, 0, 1, 0xfe000000};
	struct acpi_sleep_plan plan;
	uint32_t port = 0x404, dsdt32 = 0x1000, flags = 1u << 8, smi = 0xb2;
	uint64_t xdsdt = 0x2000;

	memcpy(body + 48 - 36, &smi, 4);   /* SMI_CMD */
	memcpy(body + 64 - 36, &port, 4);  /* PM1A_CNT_BLK, shadowed by X_PM1a */
	memcpy(body + 40 - 36, &dsdt32, 4);
	memcpy(body + 140 - 36, &xdsdt, 8);
	memcpy(body + 172 - 36, &xpm1a, 12);
	memcpy(body + 208 - 36, &xtmr, 12);
	memcpy(body + 244 - 36, &sctl, 12);
	memcpy(body + 112 - 36, &flags, 4);
	put_table(FADT_AT, "FACP", 6, body, sizeof(body));
	acpi_info_init(&info);
	CHECK_EQ(acpi_parse_table(phys_mem + FADT_AT, 276, &info), 0);
	CHECK(info.pm1a_cnt.address == 0x1804 && info.pm_timer.address == 0x1808);
	CHECK(info.pm_timer_bits == 32 && info.dsdt_address == 0x2000);
	CHECK(info.sleep_control.address == 0xfe000000 && !info.hw_reduced);
	info.s5 = (struct acpi_s5){.found = true, .slp_typ_a = 5, .slp_typ_b = 7};
	acpi_s5_plan(&info, &plan);
	CHECK(!plan.why && plan.a.value == 5 << 10 && plan.a.reg.address == 0x1804);
	flags |= 1u << 20; /* HW_REDUCED_ACPI */
	memcpy(body + 112 - 36, &flags, 4);
	put_table(FADT_AT, "FACP", 6, body, sizeof(body));
	acpi_info_init(&info);
	acpi_parse_table(phys_mem + FADT_AT, 276, &info);
	/* ACPI 6.5 5.2.9: with HW_REDUCED_ACPI, OSPM ignores the ACPI hardware register fields
	 * (offsets 46-108 and 148-232): no PM timer, PM1 or GPE block, SMI_CMD. Before, the
	 * X_PM_TMR_BLK left in this FADT was handed to the clock code as a PM timer. */
	CHECK(info.hw_reduced && info.pm_timer_bits == 0 && info.pm_timer.address == 0);
	CHECK(info.pm1a_cnt.address == 0 && info.smi_cmd == 0);
	info.s5 = (struct acpi_s5){.found = true, .slp_typ_a = 5, .slp_typ_b = 7};
	acpi_s5_plan(&info, &plan);
	CHECK(!plan.why && plan.hw_reduced && plan.a.reg.address == 0xfe000000);
	CHECK(plan.a.width == 8 && plan.a.value == 5 << 2 && plan.a.enable == 1 << 5);
	CHECK(plan.a.keep_mask == 0 && plan.b.reg.address == 0);
	info.s5.found = false;
	acpi_s5_plan(&info, &plan);
	CHECK(plan.why && strstr(plan.why, "\\_S5"));
}

/* The writes that quiet wake sources before S5, from a 5.0 FADT: X_GPE0 (memory space)
 * wins over its port, GPE1 from its port; both blocks get their enable halves zeroed, then
 * their status halves cleared, then PM1a and PM1b status; a GPE block of odd length or in
 * PCI configuration space is left alone; a PM1 event block under 4 bytes too; on
 * hardware-reduced ACPI only the sleep status register's WAK_STS. Before, nothing was
 * written: a pending wake event could turn a poweroff into a power-on. */
static void test_quiet_wake_sources(void)
{
	uint8_t body[276 - 36] = {0};
	struct acpi_gas xgpe0 = {ACPI_SPACE_MEMORY, 64, 0, 1, 0xfe001000};
	struct acpi_gas cfg = {2 /* PCI configuration space */, 32, 0, 1, 0x100};
	struct acpi_gas sstat = {ACPI_SPACE_IO, 8, 0, 1, 0x1820};
	uint32_t pm1a_evt = 0x1800, pm1b_evt = 0x1900, pm1a_cnt = 0x1804, gpe0 = 0x1880, gpe1 = 0x18a0;
	uint32_t flags = 0;
	struct acpi_sleep_plan plan;

	memcpy(body + 56 - 36, &pm1a_evt, 4);
	memcpy(body + 60 - 36, &pm1b_evt, 4);
	memcpy(body + 64 - 36, &pm1a_cnt, 4);
	memcpy(body + 80 - 36, &gpe0, 4);
	memcpy(body + 84 - 36, &gpe1, 4);
	body[88 - 36] = 4;  /* PM1_EVT_LEN */
	body[89 - 36] = 2;  /* PM1_CNT_LEN */
	body[92 - 36] = 8;  /* GPE0_BLK_LEN */
	body[93 - 36] = 4;  /* GPE1_BLK_LEN */
	memcpy(body + 220 - 36, &xgpe0, 12);
	memcpy(body + 256 - 36, &sstat, 12);
	put_table(FADT_AT, "FACP", 6, body, sizeof(body));
	acpi_info_init(&info);
	CHECK_EQ(acpi_parse_table(phys_mem + FADT_AT, 276, &info), 0);
	CHECK(info.gpe0.space == ACPI_SPACE_MEMORY && info.gpe0.address == 0xfe001000);
	CHECK(info.gpe1.space == ACPI_SPACE_IO && info.gpe1.address == 0x18a0);
	CHECK(info.pm1a_evt.address == 0x1800 && info.pm1b_evt.address == 0x1900);
	info.s5 = (struct acpi_s5){.found = true, .slp_typ_a = 5, .slp_typ_b = 5};
	acpi_s5_plan(&info, &plan);
	CHECK(!plan.why);
	CHECK_EQ(plan.nquiet, 6u);
	CHECK(plan.quiet[0].reg.address == 0xfe001000 && plan.quiet[0].offset == 4 &&
	      plan.quiet[0].count == 4 && plan.quiet[0].value == 0);
	CHECK(plan.quiet[1].reg.address == 0x18a0 && plan.quiet[1].offset == 2 &&
	      plan.quiet[1].count == 2 && plan.quiet[1].value == 0);
	CHECK(plan.quiet[2].reg.address == 0xfe001000 && plan.quiet[2].offset == 0 &&
	      plan.quiet[2].value == 0xff);
	CHECK(plan.quiet[3].reg.address == 0x18a0 && plan.quiet[3].offset == 0 &&
	      plan.quiet[3].value == 0xff);
	CHECK(plan.quiet[4].reg.address == 0x1800 && plan.quiet[4].width == 16 &&
	      plan.quiet[4].value == 0x8731);
	CHECK(plan.quiet[5].reg.address == 0x1900 && plan.quiet[5].width == 16);

	info.gpe0_len = 7; /* odd: not a GPE block */
	info.gpe1 = cfg;   /* an address space LiOS does not write */
	info.pm1_evt_len = 2;
	acpi_s5_plan(&info, &plan);
	CHECK(!plan.why && plan.nquiet == 0);

	flags = 1u << 20; /* HW_REDUCED_ACPI */
	memcpy(body + 112 - 36, &flags, 4);
	put_table(FADT_AT, "FACP", 6, body, sizeof(body));
	acpi_info_init(&info);
	acpi_parse_table(phys_mem + FADT_AT, 276, &info);
	info.sleep_control = sstat;
	info.sleep_control.address = 0x1821;
	info.s5 = (struct acpi_s5){.found = true, .slp_typ_a = 5, .slp_typ_b = 5};
	acpi_s5_plan(&info, &plan);
	CHECK(!plan.why && plan.hw_reduced && plan.nquiet == 1);
	CHECK(plan.quiet[0].reg.address == 0x1820 && plan.quiet[0].width == 8 &&
	      plan.quiet[0].count == 1 && plan.quiet[0].value == 0x80);
}

/* Registers whose address does not fit their address space: the kernel's port accessors
 * take 16 bits and its PCI configuration write 5 bits of device, 3 of function and 8 of
 * offset, so such an address would be written somewhere else (port 0x10604 is port 0x604;
 * a reset register at PCI device 0x21 is device 1). A PM1a control block at port 0x10604
 * makes S5 unavailable, saying why; a GPE block whose enable half runs past port 0xffff is
 * not quieted (its status half is); a reset register at port 0x10cf9 or at PCI function 9
 * or offset 0x1cf is not used, with a message; nor is an SMI command port 0x100b2 (the
 * poweroff would write ACPI_ENABLE to port 0xb2, a port the FADT did not name). Before,
 * all were written truncated. */
static void test_registers_outside_their_space(void)
{
	uint8_t body[276 - 36] = {0};
	struct acpi_gas xpm1a = {ACPI_SPACE_IO, 16, 0, 2, 0x10604};
	struct acpi_gas reset = {ACPI_SPACE_IO, 8, 0, 1, 0x10cf9};
	uint32_t gpe0 = 0xfff8, flags = 1u << 10, smi = 0x100b2; /* flags: RESET_REG_SUP */
	struct acpi_sleep_plan plan;

	memcpy(body + 48 - 36, &smi, 4);
	body[52 - 36] = 0xf0; /* ACPI_ENABLE */

	memcpy(body + 80 - 36, &gpe0, 4);
	body[92 - 36] = 16; /* GPE0_BLK_LEN: status 0xfff8-0xffff, enable 0x10000-0x10007 */
	memcpy(body + 172 - 36, &xpm1a, 12);
	memcpy(body + 112 - 36, &flags, 4);
	memcpy(body + 116 - 36, &reset, 12);
	body[128 - 36] = 6;
	put_table(FADT_AT, "FACP", 6, body, sizeof(body));
	acpi_info_init(&info);
	CHECK_EQ(acpi_parse_table(phys_mem + FADT_AT, 276, &info), 0);
	CHECK(info.have_fadt && !info.reset_supported && info.smi_cmd == 0);
	info.s5 = (struct acpi_s5){.found = true, .slp_typ_a = 5, .slp_typ_b = 5};
	acpi_s5_plan(&info, &plan);
	CHECK(plan.why && strstr(plan.why, "0xffff"));

	info.pm1a_cnt.address = 0xfffe; /* the last 16-bit port: fits */
	acpi_s5_plan(&info, &plan);
	CHECK(!plan.why);
	CHECK_EQ(plan.nquiet, 1u); /* the GPE0 status half only */
	CHECK(plan.quiet[0].reg.address == 0xfff8 && plan.quiet[0].offset == 0 &&
	      plan.quiet[0].count == 8 && plan.quiet[0].value == 0xff);
	info.pm1a_cnt.address = 0xffff; /* a 16-bit register on the last port: does not */
	acpi_s5_plan(&info, &plan);
	CHECK(plan.why != NULL);

	/* PCI configuration space: device 31 function 7 offset 0xff fits; offset 0x1cf, function 9,
	 * 0x1cf, device 32 or a segment/bus in bits 48-63 do not. */
	static const uint64_t pci[] = {0x0000001f000700ffull, 0x00000001000001cfull,
				       0x0000000100090004ull, 0x0000002000000004ull,
				       0x0001000100000004ull};
	for (unsigned i = 0; i < ARRAY_SIZE(pci); i++) {
		reset = (struct acpi_gas){ACPI_SPACE_PCI_CONFIG, 8, 0, 1, pci[i]};
		memcpy(body + 116 - 36, &reset, 12);
		put_table(FADT_AT, "FACP", 6, body, sizeof(body));
		acpi_info_init(&info);
		acpi_parse_table(phys_mem + FADT_AT, 276, &info);
		CHECK_EQ(info.reset_supported, i == 0);
	}
	/* memory space: anywhere that does not wrap */
	reset = (struct acpi_gas){ACPI_SPACE_MEMORY, 8, 0, 1, 0xfed00000};
	memcpy(body + 116 - 36, &reset, 12);
	put_table(FADT_AT, "FACP", 6, body, sizeof(body));
	acpi_info_init(&info);
	acpi_parse_table(phys_mem + FADT_AT, 276, &info);
	CHECK(info.reset_supported);
}

/* Short FADT, short HPET, an HPET in I/O space, an MCFG with a reversed bus range, a
 * partial entry and more windows than kept: refused or trimmed, each counted. */
static void test_hostile_fixed_tables(void)
{
	uint8_t body[8 + 16 * 10 + 5] = {0};
	uint64_t base = 0xe0000000;

	acpi_info_init(&info);
	put_table(FADT_AT, "FACP", 1, body, 60);
	CHECK_EQ(acpi_parse_table(phys_mem + FADT_AT, 96, &info), -EINVAL);
	CHECK(!info.have_fadt && info.bad_tables == 1);
	put_table(FADT_AT, "HPET", 1, body, 10);
	CHECK_EQ(acpi_parse_table(phys_mem + FADT_AT, 46, &info), -EINVAL);
	body[4] = ACPI_SPACE_IO; /* base address GAS at table offset 40 */
	put_table(FADT_AT, "HPET", 1, body, 20);
	CHECK_EQ(acpi_parse_table(phys_mem + FADT_AT, 56, &info), -EINVAL);
	CHECK(!info.have_hpet && info.bad_tables == 3);
	memset(body, 0, sizeof(body));
	for (unsigned i = 0; i < 10; i++) {
		uint8_t *e = body + 8 + 16 * i;
		memcpy(e, &base, 8);
		e[10] = 0, e[11] = i == 1 ? 0 : 255;
		if (i == 1)
			e[10] = 9; /* buses 9-0 */
	}
	put_table(MCFG_AT, "MCFG", 1, body, sizeof(body));
	CHECK_EQ(acpi_parse_table(phys_mem + MCFG_AT, 36 + sizeof(body), &info), 0);
	CHECK_EQ(info.mcfg_count, ACPI_MAX_MCFG);
	CHECK_EQ(info.mcfg_bad_entries, 2); /* the reversed one, the tenth */
	CHECK_EQ(acpi_parse_table(phys_mem + MCFG_AT, 40, &info), -EINVAL); /* shorter than claimed */
}

/* An MCFG of 40 bytes, its checksum right: shorter than its header and reserved bytes (44),
 * with no room for one window. Then a sound MCFG whose first window is at address 0 (buses
 * 0-255) beside a good one at 0xe0000000. Expected: the short table refused with -EINVAL,
 * its length named on an acpi: line, counted in bad_tables, no ECAM taken from it (it is
 * never read past its 40 bytes: the mapping is an exact copy); the window at 0 refused on
 * its own line and counted in mcfg_bad_entries, the good one kept as the only window. */
static void test_mcfg_short_or_window_at_zero(void)
{
	uint8_t body[8 + 16 * 2] = {0};
	uint64_t base = 0xe0000000;
	uint8_t *copy;

	acpi_info_init(&info);
	put_table(MCFG_AT, "MCFG", 1, body, 4);
	copy = malloc(40);
	memcpy(copy, phys_mem + MCFG_AT, 40);
	log_capture_clear();
	CHECK_EQ(acpi_parse_table(copy, 40, &info), -EINVAL);
	free(copy);
	CHECK_STR_EQ(log_capture_buf, "acpi: MCFG is 40 bytes, shorter than its header, ignored\n");
	CHECK(!info.have_mcfg && info.mcfg_count == 0 && info.bad_tables == 1);

	body[8 + 11] = 255; /* window 0: base 0, buses 0-255 */
	memcpy(body + 8 + 16, &base, 8);
	body[8 + 16 + 11] = 63; /* window 1: 0xe0000000, buses 0-63 */
	put_table(MCFG_AT, "MCFG", 1, body, sizeof(body));
	acpi_info_init(&info);
	log_capture_clear();
	CHECK_EQ(acpi_parse_table(phys_mem + MCFG_AT, 36 + sizeof(body), &info), 0);
	CHECK_STR_EQ(log_capture_buf, "acpi: MCFG entry 0 (base 0x0, buses 0-255) is invalid, ignored\n");
	CHECK(info.have_mcfg && info.mcfg_count == 1 && info.mcfg_bad_entries == 1);
	CHECK(info.mcfg[0].base == base && info.mcfg[0].bus_start == 0 && info.mcfg[0].bus_end == 63);
	CHECK(info.bad_tables == 0);
}

/* The whole path through the RSDP: XSDT -> FADT -> DSDT (no \_S5) and an SSDT with it. */
static void test_dsdt_and_ssdt_through_rsdp(void)
{
	static const uint8_t dsdt_aml[] = {0x08, '_', 'S', '3', '_', 0x12, 0x03, 0x01, 0x01};
	static const uint8_t ssdt_aml[] = {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 5, 0x0a, 6};
	uint8_t fadt[276 - 36] = {0}, rsdp[36];
	uint64_t x[3] = {FADT_AT, MADT_AT, SSDT_AT}, dsdt = DSDT_AT;
	uint32_t port = 0x604;
	struct acpi_sleep_plan plan;

	memset(phys_mem, 0, sizeof(phys_mem));
	memcpy(fadt + 140 - 36, &dsdt, 8);
	memcpy(fadt + 64 - 36, &port, 4);
	fadt[89 - 36] = 2;
	put_table(FADT_AT, "FACP", 5, fadt, sizeof(fadt));
	put_madt(false);
	put_table(DSDT_AT, "DSDT", 2, dsdt_aml, sizeof(dsdt_aml));
	put_table(SSDT_AT, "SSDT", 2, ssdt_aml, sizeof(ssdt_aml));
	put_table(XSDT_AT, "XSDT", 1, (uint8_t *)x, sizeof(x));
	make_rsdp(rsdp, 2);
	acpi_parse(rsdp, 36, &os, &info);
	CHECK(info.have_dsdt && info.ssdt_count == 1 && info.tables == 3);
	CHECK(info.s5.found && info.s5.slp_typ_a == 5 && info.s5.slp_typ_b == 6);
	CHECK(strcmp(info.s5.table, "SSDT1") == 0);
	acpi_s5_plan(&info, &plan);
	CHECK(!plan.why && plan.a.reg.address == 0x604 && plan.a.value == 5 << 10);
	if (plan.why)
		fprintf(stderr, "  plan: %s; pm1a %#llx\n", plan.why, (unsigned long long)info.pm1a_cnt.address);
}

static uint64_t fact_pm1a_cnt(const struct acpi_info *in) { return in->pm1a_cnt.address; }
static uint64_t fact_lapic(const struct acpi_info *in) { return in->madt.lapic_address; }
static uint64_t fact_hpet(const struct acpi_info *in) { return in->hpet_address; }
static uint64_t fact_mcfg(const struct acpi_info *in)
{
	return in->mcfg_count ? in->mcfg[in->mcfg_count - 1].base : 0; /* the last window's */
}
static uint64_t fact_dmar(const struct acpi_info *in) { return in->dmar.host_addr_width; }
static uint64_t fact_ivrs(const struct acpi_info *in) { return in->ivrs.ivinfo; }
static uint64_t fact_s5(const struct acpi_info *in) { return in->s5.slp_typ_a << 8 | in->s5.slp_typ_b; }

/* Each table kind LiOS reads once, twice over with different contents: where each copy
 * lies, its body, and the fact that tells the first from the second (want: the first's). */
static const struct {
	const char *sig;
	paddr_t at[2];
	uint32_t blen[2];
	uint8_t body[2][240];
	uint64_t (*fact)(const struct acpi_info *);
	uint64_t want;
} twice[] = {
	/* PM1a_CNT_BLK (offset 64) 0x604 / 0x1604, PM1_CNT_LEN 2, X_DSDT (140) the DSDT's */
	{"FACP", {FADT_AT, 0x8000}, {240, 240},
	 {{[64 - 36] = 0x04, 0x06, [89 - 36] = 2, [140 - 36] = 0x00, 0x60},
	  {[64 - 36] = 0x04, 0x16, [89 - 36] = 2, [140 - 36] = 0x00, 0xa0}},
	 fact_pm1a_cnt, 0x604},
	/* local APIC at 0xfee00000 / 0xfec00000, one enabled CPU (APIC ID 0 / 1) */
	{"APIC", {MADT_AT, 0x8400}, {16, 16},
	 {{0, 0, 0xe0, 0xfe, 1, 0, 0, 0, 0, 8, 0, 0, 1, 0, 0, 0},
	  {0, 0, 0xc0, 0xfe, 1, 0, 0, 0, 0, 8, 1, 1, 1, 0, 0, 0}},
	 fact_lapic, 0xfee00000},
	/* base address (system memory) 0xfed00000 / 0xfed01000; at SSDT_AT: no SSDT here */
	{"HPET", {SSDT_AT, 0x8800}, {20, 20}, {{[10] = 0xd0, 0xfe}, {[9] = 0x10, 0xd0, 0xfe}}, fact_hpet,
	 0xfed00000},
	/* one ECAM window, buses 0-255: 0xb0000000 / 0xe0000000 */
	{"MCFG", {MCFG_AT, 0x8c00}, {24, 24}, {{[11] = 0xb0, [19] = 255}, {[11] = 0xe0, [19] = 255}},
	 fact_mcfg, 0xb0000000},
	/* host address width 39 / 48 bits, no remapping unit */
	{"DMAR", {0x9000, 0x9400}, {12, 12}, {{38}, {47}}, fact_dmar, 39},
	/* IVinfo 0x00203040 / 0x00203041, no IOMMU block */
	{"IVRS", {0x9800, 0x9c00}, {12, 12}, {{0x40, 0x30, 0x20}, {0x41, 0x30, 0x20}}, fact_ivrs, 0x203040},
	/* Name (\_S5, Package () {5, 6}) / {7, 7} and a host bridge, Device (PCI0) with
	 * Name (_HID, EisaId ("PNP0A03")): read, it would leave a PCI fact */
	{"DSDT", {DSDT_AT, 0xa000}, {12, 29},
	 {{0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 5, 0x0a, 6},
	  {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 7, 0x0a, 7, 0x5b, 0x82, 0x0f, 'P', 'C',
	   'I', '0', 0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03}},
	 fact_s5, 0x506},
};

static void put_twice(unsigned k, unsigned copy)
{
	put_table(twice[k].at[copy], twice[k].sig, 2, twice[k].body[copy], twice[k].blen[copy]);
}

/* A second FADT, MADT, HPET, MCFG, DMAR, IVRS or DSDT, each sound and different from the
 * first, fed to acpi_parse_table after it (check-machine's order). Expected, per
 * acpi_parse_table's contract ("a second one is a firmware bug and is ignored"): the first
 * read (0), the second not read (-ENOENT, as an unknown signature: check-machine says "not
 * used by LiOS"), without a line and not counted as refused; every byte of acpi_info as
 * the first left it, so the first's facts stand and nothing is lost or half-merged. */
static void test_second_table_ignored(void)
{
	static struct acpi_info first;

	for (unsigned k = 0; k < ARRAY_SIZE(twice); k++) {
		memset(phys_mem, 0, sizeof(phys_mem));
		put_twice(k, 0);
		put_twice(k, 1);
		acpi_info_init(&info);
		CHECK_EQ(acpi_parse_table(phys_mem + twice[k].at[0], 36 + twice[k].blen[0], &info), 0);
		CHECK_EQ(twice[k].fact(&info), twice[k].want);
		memcpy(&first, &info, sizeof(info));
		log_capture_clear();
		CHECK_EQ(acpi_parse_table(phys_mem + twice[k].at[1], 36 + twice[k].blen[1], &info),
			 -ENOENT);
		CHECK_STR_EQ(log_capture_buf, "");
		CHECK_EQ(twice[k].fact(&info), twice[k].want);
		CHECK(memcmp(&first, &info, sizeof(info)) == 0);
		if (memcmp(&first, &info, sizeof(info)) != 0)
			fprintf(stderr, "  second %s changed acpi_info\n", twice[k].sig);
	}
}

/* The same through the root table walk, XSDT and RSDT: every kind listed twice (first
 * copy, then second), the DSDT also named by the FADT (read once, as firmware that lists
 * it in the XSDT too has it). Expected: all 14 entries counted in tables, none refused,
 * no acpi: line, and acpi_info byte for byte what a root table listing only the first
 * copies gives (tables aside); each first's fact stands. */
static void test_second_table_in_root(void)
{
	enum { N = ARRAY_SIZE(twice) };
	static struct acpi_info once;
	uint64_t x1[N], x2[2 * N];
	uint32_t r1[N], r2[2 * N];
	uint8_t rsdp[36];

	memset(phys_mem, 0, sizeof(phys_mem));
	for (unsigned k = 0; k < N; k++) {
		put_twice(k, 0);
		put_twice(k, 1);
		x1[k] = r1[k] = (uint32_t)twice[k].at[0];
		for (unsigned c = 0; c < 2; c++)
			x2[2 * k + c] = r2[2 * k + c] = (uint32_t)twice[k].at[c];
	}
	for (unsigned rev = 0; rev <= 2; rev += 2) {
		put_table(XSDT_AT, "XSDT", 1, (uint8_t *)x1, sizeof(x1));
		put_table(RSDT_AT, "RSDT", 1, (uint8_t *)r1, sizeof(r1));
		make_rsdp(rsdp, (uint8_t)rev);
		acpi_parse(rsdp, 36, &os, &once);
		CHECK(once.present && once.tables == N && once.bad_tables == 0);

		put_table(XSDT_AT, "XSDT", 1, (uint8_t *)x2, sizeof(x2));
		put_table(RSDT_AT, "RSDT", 1, (uint8_t *)r2, sizeof(r2));
		log_capture_clear();
		acpi_parse(rsdp, 36, &os, &info);
		CHECK_STR_EQ(log_capture_buf, "");
		CHECK(info.present && info.revision == rev);
		CHECK_EQ(info.tables, 2u * N);
		CHECK_EQ(info.bad_tables, 0u);
		for (unsigned k = 0; k < N; k++)
			CHECK_EQ(twice[k].fact(&info), twice[k].want);
		CHECK(info.have_fadt && info.madt.present && info.cpu_count == 1);
		CHECK(info.have_hpet && info.have_mcfg && info.mcfg_count == 1);
		CHECK(info.dmar.present && info.ivrs.present && info.have_dsdt && info.s5.found);
		CHECK_STR_EQ(info.s5.table, "DSDT");
		CHECK(info.pci.count == 0 && !info.pci.doubt); /* the second DSDT's bridge unread */
		info.tables = once.tables;
		CHECK(memcmp(&once, &info, sizeof(info)) == 0);
	}
}

/* A DSDT whose Processor object ends before its 6 fixed bytes do (PkgLength 10: the name
 * and 5 bytes), after a sound \_S5. Expected: refused with "acpi: DSDT refused: object
 * shorter than its fixed fields (at offset 0x32)" (the Processor's PkgLength), counted in
 * bad_tables, -EINVAL; no \_S5 kept from it (the reader drops the whole table), and the
 * reason is what the S5 plan will say. */
static void test_dsdt_object_shorter_than_fixed_fields(void)
{
	static const uint8_t aml[] = {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 5, 0x0a, 6,
				      0x5b, 0x83, 0x0a, 'C', 'P', 'U', '0', 1, 0x10, 0, 0, 0};

	memset(phys_mem, 0, sizeof(phys_mem));
	put_table(DSDT_AT, "DSDT", 2, aml, sizeof(aml));
	acpi_info_init(&info);
	log_capture_clear();
	CHECK_EQ(acpi_parse_table(phys_mem + DSDT_AT, 36 + sizeof(aml), &info), -EINVAL);
	CHECK_STR_EQ(log_capture_buf,
		     "acpi: DSDT refused: object shorter than its fixed fields (at offset 0x32)\n");
	CHECK(info.have_dsdt && info.bad_tables == 1 && !info.s5.found);
	CHECK(info.s5.why && strcmp(info.s5.why, "object shorter than its fixed fields") == 0);
	CHECK_EQ(info.s5.why_offset, 0x32u);
}

/* The reboot log's reason after acpi_reset() returned: only -EIO (the register was
 * written and the machine still runs) may say the reset "did not happen"; a register in an
 * unsupported address space (-ENOTSUP) or one that could not be mapped (-ENOMEM) was never
 * written, and the line must say "not tried"; -ENODEV: there is no register. */
static void test_reset_why(void)
{
	CHECK(strcmp(acpi_reset_why(-ENODEV), "no ACPI reset register") == 0);
	CHECK(strcmp(acpi_reset_why(-ENOTSUP),
		     "ACPI reset register in an unsupported address space: not tried") == 0);
	CHECK(strstr(acpi_reset_why(-ENOMEM), "not tried") != NULL);
	CHECK(strcmp(acpi_reset_why(-EIO), "ACPI reset did not happen") == 0);
}

int main(void)
{
	printk_add_sink(log_capture_sink, false);
	RUN(test_acpi2_full);
	RUN(test_acpi1_rsdt);
	RUN(test_bad_rsdp_checksum);
	RUN(test_rsdp_not_one);
	RUN(test_bad_fadt_checksum);
	RUN(test_bad_xsdt_pointer_falls_back);
	RUN(test_hostile_lengths);
	RUN(test_wrong_root_signature);
	RUN(test_unmappable_tables);
	RUN(test_qemu_q35_tables);
	RUN(test_qemu_pc_fadt_v1);
	RUN(test_fadt_x_fields_and_hw_reduced);
	RUN(test_fadt_rtc_fields);
	RUN(test_quiet_wake_sources);
	RUN(test_registers_outside_their_space);
	RUN(test_hostile_fixed_tables);
	RUN(test_mcfg_short_or_window_at_zero);
	RUN(test_dsdt_and_ssdt_through_rsdp);
	RUN(test_second_table_ignored);
	RUN(test_second_table_in_root);
	RUN(test_dsdt_object_shorter_than_fixed_fields);
	RUN(test_reset_why);
	return unit_summary();
}
