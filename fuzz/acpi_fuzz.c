// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the ACPI table walk (src/drivers/acpi/acpi_tables.c with the FADT,
 * HPET and MCFG readers of acpi_fadt.c and the AML path behind them): the input is the
 * firmware's physical memory, an RSDP at address 0 and whatever the input puts elsewhere
 * (root tables, their entries, the tables they name, the DSDT the FADT names). Unless the
 * input's first byte asks to keep them as they are, the harness first writes the right
 * checksums wherever the walk will look (the RSDP's two, the root table's, each listed
 * table's, the DSDT's), so inputs get past the checksums to the tables' contents; with it,
 * the checksum checks themselves are fuzzed. Every mapping is an exact-size heap copy, so
 * ASan sees a read past what was mapped and LeakSanitizer a mapping never unmapped; a
 * mapping outside the memory fails, as an unbacked address does.
 *
 * What the parser reports must be sound: counts within their arrays, every I/O APIC with an
 * address, every override for an ISA IRQ 0-15, every NMI entry on LINT0 or LINT1, ECAM
 * windows with a base and an ordered bus range, the HPET in memory space with 1-32
 * comparators, no more tables than the root can list, and a found \_S5 with 3-bit values.
 * The HPET and the ECAM windows must also be what the tables say: the harness notes every
 * whole, checksummed table the walk maps, in order, and decodes the first usable HPET
 * (56 bytes or more, an address in memory space) and the first MCFG (its whole 16-byte
 * entries, those with a base and an ordered bus range, at most ACPI_MAX_MCFG) itself.
 * FUZZ_ACPI_LOG=1 prints the parser's messages and what was found (run one input:
 * fuzz_acpi FILE).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lios/acpi.h>
#include <lios/printk.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER_LEN 36
#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36
#define FADT_DSDT 40
#define FADT_X_DSDT 140
#define ROOT_MAX 256  /* the walk lists at most this many (acpi_tables.c's ROOT_MAX_ENTRIES) */
#define KEEP_RSDP 1   /* first byte: leave the RSDP's checksums as they are */
#define KEEP_TABLES 2 /* ... and the tables' */

#define SEEN_MAX 1024 /* a root lists at most 256 tables, each mapped twice */

static uint8_t *mem;
static size_t mem_len;
static long mapped;            /* mappings not yet unmapped */
static paddr_t seen[SEEN_MAX]; /* whole, checksummed tables mapped, in order */
static unsigned nseen;

static void fail(const char *what)
{
	fprintf(stderr, "acpi output broken: %s\n", what);
	abort();
}

static const void *map(paddr_t phys, size_t len)
{
	uint8_t *copy;

	if (phys > mem_len || len > mem_len - phys || !(copy = malloc(len ? len : 1)))
		return NULL;
	memcpy(copy, mem + phys, len);
	mapped++;
	if (len >= HEADER_LEN && nseen < SEEN_MAX) {
		uint32_t tlen;
		uint8_t sum = 0;

		memcpy(&tlen, copy + 4, 4);
		for (size_t i = 0; i < len; i++)
			sum += copy[i];
		if (tlen == len && !sum)
			seen[nseen++] = phys;
	}
	return copy;
}

static void unmap(const void *p, size_t len)
{
	(void)len;
	mapped--;
	free((void *)p);
}

static const struct acpi_os os = { map, unmap };

static void quiet(const char *s, size_t len) { (void)s, (void)len; }

static uint32_t get32(size_t at)
{
	uint32_t v = 0;

	if (at + 4 <= mem_len)
		memcpy(&v, mem + at, 4);
	return v;
}

static uint64_t get64(size_t at)
{
	uint64_t v = 0;

	if (at + 8 <= mem_len)
		memcpy(&v, mem + at, 8);
	return v;
}

/* Makes the len bytes at 'at' (clamped to the memory) sum to 0 through the byte at 'fix'. */
static void fix_sum(uint64_t at, uint64_t len, uint64_t fix)
{
	uint8_t sum = 0;

	if (at >= mem_len || fix >= mem_len || fix < at)
		return;
	if (len > mem_len - at)
		len = mem_len - at;
	if (fix >= at + len)
		return;
	mem[fix] = 0;
	for (uint64_t i = 0; i < len; i++)
		sum += mem[at + i];
	mem[fix] = (uint8_t)-sum;
}

