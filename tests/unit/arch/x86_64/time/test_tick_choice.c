// SPDX-License-Identifier: MIT
/*
 * Host tests of the tick source choice (src/arch/x86_64/time/tick_choice.c, compiled into
 * this program) with made-up CPUs: which counter ticks for each vendor, with and without
 * ARAT, under a hypervisor, with a local APIC or not, with a PIT that counts or is gated;
 * what is tried when the first choice does not start, and what the log is told. Then
 * tick_verify on a made-up machine whose ticks arrive or never do.
 */
#include <string.h>
#include "../../../unit.h"
#include "tick_choice.h"

static struct cpu_features cpu(const char *vendor, bool arat)
{
	struct cpu_features f;

	memset(&f, 0, sizeof(f));
	strcpy(f.vendor, vendor);
	f.arat = arat;
	f.apic = true;
	return f;
}

/* An Intel CPU without ARAT (a Core 2, a Nehalem): HLT is C1, where the local APIC timer
 * keeps counting, so it ticks, with the PIT as its fallback and nothing to log. The same
 * for an Intel CPU with ARAT and an AMD or Hygon CPU with ARAT (every Zen). */
static void test_lapic_keeps_running(void)
{
	static const struct {
		const char *vendor;
		bool arat;
	} cpus[] = {
		{ "GenuineIntel", false },
		{ "GenuineIntel", true },
		{ "AuthenticAMD", true },
		{ "HygonGenuine", true },
	};

	for (size_t i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++) {
		struct cpu_features f = cpu(cpus[i].vendor, cpus[i].arat);
		struct tick_choice c = tick_choose(&f, true, true);

		CHECK(!tick_lapic_stops_in_halt(&f));
		CHECK_EQ(c.first, TICK_LAPIC);
		CHECK_EQ(c.fallback, TICK_PIT);
		CHECK(c.why == NULL);
	}
}

/* An AMD family 0x10 (a Phenom II: C1E, no ARAT) with a counting PIT: PIT channel 0 ticks,
 * the local APIC timer only if IRQ 0 cannot be had, and the log says why, naming C1E, ARAT
 * and the PIT; the fallback's own note says waits then spin. The same for a Hygon CPU
 * reporting no ARAT. */
static void test_amd_without_arat_uses_pit(void)
{
	static const char *const vendors[] = { "AuthenticAMD", "HygonGenuine" };

	for (size_t i = 0; i < 2; i++) {
		struct cpu_features f = cpu(vendors[i], false);
		struct tick_choice c;

		f.family = 0x10;
		c = tick_choose(&f, true, true);
		CHECK(tick_lapic_stops_in_halt(&f));
		CHECK_EQ(c.first, TICK_PIT);
		CHECK_EQ(c.fallback, TICK_LAPIC);
		CHECK(c.why && strstr(c.why, "C1E") && strstr(c.why, "no ARAT") &&
		      strstr(c.why, "PIT channel 0"));
		CHECK(c.why_fallback && strstr(c.why_fallback, "waits spin instead of halting"));
	}
}

/* AMD families 0x12 and later (Llano, Bobcat, Bulldozer to Excavator, Jaguar) keep the local
 * APIC timer running in every C-state, but report no ARAT in CPUID leaf 6 (Linux's
 * init_amd sets the flag for them by family; C1E stopping the timer, AMD erratum 400, is a
 * family 0x0f/0x10 matter). Expected: the local APIC timer ticks, with the PIT behind it,
 * and nothing is logged. Before: PIT channel 0, and a log line claiming the timer may stop
 * in C1E. Hygon's family 0x18 (Zen) likewise. */
