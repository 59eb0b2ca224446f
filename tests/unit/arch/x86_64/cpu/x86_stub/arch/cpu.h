/* SPDX-License-Identifier: MIT */
/* Host stand-in for <arch/cpu.h>: apic.c needs none of its instructions. Test-only. */
#ifndef TEST_ARCH_CPU_H
#define TEST_ARCH_CPU_H

#include <lios/types.h>

#endif
