// SPDX-License-Identifier: MIT
/*
 * timer_init: which clock sources the machine has, the TSC's frequency, and the tick.
 *
 * The TSC frequency comes from CPUID leaf 0x15 when it names its crystal (exact), else from
 * a calibration against the first reference that counts: the HPET, the ACPI PM timer, PIT
 * channel 2 (clock_tsc_rate_choose decides). Leaf 0x16's base frequency, which stands in
 * for a crystal leaf 0x15 leaves out (Skylake to Comet Lake clients), is a nominal
 * whole-MHz value, up to 1% off and blind to a raised base clock: it is only reported
 * beside the measurement, and used only where nothing counts. The other references are
 * read beside that calibration's window (clock_ref.side): the next one that counts
 * cross-checks the rate, and a disagreement above 1% is logged; one that does not move is
 * found frozen there, at no cost of its own. (When CPUID gives the rate, the check is a
 * window of its own, CHECK_WINDOW_US.) A measured rate is refined over about a second
 * against its reference afterwards (tsc_refine.c).
 * Without any reference (no HPET, no PM timer, a gated or absent PIT) boot goes on with an
 * estimate (leaf 0x16's base frequency, the brand string's "@ x.xxGHz", both the rate an
 * invariant TSC runs at) and says so. With neither, the rate is taken as the fastest TSC
 * there is (DELAY_ASSUMED_MAX_KHZ): every wait and timeout is then at least as long as asked
 * (a guess of 2 GHz made them half as long on a 4 GHz CPU, too short for a USB reset), and
 * the clock runs slow instead. The local APIC timer runs free during the first calibration and so
 * is measured against the same reference; the tick then comes from it (cpu/irq.c enables
 * the local APIC on both interrupt backends), else from PIT channel 0: without a usable
 * local APIC, with `nolapic_timer` on the command line, or on a CPU whose local APIC timer
 * may stop when it halts (AMD of the C1E families without ARAT whose MSR C001_0055 enables
 * C1E on halt; when it ticks there anyway, waits spin instead of halting:
 * timer_halt_ends). tick_start.c decides and starts it, tick_choice.c holds the rules.
 *
 * Every calibration is bounded in TSC cycles at DELAY_ASSUMED_MAX_KHZ (see <lios/time.h>),
 * so a counter that never moves costs milliseconds, never a hang; a measured rate above
 * that is no TSC's, and the reference is treated as failed (the next one is measured).
 */
#include <arch/cpu.h>
#include <lios/cmdline.h>
#include <lios/cpu_features.h>
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/time.h>
#include <lios/timer.h>
#include "deadline_errata.h"
#include "tick_choice.h"
#include "time_internal.h"

#define CAL_WINDOW_US 5000       /* the calibration the TSC rate comes from (was 10 ms: the
				  * same rate within 0.001 %, and 5 ms less boot) */
#define CHECK_WINDOW_US 2000     /* the cross-check when CPUID gave the rate (otherwise it
				  * is read beside the calibration's window): it looks for a 1 %
				  * disagreement, and 2 ms resolve the PM timer's rate to 0.02 % */
#define FREEZE_US 2000           /* a counter must move within this (at the assumed rate) */
#define FREEZE_KNOWN_US 500      /* the same once the TSC rate is known: every reference
				  * counts at 1.19 MHz or more, hundreds of counts in 500 us */
#define CAL_MAX_US 200000        /* a calibration gives up after this (at the assumed rate) */
#define CAL_ATTEMPTS 8           /* starts over after a pause that could hide a wrap */
#define MIN_TSC_KHZ 1000000ull   /* TSC rate for bounding such a pause at half a wrap:
				  * a TSC down to half of it (500 MHz) still sees any
				  * whole wrap; the slowest invariant TSCs run at 800 MHz
				  * and more (Core M-5Y10) */
#define ESTIMATE_ASSUMED_HZ (DELAY_ASSUMED_MAX_KHZ * 1000) /* no wait is ever short */
#define FROZEN_NOTE "the counter never moves (clock-gated or absent)"

