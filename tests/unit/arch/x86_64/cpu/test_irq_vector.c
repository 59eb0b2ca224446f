// SPDX-License-Identifier: MIT
/*
 * The real dynamic-vector code (src/arch/x86_64/cpu/irq_vector.c) against a simulated
 * local APIC: the interrupt backend, whether the local APIC is in use and which vector it
 * holds in service are the test's. Vectors are handed out on the I/O APIC backend only,
 * every one of IRQ_VECTOR_DYN_FIRST..LAST once, and come back after irq_free_vector; a
 * vector's MSI message names it; a delivered vector runs its handler and gets one EOI;
 * a free vector gets an EOI only when the local APIC holds it in service, and none at all
 * when the local APIC is not in use (the 8259 backend with `nolapic_timer`: no page mapped,
 * an EOI would write through a null pointer).
 */
#include <arch/trap.h>
#include <lios/errno.h>
#include <lios/irq.h>
#include <lios/printk.h>
#include <string.h>
#include "../../../unit.h"
#include "../../../../support/log_capture.h"
#include "apic.h"
#include "irq_vector.h"

static enum irq_backend sim_backend;
static bool sim_lapic_in_use;
static int sim_in_service = -1; /* the vector the local APIC holds in service, -1 none */
static unsigned eois, saved, restored;
static unsigned handled, last_vector;
static void *last_ctx;

enum irq_backend irq_backend(void) { return sim_backend; }
uint32_t lapic_id(void) { return sim_lapic_in_use ? 3 : 0; }

/* An EOI ends the vector in service; without a local APIC in use there is nothing to
 * write to (the real one dereferences an unmapped page): counted as a failure. */
void lapic_eoi(void)
{
	CHECK(sim_lapic_in_use);
	eois++;
	sim_in_service = -1;
}

bool lapic_eoi_if_in_service(unsigned int vector)
{
	if (!sim_lapic_in_use || sim_in_service != (int)vector)
		return false;
	lapic_eoi();
	return true;
}

uint64_t irq_save(void) { return ++saved; }
void irq_restore(uint64_t flags) { (void)flags, restored++; }

static void handler(unsigned int vector, void *ctx)
{
	handled++;
	last_vector = vector;
	last_ctx = ctx;
}

static void fresh(enum irq_backend b, bool lapic)
{
	for (int v = IRQ_VECTOR_DYN_FIRST; v <= IRQ_VECTOR_DYN_LAST; v++)
		irq_free_vector(v);
	sim_backend = b;
	sim_lapic_in_use = lapic;
	sim_in_service = -1;
	eois = handled = last_vector = 0;
	last_ctx = NULL;
	log_capture_clear();
}

/* I/O APIC backend: every dynamic vector once, in order, then -ENOSPC; a freed one comes
 * back; no handler, or the 8259 backend, is refused. Every save has its restore. */
static void alloc_and_free(void)
{
	int ctx;

	fresh(IRQ_BACKEND_IOAPIC, true);
	saved = restored = 0;
	for (int v = IRQ_VECTOR_DYN_FIRST; v <= IRQ_VECTOR_DYN_LAST; v++)
		CHECK_EQ(irq_alloc_vector(handler, &ctx), v);
	CHECK_EQ(irq_alloc_vector(handler, &ctx), -ENOSPC);
	irq_free_vector(0x70);
	irq_free_vector(IRQ_VECTOR_DYN_LAST + 1); /* not dynamic: ignored */
	irq_free_vector(IRQ_VECTOR_DYN_FIRST - 1);
	CHECK_EQ(irq_alloc_vector(handler, &ctx), 0x70);
	CHECK_EQ(irq_alloc_vector(handler, &ctx), -ENOSPC);
	CHECK_EQ(irq_alloc_vector(NULL, &ctx), -EINVAL);
	CHECK_EQ(saved, restored);

	fresh(IRQ_BACKEND_PIC, true);
	CHECK_EQ(irq_alloc_vector(handler, &ctx), -ENODEV);
}

/* The message of an allocated vector: the local APIC window with this CPU's ID, data the
 * vector (fixed, edge); a free or non-dynamic vector has none. */
