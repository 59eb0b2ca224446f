// SPDX-License-Identifier: MIT
/*
 * The memory bring-up, in dependency order, and the "mem:" contract line.
 *
 * Who allocates from where, so that nothing recurses:
 *   memmap   static scratch arrays; needs nothing.
 *   pmm      its bitmaps are carved out of the usable map below 2 GiB and reached through
 *            the boot code's direct map (phys + KERNEL_OFFSET); needs nothing else.
 *   kmalloc  frames from pmm below 2 GiB, used through the direct map; its per-frame tags too.
 *   paging   every table page from kzalloc; switches from the boot tables to its own.
 *   vmalloc  address space from its own window, frames from pmm (any), mappings via paging.
 *   heap     grows through vmalloc.
 * Each step only uses the steps above it.
 */
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/kmalloc.h>
#include <lios/memmap.h>
#include <lios/mm.h>
#include <lios/paging.h>
#include <lios/pmm.h>
#include <lios/sections.h>
#include <lios/printk.h>
#include <lios/vmalloc.h>
#include "internal.h"

/* The sanitised map pmm was built from; the self-tests check against it. */
struct memmap mm_usable_map;

/*
 * Brings up the whole memory stack from the boot information. Prints the firmware and usable
 * maps and "mem: ..." (usable MiB, of which above 4 GiB, free frames). Returns 0 or the first
 * failing step's error, after printing which step failed. Context: boot, once, from kmain.
 */
int mm_init(const struct bootinfo *bi)
{
	struct pmm_stats st;
	int err;

	err = memmap_from_bootinfo(bi, (paddr_t)(uintptr_t)_kernel_phys_start,
				   (paddr_t)(uintptr_t)_kernel_phys_end, &mm_usable_map);
	memmap_print(bi, &mm_usable_map, true);
	if (err)
		printk(KERN_WARN "memmap: map did not fit (%d); using the first %zu ranges\n", err,
		       mm_usable_map.n);
	err = pmm_init(&mm_usable_map);
	if (err) {
		printk(KERN_ERR "mm: frame allocator: %d (no usable memory below 2 GiB for its metadata?)\n", err);
		return err;
	}
	err = kmalloc_init();
	if (err) {
		printk(KERN_ERR "mm: kmalloc: %d\n", err);
		return err;
	}
	err = paging_init();
	if (err) {
		printk(KERN_ERR "mm: page tables: %d\n", err);
		return err;
	}
	err = vmalloc_init(VMALLOC_START, VMALLOC_END);
	if (err) {
		printk(KERN_ERR "mm: vmalloc: %d\n", err);
		return err;
	}
	err = heap_init();
	if (err) {
		printk(KERN_ERR "mm: heap: %d\n", err);
		return err;
	}

	pmm_get_stats(&st);
	printk("mem: %llu MiB usable (%llu MiB above 4 GiB), %llu free frames of %llu, pmm metadata %llu KiB\n",
	       (unsigned long long)(memmap_bytes(&mm_usable_map, 0) >> 20),
	       (unsigned long long)(memmap_bytes(&mm_usable_map, GiB(4)) >> 20),
	       (unsigned long long)st.free_frames, (unsigned long long)st.total_frames,
	       (unsigned long long)(st.metadata_bytes >> 10));
	return 0;
}
