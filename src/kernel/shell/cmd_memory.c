// SPDX-License-Identifier: MIT
/*
 * The shell's memory commands: `mem` (frame allocator, vmalloc and heap statistics) and
 * `mmap` (the firmware's map as the boot information carries it, and the usable ranges mm
 * built from it), and `heaptrace` (the heap calls recorded under `heap.trace`, written to the
 * serial port only: src/mm/heap_trace.c says what is recorded,
 * bench/heap/record_kernel_trace.py reads it).
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/heap_trace.h>
#include <lios/memmap.h>
#include <lios/mm.h>
#include <lios/pmm.h>
#include <lios/printk.h>
#include <lios/serial.h>
#include <lios/size.h>
#include <lios/vmalloc.h>
#include "shell_internal.h"

/* A count of frames and its size, for humans. */
static void print_frames(const char *what, uint64_t frames)
{
	char sz[SIZE_STR_MAX];

	printk("%s %lu (%s)", what, frames, size_format(sz, frames * PAGE_SIZE));
}

static int cmd_mem(int argc, char **argv, const char *rest)
{
	struct pmm_stats p;
	struct vmalloc_stats v;
	struct heap_stats h;
	char a[SIZE_STR_MAX], b[SIZE_STR_MAX], c[SIZE_STR_MAX];

	pmm_get_stats(&p);
	vmalloc_get_stats(&v);
	heap_get_stats(&h);
	printk("frames:");
	print_frames(" total", p.total_frames);
	print_frames(", free", p.free_frames);
	print_frames(", in use", p.total_frames - p.free_frames - p.reserved_frames);
	printk(", reserved %lu, metadata %s\n", p.reserved_frames, size_format(a, p.metadata_bytes));
	printk("vmalloc: %lu area%s, %lu page%s mapped, largest free range %s of %s, "
	       "bookkeeping %lu pages, misuse %lu\n", v.areas, v.areas == 1 ? "" : "s",
	       v.mapped_pages, v.mapped_pages == 1 ? "" : "s",
	       size_format(a, v.largest_free_bytes), size_format(b, v.window_bytes), v.meta_pages,
	       v.misuse);
	printk("heap: %s in %lu live allocations, %s from vmalloc (peak %s), "
	       "%lu allocs, %lu frees, %lu failed, misuse %lu\n", size_format(a, h.live_bytes),
	       h.live_allocs, size_format(b, h.vmalloc_bytes), size_format(c, h.vmalloc_peak),
	       h.allocs, h.frees, h.failed, h.misuse);
	return 0;
}

static int cmd_mmap(int argc, char **argv, const char *rest)
{
	memmap_print(shell_bootinfo(), mm_usable(), false);
	return 0;
}

/* One dump line, whole: an interrupt handler's printk cannot land inside it. */
static void heaptrace_out(const char *s, size_t len)
{
	uint64_t irq = arch_irq_save();

	serial_write(s, len);
	arch_irq_restore(irq);
}

/* Dumps the events recorded since the last dump to serial (thousands of lines: not for
 * the screen), then says on every console how many. */
static int cmd_heaptrace(int argc, char **argv, const char *rest)
{
	struct heap_trace_summary s;

	if (!heap_trace_get_summary(&s)) {
		printk("heaptrace: not recording (boot with heap.trace on the command line)\n");
		return -ENOENT;
	}
	if (!serial_present()) {
		printk("heaptrace: no serial port to write the events to\n");
		return -ENODEV;
	}
	heap_trace_dump(heaptrace_out, &s);
	printk("heaptrace: %llu events on serial, %llu lost, ring of %zu%s\n",
	       (unsigned long long)s.recorded, (unsigned long long)s.lost, s.capacity,
	       s.lost ? ": the trace is incomplete, dump more often or boot with a larger "
			"heap.trace=EVENTS" : "");
	return 0;
}

SHELL_COMMAND(mem, "", "frame, vmalloc and heap statistics", cmd_mem);
SHELL_COMMAND(mmap, "", "the firmware and the sanitised memory map", cmd_mmap);
SHELL_COMMAND(heaptrace, "", "write the recorded heap calls to serial (heap.trace)",
	      cmd_heaptrace);