enum { SRC_HPET, SRC_PM, SRC_PIT };

static struct timer_report rep;
static struct clock_ref refs[TIMER_MAX_SOURCES];
static bool ref_valid[TIMER_MAX_SOURCES];

static uint64_t tsc_read(void) { return rdtsc(); }

/* timer_report - see lios/timer.h. Any context. */
const struct timer_report *timer_report(void) { return &rep; }

/* timer_report_mut - see time_internal.h. Boot. */
struct timer_report *timer_report_mut(void) { return &rep; }

/* Limits for one calibration against r: the pause allowed between two reads is half the
 * counter's wrap period at the slowest TSC assumed. */
static void limits_for(const struct clock_ref *r, uint64_t window_us,
		       struct clock_calib_limits *lim)
{
	uint64_t wrap_us = r->bits >= 40 ? UINT32_MAX : clock_muldiv(1ull << r->bits, 1000000, r->hz);

	lim->window_us = window_us;
	lim->freeze_cycles = FREEZE_US * DELAY_ASSUMED_MAX_KHZ / 1000;
	lim->gap_cycles = wrap_us / 2 * MIN_TSC_KHZ / 1000;
	lim->max_cycles = CAL_MAX_US * DELAY_ASSUMED_MAX_KHZ / 1000;
	lim->attempts = CAL_ATTEMPTS;
	lim->max_tsc_hz = DELAY_ASSUMED_MAX_KHZ * 1000;
}

static void source_absent(unsigned i, const char *name, const char *why)
{
	rep.sources[i].name = name;
	rep.sources[i].state = CLOCK_ABSENT;
	rep.sources[i].note = why;
}

/* Describe the references the firmware and the machine offer (not measured yet). */
static void find_sources(const struct clock_hw *hw)
{
	const char *why = "";

	rep.nsources = TIMER_MAX_SOURCES;
	source_absent(SRC_HPET, "HPET", "no ACPI HPET table");
	if (hw && hw->hpet_base) {
		if (hpet_ref_init(hw->hpet_base, &refs[SRC_HPET], &why) == 0)
			ref_valid[SRC_HPET] = true;
		else
			rep.sources[SRC_HPET].note = why;
	}
	source_absent(SRC_PM, "ACPI PM timer", "no FADT PM timer");
	if (hw && hw->pm_timer_port) {
		pmtimer_ref_init(hw->pm_timer_port, hw->pm_timer_32bit, &refs[SRC_PM]);
		ref_valid[SRC_PM] = true;
	}
	pit_ch2_ref_init(&refs[SRC_PIT]);
	ref_valid[SRC_PIT] = true;
	for (unsigned i = 0; i < TIMER_MAX_SOURCES; i++) {
		if (!ref_valid[i])
			continue;
		rep.sources[i].name = refs[i].name;
		rep.sources[i].hz = refs[i].hz;
		rep.sources[i].bits = refs[i].bits;
		rep.sources[i].note = "";
	}
}

/* Calibrate against source i, reading the valid references after it beside the window
 * when with_sides (their results in *cal_out); on success its tsc_hz is set and, when aux
 * sampled the local APIC timer, *lapic_hz too. Returns 0 or the clock_calibrate error
 * (-ERANGE: *cal_out's tsc_hz is the rate refused). */
