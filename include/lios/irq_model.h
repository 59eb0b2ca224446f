/* SPDX-License-Identifier: MIT */
/*
 * The machine's interrupt model as the firmware describes it (layer: base: a plain
 * description, filled by the ACPI driver from the MADT, handed by kmain to irq_init() in
 * arch; neither side includes the other). CPUs and their local APIC IDs, the local APIC
 * address, I/O APICs, ISA interrupt source overrides, local APIC NMI inputs, and whether
 * dual 8259s are present. Arrays are bounded: entries past their capacity are counted in
 * bad_entries, never written out of bounds.
 */
#ifndef LIOS_IRQ_MODEL_H
#define LIOS_IRQ_MODEL_H

#include <lios/compiler.h>

#define ACPI_MAX_CPUS 64      /* processor UID -> APIC ID pairs kept (Local APIC, x2APIC) */
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16 /* one per ISA line is the most a sane MADT has */
#define ACPI_MAX_LAPIC_NMIS 8
#define ACPI_ISA_IRQS 16      /* source range of an interrupt source override (bus 0, ISA) */
/* An NMI entry for every processor: a Local x2APIC NMI entry's UID 0xffffffff, and a
 * Local APIC NMI entry's 0xff, recorded as the same. */
#define ACPI_UID_ALL 0xffffffff

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
	uint32_t uid;          /* ACPI processor UID (8 bits in a Local APIC entry) */
	uint32_t apic_id;      /* its local APIC ID (x2APIC ID: 32 bits) */
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

/* A local APIC LINT input wired to NMI (a Local APIC NMI or a Local x2APIC NMI entry). */
struct acpi_lapic_nmi {
	uint32_t uid;          /* processor UID, ACPI_UID_ALL = every processor */
	uint8_t lint;          /* 0 = LINT0, 1 = LINT1 */
	uint16_t flags;        /* ACPI_MPS_* polarity and trigger */
};

struct irq_model {
	bool present;             /* a MADT was found; nothing below is meaningful without it */
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
	unsigned bad_entries;     /* malformed, out-of-range or excess entries ignored */
	bool truncated;           /* an entry ran past the table or had a length < 2: the walk
				   * stopped there, later entries are unknown */
	/* Meaningful with or without a MADT: ISA lines ACPI knows to be level-triggered on
	 * the 8259s (the SCI, which the specification makes level / active low), bit n line n.
	 * Without a MADT there are no overrides to say so. */
	uint16_t isa_level;
};

#endif
