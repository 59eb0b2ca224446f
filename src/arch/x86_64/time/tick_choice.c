// SPDX-License-Identifier: MIT
/*
 * The choice of the tick source (see tick_choice.h). The local APIC timer is the natural
 * tick: a local vector, no ISA line, TSC-deadline mode where the CPU offers it. Its one
 * weakness is idle: without ARAT ("APIC timer always running", CPUID 6 EAX bit 2) the
 * timer may stop in a deep C-state. LiOS idles only with HLT (C1), which keeps the timer
 * running on Intel processors; on AMD processors with C1E (family 0x0f from revision F,
 * families 0x10 and 0x11) the firmware may turn HLT into C1E and the timer stops, so the
 * tick dies whenever the shell waits for a key, with every timer_sleep_ms and every
 * polled USB controller behind it. Whether it did is the processor's word, not the
 * family's: MSR C001_0055's C1eOnCmpHalt and SmiOnCmpHalt bits (tick_c1e_probe; Linux
 * asks the same two). Clear, HLT is plain C1 and the local APIC timer ticks as anywhere
 * else. Set, or the read refused (#GP: a part or hypervisor without the register), the
 * family's answer stands: PIT channel 0 keeps counting in any C-state, so it ticks
 * instead there; without it the local APIC timer is still better than no tick, and it
 * runs as long as the CPU does not halt: tick_halt_ends then says that a halt may not
 * end, so the waits that would halt (the shell's idle, timer_sleep_ms) spin instead, as
 * they do without a tick. `timer.c1e=on|off` answers instead of the register.
 * C1E stops more than the timer where the TSC is not invariant (CPUID 0x80000007 EDX
 * bit 8 clear: the K8s; families 0x10 and 0x11 have it): the TSC halts there too (Linux
 * marks such a TSC unstable in C1E). LiOS's clock and every deadline are the TSC, so a
 * halted wait would stand still in time: there, waits spin with any tick
 * (tick_halt_ends).
 * (The HPET's comparators would be another such source; LiOS does not drive them.)
 * AMD reports no ARAT in CPUID on most of its processors, yet from family 0x12 on the
 * timer runs in every C-state (Linux's init_amd sets the flag for family > 0x11 for that
 * reason); Hygon's processors are family 0x18. Only the older families count as stopping.
 *
 * A tick that starts need not arrive: IRQ 0 behind a wrong or missing interrupt source
 * override, a PIT whose interrupt the HPET's legacy replacement route took over, a local
 * APIC timer an emulator never fires. Nothing would notice until the first sleep halted for
 * good, so tick_verify checks, once interrupts are on, that the interrupts come, and moves
 * to the other source, or to none (waits then spin), when they do not.
 *
 * A hypervisor's or emulator's local APIC is software that counts on the host's clock
 * whatever the guest's HLT does, and its CPUID often leaves ARAT out (QEMU's default CPU
 * model is an AMD family 0x0f without it), so a guest keeps the local APIC timer.
 */
#include <lios/printk.h>
#include <lios/string.h>
#include "tick_choice.h"

/* The warnings, one pair per way C1E was found on: the PIT ticks, or the local APIC timer
 * ticks anyway and waits spin. They say which way it was decided. */
#define WHY_C1E(basis) "local APIC timer may stop in C1E on this CPU (no ARAT; " basis ")"
#define WHY_PIT(basis) WHY_C1E(basis) ": tick from PIT channel 0"
#define WHY_KEPT(basis)                                                   \
	WHY_C1E(basis)                                                    \
	", but no other source can tick: tick from it anyway, and waits " \
	"spin instead of halting"
#define BASIS_MSR "C1E on halt enabled in MSR C001_0055"
#define BASIS_UNREADABLE "MSR C001_0055 unreadable, so C1E taken as on"
#define BASIS_FORCED "timer.c1e=on"

/* The families with C1E: 0x0f from revision F (NPT: models 0x40 on, the display model with
 * the extended model folded in; the earlier K8 revisions have no C1E), 0x10 and 0x11. */
