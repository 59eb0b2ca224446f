// SPDX-License-Identifier: MIT
/*
 * The fixed-layout tables: the FADT (8042 hint, reset register, PM timer, PM1 event and
 * control blocks, GPE blocks, hardware-reduced flag and sleep registers, the DSDT address,
 * the RTC's century register and "CMOS RTC not present"), the HPET table and
 * the MCFG (PCI Express ECAM windows). Pure: tables arrive checked (length, checksum) from
 * acpi_tables.c; every field is read only when the table's length covers it, so an old
 * or short FADT simply lacks the newer fields. A table too short to mean anything is
 * refused with a message and counted in bad_tables.
 *
 * Register choice follows the specification: a 64-bit X_ field (a Generic Address
 * Structure) wins when the FADT carries it with a non-zero address, else the ACPI 1.0
 * 32-bit I/O port block is presented as an I/O-space GAS of the block's stated length.
 * A hardware-reduced FADT has none of these blocks (nor SMI_CMD, SCI_INT or the power
 * button flag): they are left zero.
 */
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "acpi_internal.h"

/* FADT byte offsets (ACPI 6.x table 5.9). */
#define FADT_DSDT 40               /* 32-bit physical address */
#define FADT_SCI_INT 46            /* 2 bytes: ISA line (8259) or GSI of the SCI */
#define FADT_SMI_CMD 48            /* I/O port, 4 bytes */
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_EVT_BLK 56       /* I/O port, 4 bytes */
#define FADT_PM1B_EVT_BLK 60
#define FADT_PM1A_CNT_BLK 64
#define FADT_PM1B_CNT_BLK 68
#define FADT_PM_TMR_BLK 76
#define FADT_GPE0_BLK 80
#define FADT_GPE1_BLK 84
#define FADT_PM1_EVT_LEN 88        /* bytes */
#define FADT_PM1_CNT_LEN 89
#define FADT_PM_TMR_LEN 91
#define FADT_GPE0_BLK_LEN 92
#define FADT_GPE1_BLK_LEN 93
#define FADT_CENTURY 108          /* CMOS index of the RTC's century register, 0 = none */
#define FADT_IAPC_BOOT_ARCH 109
#define IAPC_8042 (1u << 1)
#define IAPC_CMOS_RTC_NOT_PRESENT (1u << 5) /* defined from ACPI 5.0 (FADT revision 5) */
#define FADT_FLAGS 112
#define FADT_FLAG_PWR_BUTTON (1u << 4) /* the power button is a control-method device */
#define FADT_FLAG_TMR_VAL_EXT (1u << 8)
#define FADT_FLAG_RESET_REG_SUP (1u << 10)
#define FADT_FLAG_HW_REDUCED_ACPI (1u << 20)
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_X_DSDT 140            /* 64-bit physical address */
#define FADT_X_PM1A_EVT_BLK 148    /* GAS */
#define FADT_X_PM1B_EVT_BLK 160
#define FADT_X_PM1A_CNT_BLK 172
#define FADT_X_PM1B_CNT_BLK 184
#define FADT_X_PM_TMR_BLK 208
#define FADT_X_GPE0_BLK 220
#define FADT_X_GPE1_BLK 232
#define FADT_SLEEP_CONTROL_REG 244 /* GAS, ACPI 5.0 */
#define FADT_SLEEP_STATUS_REG 256
#define FADT_V1_LEN 116            /* the ACPI 1.0 FADT ends before RESET_REG */
#define FADT_MIN_LEN_RESET 129     /* ACPI 2.0 layout up to the reset value */
#define FADT_MIN_REV_BOOT_ARCH 3   /* IAPC_BOOT_ARCH exists from FADT revision 3 */
#define FADT_MIN_REV_NO_CMOS_RTC 5 /* its bit 5 was reserved before ACPI 5.0 */
#define PM_TIMER_BITS 24
#define PM_TIMER_BITS_EXT 32

/* HPET description table (IA-PC HPET specification 1.0a, section 3.2.4). */
#define HPET_EVENT_TIMER_BLOCK_ID 36
#define HPET_ID_NUM_COMPARATORS_SHIFT 8   /* bits 12-8: comparators - 1 */
#define HPET_ID_NUM_COMPARATORS_MASK 0x1f
#define HPET_ID_COUNT_SIZE_CAP (1u << 13) /* 64-bit main counter */
#define HPET_BASE_ADDRESS 40              /* GAS, system memory */
#define HPET_NUMBER 52
#define HPET_MIN_TICK 53                  /* 2 bytes */
#define HPET_TABLE_LEN 56

