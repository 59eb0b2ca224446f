// SPDX-License-Identifier: MIT
/*
 * The kernel half of the AMD IOMMU code: each IOMMU the IVRS table lists gets its first
 * 16 KiB of registers mapped uncached (ioremap), turned off by amdvi_unit_quiesce through
 * volatile accessors on that mapping, one log line, and the registers unmapped again:
 * LiOS never touches an IOMMU after boot. Runs once, from kmain, beside dmar_init: before
 * the interrupt controllers are routed and before any driver starts DMA, so nothing
 * depends on the IOMMUs' state while it changes.
 */
#include <lios/amdvi.h>
#include <lios/cmdline.h>
#include <lios/kmalloc.h>
#include <lios/paging.h>
#include <lios/printk.h>
#include <lios/vmalloc.h>
#include "amdvi_unit.h"

/* amdvi.test_left_on blocks the devices of buses 0 to TEST_BUSES - 1 (a device table
 * entry per function, 256 per bus): QEMU's q35 puts every device there. */
#define TEST_BUSES 8
#define FUNCTIONS_PER_BUS 256
#define TEST_TABLE_PAGES (TEST_BUSES * FUNCTIONS_PER_BUS * AMDVI_DTE_BYTES / AMDVI_DEV_TABLE_PAGE)

static uint64_t mmio_read64(void *ctx, uint32_t off)
{
	return *(volatile uint64_t *)((uint8_t *)ctx + off);
}
static void mmio_write64(void *ctx, uint32_t off, uint64_t v)
{
	*(volatile uint64_t *)((uint8_t *)ctx + off) = v;
}

/* amdvi.test_left_on: the IOMMU at r (number i, at base) put in the state pre-boot DMA
 * protection leaves, so the boot's own path below has something to turn off. The table
 * is never freed: the IOMMU keeps its address. */
static void leave_on_for_test(const struct amdvi_regs *r, unsigned i, unsigned long long base)
{
	static void *table;
	unsigned on;

	if (!table) {
		table = kmalloc(TEST_TABLE_PAGES * AMDVI_DEV_TABLE_PAGE);
		if (!table) {
			printk(KERN_WARN "amdvi: amdvi.test_left_on: no memory for a device "
					 "table\n");
			return;
		}
		amdvi_block_all_table(table, TEST_TABLE_PAGES);
	}
	on = amdvi_unit_leave_on(r, virt_to_phys(table), TEST_TABLE_PAGES);
	if (on)
		printk("amdvi: unit %u at %#llx: turned on for the test (amdvi.test_left_on): "
		       "translation, every DMA from buses 0-%u refused\n",
		       i, base, TEST_BUSES - 1);
	else
		printk("amdvi: unit %u at %#llx: turned on for the test (amdvi.test_left_on): "
		       "nothing\n",
		       i, base);
}

/* amdvi_init - see <lios/amdvi.h>. */
void amdvi_init(const struct acpi_ivrs *v)
{
	if (v->present && (v->ivinfo & ACPI_IVINFO_DMA_REMAP))
		printk(KERN_DEBUG "amdvi: the IVRS says firmware used the IOMMUs for pre-boot DMA "
				  "protection\n");
	for (unsigned i = 0; v->present && i < v->unit_count; i++) {
		unsigned long long base = (unsigned long long)v->unit[i].base;
		struct amdvi_unit_state st;
		struct amdvi_regs r;
		char what[256];
		void *regs = ioremap(v->unit[i].base, AMDVI_MMIO_SIZE, PG_CACHE_UC);

		if (!regs) {
			printk(KERN_WARN "amdvi: unit %u at %#llx: its registers cannot be mapped: "
					 "left as the firmware set it\n",
			       i, base);
			continue;
		}
		r = (struct amdvi_regs){ mmio_read64, mmio_write64, regs };
		if (cmdline_has("amdvi.test_left_on"))
			leave_on_for_test(&r, i, base);
		amdvi_unit_quiesce(&r, &st);
		iounmap(regs);
		amdvi_unit_describe(&st, what, sizeof(what));
		if (st.stuck || st.absent)
			printk(KERN_WARN "amdvi: unit %u at %#llx: %s\n", i, base, what);
		else if (st.found)
			printk("amdvi: unit %u at %#llx: %s\n", i, base, what);
		else
			printk(KERN_DEBUG "amdvi: unit %u at %#llx: %s\n", i, base, what);
	}
}
