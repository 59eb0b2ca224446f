// SPDX-License-Identifier: MIT
/*
 * In-kernel self-tests of the interrupt layer on the real (or emulated) hardware, on
 * whichever backend irq_init chose: the mask registers follow registrations and bad
 * registrations are refused. The APIC specifics are in apic_selftest.c, the tick's in
 * time/tick_selftest.c.
 */
#include <lios/errno.h>
#include <lios/irq.h>
#include <lios/selftest.h>

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

	KASSERT(irq_register(TEST_FREE_LINE, dummy_handler, NULL) == 0);
	KEXPECT(!(irq_mask_state() & (1u << TEST_FREE_LINE)));
	KEXPECT(irq_register(TEST_FREE_LINE, dummy_handler, NULL) == -EBUSY);
	irq_unregister(TEST_FREE_LINE);
	KEXPECT(irq_mask_state() & (1u << TEST_FREE_LINE));
	/* unmasking a line without a handler is refused */
	irq_unmask(TEST_FREE_LINE);
	KEXPECT(irq_mask_state() & (1u << TEST_FREE_LINE));
}
