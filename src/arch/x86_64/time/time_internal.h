/* SPDX-License-Identifier: MIT */
/* Private interfaces between the files of src/arch/x86_64/time/. */
#ifndef TIME_INTERNAL_H
#define TIME_INTERNAL_H

#include <lios/compiler.h>
#include "clocksource.h"

/* hpet.c: maps the HPET at base, starts its main counter and fills *ref (32 bits read).
 * Returns 0, or -ENODEV/-ENOMEM with *why. Boot. */
int hpet_ref_init(paddr_t base, struct clock_ref *ref, const char **why);

/* pmtimer.c: the ACPI PM timer at I/O port 'port', 24 or 32 bits. Boot. */
void pmtimer_ref_init(uint16_t port, bool bits32, struct clock_ref *ref);

/* pit.c: channel 2 as a free-running reference (gate on, speaker off, no IRQ), and its
 * release (gate off); channel 0 as the TIMER_HZ tick on IRQ 0. pit_tick_start returns 0 or
 * the irq_register error; pit_tick_stop masks IRQ 0 and holds channel 0. Channel 0's count and reload value for the tick self-test. */
void pit_ch2_ref_init(struct clock_ref *ref);
void pit_ch2_release(void);
int pit_tick_start(void);
void pit_tick_stop(void);
uint32_t pit_ch0_count(void);     /* channel 0's count now (down from the divisor) */
uint32_t pit_tick_divisor(void);
#define PIT_INPUT_HZ 1193182u     /* 14.31818 MHz / 12 */

/* lapic_timer.c: the local APIC timer, only when the local APIC is in use. */
bool lapic_timer_usable(void);
/* Free-running, masked, divide by 16, from 0xffffffff: the aux counter of a calibration
 * (up-counting view, 32 bits). */
void lapic_timer_free_run(void);
uint64_t lapic_timer_read(void *ctx);
/* Start the tick: TSC-deadline mode when tsc_deadline, else periodic at lapic_hz / TIMER_HZ.
 * Returns 0, -EINVAL for a rate too slow or too fast for TIMER_HZ. */
int lapic_timer_start(uint64_t lapic_hz, uint64_t tsc_hz, bool tsc_deadline);
bool lapic_timer_deadline_mode(void);
void lapic_timer_set_tsc_hz(uint64_t tsc_hz); /* TSC-deadline period at a refined rate */
void lapic_timer_stop(void); /* masked and stopped: no more ticks */

/* tick.c: the tick count (called from the tick's interrupt), the TSC rate in use and the
 * TSC at timer_init. */
void tick_account(void);
void tick_set_clock(uint64_t tsc_hz, uint64_t tsc_start);
/* The clock switched to a refined TSC rate from the TSC value 'at' on (clock_conv_rebase:
 * no jump), and the tick's period with it. Interrupts off. */
void tick_rebase_clock(uint64_t tsc_hz, uint64_t at);
/* Nanoseconds of the TSC through the rate in use (time_ns once the rate is known),
 * continuous across a rebase. Any context; after timer_init. */
uint64_t tick_clock_ns(void);
void tick_set_source(const char *name, bool halt_ends_within_tick);
/* Tick periods the tick interrupts account for: each adds its distance from the previous
 * one in whole periods of the TSC, so ticks an emulator merged still count (self-tests). */
uint64_t tick_periods(void);

/* tsc_refine.c: the TSC rate measured against 'against' (boot_hz) refined over about a
 * second from 'from', the sample that closed its calibration, by a tick hook (the report's
 * refine fields follow it); or why it is not refined. Boot, in timer_init, interrupts off. */
void tsc_refine_start(const struct clock_ref *against, const struct clock_sample *from,
		      uint64_t boot_hz);
void tsc_refine_none(const char *why);

/* tsc.c: the report timer_init fills (tick_start.c fills its tick fields). Boot. */
struct timer_report *timer_report_mut(void);

/* tick_start.c: whether HLT may stop the local APIC timer (MSR C001_0055 asked, or
 * timer.c1e=), then the tick tick_choose picks for it started, or its fallback: the
 * local APIC timer when lapic (in use, not refused by nolapic_timer; lapic_hz its rate
 * when a calibration sampled it, else 0: measured against the TSC now), PIT channel 0
 * when pit_counts. Said on the log; the report's tick fields filled. Boot, once, after
 * the TSC rate is known, interrupts off. */
struct cpu_features;
void tick_start(const struct cpu_features *f, bool lapic, uint64_t lapic_hz, uint64_t tsc_hz,
		bool pit_counts);
/* tick_start.c: the C1E decision tick_start took (tick_choice.h). Any context after it. */
struct tick_c1e;
const struct tick_c1e *timer_c1e(void);
/* tick_start.c: the TSC-deadline decision (deadline_errata.h): tsc_deadline_unasked's
 * until the local APIC timer first starts, then tsc_deadline_check's. Any context after
 * tick_start. */
struct deadline_check;
const struct deadline_check *timer_deadline(void);

#endif
