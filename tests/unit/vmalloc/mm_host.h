/* SPDX-License-Identifier: MIT */
/*
 * Shared set-up of the vmalloc and heap host tests: the real frame allocator (src/mm/pmm.c)
 * over a small simulated machine, the host paging window (src/arch/host/paging_host.c),
 * and the shared checks of tests/unit/unit.h. Header-only so each test stays one program.
 */
#ifndef LIOS_TEST_MM_HOST_H
#define LIOS_TEST_MM_HOST_H

#include <lios/compiler.h>
#include <lios/heap.h>
#include <lios/paging.h>
#include <lios/pmm.h>
#include <lios/vmalloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "host_paging.h"

#include "../unit.h"

/*
 * A machine with 16 MiB of low memory (pmm metadata) at 16 MiB and 'high_frames' frames
 * above 4 GiB, then a fresh vmalloc window. Aborts the test if either init fails.
 */
static inline void mm_host_setup(uint64_t high_frames)
{
	MEMMAP_STATIC(map, MEMMAP_STATIC_RANGES);
	vaddr_t start, end;

	map.n = 2;
	map.r[0].start = MiB(16);
	map.r[0].end = MiB(32);
	map.r[1].start = GiB(4);
	map.r[1].end = GiB(4) + high_frames * PAGE_SIZE;
	host_paging_window(&start, &end);
	host_paging_reset(); /* whatever an earlier case left mapped */
	if (pmm_init(&map) || vmalloc_init(start, end)) {
		fprintf(stderr, "mm_host_setup: init failed\n");
		exit(1);
	}
}

static inline uint64_t free_frames(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	return st.free_frames;
}

static inline struct vmalloc_stats vm_stats(void)
{
	struct vmalloc_stats st;

	vmalloc_get_stats(&st);
	return st;
}

/* Free frames plus frames the vmalloc arena keeps for its bookkeeping: this sum must come
 * back exactly when everything is freed. */
static inline uint64_t frames_accounted(void)
{
	return free_frames() + vm_stats().meta_pages;
}

static inline uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Runs fn(arg) in a forked child; true when the child died of SIGSEGV or SIGBUS (ASan turns
 * a SEGV into a report and exit status 1, which counts too when fn had not returned). */
static inline bool faults_in_child(void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		freopen("/dev/null", "w", stderr); /* no ASan report for the expected fault */
		fn(arg);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return false;
	if (WIFSIGNALED(status))
		return WTERMSIG(status) == SIGSEGV || WTERMSIG(status) == SIGBUS;
	return WIFEXITED(status) && WEXITSTATUS(status) != 0;
}

#endif
