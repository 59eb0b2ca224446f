// SPDX-License-Identifier: MIT
/*
 * Host tests of the tick source choice (src/arch/x86_64/time/tick_choice.c, compiled into
 * this program) with made-up CPUs: which counter ticks for each vendor, with and without
 * ARAT, under a hypervisor, with a local APIC or not, with a PIT that counts or is gated,
 * with C1E enabled or not in a made-up MSR C001_0055 (or its read refused, or
 * `timer.c1e=` answering for it); which CPUs read that MSR at all; what is tried when the
 * first choice does not start, and what the log is told. tick_verify, the boot's check
 * that the tick's interrupts come, is test_tick_verify.c's.
 */
#include <string.h>
#include "../../../unit.h"
#include "tick_choice.h"

#define EIO 5

static struct cpu_features cpu(const char *vendor, bool arat)
{
	struct cpu_features f;

	memset(&f, 0, sizeof(f));
	strcpy(f.vendor, vendor);
	f.arat = arat;
	f.apic = true;
	return f;
}

/* An AMD CPU of a C1E family without ARAT, on bare metal: a Phenom II (family 0x10), whose
 * TSC is invariant (CPUID 0x80000007 EDX bit 8), as on every family 0x10. */
static struct cpu_features phenom(void)
{
	struct cpu_features f = cpu("AuthenticAMD", false);

	f.family = 0x10;
	f.model = 0x04;
	f.invariant_tsc = true;
	return f;
}

/* The made-up MSR C001_0055 tick_c1e_probe reads: its value, or a #GP; every read counted. */
static uint64_t msr_value;
static bool msr_faults;
static unsigned msr_reads;
static uint32_t msr_read_last;

static int fake_read_msr(uint32_t msr, uint64_t *val)
{
	msr_reads++;
	msr_read_last = msr;
	if (msr_faults)
		return -EIO;
	*val = msr_value;
	return 0;
}

/* The C1E decision for f with the MSR holding value (or faulting), force as
 * `timer.c1e=` gives it (-1: absent); msr_reads counts from 0. */
static struct tick_c1e probe(const struct cpu_features *f, int force, uint64_t value, bool faults)
{
	msr_value = value;
	msr_faults = faults;
	msr_reads = 0;
	msr_read_last = 0;
	return tick_c1e_probe(f, force, fake_read_msr);
}

#define C1E_BITS (INT_PENDING_C1E_ON_CMP_HALT | INT_PENDING_SMI_ON_CMP_HALT)

/* An Intel CPU without ARAT (a Core 2, a Nehalem): HLT is C1, where the local APIC timer
 * keeps counting, so it ticks, with the PIT as its fallback and nothing to log; the MSR,
 * AMD's alone, is not read (on Intel it would #GP) and the timer line says nothing of C1E.
 * The same for an Intel CPU with ARAT and an AMD or Hygon CPU with ARAT (every Zen). */
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
		struct tick_c1e e;
		struct tick_choice c;

		f.family = 0x10;
		e = probe(&f, -1, C1E_BITS, false);
		c = tick_choose(&e, true, true);
		CHECK_EQ(msr_reads, 0u);
		CHECK_EQ(e.basis, TICK_C1E_NONE);
		CHECK(!tick_lapic_stops_in_halt(&e));
		CHECK(tick_c1e_summary(&e) == NULL);
		CHECK_EQ(c.first, TICK_LAPIC);
		CHECK_EQ(c.fallback, TICK_PIT);
		CHECK(c.why == NULL);
	}
}

/* An AMD family 0x10 (a Phenom II: no ARAT) whose firmware set C1eOnCmpHalt in MSR
 * C001_0055, with a counting PIT: the MSR is read once, PIT channel 0 ticks, the local
 * APIC timer only if IRQ 0 cannot be had, and the log says why, naming C1E, ARAT, the
 * register and the PIT; the fallback's own note says waits then spin. The same for a
 * Hygon CPU reporting no ARAT. */
