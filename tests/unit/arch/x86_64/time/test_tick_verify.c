// SPDX-License-Identifier: MIT
/*
 * Host tests of the boot's check that the tick's interrupts come (tick_verify in
 * src/arch/x86_64/time/tick_choice.c, compiled into this program) on a made-up machine
 * whose ticks arrive or never do, and of the note it leaves for the `timer` command
 * (tick_verify_note): which tick was silent, what else was tried, what ticks now. Before
 * it, C1E asked again (tick_c1e_recheck): on since the boot read it off, the tick moves.
 */
#include <string.h>
#include "../../../unit.h"
#include "tick_choice.h"

/* A machine for tick_verify: which kinds deliver their interrupts, which refuse to start,
 * and a log of what was done ("S<k>" start, "X<k>" stop, "A<k>" asked whether the running
 * one arrives). */
struct fake_machine {
	bool delivers[3];
	bool refuses[3];
	enum tick_kind running;
	char log[64];
};

static void fake_log(struct fake_machine *m, char what, enum tick_kind k)
{
	size_t n = strlen(m->log);

	m->log[n] = what;
	m->log[n + 1] = (char)('0' + k);
	m->log[n + 2] = '\0';
}

static int fake_start(enum tick_kind k, void *ctx)
{
	struct fake_machine *m = ctx;

	fake_log(m, 'S', k);
	if (m->refuses[k])
		return -5;
	m->running = k;
	return 0;
}

static void fake_stop(enum tick_kind k, void *ctx)
{
	struct fake_machine *m = ctx;

	fake_log(m, 'X', k);
	if (m->running == k)
		m->running = TICK_NONE;
}

static bool fake_arrives(void *ctx)
{
	struct fake_machine *m = ctx;

	fake_log(m, 'A', m->running);
	return m->running != TICK_NONE && m->delivers[m->running];
}

/* What the last verify() found, and the note it makes. */
static struct tick_verdict verdict;
static char note[320];

/* tick_verify on m for the choice c with `running` started; the verdict's note into note. */
static enum tick_kind verify_choice(struct fake_machine *m, const struct tick_choice *c,
				    enum tick_kind running)
{
	struct tick_ops ops = { fake_start, fake_stop, fake_arrives, m };
	enum tick_kind k;

	m->running = running;
	m->log[0] = '\0';
	k = tick_verify(c, running, &ops, &verdict);
	CHECK_EQ(verdict.ticking, k);
	tick_verify_note(c, &verdict, note, sizeof(note));
	return k;
}

static enum tick_kind verify(struct fake_machine *m, enum tick_kind first, enum tick_kind fallback,
			     enum tick_kind running)
{
	struct tick_choice c = { first, fallback, NULL, NULL };

	return verify_choice(m, &c, running);
}

/* A tick whose interrupts arrive is kept, and nothing is started or stopped. */
static void test_verify_keeps_arriving_tick(void)
{
	struct fake_machine m = { .delivers = { false, true, true } };

	CHECK_EQ(verify(&m, TICK_LAPIC, TICK_PIT, TICK_LAPIC), TICK_LAPIC);
	CHECK(strcmp(m.log, "A1") == 0);
	CHECK_EQ(verify(&m, TICK_PIT, TICK_LAPIC, TICK_PIT), TICK_PIT);
	CHECK(strcmp(m.log, "A2") == 0);
}

/* IRQ 0 never arrives (a wrong route): the PIT is stopped, the local APIC timer started
 * and kept; the other way round for a silent local APIC timer. */
static void test_verify_moves_to_fallback(void)
{
	struct fake_machine m = { .delivers = { false, true, false } };

	CHECK_EQ(verify(&m, TICK_PIT, TICK_LAPIC, TICK_PIT), TICK_LAPIC);
	CHECK(strcmp(m.log, "A2X2S1A1") == 0);
	CHECK_EQ(m.running, TICK_LAPIC);

	m.delivers[TICK_LAPIC] = false;
	m.delivers[TICK_PIT] = true;
	CHECK_EQ(verify(&m, TICK_LAPIC, TICK_PIT, TICK_LAPIC), TICK_PIT);
	CHECK(strcmp(m.log, "A1X1S2A2") == 0);
}

