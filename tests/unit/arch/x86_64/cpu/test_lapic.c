// SPDX-License-Identifier: MIT
/*
 * The real local APIC code (src/arch/x86_64/cpu/apic.c) against a simulated CPU: an MSR
 * file that behaves as IA32_APIC_BASE says (x2APIC MSRs exist only with EXTD set, as a real
 * CPU faults on them otherwise) and a register page for xAPIC mode. QEMU's TCG has no
 * x2APIC, so this is where the mode firmware leaves on with VT-d is tested: registers as
 * MSRs, the 32-bit ID, nothing mapped, an ID above 255 or a CPU without x2APIC refused; and
 * the xAPIC path still on its page, never on an MSR.
 */
#include <lios/cpu_features.h>
#include <lios/errno.h>
#include <lios/irq_model.h>
#include <lios/vmalloc.h>
#include <arch/msr.h>
#include <arch/trap.h>
#include <lios/paging.h>
#include <string.h>
#include "../../../unit.h"
#include "apic.h"

#define BASE_XAPIC (0xfee00000ull | APIC_BASE_GLOBAL_ENABLE | APIC_BASE_BSP)
#define BASE_X2APIC (BASE_XAPIC | APIC_BASE_X2APIC_ENABLE)

static struct cpu_features features;
static uint64_t apic_base;
static uint64_t x2msr[0x100]; /* 0x800-0x8ff */
static unsigned int x2_accesses, bad_accesses, eoi_writes;
static uint32_t page[LAPIC_MMIO_SIZE / 4];
static unsigned int maps, unmaps;

const struct cpu_features *cpu_features(void) { return &features; }

uint64_t rdmsr(uint32_t msr)
{
	if (msr == MSR_APIC_BASE)
		return apic_base;
	if (msr >= X2APIC_MSR_BASE && msr < X2APIC_MSR_BASE + 0x100 &&
	    (apic_base & APIC_BASE_X2APIC_ENABLE)) {
		x2_accesses++;
		return x2msr[msr - X2APIC_MSR_BASE];
	}
	bad_accesses++; /* a real CPU raises #GP */
	return 0;
}

void wrmsr(uint32_t msr, uint64_t v)
{
	if (msr == MSR_APIC_BASE) {
		apic_base = v;
	} else if (msr >= X2APIC_MSR_BASE && msr < X2APIC_MSR_BASE + 0x100 &&
		   (apic_base & APIC_BASE_X2APIC_ENABLE)) {
		x2_accesses++;
		x2msr[msr - X2APIC_MSR_BASE] = v;
		eoi_writes += msr == lapic_x2apic_msr(LAPIC_EOI);
	} else {
		bad_accesses++;
	}
}

void *ioremap(paddr_t phys, size_t size, unsigned cache)
{
	CHECK_EQ(phys, 0xfee00000ull);
	CHECK(size >= LAPIC_MMIO_SIZE);
	CHECK_EQ(cache, PG_CACHE_UC);
	maps++;
	return page;
}

void iounmap(void *p)
{
	CHECK(p == page);
	unmaps++;
}

static void fresh(uint64_t base, bool x2apic_cpuid)
{
	lapic_release();
	memset(&features, 0, sizeof(features));
	features.apic = true;
	features.x2apic = x2apic_cpuid;
	apic_base = base;
	memset(x2msr, 0, sizeof(x2msr));
	memset(page, 0, sizeof(page));
	x2_accesses = bad_accesses = eoi_writes = maps = unmaps = 0;
}

/* The MSR numbers of every register LiOS touches, as the SDM's table 11-6 lists them. */
static void msr_numbers(void)
{
	static const struct {
		unsigned int reg;
		uint32_t msr;
	} sdm[] = {
		{ LAPIC_ID, 0x802 },
		{ LAPIC_VERSION, 0x803 },
		{ LAPIC_TPR, 0x808 },
		{ LAPIC_EOI, 0x80b },
		{ LAPIC_SVR, 0x80f },
		{ LAPIC_LVT_TIMER, 0x832 },
		{ LAPIC_LVT_THERMAL, 0x833 },
		{ LAPIC_LVT_PERF, 0x834 },
		{ LAPIC_LVT_LINT0, 0x835 },
		{ LAPIC_LVT_LINT1, 0x836 },
		{ LAPIC_LVT_ERROR, 0x837 },
		{ LAPIC_TIMER_INITIAL, 0x838 },
		{ LAPIC_TIMER_CURRENT, 0x839 },
		{ LAPIC_TIMER_DIVIDE, 0x83e },
	};

	for (size_t i = 0; i < sizeof(sdm) / sizeof(sdm[0]); i++)
		CHECK_EQ(lapic_x2apic_msr(sdm[i].reg), sdm[i].msr);
}

