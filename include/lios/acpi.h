/* SPDX-License-Identifier: MIT */
/*
 * ACPI basics (src/drivers/acpi/; layer 5, drivers): the RSDP handed over by the boot
 * loader, the RSDT or XSDT, and from them the FADT (8042 hint, reset register, PM timer, PM1
 * control blocks, sleep registers, the DSDT), the MADT (CPUs, the local APIC address, I/O
 * APICs, ISA interrupt source overrides, local APIC NMI inputs, whether dual 8259s are
 * present), the HPET table, the MCFG (PCI Express ECAM windows), the SPCR, the DMAR (VT-d
 * remapping units), the IVRS (AMD IOMMUs), and from the DSDT and
 * SSDTs \_S5 and the PCI host bridges' root buses (a small AML reader, aml.c). Every table's checksum is verified and every field
 * read within the table's length; a table that fails is ignored with a message. Arrays
 * below are bounded: entries past their capacity are counted and reported, never written
 * out of bounds. The parsers are pure (host-built for tests and `./lios check-machine`).
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

#define ACPI_MAX_MCFG 8       /* ECAM windows kept (one per segment and bus range) */
#define ACPI_S5_PATH_MAX 48   /* "\\_SB_.PCI0._S5_" and the like, terminated */

#define ACPI_PATH_MAX 48      /* a namespace path as text, terminated */
#define ACPI_MAX_PCI_FACTS 96 /* host bridge facts kept from the AML (acpi_pci_roots.c) */
#define ACPI_MAX_PCI_ROOTS 32 /* a 2-socket server has 8-16 host bridges */

/* One PCI Express ECAM window (MCFG allocation structure). */
struct acpi_mcfg {
	uint64_t base;         /* as the table says: where bus 0's space would be, even when
				* bus_start > 0 (bus b is at base + (b << 20), as Linux reads it) */
	uint16_t segment;      /* PCI segment group */
	uint8_t bus_start, bus_end; /* decoded buses, inclusive */
};

/* The \_S5 (soft-off) sleep type values, as found by the AML reader, or why not. */
struct acpi_s5 {
	bool found;
	uint8_t slp_typ_a;     /* SLP_TYP for PM1a control (or the sleep control register) */
	uint8_t slp_typ_b;     /* SLP_TYP for PM1b control */
	char table[8];         /* where it was (found) or the last problem was: "DSDT", "SSDT2" */
	char path[ACPI_S5_PATH_MAX]; /* its namespace path, "\\_S5_" at the root */
	bool at_root;          /* found as \_S5 (a nested _S5 is used only without one) */
	bool scanned;          /* found inside a block the reader skips (If, unknown opcode) by a
				* bounded byte search rather than by the structured walk */
	const char *why;       /* !found: the reason (static text), NULL before any table */
	uint32_t why_offset;   /* !found: byte offset in 'table' the reason is about, or 0 */
};

/*
 * The SPCR (Microsoft's Serial Port Console Redirection table): the UART the firmware
 * redirects its console to, often the only one on a machine without COM1. 'why' is NULL
 * when LiOS can drive it (a 16550 at an I/O port, or in memory with 8- or 32-bit
 * registers, at a non-zero address), else the reason it cannot (static text).
 */
#define ACPI_SPCR_16550 0x00      /* interface types (DBG2 serial port subtypes) */
#define ACPI_SPCR_16450 0x01
#define ACPI_SPCR_16550_GAS 0x12
#define ACPI_SPCR_CLOCK_PC 1843200 /* the PC UART's input clock, Hz */
struct acpi_spcr {
	bool present;             /* an SPCR was read (sound length and checksum) */
	uint8_t revision;
	uint8_t interface_type;   /* ACPI_SPCR_* or another subtype */
	struct acpi_gas base;     /* as the table gives it */
	bool mmio;                /* base is memory (else an I/O port) */
	uint8_t reg_bytes;        /* register stride and access width: 1 or 4 */
	uint32_t baud;            /* the firmware's baud rate (revision 4+: the precise rate over the
				   * code); 0: "as is" (keep the divisor the firmware set) */
	uint32_t clock_hz;        /* UART input clock (revision 3+), else ACPI_SPCR_CLOCK_PC */
	uint16_t pci_vendor, pci_device; /* 0xffff: not a PCI device */
	uint8_t pci_segment, pci_bus, pci_dev, pci_fn;
	const char *why;          /* NULL: usable; else why not (static text) */
};

