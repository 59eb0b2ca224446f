// SPDX-License-Identifier: MIT
/*
 * Self-tests of the exception path: each provokes one CPU exception under
 * ktest_expect_fault and checks that the handler saw the right vector, error code and (for
 * page faults) CR2, and that the boot goes on afterwards; and the way in for code that must
 * run as a handler (arch_call_in_interrupt); the accesses whose faults are expected
 * (rdmsr_safe, wrmsr_safe, read64_safe) and the backtrace's walk built on read64_safe.
 */
#include <arch/msr.h>
#include <arch/trap.h>
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/paging.h>
#include <lios/selftest.h>
#include <lios/string.h>
#include "cpu_internal.h"

#define NONCANONICAL_ADDR 0x8000000000000000ull
#define UNMAPPED_KERNEL_ADDR 0xffff800000001000ull /* first kernel-half slot, never mapped */

static void do_divide_error(void *arg)
{
	uint32_t zero = 0;

	__asm__ volatile("xorl %%edx, %%edx; movl $1, %%eax; divl %0" ::"r"(zero) : "eax", "edx");
}

static void do_invalid_opcode(void *arg) { __asm__ volatile("ud2"); }

static void do_general_protection(void *arg)
{
	__asm__ volatile("movq (%0), %%rax" ::"r"(NONCANONICAL_ADDR) : "rax", "memory");
}

static void do_read(void *addr) { __asm__ volatile("movq (%0), %%rax" ::"r"(addr) : "rax", "memory"); }
static void do_write(void *addr) { __asm__ volatile("movq $1, (%0)" ::"r"(addr) : "memory"); }

KTEST(exceptions, divide_error)
{
	struct fault_info fi;

	KASSERT(ktest_expect_fault(do_divide_error, NULL, &fi));
	KEXPECT(fi.vector == VEC_DE);
	KEXPECT(fi.error_code == 0);
}

static void note_context(void *ctx)
{
	bool *seen = ctx;

	seen[0] = arch_in_interrupt();
	seen[1] = !arch_irqs_enabled();
}

/* arch_call_in_interrupt runs its function through the trap path (inside a handler,
 * interrupts off) and comes back to process context with the interrupt flag as it was; a
 * fault the test expected and recovered from (its jump back out of the handler) leaves no
 * handler counted. */
KTEST(exceptions, call_in_interrupt)
{
	bool seen[2] = {false, false}, on = arch_irqs_enabled();
	struct fault_info fi;

	KEXPECT(!arch_in_interrupt());
	arch_call_in_interrupt(note_context, seen);
	KEXPECT(seen[0] && seen[1]);
	KEXPECT(!arch_in_interrupt() && arch_irqs_enabled() == on);
	KASSERT(ktest_expect_fault(do_divide_error, NULL, &fi));
	KEXPECT(!arch_in_interrupt());
}

KTEST(exceptions, invalid_opcode)
{
	struct fault_info fi;

	KASSERT(ktest_expect_fault(do_invalid_opcode, NULL, &fi));
	KEXPECT(fi.vector == VEC_UD);
}

KTEST(exceptions, general_protection)
{
	struct fault_info fi;

	KASSERT(ktest_expect_fault(do_general_protection, NULL, &fi));
	KEXPECT(fi.vector == VEC_GP);
	KEXPECT(fi.error_code == 0);
}

KTEST(exceptions, null_read_page_fault)
{
	struct fault_info fi;

	KASSERT(ktest_expect_fault(do_read, NULL, &fi));
	KEXPECT(fi.vector == VEC_PF);
	KEXPECT(fi.cr2 == 0);
	KEXPECT((fi.error_code & (PF_PRESENT | PF_WRITE | PF_USER | PF_INSTR)) == 0);
}

KTEST(exceptions, unmapped_write_page_fault)
{
	struct fault_info fi;

	KASSERT(ktest_expect_fault(do_write, (void *)UNMAPPED_KERNEL_ADDR, &fi));
	KEXPECT(fi.vector == VEC_PF);
	KEXPECT(fi.cr2 == UNMAPPED_KERNEL_ADDR);
	KEXPECT(fi.error_code & PF_WRITE);
	KEXPECT(!(fi.error_code & PF_PRESENT));
}

