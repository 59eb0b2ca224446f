// SPDX-License-Identifier: MIT
/*
 * The real local APIC code (src/arch/x86_64/cpu/apic.c) against a simulated CPU: an MSR
 * file that behaves as IA32_APIC_BASE says (x2APIC MSRs exist only with EXTD set, as a real
 * CPU faults on them otherwise) and a register page for xAPIC mode. QEMU's TCG has no
 * x2APIC, so this is where the mode firmware leaves on with VT-d is tested: registers as
 * MSRs, the 32-bit ID, nothing mapped, an ID above 255 or a CPU without x2APIC refused; and
 * the xAPIC path still on its page, never on an MSR. In x2APIC mode the simulation also
 * keeps the in-service registers as a CPU does: an EOI clears the highest bit set (or
 * none, for a register the test makes stick), so the EOIs the code sends are checked
 * against what was in service.
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
/* An EOI clears nothing (a broken APIC) for 1000 EOIs, then the bit lets go: a drain
 * without a bound then fails its check instead of hanging the test. */
static bool isr_stuck;
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

#define ISR_MSR(v) ((LAPIC_ISR + LAPIC_ISR_STRIDE * ((v) / 32)) >> 4)

static void set_in_service(unsigned int vector) { x2msr[ISR_MSR(vector)] |= 1ull << (vector % 32); }

static bool is_in_service(unsigned int vector)
{
	return x2msr[ISR_MSR(vector)] >> (vector % 32) & 1;
}

/* An EOI ends the highest vector in service (Intel SDM vol. 3A, 11.8.5). */
static void sim_eoi(void)
{
	if (isr_stuck && eoi_writes > 1000)
		isr_stuck = false;
	for (int v = 255; v >= 0 && !isr_stuck; v--) {
		if (is_in_service((unsigned int)v)) {
			x2msr[ISR_MSR(v)] &= ~(1ull << (v % 32));
			return;
		}
	}
}

