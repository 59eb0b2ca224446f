// SPDX-License-Identifier: MIT
/*
 * The real tick start and boot check (src/arch/x86_64/time/tick_start.c, with the pure
 * tick_choice.c and deadline_errata.c it calls, compiled into this program) on a simulated
 * machine: a TSC that moves on at every read, a local APIC timer that counts down while it
 * runs free (as timer_init left it) and stands still once stopped, a PIT channel 0 that
 * may refuse to start or never interrupt, and an AMD MSR C001_0055 whose C1E bits the
 * firmware may set between the tick's start and the boot's check (entering ACPI mode).
 * The tick's interrupts "arrive" while the code waits for them (cpu_pause) when the kind
 * running delivers. What QEMU cannot play: its TCG reads that MSR as 0 both times.
 */
#include <arch/cpu.h>
#include <arch/msr.h>
#include <lios/cmdline.h>
#include <lios/cpu_features.h>
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/time.h>
#include <lios/timer.h>
#include <string.h>
#include "../../../unit.h"
#include "../../../../support/log_capture.h"
#include "deadline_errata.h"
#include "tick_choice.h"
#include "time_internal.h"

#define TSC_HZ 2000000000ull /* a 2 GHz TSC */
#define TSC_STEP 20000ull    /* cycles each rdtsc() moves it on: 10 us */
#define LAPIC_HZ 62500000ull /* the local APIC timer after its divide-by-16 */
#define C1E_ON (1ull << 28)  /* C1eOnCmpHalt */
#define LAPIC_COUNT_MAX 0xffffffffu

enum lapic_state { LAPIC_FREE_RUN, LAPIC_STOPPED, LAPIC_TICKING };

static struct {
	struct cpu_features f;
	uint64_t tsc;
	uint64_t msr_reads[2]; /* MSR C001_0055 at tick_start, then at the boot's check */
	unsigned nmsr_reads;
	enum lapic_state lapic;
	uint64_t lapic_base_tsc;   /* TSC when the free run started counting down */
	uint32_t lapic_stopped_at; /* the count it holds once stopped */
	uint64_t lapic_started_hz; /* the rate the last lapic_timer_start was given */
	bool lapic_deadline;       /* ... and it runs in TSC-deadline mode */
	unsigned lapic_starts, lapic_refusals;
	uint32_t microcode; /* IA32_BIOS_SIGN_ID's revision */
	unsigned microcode_reads;
	bool lapic_silent; /* its interrupts never come */
	bool pit_refuses, pit_silent, pit_running;
	uint64_t ticks;
	const char *source;
	bool halt_ends;
	struct timer_report rep;
} sim;

/* ---- the machine tick_start.c drives ---- */

uint64_t rdtsc(void) { return sim.tsc += TSC_STEP; }
uint64_t read_rflags(void) { return RFLAGS_IF; } /* timer_check_tick: interrupts on */
uint64_t irq_save(void) { return 0; }
void irq_restore(uint64_t flags) { (void)flags; }
void mfence(void) {}

/* A pause while the code waits for ticks: the running tick's interrupt comes, if it does. */
void cpu_pause(void)
{
	if ((sim.lapic == LAPIC_TICKING && !sim.lapic_silent) ||
	    (sim.pit_running && !sim.pit_silent))
		sim.ticks++;
}

uint64_t deadline_us(uint64_t us) { return sim.tsc + us * (TSC_HZ / 1000000); }
bool deadline_passed(uint64_t deadline) { return rdtsc() >= deadline; }

/* C001_0055 as the firmware has it at this read; any other MSR is none this CPU has. */
int rdmsr_safe(uint32_t msr, uint64_t *val)
{
	if (msr != MSR_INT_PENDING_MSG)
		return -EIO;
	*val = sim.msr_reads[sim.nmsr_reads < 2 ? sim.nmsr_reads : 1];
	sim.nmsr_reads++;
	return 0;
}

int cpu_microcode_revision(uint32_t *rev)
{
	sim.microcode_reads++;
	*rev = sim.microcode;
	return 0;
}

const struct cpu_features *cpu_features(void) { return &sim.f; }

