/* SPDX-License-Identifier: MIT */
/*
 * The clock hardware the firmware describes (layer: arch; a plain description, filled by
 * kmain from the ACPI tables and handed to timer_init(); arch never includes <lios/acpi.h>
 * and the ACPI driver never includes this). Zero means "not described": timer_init() then
 * does without that source. The PIT and the TSC need no description: they are probed.
 */
#ifndef LIOS_CLOCK_H
#define LIOS_CLOCK_H

#include <lios/compiler.h>

struct clock_hw {
	paddr_t hpet_base;       /* HPET event timer block (ACPI HPET table), physical; 0 none */
	uint16_t pm_timer_port;  /* ACPI PM timer I/O port (FADT PM_TMR_BLK); 0 none */
	bool pm_timer_32bit;     /* FADT TMR_VAL_EXT: the PM timer counts 32 bits, not 24 */
};

#endif