/*
 * What the DSDT and SSDTs say of the PCI host bridges (devices whose _HID or _CID is
 * PNP0A03 or PNP0A08), read from constant Name() objects as the tables declare them
 * (acpi_pci_roots.c), kept per device path until every table is read (a Scope() in
 * another table may add a bridge's _CRS). Read through acpi_pci_roots().
 */
enum acpi_pci_fact_kind {
	ACPI_PCI_HOST,       /* dev is a host bridge */
	ACPI_PCI_BBN,        /* _BBN = lo */
	ACPI_PCI_SEG,        /* _SEG = lo */
	ACPI_PCI_CRS_BUS,    /* _CRS's bus number range lo-hi */
	ACPI_PCI_VARIABLE,   /* _BBN or _SEG that is a method or not a constant: unknown */
};
struct acpi_pci_fact {
	char dev[ACPI_PATH_MAX];  /* the device's path, "\\_SB_.PCI0" */
	uint8_t kind;             /* enum acpi_pci_fact_kind */
	uint16_t lo, hi;
};
struct acpi_pci_facts {
	unsigned count;
	struct acpi_pci_fact fact[ACPI_MAX_PCI_FACTS];
	/* Why the tables may describe a host bridge the facts miss (NULL: they cannot): a
	 * DSDT or SSDT refused (by the AML reader, or for its length or checksum), a table
	 * that could not be read, PNP0A03/PNP0A08 met outside a Name(_HID) or Name(_CID) the
	 * walk reads (in a method's body, an If, deeper than AML_PATH_SEGS), more facts than
	 * fit. The first one, with where it was. */
	const char *doubt;
	char doubt_table[8];
	uint32_t doubt_offset;
};

/* A PCI root bus as ACPI names it. */
struct acpi_pci_root {
	char dev[ACPI_PATH_MAX];  /* the host bridge's path */
	uint16_t segment;         /* _SEG, 0 without one */
	uint8_t bus;              /* the _CRS bus range's start, else _BBN, else 0 */
	uint8_t bus_end;          /* the _CRS range's end; bus without a _CRS range */
	bool from_crs, from_bbn;  /* where bus came from (neither: the only bridge, bus 0) */
};
struct acpi_pci_roots {
	unsigned count;           /* roots listed (trusted only when why is NULL) */
	struct acpi_pci_root root[ACPI_MAX_PCI_ROOTS];
	const char *why;          /* NULL: every host bridge's root bus is known; else why not */
	char why_where[ACPI_PATH_MAX]; /* the bridge or table the reason is about, or "" */
};

/*
 * The DMAR table (Intel VT-d 8.1): the DMA remapping hardware units (DRHD structures) and
 * where their registers are. Firmware with "pre-boot DMA protection" may leave a unit
 * translating or with protected memory regions on (src/drivers/iommu/ turns them off). Only
 * the units are kept; reserved memory regions, ATSR and the rest are not read. A unit the
 * table describes badly (a register base of 0 or not 4 KiB aligned, a structure cut short)
 * is left out with a message; units past ACPI_MAX_DMAR_UNITS are counted in 'dropped'.
 */
#define ACPI_MAX_DMAR_UNITS 32    /* a 4-socket server has about 24 */
#define ACPI_DMAR_INTR_REMAP 0x01 /* table flag: the platform supports interrupt remapping */
#define ACPI_DMAR_X2APIC_OPT_OUT 0x02
#define ACPI_DMAR_DMA_CTRL_OPT_IN 0x04 /* firmware protected DMA before the OS (Windows' Kernel DMA
					* Protection) and asks the OS to keep it */
#define ACPI_DRHD_INCLUDE_PCI_ALL 0x01 /* unit flag: every device of its segment not claimed by
					* another unit */
struct acpi_dmar_unit {
	uint64_t base;            /* physical address of its 4 KiB register page */
	uint16_t segment;         /* PCI segment group */
	uint8_t flags;            /* ACPI_DRHD_* */
};
struct acpi_dmar {
	bool present;             /* a DMAR was read (sound length and checksum) */
	uint8_t host_addr_width;  /* the table's field plus 1: DMA address bits */
	uint8_t flags;            /* ACPI_DMAR_* */
	unsigned unit_count;
	struct acpi_dmar_unit unit[ACPI_MAX_DMAR_UNITS];
	unsigned bad_units;       /* DRHD structures refused (each said why) */
	unsigned dropped;         /* sound DRHDs past the array */
};

