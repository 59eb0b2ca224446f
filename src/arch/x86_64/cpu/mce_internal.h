/* SPDX-License-Identifier: MIT */
/* Machine checks (mce.c): what trap.c calls while it panics on #MC. */
#ifndef ARCH_CPU_MCE_INTERNAL_H
#define ARCH_CPU_MCE_INTERNAL_H

/* The machine check's report: MCG_STATUS and every bank holding an error. #MC context. */
void mce_print_banks(void);

#endif