/* A function that does not fault must be reported as such, and the hook disarmed. */
static void do_nothing(void *arg) {}

KTEST(exceptions, no_fault_is_reported_as_none)
{
	struct fault_info fi;

	KEXPECT(!ktest_expect_fault(do_nothing, NULL, &fi));
	KEXPECT(fi.vector == -1);
}

/* rdmsr_safe of an MSR every x86_64 CPU has (EFER, LME set by now) reads what RDMSR
 * reads and returns 0. Its #GP path is test_trap's: QEMU 7.2's TCG raises none for any
 * MSR (it reads 0 for those it lacks, 0xffffffff included). */
KTEST(exceptions, rdmsr_safe_reads_msr)
{
	uint64_t v = 0;

	KEXPECT(rdmsr_safe(MSR_EFER, &v) == 0);
	KEXPECT(v == rdmsr(MSR_EFER));
	KEXPECT(v & EFER_LME);
}

/* wrmsr_safe writes all 64 bits, low half in EAX, high half in EDX: FS base (unused by the
 * kernel) takes a canonical value with both halves non-zero, reads it back, and gets its
 * old value again. Its #GP path: wrmsr_safe_gp_returns_eio. */
KTEST(exceptions, wrmsr_safe_writes_msr)
{
	uint64_t was = rdmsr(MSR_FS_BASE);

	KEXPECT(wrmsr_safe(MSR_FS_BASE, 0x00007f0012345678ull) == 0);
	KEXPECT(rdmsr(MSR_FS_BASE) == 0x00007f0012345678ull);
	KEXPECT(wrmsr_safe(MSR_FS_BASE, was) == 0);
	KEXPECT(rdmsr(MSR_FS_BASE) == was);
}

/* IA32_PKRS (protection keys for supervisor pages) with a bit of 63-32 set: reserved on a
 * CPU that has the MSR, and a CPU without it refuses any write; either way the WRMSR
 * raises #GP (QEMU 7.2's TCG too, tried here: the one MSR access it faults on). */
#define MSR_IA32_PKRS 0x6e1u
#define PKRS_RESERVED_BIT (1ull << 32)

static void do_refused_wrmsr(void *ret)
{
	*(int *)ret = wrmsr_safe(MSR_IA32_PKRS, PKRS_RESERVED_BIT);
}

/* The #GP of wrmsr_safe's real WRMSR, through the real IDT stub and trap_dispatch: the
 * RIP the CPU pushes is the label trap_dispatch compares, so the write returns -EIO and
 * the boot goes on; inside a test's expected-fault window too, where the hook neither takes
 * it nor is disarmed by it (the window then ends reporting no fault). test_trap checks the
 * same on made-up frames; this is the kernel as linked, whose label could have moved. */
KTEST(exceptions, wrmsr_safe_gp_returns_eio)
{
	struct fault_info fi;
	int ret = 0;

	KEXPECT(wrmsr_safe(MSR_IA32_PKRS, PKRS_RESERVED_BIT) == -EIO);
	KEXPECT(!ktest_expect_fault(do_refused_wrmsr, &ret, &fi));
	KEXPECT(ret == -EIO);
	KEXPECT(fi.vector == -1);
}

KTEST(exceptions, stub_stride)
{
	size_t idt_stub_area_size(void);

	KEXPECT(idt_stub_area_size() == 256 * 16);
}

/* Every stack guard page (boot stack, IST 1-3) is unmapped once paging is the kernel's. */
KTEST(exceptions, stack_guard_pages_unmapped)
{
	extern char boot_stack_guard[];
	paddr_t pa;

	KEXPECT(!paging_translate((vaddr_t)boot_stack_guard, &pa, NULL));
	for (int i = 0; i < IST_COUNT; i++)
		KEXPECT(!paging_translate(gdt_ist_guard(i), &pa, NULL));
}

/* Recurses with big frames until the stack runs into its guard page (the bound, 512 MiB of
 * frames, is never reached on a 16 KiB stack). */
