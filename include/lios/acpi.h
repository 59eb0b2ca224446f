/* SPDX-License-Identifier: MIT */
/*
 * ACPI basics (src/drivers/acpi/; layer 5, drivers): the RSDP handed over by the boot
 * loader, the RSDT or XSDT, and from them the FADT (8042 hint, reset register, PM timer, PM1
 * control blocks, sleep registers, the DSDT), the MADT (CPUs, the local APIC address, I/O
 * APICs, ISA interrupt source overrides, local APIC NMI inputs, whether dual 8259s are
 * present), the HPET table, the MCFG (PCI Express ECAM windows) and \_S5 from the DSDT and
 * SSDTs (a small AML reader, aml.c). Every table's checksum is verified and every field
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
 * for each table it maps: FACP, APIC, HPET, MCFG, DSDT and SSDT; others are ignored.
 * Checks the header's length against len and the checksum first. Returns 0; -EINVAL for
 * a table refused (the message says why); -ENOENT for a signature not read. Start with a
 * zeroed *info (acpi_info_init). Pure: `./lios check-machine` feeds it files. */
void acpi_info_init(struct acpi_info *info);
int acpi_parse_table(const uint8_t *t, size_t len, struct acpi_info *info);

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

/* Kernel: parse the boot loader's RSDP, print the "acpi: ..." line. Needs ioremap. */
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