static int measure(unsigned i, uint64_t window_us, bool sample_lapic, uint64_t *lapic_hz,
		   bool with_sides, struct clock_calib *cal_out)
{
	struct clock_calib_limits lim;
	struct clock_calib cal;
	struct timer_source *s = &rep.sources[i];
	int err;

	refs[i].aux = sample_lapic ? lapic_timer_read : NULL;
	refs[i].aux_bits = 32;
	refs[i].nside = 0;
	for (unsigned j = i + 1; with_sides && j < TIMER_MAX_SOURCES; j++)
		if (ref_valid[j] && refs[i].nside < CLOCK_SIDE_MAX)
			refs[i].side[refs[i].nside++] = &refs[j];
	limits_for(&refs[i], window_us, &lim);
	err = clock_calibrate(&refs[i], tsc_read, &lim, &cal);
	if (err == -ENODEV) {
		s->state = CLOCK_FROZEN;
		s->note = FROZEN_NOTE;
		return err;
	}
	if (err == -ERANGE) {
		/* counted, but to a rate above any TSC's: the next reference is measured instead */
		s->state = CLOCK_COUNTING;
		s->note = "measured a TSC rate above any real one";
		cal.tsc_hz = clock_muldiv(cal.tsc_cycles, refs[i].hz, cal.ref_ticks);
		printk(KERN_WARN "timer: %s gave a TSC rate of %llu Hz, above the %llu Hz no TSC exceeds: not used\n",
		       s->name, (unsigned long long)cal.tsc_hz, (unsigned long long)lim.max_tsc_hz);
		*cal_out = cal;
		return err;
	}
	if (err) {
		s->state = CLOCK_COUNTING;
		s->note = err == -EAGAIN ? "calibration kept being interrupted" : "stopped during calibration";
		printk(KERN_INFO "timer: %s counts, but not measured: %s\n", s->name, s->note);
		return err;
	}
	s->tsc_hz = cal.tsc_hz;
	if (sample_lapic && cal.ref_ticks)
		*lapic_hz = clock_muldiv(cal.aux_ticks, refs[i].hz, cal.ref_ticks);
	printk(KERN_DEBUG "timer: %s %llu Hz: TSC %llu Hz over %llu us (bracket %llu cycles, %u restarts)\n",
	       s->name, (unsigned long long)refs[i].hz, (unsigned long long)cal.tsc_hz,
	       (unsigned long long)window_us, (unsigned long long)cal.uncertainty_cycles,
	       cal.restarts);
	*cal_out = cal;
	return 0;
}

/* The references read beside primary's window (refs[primary].side, results in cal): one
 * that never moved is frozen; the first that counted and gives a believable rate over a
 * span its counter cannot have wrapped twice in becomes the cross-check (*check); the
 * others count. Each is marked settled, so it is not measured again. */
static void settle_sides(unsigned primary, const struct clock_calib *cal, uint64_t window_us,
			 int *check, bool *settled)
{
	const struct clock_ref *p = &refs[primary];

	for (unsigned k = 0; k < p->nside; k++) {
		unsigned j = (unsigned)(p->side[k] - refs);
		const struct clock_side *sd = &cal->side[k];
		struct timer_source *s = &rep.sources[j];
		uint64_t hz = sd->ticks ? clock_muldiv(sd->tsc_cycles, refs[j].hz, sd->ticks) : 0;
		uint64_t wrap_cycles = refs[j].bits >= 40 ? UINT64_MAX :
				       clock_muldiv(1ull << refs[j].bits, cal->tsc_hz, refs[j].hz);

		settled[j] = true;
		s->state = sd->ticks ? CLOCK_COUNTING : CLOCK_FROZEN;
		s->note = sd->ticks ? "" : FROZEN_NOTE;
		if (!sd->ticks)
			printk(KERN_DEBUG "timer: %s never moved beside the %s's window: frozen\n",
			       s->name, p->name);
		if (!sd->ticks || *check >= 0)
			continue;
		if (sd->tsc_cycles > wrap_cycles / 2 || hz > DELAY_ASSUMED_MAX_KHZ * 1000) {
			s->note = "counts; read beside the calibration over too long a span";
			continue;
		}
		s->state = CLOCK_CHECKED;
		s->tsc_hz = hz;
		*check = (int)j;
		printk(KERN_DEBUG "timer: %s %llu Hz: TSC %llu Hz over %llu us (read beside the %s's "
				  "window, brackets %llu cycles)\n",
		       s->name, (unsigned long long)refs[j].hz, (unsigned long long)hz,
		       (unsigned long long)window_us, p->name,
		       (unsigned long long)sd->uncertainty_cycles);
	}
}