/* MCFG (PCI Firmware Specification 3.2, section 4.1.2). */
#define MCFG_ENTRIES 44                   /* after the header and 8 reserved bytes */
#define MCFG_ENTRY_LEN 16                 /* base (8), segment (2), start bus, end bus, 4 reserved */

/* The ranges the kernel's accessors reach (arch_pio_*, arch_pci_config_write8). */
#define IO_PORTS 0x10000ull
#define PCI_CFG_DEVICES 32u
#define PCI_CFG_FUNCTIONS 8u
#define PCI_CFG_BYTES 256u

static bool covers(uint32_t len, uint32_t off, uint32_t size) { return len >= off && len - off >= size; }

/* acpi_gas_fits - see acpi_internal.h. */
bool acpi_gas_fits(const struct acpi_gas *g, uint64_t offset, uint64_t bytes)
{
	uint64_t a = g->address, dev = a >> 32 & 0xffff, fn = a >> 16 & 0xffff, reg = a & 0xffff;

	if (offset > UINT64_MAX - bytes)
		return false;
	switch (g->space) {
	case ACPI_SPACE_IO:
		return a <= IO_PORTS && offset + bytes <= IO_PORTS - a;
	case ACPI_SPACE_PCI_CONFIG:
		return !(a >> 48) && dev < PCI_CFG_DEVICES && fn < PCI_CFG_FUNCTIONS &&
		       reg < PCI_CFG_BYTES && offset + bytes <= PCI_CFG_BYTES - reg;
	case ACPI_SPACE_MEMORY:
		return offset + bytes <= UINT64_MAX - a;
	default:
		return false;
	}
}

/* Sets *out from the X_ GAS at xoff when present and non-zero, else from the 32-bit port
 * at off32 whose block length (bytes) is the byte at len_off. */
static void fadt_register(const uint8_t *t, uint32_t len, uint32_t xoff, uint32_t off32,
			  uint32_t len_off, struct acpi_gas *out)
{
	uint32_t port = 0;

	memset(out, 0, sizeof(*out));
	if (covers(len, xoff, sizeof(*out)))
		memcpy(out, t + xoff, sizeof(*out));
	if (out->address)
		return;
	if (covers(len, off32, 4))
		memcpy(&port, t + off32, 4);
	if (!port)
		return;
	out->space = ACPI_SPACE_IO;
	out->bit_width = covers(len, len_off, 1) ? (uint8_t)(t[len_off] * 8) : 0;
	out->address = port;
}

/* The reset register and value of a FADT long enough to hold them (its flags say it has
 * one): kept unless its address is 0, or a truncated access would reach another port or
 * device. */
static void fadt_reset_register(const uint8_t *t, struct acpi_info *info)
{
	memcpy(&info->reset_reg, t + FADT_RESET_REG, sizeof(info->reset_reg));
	info->reset_value = t[FADT_RESET_VALUE];
	info->reset_supported = info->reset_reg.address != 0;
	/* truncated, it would reach another port or device: not written at all (a space the
	 * kernel does not write at all is acpi_reset's to refuse, saying so) */
	if (info->reset_supported && info->reset_reg.space <= ACPI_SPACE_PCI_CONFIG &&
	    !acpi_gas_fits(&info->reset_reg, 0, 1)) {
		printk(KERN_WARN "acpi: FADT reset register (space %u, %#llx) lies outside "
		       "its address space, not used\n", info->reset_reg.space,
		       (unsigned long long)info->reset_reg.address);
		info->reset_supported = false;
	}
}

/* The fixed hardware fields of a FADT that is not hardware-reduced (t: len bytes, at least
 * ACPI 1.0's; flags: its flags): the RTC's CENTURY index, the SMI command port and its
 * ACPI_ENABLE value, the SCI, the power button's model, and the PM1, GPE and PM timer
 * blocks (X_ blocks when present). */