/*
 * The IVRS table (AMD I/O Virtualization Technology (IOMMU) Specification, 48882, chapter
 * 5): the AMD IOMMUs (IVHD blocks of types 0x10, 0x11 and 0x40) and where their registers
 * are. Firmware with pre-boot DMA protection may leave one translating
 * (src/drivers/iommu/ turns it off). Firmware describes each IOMMU once per IVHD type it
 * writes for older and newer systems; those blocks (the same registers, segment and
 * device) make one unit. Memory definitions (IVMD) and device entries are not read. A block
 * the table describes badly (too short, a register base of 0 or not 16 KiB aligned, a
 * base already listed for another device) is left out with a message; the blocks of
 * IOMMUs past ACPI_MAX_IVRS_UNITS are counted in 'dropped'.
 */
#define ACPI_MAX_IVRS_UNITS 32      /* Linux's limit; a 2-socket server has 8 to 16 */
#define ACPI_IVINFO_EFR_SUP 0x01    /* IVinfo: the IVHDs of type 0x11/0x40 carry the EFR */
#define ACPI_IVINFO_DMA_REMAP 0x02  /* IVinfo: firmware used the IOMMUs for pre-boot DMA
				     * protection */
#define ACPI_IVHD_TYPE_10 0x01      /* acpi_ivrs_unit.types: listed by an IVHD of type 0x10 */
#define ACPI_IVHD_TYPE_11 0x02      /* ... of type 0x11 */
#define ACPI_IVHD_TYPE_40 0x04      /* ... of type 0x40 */
struct acpi_ivrs_unit {
	uint64_t base;            /* physical address of its registers (16 KiB and more) */
	uint16_t segment;         /* PCI segment group */
	uint16_t devid;           /* the IOMMU's own PCI function: bus << 8 | dev << 3 | fn */
	uint8_t types;            /* ACPI_IVHD_TYPE_*: the blocks that describe it */
};
struct acpi_ivrs {
	bool present;             /* an IVRS was read (sound length and checksum) */
	uint32_t ivinfo;          /* IVinfo as given: ACPI_IVINFO_*, address sizes */
	unsigned unit_count;
	struct acpi_ivrs_unit unit[ACPI_MAX_IVRS_UNITS];
	unsigned bad_units;       /* IVHD blocks refused (each said why) */
	unsigned dropped;         /* sound IVHD blocks of IOMMUs past the array */
};