/* Both silent: both stopped, no tick (waits spin rather than halt for good). The fallback
 * refusing to start: no tick either, the first stopped. No fallback: no tick. */
static void test_verify_ends_without_tick(void)
{
	struct fake_machine m = { .delivers = { false, false, false } };

	CHECK_EQ(verify(&m, TICK_LAPIC, TICK_PIT, TICK_LAPIC), TICK_NONE);
	CHECK(strcmp(m.log, "A1X1S2A2X2") == 0);
	CHECK_EQ(m.running, TICK_NONE);

	m.refuses[TICK_PIT] = true;
	CHECK_EQ(verify(&m, TICK_LAPIC, TICK_PIT, TICK_LAPIC), TICK_NONE);
	CHECK(strcmp(m.log, "A1X1S2") == 0);
	CHECK_EQ(m.running, TICK_NONE);

	m.refuses[TICK_PIT] = false;
	CHECK_EQ(verify(&m, TICK_LAPIC, TICK_NONE, TICK_LAPIC), TICK_NONE);
	CHECK(strcmp(m.log, "A1X1") == 0);
}

/* The fallback already runs (the first did not start): when it is silent there is nothing
 * left to try, and the first, which refused to start, is not started again. No tick at
 * all: nothing is asked. */
static void test_verify_fallback_running(void)
{
	struct fake_machine m = { .delivers = { false, true, false } };

	CHECK_EQ(verify(&m, TICK_LAPIC, TICK_PIT, TICK_PIT), TICK_NONE);
	CHECK(strcmp(m.log, "A2X2") == 0);
	CHECK_EQ(verify(&m, TICK_LAPIC, TICK_PIT, TICK_NONE), TICK_NONE);
	CHECK(strcmp(m.log, "") == 0);
}

/* The notes the `timer` command shows after the boot's check moved the tick ("tick note:
 * ..."). Each says which tick was silent, what else was tried and what ticks now. Before,
 * every case read "the first tick's interrupts never arrived": wrong where the fallback
 * was the silent one (the first never started), and silent on what mattered where the
 * tick moved from a silent PIT to a local APIC timer C1E may stop (waits then spin). */

/* An AMD CPU with C1E on (timer.c1e=on here) and a counting PIT: PIT channel 0 ticks
 * first, its IRQ 0 never comes (the HPET's legacy route took it), the local APIC timer
 * takes over. Expected: the note names the silent PIT, then the timer's own C1E warning:
 * it may stop, and waits spin instead of halting. */
static void test_note_pit_silent_lapic_may_stop(void)
{
	struct fake_machine m = { .delivers = { false, true, false } };
	struct tick_c1e e = { TICK_C1E_FORCED_ON, 0, false };
	struct tick_choice c;

	c = tick_choose(&e, true, true);
	CHECK_EQ(c.first, TICK_PIT);
	CHECK_EQ(verify_choice(&m, &c, TICK_PIT), TICK_LAPIC);
	CHECK_EQ(verdict.silent[0], TICK_PIT);
	CHECK_STR_EQ(note, "PIT channel 0's interrupts never arrived; local APIC timer may stop in "
			   "C1E on this CPU (no ARAT; timer.c1e=on), but no other source can tick: "
			   "tick from it anyway, and waits spin instead of halting");
	CHECK(strstr(note, "first tick") == NULL);
}

/* Any other CPU: the local APIC timer ticks first and is silent (an emulator that never
 * fires it); PIT channel 0 takes over. Expected: "the local APIC timer's interrupts never
 * arrived: tick from PIT channel 0". */
static void test_note_lapic_silent_pit_ticks(void)
{
	struct fake_machine m = { .delivers = { false, false, true } };

	CHECK_EQ(verify(&m, TICK_LAPIC, TICK_PIT, TICK_LAPIC), TICK_PIT);
	CHECK_STR_EQ(note,
		     "the local APIC timer's interrupts never arrived: tick from PIT channel 0");
}

/* Neither arrives, the other refuses to start, or there is no other: no tick, and the
 * note says which were tried. */
