// SPDX-License-Identifier: MIT
/*
 * ACPI in the kernel: parse the tables the boot loader pointed at (the RSDP copy in struct
 * bootinfo), reaching them through ioremap (they may lie above the 2 GiB direct map; the
 * DSDT and SSDTs are read for \_S5 in place, mapped, never copied), print the summary
 * lines, and carry out the two ways of leaving: the FADT reset register (`reboot`) and S5
 * soft off (`poweroff`, as acpi_s5_plan() in acpi_sleep.c works it out). Runs after the
 * memory stack; before it, or without ACPI, everything here reports "absent".
 */
#include <lios/acpi.h>
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/paging.h>
#include <lios/panic.h>
#include <lios/printk.h>
#include <lios/time.h>
#include <lios/vmalloc.h>
#include "acpi_internal.h"

#define PM1_CNT_SCI_EN (1u << 0)        /* ACPI mode: set by firmware after ACPI_ENABLE */
#define ACPI_ENABLE_WAIT_MS 3000        /* ACPI 6.x 4.8.2.1.1: firmware may take a while */
#define POWEROFF_WAIT_MS 1000           /* the power goes within microseconds; be patient */
#define ACPI_RESET_WAIT_MS 100          /* the reset reaches the chipset within microseconds */

static struct acpi_info acpi;

/* Tables are memory, but firmware may keep them in a reserved range the direct map maps
 * uncached (SeaBIOS does), or across RAM and such a range: each page with the direct
 * map's type, never a second one. */
static const void *kernel_map(paddr_t phys, size_t len) { return ioremap_firmware(phys, len); }
static void kernel_unmap(const void *p, size_t len) { iounmap((void *)p); }

static const struct acpi_os kernel_os = {kernel_map, kernel_unmap};

static const char *space_name(uint8_t space)
{
	return space == ACPI_SPACE_IO ? "io" : space == ACPI_SPACE_MEMORY ? "mmio" : "space?";
}

/* "acpi: PM timer io 0x608 24-bit, HPET 0xfed00000 64-bit 3 timers, ECAM 0xb0000000 buses 0-255",
 * on serial and in dmesg only: the timer: and pci: lines say what came of them on screen. */
static void print_clocks_and_pci(void)
{
	char pm[48] = "no PM timer", hpet[64] = "no HPET", ecam[64] = "no MCFG";

	if (acpi.pm_timer_bits)
		ksnprintf(pm, sizeof(pm), "PM timer %s %#llx %u-bit", space_name(acpi.pm_timer.space),
			  (unsigned long long)acpi.pm_timer.address, acpi.pm_timer_bits);
	if (acpi.have_hpet)
		ksnprintf(hpet, sizeof(hpet), "HPET %#llx %s-bit %u timers",
			  (unsigned long long)acpi.hpet_address, acpi.hpet_64bit ? "64" : "32",
			  acpi.hpet_comparators);
	if (acpi.mcfg_count)
		ksnprintf(ecam, sizeof(ecam), "ECAM %#llx buses %u-%u%s",
			  (unsigned long long)acpi.mcfg[0].base, acpi.mcfg[0].bus_start,
			  acpi.mcfg[0].bus_end, acpi.mcfg_count > 1 ? " (and more)" : "");
	printk(KERN_DEBUG "acpi: %s, %s, %s\n", pm, hpet, ecam);
}

/* "acpi: S5 SLP_TYP 0/0 (\_S5_ in DSDT) via PM1a_CNT io 0x604" on serial and in dmesg
 * only (the registers), or why not on screen too (poweroff will not work). */
static void print_s5(void)
{
	struct acpi_sleep_plan plan;

	acpi_s5_plan(&acpi, &plan);
	if (plan.why) {
		printk("acpi: S5 unavailable: %s%s%s%s\n", plan.why, acpi.s5.why ? " (" : "",
		       acpi.s5.why ? acpi.s5.why : "", acpi.s5.why ? ")" : "");
		return;
	}
	printk(KERN_DEBUG "acpi: S5 SLP_TYP %u/%u (%s in %s) via %s %s %#llx\n", acpi.s5.slp_typ_a,
	       acpi.s5.slp_typ_b, acpi.s5.path, acpi.s5.table,
	       plan.hw_reduced ? "SLEEP_CONTROL" : "PM1a_CNT", space_name(plan.a.reg.space),
	       (unsigned long long)plan.a.reg.address);
}

