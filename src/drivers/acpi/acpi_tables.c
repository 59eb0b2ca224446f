// SPDX-License-Identifier: MIT
/*
 * ACPI table discovery: RSDP -> RSDT/XSDT -> each table, then the DSDT the FADT names;
 * the MADT is parsed here, the FADT, HPET and MCFG in acpi_fadt.c, the SPCR, DMAR and IVRS
 * in acpi_spcr.c, acpi_dmar.c and acpi_ivrs.c, the AML tables by aml.c. Pure C with all physical memory access behind struct acpi_os, so the same code
 * runs in the kernel, in host tests and in `./lios check-machine` (which feeds tables one
 * by one to acpi_parse_table). Nothing is trusted: signatures, lengths and checksums are
 * checked before a table is used, lengths are bounded, and a bad table is skipped with a
 * message naming it.
 */
#include <lios/acpi.h>
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "acpi_internal.h"

#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36
#define ROOT_MAX_ENTRIES 256

/* MADT (ACPI 6.x section 5.2.12): the header, the local interrupt controller address and
 * the flags, then variable entries (type, length). Minimum lengths are the spec's. */
#define MADT_LAPIC_ADDRESS 36
#define MADT_FLAGS 40
#define MADT_FLAG_PCAT_COMPAT (1u << 0)
#define MADT_ENTRIES 44
#define MADT_LOCAL_APIC 0          /* 8 bytes: UID, APIC ID, flags */
#define MADT_LOCAL_APIC_LEN 8
#define MADT_IO_APIC 1             /* 12 bytes: ID, reserved, address, GSI base */
#define MADT_IO_APIC_LEN 12
#define MADT_INT_SRC_OVERRIDE 2    /* 10 bytes: bus, source, GSI, MPS INTI flags */
#define MADT_INT_SRC_OVERRIDE_LEN 10
#define MADT_BUS_ISA 0
#define MADT_LOCAL_APIC_NMI 4      /* 6 bytes: UID, MPS INTI flags, LINT# */
#define MADT_LOCAL_APIC_NMI_LEN 6
#define MADT_LAPIC_ADDR_OVERRIDE 5 /* 12 bytes: reserved, 64-bit address */
#define MADT_LAPIC_ADDR_OVERRIDE_LEN 12
#define MADT_LOCAL_X2APIC 9        /* 16 bytes: reserved, x2APIC ID, flags, UID */
#define MADT_LOCAL_X2APIC_LEN 16
#define MADT_LOCAL_X2APIC_NMI 0x0a /* 12 bytes: MPS INTI flags, UID, LINT#, reserved */
#define MADT_LOCAL_X2APIC_NMI_LEN 12
#define MADT_NMI_UID_ALL 0xff      /* a Local APIC NMI entry's "every processor" */
#define MADT_X2APIC_ONLY_ID 0xff   /* below it, a CPU is a Local APIC entry's (5.2.12.12) */
#define MADT_CPU_ENABLED (1u << 0)
#define MADT_CPU_ONLINE_CAPABLE (1u << 1)


static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum;
}

/* A table's header length must cover the header, stay below ACPI_TABLE_MAX and fit in
 * the 'avail' bytes at t; its bytes must sum to 0. Counts and reports a refusal. */
static bool table_sound(const uint8_t *t, size_t avail, struct acpi_info *info)
{
	const struct sdt_header *h = (const void *)t;
	uint32_t len;

	if (avail < SDT_HEADER_LEN) {
		printk(KERN_WARN "acpi: table of %zu bytes is shorter than its header, ignored\n", avail);
		info->bad_tables++;
		return false;
	}
	memcpy(&len, &h->length, 4);
	if (len < SDT_HEADER_LEN || len > ACPI_TABLE_MAX || len > avail) {
		printk(KERN_WARN "acpi: %.4s has a bad length %u (%zu bytes there), ignored\n",
		       h->signature, len, avail);
		info->bad_tables++;
		return false;
	}
	if (checksum(t, len) != 0) {
		printk(KERN_WARN "acpi: %.4s has a bad checksum, ignored\n", h->signature);
		info->bad_tables++;
		return false;
	}
	return true;
}

/* A DSDT or SSDT (signature sig) that is not read: a host bridge it declares would be
 * missed, so the PCI root buses ACPI names are not to be trusted (acpi_pci_roots). */
static void aml_table_lost(const char *sig, struct acpi_info *info)
{
	if (memcmp(sig, "DSDT", 4) == 0 || memcmp(sig, "SSDT", 4) == 0)
		acpi_pci_doubt(info, memcmp(sig, "DSDT", 4) == 0 ? "DSDT" : "SSDT", 0,
			       "a DSDT or SSDT was refused");
}

