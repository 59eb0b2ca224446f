// SPDX-License-Identifier: MIT
/*
 * Dynamic interrupt vectors for message-signalled interrupts (lios/irq.h): a table of
 * handlers for vectors IRQ_VECTOR_DYN_FIRST..IRQ_VECTOR_DYN_LAST, handed out by
 * irq_alloc_vector() and dispatched by irq.c through irq_vector_dispatch().
 *
 * An MSI is a memory write to the local APIC's message window (Intel SDM vol. 3A, 11.11):
 * address 0xfee00000 with the destination APIC ID in bits 19-12, data = the vector with
 * fixed delivery mode and edge trigger (both 0). The local APIC must be enabled and its
 * EOI register written after each, so this works only on the I/O APIC backend, where irq.c
 * has enabled and mapped the local APIC. On the 8259 backend (`noapic`, no MADT) firmware's
 * local APIC state is unknown (software-disabled after a reset, and then it still accepts
 * messages but nobody could EOI them), so irq_alloc_vector refuses with -ENODEV and a
 * driver falls back to INTx or polling: a deliberate, documented limit.
 *
 * Invariant: a vector's handler is set only between irq_alloc_vector and irq_free_vector;
 * a vector arriving while free is reported once and gets an EOI only if the local APIC
 * holds it in service (an MSI a device still sent): it may also come from an INT
 * instruction, or from a source the firmware left programmed on the 8259 backend, where
 * the local APIC may not even be mapped (`nolapic_timer`) and an EOI would write nowhere.
 */
#include <lios/errno.h>
#include <lios/irq.h>
#include <lios/printk.h>
#include <arch/cpu.h>
#include "apic.h"
#include "irq_vector.h"

#define MSI_ADDR_BASE 0xfee00000u        /* local APIC message window */
#define MSI_ADDR_DEST_SHIFT 12           /* destination APIC ID, bits 19-12 */
#define MSI_DATA_VECTOR_MASK 0xffu       /* fixed delivery, edge: upper bits 0 */
#define DYN_VECTORS (IRQ_VECTOR_DYN_LAST - IRQ_VECTOR_DYN_FIRST + 1)

struct dyn_vector {
	irq_handler_fn fn;
	void *ctx;
	uint64_t count;
};

static struct dyn_vector vectors[DYN_VECTORS];
static bool stray_reported;

static bool valid(int vector) { return vector >= IRQ_VECTOR_DYN_FIRST && vector <= IRQ_VECTOR_DYN_LAST; }

/* irq_alloc_vector - see lios/irq.h. Any context. */
int irq_alloc_vector(irq_handler_fn fn, void *ctx)
{
	uint64_t flags;

	if (!fn)
		return -EINVAL;
	if (irq_backend() != IRQ_BACKEND_IOAPIC)
		return -ENODEV;
	flags = irq_save();
	for (int i = 0; i < DYN_VECTORS; i++) {
		if (vectors[i].fn)
			continue;
		vectors[i].fn = fn;
		vectors[i].ctx = ctx;
		vectors[i].count = 0;
		irq_restore(flags);
		return IRQ_VECTOR_DYN_FIRST + i;
	}
	irq_restore(flags);
	return -ENOSPC;
}

/* irq_free_vector - drop the handler and the count (a free vector counts 0); ignored for a
 * vector that is not allocated. */
void irq_free_vector(int vector)
{
	uint64_t flags;

	if (!valid(vector))
		return;
	flags = irq_save();
	vectors[vector - IRQ_VECTOR_DYN_FIRST].fn = NULL;
	vectors[vector - IRQ_VECTOR_DYN_FIRST].ctx = NULL;
	vectors[vector - IRQ_VECTOR_DYN_FIRST].count = 0;
	irq_restore(flags);
}

/* arch_msi_message - the address/data pair for an allocated vector, to this CPU. */
int arch_msi_message(int vector, uint64_t *addr, uint32_t *data)
{
	if (!valid(vector) || !vectors[vector - IRQ_VECTOR_DYN_FIRST].fn)
		return -EINVAL;
	*addr = MSI_ADDR_BASE | (uint64_t)(lapic_id() & 0xff) << MSI_ADDR_DEST_SHIFT;
	*data = (uint32_t)vector & MSI_DATA_VECTOR_MASK;
	return 0;
}

/* irq_vector_count - interrupts on an allocated vector since irq_alloc_vector; 0 when free
 * (a message on a free vector runs no handler and is not counted). */
uint64_t irq_vector_count(int vector)
{
	return valid(vector) ? vectors[vector - IRQ_VECTOR_DYN_FIRST].count : 0;
}

/* irq_vector_dispatch - from irq_dispatch, interrupts disabled: run the handler of a
 * dynamic vector and send the local APIC its EOI (a free vector's only if in service).
 * False when vector is not dynamic. */
bool irq_vector_dispatch(unsigned int vector)
{
	struct dyn_vector *v;

	if (!valid((int)vector))
		return false;
	v = &vectors[vector - IRQ_VECTOR_DYN_FIRST];
	if (v->fn) {
		v->count++;
		v->fn(vector, v->ctx);
		lapic_eoi(); /* allocated only on the I/O APIC backend: the local APIC is in use */
		return true;
	}
	lapic_eoi_if_in_service(vector);
	if (!stray_reported) {
		stray_reported = true;
		printk(KERN_WARN "irq: message on free vector %u (reported once)\n", vector);
	}
	return true;
}