/* The SCI is level / active low unless the MADT says otherwise, and irq_init routes ISA
 * lines by the model's overrides: give the SCI's line its own before irq_init runs. */
static void route_sci(void)
{
	struct acpi_button_plan plan;

	acpi_button_plan(&acpi, &plan);
	if (!plan.why && acpi_sci_model(&acpi.madt, &plan) == -ENOSPC)
		printk(KERN_WARN "acpi: no room for the SCI's interrupt override: IRQ %u stays "
		       "edge / active high\n", plan.sci);
}

/* Parses the ACPI tables and prints "acpi: ...". Returns 0, or -ENODEV without ACPI.
 * Context: boot, after mm_init, before irq_init. */
int acpi_init(const struct bootinfo *bi)
{
	if (!bi->rsdp_len) {
		printk("acpi: none (the boot loader passed no RSDP)\n");
		return -ENODEV;
	}
	acpi_parse(bi->rsdp, bi->rsdp_len, &kernel_os, &acpi);
	if (!acpi.present) {
		printk("acpi: none (tables unusable)\n");
		return -ENODEV;
	}
	printk("acpi: revision %u, OEM %s, %u tables (%u refused), %u CPU%s, 8042 %s, reset register %s\n",
	       acpi.revision, acpi.oem_id, acpi.tables, acpi.bad_tables, acpi.cpu_count,
	       acpi.cpu_count == 1 ? "" : "s",
	       !acpi.i8042_flag_valid ? "not stated" : acpi.i8042_present ? "present" : "absent",
	       acpi.reset_supported ? "yes" : "no");
	print_clocks_and_pci();
	print_s5();
	route_sci();
	return 0;
}

const struct acpi_info *acpi_get_info(void) { return &acpi; }

int acpi_reset(void)
{
	const struct acpi_gas *r = &acpi.reset_reg;

	if (!acpi.reset_supported)
		return -ENODEV;
	switch (r->space) {
	case ACPI_SPACE_IO:
		arch_pio_write8((uint16_t)r->address, acpi.reset_value);
		break;
	case ACPI_SPACE_MEMORY: {
		volatile uint8_t *reg = ioremap(r->address, 1, PG_CACHE_UC);
		if (!reg)
			return -ENOMEM;
		*reg = acpi.reset_value;
		break;
	}
	case ACPI_SPACE_PCI_CONFIG:
		/* Address: device in bits 32-47, function 16-31, offset 0-15; bus 0 always. */
		arch_pci_config_write8((uint8_t)(r->address >> 32), (uint8_t)(r->address >> 16),
				       (uint16_t)r->address, acpi.reset_value);
		break;
	default:
		return -ENOTSUP;
	}
	/* The reset takes a moment to reach the chipset. */
	mdelay(ACPI_RESET_WAIT_MS);
	return -EIO;
}

/* Makes sleep register w reachable by sleep_read and sleep_write: a memory-space register
 * is mapped into *mmio (the caller iounmaps it), an I/O one needs no mapping (*mmio NULL).
 * Returns 0; -ENOTSUP for a register in any other address space, or one past the end of
 * its space (acpi_s5_plan refuses both first: this is the access path's own check), or
 * -ENOMEM when the mapping fails. */
static int sleep_map(const struct acpi_sleep_write *w, volatile void **mmio)
{
	*mmio = NULL;
	if (!acpi_gas_fits(&w->reg, 0, w->width / 8))
		return -ENOTSUP;
	switch (w->reg.space) {
	case ACPI_SPACE_IO:
		return 0;
	case ACPI_SPACE_MEMORY:
		*mmio = ioremap(w->reg.address, w->width / 8, PG_CACHE_UC);
		return *mmio ? 0 : -ENOMEM;
	default:
		return -ENOTSUP;
	}
}