static void test_c1e_enabled_uses_pit(void)
{
	static const char *const vendors[] = { "AuthenticAMD", "HygonGenuine" };

	for (size_t i = 0; i < 2; i++) {
		struct cpu_features f = cpu(vendors[i], false);
		struct tick_c1e e;
		struct tick_choice c;

		f.family = 0x10;
		e = probe(&f, -1, INT_PENDING_C1E_ON_CMP_HALT, false);
		c = tick_choose(&e, true, true);
		CHECK_EQ(msr_reads, 1u);
		CHECK_EQ(msr_read_last, 0xc0010055u);
		CHECK_EQ(e.basis, TICK_C1E_MSR_ON);
		CHECK_EQ(e.msr, INT_PENDING_C1E_ON_CMP_HALT);
		CHECK(tick_lapic_stops_in_halt(&e));
		CHECK(strcmp(tick_c1e_summary(&e), "C1E on (MSR C001_0055)") == 0);
		CHECK_EQ(c.first, TICK_PIT);
		CHECK_EQ(c.fallback, TICK_LAPIC);
		CHECK(c.why && strstr(c.why, "C1E") && strstr(c.why, "no ARAT") &&
		      strstr(c.why, "enabled in MSR C001_0055") && strstr(c.why, "PIT channel 0"));
		CHECK(c.why_fallback && strstr(c.why_fallback, "waits spin instead of halting") &&
		      strstr(c.why_fallback, "MSR C001_0055"));
	}
}

/* MSR C001_0055 decides, bit by bit (BKDG: 27 SmiOnCmpHalt, 28 C1eOnCmpHalt). Either bit
 * alone, or both: C1E may stop the timer, PIT channel 0 ticks, waits with the local APIC
 * timer would spin. Both clear, whatever else the register holds (the C1E message's I/O
 * address and data, IntrPndMsg, BmStsClrOnHltEn, high bits): HLT is plain C1, the local
 * APIC timer ticks with the PIT behind it, nothing is warned, halts end, and the timer
 * line says "C1E off (MSR C001_0055)". Before: the family alone decided, so every such
 * CPU ticked from the PIT. */
static void test_c1e_msr_bits(void)
{
	static const uint64_t on[] = {
		INT_PENDING_SMI_ON_CMP_HALT,
		INT_PENDING_C1E_ON_CMP_HALT,
		C1E_BITS,
		C1E_BITS | 0x2000000ull | 0x8014ull,
	};
	static const uint64_t off[] = {
		0,
		0x8014ull,                    /* IOMsgAddr: the PM base's C1E port */
		0x00ff8014ull | (1ull << 25), /* IOMsgData, IntrPndMsg */
		(1ull << 29) | (1ull << 26),  /* BmStsClrOnHltEn, IORd */
		~C1E_BITS,                    /* every other bit */
	};
	struct cpu_features f = phenom();

	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		struct tick_c1e e = probe(&f, -1, on[i], false);
		struct tick_choice c = tick_choose(&e, true, true);

		CHECK_EQ(e.basis, TICK_C1E_MSR_ON);
		CHECK_EQ(e.msr, on[i]);
		CHECK(tick_lapic_stops_in_halt(&e));
		CHECK(!tick_halt_ends(&e, TICK_LAPIC));
		CHECK_EQ(c.first, TICK_PIT);
	}
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		struct tick_c1e e = probe(&f, -1, off[i], false);
		struct tick_choice c = tick_choose(&e, true, true);

		CHECK_EQ(msr_reads, 1u);
		CHECK_EQ(e.basis, TICK_C1E_MSR_OFF);
		CHECK_EQ(e.msr, off[i]);
		CHECK(!tick_lapic_stops_in_halt(&e));
		CHECK(tick_halt_ends(&e, TICK_LAPIC));
		CHECK(strcmp(tick_c1e_summary(&e), "C1E off (MSR C001_0055)") == 0);
		CHECK_EQ(c.first, TICK_LAPIC);
		CHECK_EQ(c.fallback, TICK_PIT);
		CHECK(c.why == NULL);
	}
}