static void test_amd_late_families_keep_lapic(void)
{
	static const struct {
		const char *vendor;
		uint32_t family;
	} cpus[] = { { "AuthenticAMD", 0x12 },
		     { "AuthenticAMD", 0x15 },
		     { "AuthenticAMD", 0x16 },
		     { "HygonGenuine", 0x18 } };

	for (size_t i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++) {
		struct cpu_features f = cpu(cpus[i].vendor, false);
		struct tick_choice c;

		f.family = cpus[i].family;
		c = tick_choose(&f, true, true);
		CHECK(!tick_lapic_stops_in_halt(&f));
		CHECK_EQ(c.first, TICK_LAPIC);
		CHECK_EQ(c.fallback, TICK_PIT);
		CHECK(c.why == NULL);
	}
}

/* The same AMD CPU on a chipset that clock-gates the PIT: no other source can tick, so the
 * local APIC timer still does (better than none: it runs while the CPU does not halt), and
 * the log says that waits spin instead of halting. */
static void test_amd_without_arat_no_pit(void)
{
	struct cpu_features f = cpu("AuthenticAMD", false);
	struct tick_choice c;

	f.family = 0x10;
	c = tick_choose(&f, true, false);
	CHECK_EQ(c.first, TICK_LAPIC);
	CHECK_EQ(c.fallback, TICK_NONE);
	CHECK(c.why && strstr(c.why, "no ARAT") && strstr(c.why, "waits spin instead of halting"));
}

/* QEMU's default CPU model: AMD family 0x0f without ARAT, but a guest (the hypervisor bit):
 * its local APIC timer is software on the host's clock and never stops for HLT: it ticks,
 * nothing logged. */
static void test_guest_keeps_lapic(void)
{
	struct cpu_features f = cpu("AuthenticAMD", false);
	struct tick_choice c;

	f.family = 0x0f;
	f.model = 0x6b;
	f.hypervisor = true;
	c = tick_choose(&f, true, true);
	CHECK(!tick_lapic_stops_in_halt(&f));
	CHECK_EQ(c.first, TICK_LAPIC);
	CHECK(c.why == NULL);
}

/* No usable local APIC (none, or `nolapic_timer`), on any CPU: PIT channel 0 when it
 * counts, with nothing behind it; no tick at all when it does not. Nothing to log here:
 * the tick's absence is timer_init's to report. */
static void test_without_lapic(void)
{
	struct cpu_features intel = cpu("GenuineIntel", true), amd = cpu("AuthenticAMD", false);
	struct tick_choice c = tick_choose(&intel, false, true);

	CHECK_EQ(c.first, TICK_PIT);
	CHECK_EQ(c.fallback, TICK_NONE);
	CHECK(c.why == NULL);
	c = tick_choose(&amd, false, true);
	CHECK_EQ(c.first, TICK_PIT);
	CHECK(c.why == NULL);
	c = tick_choose(&intel, false, false);
	CHECK_EQ(c.first, TICK_NONE);
	CHECK_EQ(c.fallback, TICK_NONE);
	/* a local APIC with a gated PIT on Intel: the local APIC timer, nothing behind it */
	c = tick_choose(&intel, true, false);
	CHECK_EQ(c.first, TICK_LAPIC);
	CHECK_EQ(c.fallback, TICK_NONE);
}

/* A vendor string that only starts like AMD's, and an empty one (no CPUID vendor): not
 * AMD, so the local APIC timer ticks. */
static void test_vendor_exact(void)
{
	struct cpu_features f = cpu("AuthenticAM", false);

	f.family = 0x10;
	CHECK(!tick_lapic_stops_in_halt(&f));
	f = cpu("", false);
	f.family = 0x10;
	CHECK(!tick_lapic_stops_in_halt(&f));
}

/* AMD family 0x0f before revision F (display models below 0x40: the K8s of revisions C to
 * E, Athlon 64 X2 model 0x2b among them) has no C1E, so HLT is plain C1 and the local APIC
 * timer keeps counting: it ticks, nothing is logged, waits halt. From revision F (model
 * 0x41, an Opteron 22xx) and G (0x6b, QEMU's qemu64) on, C1E may stop it. Before: every
 * family 0x0f counted as stopping, so those older K8s ticked from the PIT for nothing. */
