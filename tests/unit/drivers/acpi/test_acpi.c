// SPDX-License-Identifier: MIT
/*
 * Host tests of the ACPI table parser (src/drivers/acpi/acpi_tables.c). Tables are laid out
 * in a fake physical memory arena exactly as firmware would, with real checksums; each case
 * says which firmware situation it models and what the parser must conclude. Every map
 * hands out a heap copy of exactly the bytes asked for, so ASan catches any read past a
 * mapping and LeakSanitizer any map without its unmap.
 */
#include <stdlib.h>
#include <lios/acpi.h>
#include <lios/errno.h>
#include <lios/string.h>
#include "../../unit.h"
#include "read_file.h"

static uint8_t phys_mem[65536];

static const void *arena_map(paddr_t phys, size_t len)
{
	uint8_t *copy;

	if (phys + len > sizeof(phys_mem) || !(copy = malloc(len)))
		return NULL;
	memcpy(copy, phys_mem + phys, len);
	return copy;
}
static void arena_unmap(const void *p, size_t len) { free((void *)p); }
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
#define MCFG_AT 0x5000
#define DSDT_AT 0x6000
#define SSDT_AT 0x7000

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

/* MADT builder: header fields, then entries appended one by one (struct madt_body). */
struct madt_body {
	uint8_t b[1024];
	uint32_t len;
};

static void madt_begin(struct madt_body *m, uint32_t lapic, uint32_t flags)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->b, &lapic, 4);
	memcpy(m->b + 4, &flags, 4);
	m->len = 8;
}

static uint8_t *madt_entry(struct madt_body *m, uint8_t type, uint8_t len)
{
	uint8_t *e = m->b + m->len;
	e[0] = type, e[1] = len;
	m->len += len;
	return e;
}

static void madt_ioapic(struct madt_body *m, uint8_t len, uint8_t id, uint32_t addr, uint32_t gsi)
{
	uint8_t *e = madt_entry(m, 1, len);
	e[2] = id;
	if (len >= 12) {
		memcpy(e + 4, &addr, 4);
		memcpy(e + 8, &gsi, 4);
	}
}

static void madt_override(struct madt_body *m, uint8_t bus, uint8_t src, uint32_t gsi, uint16_t flags)
{
	uint8_t *e = madt_entry(m, 2, 10);
	e[2] = bus, e[3] = src;
	memcpy(e + 4, &gsi, 4);
	memcpy(e + 8, &flags, 2);
}

static void madt_nmi(struct madt_body *m, uint8_t uid, uint16_t flags, uint8_t lint)
{
	uint8_t *e = madt_entry(m, 4, 6);
	e[2] = uid;
	memcpy(e + 3, &flags, 2);
	e[5] = lint;
}

static void madt_cpu(struct madt_body *m, uint8_t uid, uint8_t apic_id, uint32_t flags)
{
	uint8_t *e = madt_entry(m, 0, 8);
	e[2] = uid, e[3] = apic_id;
	memcpy(e + 4, &flags, 4);
}

/* Puts the MADT (and a FADT and the root tables) in the arena and parses from an ACPI 2.0
 * RSDP. */
static void parse_with_madt(const struct madt_body *m)
{
	uint8_t rsdp[36];
	memset(phys_mem, 0, sizeof(phys_mem));
	put_fadt(5, true, true);
	put_table(MADT_AT, "APIC", 4, m->b, m->len);
	put_roots();
	make_rsdp(rsdp, 2);
	acpi_parse(rsdp, 36, &os, &info);
}

/* QEMU's interrupt model: local APIC at 0xfee00000, dual 8259s, one I/O APIC at
 * 0xfec00000 from GSI 0, IRQ 0 -> GSI 2 (bus default flags), IRQ 9 -> GSI 9 level active
 * high, NMI on LINT1 of every processor. Everything is recorded, nothing refused. */