struct acpi_info {
	bool present;          /* a valid RSDP and root table were found */
	uint8_t revision;      /* RSDP revision: 0 = ACPI 1.0 (RSDT), 2+ = XSDT */
	char oem_id[7];
	unsigned tables;       /* tables listed by the root table */
	unsigned bad_tables;   /* refused: a bad checksum or size, or not mappable */
	bool have_fadt;          /* have the MADT: madt.present */
	bool i8042_flag_valid; /* the FADT is new enough to carry IAPC_BOOT_ARCH */
	bool i8042_present;    /* IAPC_BOOT_ARCH bit 1 (only a hint: firmware gets it wrong) */
	bool no_cmos_rtc;      /* IAPC_BOOT_ARCH bit 5, "CMOS RTC not present" (FADT 5+) */
	uint8_t rtc_century;   /* FADT CENTURY: CMOS index of the RTC's century; 0 = none */
	bool reset_supported;  /* FADT RESET_REG_SUP */
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	unsigned cpu_count;    /* enabled or online-capable processors in the MADT; 0 = unknown */
	struct irq_model madt;    /* the MADT interrupt model (lios/irq_model.h) */
	/* FADT power management (have_fadt). A register whose address is 0 is absent; the
	 * 64-bit X_ field is used when the FADT is long enough and it is non-zero, else the
	 * ACPI 1.0 I/O port block, presented as a GAS. Hardware-reduced ACPI has no PM1, GPE or
	 * PM timer block and no SMI_CMD: those fields stay zero (ACPI 6.5 5.2.9). */
	uint8_t fadt_revision;
	uint32_t fadt_length;     /* bytes: 116 = ACPI 1.0, 244 = 2.0-4.0, 276 = 5.0+ */
	bool hw_reduced;          /* HW_REDUCED_ACPI: no PM1/PM timer, sleep registers instead */
	uint64_t dsdt_address;    /* physical, X_DSDT preferred; 0 = none */
	uint32_t smi_cmd;         /* I/O port that switches to ACPI mode; 0 = always in it */
	uint8_t acpi_enable;      /* value for smi_cmd */
	uint16_t sci_int;         /* SCI_INT: the SCI's ISA line (8259) or GSI (I/O APIC) */
	bool pwr_button_cm;       /* flag PWR_BUTTON: the power button is a control-method
				   * device (AML), not the fixed feature in PM1 */
	struct acpi_gas pm1a_cnt, pm1b_cnt; /* PM1 control registers (SLP_TYP, SLP_EN, SCI_EN) */
	/* PM1 event blocks (status in the first half, enable in the second: pm1_evt_len bytes)
	 * and the general-purpose event blocks (status bytes, then as many enable bytes), as
	 * the FADT gives them; a poweroff quiets them (acpi_s5_plan) */
	struct acpi_gas pm1a_evt, pm1b_evt, gpe0, gpe1;
	uint8_t pm1_evt_len, gpe0_len, gpe1_len;
	struct acpi_gas pm_timer; /* the 3.579545 MHz ACPI PM timer */
	uint8_t pm_timer_bits;    /* 24, or 32 with TMR_VAL_EXT; 0 when there is no PM timer */
	struct acpi_gas sleep_control, sleep_status; /* hardware-reduced ACPI (FADT 5.0+) */
	/* HPET table. */
	bool have_hpet;
	uint64_t hpet_address;    /* physical MMIO base of the event timer block */
	uint8_t hpet_number;      /* HPET sequence number */
	bool hpet_64bit;          /* COUNT_SIZE_CAP: the main counter is 64 bits wide */
	uint8_t hpet_comparators; /* number of comparators (timers) */
	uint16_t hpet_min_tick;   /* main counter minimum clock tick in periodic mode, ticks */
	/* MCFG: PCI Express enhanced configuration (ECAM) windows. */
	bool have_mcfg;
	unsigned mcfg_count;
	struct acpi_mcfg mcfg[ACPI_MAX_MCFG];
	unsigned mcfg_bad_entries; /* windows refused (bus_end < bus_start) or past capacity */
	/* AML tables and \_S5. */
	bool have_dsdt;
	unsigned ssdt_count;      /* SSDTs read (SSDT1, SSDT2, ... in their order) */
	struct acpi_s5 s5;
	struct acpi_pci_facts pci;  /* host bridges (acpi_pci_roots.c) */
	/* SPCR: the firmware's console UART (acpi_spcr.c). */
	struct acpi_spcr spcr;
	/* DMAR: the VT-d remapping units (acpi_dmar.c). */
	struct acpi_dmar dmar;
	/* IVRS: the AMD IOMMUs (acpi_ivrs.c). */
	struct acpi_ivrs ivrs;
};

/*
 * How the parser reaches physical memory: map len bytes at phys and return a pointer, or
 * NULL; unmap releases it. The kernel maps through ioremap, host tests pass plain pointers.
 */
struct acpi_os {
	const void *(*map)(paddr_t phys, size_t len);
	void (*unmap)(const void *p, size_t len);
};

/* Parses everything reachable from the RSDP copy (rsdp_len bytes) into *info: the tables
 * the root table lists, then the DSDT the FADT names. Never fails hard: a missing or broken
 * piece is reported with printk and left out. Pure. */
void acpi_parse(const uint8_t *rsdp, size_t rsdp_len, const struct acpi_os *os,
		struct acpi_info *info);

/* Parses one table given as bytes (len bytes readable at t) into *info, as acpi_parse does
 * for each table it maps: FACP, APIC, HPET, MCFG, SPCR, DMAR, IVRS, DSDT and SSDT; others are
 * ignored.
 * Checks the header's length against len and the checksum first. Returns 0; -EINVAL for
 * a table refused (the message says why); -ENOENT for a signature not read. Start with a
 * zeroed *info (acpi_info_init). Pure: `./lios check-machine` feeds it files. */