static void msi_message(void)
{
	uint64_t addr = 0;
	uint32_t data = 0;
	int v;

	fresh(IRQ_BACKEND_IOAPIC, true);
	v = irq_alloc_vector(handler, NULL);
	CHECK_EQ(arch_msi_message(v, &addr, &data), 0);
	CHECK_EQ(addr, 0xfee00000ull | 3u << 12);
	CHECK_EQ(data, (uint32_t)v);
	irq_free_vector(v);
	CHECK_EQ(arch_msi_message(v, &addr, &data), -EINVAL);
	CHECK_EQ(arch_msi_message(VEC_SPURIOUS, &addr, &data), -EINVAL);
}

/* A delivered allocated vector: its handler with its context, counted, one EOI. A vector
 * outside the dynamic range is not this file's (false, nothing done). */
static void dispatch_allocated(void)
{
	int ctx, v;

	fresh(IRQ_BACKEND_IOAPIC, true);
	v = irq_alloc_vector(handler, &ctx);
	sim_in_service = v;
	CHECK(irq_vector_dispatch((unsigned int)v));
	CHECK_EQ(handled, 1u);
	CHECK_EQ(last_vector, (unsigned int)v);
	CHECK(last_ctx == &ctx);
	CHECK_EQ(eois, 1u);
	CHECK_EQ(irq_vector_count(v), 1u);
	CHECK(!irq_vector_dispatch(VEC_LAPIC_TIMER));
	CHECK(!irq_vector_dispatch(IRQ_VECTOR_DYN_FIRST - 1));
	CHECK_EQ(eois, 1u);
}

/* A freed vector counts 0, as <lios/irq.h> promises ("0 when free"), and a late message
 * on it (ended at the local APIC, no handler run) does not count either; allocated again,
 * it counts from 0. The old code kept the previous owner's count until the next
 * allocation. */
static void count_of_free_vector(void)
{
	int v;

	fresh(IRQ_BACKEND_IOAPIC, true);
	v = irq_alloc_vector(handler, NULL);
	CHECK(irq_vector_dispatch((unsigned int)v));
	CHECK(irq_vector_dispatch((unsigned int)v));
	CHECK_EQ(irq_vector_count(v), 2u);
	irq_free_vector(v);
	CHECK_EQ(irq_vector_count(v), 0u);
	sim_in_service = v;
	CHECK(irq_vector_dispatch((unsigned int)v));
	CHECK_EQ(handled, 2u);
	CHECK_EQ(irq_vector_count(v), 0u);
	CHECK_EQ(irq_alloc_vector(handler, NULL), v);
	CHECK_EQ(irq_vector_count(v), 0u);
	CHECK(irq_vector_dispatch((unsigned int)v));
	CHECK_EQ(irq_vector_count(v), 1u);
	CHECK_EQ(irq_vector_count(IRQ_VECTOR_DYN_LAST + 1), 0u);
}

/* A free vector: reported once; an EOI when the local APIC holds it in service (a late
 * MSI), none when it does not (an INT instruction), and none when the local APIC is not in
 * use at all (8259 backend, `nolapic_timer`: the old code wrote the EOI through an
 * unmapped register page). */
static void dispatch_free(void)
{
	fresh(IRQ_BACKEND_IOAPIC, true);
	printk_add_sink(log_capture_sink, false);
	sim_in_service = 0x90;
	CHECK(irq_vector_dispatch(0x90));
	CHECK_EQ(eois, 1u);
	CHECK_EQ(handled, 0u);
	CHECK(strstr(log_capture_buf, "message on free vector 144"));
	CHECK(irq_vector_dispatch(0x91)); /* nothing in service */
	CHECK_EQ(eois, 1u);

	fresh(IRQ_BACKEND_PIC, false);
	sim_in_service = 0x68; /* whatever the firmware's APIC holds: not ours to touch */
	CHECK(irq_vector_dispatch(0x68));
	CHECK_EQ(eois, 0u);
	CHECK_EQ(handled, 0u);
	printk_remove_sink(log_capture_sink);
}

int main(void)
{
	RUN(alloc_and_free);
	RUN(msi_message);
	RUN(dispatch_allocated);
	RUN(dispatch_free);
	RUN(count_of_free_vector); /* after dispatch_free: the stray report comes once a run */
	return unit_summary();
}