static void test_k8_before_rev_f(void)
{
	static const uint32_t models[] = { 0x05, 0x2b, 0x3f };
	static const uint32_t rev_f_on[] = { 0x40, 0x41, 0x6b };

	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		struct cpu_features f = cpu("AuthenticAMD", false);
		struct tick_choice c;

		f.family = 0x0f;
		f.model = models[i];
		c = tick_choose(&f, true, true);
		CHECK(!tick_lapic_stops_in_halt(&f));
		CHECK_EQ(c.first, TICK_LAPIC);
		CHECK(c.why == NULL);
		CHECK(tick_halt_ends(&f, TICK_LAPIC));
	}
	for (size_t i = 0; i < sizeof(rev_f_on) / sizeof(rev_f_on[0]); i++) {
		struct cpu_features f = cpu("AuthenticAMD", false);

		f.family = 0x0f;
		f.model = rev_f_on[i];
		CHECK(tick_lapic_stops_in_halt(&f));
		CHECK_EQ(tick_choose(&f, true, true).first, TICK_PIT);
	}
}

/* Whether a wait may halt (timer_halt_ends) for each tick that runs. A halt must end
 * within a tick: the shell's idle and timer_sleep_ms halt until the next interrupt and
 * then look again. On an AMD family 0x0f-0x11 CPU without ARAT (bare metal) whose local
 * APIC timer ticks because nothing else can, HLT may enter C1E and stop that timer, so a
 * halt could last until an unrelated interrupt, or for good (serial input and USB
 * keyboards are polled on the tick). Expected: halts are allowed there only with the PIT
 * ticking; with the local APIC timer the waits spin (it runs while the CPU does). Before:
 * any running tick allowed halts. On every other CPU any tick allows them; no tick never. */
static void test_halt_ends(void)
{
	struct cpu_features amd = cpu("AuthenticAMD", false), hygon = cpu("HygonGenuine", false);
	struct cpu_features intel = cpu("GenuineIntel", false), zen = cpu("AuthenticAMD", true);
	struct cpu_features late = cpu("AuthenticAMD", false), guest = cpu("AuthenticAMD", false);
	const struct cpu_features *const running[] = { &intel, &zen, &late, &guest };

	amd.family = 0x10;
	hygon.family = 0x0f;
	hygon.model = 0x6b;
	late.family = 0x15;
	guest.family = 0x0f;
	guest.model = 0x6b;
	guest.hypervisor = true;
	CHECK(!tick_halt_ends(&amd, TICK_LAPIC));
	CHECK(!tick_halt_ends(&hygon, TICK_LAPIC));
	CHECK(tick_halt_ends(&amd, TICK_PIT));
	CHECK(!tick_halt_ends(&amd, TICK_NONE));
	for (size_t i = 0; i < sizeof(running) / sizeof(running[0]); i++) {
		CHECK(tick_halt_ends(running[i], TICK_LAPIC));
		CHECK(tick_halt_ends(running[i], TICK_PIT));
		CHECK(!tick_halt_ends(running[i], TICK_NONE));
	}
}

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

static enum tick_kind verify(struct fake_machine *m, enum tick_kind first, enum tick_kind fallback,
			     enum tick_kind running)
{
	struct tick_choice c = { first, fallback, NULL, NULL };
	struct tick_ops ops = { fake_start, fake_stop, fake_arrives, m };

	m->running = running;
	m->log[0] = '\0';
	return tick_verify(&c, running, &ops);
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

int main(void)
{
	RUN(test_lapic_keeps_running);
	RUN(test_amd_without_arat_uses_pit);
	RUN(test_amd_late_families_keep_lapic);
	RUN(test_amd_without_arat_no_pit);
	RUN(test_guest_keeps_lapic);
	RUN(test_without_lapic);
	RUN(test_vendor_exact);
	RUN(test_k8_before_rev_f);
	RUN(test_halt_ends);
	RUN(test_verify_keeps_arriving_tick);
	RUN(test_verify_moves_to_fallback);
	RUN(test_verify_ends_without_tick);
	RUN(test_verify_fallback_running);
	return unit_summary();
}
