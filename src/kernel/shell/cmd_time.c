// SPDX-License-Identifier: MIT
/*
 * The shell's time commands: `uptime` (time since boot, from the TSC, whichever source
 * calibrated it), `timer` (the clock sources timer_init() found, which one gave the TSC
 * rate, the cross-check, its refinement over a second, the tick, and the boot's two decisions about the local APIC
 * timer: whether C1E may stop it, whether its TSC-deadline mode may tick), both reading
 * <lios/timer.h>, and `date` (the real-time clock's date and time, through <lios/rtc.h>).
 */
#include <lios/printk.h>
#include <lios/rtc.h>
#include <lios/shell.h>
#include <lios/timer.h>

static const char *state_name(enum clock_state s)
{
	switch (s) {
	case CLOCK_FROZEN: return "frozen";
	case CLOCK_COUNTING: return "counts, not measured against";
	case CLOCK_USED: return "the TSC was calibrated against it";
	case CLOCK_CHECKED: return "the TSC was cross-checked against it";
	default: return "absent";
	}
}

/* MHz with three decimals from Hz. */
static void print_mhz(uint64_t hz)
{
	uint64_t khz = hz / 1000;

	printk("%llu.%03llu MHz", (unsigned long long)(khz / 1000), (unsigned long long)(khz % 1000));
}

static int cmd_uptime(int argc, char **argv, const char *rest)
{
	uint64_t ms = timer_uptime_ms();
	const struct timer_report *r = timer_report();

	printk("up %llu.%03llu s ", (unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000));
	if (r->tick_hz) /* none (no PIT, nolapic_timer) read "0 ticks at 0 Hz from the none" */
		printk("(%llu ticks at %u Hz from the %s), TSC ", (unsigned long long)timer_ticks(),
		       r->tick_hz, timer_tick_source_name());
	else
		printk("(no tick), TSC ");
	print_mhz(r->tsc_hz);
	printk(" from %s\n", r->estimate_basis ? "an estimate" : r->tsc_origin);
	return 0;
}

/* Seconds with three decimals from microseconds. */
static void print_s(uint64_t us)
{
	uint64_t ms = us / 1000;

	printk("%llu.%03llu s", (unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000));
}

/* Where the TSC rate came from: "estimated (...)", or "from <origin>" with what CPUID said
 * beside a measurement, and whether it was refined since. */
static void print_tsc_origin(const struct timer_report *r)
{
	if (r->estimate_basis) {
		printk(", estimated (%s): no reference counts", r->estimate_basis);
		return;
	}
	printk(", from %s", r->tsc_origin);
	if (r->cpuid_said) {
		printk(" (%s said ", r->cpuid_said);
		print_mhz(r->cpuid_said_hz);
		printk(": %u.%03u%% apart)", r->cpuid_said_ppm / 10000, r->cpuid_said_ppm % 10000 / 10);
	} else if (r->tsc_nominal) {
		printk(" (nominal: no reference counts to measure it)");
	}
	if (r->refine == TIMER_REFINE_ADOPTED) {
		printk(", refined over ");
		print_s(r->refine_us);
	}
}

/* The refinement of a measured rate over about a second: done, waiting, refused, or why
 * there is none. */
static void print_refine(const struct timer_report *r)
{
	switch (r->refine) {
	case TIMER_REFINE_ADOPTED:
		printk("refined: over ");
		print_s(r->refine_us);
		printk(" against %s: ", r->refine_ref);
		print_mhz(r->boot_tsc_hz);
		printk(" at boot -> ");
		print_mhz(r->refine_hz);
		printk(" (%u.%04u%% apart)\n", r->refine_ppm / 10000, r->refine_ppm % 10000);
		break;
	case TIMER_REFINE_PENDING:
		printk("refined: not yet (about a second after the calibration, against %s)\n",
		       r->refine_ref);
		break;
	case TIMER_REFINE_KEPT:
		printk("refined: no, the boot's ");
		print_mhz(r->boot_tsc_hz);
		printk(" kept: ");
		if (r->refine_hz) {
			printk("over ");
			print_s(r->refine_us);
			printk(" against %s it gave ", r->refine_ref);
			print_mhz(r->refine_hz);
			printk(", %u.%04u%% apart\n", r->refine_ppm / 10000, r->refine_ppm % 10000);
		} else {
			printk("%s\n", r->refine_note);
		}
		break;
	default:
		printk("refined: no: %s\n", r->refine_note ? r->refine_note : "nothing to refine");
	}
}

static int cmd_timer(int argc, char **argv, const char *rest)
{
	const struct timer_report *r = timer_report();

	printk("TSC: ");
	print_mhz(r->tsc_hz);
	print_tsc_origin(r);
	printk("; %sinvariant\n", r->invariant_tsc ? "" : "not ");
	for (unsigned i = 0; i < r->nsources; i++) {
		const struct timer_source *s = &r->sources[i];

		printk("  %-14s ", s->name);
		if (s->hz) {
			print_mhz(s->hz);
			printk(", %u bits read, ", s->bits);
		}
		printk("%s", state_name(s->state));
		if (s->state == CLOCK_USED || s->state == CLOCK_CHECKED) {
			printk(": TSC ");
			print_mhz(s->tsc_hz);
		}
		printk("%s%s\n", s->note && s->note[0] ? ": " : "", s->note ? s->note : "");
	}
	if (r->cross_checked) {
		printk("cross-check: %s ", r->check_a);
		print_mhz(r->check_a_hz);
		printk(", %s ", r->check_b);
		print_mhz(r->check_b_hz);
		printk(": %u.%03u%% apart%s\n", r->check_ppm / 10000, r->check_ppm % 10000 / 10,
		       r->check_ppm > 10000 ? " (more than 1%!)" : "");
	} else {
		printk("cross-check: none (fewer than two measurements)\n");
	}
	print_refine(r);
	printk("tick: %s", timer_tick_source_name());
	if (r->tick_hz)
		printk(", %u Hz", r->tick_hz);
	if (r->lapic_timer_hz) {
		printk(", local APIC timer ");
		print_mhz(r->lapic_timer_hz);
		printk(" after its divider");
	}
	printk(", %llu ticks so far\n", (unsigned long long)timer_ticks());
	if (r->c1e_note)
		printk("C1E: %s\n", r->c1e_note);
	if (r->tsc_deadline_note)
		printk("TSC-deadline: %s\n", r->tsc_deadline_note);
	if (r->tick_note)
		printk("tick note: %s\n", r->tick_note);
	return 0;
}

/* The RTC read now. Its time zone is whatever the machine's other OS keeps it in (Windows
 * local time, Linux usually UTC): nothing in the clock says which, so the note says so. */
static int cmd_date(int argc, char **argv, const char *rest)
{
	struct rtc_time t;
	const char *why;
	int err = rtc_read(&t, &why);

	if (err) {
		printk("date: %s\n", why);
		return err;
	}
	printk("%04u-%02u-%02u %02u:%02u:%02u\n", t.year, t.month, t.day, t.hour, t.minute,
	       t.second);
	printk("(the RTC's time: local time or UTC, as another OS on this machine keeps it)\n");
	return 0;
}

SHELL_COMMAND(date, "", "the real-time clock's date and time", cmd_date);
SHELL_COMMAND(uptime, "", "time since boot", cmd_uptime);
SHELL_COMMAND(timer, "", "clock sources, the TSC rate and where it came from, the tick", cmd_timer);