/* The read of MSR C001_0055 raises #GP (a hypervisor without the hypervisor bit, a part
 * without the register): nothing can be told, so the family's answer stands: C1E taken
 * as on, PIT channel 0 ticks, and the warning says the register could not be read; with
 * no PIT the local APIC timer ticks anyway and waits spin. */
static void test_c1e_msr_unreadable(void)
{
	struct cpu_features f = phenom();
	struct tick_c1e e = probe(&f, -1, 0, true);
	struct tick_choice c = tick_choose(&e, true, true);

	CHECK_EQ(msr_reads, 1u);
	CHECK_EQ(e.basis, TICK_C1E_UNREADABLE);
	CHECK(tick_lapic_stops_in_halt(&e));
	CHECK(!tick_halt_ends(&e, TICK_LAPIC));
	CHECK(tick_halt_ends(&e, TICK_PIT));
	CHECK(strcmp(tick_c1e_summary(&e), "C1E taken as on (MSR C001_0055 unreadable)") == 0);
	CHECK_EQ(c.first, TICK_PIT);
	CHECK_EQ(c.fallback, TICK_LAPIC);
	CHECK(c.why && strstr(c.why, "no ARAT; MSR C001_0055 unreadable, so C1E taken as on") &&
	      strstr(c.why, "PIT channel 0"));
	c = tick_choose(&e, true, false);
	CHECK_EQ(c.first, TICK_LAPIC);
	CHECK(c.why && strstr(c.why, "unreadable") &&
	      strstr(c.why, "waits spin instead of halting"));
}

/* Only the families with C1E read the MSR: elsewhere it may not exist (a #GP on Intel) or
 * mean something else. Intel, AMD families 0x0f before revision F, 0x12 and later, Hygon's
 * 0x18, a family 0x10 with ARAT or under a hypervisor: no read, no C1E, and
 * `timer.c1e=on` changes nothing there. */
static void test_other_cpus_never_read_msr(void)
{
	struct cpu_features cpus[8];

	cpus[0] = cpu("GenuineIntel", false);
	cpus[0].family = 6;
	cpus[1] = cpu("AuthenticAMD", false);
	cpus[1].family = 0x0f;
	cpus[1].model = 0x2b;
	cpus[2] = cpu("AuthenticAMD", false);
	cpus[2].family = 0x12;
	cpus[3] = cpu("AuthenticAMD", false);
	cpus[3].family = 0x15;
	cpus[4] = cpu("HygonGenuine", false);
	cpus[4].family = 0x18;
	cpus[5] = phenom();
	cpus[5].arat = true;
	cpus[6] = phenom();
	cpus[6].hypervisor = true;
	cpus[7] = cpu("AuthenticAMD", false);
	cpus[7].family = 0x0e;
	for (size_t i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++) {
		for (int force = -1; force <= 1; force++) {
			struct tick_c1e e = probe(&cpus[i], force, C1E_BITS, false);

			CHECK_EQ(msr_reads, 0u);
			CHECK_EQ(e.basis, TICK_C1E_NONE);
			CHECK(!tick_lapic_stops_in_halt(&e));
			CHECK_EQ(tick_choose(&e, true, true).first, TICK_LAPIC);
		}
	}
}

/* `timer.c1e=on` on a C1E family: taken as on without reading the MSR (which says off
 * here), PIT channel 0 ticks and the warning names the option. `timer.c1e=off`: taken as
 * off (the MSR says on), the local APIC timer ticks, halts end, nothing warned; the timer
 * line names the option either way. */
