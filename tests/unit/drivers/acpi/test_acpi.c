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
#include <lios/string.h>
#include "../../unit.h"

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
	return unit_summary();
}