/* xAPIC: the page IA32_APIC_BASE names is mapped and written; no x2APIC MSR is touched. */
static void xapic_mode(void)
{
	struct irq_model model = { 0 };
	const char *why = NULL;

	fresh(BASE_XAPIC, true);
	page[LAPIC_ID / 4] = 3u << LAPIC_ID_SHIFT;
	page[LAPIC_VERSION / 4] = 0x50014;
	CHECK_EQ(lapic_init(&model, &why), 0);
	CHECK_EQ(maps, 1u);
	CHECK(!lapic_x2apic_mode());
	CHECK_EQ(lapic_id(), 3u);
	lapic_enable(&model);
	CHECK(lapic_in_use());
	CHECK_EQ(page[LAPIC_SVR / 4], LAPIC_SVR_APIC_ENABLE | VEC_SPURIOUS);
	CHECK(page[LAPIC_LVT_LINT0 / 4] & LAPIC_LVT_MASKED);
	CHECK(page[LAPIC_LVT_TIMER / 4] & LAPIC_LVT_MASKED);
	CHECK_EQ(lapic_phys(), 0xfee00000ull);
	CHECK_EQ(x2_accesses, 0u);
	CHECK_EQ(bad_accesses, 0u);
	lapic_release();
	CHECK_EQ(unmaps, 1u);
}

/* x2APIC left on by firmware: nothing mapped, every register an MSR, the ID unshifted. */
static void x2apic_mode(void)
{
	struct irq_model model = { 0 };
	const char *why = NULL;

	fresh(BASE_X2APIC, true);
	x2msr[LAPIC_ID >> 4] = 7;
	x2msr[LAPIC_VERSION >> 4] = 0x50014;
	x2msr[LAPIC_LVT_LINT0 >> 4] = LAPIC_LVT_DM_EXTINT;
	CHECK_EQ(lapic_init(&model, &why), 0);
	CHECK_EQ(maps, 0u);
	CHECK(lapic_x2apic_mode());
	CHECK_EQ(lapic_id(), 7u);
	lapic_enable(&model);
	CHECK(lapic_in_use());
	CHECK_EQ(x2msr[LAPIC_SVR >> 4], LAPIC_SVR_APIC_ENABLE | VEC_SPURIOUS);
	CHECK_EQ(x2msr[LAPIC_TPR >> 4], 0u);
	CHECK(x2msr[LAPIC_LVT_LINT0 >> 4] & LAPIC_LVT_MASKED);
	CHECK(x2msr[LAPIC_LVT_LINT1 >> 4] & LAPIC_LVT_MASKED);
	CHECK(x2msr[LAPIC_LVT_TIMER >> 4] & LAPIC_LVT_MASKED);
	CHECK(x2msr[LAPIC_LVT_THERMAL >> 4] & LAPIC_LVT_MASKED); /* max LVT 5: it exists */
	CHECK_EQ(eoi_writes, 1u);                                /* what firmware left in service */
	lapic_eoi();
	CHECK_EQ(eoi_writes, 2u);
	CHECK_EQ(x2msr[LAPIC_EOI >> 4], 0u);
	CHECK_EQ(lapic_svr(), LAPIC_SVR_APIC_ENABLE | VEC_SPURIOUS);
	CHECK_EQ(lapic_phys(), 0xfee00000ull);
	CHECK_EQ(bad_accesses, 0u);
	CHECK(x2_accesses > 0);
	/* the timer code's registers go to their MSRs too */
	lapic_reg_write(LAPIC_TIMER_INITIAL, 12345);
	CHECK_EQ(x2msr[0x38], 12345u);
	lapic_release();
	CHECK_EQ(unmaps, 0u);
	CHECK(!lapic_in_use());
}

/* Beside the 8259s (virtual wire) in x2APIC mode: LINT0 ExtINT unmasked, as in xAPIC. */
static void x2apic_virtual_wire(void)
{
	const char *why = NULL;

	fresh(BASE_X2APIC, true);
	x2msr[LAPIC_VERSION >> 4] = 0x50014;
	CHECK_EQ(lapic_init(NULL, &why), 0);
	lapic_enable_virtual_wire();
	CHECK_EQ(x2msr[LAPIC_LVT_LINT0 >> 4], LAPIC_LVT_DM_EXTINT);
	CHECK_EQ(x2msr[LAPIC_LVT_LINT1 >> 4], LAPIC_LVT_DM_NMI);
	CHECK_EQ(lapic_lvt(LAPIC_LVT_LINT0), LAPIC_LVT_DM_EXTINT);
	CHECK_EQ(bad_accesses, 0u);
}

/* An ID an MSI or an I/O APIC entry cannot name, or a CPU that says it has no x2APIC:
 * refused, with nothing written (the 8259 fallback keeps the firmware's state). */
static void x2apic_refused(void)
{
	const char *why = NULL;

	fresh(BASE_X2APIC, true);
	x2msr[LAPIC_ID >> 4] = 300;
	CHECK_EQ(lapic_init(NULL, &why), -ENODEV);
	CHECK(why && strstr(why, "above 255"));
	CHECK(!lapic_in_use());
	CHECK_EQ(lapic_id(), 0u);
	CHECK_EQ(maps, 0u);
	CHECK_EQ(apic_base, BASE_X2APIC);

	fresh(BASE_X2APIC, false);
	why = NULL;
	CHECK_EQ(lapic_init(NULL, &why), -ENODEV);
	CHECK(why && strstr(why, "without x2APIC"));
	CHECK_EQ(x2_accesses, 0u);
}

int main(void)
{
	RUN(msr_numbers);
	RUN(xapic_mode);
	RUN(x2apic_mode);
	RUN(x2apic_virtual_wire);
	RUN(x2apic_refused);
	return unit_summary();
}
