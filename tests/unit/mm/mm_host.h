/* SPDX-License-Identifier: MIT */
/*
 * Shared set-up of the vmalloc and heap host tests: the simulated machine of
 * tests/support/sim_mm.h at the tests' size, the shared checks of tests/unit/unit.h, and
 * a child process to watch a fault in. Header-only so each test stays one program.
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
#include "prng.h"
#include "sim_mm.h"

#include "../unit.h"

/* A machine with 16 MiB of low memory (pmm metadata) at 16 MiB and 'high_frames' frames
 * above 4 GiB, then a fresh vmalloc window. */
static inline void mm_host_setup(uint64_t high_frames)
{
	sim_mm_setup(MiB(32), high_frames * PAGE_SIZE);
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