void wrmsr(uint32_t msr, uint64_t v)
{
	if (msr == MSR_APIC_BASE) {
		apic_base = v;
	} else if (msr >= X2APIC_MSR_BASE && msr < X2APIC_MSR_BASE + 0x100 &&
		   (apic_base & APIC_BASE_X2APIC_ENABLE)) {
		x2_accesses++;
		if (msr == lapic_x2apic_msr(LAPIC_EOI)) {
			CHECK_EQ(v, 0u); /* anything else raises #GP in x2APIC mode */
			eoi_writes++;
			sim_eoi();
			return;
		}
		x2msr[msr - X2APIC_MSR_BASE] = v;
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
	isr_stuck = false;
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
		{ LAPIC_ISR, 0x810 },
		{ LAPIC_ISR + 7 * LAPIC_ISR_STRIDE, 0x817 },
		{ LAPIC_LVT_CMCI, 0x82f },
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
	CHECK_EQ(x2msr[LAPIC_LVT_LINT1 >> 4], LAPIC_LVT_DM_NMI); /* no NMI entry: the PC's wiring */
	CHECK(x2msr[LAPIC_LVT_TIMER >> 4] & LAPIC_LVT_MASKED);
	CHECK(x2msr[LAPIC_LVT_THERMAL >> 4] & LAPIC_LVT_MASKED); /* max LVT 5: it exists */
	CHECK_EQ(x2msr[LAPIC_LVT_CMCI >> 4], 0u);                /* CMCI does not: untouched */
	CHECK_EQ(eoi_writes, 0u);                                /* nothing was in service */
	lapic_eoi();
	CHECK_EQ(eoi_writes, 1u);
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

/* A local APIC with a CMCI entry (max LVT 6, as Intel CPUs with corrected machine-check
 * interrupts report) that the firmware left unmasked on vector 0xe3: masked by
 * lapic_enable and by the virtual wire set-up alike. */
static void cmci_masked(void)
{
	struct irq_model model = { 0 };
	const char *why = NULL;

	fresh(BASE_X2APIC, true);
	x2msr[LAPIC_VERSION >> 4] = 0x60015;
	x2msr[LAPIC_LVT_CMCI >> 4] = 0xe3;
	CHECK_EQ(lapic_init(&model, &why), 0);
	lapic_enable(&model);
	CHECK(x2msr[LAPIC_LVT_CMCI >> 4] & LAPIC_LVT_MASKED);

	fresh(BASE_X2APIC, true);
	x2msr[LAPIC_VERSION >> 4] = 0x60015;
	x2msr[LAPIC_LVT_CMCI >> 4] = 0xe3;
	CHECK_EQ(lapic_init(NULL, &why), 0);
	lapic_enable_virtual_wire();
	CHECK(x2msr[LAPIC_LVT_CMCI >> 4] & LAPIC_LVT_MASKED);
	CHECK_EQ(bad_accesses, 0u);
}

/* LINT0/LINT1 after lapic_enable on the boot CPU (APIC ID 2, ACPI UID 5):
 * - the MADT's entry for every CPU on LINT1, active low: NMI with that polarity;
 * - an entry for this CPU's UID on LINT0: LINT0 is NMI and LINT1 stays masked;
 * - entries only for other UIDs (also 0x105, a 32-bit x2APIC UID whose low byte is 5) or
 *   none at all: LINT1 is NMI, edge, active high, the wiring of every PC (masked, the
 *   chipset's NMIs would be lost); LINT0 masked in every case without an entry. */
static void lint_nmi(void)
{
	struct irq_model model = { .present = true, .cpu_ids = 1, .cpus = { { 5, 2 } } };
	const char *why = NULL;
	static const struct {
		struct acpi_lapic_nmi nmi;
		unsigned int count;
		uint32_t lint0, lint1;
	} cases[] = {
		{ { ACPI_UID_ALL, 1, ACPI_MPS_POLARITY_LOW },
		  1,
		  LAPIC_LVT_DM_EXTINT | LAPIC_LVT_MASKED,
		  LAPIC_LVT_DM_NMI | LAPIC_LVT_POLARITY_LOW },
		{ { 5, 0, 0 }, 1, LAPIC_LVT_DM_NMI, LAPIC_LVT_DM_FIXED | LAPIC_LVT_MASKED },
		{ { 9, 1, 0 }, 1, LAPIC_LVT_DM_EXTINT | LAPIC_LVT_MASKED, LAPIC_LVT_DM_NMI },
		{ { 0x105, 0, 0 }, 1, LAPIC_LVT_DM_EXTINT | LAPIC_LVT_MASKED, LAPIC_LVT_DM_NMI },
		{ { 0, 0, 0 }, 0, LAPIC_LVT_DM_EXTINT | LAPIC_LVT_MASKED, LAPIC_LVT_DM_NMI },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fresh(BASE_X2APIC, true);
		x2msr[LAPIC_ID >> 4] = 2;
		x2msr[LAPIC_VERSION >> 4] = 0x50014;
		model.lapic_nmi_count = cases[i].count;
		model.lapic_nmis[0] = cases[i].nmi;
		CHECK_EQ(lapic_init(&model, &why), 0);
		lapic_enable(&model);
		CHECK_EQ(x2msr[LAPIC_LVT_LINT0 >> 4], cases[i].lint0);
		CHECK_EQ(x2msr[LAPIC_LVT_LINT1 >> 4], cases[i].lint1);
	}
}

/* The firmware hands over with three vectors in service (0x31 from a keyboard interrupt,
 * 0xd0 from an MSI, 0xef from its own timer): lapic_enable ends all three, one EOI each,
 * highest first, so none blocks its priority class; the virtual wire set-up does the same. */
static void firmware_leftovers_drained(void)
{
	struct irq_model model = { 0 };
	const char *why = NULL;

	fresh(BASE_X2APIC, true);
	x2msr[LAPIC_VERSION >> 4] = 0x50014;
	set_in_service(0x31);
	set_in_service(0xd0);
	set_in_service(0xef);
	CHECK_EQ(lapic_init(&model, &why), 0);
	lapic_enable(&model);
	CHECK_EQ(eoi_writes, 3u);
	for (unsigned int i = 0; i < LAPIC_ISR_REGS; i++)
		CHECK_EQ(x2msr[(LAPIC_ISR >> 4) + i], 0u);

	fresh(BASE_X2APIC, true);
	x2msr[LAPIC_VERSION >> 4] = 0x50014;
	set_in_service(0x40);
	set_in_service(0x41);
	CHECK_EQ(lapic_init(NULL, &why), 0);
	lapic_enable_virtual_wire();
	CHECK_EQ(eoi_writes, 2u);
	CHECK(!is_in_service(0x40) && !is_in_service(0x41));
}

/* An in-service bit that no EOI clears (a broken or badly emulated APIC): the drain gives
 * up after one EOI per vector, 256, instead of hanging the boot; the APIC is still enabled. */
static void stuck_in_service_bounded(void)
{
	struct irq_model model = { 0 };
	const char *why = NULL;

	fresh(BASE_X2APIC, true);
	x2msr[LAPIC_VERSION >> 4] = 0x50014;
	set_in_service(0x80);
	isr_stuck = true;
	CHECK_EQ(lapic_init(&model, &why), 0);
	lapic_enable(&model);
	CHECK_EQ(eoi_writes, 256u);
	CHECK(lapic_in_use());
}

/* Vectors no source of LiOS uses (0xe5; 0xf5 above the tick's 0xf0): delivered by the
 * local APIC, it holds them in service and the EOI ends them; raised by an INT instruction
 * or through the 8259s, nothing is in service and no EOI is sent (it would end another
 * vector, here 0x31, whose handler is still to EOI it). Before lapic_enable: never. */
static void eoi_only_if_in_service(void)
{
	struct irq_model model = { 0 };
	const char *why = NULL;

	fresh(BASE_X2APIC, true);
	x2msr[LAPIC_VERSION >> 4] = 0x50014;
	CHECK_EQ(lapic_init(&model, &why), 0);
	set_in_service(0xe5);
	CHECK(!lapic_eoi_if_in_service(0xe5)); /* not enabled yet: not in use */
	CHECK_EQ(eoi_writes, 0u);
	x2msr[ISR_MSR(0xe5)] = 0;
	lapic_enable(&model);

	set_in_service(0xe5);
	CHECK(lapic_eoi_if_in_service(0xe5));
	CHECK_EQ(eoi_writes, 1u);
	CHECK(!is_in_service(0xe5));

	set_in_service(0xf5);
	CHECK(lapic_eoi_if_in_service(0xf5));
	CHECK_EQ(eoi_writes, 2u);
	CHECK(!is_in_service(0xf5));

	set_in_service(0x31); /* a keyboard interrupt in service, a stray INT 0xe5 arrives */
	CHECK(!lapic_eoi_if_in_service(0xe5));
	CHECK_EQ(eoi_writes, 2u);
	CHECK(is_in_service(0x31));
	CHECK(!lapic_eoi_if_in_service(0x100)); /* not a vector */
	CHECK_EQ(bad_accesses, 0u);
}

/* The same decision in xAPIC mode, from the ISR registers on the mapped page: an EOI is
 * written (the EOI register's sentinel overwritten with 0) only for a vector in service. */
static void eoi_only_if_in_service_xapic(void)
{
	struct irq_model model = { 0 };
	const char *why = NULL;

	fresh(BASE_XAPIC, true);
	page[LAPIC_VERSION / 4] = 0x50014;
	CHECK_EQ(lapic_init(&model, &why), 0);
	lapic_enable(&model);
	page[LAPIC_EOI / 4] = 0xdead;
	CHECK(!lapic_eoi_if_in_service(0xe7));
	CHECK_EQ(page[LAPIC_EOI / 4], 0xdeadu);
	page[(LAPIC_ISR + LAPIC_ISR_STRIDE * 7) / 4] = 1u << (0xe7 % 32);
	CHECK(lapic_eoi_if_in_service(0xe7));
	CHECK_EQ(page[LAPIC_EOI / 4], 0u);
	CHECK_EQ(x2_accesses, 0u);
	lapic_release();
}

int main(void)
{
	RUN(msr_numbers);
	RUN(xapic_mode);
	RUN(x2apic_mode);
	RUN(x2apic_virtual_wire);
	RUN(x2apic_refused);
	RUN(lint_nmi);
	RUN(cmci_masked);
	RUN(firmware_leftovers_drained);
	RUN(stuck_in_service_bounded);
	RUN(eoi_only_if_in_service);
	RUN(eoi_only_if_in_service_xapic);
	return unit_summary();
}