/* Maps a whole table after checking its header. Returns the mapping (length in *len) or
 * NULL, with a message, and counted in bad_tables, when the table is broken or cannot be
 * mapped (no address space for it, or an address the kernel cannot reach): either way it
 * is lost to the kernel, and the boot line's refused count must say so. */
static const uint8_t *map_table(const struct acpi_os *os, paddr_t phys, uint32_t *len,
				struct acpi_info *info)
{
	const struct sdt_header *h = os->map(phys, SDT_HEADER_LEN);
	struct sdt_header hdr;

	if (!h) { /* what it was is not known: it may have been an SSDT */
		printk(KERN_WARN "acpi: table at %#llx could not be mapped, ignored\n",
		       (unsigned long long)phys);
		info->bad_tables++;
		acpi_pci_doubt(info, "", 0, "an ACPI table could not be mapped");
		return NULL;
	}
	memcpy(&hdr, h, sizeof(hdr));
	os->unmap(h, SDT_HEADER_LEN);
	if (hdr.length < SDT_HEADER_LEN || hdr.length > ACPI_TABLE_MAX) {
		printk(KERN_WARN "acpi: table at %#llx has a bad length %u, ignored\n",
		       (unsigned long long)phys, hdr.length);
		info->bad_tables++;
		aml_table_lost(hdr.signature, info);
		return NULL;
	}
	const uint8_t *t = os->map(phys, hdr.length);
	if (!t) {
		printk(KERN_WARN "acpi: %.4s at %#llx (%u bytes) could not be mapped, ignored\n",
		       hdr.signature, (unsigned long long)phys, hdr.length);
		info->bad_tables++;
		aml_table_lost(hdr.signature, info);
		return NULL;
	}
	if (!table_sound(t, hdr.length, info)) {
		os->unmap(t, hdr.length);
		aml_table_lost(hdr.signature, info);
		return NULL;
	}
	*len = hdr.length;
	return t;
}

static const uint8_t madt_min_len[] = {
	[MADT_LOCAL_APIC] = MADT_LOCAL_APIC_LEN,
	[MADT_IO_APIC] = MADT_IO_APIC_LEN,
	[MADT_INT_SRC_OVERRIDE] = MADT_INT_SRC_OVERRIDE_LEN,
	[MADT_LOCAL_APIC_NMI] = MADT_LOCAL_APIC_NMI_LEN,
	[MADT_LAPIC_ADDR_OVERRIDE] = MADT_LAPIC_ADDR_OVERRIDE_LEN,
	[MADT_LOCAL_X2APIC] = MADT_LOCAL_X2APIC_LEN,
	[MADT_LOCAL_X2APIC_NMI] = MADT_LOCAL_X2APIC_NMI_LEN,
};

static void madt_refuse(struct acpi_info *info, uint32_t off, uint8_t type, const char *why)
{
	info->madt.bad_entries++;
	printk(KERN_WARN "acpi: MADT entry type %u at offset %u %s, ignored\n", type, off, why);
}

/* Keeps a CPU's UID for matching NMI entries, once per APIC ID (an x2APIC entry may repeat
 * a Local APIC one); beyond ACPI_MAX_CPUS they are not needed, so no message. */
static void madt_record_cpu(struct acpi_info *info, uint32_t uid, uint32_t apic_id)
{
	for (unsigned i = 0; i < info->madt.cpu_ids; i++)
		if (info->madt.cpus[i].apic_id == apic_id)
			return;
	if (info->madt.cpu_ids < ACPI_MAX_CPUS)
		info->madt.cpus[info->madt.cpu_ids++] = (struct acpi_cpu){.uid = uid, .apic_id = apic_id};
}

/* Returns whether the entry is a usable CPU (counted). */
static bool madt_local_apic(const uint8_t *e, struct acpi_info *info)
{
	uint32_t flags;

	memcpy(&flags, e + 4, 4);
	if (!(flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)))
		return false;
	info->cpu_count++;
	madt_record_cpu(info, e[2], e[3]);
	return true;
}

/* A Local x2APIC entry: an enabled or online-capable CPU is recorded (its x2APIC NMI
 * entries name its UID) and counted when its ID needs x2APIC mode; returns whether it is a
 * usable CPU with an ID below 255, which parse_madt counts only without Local APIC CPUs. */
