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
 * (no ACPI, no \_S5, or the write did not take): a negative error after printing why; the
 * caller decides whether to halt. USB is stopped before S5 is tried (usb_shutdown), so
 * after a failed write no USB keyboard is left. Thread context. */
int machine_poweroff(void);

#endif
