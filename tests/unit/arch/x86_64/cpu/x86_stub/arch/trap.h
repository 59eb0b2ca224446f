/* SPDX-License-Identifier: MIT */
/* The real <arch/trap.h> for test_lapic, whose include path leaves out the rest of
 * src/arch/x86_64/include (its irqflags.h would replace the host's). Test-only. */
#include "../../../../../../../src/arch/x86_64/include/arch/trap.h"