static void test_note_no_tick(void)
{
	struct fake_machine m = { .delivers = { false, false, false } };

	CHECK_EQ(verify(&m, TICK_LAPIC, TICK_PIT, TICK_LAPIC), TICK_NONE);
	CHECK_STR_EQ(note, "neither the local APIC timer's interrupts nor PIT channel 0's arrived: "
			   "no tick, waits spin instead of halting");
	m.refuses[TICK_PIT] = true;
	CHECK_EQ(verify(&m, TICK_LAPIC, TICK_PIT, TICK_LAPIC), TICK_NONE);
	CHECK_EQ(verdict.refused, TICK_PIT);
	CHECK_STR_EQ(note, "the local APIC timer's interrupts never arrived and PIT channel 0 did "
			   "not start: no tick, waits spin instead of halting");
	CHECK_EQ(verify(&m, TICK_PIT, TICK_NONE, TICK_PIT), TICK_NONE);
	CHECK_STR_EQ(note, "PIT channel 0's interrupts never arrived: no tick, waits spin instead "
			   "of halting");
}

/* The first choice (the local APIC timer) refused to start at boot, so its fallback, PIT
 * channel 0, ran, and it is the silent one. Expected: the note names the PIT as silent
 * and the local APIC timer as the one that did not start, never "the first tick". */
static void test_note_fallback_silent(void)
{
	struct fake_machine m = { .delivers = { false, true, false } };

	CHECK_EQ(verify(&m, TICK_LAPIC, TICK_PIT, TICK_PIT), TICK_NONE);
	CHECK_EQ(verdict.silent[0], TICK_PIT);
	CHECK_EQ(verdict.refused, TICK_LAPIC);
	CHECK_STR_EQ(note, "PIT channel 0's interrupts never arrived and the local APIC timer did "
			   "not start: no tick, waits spin instead of halting");
}

/* A tick whose interrupts arrive leaves nothing to note, and a note cut to its buffer
 * stays terminated. */
static void test_note_nothing_and_cut(void)
{
	struct fake_machine m = { .delivers = { false, true, true } };
	struct tick_choice c = { TICK_LAPIC, TICK_PIT, NULL, NULL };
	char small[12];

	CHECK_EQ(verify(&m, TICK_LAPIC, TICK_PIT, TICK_LAPIC), TICK_LAPIC);
	CHECK_STR_EQ(note, "");
	m.delivers[TICK_LAPIC] = false;
	verify_choice(&m, &c, TICK_LAPIC);
	tick_verify_note(&c, &verdict, small, sizeof(small));
	CHECK_STR_EQ(small, "the local A");
}

/* tick_c1e_recheck on m: C1E read as was at boot and as now at the check, the choice c
 * (tick_choose's for was) with `running` started; the log of what was done in m->log. */
static enum tick_kind recheck(struct fake_machine *m, const struct tick_c1e *was,
			      const struct tick_c1e *now, bool pit_counts, struct tick_choice *c,
			      enum tick_kind running)
{
	struct tick_ops ops = { fake_start, fake_stop, NULL, m };

	*c = tick_choose(was, true, pit_counts);
	m->running = running;
	m->log[0] = '\0';
	return tick_c1e_recheck(was, now, true, pit_counts, c, running, &ops);
}

/* A firmware that sets C1eOnCmpHalt only when the chipset enters ACPI mode, after
 * timer_init read MSR C001_0055 as 0: the local APIC timer was chosen and ticks; at the
 * boot's check the register says C1E on. Expected: the choice made anew (PIT channel 0
 * first, its warning naming the register), the local APIC timer stopped and the PIT
 * started. Before: the first read stood, and every halt could stop the tick for good. */
static void test_c1e_on_since_boot_moves_to_pit(void)
{
	struct fake_machine m = { .delivers = { false, true, true } };
	struct tick_c1e was = { TICK_C1E_MSR_OFF, 0, false };
	struct tick_c1e now = { TICK_C1E_MSR_ON, INT_PENDING_C1E_ON_CMP_HALT, false };
	struct tick_choice c;

	CHECK_EQ(recheck(&m, &was, &now, true, &c, TICK_LAPIC), TICK_PIT);
	CHECK_STR_EQ(m.log, "X1S2");
	CHECK_EQ(m.running, TICK_PIT);
	CHECK_EQ(c.first, TICK_PIT);
	CHECK_EQ(c.fallback, TICK_LAPIC);
	CHECK(c.why && strstr(c.why, "MSR C001_0055") && strstr(c.why, "tick from PIT channel 0"));
}

