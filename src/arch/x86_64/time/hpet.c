// SPDX-License-Identifier: MIT
/*
 * The HPET's main counter as a calibration reference (IA-PC HPET specification 1.0a,
 * section 2.3): the general capabilities register gives the counter period in femtoseconds,
 * the general configuration register starts the counter, and the main counter value is
 * read as its low 32 bits (a 32-bit view wraps after 42 s at QEMU's 100 MHz: far longer
 * than any calibration). None of its comparators is used: the HPET raises no interrupt.
 * Firmware may leave it otherwise: with the legacy replacement route on (LEG_RT_CNF), the
 * HPET's comparators 0 and 1 own IRQ 0 and IRQ 8, and the PIT's and RTC's interrupts reach
 * nothing (a PIT tick would never arrive); a comparator left with its interrupt enabled
 * would raise one on whatever line it names. Both are turned off here, and said.
 * The address comes from the ACPI HPET table through kmain (struct clock_hw).
 */
#include <lios/errno.h>
#include <lios/paging.h>
#include <lios/printk.h>
#include <lios/vmalloc.h>
#include "time_internal.h"

#define HPET_GCAP_ID 0x000           /* general capabilities and ID */
#define HPET_GCAP_PERIOD_SHIFT 32    /* COUNTER_CLK_PERIOD: femtoseconds per tick, 63-32 */
#define HPET_GCAP_COUNT_SIZE_CAP (1ull << 13) /* the main counter is 64 bits wide */
#define HPET_GCAP_NUM_TIM_SHIFT 8    /* NUM_TIM_CAP, bits 12-8: the last comparator's number */
#define HPET_GCAP_NUM_TIM_MASK 0x1f
#define HPET_GEN_CONF 0x010          /* general configuration */
#define HPET_CONF_ENABLE_CNF (1ull << 0)
#define HPET_CONF_LEG_RT_CNF (1ull << 1) /* legacy replacement route: IRQ 0 and 8 */
#define HPET_TN_CONF(n) (0x100 + 0x20 * (n)) /* comparator n's configuration */
#define HPET_TN_INT_ENB_CNF (1ull << 2)
#define HPET_MAIN_COUNTER 0x0f0
#define HPET_MMIO_SIZE 0x400
/* Comparators whose registers lie inside the 1 KiB block: 0-23. NUM_TIM_CAP can say 32. */
#define HPET_TN_IN_BLOCK ((HPET_MMIO_SIZE - HPET_TN_CONF(0)) / (HPET_TN_CONF(1) - HPET_TN_CONF(0)))
#define HPET_MAX_PERIOD_FS 100000000ull /* the specification's limit: 100 ns (10 MHz) */
#define FS_PER_S 1000000000000000ull

static volatile uint64_t *hpet;

static uint64_t hpet_reg(unsigned int off) { return hpet[off / 8]; }
static void hpet_reg_write(unsigned int off, uint64_t v) { hpet[off / 8] = v; }

/* Legacy replacement route off, every comparator's interrupt disabled: the HPET raises
 * none, IRQ 0 and 8 belong to the PIT and RTC again. Says what it had to undo. Only the
 * comparators inside the mapped block are touched, whatever NUM_TIM_CAP claims. */
static void hpet_quiet(uint64_t cap)
{
	unsigned last = (unsigned)(cap >> HPET_GCAP_NUM_TIM_SHIFT) & HPET_GCAP_NUM_TIM_MASK;
	uint64_t conf = hpet_reg(HPET_GEN_CONF);
	unsigned armed = 0;

	if (last >= HPET_TN_IN_BLOCK) {
		printk(KERN_WARN "timer: HPET claims %u comparators, its 1 KiB register block holds "
		       "%u: the others left alone\n", last + 1, HPET_TN_IN_BLOCK);
		last = HPET_TN_IN_BLOCK - 1;
	}

	if (conf & HPET_CONF_LEG_RT_CNF) {
		hpet_reg_write(HPET_GEN_CONF, conf & ~HPET_CONF_LEG_RT_CNF);
		printk(KERN_WARN "timer: HPET legacy replacement route left on: turned off, IRQ 0 and 8 back to the PIT and RTC\n");
	}
	for (unsigned n = 0; n <= last; n++) {
		uint64_t tn = hpet_reg(HPET_TN_CONF(n));

		if (tn & HPET_TN_INT_ENB_CNF) {
			hpet_reg_write(HPET_TN_CONF(n), tn & ~HPET_TN_INT_ENB_CNF);
			armed++;
		}
	}
	if (armed)
		printk(KERN_WARN "timer: %u HPET comparator(s) left with interrupts on: turned off\n",
		       armed);
}

static uint64_t hpet_read(void *ctx)
{
	(void)ctx;
	return (uint32_t)hpet_reg(HPET_MAIN_COUNTER);
}

/*
 * hpet_ref_init - map the HPET at base, check its period, start the main counter if the
 * firmware left it stopped, and describe it in *ref. Returns 0, -ENOMEM (no address
 * space) or -ENODEV (period outside the specification: absent or broken) with *why.
 * Boot, after mm.
 */
int hpet_ref_init(paddr_t base, struct clock_ref *ref, const char **why)
{
	uint64_t cap, period;

	hpet = ioremap(base, HPET_MMIO_SIZE, PG_CACHE_UC);
	if (!hpet) {
		*why = "no address space to map it";
		return -ENOMEM;
	}
	cap = hpet_reg(HPET_GCAP_ID);
	period = cap >> HPET_GCAP_PERIOD_SHIFT;
	if (!period || period > HPET_MAX_PERIOD_FS) {
		iounmap((void *)hpet);
		hpet = NULL;
		*why = "counter period out of range";
		return -ENODEV;
	}
	hpet_quiet(cap);
	if (!(hpet_reg(HPET_GEN_CONF) & HPET_CONF_ENABLE_CNF))
		hpet_reg_write(HPET_GEN_CONF, hpet_reg(HPET_GEN_CONF) | HPET_CONF_ENABLE_CNF);
	ref->name = "HPET";
	ref->hz = FS_PER_S / period;
	ref->bits = 32;
	ref->read = hpet_read;
	ref->ctx = NULL;
	return 0;
}
