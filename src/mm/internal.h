/* SPDX-License-Identifier: MIT */
/*
 * Private interfaces between the files of src/mm/ and their tests (host unit tests, benches,
 * in-kernel self-tests). Nothing outside mm should include this.
 */
#ifndef LIOS_MM_INTERNAL_H
#define LIOS_MM_INTERNAL_H

#include <lios/memmap.h>

/* What pmm knows about one frame. */
enum pmm_frame_state {
	PMM_FRAME_FREE = 0,
	PMM_FRAME_USED = 1,     /* handed out by pmm_alloc */
	PMM_FRAME_RESERVED = 2, /* not in the usable map, or pmm metadata */
};
enum pmm_frame_state pmm_frame_state(pfn_t pfn);

/* Full consistency walk of the allocator (O(frames)): every free frame in exactly one free
 * block, no free block with a free buddy, summary levels and counters right. Returns true
 * when consistent, else false with a reason in why. */
bool pmm_check(char *why, size_t len);

/* Order of the largest free block, -1 when nothing is free. */
int pmm_largest_free_order(void);

/* kmalloc's count of reported misuses (foreign pointer, double free), for tests. */
extern unsigned long kmalloc_misuse_count;
/* pmm's count of reported misuses, for tests. */
extern unsigned long pmm_misuse_count;

/* The sanitised map pmm was built from (mm_init.c, kernel only). */
extern struct memmap mm_usable_map;

#endif
