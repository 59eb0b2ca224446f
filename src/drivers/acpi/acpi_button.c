// SPDX-License-Identifier: MIT
/*
 * The fixed-feature power button, the kernel half: at boot, switch the chipset to ACPI
 * mode, turn off every GPE and fixed event but PWRBTN_EN, and install the SCI's handler
 * on its ISA line (acpi_sci.c worked out which, and acpi_init gave the line its trigger
 * and polarity before irq_init). The handler clears what it finds set and enabled in PM1
 * status (and in a GPE block, a GPE enabled behind LiOS's back: disabled again, as no AML
 * can service it), and records a button press; it never powers off itself. The shell's
 * idle loop asks machine_power_requests() (src/kernel/init/power.c), which takes the press
 * with acpi_button_take() and powers off from thread context.
 *
 * Invariants: only PWRBTN_EN is enabled in PM1 from acpi_button_init on; a storm of SCIs
 * (acpi_sci_storm_note) masks the line and drops the handler for good, saying so once,
 * so a stuck level-triggered SCI costs the power button, never the machine. Memory-space
 * blocks are mapped once at boot and stay mapped. The handler runs with interrupts off; 'pressed' is
 * set there and cleared with interrupts off in acpi_button_take (one CPU).
 */
#include <lios/acpi.h>
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/irq.h>
#include <lios/paging.h>
#include <lios/printk.h>
#include <lios/timer.h>
#include <lios/vmalloc.h>
#include "acpi_internal.h"

/* A register block as the handler reaches it: ports, or a mapping of its bytes. */
struct acpi_block {
	const struct acpi_gas *g;
	volatile uint8_t *mmio; /* memory space: the mapped block; NULL for ports */
};

static struct acpi_button_plan plan;
static struct acpi_block pm1[2], gpe[2]; /* gpe: the plan's GPE0/GPE1 enable writes */
static uint8_t gpe_half[2];              /* bytes in a GPE block's status (= enable) half */
static struct acpi_sci_storm storm;
static uint64_t sci_unclaimed; /* SCIs with nothing set and enabled */
static volatile bool pressed;

static uint16_t block_read16(const struct acpi_block *b, unsigned off)
{
	if (!b->mmio)
		return arch_pio_read16((uint16_t)(b->g->address + off));
	return *(volatile uint16_t *)(b->mmio + off);
}

static void block_write16(const struct acpi_block *b, unsigned off, uint16_t v)
{
	if (!b->mmio)
		arch_pio_write16((uint16_t)(b->g->address + off), v);
	else
		*(volatile uint16_t *)(b->mmio + off) = v;
}

static uint8_t block_read8(const struct acpi_block *b, unsigned off)
{
	if (!b->mmio)
		return arch_pio_read8((uint16_t)(b->g->address + off));
	return b->mmio[off];
}

static void block_write8(const struct acpi_block *b, unsigned off, uint8_t v)
{
	if (!b->mmio)
		arch_pio_write8((uint16_t)(b->g->address + off), v);
	else
		b->mmio[off] = v;
}

/* Points b at register block g of len bytes, mapping it when it is memory. Returns 0 or
 * -ENOMEM. */
static int block_map(struct acpi_block *b, const struct acpi_gas *g, size_t len)
{
	b->g = g;
	b->mmio = NULL;
	if (g->space != ACPI_SPACE_MEMORY)
		return 0;
	b->mmio = ioremap(g->address, len, PG_CACHE_UC);
	return b->mmio ? 0 : -ENOMEM;
}

/* A GPE enabled and raised although LiOS enabled none (firmware did, in SMM): disable it
 * and clear it, since no AML will. Returns whether there was one. */
static bool gpe_service(void)
{
	bool any = false;

	for (int i = 0; i < 2; i++) {
		if (!gpe[i].g)
			continue;
		for (unsigned k = 0; k < gpe_half[i]; k++) {
			uint8_t en = block_read8(&gpe[i], gpe_half[i] + k);
			uint8_t set = block_read8(&gpe[i], k) & en;

			if (!set)
				continue;
			block_write8(&gpe[i], gpe_half[i] + k, (uint8_t)(en & ~set));
			block_write8(&gpe[i], k, set);
			any = true;
		}
	}
	return any;
}

