// SPDX-License-Identifier: MIT
/*
 * The real local APIC timer code (src/arch/x86_64/time/lapic_timer.c) on a simulated local
 * APIC and MSR file that keep the ordering rule of the Intel SDM (vol. 3A, 11.5.4.1): in
 * TSC-deadline mode the timer is IA32_TSC_DEADLINE, an MSR that ignores writes while the
 * LVT timer entry selects another mode; in xAPIC mode the LVT write is an uncached store
 * that a later WRMSR may overtake, so it takes effect here only at the next fence
 * (mfence(), the one way the SDM names to order them), while in x2APIC mode the LVT is
 * itself an MSR, written in program order. Each case logs the accesses, so the order of
 * the LVT write, the fence and the deadline is checked as the code issues them.
 */
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/msr.h>
#include <arch/trap.h>
#include <lios/errno.h>
#include <lios/timer.h>
#include <string.h>
#include "../../../unit.h"
#include "time_internal.h"

#define MSR_TSC_DEADLINE 0x6e0u
#define TSC_HZ 2000000000ull /* a 2 GHz TSC: 2,000,000 cycles a tick */
#define LAPIC_HZ 62500000ull /* the timer after its divide-by-16 */
#define TIMER_MODE_MASK (3u << 17)

enum access { LVT_WRITE, FENCE, DEADLINE_WRITE, OTHER };

static struct {
	bool x2apic;         /* LVT writes are MSR writes, in order */
	uint32_t lvt;        /* the LVT timer entry the APIC acts on */
	uint32_t lvt_posted; /* xAPIC: written, not yet in effect */
	bool posted;
	uint32_t initial, divide;
	uint64_t deadline; /* IA32_TSC_DEADLINE as the APIC holds it */
	uint64_t tsc;
	unsigned ticks;
	enum access log[16];
	unsigned nlog;
} sim;

static void log_access(enum access a)
{
	if (sim.nlog < 16)
		sim.log[sim.nlog++] = a;
}

static void reset(bool x2apic)
{
	memset(&sim, 0, sizeof(sim));
	sim.x2apic = x2apic;
	sim.lvt = LAPIC_LVT_MASKED;
	sim.tsc = 5000000000ull;
}

static bool in_deadline_mode(void)
{
	return (sim.lvt & TIMER_MODE_MASK) == LAPIC_LVT_TIMER_TSC_DEADLINE;
}

bool lapic_in_use(void) { return true; }
void tick_account(void) { sim.ticks++; }
uint64_t rdtsc(void) { return sim.tsc; }

/* The APIC acts on an LVT timer value: a change of mode disarms the timer (SDM 11.5.4.1). */
static void lvt_lands(uint32_t v)
{
	if ((v & TIMER_MODE_MASK) != (sim.lvt & TIMER_MODE_MASK))
		sim.deadline = 0;
	sim.lvt = v;
}

/* The fence: a posted xAPIC write reaches the APIC. */
void mfence(void)
{
	log_access(FENCE);
	if (sim.posted)
		lvt_lands(sim.lvt_posted);
	sim.posted = false;
}

void lapic_reg_write(unsigned int reg, uint32_t v)
{
	if (reg != LAPIC_LVT_TIMER) {
		log_access(OTHER);
		if (reg == LAPIC_TIMER_INITIAL)
			sim.initial = v;
		if (reg == LAPIC_TIMER_DIVIDE)
			sim.divide = v;
		return;
	}
	log_access(LVT_WRITE);
	if (sim.x2apic) {
		lvt_lands(v);
	} else {
		sim.lvt_posted = v;
		sim.posted = true;
	}
}

uint32_t lapic_reg_read(unsigned int reg) { return reg == LAPIC_LVT_TIMER ? sim.lvt : 0; }

uint64_t rdmsr(uint32_t msr) { return msr == MSR_TSC_DEADLINE ? sim.deadline : 0; }

void wrmsr(uint32_t msr, uint64_t v)
{
	if (msr != MSR_TSC_DEADLINE) {
		log_access(OTHER);
		return;
	}
	log_access(DEADLINE_WRITE);
	if (in_deadline_mode()) /* ignored in one-shot and periodic mode */
		sim.deadline = v;
}

/* The index of the first access a in the log, or -1. */
static int first(enum access a)
{
	for (unsigned i = 0; i < sim.nlog; i++)
		if (sim.log[i] == a)
			return (int)i;
	return -1;
}

/* xAPIC mode, TSC-deadline offered and accepted: the LVT write selecting TSC-deadline mode,
 * then a fence, then the first deadline, one tick of TSC cycles ahead. Expected: the
 * deadline is armed (the APIC was in TSC-deadline mode when it was written), unmasked on
 * the tick's vector. Without the fence the deadline reaches an APIC still in its old mode
 * and is dropped: no tick ever comes. */
