/* SPDX-License-Identifier: MIT */
/*
 * ACPI basics (src/drivers/acpi/): the RSDP handed over by the boot loader, the RSDT or
 * XSDT, and from them the FADT (8042 hint, reset register) and the MADT (CPUs, the local
 * APIC address, I/O APICs, ISA interrupt source overrides, local APIC NMI inputs, whether
 * dual 8259s are present). Every table's checksum is verified; a table that fails is
 * ignored with a message. Arrays below are bounded: entries past their capacity are
 * counted in madt_bad_entries and reported, never written out of bounds.
 */
#ifndef LIOS_ACPI_H
#define LIOS_ACPI_H

#include <lios/bootinfo.h>

/* A Generic Address Structure: where a register lives. */
struct acpi_gas {
	uint8_t space;        /* ACPI_SPACE_* */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __attribute__((packed));

#define ACPI_SPACE_MEMORY 0
#define ACPI_SPACE_IO 1
#define ACPI_SPACE_PCI_CONFIG 2

#define ACPI_MAX_CPUS 64      /* processor UID -> APIC ID pairs kept (type 0 entries) */
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16 /* one per ISA line is the most a sane MADT has */
#define ACPI_MAX_LAPIC_NMIS 8
#define ACPI_ISA_IRQS 16      /* source range of an interrupt source override (bus 0, ISA) */
#define ACPI_UID_ALL 0xff     /* local APIC NMI entry for every processor */

/* MPS INTI flags of overrides and NMI entries (ACPI 6.x table 5.50, after MPS 1.4). */
#define ACPI_MPS_POLARITY_MASK 0x3
#define ACPI_MPS_POLARITY_CONFORMS 0x0 /* as the bus says: ISA is active high */
#define ACPI_MPS_POLARITY_HIGH 0x1
#define ACPI_MPS_POLARITY_LOW 0x3
#define ACPI_MPS_TRIGGER_MASK 0xc
#define ACPI_MPS_TRIGGER_CONFORMS 0x0  /* as the bus says: ISA is edge triggered */
#define ACPI_MPS_TRIGGER_EDGE 0x4
#define ACPI_MPS_TRIGGER_LEVEL 0xc

struct acpi_cpu {
	uint8_t uid;           /* ACPI processor UID */
	uint8_t apic_id;       /* its local APIC ID */
};

struct acpi_ioapic {
	uint8_t id;            /* I/O APIC ID */
	uint32_t address;      /* physical MMIO base of IOREGSEL/IOWIN */
	uint32_t gsi_base;     /* global system interrupt of input 0 */
};

/* ISA line 'source' arrives on global system interrupt 'gsi' (QEMU: IRQ 0 -> GSI 2). */
struct acpi_irq_override {
	uint8_t source;        /* ISA IRQ 0-15 (only bus 0, ISA, is recorded) */
	uint32_t gsi;
	uint16_t flags;        /* ACPI_MPS_* polarity and trigger */
};

/* A local APIC LINT input wired to NMI. */
struct acpi_lapic_nmi {
	uint8_t uid;           /* processor UID, ACPI_UID_ALL = every processor */
	uint8_t lint;          /* 0 = LINT0, 1 = LINT1 */
	uint16_t flags;        /* ACPI_MPS_* polarity and trigger */
};

struct acpi_info {
	bool present;          /* a valid RSDP and root table were found */
	uint8_t revision;      /* RSDP revision: 0 = ACPI 1.0 (RSDT), 2+ = XSDT */
	char oem_id[7];
	unsigned tables;       /* tables listed by the root table */
	unsigned bad_tables;   /* of those, refused for a bad checksum or size */
	bool have_fadt, have_madt;
	bool i8042_flag_valid; /* the FADT is new enough to carry IAPC_BOOT_ARCH */
	bool i8042_present;    /* IAPC_BOOT_ARCH bit 1 (only a hint: firmware gets it wrong) */
	bool reset_supported;  /* FADT RESET_REG_SUP */
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	unsigned cpu_count;    /* enabled or online-capable processors in the MADT; 0 = unknown */
	/* MADT interrupt model; meaningful only with have_madt. */
	uint64_t lapic_address;   /* physical; the header's, or the type 5 override's */
	bool pcat_compat;         /* MADT flag PCAT_COMPAT: dual 8259s present as well */
	unsigned cpu_ids;         /* entries used in cpus[] */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	unsigned ioapic_count;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	unsigned override_count;
	struct acpi_irq_override overrides[ACPI_MAX_OVERRIDES];
	unsigned lapic_nmi_count;
	struct acpi_lapic_nmi lapic_nmis[ACPI_MAX_LAPIC_NMIS];
	unsigned madt_bad_entries; /* malformed, out-of-range or excess entries ignored */
	bool madt_truncated;      /* an entry ran past the table or had a length < 2: the walk
				   * stopped there, later entries are unknown */
};

/*
 * How the parser reaches physical memory: map len bytes at phys and return a pointer, or
 * NULL; unmap releases it. The kernel maps through ioremap, host tests pass plain pointers.
 */
struct acpi_os {
	const void *(*map)(paddr_t phys, size_t len);
	void (*unmap)(const void *p, size_t len);
};

/* Parses everything reachable from the RSDP copy (rsdp_len bytes) into *info. Never fails
 * hard: a missing or broken piece is reported with printk and left out. Pure. */
void acpi_parse(const uint8_t *rsdp, size_t rsdp_len, const struct acpi_os *os,
		struct acpi_info *info);

/* Kernel: parse the boot loader's RSDP, print the "acpi: ..." line. Needs ioremap. */
int acpi_init(const struct bootinfo *bi);
const struct acpi_info *acpi_get_info(void);
/* Write the FADT reset value to the reset register. Returns -ENODEV when there is none;
 * on success the machine resets and this does not return (it may on a broken firmware). */
int acpi_reset(void);

#endif
