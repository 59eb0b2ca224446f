/* SPDX-License-Identifier: MIT */
/* The kernel's own symbol table, embedded at build time (tools/gen_ksyms.py). */
#ifndef LIOS_KSYMS_H
#define LIOS_KSYMS_H

#include <lios/types.h>

/* Finds the function containing addr. Returns its name and sets *offset, or NULL. */
const char *ksyms_lookup(uintptr_t addr, uintptr_t *offset);

#endif