static void test_xapic_deadline_armed_after_fence(void)
{
	reset(false);
	CHECK_EQ(lapic_timer_start(LAPIC_HZ, TSC_HZ, true), 0);
	CHECK(lapic_timer_deadline_mode());
	CHECK_EQ(sim.lvt, LAPIC_LVT_TIMER_TSC_DEADLINE | VEC_LAPIC_TIMER);
	CHECK_EQ(sim.deadline, 5000000000ull + TSC_HZ / TIMER_HZ);
	CHECK(first(LVT_WRITE) >= 0);
	CHECK(first(LVT_WRITE) < first(FENCE));
	CHECK(first(FENCE) < first(DEADLINE_WRITE));
}

/* x2APIC mode: the LVT write is a WRMSR, which the CPU keeps before the deadline's WRMSR.
 * Expected: the LVT written before the deadline, the deadline armed one tick ahead. */
static void test_x2apic_lvt_before_deadline(void)
{
	reset(true);
	CHECK_EQ(lapic_timer_start(LAPIC_HZ, TSC_HZ, true), 0);
	CHECK_EQ(sim.lvt, LAPIC_LVT_TIMER_TSC_DEADLINE | VEC_LAPIC_TIMER);
	CHECK_EQ(sim.deadline, 5000000000ull + TSC_HZ / TIMER_HZ);
	CHECK(first(LVT_WRITE) >= 0 && first(LVT_WRITE) < first(DEADLINE_WRITE));
}

/* A tick in TSC-deadline mode arms the next deadline one period after the last; after a
 * stall longer than a period (an emulator descheduled) it moves past now instead of
 * leaving a deadline in the past. Expected: each tick counted, deadlines as said. (x2APIC
 * mode, so that this case does not hang on the fence the first one checks.) */
static void test_tick_rearms_deadline(void)
{
	uint64_t period = TSC_HZ / TIMER_HZ, first_deadline;

	reset(true);
	CHECK_EQ(lapic_timer_start(LAPIC_HZ, TSC_HZ, true), 0);
	first_deadline = sim.deadline;
	sim.tsc = first_deadline; /* the deadline fired (and disarmed itself) */
	sim.deadline = 0;
	timer_local_interrupt();
	CHECK_EQ(sim.ticks, 1u);
	CHECK_EQ(sim.deadline, first_deadline + period);
	sim.tsc = first_deadline + 10 * period;
	sim.deadline = 0;
	timer_local_interrupt();
	CHECK_EQ(sim.deadline, sim.tsc + period);
}

/* TSC-deadline not used (not offered, or refused for the CPU's errata): periodic mode,
 * divide by 16, the initial count one tick of the timer's rate, and no write to
 * IA32_TSC_DEADLINE at all. Stopped, the entry is masked and the count zero. */
static void test_periodic_without_deadline(void)
{
	reset(false);
	CHECK_EQ(lapic_timer_start(LAPIC_HZ, TSC_HZ, false), 0);
	mfence(); /* let the posted LVT write land, to read it */
	CHECK(!lapic_timer_deadline_mode());
	CHECK_EQ(sim.lvt, LAPIC_LVT_TIMER_PERIODIC | VEC_LAPIC_TIMER);
	CHECK_EQ(sim.divide, LAPIC_TIMER_DIVIDE_16);
	CHECK_EQ(sim.initial, LAPIC_HZ / TIMER_HZ);
	CHECK_EQ(first(DEADLINE_WRITE), -1);
	lapic_timer_stop();
	mfence();
	CHECK(sim.lvt & LAPIC_LVT_MASKED);
	CHECK_EQ(sim.initial, 0u);
}

/* Stopped from TSC-deadline mode: the entry masked and out of that mode, the deadline
 * disarmed (0). */
static void test_stop_disarms_deadline(void)
{
	reset(true);
	CHECK_EQ(lapic_timer_start(LAPIC_HZ, TSC_HZ, true), 0);
	lapic_timer_stop();
	CHECK(sim.lvt & LAPIC_LVT_MASKED);
	CHECK(!in_deadline_mode());
	CHECK_EQ(sim.deadline, 0u);
	CHECK(!lapic_timer_deadline_mode());
}

int main(void)
{
	RUN(test_xapic_deadline_armed_after_fence);
	RUN(test_x2apic_lvt_before_deadline);
	RUN(test_tick_rearms_deadline);
	RUN(test_periodic_without_deadline);
	RUN(test_stop_disarms_deadline);
	return unit_summary();
}
