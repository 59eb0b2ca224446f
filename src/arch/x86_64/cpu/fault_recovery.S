/* SPDX-License-Identifier: MIT */
/*
 * arch_setjmp / arch_longjmp (struct arch_jmpbuf in lios/arch.h: rbx, rbp, r12-r15, rsp,
 * rip at offsets 0..56). Used by the self-test runner to end a test early and by the
 * expected-fault hook to resume after an exception, possibly from another stack (IST).
 */
	.section .text
	.code64
	.globl arch_setjmp, arch_longjmp

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