static void fadt_fixed_hardware(const uint8_t *t, uint32_t len, uint32_t flags,
				struct acpi_info *info)
{
	info->rtc_century = t[FADT_CENTURY];
	memcpy(&info->smi_cmd, t + FADT_SMI_CMD, 4);
	info->acpi_enable = t[FADT_ACPI_ENABLE];
	memcpy(&info->sci_int, t + FADT_SCI_INT, 2);
	info->pwr_button_cm = flags & FADT_FLAG_PWR_BUTTON;
	if (info->smi_cmd >= IO_PORTS) { /* an I/O port: cut to 16 bits it is another one */
		printk(KERN_WARN "acpi: FADT SMI command port %#x is not an I/O port, not used\n",
		       info->smi_cmd);
		info->smi_cmd = 0;
	}
	fadt_register(t, len, FADT_X_PM1A_EVT_BLK, FADT_PM1A_EVT_BLK, FADT_PM1_EVT_LEN, &info->pm1a_evt);
	fadt_register(t, len, FADT_X_PM1B_EVT_BLK, FADT_PM1B_EVT_BLK, FADT_PM1_EVT_LEN, &info->pm1b_evt);
	fadt_register(t, len, FADT_X_GPE0_BLK, FADT_GPE0_BLK, FADT_GPE0_BLK_LEN, &info->gpe0);
	fadt_register(t, len, FADT_X_GPE1_BLK, FADT_GPE1_BLK, FADT_GPE1_BLK_LEN, &info->gpe1);
	info->pm1_evt_len = t[FADT_PM1_EVT_LEN]; /* the lengths hold for the X_ blocks too */
	info->gpe0_len = t[FADT_GPE0_BLK_LEN];
	info->gpe1_len = t[FADT_GPE1_BLK_LEN];
	fadt_register(t, len, FADT_X_PM1A_CNT_BLK, FADT_PM1A_CNT_BLK, FADT_PM1_CNT_LEN, &info->pm1a_cnt);
	fadt_register(t, len, FADT_X_PM1B_CNT_BLK, FADT_PM1B_CNT_BLK, FADT_PM1_CNT_LEN, &info->pm1b_cnt);
	fadt_register(t, len, FADT_X_PM_TMR_BLK, FADT_PM_TMR_BLK, FADT_PM_TMR_LEN, &info->pm_timer);
	if (info->pm_timer.address)
		info->pm_timer_bits = flags & FADT_FLAG_TMR_VAL_EXT ? PM_TIMER_BITS_EXT : PM_TIMER_BITS;
}

/* The FADT: see the top comment. Refused below the ACPI 1.0 length, where not even the
 * PM blocks are all there. */
int acpi_parse_fadt(const uint8_t *t, uint32_t len, struct acpi_info *info)
{
	const struct sdt_header *h = (const void *)t;
	uint32_t flags = 0, dsdt32 = 0;
	uint64_t xdsdt = 0;
	uint16_t boot_arch = 0;

	if (len < FADT_V1_LEN) {
		printk(KERN_WARN "acpi: FADT is %u bytes, shorter than ACPI 1.0's %u, ignored\n", len,
		       FADT_V1_LEN);
		info->bad_tables++;
		return -EINVAL;
	}
	info->have_fadt = true;
	info->fadt_revision = h->revision;
	info->fadt_length = len;
	memcpy(&flags, t + FADT_FLAGS, 4);
	if (h->revision >= FADT_MIN_REV_BOOT_ARCH) {
		memcpy(&boot_arch, t + FADT_IAPC_BOOT_ARCH, 2);
		info->i8042_flag_valid = true;
		info->i8042_present = boot_arch & IAPC_8042;
		info->no_cmos_rtc = h->revision >= FADT_MIN_REV_NO_CMOS_RTC &&
				    (boot_arch & IAPC_CMOS_RTC_NOT_PRESENT);
	}
	if ((flags & FADT_FLAG_RESET_REG_SUP) && len >= FADT_MIN_LEN_RESET)
		fadt_reset_register(t, info);
	memcpy(&dsdt32, t + FADT_DSDT, 4);
	if (covers(len, FADT_X_DSDT, 8))
		memcpy(&xdsdt, t + FADT_X_DSDT, 8);
	info->dsdt_address = xdsdt ? xdsdt : dsdt32;
	info->hw_reduced = flags & FADT_FLAG_HW_REDUCED_ACPI;
	if (covers(len, FADT_SLEEP_STATUS_REG, sizeof(struct acpi_gas))) {
		memcpy(&info->sleep_control, t + FADT_SLEEP_CONTROL_REG, sizeof(struct acpi_gas));
		memcpy(&info->sleep_status, t + FADT_SLEEP_STATUS_REG, sizeof(struct acpi_gas));
	}
	/* ACPI 6.5 5.2.9: on hardware-reduced ACPI the OS ignores the fixed hardware fields
	 * (offsets 46-108 and 148-232): whatever firmware left there is not a PM timer, PM1
	 * or GPE block, nor an SMI command port, nor the RTC's CENTURY index (at 108). */
	if (!info->hw_reduced)
		fadt_fixed_hardware(t, len, flags, info);
	return 0;
}