/* Measure against references in order: the first that counts gives the rate (unless
 * CPUID did exactly), the next cross-checks it; the rest are only checked to count.
 * measured[i]: the TSC rate reference i gave as the rate's source (a refused one's too;
 * 0: none), for clock_tsc_rate_choose; *primary_cal: the calibration of the one not
 * refused. Sets *check (-1: none). */
static void measure_sources(bool from_cpuid, bool lapic, uint64_t *lapic_hz, int *check,
			   uint64_t *measured, struct clock_calib *primary_cal)
{
	bool settled[TIMER_MAX_SOURCES] = { false };
	int primary = -1;

	*check = -1;
	for (unsigned i = 0; i < TIMER_MAX_SOURCES; i++) {
		struct timer_source *s = &rep.sources[i];
		bool need_primary = !from_cpuid && primary < 0;
		struct clock_calib_limits lim;
		struct clock_calib cal;
		int err;

		if (!ref_valid[i] || settled[i])
			continue;
		if (!need_primary && *check >= 0) {
			limits_for(&refs[i], CHECK_WINDOW_US, &lim);
			/* the rate is known by now: a frozen counter (a gated PIT) costs
			 * FREEZE_KNOWN_US, not FREEZE_US at the conservative assumed rate (5x longer
			 * here; 2 ms of it were a twentieth of a boot without a PIT) */
			if (primary >= 0 && rep.sources[primary].tsc_hz)
				lim.freeze_cycles = clock_muldiv(rep.sources[primary].tsc_hz,
								 FREEZE_KNOWN_US, 1000000);
			s->state = clock_counter_moves(&refs[i], tsc_read, lim.freeze_cycles) ?
				   CLOCK_COUNTING : CLOCK_FROZEN;
			s->note = s->state == CLOCK_FROZEN ? FROZEN_NOTE : "";
			continue;
		}
		cal.tsc_hz = 0;
		err = measure(i, need_primary ? CAL_WINDOW_US : CHECK_WINDOW_US, lapic && !*lapic_hz,
			      lapic_hz, need_primary, &cal);
		if (need_primary && (err == 0 || err == -ERANGE))
			measured[i] = cal.tsc_hz;
		if (err)
			continue;
		if (need_primary) {
			primary = (int)i;
			*primary_cal = cal;
			s->state = CLOCK_USED;
			settle_sides(i, &cal, CAL_WINDOW_US, check, settled);
		} else {
			*check = (int)i;
			s->state = CLOCK_CHECKED;
		}
	}
	pit_ch2_release();
}

/* No reference: leaf 0x16's base frequency, the brand string, or the fastest TSC there is,
 * so that no wait is shorter than asked (see the top of this file). */
static uint64_t estimate(const struct cpu_features *f)
{
	uint64_t hz = clock_hz_from_brand(f->brand);

	if (f->base_mhz) {
		rep.estimate_basis = "CPUID 0x16 base frequency";
		return (uint64_t)f->base_mhz * 1000000;
	}
	if (hz) {
		rep.estimate_basis = "the brand string";
		return hz;
	}
	rep.estimate_basis = "assumed the fastest, so no wait is short";
	return ESTIMATE_ASSUMED_HZ;
}

static void cross_check(const char *a, uint64_t a_hz, const char *b, uint64_t b_hz)
{
	rep.cross_checked = true;
	rep.check_a = a;
	rep.check_b = b;
	rep.check_a_hz = a_hz;
	rep.check_b_hz = b_hz;
	rep.check_ppm = clock_disagreement_ppm(a_hz, b_hz);
	if (rep.check_ppm > CLOCK_DISAGREE_PPM)
		printk(KERN_WARN "timer: %s and %s disagree on the TSC rate by %u.%02u%% (%llu vs %llu Hz)\n",
		       a, b, rep.check_ppm / 10000, rep.check_ppm % 10000 / 100,
		       (unsigned long long)a_hz, (unsigned long long)b_hz);
}