static void fix_table(uint64_t at)
{
	if (at && at < mem_len)
		fix_sum(at, get32(at + 4), at + 9);
}

/* The right checksums wherever acpi_parse will look, in the order it looks. */
static void fix_checksums(bool rsdp_too)
{
	unsigned esize = 4;
	uint64_t root = get32(16), n;

	if (rsdp_too) {
		fix_sum(0, RSDP_V1_LEN, 8);
		if (mem_len > 15 && mem[15] >= 2)
			fix_sum(0, get32(20), 32);
	}
	if (mem_len > 15 && mem[15] >= 2 && get64(24)) {
		root = get64(24);
		esize = 8;
	}
	fix_table(root);
	if (!root || root >= mem_len || get32(root + 4) < HEADER_LEN)
		return;
	n = (get32(root + 4) - HEADER_LEN) / esize;
	for (uint64_t i = 0; i < n && i < ROOT_MAX; i++) {
		uint64_t t = esize == 8 ? get64(root + HEADER_LEN + i * 8)
					: get32(root + HEADER_LEN + i * 4);

		fix_table(t);
		if (t < mem_len && t + 4 <= mem_len && memcmp(mem + t, "FACP", 4) == 0) {
			uint64_t dsdt = get64(t + FADT_X_DSDT);

			fix_table(dsdt && get32(t + 4) >= FADT_X_DSDT + 8 ? dsdt
									  : get32(t + FADT_DSDT));
		}
	}
}

/* The first whole table with signature sig the walk mapped that ok() accepts, -1 when
 * none; -2 when it cannot be told: it lies where the RSDP puts a root table (then it may
 * have been mapped as the root and refused for its signature), or too many were mapped. */
static long first_seen(const char *sig, bool (*ok)(uint64_t at))
{
	if (nseen >= SEEN_MAX)
		return -2;
	for (unsigned i = 0; i < nseen; i++) {
		if (memcmp(mem + seen[i], sig, 4) != 0 || (ok && !ok(seen[i])))
			continue;
		if (seen[i] == get32(16) || seen[i] == get64(24))
			return -2;
		return (long)seen[i];
	}
	return -1;
}

/* IA-PC HPET 1.0a 3.2.4: event timer block ID at 36, base address GAS at 40 (space,
 * widths, then the address at 44), number at 52, minimum tick at 53. */
static bool hpet_usable(uint64_t at)
{
	return get32(at + 4) >= 56 && mem[at + 40] == ACPI_SPACE_MEMORY && get64(at + 44);
}

static void check_hpet(const struct acpi_info *info)
{
	long at = first_seen("HPET", hpet_usable);
	uint32_t id;

	if (at == -2)
		return;
	if (at < 0) {
		if (info->have_hpet)
			fail("an HPET found where no usable HPET table was read");
		return;
	}
	id = get32((size_t)at + 36);
	if (!info->have_hpet || info->hpet_address != get64((size_t)at + 44) ||
	    info->hpet_number != mem[at + 52] || info->hpet_64bit != !!(id & (1u << 13)) ||
	    info->hpet_comparators != ((id >> 8) & 0x1f) + 1 ||
	    info->hpet_min_tick != (mem[at + 53] | mem[at + 54] << 8))
		fail("the HPET is not what its table says");
}

/* PCI Firmware 3.2 4.1.2: entries of 16 bytes from 44: base (8), segment (2), buses. */
static bool mcfg_usable(uint64_t at) { return get32(at + 4) >= 44; }

