// SPDX-License-Identifier: MIT
/*
 * Host tests of the ACPI table parser's MADT walk (src/drivers/acpi/acpi_tables.c): QEMU's
 * interrupt model, a local APIC above 4 GiB, broken and truncated entries, more entries
 * than the arrays hold, and a MADT shorter than its header; each table built entry by entry
 * in the fake physical memory of acpi_fixture.h.
 */
#include <lios/acpi.h>
#include <lios/string.h>
#include "../../unit.h"
#include "acpi_fixture.h"

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

static void madt_x2apic(struct madt_body *m, uint32_t uid, uint32_t x2apic_id, uint32_t flags)
{
	uint8_t *e = madt_entry(m, 9, 16);
	memcpy(e + 4, &x2apic_id, 4);
	memcpy(e + 8, &flags, 4);
	memcpy(e + 12, &uid, 4);
}

/* A Local x2APIC NMI entry (type 0x0a); len below 12 makes a short one. */
static void madt_x2nmi(struct madt_body *m, uint8_t len, uint32_t uid, uint16_t flags, uint8_t lint)
{
	uint8_t *e = madt_entry(m, 0x0a, len);
	memcpy(e + 2, &flags, 2);
	memcpy(e + 4, &uid, 4);
	if (len > 8)
		e[8] = lint;
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
	madt_nmi(&m, 0xff, 0, 1); /* 0xff: every processor */
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
	madt_nmi(&m, 0xff, 0, 1); /* 0xff: every processor */
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

/* ACPI 6.5 5.2.12.12: processors with APIC IDs below 255 are described by Local APIC
 * entries; an MADT with those may repeat them as x2APIC entries (firmware does: Linux
 * ignores such x2APIC entries). Two CPUs, each listed twice, one x2APIC-only CPU (ID 300)
 * behind them: 3 CPUs, not 5. Without Local APIC entries, every x2APIC entry counts. */
static void test_madt_x2apic_duplicates(void)
{
	struct madt_body m;
	madt_begin(&m, 0xfee00000, 1);
	madt_x2apic(&m, 0, 0, 1); /* before the Local APIC entries too: order does not matter */
	madt_cpu(&m, 0, 0, 1);
	madt_cpu(&m, 1, 1, 1);
	madt_x2apic(&m, 1, 1, 1);
	madt_x2apic(&m, 2, 300, 1);
	parse_with_madt(&m);
	CHECK_EQ(info.cpu_count, 3);

	madt_begin(&m, 0xfee00000, 1);
	madt_x2apic(&m, 0, 0, 1);
	madt_x2apic(&m, 1, 1, 1);
	madt_x2apic(&m, 2, 2, 0); /* disabled */
	parse_with_madt(&m);
	CHECK_EQ(info.cpu_count, 2);
}

/* ACPI 6.5 5.2.12.13: Local x2APIC NMI entries (flags, 32-bit UID, LINT#) go into the same
 * list as Local APIC NMI entries, and x2APIC CPUs keep their 32-bit UID to be matched: a
 * Local APIC NMI entry for every CPU on LINT1, an x2APIC one for every CPU (UID
 * 0xffffffff) on LINT1 active low, one for the x2APIC-only CPU with UID 0x10005 on LINT0.
 * Refused and counted: one 10 bytes long (shorter than its 12), one naming LINT2. Before,
 * type 0x0a was skipped as unknown: one NMI entry, nothing refused. */
static void test_madt_x2apic_nmi(void)
{
	struct madt_body m;
	madt_begin(&m, 0xfee00000, 1);
	madt_cpu(&m, 0, 0, 1);
	madt_x2apic(&m, 0x10005, 300, 1);
	madt_nmi(&m, 0xff, 0, 1);
	madt_x2nmi(&m, 12, 0xffffffff, ACPI_MPS_POLARITY_LOW, 1);
	madt_x2nmi(&m, 12, 0x10005, 0, 0);
	madt_x2nmi(&m, 10, 0x10005, 0, 1);
	madt_x2nmi(&m, 12, 0x10005, 0, 2);
	parse_with_madt(&m);
	CHECK(!info.madt.truncated);
	CHECK_EQ(info.madt.bad_entries, 2);
	CHECK_EQ(info.madt.lapic_nmi_count, 3);
	CHECK(info.madt.lapic_nmis[0].uid == ACPI_UID_ALL && info.madt.lapic_nmis[0].lint == 1);
	CHECK(info.madt.lapic_nmis[1].uid == ACPI_UID_ALL && info.madt.lapic_nmis[1].lint == 1);
	CHECK_EQ(info.madt.lapic_nmis[1].flags, ACPI_MPS_POLARITY_LOW);
	CHECK(info.madt.lapic_nmis[2].uid == 0x10005 && info.madt.lapic_nmis[2].lint == 0);
	CHECK_EQ(info.madt.cpu_ids, 2);
	CHECK(info.madt.cpus[1].uid == 0x10005 && info.madt.cpus[1].apic_id == 300);
	CHECK_EQ(info.cpu_count, 2);
}

int main(void)
{
	RUN(test_madt_qemu_model);
	RUN(test_madt_lapic_address_override);
	RUN(test_madt_bad_entries_skipped);
	RUN(test_madt_entry_past_end);
	RUN(test_madt_capacity);
	RUN(test_madt_shorter_than_header);
	RUN(test_madt_x2apic_duplicates);
	RUN(test_madt_x2apic_nmi);
	return unit_summary();
}
