// SPDX-License-Identifier: MIT
/*
 * Self-tests of the exception path: each provokes one CPU exception under
 * ktest_expect_fault and checks that the handler saw the right vector, error code and (for
 * page faults) CR2, and that the boot goes on afterwards.
 */
#include <arch/trap.h>
#include <lios/selftest.h>
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

KTEST(exceptions, stub_stride)
{
	size_t idt_stub_area_size(void);

	KEXPECT(idt_stub_area_size() == 256 * 16);
}
