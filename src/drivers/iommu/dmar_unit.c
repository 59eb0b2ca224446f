// SPDX-License-Identifier: MIT
/*
 * Turning off one VT-d remapping unit (Intel VT-d specification: GCMD_REG, GSTS_REG and
 * PMEN_REG): what firmware's pre-boot DMA protection may leave on, in the order Linux's
 * intel_disable_iommus and iommu_disable_protect_mem_regions take it: translation, the
 * protected memory regions, interrupt remapping. No state, no allocation; the registers
 * only through struct dmar_regs (dmar.c maps them in the kernel, host tests simulate them).
 *
 * GCMD is write-only and each write sets every command at once, so a write is built from
 * the current GSTS with its one-shot bits masked off (DMAR_GSTS_PERSISTENT), and changes
 * exactly one command bit; the status is then polled until it follows. Every wait is
 * bounded by DMAR_WAIT_US: a unit that does not follow is reported, never waited on longer.
 */
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/time.h>
#include "dmar_unit.h"

/* Polls the 32-bit register off until 'bit' reads clear; false when it still reads set
 * after DMAR_WAIT_US (a last read after the deadline, so a slow poll never fails early). */
static bool wait_clear(const struct dmar_regs *r, uint32_t off, uint32_t bit)
{
	uint64_t dl = deadline_us(DMAR_WAIT_US);

	while (r->read32(r->ctx, off) & bit)
		if (deadline_passed(dl))
			return !(r->read32(r->ctx, off) & bit);
	return true;
}

/* Polls GSTS until 'bit' reads set; false when it does not within DMAR_WAIT_US. */
static bool wait_set(const struct dmar_regs *r, uint32_t bit)
{
	uint64_t dl = deadline_us(DMAR_WAIT_US);

	while (!(r->read32(r->ctx, DMAR_GSTS_REG) & bit))
		if (deadline_passed(dl))
			return r->read32(r->ctx, DMAR_GSTS_REG) & bit;
	return true;
}

/* Sets the command bit cmd (a persistent one, or a one-shot whose status bit is the same)
 * and waits for its status. */
static bool gcmd_set(const struct dmar_regs *r, uint32_t cmd)
{
	uint32_t gsts = r->read32(r->ctx, DMAR_GSTS_REG);

	r->write32(r->ctx, DMAR_GCMD_REG, (gsts & DMAR_GSTS_PERSISTENT) | cmd);
	return wait_set(r, cmd);
}

/* Clears the command bit cmd (whose status bit is the same) and waits for its status. */
static bool gcmd_clear(const struct dmar_regs *r, uint32_t cmd)
{
	uint32_t gsts = r->read32(r->ctx, DMAR_GSTS_REG);

	r->write32(r->ctx, DMAR_GCMD_REG, (gsts & DMAR_GSTS_PERSISTENT) & ~cmd);
	return wait_clear(r, DMAR_GSTS_REG, cmd);
}

/* dmar_unit_quiesce - see dmar_unit.h. */
int dmar_unit_quiesce(const struct dmar_regs *r, struct dmar_unit_state *st)
{
	memset(st, 0, sizeof(*st));
	st->cap = r->read64(r->ctx, DMAR_CAP_REG);
	st->gsts = r->read32(r->ctx, DMAR_GSTS_REG);
	if (st->gsts == 0xffffffffu || st->cap == ~0ull) {
		st->absent = true;
		return -ENODEV;
	}
	if (st->cap & (DMAR_CAP_PLMR | DMAR_CAP_PHMR))
		st->pmen = r->read32(r->ctx, DMAR_PMEN_REG);

	if (st->gsts & DMAR_GSTS_TES) {
		st->found |= DMAR_TRANSLATION;
		if (!gcmd_clear(r, DMAR_GCMD_TE))
			st->stuck |= DMAR_TRANSLATION;
	}
	if (st->pmen & (DMAR_PMEN_EPM | DMAR_PMEN_PRS)) {
		st->found |= DMAR_PROTECTED_MEMORY;
		r->write32(r->ctx, DMAR_PMEN_REG, 0); /* EPM off; the other bits are read-only */
		if (!wait_clear(r, DMAR_PMEN_REG, DMAR_PMEN_PRS))
			st->stuck |= DMAR_PROTECTED_MEMORY;
	}
	if (st->gsts & DMAR_GSTS_IRES) {
		st->found |= DMAR_INTR_REMAP;
		if (!gcmd_clear(r, DMAR_GCMD_IRE))
			st->stuck |= DMAR_INTR_REMAP;
	}
	return st->stuck ? -ETIMEDOUT : 0;
}

/* dmar_unit_leave_on - see dmar_unit.h. The order the specification asks of an OS that
 * enables remapping: the table pointer latched (SRTP, SIRTP), then the enable bit. */
unsigned dmar_unit_leave_on(const struct dmar_regs *r, paddr_t table)
{
	unsigned on = 0;

	r->write64(r->ctx, DMAR_RTADDR_REG, table);
	if (gcmd_set(r, DMAR_GCMD_SRTP) && gcmd_set(r, DMAR_GCMD_TE))
		on |= DMAR_TRANSLATION;
	if (!(r->read64(r->ctx, DMAR_ECAP_REG) & DMAR_ECAP_IR))
		return on;
	r->write64(r->ctx, DMAR_IRTA_REG, table);
	if (gcmd_set(r, DMAR_GCMD_SIRTP) && gcmd_set(r, DMAR_GCMD_IRE))
		on |= DMAR_INTR_REMAP;
	return on;
}

/* dmar_unit_describe - see dmar_unit.h. One "what on -> off" per thing found on, in the
 * order they were turned off; one that did not go off says what it blocks. */
void dmar_unit_describe(const struct dmar_unit_state *st, char *buf, size_t size)
{
	static const struct {
		unsigned what;
		const char *name, *blocked;
	} part[] = {
		{ DMAR_TRANSLATION, "translation", "DMA through this unit may be blocked" },
		{ DMAR_PROTECTED_MEMORY, "protected memory",
		  "DMA into the protected regions is blocked" },
		{ DMAR_INTR_REMAP, "interrupt remapping",
		  "interrupts through this unit may be blocked" },
	};
	size_t n = 0;

	if (size)
		buf[0] = '\0';
	if (st->absent) {
		ksnprintf(buf, size, "registers read all ones (no unit answers there): left alone");
		return;
	}
	if (!st->found) {
		ksnprintf(buf, size, "remapping off (as found)");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(part); i++) {
		if (!(st->found & part[i].what) || n >= size)
			continue;
		if (st->stuck & part[i].what)
			n += ksnprintf(buf + n, size - n, "%s%s on -> still on after %u ms (%s)",
				       n ? ", " : "", part[i].name, DMAR_WAIT_US / 1000,
				       part[i].blocked);
		else
			n += ksnprintf(buf + n, size - n, "%s%s on -> off", n ? ", " : "",
				       part[i].name);
	}
}
