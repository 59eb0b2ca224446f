// SPDX-License-Identifier: MIT
/*
 * The kernel half of the VT-d code: each unit the DMAR table lists gets its register page
 * mapped uncached (ioremap), turned off by dmar_unit_quiesce through volatile accessors on
 * that mapping, one log line, and the page unmapped again: LiOS never touches a unit after
 * boot. Runs once, from kmain, before the interrupt controllers are routed and before any
 * driver starts DMA, so nothing depends on the units' state while it changes.
 */
#include <lios/cmdline.h>
#include <lios/dmar.h>
#include <lios/kmalloc.h>
#include <lios/paging.h>
#include <lios/printk.h>
#include <lios/vmalloc.h>
#include "dmar_unit.h"

static uint32_t mmio_read32(void *ctx, uint32_t off)
{
	return *(volatile uint32_t *)((uint8_t *)ctx + off);
}
static uint64_t mmio_read64(void *ctx, uint32_t off)
{
	return *(volatile uint64_t *)((uint8_t *)ctx + off);
}
static void mmio_write32(void *ctx, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)((uint8_t *)ctx + off) = v;
}
static void mmio_write64(void *ctx, uint32_t off, uint64_t v)
{
	*(volatile uint64_t *)((uint8_t *)ctx + off) = v;
}

/* dmar.test_left_on: the unit at r (number i, at base) put in the state pre-boot DMA
 * protection leaves, so the boot's own path below has something to turn off. The zeroed
 * page is never freed: the unit keeps its address in RTADDR and IRTA. */
static void leave_on_for_test(const struct dmar_regs *r, unsigned i, unsigned long long base)
{
	static void *table;
	unsigned on;

	if (!table && !(table = kzalloc(DMAR_REG_PAGE))) {
		printk(KERN_WARN "dmar: dmar.test_left_on: no memory for an empty table\n");
		return;
	}
	on = dmar_unit_leave_on(r, virt_to_phys(table));
	printk("dmar: unit %u at %#llx: turned on for the test (dmar.test_left_on):%s%s%s\n", i,
	       base, on & DMAR_TRANSLATION ? " translation" : "",
	       on & DMAR_INTR_REMAP ? " interrupt remapping" : "", on ? "" : " nothing");
}

/* dmar_init - see <lios/dmar.h>. */
void dmar_init(const struct acpi_dmar *d)
{
	for (unsigned i = 0; d->present && i < d->unit_count; i++) {
		unsigned long long base = (unsigned long long)d->unit[i].base;
		struct dmar_unit_state st;
		struct dmar_regs r;
		char what[256];
		void *regs = ioremap(d->unit[i].base, DMAR_REG_PAGE, PG_CACHE_UC);

		if (!regs) {
			printk(KERN_WARN
			       "dmar: unit %u at %#llx: its registers cannot be mapped: left "
			       "as the firmware set it\n",
			       i, base);
			continue;
		}
		r = (struct dmar_regs){ mmio_read32, mmio_read64, mmio_write32, mmio_write64,
					regs };
		if (cmdline_has("dmar.test_left_on"))
			leave_on_for_test(&r, i, base);
		dmar_unit_quiesce(&r, &st);
		iounmap(regs);
		dmar_unit_describe(&st, what, sizeof(what));
		if (st.stuck || st.absent)
			printk(KERN_WARN "dmar: unit %u at %#llx: %s\n", i, base, what);
		else if (st.found)
			printk("dmar: unit %u at %#llx: %s\n", i, base, what);
		else
			printk(KERN_DEBUG "dmar: unit %u at %#llx: %s\n", i, base, what);
	}
}
