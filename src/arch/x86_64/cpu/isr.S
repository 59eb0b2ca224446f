/* SPDX-License-Identifier: MIT */
/*
 * The 256 interrupt stubs, generated (not hand-written): stub N is at isr_stubs + 16 * N.
 * Each pushes a zero error code when the CPU does not push one, then its vector, and joins
 * isr_common, which saves the general registers into a struct trap_frame (arch/trap.h,
 * same order), calls trap_dispatch(frame) and returns with iretq.
 *
 * Stack at the call: the CPU aligned RSP to 16 before pushing its 5 quadwords; error code,
 * vector and 15 registers make 22 quadwords in all, so RSP is 16-byte aligned at the call.
 */
	.section .text
	.code64
	.balign 16
	.globl isr_stubs
isr_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	/* Vectors whose exceptions push an error code: #DF #TS #NP #SS #GP #PF #AC #CP #VC #SX */
	.if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq $0
	.endif
	pushq $vec
	jmp isr_common
	.set vec, vec + 1
	.endr
	.balign 16
	.globl isr_stubs_end
isr_stubs_end:

isr_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	call trap_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp          /* vector and error code */
	iretq
