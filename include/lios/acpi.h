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
#include <lios/irq_model.h>

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

struct acpi_info {
	bool present;          /* a valid RSDP and root table were found */
	uint8_t revision;      /* RSDP revision: 0 = ACPI 1.0 (RSDT), 2+ = XSDT */
	char oem_id[7];
	unsigned tables;       /* tables listed by the root table */
	unsigned bad_tables;   /* of those, refused for a bad checksum or size */
	bool have_fadt;          /* have the MADT: madt.present */
	bool i8042_flag_valid; /* the FADT is new enough to carry IAPC_BOOT_ARCH */
	bool i8042_present;    /* IAPC_BOOT_ARCH bit 1 (only a hint: firmware gets it wrong) */
	bool reset_supported;  /* FADT RESET_REG_SUP */
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	unsigned cpu_count;    /* enabled or online-capable processors in the MADT; 0 = unknown */
	struct irq_model madt;    /* the MADT interrupt model (lios/irq_model.h) */
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