static bool madt_local_x2apic(const uint8_t *e, struct acpi_info *info)
{
	uint32_t x2id, flags, uid;

	memcpy(&x2id, e + 4, 4);
	memcpy(&flags, e + 8, 4);
	memcpy(&uid, e + 12, 4);
	if (!(flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)))
		return false;
	madt_record_cpu(info, uid, x2id);
	if (x2id < MADT_X2APIC_ONLY_ID)
		return true;
	info->cpu_count++;
	return false;
}

static void madt_io_apic(const uint8_t *e, uint32_t off, struct acpi_info *info)
{
	struct acpi_ioapic io = {.id = e[2]};

	memcpy(&io.address, e + 4, 4);
	memcpy(&io.gsi_base, e + 8, 4);
	if (!io.address)
		madt_refuse(info, off, MADT_IO_APIC, "has address 0");
	else if (info->madt.ioapic_count >= ACPI_MAX_IOAPICS)
		madt_refuse(info, off, MADT_IO_APIC, "is one I/O APIC too many");
	else
		info->madt.ioapics[info->madt.ioapic_count++] = io;
}

static void madt_override(const uint8_t *e, uint32_t off, struct acpi_info *info)
{
	struct acpi_irq_override o = {.source = e[3]};

	memcpy(&o.gsi, e + 4, 4);
	memcpy(&o.flags, e + 8, 2);
	if (e[2] != MADT_BUS_ISA || o.source >= ACPI_ISA_IRQS)
		madt_refuse(info, off, MADT_INT_SRC_OVERRIDE, "is not for an ISA IRQ 0-15");
	else if (info->madt.override_count >= ACPI_MAX_OVERRIDES)
		madt_refuse(info, off, MADT_INT_SRC_OVERRIDE, "is one override too many");
	else
		info->madt.overrides[info->madt.override_count++] = o;
}

/* A Local APIC NMI entry (type 4, 8-bit UID) or a Local x2APIC NMI entry (type 0x0a,
 * 32-bit UID, ACPI 6.5 5.2.12.13): both land in lapic_nmis, UIDs in one namespace. */
static void madt_lapic_nmi(const uint8_t *e, uint32_t off, struct acpi_info *info)
{
	struct acpi_lapic_nmi n;

	if (e[0] == MADT_LOCAL_X2APIC_NMI) {
		memcpy(&n.flags, e + 2, 2);
		memcpy(&n.uid, e + 4, 4);
		n.lint = e[8];
	} else {
		n.uid = e[2] == MADT_NMI_UID_ALL ? ACPI_UID_ALL : e[2];
		memcpy(&n.flags, e + 3, 2);
		n.lint = e[5];
	}
	if (n.lint > 1)
		madt_refuse(info, off, e[0], "names a LINT other than 0 or 1");
	else if (info->madt.lapic_nmi_count >= ACPI_MAX_LAPIC_NMIS)
		madt_refuse(info, off, e[0], "is one NMI entry too many");
	else
		info->madt.lapic_nmis[info->madt.lapic_nmi_count++] = n;
}

/* Walks the MADT entries. A length below 2 or past the table ends the walk (nothing after
 * it can be located); an entry too short for its type is skipped; either is reported.
 * An x2APIC entry with an ID below 255 counts only in a table without usable Local APIC
 * entries: beside them it repeats one (ACPI 6.5 5.2.12.12; Linux ignores it too). */
