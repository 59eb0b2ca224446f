/* SPDX-License-Identifier: MIT */
/*
 * x86_64 page-table entry layout (Intel SDM vol. 3, 4-level paging) and the state shared by
 * paging.c (map/unmap/translate/protect) and paging_init.c (kernel tables, PAT, W^X).
 */
#ifndef ARCH_MM_PTE_H
#define ARCH_MM_PTE_H

#include <arch/memlayout.h> /* PTE_P, PTE_W, PTE_PS: shared with the 32-bit entry */
#include <lios/types.h>

#define PTE_U (1ull << 2)       /* user */
#define PTE_PWT (1ull << 3)     /* write-through: PAT index bit 0 */
#define PTE_PCD (1ull << 4)     /* cache disable: PAT index bit 1 */
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PAT_4K (1ull << 7)  /* PAT index bit 2 in a 4 KiB PTE */
#define PTE_G (1ull << 8)       /* global */
#define PTE_PAT_LARGE (1ull << 12) /* PAT index bit 2 in a 2 MiB / 1 GiB entry */
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
#define PTE_ADDR_LARGE 0x000fffffffe00000ull /* 2 MiB; 1 GiB entries use the same mask */

#define PT_ENTRIES 512
#define PT_LEVEL_SHIFT(l) (PAGE_SHIFT + 9 * ((l) - 1)) /* level 1 = PT ... 4 = PML4 */
#define PT_INDEX(va, l) (((va) >> PT_LEVEL_SHIFT(l)) & (PT_ENTRIES - 1))

/* The PAT programmed by paging_init: PA0 WB, PA1 WC, PA2 UC-, PA3 UC, PA4 WB, PA5 WT,
 * PA6 UC-, PA7 UC (memory types: UC 0, WC 1, WT 4, WB 6, UC- 7). */
#define PAT_VALUE 0x0007040600070106ull

/* Set by paging_init. */
extern uint64_t *paging_pml4;       /* kernel PML4, direct-mapped */
extern uint64_t paging_nx_mask;     /* PTE_NX when NX is usable, else 0 */
extern uint64_t paging_global_mask; /* PTE_G when the CPU has PGE, else 0 */
extern uint64_t paging_cache_bits[4]; /* PTE_PWT/PCD/PAT_4K bits per PG_CACHE_* index */
extern unsigned paging_boot_tables;   /* table pages paging_init built for the direct map */

#endif
