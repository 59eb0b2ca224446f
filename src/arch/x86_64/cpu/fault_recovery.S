/* SPDX-License-Identifier: MIT */
/*
 * Going on after a fault. arch_setjmp / arch_longjmp (struct arch_jmpbuf in lios/arch.h:
 * rbx, rbp, r12-r15, rsp, rip at offsets 0..56) are used by the self-test runner to end a
 * test early and by the expected-fault hook to resume after an exception, possibly from
 * another stack (IST). rdmsr_safe and wrmsr_safe are an MSR read and write whose #GP
 * trap_dispatch resumes at their fixup, and read64_safe a memory read whose #PF or #GP
 * (an unmapped page, a non-canonical address) it resumes at its own: no jump buffer, so
 * they work inside a test's expected-fault window and inside a panic report too.
 */
#include <lios/errno.h>

	.section .text
	.code64
	.globl arch_setjmp, arch_longjmp, rdmsr_safe, rdmsr_safe_insn, rdmsr_safe_fixup
	.globl wrmsr_safe, wrmsr_safe_insn, wrmsr_safe_fixup
	.globl read64_safe, read64_safe_insn, read64_safe_fixup

/* int arch_setjmp(struct arch_jmpbuf *jb [rdi]): returns 0 now, v later. */
arch_setjmp:
	movq %rbx, 0(%rdi)
	movq %rbp, 8(%rdi)
	movq %r12, 16(%rdi)
	movq %r13, 24(%rdi)
	movq %r14, 32(%rdi)
	movq %r15, 40(%rdi)
	leaq 8(%rsp), %rax      /* caller's RSP after our return */
	movq %rax, 48(%rdi)
	movq (%rsp), %rax       /* return address */
	movq %rax, 56(%rdi)
	xorl %eax, %eax
	ret

/* void arch_longjmp(struct arch_jmpbuf *jb [rdi], int v [esi]): v == 0 becomes 1. */
arch_longjmp:
	movl %esi, %eax
	testl %eax, %eax
	jnz 1f
	incl %eax
1:	movq 0(%rdi), %rbx
	movq 8(%rdi), %rbp
	movq 16(%rdi), %r12
	movq 24(%rdi), %r13
	movq 32(%rdi), %r14
	movq 40(%rdi), %r15
	movq 48(%rdi), %rsp
	jmpq *56(%rdi)

/* int rdmsr_safe(uint32_t msr [edi], uint64_t *val [rsi]): 0 with *val set, or -EIO when
 * the RDMSR raised #GP (trap_dispatch moves RIP from rdmsr_safe_insn to rdmsr_safe_fixup;
 * RDMSR writes no register before it faults, *val is left alone). */
rdmsr_safe:
	movl %edi, %ecx
rdmsr_safe_insn:
	rdmsr
	shlq $32, %rdx
	orq %rdx, %rax          /* RDMSR cleared bits 63-32 of RAX */
	movq %rax, (%rsi)
	xorl %eax, %eax
	ret
rdmsr_safe_fixup:
	movl $-EIO, %eax
	ret

/* int wrmsr_safe(uint32_t msr [edi], uint64_t val [rsi]): 0 once written, or -EIO when the
 * WRMSR raised #GP (trap_dispatch moves RIP from wrmsr_safe_insn to wrmsr_safe_fixup; a
 * faulting WRMSR changes nothing). */
wrmsr_safe:
	movl %edi, %ecx
	movl %esi, %eax
	movq %rsi, %rdx
	shrq $32, %rdx
wrmsr_safe_insn:
	wrmsr
	xorl %eax, %eax
	ret
wrmsr_safe_fixup:
	movl $-EIO, %eax
	ret

/* int read64_safe(const void *p [rdi], uint64_t *val [rsi]): 0 with *val set to the 8 bytes
 * at p, or -EFAULT when the load raised #PF (nothing mapped there: a guard page, a hole) or
 * #GP (p not canonical); trap_dispatch moves RIP from read64_safe_insn to
 * read64_safe_fixup, and *val is left alone. The backtrace's way to follow frame pointers
 * it cannot trust (arch_backtrace). */
read64_safe:
read64_safe_insn:
	movq (%rdi), %rax
	movq %rax, (%rsi)
	xorl %eax, %eax
	ret
read64_safe_fixup:
	movl $-EFAULT, %eax
	ret