/* A sleep register access of w->width bits, once sleep_map said yes: to its I/O port, or
 * through mmio, its mapping. */
static uint16_t sleep_read(const struct acpi_sleep_write *w, volatile void *mmio)
{
	if (w->reg.space == ACPI_SPACE_IO)
		return w->width == 8 ? arch_pio_read8((uint16_t)w->reg.address)
				     : arch_pio_read16((uint16_t)w->reg.address);
	assert(mmio);
	return w->width == 8 ? *(volatile uint8_t *)mmio : *(volatile uint16_t *)mmio;
}

static void sleep_write(const struct acpi_sleep_write *w, volatile void *mmio, uint16_t v)
{
	if (w->reg.space == ACPI_SPACE_IO) {
		if (w->width == 8)
			arch_pio_write8((uint16_t)w->reg.address, (uint8_t)v);
		else
			arch_pio_write16((uint16_t)w->reg.address, v);
		return;
	}
	assert(mmio);
	if (w->width == 8)
		*(volatile uint8_t *)mmio = (uint8_t)v;
	else
		*(volatile uint16_t *)mmio = v;
}

/* Legacy ACPI: switch the chipset to ACPI mode (SCI_EN) through SMI_CMD when the firmware
 * left it in legacy mode, as ACPI 6.x 4.8.2.1.1 describes; some chipsets ignore SLP_EN
 * otherwise, and fixed events reach the SCI only then. Waits at most ACPI_ENABLE_WAIT_MS.
 * Returns false when the firmware did not confirm the switch. */
static bool enter_acpi_mode(const struct acpi_sleep_write *pm1a, volatile void *mmio)
{
	if (acpi.hw_reduced || !acpi.smi_cmd || !acpi.acpi_enable ||
	    (sleep_read(pm1a, mmio) & PM1_CNT_SCI_EN))
		return true;
	arch_pio_write8((uint16_t)acpi.smi_cmd, acpi.acpi_enable);
	uint64_t deadline = deadline_us(ACPI_ENABLE_WAIT_MS * 1000ull);
	while (!deadline_passed(deadline))
		if (sleep_read(pm1a, mmio) & PM1_CNT_SCI_EN)
			return true;
	return false;
}

/* acpi_mode_enable - see acpi_internal.h. */
int acpi_mode_enable(void)
{
	struct acpi_sleep_write pm1a = {.reg = acpi.pm1a_cnt, .width = 16};
	volatile void *mmio;
	bool ok;
	int err;

	if (!pm1a.reg.address)
		return -ENODEV;
	err = sleep_map(&pm1a, &mmio);
	if (err)
		return err;
	ok = enter_acpi_mode(&pm1a, mmio);
	if (mmio)
		iounmap((void *)mmio);
	return ok ? 0 : -ETIMEDOUT;
}

/* The bytes of quiet write q, mapped for its memory-space block, or NULL. */
static volatile uint8_t *quiet_map(const struct acpi_quiet_write *q)
{
	return ioremap(q->reg.address + q->offset, (size_t)q->count * q->width / 8, PG_CACHE_UC);
}

/* Carries out the plan's quiet writes (see struct acpi_sleep_plan); map[i] is quiet[i]'s
 * mapping for memory space, NULL when it could not be mapped (that block is skipped). */
static void quiet_wake_sources(const struct acpi_sleep_plan *plan, volatile uint8_t *const *map)
{
	for (unsigned i = 0; i < plan->nquiet; i++) {
		const struct acpi_quiet_write *q = &plan->quiet[i];

		for (unsigned k = 0; k < q->count; k++) {
			unsigned at = k * q->width / 8;

			if (q->reg.space == ACPI_SPACE_IO && q->width == 8)
				arch_pio_write8((uint16_t)(q->reg.address + q->offset + at), (uint8_t)q->value);
			else if (q->reg.space == ACPI_SPACE_IO)
				arch_pio_write16((uint16_t)(q->reg.address + q->offset + at), q->value);
			else if (!map[i])
				break; /* not mapped (acpi_poweroff said so) */
			else if (q->width == 8)
				map[i][at] = (uint8_t)q->value;
			else
				*(volatile uint16_t *)(map[i] + at) = q->value;
		}
	}
}