static void check_mcfg(const struct acpi_info *info)
{
	long at = first_seen("MCFG", mcfg_usable);
	unsigned n = 0;

	if (at == -2)
		return;
	if (at < 0) {
		if (info->have_mcfg || info->mcfg_count)
			fail("ECAM windows where no MCFG was read");
		return;
	}
	for (uint32_t e = 44; e + 16 <= get32((size_t)at + 4); e += 16) {
		uint64_t base = get64((size_t)at + e);
		uint16_t seg = (uint16_t)(mem[at + e + 8] | mem[at + e + 9] << 8);
		uint8_t start = mem[at + e + 10], end = mem[at + e + 11];

		if (!base || end < start || n >= ACPI_MAX_MCFG)
			continue;
		if (n >= info->mcfg_count || info->mcfg[n].base != base ||
		    info->mcfg[n].segment != seg || info->mcfg[n].bus_start != start ||
		    info->mcfg[n].bus_end != end)
			fail("an ECAM window is not what the MCFG says");
		n++;
	}
	if (!info->have_mcfg || info->mcfg_count != n)
		fail("not as many ECAM windows as the MCFG has valid entries");
}

static void check(const struct acpi_info *info)
{
	const struct irq_model *m = &info->madt;

	if (info->tables > ROOT_MAX)
		fail("more tables than the root table can list");
	if (m->cpu_ids > ACPI_MAX_CPUS || m->ioapic_count > ACPI_MAX_IOAPICS ||
	    m->override_count > ACPI_MAX_OVERRIDES || m->lapic_nmi_count > ACPI_MAX_LAPIC_NMIS)
		fail("MADT count past its array");
	for (unsigned i = 0; i < m->ioapic_count; i++)
		if (!m->ioapics[i].address)
			fail("an I/O APIC at address 0");
	for (unsigned i = 0; i < m->override_count; i++)
		if (m->overrides[i].source >= ACPI_ISA_IRQS)
			fail("an override for a source that is not ISA IRQ 0-15");
	for (unsigned i = 0; i < m->lapic_nmi_count; i++)
		if (m->lapic_nmis[i].lint > 1)
			fail("an NMI entry on a LINT other than 0 or 1");
	if (info->mcfg_count > ACPI_MAX_MCFG)
		fail("MCFG count past its array");
	for (unsigned i = 0; i < info->mcfg_count; i++)
		if (!info->mcfg[i].base || info->mcfg[i].bus_end < info->mcfg[i].bus_start)
			fail("an ECAM window without a base or with its buses reversed");
	if (info->have_hpet &&
	    (!info->hpet_address || info->hpet_comparators < 1 || info->hpet_comparators > 32))
		fail("an HPET without an address or with 0 or over 32 comparators");
	if (info->s5.found && (info->s5.slp_typ_a > 7 || info->s5.slp_typ_b > 7))
		fail("an \\_S5 value wider than SLP_TYP");
	if (!info->s5.found && info->s5.why == NULL && info->have_dsdt)
		fail("a DSDT read and no \\_S5 nor a reason");
	if (info->pm_timer_bits && info->pm_timer_bits != 24 && info->pm_timer_bits != 32)
		fail("a PM timer neither 24 nor 32 bits wide");
	if (!info->present && (info->tables || info->have_fadt || m->present))
		fail("tables read without a valid root");
	check_hpet(info);
	check_mcfg(info);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acpi_info info;
	static bool sink;
	uint8_t flags;

	if (!sink && !getenv("FUZZ_ACPI_LOG")) /* the parser's printk on stderr only then */
		printk_add_sink(quiet, false);
	sink = true;
	if (size < 1 || size > 65536 + 1)
		return 0;
	flags = data[0];
	mem_len = size - 1;
	mem = malloc(mem_len ? mem_len : 1);
	memcpy(mem, data + 1, mem_len);
	if (!(flags & KEEP_TABLES))
		fix_checksums(!(flags & KEEP_RSDP));
	mapped = 0;
	nseen = 0;
	acpi_parse(mem, mem_len < RSDP_V2_LEN ? mem_len : RSDP_V2_LEN, &os, &info);
	if (mapped)
		fail("a mapping left mapped");
	check(&info);
	if (getenv("FUZZ_ACPI_LOG"))
		fprintf(stderr,
			"tables %u bad %u fadt %d cpus %u ioapics %u overrides %u hpet %d mcfg %u s5 %d %s\n",
			info.tables, info.bad_tables, info.have_fadt, info.cpu_count,
			info.madt.ioapic_count, info.madt.override_count, info.have_hpet,
			info.mcfg_count, info.s5.found, info.s5.path);
	free(mem);
	return 0;
}