#define AMD_FAMILY_K8 0x0f
#define AMD_K8_REV_F_MODEL 0x40
/* The first AMD family whose local APIC timer runs in every C-state, ARAT reported or not. */
#define AMD_FAMILY_TIMER_RUNS 0x12

static bool vendor_is(const struct cpu_features *f, const char *v)
{
	return strncmp(f->vendor, v, sizeof(f->vendor)) == 0;
}

/* A CPU whose HLT the firmware may turn into C1E, stopping the local APIC timer: the only
 * ones that have MSR C001_0055's C1E bits. */
static bool c1e_family(const struct cpu_features *f)
{
	if (f->arat || f->hypervisor || f->family >= AMD_FAMILY_TIMER_RUNS ||
	    f->family < AMD_FAMILY_K8 ||
	    (f->family == AMD_FAMILY_K8 && f->model < AMD_K8_REV_F_MODEL))
		return false;
	return vendor_is(f, "AuthenticAMD") || vendor_is(f, "HygonGenuine");
}

/* tick_c1e_probe - see tick_choice.h. Pure but for read_msr. */
struct tick_c1e tick_c1e_probe(const struct cpu_features *f, int force,
			       int (*read_msr)(uint32_t msr, uint64_t *val))
{
	struct tick_c1e c = { TICK_C1E_NONE, 0, false };
	uint64_t v = 0;

	if (!c1e_family(f))
		return c;
	c.tsc_stops = !f->invariant_tsc;
	if (force >= 0) {
		c.basis = force ? TICK_C1E_FORCED_ON : TICK_C1E_FORCED_OFF;
		return c;
	}
	if (read_msr(MSR_INT_PENDING_MSG, &v)) {
		c.basis = TICK_C1E_UNREADABLE;
		return c;
	}
	c.msr = v;
	c.basis = v & (INT_PENDING_C1E_ON_CMP_HALT | INT_PENDING_SMI_ON_CMP_HALT)
			  ? TICK_C1E_MSR_ON
			  : TICK_C1E_MSR_OFF;
	return c;
}

/* tick_lapic_stops_in_halt - see tick_choice.h. Pure. */
bool tick_lapic_stops_in_halt(const struct tick_c1e *c1e)
{
	return c1e->basis == TICK_C1E_MSR_ON || c1e->basis == TICK_C1E_UNREADABLE ||
	       c1e->basis == TICK_C1E_FORCED_ON;
}

/* tick_c1e_summary - see tick_choice.h. Pure. */
const char *tick_c1e_summary(const struct tick_c1e *c1e)
{
	switch (c1e->basis) {
	case TICK_C1E_MSR_OFF:
		return "C1E off (MSR C001_0055)";
	case TICK_C1E_MSR_ON:
		return "C1E on (MSR C001_0055)";
	case TICK_C1E_UNREADABLE:
		return "C1E taken as on (MSR C001_0055 unreadable)";
	case TICK_C1E_FORCED_ON:
		return "C1E taken as on (timer.c1e=on)";
	case TICK_C1E_FORCED_OFF:
		return "C1E taken as off (timer.c1e=off)";
	default:
		return NULL;
	}
}

/* Why no C1E stops f's local APIC timer: the first of c1e_family's reasons that holds. */
static void describe_none(const struct cpu_features *f, char *buf, size_t size)
{
	const char *none = "none that stops the local APIC timer";

	if (!vendor_is(f, "AuthenticAMD") && !vendor_is(f, "HygonGenuine"))
		ksnprintf(buf, size, "%s (not an AMD CPU of families 0xf-0x11)", none);
	else if (f->hypervisor)
		ksnprintf(buf, size,
			  "%s (under a hypervisor, whose timer HLT does not stop: MSR C001_0055 "
			  "not read)",
			  none);
	else if (f->arat)
		ksnprintf(buf, size, "%s (ARAT: it runs in every C-state)", none);
	else if (f->family >= AMD_FAMILY_TIMER_RUNS)
		ksnprintf(buf, size, "%s (AMD family %#x: it runs in every C-state)", none,
			  f->family);
	else
		ksnprintf(buf, size,
			  "%s (AMD family %#x model %#x: no C1E before family 0xf revision F)",
			  none, f->family, f->model);
}