static __attribute__((noinline)) unsigned recurse(unsigned depth)
{
	volatile uint8_t frame[512];

	if (depth > (1u << 20))
		return 0;
	frame[0] = (uint8_t)depth;
	return recurse(depth + 1) + frame[0];
}

static void do_stack_overflow(void *arg) { recurse(0); }

/* A kernel stack overflow: the page fault on the guard page cannot push its frame, so the
 * CPU raises a double fault, which runs on its own IST stack and is reported (here: caught)
 * instead of triple-faulting the machine. */
KTEST(exceptions, stack_overflow_is_a_double_fault)
{
	struct fault_info fi;

	KASSERT(ktest_expect_fault(do_stack_overflow, NULL, &fi));
	KEXPECT(fi.vector == VEC_DF);
	KEXPECT(fi.error_code == 0);
}

static void do_read64_safe_unmapped(void *ret)
{
	uint64_t v;

	*(int *)ret = read64_safe((const void *)UNMAPPED_KERNEL_ADDR, &v);
}

/* read64_safe reads what a plain load reads; for an address with nothing mapped (#PF) or a
 * non-canonical one (#GP) the real IDT stub and trap_dispatch resume it at its fixup: it
 * returns -EFAULT with *val untouched, and inside a test's expected-fault window the hook
 * neither takes the fault nor is disarmed by it. */
KTEST(exceptions, read64_safe)
{
	uint64_t word = 0x0123456789abcdefull, v = 0;
	struct fault_info fi;
	int ret = 0;

	KEXPECT(read64_safe(&word, &v) == 0);
	KEXPECT(v == word);
	v = 7;
	KEXPECT(read64_safe((const void *)UNMAPPED_KERNEL_ADDR, &v) == -EFAULT);
	KEXPECT(read64_safe((const void *)NONCANONICAL_ADDR, &v) == -EFAULT);
	KEXPECT(v == 7);
	KEXPECT(!ktest_expect_fault(do_read64_safe_unmapped, &ret, &fi));
	KEXPECT(ret == -EFAULT);
	KEXPECT(fi.vector == -1);
}

/*
 * A frame chain that runs into unmapped memory (a corrupt rbp, a stack overrun) ends the
 * walk at the frame it cannot read, with the frames before it, where a plain load faulted
 * inside the panic report that asked for the backtrace. Two made-up frames at the top of IST
 * stack 0 (the double-fault stack, idle while a test runs), the second's link the guard page
 * just above (IST stack 1's). Then the chain's other ends: a link that does not go up the
 * stack, a misaligned frame, the walk from this function's own frame.
 */
KTEST(exceptions, backtrace_stops_at_unreadable_frame)
{
	uintptr_t guard = gdt_ist_guard(1), ret[4], bad = 1;
	uint64_t *f = (uint64_t *)(guard - 32);
	paddr_t pa;

	KASSERT(guard > gdt_ist_guard(0));
	KASSERT(paging_translate((vaddr_t)f, &pa, NULL));
	KASSERT(!paging_translate(guard, &pa, NULL));
	f[0] = (uintptr_t)&f[2];
	f[1] = (uintptr_t)do_nothing;
	f[2] = guard;
	f[3] = (uintptr_t)do_read;
	KEXPECT(backtrace_walk((uintptr_t)f, ret, 4, &bad) == 2);
	KEXPECT(ret[0] == (uintptr_t)do_nothing && ret[1] == (uintptr_t)do_read);
	KEXPECT(bad == guard);

	f[2] = (uintptr_t)f; /* a loop */
	KEXPECT(backtrace_walk((uintptr_t)f, ret, 4, &bad) == 2);
	KEXPECT(bad == 0);
	KEXPECT(backtrace_walk((uintptr_t)f + 4, ret, 4, &bad) == 0);
	KEXPECT(bad == 0);
	memset(f, 0, 32);

	KEXPECT(backtrace_walk((uintptr_t)__builtin_frame_address(0), ret, 4, &bad) >= 1);
	KEXPECT(bad == 0);
}