static void parse_madt(const uint8_t *t, uint32_t len, struct acpi_info *info)
{
	uint32_t lapic32 = 0, flags = 0;
	unsigned lapic_cpus = 0, x2apic_low = 0;

	info->madt.present = true;
	if (len < MADT_ENTRIES) {
		printk(KERN_WARN "acpi: MADT is %u bytes, shorter than its header\n", len);
		info->madt.truncated = true;
		return;
	}
	memcpy(&lapic32, t + MADT_LAPIC_ADDRESS, 4);
	memcpy(&flags, t + MADT_FLAGS, 4);
	info->madt.lapic_address = lapic32;
	info->madt.pcat_compat = flags & MADT_FLAG_PCAT_COMPAT;
	for (uint32_t off = MADT_ENTRIES; off < len;) {
		const uint8_t *e = t + off;
		uint8_t type, elen;

		if (off + 2 > len || e[1] < 2 || off + e[1] > len) {
			printk(KERN_WARN "acpi: MADT entry at offset %u runs past the table (length %u of %u), rest ignored\n",
			       off, off + 2 <= len ? e[1] : 0, len);
			info->madt.bad_entries++;
			info->madt.truncated = true;
			break;
		}
		type = e[0], elen = e[1];
		off += elen;
		if (type < ARRAY_SIZE(madt_min_len) && madt_min_len[type] && elen < madt_min_len[type]) {
			madt_refuse(info, off - elen, type, "is too short");
			continue;
		}
		switch (type) {
		case MADT_LOCAL_APIC:
			lapic_cpus += madt_local_apic(e, info);
			break;
		case MADT_IO_APIC:
			madt_io_apic(e, off - elen, info);
			break;
		case MADT_INT_SRC_OVERRIDE:
			madt_override(e, off - elen, info);
			break;
		case MADT_LOCAL_APIC_NMI:
		case MADT_LOCAL_X2APIC_NMI:
			madt_lapic_nmi(e, off - elen, info);
			break;
		case MADT_LAPIC_ADDR_OVERRIDE:
			memcpy(&info->madt.lapic_address, e + 4, 8);
			break;
		case MADT_LOCAL_X2APIC:
			x2apic_low += madt_local_x2apic(e, info);
			break;
		default:
			break; /* other interrupt models: not used */
		}
	}
	if (!lapic_cpus)
		info->cpu_count += x2apic_low;
}

/* acpi_struct_at - see acpi_internal.h. */
bool acpi_struct_at(const uint8_t *t, uint32_t len, uint32_t at, unsigned type_bytes,
		    const char *table, const char *noun, uint16_t *type, uint16_t *slen)
{
	enum { HEADER = 4 }; /* type (1 or 2 bytes), then the length at offset 2 */

	if (at >= len || len - at < HEADER) {
		printk(KERN_WARN "acpi: %s: %u bytes left at offset %u, too few for a %s header: "
				 "ignored\n",
		       table, at < len ? len - at : 0, at, noun);
		return false;
	}
	*type = type_bytes == 2 ? (uint16_t)(t[at] | t[at + 1] << 8) : t[at];
	*slen = (uint16_t)(t[at + 2] | t[at + 3] << 8);
	if (*slen < HEADER || *slen > len - at) {
		printk(KERN_WARN "acpi: %s: %s at offset %u (type %#x) has length %u, %s: the rest "
				 "of the table is not read\n",
		       table, noun, at, *type, *slen,
		       *slen < HEADER ? "shorter than its own header" : "past the table's end");
		return false;
	}
	return true;
}

void acpi_info_init(struct acpi_info *info) { memset(info, 0, sizeof(*info)); }

/*
 * acpi_parse_table - see <lios/acpi.h>. The first FADT and MADT count (a second one is a
 * firmware bug and is ignored); every SSDT is read for \_S5.
 */
int acpi_parse_table(const uint8_t *t, size_t len, struct acpi_info *info)
{
	uint32_t tlen;

	/* The FACS has no standard header (no checksum): not ours to judge, not read. */
	if (len >= 4 && memcmp(t, "FACS", 4) == 0)
		return -ENOENT;
	if (len >= 4 && memcmp(t, "SSDT", 4) == 0)
		info->ssdt_count++; /* refused ones too: SSDTn names the n-th, as Linux does */
	if (!table_sound(t, len, info)) {
		if (len >= 4)
			aml_table_lost((const char *)t, info);
		return -EINVAL;
	}
	memcpy(&tlen, t + 4, 4);
	if (memcmp(t, "FACP", 4) == 0 && !info->have_fadt)
		return acpi_parse_fadt(t, tlen, info);
	if (memcmp(t, "APIC", 4) == 0 && !info->madt.present) {
		parse_madt(t, tlen, info);
		return 0;
	}
	if (memcmp(t, "HPET", 4) == 0 && !info->have_hpet)
		return acpi_parse_hpet(t, tlen, info);
	if (memcmp(t, "MCFG", 4) == 0 && !info->have_mcfg)
		return acpi_parse_mcfg(t, tlen, info);
	if (memcmp(t, "SPCR", 4) == 0 && !info->spcr.present)
		return acpi_parse_spcr(t, tlen, info);
	if (memcmp(t, "DMAR", 4) == 0 && !info->dmar.present)
		return acpi_parse_dmar(t, tlen, info);
	if (memcmp(t, "IVRS", 4) == 0 && !info->ivrs.present)
		return acpi_parse_ivrs(t, tlen, info);
	if (memcmp(t, "DSDT", 4) == 0 && !info->have_dsdt)
		return acpi_parse_aml(t, tlen, info);
	if (memcmp(t, "SSDT", 4) == 0)
		return acpi_parse_aml(t, tlen, info);
	return -ENOENT;
}

