// SPDX-License-Identifier: MIT
/*
 * In-kernel self-tests of the interrupt backend choice and of the APIC path: the backend
 * is the one the MADT, the CPU and the command line call for; with the I/O APIC, the local
 * APIC is software-enabled with the spurious vector 0xff, the 8259s are fully masked, each
 * redirection entry is unmasked exactly while its line has a handler, and the tick arrives
 * (through the I/O APIC when the PIT is the tick, on the local vector when the local APIC
 * timer is). On the 8259 backend the I/O APIC cases are skipped; the local APIC is used
 * there only in virtual wire mode, for its timer.
 */
#include <arch/cpu.h>
#include <arch/msr.h>
#include <arch/trap.h>
#include <lios/arch.h>
#include <lios/cmdline.h>
#include <lios/cpu_features.h>
#include <lios/errno.h>
#include <lios/irq.h>
#include <lios/selftest.h>
#include <lios/time.h>
#include <lios/timer.h>
#include "apic.h"
#include "pic.h"

#define TEST_FREE_LINE 5   /* ISA line 5: nothing in LiOS drives it */
#define TEST_UNUSED_LINE 3 /* COM2: never registered */

static void dummy_handler(unsigned int irq, void *ctx) { (void)irq, (void)ctx; }

static void require_apic(void)
{
	if (irq_backend() != IRQ_BACKEND_IOAPIC)
		ktest_skip("8259 backend");
}

/* The backend is the I/O APIC exactly when the MADT is intact and lists an I/O APIC, the
 * CPU has a local APIC (in xAPIC mode, or in x2APIC mode with an ID up to 255) and `noapic`
 * was not given; the 8259s otherwise. */
KTEST(apic, backend_matches_madt_and_cmdline)
{
	const struct irq_model *a = irq_given_model();
	bool want;

	want = !cmdline_has("noapic") && a && a->present && !a->truncated && a->ioapic_count &&
	       cpu_features()->apic &&
	       (!(rdmsr(MSR_APIC_BASE) & APIC_BASE_X2APIC_ENABLE) ||
		rdmsr(lapic_x2apic_msr(LAPIC_ID)) <= 0xff);
	KEXPECT(irq_backend() == (want ? IRQ_BACKEND_IOAPIC : IRQ_BACKEND_PIC));
	if (irq_backend() == IRQ_BACKEND_PIC) {
		uint8_t id;
		paddr_t phys;
		unsigned int inputs;

		/* the 8259 backend maps no I/O APIC; the local APIC only for its timer, in
		 * virtual wire mode (LINT0 ExtINT, unmasked), and not at all with nolapic_timer */
		KEXPECT(!ioapic_describe(0, &id, &phys, &inputs));
		if (cmdline_has("nolapic_timer") || !cpu_features()->apic)
			KEXPECT(!lapic_in_use());
		if (lapic_in_use())
			KEXPECT(lapic_lvt(LAPIC_LVT_LINT0) == LAPIC_LVT_DM_EXTINT);
	}
}

/* The local APIC is enabled in IA32_APIC_BASE and by software (SVR bit 8) with vector 0xff;
 * LINT0 (the 8259s' ExtINT path) is masked; the MMIO page is the one the MSR names. */
KTEST(apic, local_apic_enabled)
{
	uint32_t svr;

	require_apic();
	svr = lapic_svr();
	KEXPECT(svr & LAPIC_SVR_APIC_ENABLE);
	KEXPECT((svr & LAPIC_SVR_VECTOR_MASK) == VEC_SPURIOUS);
	KEXPECT(lapic_lvt(LAPIC_LVT_LINT0) & LAPIC_LVT_MASKED);
	/* the timer's entry is the tick's (time/tick_selftest.c checks it) */
	KEXPECT(rdmsr(MSR_APIC_BASE) & APIC_BASE_GLOBAL_ENABLE);
	KEXPECT((rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR_MASK) == lapic_phys());
	KEXPECT((lapic_version() & LAPIC_VERSION_MASK) >= 0x10); /* an integrated APIC */
}

