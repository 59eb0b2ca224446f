/* SPDX-License-Identifier: MIT */
/*
 * Machine checks (src/arch/x86_64/cpu/mce.c): the CPU's reports of hardware errors. Set up
 * at boot (errors left from before this boot are reported then); an uncorrected error
 * panics with the banks' contents; corrected ones wait in their banks for mce_poll.
 */
#ifndef LIOS_MCE_H
#define LIOS_MCE_H

#include <lios/types.h>

#define MCE_BANKS_MAX 32

struct mce_state {
	bool enabled;           /* banks set up and CR4.MCE on */
	unsigned banks;         /* error-reporting banks (MCG_CAP), at most MCE_BANKS_MAX */
	unsigned found_at_boot; /* errors the banks held from before this boot */
	unsigned polled;        /* errors mce_poll found since */
};

/* Enable machine-check reporting: boot, after cpu_features_probe. */
void mce_init(void);
/* Report (printk) and clear every error the banks hold now; returns how many. Any context. */
unsigned mce_poll(void);
const struct mce_state *mce_state(void);

#endif