/* The same without a PIT: the local APIC timer stays (nothing stopped or started), the
 * new choice's warning says waits spin, and halts no longer end with it. The PIT refusing
 * to start: the local APIC timer is started again; both refusing: no tick. */
static void test_c1e_on_since_boot_without_pit(void)
{
	struct fake_machine m = { .delivers = { false, true, true } };
	struct tick_c1e was = { TICK_C1E_MSR_OFF, 0, false };
	struct tick_c1e now = { TICK_C1E_MSR_ON, INT_PENDING_SMI_ON_CMP_HALT, false };
	struct tick_choice c;

	CHECK_EQ(recheck(&m, &was, &now, false, &c, TICK_LAPIC), TICK_LAPIC);
	CHECK_STR_EQ(m.log, "");
	CHECK_EQ(c.first, TICK_LAPIC);
	CHECK(c.why && strstr(c.why, "waits spin instead of halting"));
	CHECK(!tick_halt_ends(&now, TICK_LAPIC));
	m.refuses[TICK_PIT] = true;
	CHECK_EQ(recheck(&m, &was, &now, true, &c, TICK_LAPIC), TICK_LAPIC);
	CHECK_STR_EQ(m.log, "X1S2S1");
	CHECK_EQ(m.running, TICK_LAPIC);
	m.refuses[TICK_LAPIC] = true;
	CHECK_EQ(recheck(&m, &was, &now, true, &c, TICK_LAPIC), TICK_NONE);
	CHECK_STR_EQ(m.log, "X1S2S1");
}

/* Nothing changes (no start, no stop, the choice as it was) when the register still says
 * off, when the boot's answer did not come from reading it off (C1E on already, the read
 * refused, timer.c1e=, a CPU without such C1E), or when the PIT already ticks. */
static void test_c1e_recheck_leaves_alone(void)
{
	static const enum tick_c1e_basis bases[] = { TICK_C1E_NONE, TICK_C1E_MSR_ON,
						     TICK_C1E_UNREADABLE, TICK_C1E_FORCED_ON,
						     TICK_C1E_FORCED_OFF };
	struct fake_machine m = { .delivers = { false, true, true } };
	struct tick_c1e off = { TICK_C1E_MSR_OFF, 0, false },
			on = { TICK_C1E_MSR_ON, 1ull << 28, false };
	struct tick_choice c, before;

	CHECK_EQ(recheck(&m, &off, &off, true, &c, TICK_LAPIC), TICK_LAPIC);
	CHECK_STR_EQ(m.log, "");
	CHECK_EQ(c.first, TICK_LAPIC);
	CHECK(c.why == NULL);
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		struct tick_c1e was = { bases[i], 0, false };
		enum tick_kind running;

		before = tick_choose(&was, true, true);
		running = before.first;
		CHECK_EQ(recheck(&m, &was, &on, true, &c, running), running);
		CHECK_STR_EQ(m.log, "");
		CHECK_EQ(c.first, before.first);
		CHECK(c.why == before.why);
	}
	/* the local APIC timer did not start at boot, the PIT ticks: it stays */
	CHECK_EQ(recheck(&m, &off, &on, true, &c, TICK_PIT), TICK_PIT);
	CHECK_STR_EQ(m.log, "");
	CHECK_EQ(c.first, TICK_PIT);
}

int main(void)
{
	RUN(test_verify_keeps_arriving_tick);
	RUN(test_verify_moves_to_fallback);
	RUN(test_verify_ends_without_tick);
	RUN(test_verify_fallback_running);
	RUN(test_note_pit_silent_lapic_may_stop);
	RUN(test_note_lapic_silent_pit_ticks);
	RUN(test_note_no_tick);
	RUN(test_note_fallback_silent);
	RUN(test_note_nothing_and_cut);
	RUN(test_c1e_on_since_boot_moves_to_pit);
	RUN(test_c1e_on_since_boot_without_pit);
	RUN(test_c1e_recheck_leaves_alone);
	return unit_summary();
}