static void test_c1e_forced(void)
{
	struct cpu_features f = phenom();
	struct tick_c1e e = probe(&f, 1, 0, false);
	struct tick_choice c = tick_choose(&e, true, true);

	CHECK_EQ(msr_reads, 0u);
	CHECK_EQ(e.basis, TICK_C1E_FORCED_ON);
	CHECK(strcmp(tick_c1e_summary(&e), "C1E taken as on (timer.c1e=on)") == 0);
	CHECK_EQ(c.first, TICK_PIT);
	CHECK(c.why && strstr(c.why, "(no ARAT; timer.c1e=on): tick from PIT channel 0"));
	CHECK(c.why_fallback && strstr(c.why_fallback, "timer.c1e=on"));
	e = probe(&f, 0, C1E_BITS, true);
	c = tick_choose(&e, true, true);
	CHECK_EQ(msr_reads, 0u);
	CHECK_EQ(e.basis, TICK_C1E_FORCED_OFF);
	CHECK(strcmp(tick_c1e_summary(&e), "C1E taken as off (timer.c1e=off)") == 0);
	CHECK_EQ(c.first, TICK_LAPIC);
	CHECK(c.why == NULL);
	CHECK(tick_halt_ends(&e, TICK_LAPIC));
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
		struct tick_c1e e;
		struct tick_choice c;

		f.family = cpus[i].family;
		e = probe(&f, -1, C1E_BITS, false);
		c = tick_choose(&e, true, true);
		CHECK(!tick_lapic_stops_in_halt(&e));
		CHECK_EQ(c.first, TICK_LAPIC);
		CHECK_EQ(c.fallback, TICK_PIT);
		CHECK(c.why == NULL);
	}
}

/* The same AMD CPU, C1E on, on a chipset that clock-gates the PIT: no other source can
 * tick, so the local APIC timer still does (better than none: it runs while the CPU does
 * not halt), and the log says that waits spin instead of halting. */
static void test_amd_without_arat_no_pit(void)
{
	struct cpu_features f = phenom();
	struct tick_c1e e = probe(&f, -1, INT_PENDING_SMI_ON_CMP_HALT, false);
	struct tick_choice c = tick_choose(&e, true, false);

	CHECK_EQ(c.first, TICK_LAPIC);
	CHECK_EQ(c.fallback, TICK_NONE);
	CHECK(c.why && strstr(c.why, "no ARAT") && strstr(c.why, "waits spin instead of halting"));
}

/* QEMU's default CPU model: AMD family 0x0f revision G without ARAT, but a guest (the
 * hypervisor bit): its local APIC timer is software on the host's clock and never stops
 * for HLT: it ticks, nothing logged, the MSR not read. */
static void test_guest_keeps_lapic(void)
{
	struct cpu_features f = cpu("AuthenticAMD", false);
	struct tick_c1e e;
	struct tick_choice c;

	f.family = 0x0f;
	f.model = 0x6b;
	f.hypervisor = true;
	e = probe(&f, -1, C1E_BITS, false);
	c = tick_choose(&e, true, true);
	CHECK_EQ(msr_reads, 0u);
	CHECK(!tick_lapic_stops_in_halt(&e));
	CHECK_EQ(c.first, TICK_LAPIC);
	CHECK(c.why == NULL);
}

/* No usable local APIC (none, or `nolapic_timer`), on any CPU: PIT channel 0 when it
 * counts, with nothing behind it; no tick at all when it does not. Nothing to log here:
 * the tick's absence is timer_init's to report. */
static void test_without_lapic(void)
{
	struct cpu_features intel = cpu("GenuineIntel", true), amd = phenom();
	struct tick_c1e ei = probe(&intel, -1, 0, false), ea = probe(&amd, -1, C1E_BITS, false);
	struct tick_choice c = tick_choose(&ei, false, true);

	CHECK_EQ(c.first, TICK_PIT);
	CHECK_EQ(c.fallback, TICK_NONE);
	CHECK(c.why == NULL);
	c = tick_choose(&ea, false, true);
	CHECK_EQ(c.first, TICK_PIT);
	CHECK(c.why == NULL);
	c = tick_choose(&ei, false, false);
	CHECK_EQ(c.first, TICK_NONE);
	CHECK_EQ(c.fallback, TICK_NONE);
	/* a local APIC with a gated PIT on Intel: the local APIC timer, nothing behind it */
	c = tick_choose(&ei, true, false);
	CHECK_EQ(c.first, TICK_LAPIC);
	CHECK_EQ(c.fallback, TICK_NONE);
}

/* A vendor string that only starts like AMD's, and an empty one (no CPUID vendor): not
 * AMD, so the MSR is not read and the local APIC timer ticks. */