static void test_madt_qemu_model(void)
{
	struct madt_body m;
	madt_begin(&m, 0xfee00000, 1);
	madt_cpu(&m, 0, 0, 1);
	madt_cpu(&m, 1, 2, 1);
	madt_ioapic(&m, 12, 0, 0xfec00000, 0);
	madt_override(&m, 0, 0, 2, 0);
	madt_override(&m, 0, 9, 9, ACPI_MPS_POLARITY_HIGH | ACPI_MPS_TRIGGER_LEVEL);
	madt_nmi(&m, ACPI_UID_ALL, 0, 1);
	parse_with_madt(&m);
	CHECK(info.madt.present && !info.madt.truncated);
	CHECK_EQ(info.madt.bad_entries, 0);
	CHECK_EQ(info.madt.lapic_address, 0xfee00000);
	CHECK(info.madt.pcat_compat);
	CHECK_EQ(info.cpu_count, 2);
	CHECK_EQ(info.madt.cpu_ids, 2);
	CHECK(info.madt.cpus[1].uid == 1 && info.madt.cpus[1].apic_id == 2);
	CHECK_EQ(info.madt.ioapic_count, 1);
	CHECK(info.madt.ioapics[0].id == 0 && info.madt.ioapics[0].gsi_base == 0);
	CHECK_EQ(info.madt.ioapics[0].address, 0xfec00000);
	CHECK_EQ(info.madt.override_count, 2);
	CHECK(info.madt.overrides[0].source == 0 && info.madt.overrides[0].gsi == 2);
	CHECK_EQ(info.madt.overrides[0].flags, 0);
	CHECK(info.madt.overrides[1].source == 9 && info.madt.overrides[1].gsi == 9);
	CHECK_EQ(info.madt.overrides[1].flags & ACPI_MPS_TRIGGER_MASK, ACPI_MPS_TRIGGER_LEVEL);
	CHECK_EQ(info.madt.lapic_nmi_count, 1);
	CHECK(info.madt.lapic_nmis[0].uid == ACPI_UID_ALL && info.madt.lapic_nmis[0].lint == 1);
}

/* A machine without dual 8259s whose local APIC sits above 4 GiB: the 64-bit address
 * override (type 5) replaces the header's address; PCAT_COMPAT is clear. */
static void test_madt_lapic_address_override(void)
{
	struct madt_body m;
	uint64_t high = 0x1fee00000ull;
	madt_begin(&m, 0xfee00000, 0);
	madt_cpu(&m, 0, 0, 1);
	memcpy(madt_entry(&m, 5, 12) + 4, &high, 8);
	parse_with_madt(&m);
	CHECK(!info.madt.pcat_compat && info.madt.bad_entries == 0);
	CHECK_EQ(info.madt.lapic_address, high);
}

/* Broken entries in the middle: an I/O APIC entry 8 bytes long, one at address 0, an
 * override for bus 1, one for IRQ 16, an NMI on LINT2. Each is refused and counted; the
 * walk goes on, so the good I/O APIC and override after them are recorded. */
static void test_madt_bad_entries_skipped(void)
{
	struct madt_body m;
	madt_begin(&m, 0xfee00000, 1);
	madt_ioapic(&m, 8, 3, 0, 0);
	madt_ioapic(&m, 12, 4, 0, 0);
	madt_override(&m, 1, 0, 2, 0);
	madt_override(&m, 0, 16, 16, 0);
	madt_nmi(&m, 0, 0, 2);
	madt_ioapic(&m, 12, 5, 0xfec01000, 24);
	madt_override(&m, 0, 0, 2, 0);
	parse_with_madt(&m);
	CHECK(info.madt.present && !info.madt.truncated);
	CHECK_EQ(info.madt.bad_entries, 5);
	CHECK_EQ(info.madt.ioapic_count, 1);
	CHECK(info.madt.ioapics[0].id == 5 && info.madt.ioapics[0].gsi_base == 24);
	CHECK_EQ(info.madt.override_count, 1);
	CHECK_EQ(info.madt.lapic_nmi_count, 0);
}

/* The last entry claims 40 bytes where 6 remain: the walk stops there, marked truncated,
 * and keeps what came before. Also a last entry cut after its type byte. */
static void test_madt_entry_past_end(void)
{
	struct madt_body m;
	madt_begin(&m, 0xfee00000, 1);
	madt_ioapic(&m, 12, 0, 0xfec00000, 0);
	madt_nmi(&m, ACPI_UID_ALL, 0, 1);
	m.b[m.len - 5] = 40; /* the NMI entry's length */
	parse_with_madt(&m);
	CHECK(info.madt.truncated && info.madt.bad_entries == 1);
	CHECK_EQ(info.madt.ioapic_count, 1);
	CHECK_EQ(info.madt.lapic_nmi_count, 0);

	madt_begin(&m, 0xfee00000, 1);
	madt_ioapic(&m, 12, 0, 0xfec00000, 0);
	m.b[m.len++] = 2; /* a lone type byte at the very end */
	parse_with_madt(&m);
	CHECK(info.madt.truncated && info.madt.bad_entries == 1);
	CHECK_EQ(info.madt.ioapic_count, 1);
}