static const char *origin_name(enum tsc_origin o, int primary)
{
	switch (o) {
	case TSC_ORIGIN_CPUID_15: return "CPUID 0x15";
	case TSC_ORIGIN_CPUID_16: return "CPUID 0x15+0x16";
	case TSC_ORIGIN_MEASURED:
		if (primary >= 0 && primary < TIMER_MAX_SOURCES)
			return rep.sources[primary].name;
		return "a reference";
	default: return "estimate";
	}
}

/* The CPUID estimate (leaves 0x15+0x16) a measurement replaced, into the report; a
 * disagreement above 1% is a warning (a raised base clock moves the TSC, not leaf 0x16). */
static void cpuid_beside(const char *origin, uint64_t cpuid_hz)
{
	uint64_t a = cpuid_hz / 1000, b = rep.tsc_hz / 1000;

	rep.cpuid_said = origin;
	rep.cpuid_said_hz = cpuid_hz;
	rep.cpuid_said_ppm = clock_disagreement_ppm(cpuid_hz, rep.tsc_hz);
	if (rep.cpuid_said_ppm > CLOCK_DISAGREE_PPM)
		printk(KERN_WARN "timer: %s said %llu.%03llu MHz, the %s measured %llu.%03llu MHz: "
				 "%u.%02u%% apart: the measurement is used\n", origin,
		       (unsigned long long)(a / 1000), (unsigned long long)(a % 1000), rep.tsc_origin,
		       (unsigned long long)(b / 1000), (unsigned long long)(b % 1000),
		       rep.cpuid_said_ppm / 10000, rep.cpuid_said_ppm % 10000 / 100);
}

/* The refinement over a second (tsc_refine.c) of a rate measured against refs[primary]
 * from the end of its calibration, where that reference can count so long; or why not. */
static void refine_or_say(enum tsc_origin origin, int primary, const struct clock_calib *cal)
{
	if (origin == TSC_ORIGIN_CPUID_15)
		tsc_refine_none("CPUID 0x15 gives the rate exactly");
	else if (origin != TSC_ORIGIN_MEASURED)
		tsc_refine_none("no reference counts");
	else if (primary == SRC_PIT)
		tsc_refine_none("PIT channel 2 cannot count over a second (16 bits, a wrap every "
				"55 ms; released after boot)");
	else
		tsc_refine_start(&refs[primary], &cal->end, rep.tsc_hz);
}

/* "timer: <tick> <Hz> Hz, TSC <MHz> MHz from <origin>[ (<CPUID estimate> said <MHz> MHz:
 * <x>% apart)][, invariant][, TSC-deadline[ refused (errata)]][, checked against <source>:
 * <x>% apart][, C1E <how decided>]"; an estimate is a warning and says its basis. */
static void print_timer_line(void)
{
	uint64_t khz = rep.tsc_hz / 1000, said_khz = rep.cpuid_said_hz / 1000;
	const char *c1e_said = tick_c1e_summary(timer_c1e());
	const char *deadline_said = tsc_deadline_summary(timer_deadline());
	char origin[128], check[96] = "", line[384];

	if (rep.estimate_basis)
		ksnprintf(origin, sizeof(origin), "estimated (%s): no reference counts",
			  rep.estimate_basis);
	else if (rep.cpuid_said)
		ksnprintf(origin, sizeof(origin), "from %s (%s said %llu.%03llu MHz: %u.%03u%% apart)",
			  rep.tsc_origin, rep.cpuid_said, (unsigned long long)(said_khz / 1000),
			  (unsigned long long)(said_khz % 1000), rep.cpuid_said_ppm / 10000,
			  rep.cpuid_said_ppm % 10000 / 10);
	else if (rep.tsc_nominal)
		ksnprintf(origin, sizeof(origin), "from %s (nominal: no reference counts to measure it)",
			  rep.tsc_origin);
	else
		ksnprintf(origin, sizeof(origin), "from %s", rep.tsc_origin);
	if (rep.cross_checked)
		ksnprintf(check, sizeof(check), ", checked against %s: %u.%03u%% apart",
			  rep.check_b, rep.check_ppm / 10000, rep.check_ppm % 10000 / 10);
	ksnprintf(line, sizeof(line), "timer: %s %u Hz, TSC %llu.%03llu MHz %s%s%s%s%s%s%s",
		  timer_tick_source_name(), rep.tick_hz, (unsigned long long)(khz / 1000),
		  (unsigned long long)(khz % 1000), origin, rep.invariant_tsc ? ", invariant" : "",
		  deadline_said ? ", " : "", deadline_said ? deadline_said : "", check,
		  c1e_said ? ", " : "",
		  c1e_said ? c1e_said : "");
	if (rep.estimate_basis)
		printk(KERN_WARN "%s\n", line);
	else
		printk("%s\n", line);
}