static void test_vendor_exact(void)
{
	struct cpu_features f = phenom();
	struct tick_c1e e;

	strcpy(f.vendor, "AuthenticAM");
	e = probe(&f, -1, C1E_BITS, false);
	CHECK_EQ(msr_reads, 0u);
	CHECK(!tick_lapic_stops_in_halt(&e));
	f.vendor[0] = '\0';
	e = probe(&f, -1, C1E_BITS, false);
	CHECK_EQ(msr_reads, 0u);
	CHECK(!tick_lapic_stops_in_halt(&e));
}

/* AMD family 0x0f before revision F (display models below 0x40: the K8s of revisions C to
 * E, Athlon 64 X2 model 0x2b among them) has no C1E, so HLT is plain C1 and the local APIC
 * timer keeps counting: it ticks, nothing is logged, waits halt, the MSR is not read. From
 * revision F (model 0x40, 0x41: an Opteron 22xx) and G (0x6b, QEMU's qemu64) on, the MSR
 * is asked. Before: every family 0x0f counted as stopping, so those older K8s ticked from
 * the PIT for nothing. */
static void test_k8_before_rev_f(void)
{
	static const uint32_t models[] = { 0x05, 0x2b, 0x3f };
	static const uint32_t rev_f_on[] = { 0x40, 0x41, 0x6b };

	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		struct cpu_features f = cpu("AuthenticAMD", false);
		struct tick_c1e e;
		struct tick_choice c;

		f.family = 0x0f;
		f.model = models[i];
		e = probe(&f, -1, C1E_BITS, false);
		c = tick_choose(&e, true, true);
		CHECK_EQ(msr_reads, 0u);
		CHECK(!tick_lapic_stops_in_halt(&e));
		CHECK_EQ(c.first, TICK_LAPIC);
		CHECK(c.why == NULL);
		CHECK(tick_halt_ends(&e, TICK_LAPIC));
	}
	for (size_t i = 0; i < sizeof(rev_f_on) / sizeof(rev_f_on[0]); i++) {
		struct cpu_features f = cpu("AuthenticAMD", false);
		struct tick_c1e e;

		f.family = 0x0f;
		f.model = rev_f_on[i];
		e = probe(&f, -1, C1E_BITS, false);
		CHECK_EQ(msr_reads, 1u);
		CHECK(tick_lapic_stops_in_halt(&e));
		CHECK_EQ(tick_choose(&e, true, true).first, TICK_PIT);
	}
}

/* An Athlon 64 X2 of revision G (family 0x0f, model 0x6b), whose TSC is not invariant:
 * C1E stops that TSC as well as the local APIC timer (Linux marks such a TSC unstable in
 * C1E), and LiOS's clock and every wait's deadline are the TSC. With C1E on (read, taken
 * as on after a refused read, or forced), PIT channel 0 ticks but waits still spin: a
 * halted wait would stand still in time (sleep 1 s: as long as the TSC took to count one
 * second between C1E stays). A warning says so. With C1E off, or on a family 0x10 (its
 * TSC invariant), halts with the PIT are fine and nothing more is said. Before: halts
 * with the PIT tick were allowed everywhere. */
static void test_c1e_stops_k8_tsc(void)
{
	struct cpu_features k8 = cpu("AuthenticAMD", false), fam10 = phenom();
	struct tick_c1e e;

	k8.family = 0x0f;
	k8.model = 0x6b;
	e = probe(&k8, -1, INT_PENDING_C1E_ON_CMP_HALT, false);
	CHECK(e.tsc_stops);
	CHECK_EQ(tick_choose(&e, true, true).first, TICK_PIT);
	CHECK(!tick_halt_ends(&e, TICK_PIT));
	CHECK(!tick_halt_ends(&e, TICK_LAPIC));
	CHECK(tick_c1e_tsc_warning(&e) &&
	      strstr(tick_c1e_tsc_warning(&e), "TSC is not invariant") &&
	      strstr(tick_c1e_tsc_warning(&e), "waits spin instead of halting"));
	e = probe(&k8, -1, 0, true);
	CHECK(!tick_halt_ends(&e, TICK_PIT));
	e = probe(&k8, 1, 0, false);
	CHECK(!tick_halt_ends(&e, TICK_PIT));
	CHECK(tick_c1e_tsc_warning(&e) != NULL);
	e = probe(&k8, -1, 0, false); /* C1E off: the TSC keeps counting in HLT */
	CHECK(tick_halt_ends(&e, TICK_PIT));
	CHECK(tick_halt_ends(&e, TICK_LAPIC));
	CHECK(tick_c1e_tsc_warning(&e) == NULL);
	e = probe(&fam10, -1, C1E_BITS, false);
	CHECK(!e.tsc_stops);
	CHECK(tick_halt_ends(&e, TICK_PIT));
	CHECK(tick_c1e_tsc_warning(&e) == NULL);
}