/* tick_c1e_describe - see tick_choice.h. Pure. */
void tick_c1e_describe(const struct cpu_features *f, const struct tick_c1e *c1e, char *buf,
		       size_t size)
{
	const char *stops = "HLT may stop the local APIC timer";
	char cpu[48];
	int n = 0;

	if (!size)
		return;
	ksnprintf(cpu, sizeof(cpu), "AMD family %#x model %#x", f->family, f->model);
	switch (c1e->basis) {
	case TICK_C1E_NONE:
		describe_none(f, buf, size);
		return;
	case TICK_C1E_MSR_OFF:
		n = ksnprintf(buf, size,
			      "off: %s, MSR C001_0055 %#llx (C1eOnCmpHalt and SmiOnCmpHalt "
			      "clear): HLT leaves the local APIC timer counting",
			      cpu, (unsigned long long)c1e->msr);
		break;
	case TICK_C1E_MSR_ON:
		n = ksnprintf(buf, size, "on: %s, MSR C001_0055 %#llx (C1E on halt enabled): %s",
			      cpu, (unsigned long long)c1e->msr, stops);
		break;
	case TICK_C1E_UNREADABLE:
		n = ksnprintf(buf, size, "taken as on: %s, MSR C001_0055 cannot be read (#GP): %s",
			      cpu, stops);
		break;
	case TICK_C1E_FORCED_ON:
		n = ksnprintf(buf, size,
			      "taken as on: %s, timer.c1e=on (MSR C001_0055 not read): %s", cpu,
			      stops);
		break;
	default:
		n = ksnprintf(buf, size, "taken as off: %s, timer.c1e=off (MSR C001_0055 not read)",
			      cpu);
	}
	if (tick_c1e_tsc_warning(c1e) && n >= 0 && (size_t)n < size)
		ksnprintf(buf + n, size - (size_t)n,
			  "; the TSC is not invariant, so C1E may stop it too");
}

/* tick_c1e_tsc_warning - see tick_choice.h. Pure. */
const char *tick_c1e_tsc_warning(const struct tick_c1e *c1e)
{
	if (!tick_lapic_stops_in_halt(c1e) || !c1e->tsc_stops)
		return NULL;
	return "the TSC is not invariant, so C1E may stop it too: waits spin instead of halting, "
	       "whatever ticks, to keep the clock counting";
}

/* tick_halt_ends - see tick_choice.h. Pure. */
bool tick_halt_ends(const struct tick_c1e *c1e, enum tick_kind ticking)
{
	if (ticking == TICK_NONE || tick_c1e_tsc_warning(c1e))
		return false;
	if (ticking == TICK_LAPIC)
		return !tick_lapic_stops_in_halt(c1e);
	return true;
}

/* tick_choose - see tick_choice.h. Pure. */
struct tick_choice tick_choose(const struct tick_c1e *c1e, bool lapic_usable, bool pit_counts)
{
	struct tick_choice c = { TICK_NONE, TICK_NONE, NULL, NULL };
	enum tick_kind pit = pit_counts ? TICK_PIT : TICK_NONE;
	const char *why_pit = WHY_PIT(BASIS_MSR), *why_kept = WHY_KEPT(BASIS_MSR);

	if (!lapic_usable) {
		c.first = pit;
		return c;
	}
	if (!tick_lapic_stops_in_halt(c1e)) {
		c.first = TICK_LAPIC;
		c.fallback = pit;
		return c;
	}
	if (c1e->basis == TICK_C1E_UNREADABLE) {
		why_pit = WHY_PIT(BASIS_UNREADABLE);
		why_kept = WHY_KEPT(BASIS_UNREADABLE);
	} else if (c1e->basis == TICK_C1E_FORCED_ON) {
		why_pit = WHY_PIT(BASIS_FORCED);
		why_kept = WHY_KEPT(BASIS_FORCED);
	}
	if (pit_counts) {
		c.first = TICK_PIT;
		/* IRQ 0 may have no route: a tick that may pause beats none */
		c.fallback = TICK_LAPIC;
		c.why = why_pit;
		c.why_fallback = why_kept;
	} else {
		c.first = TICK_LAPIC;
		c.why = why_kept;
	}
	return c;
}

