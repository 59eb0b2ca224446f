/* SPDX-License-Identifier: MIT */
/*
 * The allocation traces bench_heap replays: one event per allocation (size > 0, into a
 * slot) or free (size 0, of the slot's block). kernel_trace.c synthesises the kernel's.
 */
#ifndef LIOS_BENCH_KERNEL_TRACE_H
#define LIOS_BENCH_KERNEL_TRACE_H

#include <stddef.h>
#include <stdint.h>

#define TRACE_MAX_SLOTS 20000 /* live blocks at most, in any trace */

struct trace_event {
	uint32_t slot; /* which live block */
	uint32_t size; /* bytes to allocate; 0: free the slot */
};

/* The synthesised kernel trace: about 'events' events (malloc'd, *n of them), the peak of
 * its live bytes in *peak_live. */
struct trace_event *kernel_trace_build(size_t events, size_t *n, uint64_t *peak_live);

#endif
