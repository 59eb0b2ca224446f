// SPDX-License-Identifier: MIT
/*
 * In-kernel self-tests of the interrupt layer and the timer on the real (or emulated)
 * hardware, on whichever backend irq_init chose: the mask registers follow registrations,
 * bad registrations are refused, the tick advances while halted, and the TSC clock works
 * with interrupts disabled. The APIC specifics are in apic_selftest.c.
 */
#include <arch/cpu.h>
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/irq.h>
#include <lios/selftest.h>
#include <lios/timer.h>

#define TEST_FREE_LINE 5 /* ISA line 5: nothing in LiOS drives it */

static void dummy_handler(unsigned int irq, void *ctx) { (void)irq, (void)ctx; }

/* The hardware mask of the chosen backend shows a line unmasked exactly when it has a
 * handler; the cascade is unmasked on the 8259s and reads masked on the I/O APIC (no such
 * line there). (That the keyboard's line is the one with a handler is kbd's self-test.) */
KTEST(irq, pic_mask_matches_handlers)
{
	uint16_t mask = irq_mask_state();

	KEXPECT(!(mask & (1u << IRQ_CASCADE)) == (irq_backend() == IRQ_BACKEND_PIC));
	for (unsigned int i = 0; i < IRQ_LINES; i++)
		if (i != IRQ_CASCADE)
			KEXPECT(!(mask & (1u << i)) == irq_has_handler(i));
}

/* Registering unmasks the line, unregistering masks it again; the cascade, lines past 15,
 * a NULL handler and a taken line are refused. */
KTEST(irq, register_and_refuse)
{
	KEXPECT(irq_register(IRQ_CASCADE, dummy_handler, NULL) == -EINVAL);
	KEXPECT(irq_register(IRQ_LINES, dummy_handler, NULL) == -EINVAL);
	KEXPECT(irq_register(TEST_FREE_LINE, NULL, NULL) == -EINVAL);
	KEXPECT(irq_register(IRQ_TIMER, dummy_handler, NULL) == -EBUSY);

	KASSERT(irq_register(TEST_FREE_LINE, dummy_handler, NULL) == 0);
	KEXPECT(!(irq_mask_state() & (1u << TEST_FREE_LINE)));
	KEXPECT(irq_register(TEST_FREE_LINE, dummy_handler, NULL) == -EBUSY);
	irq_unregister(TEST_FREE_LINE);
	KEXPECT(irq_mask_state() & (1u << TEST_FREE_LINE));
	/* unmasking a line without a handler is refused */
	irq_unmask(TEST_FREE_LINE);
	KEXPECT(irq_mask_state() & (1u << TEST_FREE_LINE));
}

/* With interrupts enabled the tick advances and IRQ 0 counts every tick. Waits for 10
 * ticks with a 5 s bound: under emulation on a loaded host the PIT may lag the TSC, so the
 * bound is generous and no time ratio is asserted. */
KTEST(timer, ticks_advance)
{
	/* Read order matters: count before ticks at the start, ticks before count at the end,
	 * so a tick landing between two reads can only make the count look larger. */
	uint64_t c0 = irq_count(IRQ_TIMER), t0 = timer_ticks();
	uint64_t deadline = timer_uptime_us() + 5000000;

	if (!(read_rflags() & RFLAGS_IF))
		ktest_skip("interrupts disabled");
	while (timer_ticks() < t0 + 10 && timer_uptime_us() < deadline)
		arch_wait_for_interrupt();
	uint64_t t1 = timer_ticks(), c1 = irq_count(IRQ_TIMER);
	KEXPECT(t1 >= t0 + 10);
	KEXPECT(c1 - c0 >= t1 - t0);
	KEXPECT(timer_uptime_ms() > 0);
}

/* The calibrated clock runs with interrupts disabled: a 2 ms busy wait advances
 * timer_uptime_us by at least 2000 while the tick stands still. */
KTEST(timer, delay_without_interrupts)
{
	uint64_t flags, t0, ticks0;

	if (!timer_cycles_khz())
		ktest_skip("TSC not calibrated");
	flags = irq_save();
	ticks0 = timer_ticks();
	t0 = timer_uptime_us();
	timer_delay_us(2000);
	KEXPECT(timer_uptime_us() >= t0 + 2000);
	KEXPECT(timer_ticks() == ticks0);
	irq_restore(flags);
}