/* The free run counts down from the top at LAPIC_HZ; stopped, the count stands. */
static uint32_t lapic_count(void)
{
	if (sim.lapic == LAPIC_STOPPED)
		return sim.lapic_stopped_at;
	return LAPIC_COUNT_MAX - (uint32_t)((sim.tsc - sim.lapic_base_tsc) * LAPIC_HZ / TSC_HZ);
}

uint64_t lapic_timer_read(void *ctx)
{
	(void)ctx;
	return LAPIC_COUNT_MAX - lapic_count();
}

/* As lapic_timer.c: TSC-deadline mode when asked (any rate), else periodic at
 * lapic_hz / TIMER_HZ, refused when that count is no timer. */
int lapic_timer_start(uint64_t lapic_hz, uint64_t tsc_hz, bool tsc_deadline)
{
	uint64_t count = (lapic_hz + TIMER_HZ / 2) / TIMER_HZ;

	sim.lapic_starts++;
	sim.lapic_started_hz = lapic_hz;
	sim.lapic_stopped_at = 0; /* the free run ends: initial count 0 */
	sim.lapic = LAPIC_STOPPED;
	sim.lapic_deadline = tsc_deadline && tsc_hz;
	if (sim.lapic_deadline) {
		sim.lapic = LAPIC_TICKING;
		return 0;
	}
	if (count < 16 || count > LAPIC_COUNT_MAX) {
		sim.lapic_refusals++;
		return -EINVAL;
	}
	sim.lapic = LAPIC_TICKING;
	return 0;
}

bool lapic_timer_deadline_mode(void) { return sim.lapic == LAPIC_TICKING && sim.lapic_deadline; }

void lapic_timer_stop(void)
{
	sim.lapic = LAPIC_STOPPED;
	sim.lapic_stopped_at = 0;
	sim.lapic_deadline = false;
}

int pit_tick_start(void)
{
	if (sim.pit_refuses)
		return -EBUSY;
	sim.pit_running = true;
	return 0;
}

void pit_tick_stop(void) { sim.pit_running = false; }

void tick_set_source(const char *name, bool halt_ends_within_tick)
{
	sim.source = name;
	sim.halt_ends = name && halt_ends_within_tick;
}

const char *timer_tick_source_name(void) { return sim.source ? sim.source : "none"; }
uint64_t timer_ticks(void) { return sim.ticks; }
struct timer_report *timer_report_mut(void) { return &sim.rep; }

/* ---- the scenarios ---- */