/* With the I/O APIC, both 8259s hold every line masked, the cascade included. */
KTEST(apic, pic_fully_masked)
{
	require_apic();
	KEXPECT(pic_get_mask() == 0xffff);
}

/* The timer's entry (unmasked exactly when PIT channel 0 is the tick) is on vector 32, fixed delivery to this CPU, edge; an unused
 * line's entry is masked; registering a free line unmasks its entry, unregistering masks
 * it again; the mask state read back agrees line by line. */
KTEST(apic, redirection_entries_follow_handlers)
{
	uint64_t e;

	require_apic();
	KASSERT(ioapic_line_routed(IRQ_TIMER));
	e = ioapic_line_entry(IRQ_TIMER);
	/* IRQ 0 has a handler only when PIT channel 0 is the tick */
	KEXPECT(!(e & IOAPIC_RTE_MASKED) == irq_has_handler(IRQ_TIMER));
	KEXPECT((e & IOAPIC_RTE_VECTOR_MASK) == VEC_IRQ_BASE + IRQ_TIMER);
	KEXPECT((e & IOAPIC_RTE_DELMOD_MASK) == IOAPIC_RTE_DELMOD_FIXED);
	KEXPECT(!(e & IOAPIC_RTE_DESTMOD_LOGICAL) && !(e & IOAPIC_RTE_TRIGGER_LEVEL));
	KEXPECT((e >> IOAPIC_RTE_DEST_SHIFT) == lapic_id());
	if (ioapic_line_routed(TEST_UNUSED_LINE))
		KEXPECT(ioapic_line_entry(TEST_UNUSED_LINE) & IOAPIC_RTE_MASKED);
	KEXPECT(!ioapic_line_routed(IRQ_CASCADE));

	if (!ioapic_line_routed(TEST_FREE_LINE))
		ktest_skip("line 5 has no I/O APIC input");
	KEXPECT(ioapic_line_entry(TEST_FREE_LINE) & IOAPIC_RTE_MASKED);
	KASSERT(irq_register(TEST_FREE_LINE, dummy_handler, NULL) == 0);
	e = ioapic_line_entry(TEST_FREE_LINE);
	KEXPECT(!(e & IOAPIC_RTE_MASKED));
	KEXPECT((e & IOAPIC_RTE_VECTOR_MASK) == VEC_IRQ_BASE + TEST_FREE_LINE);
	KEXPECT(!(irq_mask_state() & (1u << TEST_FREE_LINE)));
	irq_unregister(TEST_FREE_LINE);
	KEXPECT(ioapic_line_entry(TEST_FREE_LINE) & IOAPIC_RTE_MASKED);
	KEXPECT(irq_mask_state() & (1u << TEST_FREE_LINE));
}

/* The tick arrives whatever drives it: through the I/O APIC when it is PIT channel 0 on
 * IRQ 0 (8259s fully masked, the entry unmasked), else on the local APIC timer's vector.
 * 10 ticks within a generous 5 s TSC deadline; polls instead of halting, so a route that
 * delivers nothing fails here instead of hanging the run. */
KTEST(apic, tick_arrives)
{
	uint64_t c0 = irq_count(IRQ_TIMER), t0 = timer_ticks();
	uint64_t dl = deadline_us(5000000);
	bool pit_tick = irq_has_handler(IRQ_TIMER);

	require_apic();
	if (!(read_rflags() & RFLAGS_IF))
		ktest_skip("interrupts disabled");
	if (!timer_report()->tick_hz)
		ktest_skip("no tick on this machine");
	KASSERT(pic_get_mask() == 0xffff);
	if (pit_tick)
		KASSERT(!(ioapic_line_entry(IRQ_TIMER) & IOAPIC_RTE_MASKED));
	else
		KASSERT(!(lapic_lvt(LAPIC_LVT_TIMER) & LAPIC_LVT_MASKED));
	while (timer_ticks() < t0 + 10 && !deadline_passed(dl))
		arch_cpu_relax();
	KEXPECT(timer_ticks() >= t0 + 10);
	if (pit_tick)
		KEXPECT(irq_count(IRQ_TIMER) >= c0 + 10);
}
