// SPDX-License-Identifier: MIT
/*
 * The HPET's main counter as a calibration reference (IA-PC HPET specification 1.0a,
 * section 2.3): the general capabilities register gives the counter period in femtoseconds,
 * the general configuration register starts the counter, and the main counter value is
 * read as its low 32 bits (a 32-bit view wraps after 42 s at QEMU's 100 MHz: far longer
 * than any calibration). None of its comparators is used: the HPET raises no interrupt.
 * The address comes from the ACPI HPET table through kmain (struct clock_hw).
 */
#include <lios/errno.h>
#include <lios/paging.h>
#include <lios/vmalloc.h>
#include "time_internal.h"

#define HPET_GCAP_ID 0x000           /* general capabilities and ID */
#define HPET_GCAP_PERIOD_SHIFT 32    /* COUNTER_CLK_PERIOD: femtoseconds per tick, 63-32 */
#define HPET_GCAP_COUNT_SIZE_CAP (1ull << 13) /* the main counter is 64 bits wide */
#define HPET_GEN_CONF 0x010          /* general configuration */
#define HPET_CONF_ENABLE_CNF (1ull << 0)
#define HPET_MAIN_COUNTER 0x0f0
#define HPET_MMIO_SIZE 0x400
#define HPET_MAX_PERIOD_FS 100000000ull /* the specification's limit: 100 ns (10 MHz) */
#define FS_PER_S 1000000000000000ull

static volatile uint64_t *hpet;

static uint64_t hpet_reg(unsigned int off) { return hpet[off / 8]; }

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
	if (!(hpet_reg(HPET_GEN_CONF) & HPET_CONF_ENABLE_CNF))
		hpet[HPET_GEN_CONF / 8] = hpet_reg(HPET_GEN_CONF) | HPET_CONF_ENABLE_CNF;
	ref->name = "HPET";
	ref->hz = FS_PER_S / period;
	ref->bits = 32;
	ref->read = hpet_read;
	ref->ctx = NULL;
	return 0;
}
