/* SPDX-License-Identifier: MIT */
/*
 * The allocation traces bench_heap replays: one event per allocation (size > 0, into a
 * slot) or free (size 0, of the slot's block). kernel_trace.c reads the kernel's recorded
 * heap calls (kernel_trace.txt, written by record_kernel_trace.py) and turns them into
 * such a replay: the boot once, then the shell session repeated.
 */
#ifndef LIOS_BENCH_KERNEL_TRACE_H
#define LIOS_BENCH_KERNEL_TRACE_H

#include <stddef.h>
#include <stdint.h>

#define TRACE_MAX_SLOTS 20000 /* live blocks at most, in any trace */
#define KTRACE_MAX_ID 65536   /* ids of the recorded trace are below this */
#define KTRACE_MAX_SIZE (1u << 30)

struct trace_event {
	uint32_t slot; /* which live block */
	uint32_t size; /* bytes to allocate; 0: free the slot */
};

/* One recorded heap call: '+' allocate 'size' bytes as object 'id', '-' free object 'id',
 * '~' resize object 'id' to 'size' bytes. */
struct ktrace_call {
	char op;
	uint32_t id;
	uint32_t size;
};

/* A recorded trace: the calls of the boot, then of the shell session. */
struct ktrace_rec {
	struct ktrace_call *boot, *session; /* malloc'd */
	size_t nboot, nsession;
};

/*
 * Parses a trace file's text (format in tests/qemu/heaptrace.py: '#' comments, "boot",
 * events, "session", events, "end"). Checks that every free and resize names a live id,
 * no allocation reuses a live id, ids are below KTRACE_MAX_ID and sizes in 1..
 * KTRACE_MAX_SIZE, and the sections come in order, complete. Returns 0 and fills *rec, or
 * -1 with a message naming the line in err (rec then holds nothing to free).
 */
int ktrace_parse(const char *text, struct ktrace_rec *rec, char *err, size_t errlen);
/* Frees what ktrace_parse put in rec and empties it (calling it twice is harmless). */
void ktrace_rec_free(struct ktrace_rec *rec);

/*
 * The replay of rec, about 'events' events long (malloc'd; *n events, the peak of live
 * requested bytes in *peak_live): the boot once, then the session again and again. Each
 * repetition allocates its own blocks; a block the session leaves live (a history line)
 * stays live through the next repetition and is freed at its end, and the session's free
 * of a boot object (gone after the first time) frees the oldest such block of the same
 * size (else the oldest) instead, so the live set stays what the recording showed. A resize is replayed as an
 * allocation of the new size followed by the free of the old block. NULL with a message in
 * err when the replay would need more than TRACE_MAX_SLOTS live blocks.
 */
struct trace_event *ktrace_replay(const struct ktrace_rec *rec, size_t events, size_t *n,
				  uint64_t *peak_live, char *err, size_t errlen);

/* The recorded kernel trace (KERNEL_TRACE_FILE, or $BENCH_KERNEL_TRACE) replayed to about
 * 'events' events: as ktrace_replay. Exits with a message when the file is missing or
 * broken. */
struct trace_event *kernel_trace_build(size_t events, size_t *n, uint64_t *peak_live);

#endif
