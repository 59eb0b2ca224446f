/* SPDX-License-Identifier: MIT */
/*
 * Ending the machine (layer: top; src/kernel/init/power.c): the one place that knows the
 * order of the ways to reset or power off a PC. Callers (the shell) never reach for a
 * driver's reset line themselves.
 */
#ifndef LIOS_POWER_H
#define LIOS_POWER_H

#include <lios/compiler.h>

/* Restart: the ACPI reset register, else the 8042's reset line, else a triple fault. Each
 * step is logged with the reason the one before did not reset. Never returns. Thread
 * context. */
__noreturn void machine_reboot(void);
/* Power off through ACPI S5 when the firmware describes it. Returns only when it could not
 * (no ACPI, no \_S5: -ENODEV; the write did not take: -EIO; a sleep register that could
 * not be mapped: another error) after printing why; the caller decides whether to halt.
 * USB is stopped before S5 is tried (usb_shutdown), so after any error but -ENODEV no USB
 * keyboard is left. Thread context. */
int machine_poweroff(void);
/* Carry out what was asked for from interrupt context since the last call: a press of the
 * ACPI power button powers the machine off ("acpi: power button pressed: powering off"),
 * or says why it cannot and goes on (without USB when S5 was tried and failed). Returns
 * only when nothing ended the machine. Thread context: the shell calls it whenever it
 * waits for a key. */
void machine_power_requests(void);
/* Whether machine_power_requests() has something to do (an idle loop must not halt
 * then). Any context, interrupts off too. */
bool machine_power_request_pending(void);

#endif
