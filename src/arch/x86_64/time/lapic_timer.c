// SPDX-License-Identifier: MIT
/*
 * The local APIC timer as the tick (Intel SDM vol. 3A, 11.5.4): whenever the local APIC is
 * in use, on the I/O APIC backend or beside the 8259s. TSC-deadline mode when CPUID offers
 * it and the errata check allows it (tick_start.c; each tick arms the next deadline,
 * TSC-exact), else periodic mode with the initial count worked out from the timer's rate,
 * measured against the same reference as the TSC (it runs free and masked during that
 * calibration, see lapic_timer_free_run). The tick
 * arrives on the local vector VEC_LAPIC_TIMER, which irq.c hands to
 * timer_local_interrupt() and acknowledges at the local APIC.
 */
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/msr.h>
#include <arch/trap.h>
#include <lios/errno.h>
#include <lios/timer.h>
#include "time_internal.h"

#define MSR_TSC_DEADLINE 0x6e0u     /* IA32_TSC_DEADLINE */
#define LAPIC_COUNT_MAX 0xffffffffu
#define LAPIC_MIN_COUNT 16          /* a tick period shorter than this is no timer */

static bool deadline_mode;
static uint64_t deadline_period;    /* TSC cycles per tick (TSC-deadline mode) */
static uint64_t next_deadline;

/* lapic_timer_usable - the local APIC is mapped and enabled (irq_init decided). */
bool lapic_timer_usable(void) { return lapic_in_use(); }

/* lapic_timer_free_run - one-shot, masked, divide by 16, counting down from the top: a
 * counter to sample during calibration (it lasts 68 s at QEMU's 1 GHz bus clock / 16, far
 * longer than a calibration window). Boot, interrupts off. */
void lapic_timer_free_run(void)
{
	lapic_reg_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | LAPIC_LVT_TIMER_ONESHOT | VEC_LAPIC_TIMER);
	lapic_reg_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_16);
	lapic_reg_write(LAPIC_TIMER_INITIAL, LAPIC_COUNT_MAX);
}

/* lapic_timer_read - the free-running count as an up-counter (32 bits). Any context. */
uint64_t lapic_timer_read(void *ctx)
{
	(void)ctx;
	return LAPIC_COUNT_MAX - lapic_reg_read(LAPIC_TIMER_CURRENT);
}

/*
 * lapic_timer_start - start the tick. tsc_deadline: TSC-deadline mode, one deadline per
 * tick, tsc_hz / TIMER_HZ cycles apart; otherwise periodic with initial count
 * lapic_hz / TIMER_HZ (lapic_hz: the timer's input after the divide-by-16). Returns 0, or
 * -EINVAL when the period does not fit the counter. Boot, interrupts off.
 */
int lapic_timer_start(uint64_t lapic_hz, uint64_t tsc_hz, bool tsc_deadline)
{
	uint64_t count = (lapic_hz + TIMER_HZ / 2) / TIMER_HZ;

	lapic_reg_write(LAPIC_TIMER_INITIAL, 0); /* stop the free run */
	if (tsc_deadline && tsc_hz) {
		deadline_mode = true;
		deadline_period = tsc_hz / TIMER_HZ;
		lapic_reg_write(LAPIC_LVT_TIMER, LAPIC_LVT_TIMER_TSC_DEADLINE | VEC_LAPIC_TIMER);
		/* In xAPIC mode the LVT write is an uncached store and WRMSR does not wait for
		 * it: a deadline written before the APIC is in TSC-deadline mode is dropped (the
		 * MSR ignores writes in the other modes) and the tick never comes. The SDM
		 * (vol. 3A, 11.5.4.1) orders them with MFENCE. In x2APIC mode the LVT write is a
		 * WRMSR itself, which the CPU keeps in order: the fence costs nothing there. */
		mfence();
		next_deadline = rdtsc() + deadline_period;
		wrmsr(MSR_TSC_DEADLINE, next_deadline);
		return 0;
	}
	if (count < LAPIC_MIN_COUNT || count > LAPIC_COUNT_MAX)
		return -EINVAL;
	deadline_mode = false;
	lapic_reg_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_16);
	lapic_reg_write(LAPIC_LVT_TIMER, LAPIC_LVT_TIMER_PERIODIC | VEC_LAPIC_TIMER);
	lapic_reg_write(LAPIC_TIMER_INITIAL, (uint32_t)count);
	return 0;
}

/* lapic_timer_stop - no more ticks: the timer masked and stopped, no deadline armed.
 * Interrupts off. */
void lapic_timer_stop(void)
{
	lapic_reg_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | LAPIC_LVT_TIMER_ONESHOT | VEC_LAPIC_TIMER);
	lapic_reg_write(LAPIC_TIMER_INITIAL, 0);
	if (deadline_mode)
		wrmsr(MSR_TSC_DEADLINE, 0);
	deadline_mode = false;
}

/* lapic_timer_set_tsc_hz - in TSC-deadline mode, the deadlines from the next one on
 * tsc_hz / TIMER_HZ cycles apart (the TSC rate refined); nothing in periodic mode.
 * Interrupts off. */
void lapic_timer_set_tsc_hz(uint64_t tsc_hz)
{
	if (deadline_mode && tsc_hz)
		deadline_period = tsc_hz / TIMER_HZ;
}

/* lapic_timer_deadline_mode - the tick runs in TSC-deadline mode. Any context. */
bool lapic_timer_deadline_mode(void) { return deadline_mode; }

/*
 * timer_local_interrupt - the tick, from irq_dispatch (which sends the EOI). In TSC-deadline
 * mode the next deadline follows the last one; after a long stall (an emulator
 * descheduled) it is moved past now instead of firing a burst of late ticks. Interrupts
 * disabled.
 */
void timer_local_interrupt(void)
{
	tick_account();
	if (!deadline_mode)
		return;
	next_deadline += deadline_period;
	if ((int64_t)(next_deadline - rdtsc()) <= 0)
		next_deadline = rdtsc() + deadline_period;
	wrmsr(MSR_TSC_DEADLINE, next_deadline);
}
