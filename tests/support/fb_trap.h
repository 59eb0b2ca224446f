/* SPDX-License-Identifier: MIT */
/*
 * A framebuffer that reports every read: host test support for "the renderer never reads
 * video memory" (x86_64 Linux only). fb_trap_map() maps an area PROT_NONE; while armed,
 * every access to it faults, the SIGSEGV handler classifies the access from the page
 * fault's error code (bit 1: write), lets the one instruction through by opening the
 * area and setting the trap flag, and the SIGTRAP after that instruction closes it again.
 * Read-modify-write instructions fault as writes, so a write counts as a write only when
 * the faulting instruction is a plain store (MOV, MOVNTI, STOS, and their SSE/AVX forms);
 * any other writing instruction counts as a read too: a false alarm is possible, a
 * missed read is not. Every access costs two signals and two mprotect() calls (about
 * 0.3 ms in a VM), so keep armed screens small. One area at a time; single-threaded.
 */
#ifndef LIOS_TEST_FB_TRAP_H
#define LIOS_TEST_FB_TRAP_H

#include <stddef.h>

/* Map size bytes (rounded up to pages), readable and writable, not armed. Installs the
 * signal handlers on first use. Aborts the program when the mapping fails or an area is
 * already mapped. Returns the area's address. */
void *fb_trap_map(size_t size);

/* Unmap the area of fb_trap_map() (disarmed first). */
void fb_trap_unmap(void);

/* Arm: from now on every access to the area is counted. Disarm: the area is plain memory
 * again (the test's own checks read it disarmed). The counters are kept across both. */
void fb_trap_arm(void);
void fb_trap_disarm(void);

/* Accesses seen while armed since fb_trap_map(): instructions that read the area (or
 * may have: see above), and plain stores into it. */
unsigned long fb_trap_reads(void);
unsigned long fb_trap_writes(void);

#endif