/* How many times needle was printed since the last log_capture_clear. */
static unsigned log_count(const char *needle)
{
	unsigned n = 0;

	for (const char *p = log_capture_buf; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* A Phenom II (AMD family 0x10, no ARAT, invariant TSC) on bare metal whose MSR C001_0055
 * reads at_start at timer_init and at_check at the boot's check; its local APIC timer runs
 * free, as the calibration left it, and no calibration window sampled its rate. */
static void boot(uint64_t at_start, uint64_t at_check)
{
	memset(&sim, 0, sizeof(sim));
	strcpy(sim.f.vendor, "AuthenticAMD");
	sim.f.family = 0x10;
	sim.f.model = 0x04;
	sim.f.apic = true;
	sim.f.invariant_tsc = true;
	sim.tsc = 1000000000ull;
	sim.lapic = LAPIC_FREE_RUN;
	sim.lapic_base_tsc = sim.tsc;
	sim.msr_reads[0] = at_start;
	sim.msr_reads[1] = at_check;
	cmdline_set("");
	log_capture_clear();
}

/* C1E off at timer_init, so the local APIC timer ticks; its rate was measured then against
 * the TSC (no calibration window sampled it). Firmware turns C1E on with ACPI mode, and at
 * the boot's check IRQ 0 cannot be had (the PIT refuses to start). Expected: the local
 * APIC timer stopped for the PIT, then started again at the rate measured at boot, and it
 * ticks, with waits spinning (C1E may stop it). Before: the rate was not kept, so the
 * restart measured the stopped timer (0 Hz), was refused ("cannot tick") and the machine
 * was left without a tick. */
static void test_c1e_late_pit_refuses_lapic_restarts(void)
{
	boot(0, C1E_ON);
	tick_start(&sim.f, true, 0, TSC_HZ, true);
	CHECK_EQ(sim.lapic, LAPIC_TICKING);
	CHECK(sim.lapic_started_hz > LAPIC_HZ * 99 / 100 &&
	      sim.lapic_started_hz < LAPIC_HZ * 101 / 100);
	CHECK(sim.halt_ends); /* C1E off: waits halt */

	sim.pit_refuses = true;
	timer_check_tick();
	CHECK_EQ(sim.lapic_starts, 2u);
	CHECK_EQ(sim.lapic_refusals, 0u);
	CHECK_EQ(sim.lapic, LAPIC_TICKING);
	CHECK(sim.lapic_started_hz > LAPIC_HZ * 99 / 100 &&
	      sim.lapic_started_hz < LAPIC_HZ * 101 / 100);
	CHECK_STR_EQ(timer_tick_source_name(), "local APIC timer (periodic)");
	CHECK(!sim.halt_ends); /* C1E on: waits spin */
	CHECK_EQ(sim.rep.tick_hz, TIMER_HZ);
	CHECK(sim.rep.tick_verified);
	/* what `timer` shows: the restarted timer, its rate */
	CHECK_STR_EQ(sim.rep.tick_source, "local APIC timer (periodic)");
	CHECK_EQ(sim.rep.lapic_timer_hz, sim.lapic_started_hz);
	CHECK(!log_captured("cannot tick"));
	CHECK(!log_captured("no tick"));
}

/* The same machine, but the PIT starts at the boot's check and its interrupts never come
 * (IRQ 0 routed wrong). Expected: the check stops it and falls back to the local APIC
 * timer at the rate measured at boot, which ticks (waits spin). Before: the fallback
 * measured the stopped timer and was refused, leaving no tick. */
static void test_c1e_late_pit_silent_lapic_fallback(void)
{
	boot(0, C1E_ON);
	tick_start(&sim.f, true, 0, TSC_HZ, true);
	CHECK_EQ(sim.lapic, LAPIC_TICKING);

	sim.pit_silent = true;
	timer_check_tick();
	CHECK(!sim.pit_running);
	CHECK_EQ(sim.lapic_refusals, 0u);
	CHECK_EQ(sim.lapic, LAPIC_TICKING);
	CHECK(sim.lapic_started_hz > LAPIC_HZ * 99 / 100 &&
	      sim.lapic_started_hz < LAPIC_HZ * 101 / 100);
	CHECK_STR_EQ(timer_tick_source_name(), "local APIC timer (periodic)");
	CHECK(!sim.halt_ends);
	CHECK(sim.rep.tick_verified);
	CHECK(sim.rep.tick_note &&
	      strstr(sim.rep.tick_note, "PIT channel 0's interrupts never arrived"));
	CHECK(!log_captured("cannot tick"));
	/* what `timer` shows: the local APIC timer that took over, its rate */
	CHECK_STR_EQ(sim.rep.tick_source, "local APIC timer (periodic)");
	CHECK_EQ(sim.rep.tick_hz, TIMER_HZ);
	CHECK_EQ(sim.rep.lapic_timer_hz, sim.lapic_started_hz);
}

/* The move itself, where everything works: C1E off at timer_init, on at the boot's check,
 * the PIT counts and interrupts. Expected: the local APIC timer stopped, the PIT ticks,
 * waits halt (the PIT runs in C1E; this TSC is invariant), the report's C1E words and tick
 * note name the register, MSR C001_0055 read twice; what `timer` shows is the PIT at
 * TIMER_HZ, no local APIC timer rate beside it. Before: the `tick:` line kept "local
 * APIC timer 62.500 MHz after its divider" after the move. */
static void test_c1e_late_moves_to_pit(void)
{
	boot(0, C1E_ON);
	tick_start(&sim.f, true, 0, TSC_HZ, true);
	timer_check_tick();
	CHECK_EQ(sim.nmsr_reads, 2u);
	CHECK_EQ(sim.lapic, LAPIC_STOPPED);
	CHECK(sim.pit_running);
	CHECK_STR_EQ(timer_tick_source_name(), "PIT channel 0");
	CHECK(sim.halt_ends);
	CHECK(sim.rep.tick_verified);
	CHECK(sim.rep.c1e_note && strncmp(sim.rep.c1e_note, "on: ", 4) == 0);
	CHECK(sim.rep.tick_note && strstr(sim.rep.tick_note, "MSR C001_0055"));
	CHECK_STR_EQ(sim.rep.tick_source, "PIT channel 0");
	CHECK_EQ(sim.rep.tick_hz, TIMER_HZ);
	CHECK_EQ(sim.rep.lapic_timer_hz, 0u);
}

/* C1E off both times (the local APIC timer stays the tick's choice), but its interrupts
 * never come: the boot's check stops it and starts the PIT. Expected: the PIT ticks and
 * `timer`'s report shows the PIT, no local APIC timer rate, the note naming the silent
 * timer. Before: the stopped timer's rate stayed in the report. */
static void test_silent_lapic_moves_to_pit(void)
{
	boot(0, 0);
	tick_start(&sim.f, true, LAPIC_HZ, TSC_HZ, true);
	CHECK_EQ(sim.rep.lapic_timer_hz, LAPIC_HZ);

	sim.lapic_silent = true;
	timer_check_tick();
	CHECK_EQ(sim.lapic, LAPIC_STOPPED);
	CHECK(sim.pit_running);
	CHECK(sim.rep.tick_verified);
	CHECK_STR_EQ(sim.rep.tick_source, "PIT channel 0");
	CHECK_EQ(sim.rep.tick_hz, TIMER_HZ);
	CHECK_EQ(sim.rep.lapic_timer_hz, 0u);
	CHECK(sim.rep.tick_note &&
	      strstr(sim.rep.tick_note, "the local APIC timer's interrupts never arrived"));
}

/* A Haswell desktop (Intel family 6 model 0x3c stepping 3: ARAT, invariant TSC, the
 * TSC-deadline timer offered) on bare metal whose microcode revision reads rev: a part
 * whose TSC-deadline timer has errata until revision 0x22. */
static void boot_haswell(uint32_t rev)
{
	boot(0, 0);
	strcpy(sim.f.vendor, "GenuineIntel");
	sim.f.family = 6;
	sim.f.model = 0x3c;
	sim.f.stepping = 3;
	sim.f.arat = true;
	sim.f.tsc_deadline = true;
	sim.microcode = rev;
}

/* That Haswell with microcode 0x19 (older than the fix), booted with `nolapic_timer` (or
 * without a usable local APIC: tick_start is told the local APIC timer is not to be used),
 * the PIT ticking. Expected: the microcode is never read, not at the start and not at the
 * boot's check; no TSC-deadline warning, nothing saying "the local APIC timer runs
 * periodic instead"; the report says the mode was not asked about, the `timer:` line's
 * part is plain "TSC-deadline" (offered, not refused). Before: the check ran at every
 * boot and warned about a timer that never ticks. */
static void test_nolapic_timer_asks_no_microcode(void)
{
	boot_haswell(0x19);
	tick_start(&sim.f, false, 0, TSC_HZ, true);
	CHECK(sim.pit_running);
	CHECK_STR_EQ(timer_tick_source_name(), "PIT channel 0");
	CHECK_EQ(sim.lapic_starts, 0u);
	CHECK_EQ(sim.microcode_reads, 0u);
	CHECK(!log_captured("TSC-deadline refused"));
	CHECK(!log_captured("runs periodic instead"));
	CHECK(!sim.rep.tsc_deadline_allowed);
	CHECK(sim.rep.tsc_deadline_note &&
	      strncmp(sim.rep.tsc_deadline_note, "not asked: ", 11) == 0);
	CHECK_STR_EQ(tsc_deadline_summary(timer_deadline()), "TSC-deadline");

	timer_check_tick();
	CHECK(sim.rep.tick_verified);
	CHECK_EQ(sim.microcode_reads, 0u);
	CHECK(!log_captured("runs periodic instead"));
}

/* The same Haswell whose local APIC timer ticks (its rate sampled by the calibration),
 * with microcode 0x19, then with 0x22. Expected: the revision read once as the timer
 * starts; 0x19 refused with the warning, the timer periodic, the `timer:` line's part
 * "TSC-deadline refused (errata)"; 0x22 allowed, the timer in TSC-deadline mode. The
 * boot's check reads nothing more. */
static void test_lapic_tick_asks_microcode_once(void)
{
	boot_haswell(0x19);
	tick_start(&sim.f, true, LAPIC_HZ, TSC_HZ, true);
	CHECK_EQ(sim.microcode_reads, 1u);
	CHECK_EQ(log_count("timer: TSC-deadline refused: "), 1);
	CHECK(log_captured("runs periodic instead"));
	CHECK_EQ(sim.lapic, LAPIC_TICKING);
	CHECK(!sim.lapic_deadline);
	CHECK_STR_EQ(timer_tick_source_name(), "local APIC timer (periodic)");
	CHECK(!sim.rep.tsc_deadline_allowed);
	CHECK_STR_EQ(tsc_deadline_summary(timer_deadline()), "TSC-deadline refused (errata)");
	timer_check_tick();
	CHECK_EQ(sim.microcode_reads, 1u);
	CHECK_EQ(log_count("timer: TSC-deadline refused: "), 1);

	boot_haswell(0x22);
	tick_start(&sim.f, true, LAPIC_HZ, TSC_HZ, true);
	CHECK_EQ(sim.microcode_reads, 1u);
	CHECK(sim.lapic_deadline);
	CHECK_STR_EQ(timer_tick_source_name(), "local APIC timer (TSC-deadline)");
	CHECK(sim.rep.tsc_deadline_allowed);
	CHECK(sim.rep.tsc_deadline_note &&
	      strncmp(sim.rep.tsc_deadline_note, "allowed: Intel", 14) == 0);
	CHECK(!log_captured("refused"));
}

/* An AMD family 0x10 made up to offer the TSC-deadline timer, C1E on in MSR C001_0055
 * from the start, so the PIT ticks and the local APIC timer is only its fallback; the
 * PIT's interrupts never come. Expected: until then the mode is "not asked"; the boot's
 * check falls back to the local APIC timer and asks then (no erratum listed for AMD:
 * allowed, nothing read), and the timer ticks in TSC-deadline mode with the report
 * saying so. */
static void test_lapic_fallback_asks_when_it_starts(void)
{
	boot(C1E_ON, C1E_ON);
	sim.f.tsc_deadline = true;
	tick_start(&sim.f, true, 0, TSC_HZ, true);
	CHECK(sim.pit_running);
	CHECK(sim.rep.tsc_deadline_note &&
	      strncmp(sim.rep.tsc_deadline_note, "not asked: ", 11) == 0);
	CHECK(!sim.rep.tsc_deadline_allowed);

	sim.pit_silent = true;
	timer_check_tick();
	CHECK_EQ(sim.lapic, LAPIC_TICKING);
	CHECK(sim.lapic_deadline);
	CHECK_STR_EQ(timer_tick_source_name(), "local APIC timer (TSC-deadline)");
	CHECK_EQ(sim.microcode_reads, 0u);
	CHECK(sim.rep.tsc_deadline_allowed);
	CHECK_STR_EQ(sim.rep.tsc_deadline_note,
		     "allowed: no TSC-deadline errata listed for this CPU");
}

int main(void)
{
	printk_add_sink(log_capture_sink, false);
	RUN(test_c1e_late_pit_refuses_lapic_restarts);
	RUN(test_c1e_late_pit_silent_lapic_fallback);
	RUN(test_c1e_late_moves_to_pit);
	RUN(test_silent_lapic_moves_to_pit);
	RUN(test_nolapic_timer_asks_no_microcode);
	RUN(test_lapic_tick_asks_microcode_once);
	RUN(test_lapic_fallback_asks_when_it_starts);
	return unit_summary();
}
