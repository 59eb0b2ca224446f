// SPDX-License-Identifier: MIT
/*
 * The arch interface (<lios/arch.h>) for host programs: unit tests, fuzzers, benchmarks.
 * Interrupt state is a plain variable, halting aborts the test program, cycles come from
 * the monotonic clock. Nothing here touches hardware.
 */
#include <lios/arch.h>
#include <lios/ksyms.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

uint64_t host_irq_state = 1;
uint32_t host_trap_depth;

/* As an interrupt handler runs it: interrupts off, inside a handler; then back. Weak, as
 * the reset below: the host test of the kernel's trap.c (test_trap) links those. */
__weak void arch_call_in_interrupt(void (*fn)(void *ctx), void *ctx)
{
	uint64_t irq = arch_irq_save();

	host_trap_depth++;
	fn(ctx);
	host_trap_depth--;
	arch_irq_restore(irq);
}

__weak void arch_interrupt_context_reset(void) { host_trap_depth = 0; }

void arch_wait_for_interrupt(void) {}
void arch_cpu_relax(void) {}

void arch_halt(void)
{
	fprintf(stderr, "arch_halt() called in a host program\n");
	abort();
}

uint64_t arch_cycles(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void arch_qemu_exit(uint8_t code) { exit(code == 0x10 ? 0 : 1); }

void arch_print_registers(void) {}
void arch_pci_config_write8(uint8_t device, uint8_t function, uint16_t offset, uint8_t v) {}

void arch_backtrace(uintptr_t rbp, int max_frames) { (void)rbp, (void)max_frames; }

/* Host programs carry no kernel symbol table. */
const char *ksyms_lookup(uintptr_t addr, uintptr_t *offset)
{
	(void)addr, (void)offset;
	return NULL;
}

/* Vector registers: what the host CPU has; sections exclude each other as in the kernel. */
static bool host_simd_busy;

unsigned arch_simd_bytes(void) { return __builtin_cpu_supports("avx2") ? 32 : 16; }

bool arch_simd_begin(void) { return !__atomic_exchange_n(&host_simd_busy, true, __ATOMIC_ACQUIRE); }

void arch_simd_end(void) { __atomic_store_n(&host_simd_busy, false, __ATOMIC_RELEASE); }