/*
 * timer_init - see lios/timer.h and the top of this file. Takes about 5 ms with an HPET or
 * PM timer (the calibration's window; the cross-check and the look at the PIT are read
 * beside it). Boot, once, interrupts disabled, after irq_init() and the memory stack.
 */
void timer_init(const struct clock_hw *hw)
{
	const struct cpu_features *f = cpu_features();
	struct cpuid_freq leaves = {f->max_leaf, f->tsc_ratio_den, f->tsc_ratio_num,
				    f->crystal_hz, f->base_mhz};
	enum tsc_origin cpuid_origin;
	bool exact = clock_tsc_hz_from_cpuid(&leaves, &cpuid_origin) &&
		     cpuid_origin == TSC_ORIGIN_CPUID_15; /* else a reference is measured */
	bool lapic = lapic_timer_usable() && !cmdline_has("nolapic_timer");
	uint64_t lapic_hz = 0, measured[TIMER_MAX_SOURCES] = { 0 };
	struct clock_calib primary_cal = { 0 };
	struct tsc_rate rate;
	int check;

	printk(KERN_DEBUG "timer: CPUID max leaf %#x, 0x15 %u/%u crystal %u Hz, 0x16 base %u MHz\n",
	       f->max_leaf, f->tsc_ratio_num, f->tsc_ratio_den, f->crystal_hz, f->base_mhz);
	rep.invariant_tsc = f->invariant_tsc;
	rep.tsc_deadline = f->tsc_deadline;
	find_sources(hw);
	if (lapic)
		lapic_timer_free_run();
	measure_sources(exact, lapic, &lapic_hz, &check, measured, &primary_cal);
	clock_tsc_rate_choose(&leaves, measured, TIMER_MAX_SOURCES, DELAY_ASSUMED_MAX_KHZ * 1000,
			      &rate);
	rep.tsc_hz = rate.hz;
	switch (rate.origin) {
	case TSC_ORIGIN_CPUID_15:
		if (check >= 0)
			cross_check(origin_name(rate.origin, -1), rate.hz, rep.sources[check].name,
				    rep.sources[check].tsc_hz);
		break;
	case TSC_ORIGIN_MEASURED:
		if (check >= 0)
			cross_check(rep.sources[rate.ref].name, rate.hz, rep.sources[check].name,
				    rep.sources[check].tsc_hz);
		break;
	case TSC_ORIGIN_CPUID_16:
		rep.tsc_nominal = true; /* nothing counts to measure it against */
		break;
	default:
		rate.origin = TSC_ORIGIN_ESTIMATE;
		rep.tsc_hz = estimate(f);
	}
	rep.tsc_origin = origin_name(rate.origin, rate.ref);
	rep.boot_tsc_hz = rep.tsc_hz;
	if (rate.origin == TSC_ORIGIN_MEASURED && rate.cpuid_hz)
		cpuid_beside(origin_name(cpuid_origin, -1), rate.cpuid_hz);
	refine_or_say(rate.origin, rate.ref, &primary_cal);
	tick_set_clock(rep.tsc_hz, rdtsc());
	tick_start(f, lapic, lapic_hz, rep.tsc_hz, rep.sources[SRC_PIT].state != CLOCK_FROZEN);
	print_timer_line();
}
