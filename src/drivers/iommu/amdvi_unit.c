// SPDX-License-Identifier: MIT
/*
 * Turning off one AMD IOMMU (AMD IOMMU Specification 48882: the Control and Status
 * registers): what firmware's pre-boot DMA protection may leave on, in the order Linux's
 * iommu_disable takes it: the command buffer, the event log, the guest virtual APIC log,
 * the peripheral page request log, then the IOMMU itself (IommuEn), after which no DMA
 * and no interrupt is translated or remapped. No state, no allocation; the registers
 * only through struct amdvi_regs (amdvi.c maps them in the kernel, host tests simulate
 * them).
 *
 * Control is read, one part's enable bits cleared and written back, every other bit as
 * read (the invalidation timeout, coherency and the rest are not LiOS's to change). Each
 * write is waited for, bounded by AMDVI_WAIT_US: an IOMMU that does not follow is
 * reported, never waited on longer.
 */
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/time.h>
#include "amdvi_unit.h"

/* Each part: its enable bits in Control, the Status bit that says it still runs (0:
 * none), its name in the log and, when it stays on, what that blocks ("" for nothing). */
static const struct amdvi_part {
	unsigned what;
	uint64_t enable, running;
	const char *name, *blocked;
} parts[] = {
	{ AMDVI_CMD_BUF, AMDVI_CTRL_CMD_BUF_EN, AMDVI_STATUS_CMD_BUF_RUN, "command buffer", "" },
	{ AMDVI_EVENT_LOG, AMDVI_CTRL_EVENT_LOG_EN | AMDVI_CTRL_EVENT_INT_EN,
	  AMDVI_STATUS_EVENT_LOG_RUN, "event log", "" },
	{ AMDVI_GA_LOG, AMDVI_CTRL_GA_LOG_EN | AMDVI_CTRL_GA_INT_EN, AMDVI_STATUS_GA_LOG_RUN,
	  "guest APIC log", "" },
	{ AMDVI_PPR_LOG, AMDVI_CTRL_PPR_LOG_EN | AMDVI_CTRL_PPR_INT_EN, AMDVI_STATUS_PPR_LOG_RUN,
	  "page request log", "" },
	{ AMDVI_TRANSLATION, AMDVI_CTRL_IOMMU_EN, 0, "translation",
	  " (DMA through this IOMMU may be blocked)" },
};

/* Whether p is off: its enable bits read clear in Control and it no longer runs. */
static bool part_off(const struct amdvi_regs *r, const struct amdvi_part *p)
{
	if (r->read64(r->ctx, AMDVI_CONTROL) & p->enable)
		return false;
	return !p->running || !(r->read64(r->ctx, AMDVI_STATUS) & p->running);
}

/* Clears p's enable bits (one write, every other bit as read) and waits until it is
 * off; false when it is not after AMDVI_WAIT_US (a last look after the deadline, so a
 * slow poll never fails early). */
static bool part_turn_off(const struct amdvi_regs *r, const struct amdvi_part *p)
{
	uint64_t ctrl = r->read64(r->ctx, AMDVI_CONTROL);
	uint64_t dl;

	r->write64(r->ctx, AMDVI_CONTROL, ctrl & ~p->enable);
	dl = deadline_us(AMDVI_WAIT_US);
	while (!part_off(r, p))
		if (deadline_passed(dl))
			return part_off(r, p);
	return true;
}

/* amdvi_unit_quiesce - see amdvi_unit.h. */
int amdvi_unit_quiesce(const struct amdvi_regs *r, struct amdvi_unit_state *st)
{
	memset(st, 0, sizeof(*st));
	st->control = r->read64(r->ctx, AMDVI_CONTROL);
	st->status = r->read64(r->ctx, AMDVI_STATUS);
	if (st->control == ~0ull || st->status == ~0ull) {
		st->absent = true;
		return -ENODEV;
	}
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		if (!(st->control & parts[i].enable))
			continue;
		st->found |= parts[i].what;
		if (!part_turn_off(r, &parts[i]))
			st->stuck |= parts[i].what;
	}
	return st->stuck ? -ETIMEDOUT : 0;
}

/* amdvi_block_all_table - see amdvi_unit.h. */
void amdvi_block_all_table(void *table, unsigned pages)
{
	uint8_t *t = table;
	uint64_t dte0 = AMDVI_DTE_V | AMDVI_DTE_TV;

	memset(t, 0, (size_t)pages * AMDVI_DEV_TABLE_PAGE);
	for (size_t at = 0; at < (size_t)pages * AMDVI_DEV_TABLE_PAGE; at += AMDVI_DTE_BYTES)
		memcpy(t + at, &dte0, sizeof(dte0));
}

/* amdvi_unit_leave_on - see amdvi_unit.h. The device table is set while the IOMMU is
 * off, as the specification asks, then IommuEn alone. */
unsigned amdvi_unit_leave_on(const struct amdvi_regs *r, paddr_t table, unsigned pages)
{
	uint64_t ctrl = r->read64(r->ctx, AMDVI_CONTROL);
	uint64_t dl;

	if (ctrl == ~0ull || (ctrl & AMDVI_CTRL_IOMMU_EN) || !pages)
		return 0;
	r->write64(r->ctx, AMDVI_DEV_TABLE_BASE, table | ((pages - 1) & AMDVI_DEV_TABLE_SIZE_MASK));
	r->write64(r->ctx, AMDVI_CONTROL, ctrl | AMDVI_CTRL_IOMMU_EN);
	dl = deadline_us(AMDVI_WAIT_US);
	while (!(r->read64(r->ctx, AMDVI_CONTROL) & AMDVI_CTRL_IOMMU_EN))
		if (deadline_passed(dl))
			return r->read64(r->ctx, AMDVI_CONTROL) & AMDVI_CTRL_IOMMU_EN
				       ? AMDVI_TRANSLATION
				       : 0;
	return AMDVI_TRANSLATION;
}

/* One "name on -> off" (or "-> still on after ...") for part p into buf at n. */
static size_t describe_part(const struct amdvi_unit_state *st, const struct amdvi_part *p,
			    char *buf, size_t n, size_t size)
{
	if (n >= size)
		return n;
	if (st->stuck & p->what)
		return n + ksnprintf(buf + n, size - n, "%s%s on -> still on after %u ms%s",
				     n ? ", " : "", p->name, AMDVI_WAIT_US / 1000, p->blocked);
	return n + ksnprintf(buf + n, size - n, "%s%s on -> off", n ? ", " : "", p->name);
}

/* amdvi_unit_describe - see amdvi_unit.h. Translation first, the part that blocks DMA,
 * then the queues and logs in the order they were turned off. */
void amdvi_unit_describe(const struct amdvi_unit_state *st, char *buf, size_t size)
{
	const struct amdvi_part *iommu = &parts[ARRAY_SIZE(parts) - 1];
	size_t n = 0;

	if (size)
		buf[0] = '\0';
	if (st->absent) {
		ksnprintf(buf, size,
			  "registers read all ones (no IOMMU answers there): left alone");
		return;
	}
	if (!(st->found & AMDVI_TRANSLATION))
		n = ksnprintf(buf, size, "translation off (as found)");
	else
		n = describe_part(st, iommu, buf, n, size);
	for (size_t i = 0; i + 1 < ARRAY_SIZE(parts); i++)
		if (st->found & parts[i].what)
			n = describe_part(st, &parts[i], buf, n, size);
}