void acpi_info_init(struct acpi_info *info);
int acpi_parse_table(const uint8_t *t, size_t len, struct acpi_info *info);

/* The PCI root buses the AML names, sorted by segment and bus, from info->pci: every host
 * bridge's _CRS bus range start, else its constant _BBN (Linux's order), on its _SEG; a
 * lone bridge with neither starts at bus 0. roots->why says when the list cannot be
 * trusted (no host bridge found, a bridge whose bus or segment is only computed, doubt
 * about the tables, more roots than fit): then the caller finds roots another way. Pure. */
void acpi_pci_roots(const struct acpi_info *info, struct acpi_pci_roots *roots);

/* How \_S5 would be entered: the registers and the values written, worked out from *info
 * (pure, so `check-machine` prints exactly what acpi_poweroff does). Legacy ACPI: SLP_TYPa
 * then SLP_TYPb written, then the same with SLP_EN; hardware-reduced: the sleep control
 * register. */
struct acpi_sleep_write {
	struct acpi_gas reg;   /* address 0: not used */
	unsigned width;        /* access width, bits (8 or 16) */
	uint16_t keep_mask;    /* bits of the old value kept (read-modify-write); 0 = plain write */
	uint16_t value;        /* SLP_TYP in place, without SLP_EN */
	uint16_t enable;       /* the SLP_EN bit */
};
/* A block of bytes the poweroff writes before the sleep registers (see acpi_s5_plan). */
struct acpi_quiet_write {
	struct acpi_gas reg;   /* the block's start */
	uint8_t offset;        /* first byte written, from the block's start */
	uint8_t count;         /* accesses, one after the other from there... */
	unsigned width;        /* ...of this many bits each (8 or 16)... */
	uint16_t value;        /* ...each writing this value */
};
#define ACPI_QUIET_WRITES 7

struct acpi_sleep_plan {
	const char *why;       /* NULL when S5 can be entered, else the reason */
	bool hw_reduced;
	struct acpi_sleep_write a, b; /* PM1a and PM1b control, or the sleep control in a */
	/* Before them, in this order, so that an event already pending does not turn the
	 * power-off into a power-on (ACPI 6.x 7.4.2 leaves it to the OS; Linux does the same):
	 * every GPE enable byte 0, every GPE status byte 0xff (write 1 to clear), the PM1
	 * status registers' fixed wake and event bits cleared, or on hardware-reduced ACPI the
	 * sleep status register's WAK_STS. A block in another address space, or of an odd
	 * length, is left alone. */
	struct acpi_quiet_write quiet[ACPI_QUIET_WRITES];
	unsigned nquiet;
};
void acpi_s5_plan(const struct acpi_info *info, struct acpi_sleep_plan *plan);

/*
 * The fixed-feature power button through the SCI (ACPI 6.x 4.8.2.2.1): the pure half is
 * acpi_sci.c (what to enable, decoding PM1 status, storm detection), the kernel half
 * acpi_button.c. PM1 status and enable bits that can raise the SCI (tables 4.11, 4.12;
 * status: write 1 to clear).
 */
#define ACPI_PM1_TMR (1u << 0)
#define ACPI_PM1_GBL (1u << 5)
#define ACPI_PM1_PWRBTN (1u << 8)
#define ACPI_PM1_SLPBTN (1u << 9)
#define ACPI_PM1_RTC (1u << 10)
#define ACPI_PM1_SCI_EVENTS                                                                \
	(ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | ACPI_PM1_SLPBTN | ACPI_PM1_RTC)
#define ACPI_PM1_EN_PCIEXP_WAKE_DIS (1u << 14) /* an enable register bit that disables */
#define ACPI_BUTTON_GPE_WRITES 4
#define ACPI_SCI_STORM_LIMIT 100   /* SCIs within ACPI_SCI_STORM_WINDOW_MS that mask it */
#define ACPI_SCI_STORM_WINDOW_MS 1000

