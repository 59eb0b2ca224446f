/* SPDX-License-Identifier: MIT */
/* Non-maskable interrupts (nmi.c): what trap.c calls, and the counts the host test reads. */
#ifndef ARCH_CPU_NMI_H
#define ARCH_CPU_NMI_H

#include <lios/types.h>

#define NMI_SOURCE_MAX 10 /* NMIs of one chipset source before it is left disabled */

struct nmi_stats {
	unsigned total, serr, iochk, unknown;
};
extern struct nmi_stats nmi_stats;

bool nmi_handle(uint64_t rip);

#endif