/* Maps, checks and parses the table at phys. */
static void parse_at(const struct acpi_os *os, paddr_t phys, struct acpi_info *info)
{
	uint32_t len;
	const uint8_t *t = map_table(os, phys, &len, info);

	if (!t)
		return;
	acpi_parse_table(t, len, info);
	os->unmap(t, len);
}

/* Checks the RSDP; returns the root table's address and entry size (4 RSDT, 8 XSDT), and
 * the RSDT's address in *rsdt_out (the fallback when the XSDT turns out unusable). */
static paddr_t check_rsdp(const uint8_t *rsdp, size_t len, unsigned *entry_size,
			  paddr_t *rsdt_out, struct acpi_info *info)
{
	uint32_t rsdt;
	uint64_t xsdt;
	uint32_t xlen;

	if (len < RSDP_V1_LEN || memcmp(rsdp, "RSD PTR ", 8) != 0) {
		printk(KERN_WARN "acpi: no valid RSDP\n");
		return 0;
	}
	if (checksum(rsdp, RSDP_V1_LEN) != 0) {
		printk(KERN_WARN "acpi: RSDP has a bad checksum, ignored\n");
		return 0;
	}
	info->revision = rsdp[15];
	memcpy(info->oem_id, rsdp + 9, 6);
	info->oem_id[6] = '\0';
	for (int i = 5; i >= 0 && (info->oem_id[i] == ' ' || info->oem_id[i] == '\0'); i--)
		info->oem_id[i] = '\0'; /* OEM IDs are padded with spaces */
	memcpy(&rsdt, rsdp + 16, 4);
	*rsdt_out = rsdt;
	if (info->revision >= 2 && len >= RSDP_V2_LEN) {
		memcpy(&xlen, rsdp + 20, 4);
		memcpy(&xsdt, rsdp + 24, 8);
		if (xlen >= RSDP_V2_LEN && xlen <= len && checksum(rsdp, xlen) == 0 && xsdt) {
			*entry_size = 8;
			return xsdt;
		}
		printk(KERN_WARN "acpi: extended RSDP invalid, using the RSDT\n");
	}
	*entry_size = 4;
	return rsdt;
}

/* Maps and checks the root table at phys: an XSDT when esize is 8, else an RSDT. NULL
 * when it is unusable (with a message). */
static const uint8_t *map_root(const struct acpi_os *os, paddr_t phys, unsigned esize,
			       uint32_t *len, struct acpi_info *info)
{
	const uint8_t *t = phys ? map_table(os, phys, len, info) : NULL;

	if (t && memcmp(t, esize == 8 ? "XSDT" : "RSDT", 4) != 0) {
		printk(KERN_WARN "acpi: root table has the wrong signature %.4s\n", (const char *)t);
		os->unmap(t, *len);
		return NULL;
	}
	return t;
}

/* A broken XSDT beside a sound RSDT is a known firmware bug (hence Linux's acpi=rsdt): the
 * RSDT lists the same tables, so it is used rather than no ACPI at all. */
void acpi_parse(const uint8_t *rsdp, size_t rsdp_len, const struct acpi_os *os,
		struct acpi_info *info)
{
	unsigned esize;
	uint32_t len;
	paddr_t rsdt = 0;

	acpi_info_init(info);
	paddr_t root = check_rsdp(rsdp, rsdp_len, &esize, &rsdt, info);
	if (!root)
		return;
	const uint8_t *t = map_root(os, root, esize, &len, info);
	if (!t && esize == 8 && rsdt) {
		printk(KERN_WARN "acpi: XSDT unusable, using the RSDT\n");
		esize = 4;
		t = map_root(os, rsdt, esize, &len, info);
	}
	if (!t)
		return;
	info->present = true;
	unsigned n = (len - SDT_HEADER_LEN) / esize;
	if (n > ROOT_MAX_ENTRIES)
		n = ROOT_MAX_ENTRIES;
	paddr_t entries[ROOT_MAX_ENTRIES];
	for (unsigned i = 0; i < n; i++) {
		entries[i] = 0;
		memcpy(&entries[i], t + SDT_HEADER_LEN + i * esize, esize);
	}
	os->unmap(t, len);
	info->tables = n;
	for (unsigned i = 0; i < n; i++)
		if (entries[i])
			parse_at(os, entries[i], info);
	if (info->dsdt_address) /* not listed by the root table: not in info->tables */
		parse_at(os, info->dsdt_address, info);
}