static void s5_plan(struct acpi_sleep_plan *plan)
{
	if (!acpi.present)
		plan->why = "no ACPI tables";
	else
		acpi_s5_plan(&acpi, plan);
}

/* acpi_can_poweroff - see <lios/acpi.h>. */
bool acpi_can_poweroff(void)
{
	struct acpi_sleep_plan plan;

	s5_plan(&plan);
	return !plan.why;
}

/*
 * acpi_poweroff - see <lios/acpi.h>. Prints "poweroff: ACPI S5 ..." before the writes, or
 * "poweroff: ACPI S5 unavailable: <why>" and returns -ENODEV.
 */
int acpi_poweroff(void)
{
	struct acpi_sleep_plan plan;
	struct acpi_sleep_write *w[2];
	volatile void *mmio[2] = {NULL, NULL};
	volatile uint8_t *qmap[ACPI_QUIET_WRITES] = {NULL};
	uint16_t v[2] = {0, 0};
	int err;

	s5_plan(&plan);
	if (plan.why) {
		printk("poweroff: ACPI S5 unavailable: %s\n", plan.why);
		return -ENODEV;
	}
	w[0] = &plan.a, w[1] = &plan.b;
	for (int i = 0; i < 2; i++) {
		if (!w[i]->reg.address)
			continue;
		err = sleep_map(w[i], &mmio[i]);
		if (err == -ENOMEM)
			printk("poweroff: cannot map the sleep register at %#llx\n",
			       (unsigned long long)w[i]->reg.address);
		else if (err)
			printk("poweroff: the sleep register at %#llx is in an address space LiOS "
			       "does not reach\n", (unsigned long long)w[i]->reg.address);
		if (err)
			goto out_unmap;
	}
	err = -EIO;
	for (unsigned i = 0; i < plan.nquiet; i++) {
		if (plan.quiet[i].reg.space != ACPI_SPACE_MEMORY)
			continue;
		qmap[i] = quiet_map(&plan.quiet[i]);
		if (!qmap[i]) /* quieting is a precaution: S5 is still worth trying without it */
			printk("poweroff: cannot map the event block at %#llx: its wake events left as "
			       "they are\n", (unsigned long long)plan.quiet[i].reg.address);
	}
	printk("poweroff: ACPI S5 (SLP_TYP %u/%u)\n", acpi.s5.slp_typ_a, acpi.s5.slp_typ_b);
	uint64_t flags = arch_irq_save();
	if (!plan.hw_reduced && !enter_acpi_mode(&plan.a, mmio[0]))
		printk(KERN_WARN "poweroff: the firmware did not confirm ACPI mode; trying S5 anyway\n");
	/* the OS owns the GPEs from ACPI mode on: quiet them now, then the fixed events */
	quiet_wake_sources(&plan, qmap);
	/* SLP_TYP into both halves first, then SLP_EN: PM1a's SLP_EN may end everything. */
	for (int i = 0; i < 2; i++) {
		if (!w[i]->reg.address)
			continue;
		v[i] = w[i]->keep_mask ? (uint16_t)(sleep_read(w[i], mmio[i]) & w[i]->keep_mask) : 0;
		v[i] |= w[i]->value;
		sleep_write(w[i], mmio[i], v[i]);
	}
	for (int i = 0; i < 2; i++)
		if (w[i]->reg.address)
			sleep_write(w[i], mmio[i], v[i] | w[i]->enable);
	mdelay(POWEROFF_WAIT_MS);
	arch_irq_restore(flags);
	printk("poweroff: the machine is still running after S5\n");
out_unmap:
	for (int i = 0; i < 2; i++)
		if (mmio[i])
			iounmap((void *)mmio[i]);
	for (unsigned i = 0; i < plan.nquiet; i++)
		if (qmap[i])
			iounmap((void *)qmap[i]);
	return err;
}
