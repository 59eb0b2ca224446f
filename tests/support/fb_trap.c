// SPDX-License-Identifier: MIT
/*
 * The read-reporting framebuffer of fb_trap.h. While armed the area is PROT_NONE; each
 * access faults once: the SIGSEGV handler counts it (a read when the page-fault error
 * code's write bit is clear, or when the writing instruction is not a plain store), opens
 * the area and sets EFLAGS.TF; the CPU runs that one instruction and raises a debug trap
 * (SIGTRAP), whose handler closes the area and clears TF. Faults elsewhere and traps we
 * did not ask for go to the handlers that were installed before (ASan's, or the default).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>
#include "fb_trap.h"

#if !defined(__x86_64__) || !defined(__linux__)
#error "fb_trap needs x86_64 Linux (page-fault error code and EFLAGS.TF in the ucontext)"
#endif

/* Page-fault error code bit: the access was a write (Intel SDM vol. 3, 4.7). */
#define PF_ERR_WRITE (1u << 1)
/* EFLAGS.TF: trap after the next instruction. */
#define EFLAGS_TF (1u << 8)

static uint8_t *area;
static size_t area_len;
static volatile sig_atomic_t armed, stepping;
static volatile unsigned long n_reads, n_writes;
static struct sigaction old_segv, old_trap;
static bool handlers_installed;

static void chain(const struct sigaction *old, int sig, siginfo_t *si, void *uc)
{
	if (old->sa_flags & SA_SIGINFO) {
		old->sa_sigaction(sig, si, uc);
	} else if (old->sa_handler == SIG_DFL || old->sa_handler == SIG_IGN) {
		/* put the old disposition back; the instruction faults again and it acts */
		sigaction(sig, old, NULL);
	} else {
		old->sa_handler(sig);
	}
}

/* Is the instruction at ip a plain store (one that writes memory without reading it)?
 * Legacy and REX prefixes, MOV r/m,r and r/m,imm, STOS, MOVS (its source is a separate
 * access), MOVNTI, and the store forms of the SSE, AVX (VEX) and AVX-512 (EVEX: glibc's
 * memset) moves. LOCK means read-modify-write. */
__attribute__((no_sanitize_address)) static bool plain_store(const uint8_t *ip)
{
	unsigned map = 0, op;

	for (;; ip++) {
		uint8_t b = *ip;

		if (b == 0x66 || b == 0x67 || b == 0xf2 || b == 0xf3 || b == 0x2e || b == 0x36 ||
		    b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65)
			continue;
		if (b == 0xf0)
			return false;
		break;
	}
	if ((*ip & 0xf0) == 0x40) /* REX */
		ip++;
	if (ip[0] == 0xc5) { /* two-byte VEX: map 0F */
		map = 1;
		op = ip[2];
	} else if (ip[0] == 0xc4) { /* three-byte VEX: map in the low 5 bits */
		map = ip[1] & 0x1f;
		op = ip[3];
	} else if (ip[0] == 0x62) { /* EVEX (AVX-512): map in the low 3 bits of P0 */
		map = ip[1] & 0x07;
		op = ip[4];
	} else if (ip[0] == 0x0f) {
		map = 1;
		op = ip[1];
	} else {
		op = ip[0];
	}
	if (map == 0)
		return op == 0x88 || op == 0x89 || op == 0xc6 || op == 0xc7 || op == 0xaa ||
		       op == 0xab || op == 0xa4 || op == 0xa5;
	if (map == 1)
		/* movups/movss/movsd, movlps, movhps, movaps, movntps, movdqa/movdqu, movq, movd,
		 * movntdq, movnti: store forms */
		return op == 0x11 || op == 0x13 || op == 0x17 || op == 0x29 || op == 0x2b ||
		       op == 0x7f || op == 0xd6 || op == 0x7e || op == 0xe7 || op == 0xc3;
	return false;
}

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uint8_t *a = si->si_addr;
	greg_t *r = uc->uc_mcontext.gregs;

	if (!armed || stepping || a < area || a >= area + area_len) {
		chain(&old_segv, sig, si, ucv);
		return;
	}
	if (!(r[REG_ERR] & PF_ERR_WRITE)) {
		n_reads++;
	} else {
		n_writes++;
		if (!plain_store((const uint8_t *)r[REG_RIP]))
			n_reads++;
	}
	mprotect(area, area_len, PROT_READ | PROT_WRITE);
	stepping = 1;
	r[REG_EFL] |= EFLAGS_TF;
}

static void on_trap(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	if (!stepping) {
		chain(&old_trap, sig, si, ucv);
		return;
	}
	uc->uc_mcontext.gregs[REG_EFL] &= ~(greg_t)EFLAGS_TF;
	stepping = 0;
	if (armed)
		mprotect(area, area_len, PROT_NONE);
}

static void die(const char *what)
{
	perror(what);
	abort();
}

/*
 * fb_trap_map - map the area (see fb_trap.h). Returns its address; aborts on failure.
 */
void *fb_trap_map(size_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	struct sigaction sa = { .sa_flags = SA_SIGINFO };

	if (area)
		die("fb_trap_map: an area is already mapped");
	area_len = (size + (size_t)page - 1) & ~((size_t)page - 1);
	area = mmap(NULL, area_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		area = NULL;
		die("fb_trap_map: mmap");
	}
	if (!handlers_installed) {
		sigemptyset(&sa.sa_mask);
		sa.sa_sigaction = on_segv;
		if (sigaction(SIGSEGV, &sa, &old_segv))
			die("fb_trap_map: sigaction SIGSEGV");
		sa.sa_sigaction = on_trap;
		if (sigaction(SIGTRAP, &sa, &old_trap))
			die("fb_trap_map: sigaction SIGTRAP");
		handlers_installed = true;
	}
	n_reads = n_writes = 0;
	return area;
}

/*
 * fb_trap_unmap - disarm and unmap the area; the handlers stay (they pass on anything
 * that is not theirs).
 */
void fb_trap_unmap(void)
{
	fb_trap_disarm();
	if (area)
		munmap(area, area_len);
	area = NULL;
	area_len = 0;
}

/*
 * fb_trap_arm - every access to the area from now on faults and is counted.
 */
void fb_trap_arm(void)
{
	if (!area)
		die("fb_trap_arm: no area");
	armed = 1;
	if (mprotect(area, area_len, PROT_NONE))
		die("fb_trap_arm: mprotect");
}

/*
 * fb_trap_disarm - the area is ordinary read-write memory again.
 */
void fb_trap_disarm(void)
{
	armed = 0;
	if (area && mprotect(area, area_len, PROT_READ | PROT_WRITE))
		die("fb_trap_disarm: mprotect");
}

unsigned long fb_trap_reads(void) { return n_reads; }
unsigned long fb_trap_writes(void) { return n_writes; }