struct acpi_button_plan {
	const char *why;          /* NULL: the button can be enabled; else why not (static) */
	unsigned sci;             /* the ISA line the SCI arrives on (SCI_INT) */
	uint16_t flags;           /* ACPI_MPS_* trigger and polarity, never "conforms" */
	bool madt_override;       /* the flags come from the MADT's override for the line */
	struct acpi_gas pm1[2];   /* PM1a and PM1b event blocks (address 0: none) */
	uint8_t enable_offset;    /* bytes from an event block's start to its enable half */
	/* every GPE enable byte 0, then every GPE status byte cleared: LiOS runs no AML, so
	 * no GPE may hold a level-triggered SCI asserted (a block in another space, or of
	 * odd length, is left alone) */
	struct acpi_quiet_write gpe[ACPI_BUTTON_GPE_WRITES];
	unsigned ngpe;
};
/* What enabling the fixed power button takes, from *info: why not (no FADT,
 * hardware-reduced ACPI, a control-method button, an SCI that is not ISA line 1-15 other
 * than 2, no usable PM1 event block), else the line, its trigger and polarity (the MADT
 * override's, "conforms" read as level / active low as for the SCI; level / active low
 * without one), the PM1 event blocks and the GPE writes. Pure. */
void acpi_button_plan(const struct acpi_info *info, struct acpi_button_plan *plan);
/* Make *model route the SCI as plan says: the override for plan->sci gets plan->flags, or
 * one is added (GSI = the line) when the MADT has none; without a MADT (the 8259s) the
 * line is marked level in model->isa_level. Returns 0, or -ENOSPC when the override table
 * is full. Before irq_init. Pure. */
int acpi_sci_model(struct irq_model *model, const struct acpi_button_plan *plan);

/* One SCI's PM1 work, from the status and enable registers of PM1a [0] and PM1b [1]. */
struct acpi_sci_events {
	uint16_t clear[2];        /* status bits to write back (1 clears): set and enabled */
	bool button;              /* PWRBTN_STS was set and enabled */
	bool unclaimed;           /* nothing set and enabled: nothing to service */
};
void acpi_sci_decode(const uint16_t sts[2], const uint16_t en[2], struct acpi_sci_events *ev);

/* Storm detection: acpi_sci_storm_note() is called for every SCI, claimed or not (a stuck
 * status bit is a storm too; the button's own SCIs come a few a second at most); it
 * returns true once, on the first SCI past ACPI_SCI_STORM_LIMIT within one window of
 * ACPI_SCI_STORM_WINDOW_MS (a window starts at the first SCI after the last one ended).
 * Start zeroed. Pure. */
struct acpi_sci_storm {
	uint64_t window_start_ms;
	unsigned count;           /* SCIs in the current window */
	bool tripped;             /* reported: never again */
};
bool acpi_sci_storm_note(struct acpi_sci_storm *s, uint64_t now_ms);

/* Kernel: switch to ACPI mode and enable the fixed power button as acpi_button_plan
 * says, printing "acpi: power button: ..." with the line, or why not. Returns 0 or a
 * negative error. Boot, once, after irq_init. */
int acpi_button_init(void);
/* Whether the power button was pressed since the last call (and forget it): the SCI
 * handler only records the press. Any context. */
bool acpi_button_take(void);
/* Whether a press waits for acpi_button_take(). Any context, interrupts off too. */
bool acpi_button_pending(void);

/* Kernel: parse the boot loader's RSDP, print the "acpi: ..." line, and give the SCI's
 * line its trigger and polarity in the MADT model. Needs ioremap; before irq_init. */
int acpi_init(const struct bootinfo *bi);
const struct acpi_info *acpi_get_info(void);
/* Write the FADT reset value to the reset register. On success the machine resets and
 * this does not return; else -ENODEV (no reset register), -ENOTSUP (in an address space
 * LiOS does not write: nothing tried), -ENOMEM (cannot be mapped: nothing tried) or -EIO
 * (written, and the machine still runs: a broken firmware). */
int acpi_reset(void);
/* Pure: why the machine still runs after acpi_reset() returned err, for the reboot log
 * ("no ACPI reset register", "... not tried", "ACPI reset did not happen"). */
const char *acpi_reset_why(int err);
/* Enter S5 (soft off) as acpi_s5_plan says. Returns -ENODEV (with the reason printed)
 * when S5 cannot be entered; on success the machine powers off and this does not return
 * (it returns -EIO when the machine is still running a moment later). Interrupts are
 * disabled on the way. Any context after acpi_init. */
int acpi_poweroff(void);
/* Whether acpi_poweroff would try S5 (the tables describe it). Any context after acpi_init. */
bool acpi_can_poweroff(void);

#endif
