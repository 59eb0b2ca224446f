// SPDX-License-Identifier: MIT
/*
 * The fixed-feature power button, the pure half: what enabling it takes (which SCI line,
 * its trigger and polarity, the PM1 event blocks, the GPE enables to turn off), the
 * decoding of one SCI's PM1 status, and the storm detector. Nothing here touches
 * hardware; acpi_button.c carries it out and is the SCI's handler.
 *
 * The SCI (ACPI 6.x 5.2.9, 5.2.12.5): SCI_INT names an ISA line on a PC; the SCI is a
 * shareable, level-triggered, active-low interrupt unless the MADT's interrupt source
 * override for that line says otherwise, and an override that "conforms" to the bus means
 * level / active low for it too (as Linux reads it: the SCI's bus is ACPI, not ISA).
 * LiOS routes ISA lines 1-15 only (IRQ 2 is the cascade): another SCI_INT is refused.
 *
 * LiOS runs no AML, so the plan turns off every GPE (enable bytes 0, status bytes
 * cleared) and the handler enables nothing but PWRBTN_EN: a GPE or fixed event left
 * enabled with nobody to service it would keep a level-triggered SCI asserted for good.
 */
#include <lios/errno.h>
#include <lios/string.h>
#include "acpi_internal.h"

#define PM1_EVT_MIN_LEN 4 /* two 16-bit registers: status, then enable */

static bool space_usable(const struct acpi_gas *g)
{
	return g->space == ACPI_SPACE_IO || g->space == ACPI_SPACE_MEMORY;
}

/* The index of ISA line 'source''s override in m, or -1. */
static int find_override(const struct irq_model *m, unsigned source)
{
	for (unsigned i = 0; i < m->override_count && i < ACPI_MAX_OVERRIDES; i++)
		if (m->overrides[i].source == source)
			return (int)i;
	return -1;
}

/* The SCI's trigger and polarity from override flags (0: no override): "conforms" is
 * level / active low for the SCI. */
static uint16_t sci_flags(uint16_t flags)
{
	uint16_t trigger = flags & ACPI_MPS_TRIGGER_MASK, polarity = flags & ACPI_MPS_POLARITY_MASK;

	if (trigger != ACPI_MPS_TRIGGER_EDGE)
		trigger = ACPI_MPS_TRIGGER_LEVEL;
	if (polarity != ACPI_MPS_POLARITY_HIGH)
		polarity = ACPI_MPS_POLARITY_LOW;
	return trigger | polarity;
}

/* Adds count byte writes of value at gpe + offset when the block is usable: the whole
 * block, both halves of count bytes. The SCI handler reads and writes both halves of any
 * block the plan names, so a block whose enable half runs past its address space (a
 * GPE0_BLK of 0xfff0 with 32 bytes: ports 0x10000 and up, which wrap to the DMA
 * controller's) is left out entirely, not planned by its status half alone. */
static void gpe_write(struct acpi_button_plan *plan, const struct acpi_gas *gpe, unsigned offset,
		      unsigned count, uint8_t value)
{
	if (!gpe->address || !count || !space_usable(gpe) || plan->ngpe == ACPI_BUTTON_GPE_WRITES ||
	    !acpi_gas_fits(gpe, 0, 2 * count))
		return;
	plan->gpe[plan->ngpe++] = (struct acpi_quiet_write){
		.reg = *gpe,
		.offset = (uint8_t)offset,
		.count = (uint8_t)count,
		.width = 8,
		.value = value,
	};
}

/* Whether PM1 event block g can be read and written 16 bits at a time at offsets 0 and
 * enable_offset (absent: true, nothing to do). */
static bool pm1_usable(const struct acpi_gas *g, unsigned enable_offset)
{
	return !g->address || (space_usable(g) && acpi_gas_fits(g, 0, enable_offset + 2));
}