/* The SCI: see the top of the file. Interrupts off. */
static void sci_irq(unsigned int irq, void *ctx)
{
	uint16_t sts[2] = { 0, 0 }, en[2] = { 0, 0 };
	struct acpi_sci_events ev;

	for (int i = 0; i < 2; i++) {
		if (!plan.pm1[i].address)
			continue;
		sts[i] = block_read16(&pm1[i], 0);
		en[i] = block_read16(&pm1[i], plan.enable_offset);
	}
	acpi_sci_decode(sts, en, &ev);
	for (int i = 0; i < 2; i++)
		if (ev.clear[i])
			block_write16(&pm1[i], 0, ev.clear[i]);
	if (ev.button)
		pressed = true;
	if (gpe_service())
		ev.unclaimed = false;
	if (ev.unclaimed)
		sci_unclaimed++;
	if (acpi_sci_storm_note(&storm, timer_uptime_ms())) {
		irq_unregister(irq); /* masked, and "unmasked only with a handler" holds */
		printk(KERN_WARN
		       "acpi: SCI storm: over %u interrupts within %u ms (%llu with nothing "
		       "to service): IRQ %u masked, the power button is off\n",
		       ACPI_SCI_STORM_LIMIT, ACPI_SCI_STORM_WINDOW_MS,
		       (unsigned long long)sci_unclaimed, irq);
	}
}

/* The plan's GPE writes (enables off, then statuses cleared), noting each block for the
 * handler. Returns 0 or -ENOMEM. */
static int quiet_gpes(void)
{
	for (unsigned i = 0; i < plan.ngpe; i++) {
		const struct acpi_quiet_write *q = &plan.gpe[i];
		int b = q->reg.address == plan.gpe[0].reg.address ? 0 : 1;

		if (!gpe[b].g) {
			int err = block_map(&gpe[b], &q->reg, 2u * q->count);

			if (err)
				return err;
			gpe_half[b] = q->count;
		}
		for (unsigned k = 0; k < q->count; k++)
			block_write8(&gpe[b], q->offset + k, (uint8_t)q->value);
	}
	return 0;
}

/* The PM1 blocks: every fixed event off but PCIEXP_WAKE_DIS kept, their statuses cleared.
 * Returns 0 or -ENOMEM. */
static int quiet_pm1(void)
{
	for (int i = 0; i < 2; i++) {
		int err;

		if (!plan.pm1[i].address)
			continue;
		err = block_map(&pm1[i], &plan.pm1[i], plan.enable_offset + 2u);
		if (err)
			return err;
		block_write16(&pm1[i], plan.enable_offset,
			      block_read16(&pm1[i], plan.enable_offset) &
				      ACPI_PM1_EN_PCIEXP_WAKE_DIS);
		block_write16(&pm1[i], 0, ACPI_PM1_SCI_EVENTS);
	}
	return 0;
}

/* "level, low" and the like, for the boot line. */
static const char *line_mode(void)
{
	if (irq_backend() != IRQ_BACKEND_IOAPIC)
		return "8259 PICs";
	if ((plan.flags & ACPI_MPS_TRIGGER_MASK) == ACPI_MPS_TRIGGER_EDGE)
		return (plan.flags & ACPI_MPS_POLARITY_MASK) == ACPI_MPS_POLARITY_HIGH
			       ? "edge, high"
			       : "edge, low";
	return (plan.flags & ACPI_MPS_POLARITY_MASK) == ACPI_MPS_POLARITY_HIGH ? "level, high"
									       : "level, low";
}

/* acpi_button_init - see <lios/acpi.h>. Prints "acpi: power button: fixed feature, SCI
 * on IRQ 9 (level, high)" or "acpi: power button: not enabled: <why>". */
int acpi_button_init(void)
{
	const struct acpi_info *info = acpi_get_info();
	int err;

	if (!info->present) {
		printk("acpi: power button: not enabled: no ACPI tables\n");
		return -ENODEV;
	}
	acpi_button_plan(info, &plan);
	if (plan.why) {
		printk("acpi: power button: not enabled: %s\n", plan.why);
		return -ENODEV;
	}
	err = acpi_mode_enable();
	if (err == -ETIMEDOUT)
		printk(KERN_WARN "acpi: the firmware did not confirm ACPI mode: the power button "
				 "may stay silent\n");
	err = quiet_gpes();
	if (!err)
		err = quiet_pm1();
	if (err) {
		printk("acpi: power button: not enabled: an event block could not be mapped\n");
		return err;
	}
	err = irq_register(plan.sci, sci_irq, NULL);
	if (err) {
		printk("acpi: power button: not enabled: IRQ %u %s (%d)\n", plan.sci,
		       err == -EBUSY ? "has another handler" : "cannot be routed", err);
		return err;
	}
	for (int i = 0; i < 2; i++)
		if (plan.pm1[i].address)
			block_write16(&pm1[i], plan.enable_offset,
				      (uint16_t)(block_read16(&pm1[i], plan.enable_offset) |
						 ACPI_PM1_PWRBTN));
	printk("acpi: power button: fixed feature, SCI on IRQ %u (%s)\n", plan.sci, line_mode());
	return 0;
}

/* acpi_button_take - see <lios/acpi.h>. */
bool acpi_button_take(void)
{
	uint64_t flags = arch_irq_save();
	bool was = pressed;

	pressed = false;
	arch_irq_restore(flags);
	return was;
}

/* acpi_button_pending - see <lios/acpi.h>. */
bool acpi_button_pending(void) { return pressed; }