/* tick_c1e_recheck - see tick_choice.h. Pure but for ops. */
enum tick_kind tick_c1e_recheck(const struct tick_c1e *was, const struct tick_c1e *now,
				bool lapic_usable, bool pit_counts, struct tick_choice *c,
				enum tick_kind running, const struct tick_ops *ops)
{
	if (was->basis != TICK_C1E_MSR_OFF || now->basis != TICK_C1E_MSR_ON)
		return running;
	*c = tick_choose(now, lapic_usable, pit_counts);
	if (running == TICK_NONE || running == c->first || c->first == TICK_NONE)
		return running;
	ops->stop(running, ops->ctx);
	if (ops->start(c->first, ops->ctx) == 0)
		return c->first;
	return ops->start(running, ops->ctx) == 0 ? running : TICK_NONE;
}

/* tick_verify - see tick_choice.h. */
enum tick_kind tick_verify(const struct tick_choice *c, enum tick_kind running,
			   const struct tick_ops *ops, struct tick_verdict *v)
{
	enum tick_kind other;

	v->ticking = running;
	v->silent[0] = v->silent[1] = v->refused = TICK_NONE;
	if (running == TICK_NONE || ops->arrives(ops->ctx))
		return running;
	ops->stop(running, ops->ctx);
	v->ticking = TICK_NONE;
	v->silent[0] = running;
	/* the fallback runs only when the first did not start: then nothing is left to try */
	if (running != c->first) {
		v->refused = c->first;
		return TICK_NONE;
	}
	other = c->fallback;
	if (other == TICK_NONE || other == running)
		return TICK_NONE;
	if (ops->start(other, ops->ctx)) {
		v->refused = other;
		return TICK_NONE;
	}
	if (ops->arrives(ops->ctx)) {
		v->ticking = other;
		return other;
	}
	ops->stop(other, ops->ctx);
	v->silent[1] = other;
	return TICK_NONE;
}

static const char *kind_name(enum tick_kind k)
{
	return k == TICK_LAPIC ? "the local APIC timer" : "PIT channel 0";
}

/* s appended to buf (size bytes), cut to fit, always terminated. */
static void append(char *buf, size_t size, const char *s)
{
	size_t n = strlen(buf);

	while (*s && n + 1 < size)
		buf[n++] = *s++;
	buf[n] = '\0';
}

/* tick_verify_note - see tick_choice.h. Pure. */
void tick_verify_note(const struct tick_choice *c, const struct tick_verdict *v, char *buf,
		      size_t size)
{
	if (!size)
		return;
	buf[0] = '\0';
	if (v->silent[0] == TICK_NONE)
		return;
	if (v->silent[1] != TICK_NONE) {
		append(buf, size, "neither ");
		append(buf, size, kind_name(v->silent[0]));
		append(buf, size, "'s interrupts nor ");
		append(buf, size, kind_name(v->silent[1]));
		append(buf, size, "'s arrived");
	} else {
		append(buf, size, kind_name(v->silent[0]));
		append(buf, size, "'s interrupts never arrived");
		if (v->refused != TICK_NONE) {
			append(buf, size, " and ");
			append(buf, size, kind_name(v->refused));
			append(buf, size, " did not start");
		}
	}
	if (v->ticking == TICK_NONE) {
		append(buf, size, ": no tick, waits spin instead of halting");
	} else if (v->ticking == c->fallback && c->why_fallback) {
		/* the local APIC timer C1E may stop: its own warning, waits spin */
		append(buf, size, "; ");
		append(buf, size, c->why_fallback);
	} else {
		append(buf, size, ": tick from ");
		append(buf, size, kind_name(v->ticking));
	}
}
