// SPDX-License-Identifier: MIT
/*
 * The choice of the tick source (see tick_choice.h). The local APIC timer is the natural
 * tick: a local vector, no ISA line, TSC-deadline mode where the CPU offers it. Its one
 * weakness is idle: without ARAT ("APIC timer always running", CPUID 6 EAX bit 2) the
 * timer may stop in a deep C-state. LiOS idles only with HLT (C1), which keeps the timer
 * running on Intel processors; on AMD processors with C1E (family 0x0f from revision F,
 * families 0x10 and 0x11) the chipset may turn HLT into C1E and the timer stops, so the
 * tick dies whenever the shell waits for a key, with every timer_sleep_ms and every
 * polled USB controller behind it. PIT channel 0 keeps counting in any C-state, so it
 * ticks instead there; without it the local APIC timer is still better than no tick, and
 * it runs as long as the CPU does not halt: tick_halt_ends then says that a halt may not
 * end, so the waits that would halt (the shell's idle, timer_sleep_ms) spin instead, as
 * they do without a tick.
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
#include <lios/string.h>
#include "tick_choice.h"

#define WHY_HALT_PIT \
	"local APIC timer may stop in C1E on this CPU (no ARAT): tick from PIT channel 0"
#define WHY_HALT_KEPT                                                           \
	"local APIC timer may stop in C1E on this CPU (no ARAT), but no other " \
	"source can tick: tick from it anyway, and waits spin instead of halting"

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

/* tick_lapic_stops_in_halt - see tick_choice.h. Pure. */
bool tick_lapic_stops_in_halt(const struct cpu_features *f)
{
	if (f->arat || f->hypervisor || f->family >= AMD_FAMILY_TIMER_RUNS ||
	    f->family < AMD_FAMILY_K8 ||
	    (f->family == AMD_FAMILY_K8 && f->model < AMD_K8_REV_F_MODEL))
		return false;
	return vendor_is(f, "AuthenticAMD") || vendor_is(f, "HygonGenuine");
}

/* tick_halt_ends - see tick_choice.h. Pure. */
bool tick_halt_ends(const struct cpu_features *f, enum tick_kind ticking)
{
	if (ticking == TICK_LAPIC)
		return !tick_lapic_stops_in_halt(f);
	return ticking != TICK_NONE;
}

/* tick_choose - see tick_choice.h. Pure. */
struct tick_choice tick_choose(const struct cpu_features *f, bool lapic_usable, bool pit_counts)
{
	struct tick_choice c = { TICK_NONE, TICK_NONE, NULL, NULL };
	enum tick_kind pit = pit_counts ? TICK_PIT : TICK_NONE;

	if (!lapic_usable) {
		c.first = pit;
		return c;
	}
	if (!tick_lapic_stops_in_halt(f)) {
		c.first = TICK_LAPIC;
		c.fallback = pit;
		return c;
	}
	if (pit_counts) {
		c.first = TICK_PIT;
		/* IRQ 0 may have no route: a tick that may pause beats none */
		c.fallback = TICK_LAPIC;
		c.why = WHY_HALT_PIT;
		c.why_fallback = WHY_HALT_KEPT;
	} else {
		c.first = TICK_LAPIC;
		c.why = WHY_HALT_KEPT;
	}
	return c;
}

/* tick_verify - see tick_choice.h. */
enum tick_kind tick_verify(const struct tick_choice *c, enum tick_kind running,
			   const struct tick_ops *ops)
{
	enum tick_kind other;

	if (running == TICK_NONE)
		return TICK_NONE;
	if (ops->arrives(ops->ctx))
		return running;
	ops->stop(running, ops->ctx);
	/* the fallback runs only when the first did not start: then nothing is left to try */
	other = running == c->first ? c->fallback : TICK_NONE;
	if (other == TICK_NONE || other == running || ops->start(other, ops->ctx))
		return TICK_NONE;
	if (ops->arrives(ops->ctx))
		return other;
	ops->stop(other, ops->ctx);
	return TICK_NONE;
}
