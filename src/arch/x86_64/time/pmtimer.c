// SPDX-License-Identifier: MIT
/*
 * The ACPI power management timer as a calibration reference (ACPI 6.5, section 4.8.3.3):
 * a free-running counter at 3.579545 MHz in an I/O port, 24 bits wide unless the FADT's
 * TMR_VAL_EXT flag says 32. It wraps every 4.7 s (24 bits); clock_calibrate counts across
 * the wrap. It raises nothing here (its overflow event belongs to the SCI, not used). The
 * port comes from the FADT through kmain (struct clock_hw).
 */
#include <arch/io.h>
#include "time_internal.h"

#define PM_TIMER_HZ 3579545u

static uint16_t pm_port;
static uint32_t pm_mask;

static uint64_t pmtimer_read(void *ctx)
{
	(void)ctx;
	return inl(pm_port) & pm_mask;
}

/* pmtimer_ref_init - describe the PM timer at 'port' (bits32: TMR_VAL_EXT) in *ref.
 * Nothing is written to the hardware. Boot. */
void pmtimer_ref_init(uint16_t port, bool bits32, struct clock_ref *ref)
{
	pm_port = port;
	pm_mask = bits32 ? 0xffffffffu : 0xffffffu;
	ref->name = "ACPI PM timer";
	ref->hz = PM_TIMER_HZ;
	ref->bits = bits32 ? 32 : 24;
	ref->read = pmtimer_read;
	ref->ctx = NULL;
}
