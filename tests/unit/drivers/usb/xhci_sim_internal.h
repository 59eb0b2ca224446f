/* SPDX-License-Identifier: MIT */
/*
 * What the two halves of the simulated xHCI share, and no test includes (xhci_sim.h is the
 * simulator's one public header): the register file (xhci_sim.c) starts the rings
 * (xhci_sim_ring.c) when the driver rings a doorbell or aborts a command, and both reach
 * the rings through the host's simulated physical memory (src/arch/host/phys_host.c).
 */
#ifndef LIOS_TEST_XHCI_SIM_INTERNAL_H
#define LIOS_TEST_XHCI_SIM_INTERNAL_H

#include <lios/kmalloc.h>
#include "xhci_sim.h"

/* The simulated physical memory at phys: a ring, a context, the event ring's table. */
static inline void *mem(uint64_t phys) { return phys_to_virt(phys); }

/* Doorbell 0 (the ring running: s->crr set first). */
void sim_ring_commands(struct xhci_sim *s);
/* CRCR.CA written while the command ring runs. */
void sim_abort_commands(struct xhci_sim *s);
/* A doorbell of slot for endpoint 0. */
void sim_ring_ep0(struct xhci_sim *s, unsigned int slot);

#endif
