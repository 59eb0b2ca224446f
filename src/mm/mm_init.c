// SPDX-License-Identifier: MIT
/*
 * The memory bring-up, in dependency order, and the "mem:" contract line.
 *
 * DOC: The memory story
 *
 * This is the one place that tells how LiOS's memory fits together; every other file of
 * src/mm/ and src/arch/x86_64/mm/ describes only its own mechanism and points here.
 *
 * Address space (<arch/memlayout.h>): the first 2 GiB of physical memory are mapped at
 * KERNEL_OFFSET (the "direct map", where the kernel image runs); the vmalloc window is a
 * disjoint range for everything mapped on demand. Nothing else is mapped; the lower half
 * is empty after boot.
 *
 * The steps, in the order mm_init() runs them, each using only the steps before it:
 *   1. memmap   the firmware's map -> sorted, disjoint, page-aligned usable ranges, minus
 *               the kernel, the boot information, modules, the framebuffer and the first
 *               MiB, and below the CPU's physical address width. Static scratch; needs
 *               nothing.
 *   2. pmm      owns every frame. Its bitmaps are carved from the first usable range below
 *               2 GiB and reached on the boot code's direct map; it never allocates. What
 *               its bitmaps cannot cover there is cut from the map.
 *   3. kmalloc  physically contiguous memory, frames from pmm below 2 GiB, used at
 *               phys_to_virt(phys): still on the boot code's direct map, no paging call.
 *   4. paging   the kernel's own tables (W^X image, NX direct map) replace the boot tables.
 *               The firmware's map (not the sanitised one: ACPI and reserved ranges
 *               matter here) decides the direct map's memory types: RAM write-back, the
 *               rest uncached. Every table page comes from kzalloc, so a table is always
 *               reachable through the direct map: mapping never needs a mapping.
 *   5. vmalloc  virtually contiguous areas of the vmalloc window, any frames from pmm (high
 *      ioremap memory first), mapped through paging, each followed by a guard page. Its own
 *               bookkeeping lives in pages it maps itself (pmm + paging).
 *   6. heap     any size; grows and shrinks through vmalloc. An interrupt handler's
 *               blocks come from kmalloc instead (heap_irq.c): the heap's fast paths run
 *               without masking interrupts, so handlers keep off what they use.
 *
 * Why nothing recurses: each step calls only the steps above it in this list, with one
 * sanctioned cycle: paging (src/arch/x86_64/mm/, the mm layer's arch half) takes its table
 * pages from kmalloc, and vmalloc maps through paging. It is not a loop at run time because kmalloc never
 * maps anything: its memory is already on the direct map. This is what the author's first
 * journal found missing: page tables that had to be mapped before they could map.
 *
 * Which allocator to use: kmalloc only for memory that must be physically contiguous or
 * have a known physical address (page tables, DMA rings and buffers, anything a device
 * reads); ioremap for device memory; the heap for every other dynamic object (console
 * grid and scrollback, shell history, the pager's held output, PCI, xHCI, USB device and
 * HID objects; ACPI tables are read in place, never copied); vmalloc for large page-granular
 * buffers that need no physical address. Every allocator returns NULL when memory runs out
 * and none panics on exhaustion; misuse is reported by name.
 */
#include <lios/cpu_features.h>
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/heap_trace.h>
#include <lios/kmalloc.h>
#include <lios/memmap.h>
#include <lios/mm.h>
#include <lios/paging.h>
#include <lios/panic.h>
#include <lios/pmm.h>
#include <lios/printk.h>
#include <lios/sections.h>
#include <lios/size.h>
#include <lios/vmalloc.h>
#include "internal.h"

/* The sanitised map pmm was built from; the self-tests check against it. Static room for
 * MEMMAP_STATIC_RANGES; memmap_from_bootinfo finds room in the map for bigger ones. */
static struct memmap_range mm_usable_ranges[MEMMAP_STATIC_RANGES];
struct memmap mm_usable_map = { mm_usable_ranges, 0, MEMMAP_STATIC_RANGES, 0 };

/* mm_usable - the sanitised usable map (valid after mm_init). Any context. */
const struct memmap *mm_usable(void) { return &mm_usable_map; }

/*
 * Brings up the whole memory stack from the boot information. Prints the firmware and usable
 * maps and "mem: ..." (usable memory, of which above 4 GiB, free frames; sizes as
 * size_format() writes them everywhere). Returns 0 or the first
 * failing step's error, after printing which step failed. Context: boot, once, from kmain.
 */
int mm_init(const struct bootinfo *bi)
{
	char usable[SIZE_STR_MAX], high[SIZE_STR_MAX], meta[SIZE_STR_MAX];
	unsigned cpu_bits = cpu_features()->phys_addr_bits;
	uint64_t beyond;
	struct pmm_stats st;
	int err;

	assert(bi);
	/* What the CPU cannot address is not RAM whatever the firmware says; ioremap refuses it
	 * too. A width outside 32-52 bits is not believed (52 stays). */
	if (cpu_bits >= 32 && cpu_bits < MEMMAP_PHYS_BITS)
		memmap_phys_bits = cpu_bits;
	err = memmap_from_bootinfo(bi, (paddr_t)(uintptr_t)_kernel_phys_start,
				   (paddr_t)(uintptr_t)_kernel_phys_end, &mm_usable_map);
	beyond = memmap_truncate(&mm_usable_map, memmap_phys_end());
	memmap_print(bi, &mm_usable_map, true);
	if (err)
		printk(KERN_WARN "memmap: no room for a map of %zu entries (%d); using %zu ranges, "
		       "up to %s of usable memory left out\n", bi->nregions, err, mm_usable_map.n,
		       size_format(usable, mm_usable_map.dropped));
	if (beyond)
		printk(KERN_WARN "memmap: %s of usable memory lies beyond the CPU's %u-bit physical "
		       "addresses; left out\n", size_format(usable, beyond), memmap_phys_bits);
	err = pmm_init(&mm_usable_map);
	if (err) {
		printk(KERN_ERR "mm: frame allocator: %d (no usable memory below 2 GiB for its metadata?)\n", err);
		return err;
	}
	/* pmm may have left out memory its bookkeeping could not cover (and said so): the map
	 * the rest of the kernel sees lists what pmm manages, no more. */
	memmap_truncate(&mm_usable_map, (paddr_t)pmm_end_pfn() << PAGE_SHIFT);
	err = kmalloc_init();
	if (err) {
		printk(KERN_ERR "mm: kmalloc: %d\n", err);
		return err;
	}
	err = paging_init(bi->regions, bi->nregions);
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
	heap_trace_start_cmdline(); /* a refused heap.trace is reported; boot goes on */

	pmm_get_stats(&st);
	printk("mem: %s usable (%s above 4 GiB), %llu free frames of %llu, pmm metadata %s\n",
	       size_format(usable, memmap_bytes(&mm_usable_map, 0)),
	       size_format(high, memmap_bytes(&mm_usable_map, GiB(4))),
	       (unsigned long long)st.free_frames, (unsigned long long)st.total_frames,
	       size_format(meta, st.metadata_bytes));
	return 0;
}
