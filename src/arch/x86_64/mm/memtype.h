/* SPDX-License-Identifier: MIT */
/*
 * Which pages of the direct map are RAM, read from the firmware's memory map: the pure half
 * of the direct map's cache types (memtype.c; paging_init.c applies the answer, the paging
 * self-tests check it). Private to src/arch/x86_64/mm/ and its host tests.
 */
#ifndef ARCH_MM_MEMTYPE_H
#define ARCH_MM_MEMTYPE_H

#include <lios/bootinfo.h>
#include <lios/types.h>

#define MEMTYPE_BLOCK MiB(2)                            /* one large page of the direct map */
#define MEMTYPE_BLOCK_PAGES (MEMTYPE_BLOCK / PAGE_SIZE) /* 512 */
#define MEMTYPE_WORDS (MEMTYPE_BLOCK_PAGES / 64)        /* uint64_t words of a block's page map */

/* What a 2 MiB block holds: one large page serves MEMTYPE_RAM and MEMTYPE_IO, MEMTYPE_MIXED
 * needs 4 KiB pages (a page table). */
enum memtype_kind { MEMTYPE_IO, MEMTYPE_RAM, MEMTYPE_MIXED };

/* True for the firmware region types that are memory: usable, ACPI reclaimable, ACPI NVS. */
bool memtype_is_ram(uint32_t type);

/*
 * Classifies the 2 MiB block at 'base' (2 MiB aligned) against regions[0..n) (any order,
 * overlaps, unaligned, zero or wrapping lengths): bit i of ram[] (bit i % 64 of word i / 64)
 * is set when page i of the block holds a byte of a RAM region. Returns MEMTYPE_RAM when
 * every page does, MEMTYPE_IO when none does, else MEMTYPE_MIXED. O(n). Pure.
 */
enum memtype_kind memtype_block(const struct mem_region *regions, size_t n, paddr_t base,
				uint64_t ram[MEMTYPE_WORDS]);

/* True when the page at physical address pa holds a byte of a RAM region of regions[0..n).
 * O(n). Pure. */
bool memtype_page_is_ram(const struct mem_region *regions, size_t n, paddr_t pa);

#endif
