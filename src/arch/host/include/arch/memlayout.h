/* SPDX-License-Identifier: MIT */
/*
 * Host builds use the x86_64 layout itself (KERNEL_OFFSET, DIRECT_MAP_SIZE, the vmalloc
 * window): phys_host.c simulates the direct map at the same addresses, so the shared mm code
 * computes exactly what it computes in the kernel. One definition: this file only forwards.
 */
#ifndef HOST_ARCH_MEMLAYOUT_H
#define HOST_ARCH_MEMLAYOUT_H

/* Relative to this folder's parent include directory (src/arch/host/include/), so every
 * host build that finds <arch/...> finds the x86_64 file too. */
#include <../../x86_64/include/arch/memlayout.h>

#endif
