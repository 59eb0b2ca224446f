/* SPDX-License-Identifier: MIT */
/*
 * The small interface generic code (kernel/, mm/, drivers/ outside arch) uses to reach the
 * CPU. x86_64 implements it under src/arch/x86_64/, host builds under src/arch/host/.
 */
#ifndef LIOS_ARCH_H
#define LIOS_ARCH_H

#include <lios/compiler.h>

/* The memory layout: KERNEL_OFFSET, DIRECT_MAP_SIZE, KERNEL_PHYS, the vmalloc window
 * (VMALLOC_START, VMALLOC_END), one definition shared with entry.S and linker.ld. */
#include <arch/memlayout.h>

/* First boot step: serial, GDT/TSS with IST stacks, IDT with all 256 vectors, SSE/AVX
 * switched on, boot identity map dropped. After it any fault is reported. */
void arch_early_init(void);
/* After the memory stack is up: unmap the stack guard pages. */
void arch_mm_ready(void);

/* arch_irq_save() (disable interrupts, return the previous state), arch_irq_restore(),
 * arch_irq_enable(), arch_irqs_enabled(): static inline, per architecture. */
#include <arch/irqflags.h>
/* arch_in_interrupt(): true while an interrupt or exception handler runs on this CPU (code
 * that serves process context only, such as the heap, refuses calls from there); static
 * inline, per architecture. */

/* Runs fn(ctx) the way an interrupt handler runs (x86_64: through a software interrupt on
 * VEC_CALL and trap_dispatch, interrupts off, arch_in_interrupt() true), and returns after
 * it. For self-tests of what code does when reached from a handler; fn must return (a
 * KASSERT inside it jumps out of the handler: the runner then calls
 * arch_interrupt_context_reset and fails the test). Process context. */
void arch_call_in_interrupt(void (*fn)(void *ctx), void *ctx);
/* Counts no handler running again, after a jump out of one. The self-test runner only. */
void arch_interrupt_context_reset(void);

/*
 * Vector registers in the kernel. All kernel code is built without them
 * (-mgeneral-regs-only): no interrupt or exception handler and no ordinary function ever
 * touches a vector register, so a routine that gains from wide loads and stores (the
 * framebuffer renderer) may use them, compiled with __simd_target(), between
 * arch_simd_begin() and arch_simd_end(). Sections do not nest: a handler that interrupts
 * one and wants vectors itself is refused and takes its scalar path.
 *
 * arch_simd_bytes(): the widest vector load/store enabled, 0 (none), 16 (SSE2) or 32
 * (AVX2). arch_simd_begin(): true when the vector registers are the caller's until
 * arch_simd_end(); false when another section on this CPU is open (or there are none).
 * Any context; nothing inside a section may sleep or switch tasks.
 */
unsigned arch_simd_bytes(void);
bool arch_simd_begin(void);
void arch_simd_end(void);

/* Wait for the next interrupt (hlt); returns after it was handled. */
void arch_wait_for_interrupt(void);
/* Stop this CPU for good: interrupts off, hlt in a loop. Never reboots. */
__noreturn void arch_halt(void);
void arch_cpu_relax(void);

/* Cycle counter (TSC), for timing and benchmarks. */
uint64_t arch_cycles(void);

/* QEMU isa-debug-exit (port 0xf4): ends the emulator with status (code << 1) | 1. Returns
 * only when the device is absent (real hardware). */
void arch_qemu_exit(uint8_t code);

/* Non-local jumps for the self-test runner and expected-fault recovery: callee-saved
 * registers, stack pointer and return address. arch_setjmp returns 0, then v != 0 when
 * arch_longjmp comes back to it. */
struct arch_jmpbuf {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};
int arch_setjmp(struct arch_jmpbuf *jb) __attribute__((returns_twice));
__noreturn void arch_longjmp(struct arch_jmpbuf *jb, int v);

/* Expected-fault hook: while armed, the exception handler stores what it saw into *info and
 * longjmps to *jb instead of panicking (once; it disarms itself). An NMI or a machine check
 * is never taken for the expected fault. */
struct fault_info;
void arch_fault_recovery_arm(struct arch_jmpbuf *jb, struct fault_info *info);
void arch_fault_recovery_disarm(void);

/* Legacy port I/O for drivers outside arch/ (UART, 8042): the driver owns the register
 * meaning, arch owns the instruction. */
uint8_t arch_pio_read8(uint16_t port);
void arch_pio_write8(uint16_t port, uint8_t v);
uint16_t arch_pio_read16(uint16_t port);
void arch_pio_write16(uint16_t port, uint16_t v);
uint32_t arch_pio_read32(uint16_t port);
void arch_pio_write32(uint16_t port, uint32_t v);

/* Writes one byte of PCI configuration space on bus 0 (mechanism #1, ports 0xcf8/0xcfc). */
void arch_pci_config_write8(uint8_t device, uint8_t function, uint16_t offset, uint8_t v);

/* Prints the current stack and control registers (panic screens outside an exception). */
void arch_print_registers(void);

/* The symbolized backtrace: walks the frame pointers from rbp, one line a frame; a frame that
 * cannot be read (a corrupt chain into unmapped memory) ends it with a line saying so, never
 * with a fault. */
void arch_backtrace(uintptr_t rbp, int max_frames);

#endif