/* acpi_button_plan - see <lios/acpi.h>. */
void acpi_button_plan(const struct acpi_info *info, struct acpi_button_plan *plan)
{
	const struct acpi_gas *gpe[2] = { &info->gpe0, &info->gpe1 };
	const uint8_t len[2] = { info->gpe0_len, info->gpe1_len };
	int o;

	memset(plan, 0, sizeof(*plan));
	plan->sci = info->sci_int;
	if (!info->have_fadt) {
		plan->why = "no usable FADT";
		return;
	}
	if (info->hw_reduced) {
		plan->why =
			"hardware-reduced ACPI: the button is a GED device whose AML LiOS cannot run";
		return;
	}
	if (info->pwr_button_cm) {
		plan->why = "the FADT makes it a control-method device, whose AML LiOS cannot run";
		return;
	}
	if (!info->sci_int || info->sci_int == 2 || info->sci_int >= ACPI_ISA_IRQS) {
		plan->why = "SCI_INT is not an ISA line LiOS routes (1-15 but 2)";
		return;
	}
	if (!info->pm1a_evt.address) {
		plan->why = "the FADT has no PM1a event block";
		return;
	}
	if (info->pm1_evt_len < PM1_EVT_MIN_LEN || info->pm1_evt_len % 2) {
		plan->why = "PM1_EVT_LEN is under 4 bytes or odd";
		return;
	}
	plan->enable_offset = info->pm1_evt_len / 2;
	if (!pm1_usable(&info->pm1a_evt, plan->enable_offset) ||
	    !pm1_usable(&info->pm1b_evt, plan->enable_offset)) {
		plan->why = "a PM1 event block lies outside I/O and memory space";
		return;
	}
	plan->pm1[0] = info->pm1a_evt;
	plan->pm1[1] = info->pm1b_evt;
	o = info->madt.present ? find_override(&info->madt, plan->sci) : -1;
	plan->madt_override = o >= 0;
	plan->flags = sci_flags(o >= 0 ? info->madt.overrides[o].flags : 0);
	for (int i = 0; i < 2; i++)
		if (len[i] % 2 == 0)
			gpe_write(plan, gpe[i], len[i] / 2u, len[i] / 2u, 0x00);
	for (int i = 0; i < 2; i++)
		if (len[i] % 2 == 0)
			gpe_write(plan, gpe[i], 0, len[i] / 2u, 0xff);
}

/* acpi_sci_model - see <lios/acpi.h>. */
int acpi_sci_model(struct irq_model *model, const struct acpi_button_plan *plan)
{
	int i;

	if (!model->present) {
		if (plan->sci < 16)
			model->isa_level |= (uint16_t)(1u << plan->sci);
		return 0;
	}
	i = find_override(model, plan->sci);
	if (i < 0) {
		if (model->override_count >= ACPI_MAX_OVERRIDES)
			return -ENOSPC;
		i = (int)model->override_count++;
		model->overrides[i].source = (uint8_t)plan->sci;
		model->overrides[i].gsi = plan->sci;
	}
	model->overrides[i].flags = plan->flags;
	return 0;
}

/* acpi_sci_decode - see <lios/acpi.h>. */
void acpi_sci_decode(const uint16_t sts[2], const uint16_t en[2], struct acpi_sci_events *ev)
{
	for (int i = 0; i < 2; i++)
		ev->clear[i] = sts[i] & en[i] & ACPI_PM1_SCI_EVENTS;
	ev->button = (ev->clear[0] | ev->clear[1]) & ACPI_PM1_PWRBTN;
	ev->unclaimed = !(ev->clear[0] | ev->clear[1]);
}

/* acpi_sci_storm_note - see <lios/acpi.h>. */
bool acpi_sci_storm_note(struct acpi_sci_storm *s, uint64_t now_ms)
{
	if (!s->count || now_ms < s->window_start_ms ||
	    now_ms - s->window_start_ms >= ACPI_SCI_STORM_WINDOW_MS) {
		s->window_start_ms = now_ms;
		s->count = 0;
	}
	s->count++;
	if (s->count <= ACPI_SCI_STORM_LIMIT || s->tripped)
		return false;
	s->tripped = true;
	return true;
}