/* The HPET table: one event timer block in system memory. */
int acpi_parse_hpet(const uint8_t *t, uint32_t len, struct acpi_info *info)
{
	struct acpi_gas base;
	uint32_t id;

	if (len < HPET_TABLE_LEN) {
		printk(KERN_WARN "acpi: HPET table is %u bytes, %u expected, ignored\n", len, HPET_TABLE_LEN);
		info->bad_tables++;
		return -EINVAL;
	}
	memcpy(&base, t + HPET_BASE_ADDRESS, sizeof(base));
	if (base.space != ACPI_SPACE_MEMORY || !base.address) {
		printk(KERN_WARN "acpi: HPET table gives no memory address (space %u, %#llx), ignored\n",
		       base.space, (unsigned long long)base.address);
		info->bad_tables++;
		return -EINVAL;
	}
	memcpy(&id, t + HPET_EVENT_TIMER_BLOCK_ID, 4);
	info->have_hpet = true;
	info->hpet_address = base.address;
	info->hpet_number = t[HPET_NUMBER];
	info->hpet_64bit = id & HPET_ID_COUNT_SIZE_CAP;
	info->hpet_comparators =
		(uint8_t)(((id >> HPET_ID_NUM_COMPARATORS_SHIFT) & HPET_ID_NUM_COMPARATORS_MASK) + 1);
	memcpy(&info->hpet_min_tick, t + HPET_MIN_TICK, 2);
	return 0;
}

/* The MCFG: a list of ECAM windows. A window whose bus range is reversed is refused, a
 * table whose length leaves a partial entry has that tail ignored; both are reported. */
int acpi_parse_mcfg(const uint8_t *t, uint32_t len, struct acpi_info *info)
{
	uint32_t n;

	if (len < MCFG_ENTRIES) {
		printk(KERN_WARN "acpi: MCFG is %u bytes, shorter than its header, ignored\n", len);
		info->bad_tables++;
		return -EINVAL;
	}
	info->have_mcfg = true;
	n = (len - MCFG_ENTRIES) / MCFG_ENTRY_LEN;
	if ((len - MCFG_ENTRIES) % MCFG_ENTRY_LEN)
		printk(KERN_WARN "acpi: MCFG has %u bytes after its %u entries, ignored\n",
		       (len - MCFG_ENTRIES) % MCFG_ENTRY_LEN, n);
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = t + MCFG_ENTRIES + i * MCFG_ENTRY_LEN;
		struct acpi_mcfg m = {.bus_start = e[10], .bus_end = e[11]};

		memcpy(&m.base, e, 8);
		memcpy(&m.segment, e + 8, 2);
		if (m.bus_end < m.bus_start || !m.base) {
			printk(KERN_WARN "acpi: MCFG entry %u (base %#llx, buses %u-%u) is invalid, ignored\n",
			       i, (unsigned long long)m.base, m.bus_start, m.bus_end);
			info->mcfg_bad_entries++;
		} else if (info->mcfg_count >= ACPI_MAX_MCFG) {
			printk(KERN_WARN "acpi: MCFG entry %u is one window too many, ignored\n", i);
			info->mcfg_bad_entries++;
		} else {
			info->mcfg[info->mcfg_count++] = m;
		}
	}
	return 0;
}

/* See <lios/acpi.h>. Only -EIO means the register was written; the other errors come
 * before any write, and the log must not claim a reset was attempted. */
const char *acpi_reset_why(int err)
{
	switch (err) {
	case -ENODEV:
		return "no ACPI reset register";
	case -ENOTSUP:
		return "ACPI reset register in an unsupported address space: not tried";
	case -ENOMEM:
		return "ACPI reset register could not be mapped: not tried";
	default:
		return "ACPI reset did not happen";
	}
}
