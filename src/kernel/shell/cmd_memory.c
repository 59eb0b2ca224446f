// SPDX-License-Identifier: MIT
/*
 * The shell's memory commands: `mem` (frame allocator, vmalloc and heap statistics) and
 * `mmap` (the firmware's map as the boot information carries it, and the usable ranges mm
 * built from it).
 */
#include <lios/heap.h>
#include <lios/memmap.h>
#include <lios/mm.h>
#include <lios/pmm.h>
#include <lios/printk.h>
#include <lios/vmalloc.h>
#include "shell_internal.h"

/* Frames in MiB with one decimal, for humans. */
static void print_frames(const char *what, uint64_t frames)
{
	uint64_t kib = frames * (PAGE_SIZE / 1024);

	printk("%s %lu (%lu.%lu MiB)", what, frames, kib / 1024, (kib % 1024) * 10 / 1024);
}

static int cmd_mem(int argc, char **argv, const char *rest)
{
	struct pmm_stats p;
	struct vmalloc_stats v;
	struct heap_stats h;

	pmm_get_stats(&p);
	vmalloc_get_stats(&v);
	heap_get_stats(&h);
	printk("frames:");
	print_frames(" total", p.total_frames);
	print_frames(", free", p.free_frames);
	print_frames(", in use", p.total_frames - p.free_frames - p.reserved_frames);
	printk(", reserved %lu, metadata %lu KiB\n", p.reserved_frames, p.metadata_bytes / 1024);
	printk("vmalloc: %lu areas, %lu pages mapped, largest free range %lu MiB of %lu GiB, "
	       "bookkeeping %lu pages, misuse %lu\n", v.areas, v.mapped_pages,
	       v.largest_free_bytes >> 20, v.window_bytes >> 30, v.meta_pages, v.misuse);
	printk("heap: %lu bytes in %lu live allocations, %lu KiB from vmalloc (peak %lu KiB), "
	       "%lu allocs, %lu frees, %lu failed, misuse %lu\n", h.live_bytes, h.live_allocs,
	       h.vmalloc_bytes >> 10, h.vmalloc_peak >> 10, h.allocs, h.frees, h.failed, h.misuse);
	return 0;
}

static int cmd_mmap(int argc, char **argv, const char *rest)
{
	memmap_print(shell_bootinfo(), mm_usable(), false);
	return 0;
}

SHELL_COMMAND(mem, "", "frame, vmalloc and heap statistics", cmd_mem);
SHELL_COMMAND(mmap, "", "the firmware and the sanitised memory map", cmd_mmap);