/* More I/O APICs, overrides and NMI entries than the arrays hold: the excess is counted
 * and never written past the arrays. */
static void test_madt_capacity(void)
{
	struct madt_body m;
	madt_begin(&m, 0xfee00000, 1);
	for (unsigned i = 0; i < ACPI_MAX_IOAPICS + 2; i++)
		madt_ioapic(&m, 12, (uint8_t)i, 0xfec00000 + i * 0x1000, i * 24);
	for (unsigned i = 0; i < ACPI_MAX_OVERRIDES + 1; i++)
		madt_override(&m, 0, (uint8_t)(i % 16), i, 0);
	for (unsigned i = 0; i < ACPI_MAX_LAPIC_NMIS + 3; i++)
		madt_nmi(&m, (uint8_t)i, 0, 1);
	parse_with_madt(&m);
	CHECK_EQ(info.madt.ioapic_count, ACPI_MAX_IOAPICS);
	CHECK_EQ(info.madt.override_count, ACPI_MAX_OVERRIDES);
	CHECK_EQ(info.madt.lapic_nmi_count, ACPI_MAX_LAPIC_NMIS);
	CHECK_EQ(info.madt.bad_entries, 2 + 1 + 3);
	CHECK_EQ(info.madt.ioapics[ACPI_MAX_IOAPICS - 1].gsi_base, (ACPI_MAX_IOAPICS - 1) * 24);
}

/* A MADT of 40 bytes, shorter than its own 44-byte header: marked truncated, no address
 * and nothing else read from it. */
static void test_madt_shorter_than_header(void)
{
	struct madt_body m;
	madt_begin(&m, 0xfee00000, 1);
	m.len = 4;
	parse_with_madt(&m);
	CHECK(info.madt.present && info.madt.truncated);
	CHECK_EQ(info.madt.lapic_address, 0);
	CHECK(!info.madt.pcat_compat && info.madt.ioapic_count == 0);
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
	acpi_s5_plan(&info, &plan);
	CHECK(!plan.why && !plan.hw_reduced && plan.a.reg.address == 0x604 && plan.a.width == 16);
	CHECK(plan.a.value == 0 && plan.a.enable == 1u << 13 && plan.a.keep_mask == 0xc3ff);
	CHECK(plan.b.reg.address == 0);
}

/* QEMU pc: an ACPI 1.0 FADT (116 bytes) whose PM blocks are plain ports; no MCFG. */
static void test_qemu_pc_fadt_v1(void)
{
	acpi_info_init(&info);
	parse_fixture("qemu-pc", "FACP", &info, 0);
	CHECK(info.fadt_length == 116 && !info.i8042_flag_valid && !info.reset_supported);
	CHECK(info.pm1a_cnt.address == 0x604 && info.pm1a_cnt.bit_width == 16);
	CHECK(info.pm_timer.address == 0x608 && info.pm_timer_bits == 24);
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
	uint32_t port = 0x404, dsdt32 = 0x1000, flags = 1u << 8;
	uint64_t xdsdt = 0x2000;

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
	info.s5 = (struct acpi_s5){.found = true, .slp_typ_a = 5, .slp_typ_b = 7};
	acpi_s5_plan(&info, &plan);
	CHECK(!plan.why && plan.hw_reduced && plan.a.reg.address == 0xfe000000);
	CHECK(plan.a.width == 8 && plan.a.value == 5 << 2 && plan.a.enable == 1 << 5);
	CHECK(plan.a.keep_mask == 0 && plan.b.reg.address == 0);
	info.s5.found = false;
	acpi_s5_plan(&info, &plan);
	CHECK(plan.why && strstr(plan.why, "\\_S5"));
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

int main(void)
{
	RUN(test_acpi2_full);
	RUN(test_acpi1_rsdt);
	RUN(test_bad_rsdp_checksum);
	RUN(test_bad_fadt_checksum);
	RUN(test_bad_xsdt_pointer_falls_back);
	RUN(test_hostile_lengths);
	RUN(test_wrong_root_signature);
	RUN(test_madt_qemu_model);
	RUN(test_madt_lapic_address_override);
	RUN(test_madt_bad_entries_skipped);
	RUN(test_madt_entry_past_end);
	RUN(test_madt_capacity);
	RUN(test_madt_shorter_than_header);
	RUN(test_qemu_q35_tables);
	RUN(test_qemu_pc_fadt_v1);
	RUN(test_fadt_x_fields_and_hw_reduced);
	RUN(test_hostile_fixed_tables);
	RUN(test_dsdt_and_ssdt_through_rsdp);
	return unit_summary();
}