/* Whether a wait may halt (timer_halt_ends) for each tick that runs. A halt must end
 * within a tick: the shell's idle and timer_sleep_ms halt until the next interrupt and
 * then look again. On an AMD family 0x0f-0x11 CPU without ARAT (bare metal) with C1E on
 * halt enabled, whose local APIC timer ticks because nothing else can, HLT may enter C1E
 * and stop that timer, so a halt could last until an unrelated interrupt, or for good
 * (serial input and USB keyboards are polled on the tick). Expected: halts are allowed
 * there only with the PIT ticking; with the local APIC timer the waits spin (it runs while
 * the CPU does). Before: any running tick allowed halts. On every other CPU, and on those
 * with C1E off, any tick allows them; no tick never. */
static void test_halt_ends(void)
{
	struct cpu_features amd = phenom(), hygon = cpu("HygonGenuine", false);
	struct cpu_features intel = cpu("GenuineIntel", false), zen = cpu("AuthenticAMD", true);
	struct cpu_features late = cpu("AuthenticAMD", false), guest = cpu("AuthenticAMD", false);
	struct tick_c1e on_amd, on_hygon, running[5];

	hygon.family = 0x0f;
	hygon.model = 0x6b;
	late.family = 0x15;
	guest.family = 0x0f;
	guest.model = 0x6b;
	guest.hypervisor = true;
	on_amd = probe(&amd, -1, INT_PENDING_C1E_ON_CMP_HALT, false);
	on_hygon = probe(&hygon, -1, INT_PENDING_SMI_ON_CMP_HALT, false);
	running[0] = probe(&intel, -1, 0, false);
	running[1] = probe(&zen, -1, 0, false);
	running[2] = probe(&late, -1, 0, false);
	running[3] = probe(&guest, -1, 0, false);
	running[4] = probe(&amd, -1, 0, false); /* C1E off in the MSR */
	CHECK(!tick_halt_ends(&on_amd, TICK_LAPIC));
	CHECK(!tick_halt_ends(&on_hygon, TICK_LAPIC));
	CHECK(tick_halt_ends(&on_amd, TICK_PIT));
	CHECK(!tick_halt_ends(&on_amd, TICK_NONE));
	for (size_t i = 0; i < sizeof(running) / sizeof(running[0]); i++) {
		CHECK(tick_halt_ends(&running[i], TICK_LAPIC));
		CHECK(tick_halt_ends(&running[i], TICK_PIT));
		CHECK(!tick_halt_ends(&running[i], TICK_NONE));
	}
}

int main(void)
{
	RUN(test_lapic_keeps_running);
	RUN(test_c1e_enabled_uses_pit);
	RUN(test_c1e_msr_bits);
	RUN(test_c1e_msr_unreadable);
	RUN(test_other_cpus_never_read_msr);
	RUN(test_c1e_forced);
	RUN(test_amd_late_families_keep_lapic);
	RUN(test_amd_without_arat_no_pit);
	RUN(test_guest_keeps_lapic);
	RUN(test_without_lapic);
	RUN(test_vendor_exact);
	RUN(test_k8_before_rev_f);
	RUN(test_c1e_stops_k8_tsc);
	RUN(test_halt_ends);
	return unit_summary();
}
