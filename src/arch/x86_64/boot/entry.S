/* SPDX-License-Identifier: MIT */
/*
 * The 32-bit entry. GRUB jumps here in protected mode, paging off, interrupts off, with
 * EAX = Multiboot2 magic and EBX = physical address of the boot information.
 *
 * Steps: move the image's addresses if GRUB loaded it away from its link address; check the
 * magic; end UEFI boot services if the loader left them running (GRUB
 * i386-efi, see efi_entry.S; the x86_64 UEFI entry arrives here with them ended); check
 * that the CPU has long mode (if not, say so on VGA text memory
 * and COM1 and halt: never reboot); build early page tables with 2 MiB pages: the first
 * 2 GiB at KERNEL_OFFSET, an identity map of the first 1 GiB for the switch, and an identity
 * map of the GiB holding the boot information and the next one (the loader may put it
 * anywhere below 4 GiB, of any size); enable PAE, long mode, NX when present, paging; load
 * a 64-bit GDT and jump to kentry64 in the higher half. kentry64 lets boot_info_home()
 * (boot_info.c) move the information below 2 GiB when it lies above (it is parsed in place,
 * so nothing copies it into a buffer of fixed size), then calls kmain with RDI = magic,
 * RSI = the info's physical address.
 *
 * Register contract on the way to 64-bit code: EDI = magic, ESI = info address (preserved).
 */
#include <arch/memlayout.h>

#define MB2_BOOT_MAGIC 0x36d76289
#define EFLAGS_ID (1 << 21)
#define BOOT_PT_PAGES 7 /* boot_pml4 .. boot_pd_info1, contiguous in .boot.bss */

#define COM1 0x3f8
#define VGA_TEXT 0xb8000


	.section .boot.text, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	/* GRUB may have loaded the image above its link address (header.S's relocatable tag):
	 * move every absolute address the image holds before any is used. Finding where the
	 * code runs takes a call, and ESP is undefined: the one slot it needs is the boot
	 * information's reserved word (bytes 4-7, zero by the spec), zeroed again after. A
	 * loader without Multiboot2 (wrong magic: PVH) loads the segments where they are
	 * linked. The 64-bit UEFI entry has done it already (efi_entry.S): then this finds
	 * nothing to move. */
	cmpl $MB2_BOOT_MAGIC, %eax
	jne .Lrelocated
	leal 8(%ebx), %esp
	call boot_reloc_anchor
	.globl boot_reloc_anchor
boot_reloc_anchor:
	popl %ebp
	movl $0, 4(%ebx)
	movl %ebp, %edx
	subl (boot_reloc_words - boot_reloc_anchor)(%ebp), %edx
	jz .Lrelocated                  /* EDX: the distance moved */
	/* EDI = the image's first byte, ESI = the table: each word holds where the addresses
	 * say it is (the words are fields of the table themselves). EBX (the information) is
	 * kept; EAX is the magic again after. */
	movl (boot_reloc_words + 4 - boot_reloc_anchor)(%ebp), %edi
	addl %edx, %edi
	movl (boot_reloc_words + 8 - boot_reloc_anchor)(%ebp), %esi
	addl %edx, %esi
	movl 4(%esi), %ebp              /* 64-bit fields */
	movl (%esi), %ecx               /* 32-bit fields */
	addl $8, %esi
	jecxz 2f
1:	movl (%esi), %eax
	addl %edx, (%edi,%eax)
	addl $4, %esi
	loop 1b
2:	movl %ebp, %ecx
	movl %edx, %ebp
	sarl $31, %ebp                  /* the distance's upper half: 0 or -1 */
	jecxz 4f
3:	movl (%esi), %eax
	addl %edx, (%edi,%eax)
	adcl %ebp, 4(%edi,%eax)
	addl $4, %esi
	loop 3b
4:	movl $MB2_BOOT_MAGIC, %eax
	jmp .Lrelocated                 /* a jump after rewriting code ahead (SDM vol. 3A 8.1.3) */
.Lrelocated:
	movl $boot32_stack_top, %esp
	movl %eax, %edi
	movl %ebx, %esi

	cmpl $MB2_BOOT_MAGIC, %edi
	jne .Lbad_magic

	/* The CPU check comes before boot services end (GRUB i386-efi enters with them
	 * running): on 32-bit UEFI their console is the only screen there is to say it on. */
	/* CPUID exists when EFLAGS.ID can be toggled. */
	pushfl
	popl %eax
	movl %eax, %ecx
	xorl $EFLAGS_ID, %eax
	pushl %eax
	popfl
	pushfl
	popl %eax
	pushl %ecx
	popfl
	xorl %ecx, %eax
	jz .Lno_long_mode

	movl $CPUID_EXT_MAX, %eax
	cpuid
	cmpl $CPUID_EXT_FEATURES, %eax
	jb .Lno_long_mode
	movl $CPUID_EXT_FEATURES, %eax
	cpuid
	testl $CPUID_EXT_EDX_LM, %edx
	jz .Lno_long_mode
	movl %edx, %ebp                 /* keep the feature bits for NX below */

	/* GRUB i386-efi enters here with boot services still running (efi_entry.S). */
	call efi32_exit_boot_services

	/* Early page tables: zero them, then fill. */
	pushl %edi
	movl $boot_pml4, %edi
	movl $(BOOT_PT_PAGES * 4096 / 4), %ecx
	xorl %eax, %eax
	rep stosl
	popl %edi

	/* pd0 maps physical 0-1 GiB, pd1 1-2 GiB. */
	movl $boot_pd0, %ebx
	movl $(PTE_P | PTE_W | PTE_PS), %eax
	movl $1024, %ecx
	call .Lfill_pd
	movl $(boot_pd0 + PTE_P + PTE_W), boot_pdpt_low

	/* pd_info0 maps the GiB the boot information starts in, pd_info1 the next one (if
	 * below 4 GiB), both identity: PDPT entry (ESI >> 30), 8 bytes each. */
	movl %esi, %eax
	andl $0xc0000000, %eax
	movl %eax, %edx
	shrl $27, %edx                  /* (GiB index) * 8 */
	orl $(PTE_P | PTE_W | PTE_PS), %eax
	movl $boot_pd_info0, %ebx
	movl $1024, %ecx                /* wraps past 4 GiB in pd_info1 only when unused */
	call .Lfill_pd
	movl $(boot_pd_info0 + PTE_P + PTE_W), boot_pdpt_low(%edx)
	cmpl $(3 * 8), %edx
	je 1f
	movl $(boot_pd_info1 + PTE_P + PTE_W), boot_pdpt_low + 8(%edx)
1:
	movl $(boot_pd0 + PTE_P + PTE_W), boot_pdpt_high + 510 * 8
	movl $(boot_pd1 + PTE_P + PTE_W), boot_pdpt_high + 511 * 8
	movl $(boot_pdpt_low + PTE_P + PTE_W), boot_pml4
	movl $(boot_pdpt_high + PTE_P + PTE_W), boot_pml4 + 511 * 8

	movl %cr4, %eax
	andl $~CR4_LA57, %eax           /* a loader may come from 5-level firmware: 4 levels */
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3

	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	testl $CPUID_EXT_EDX_NX, %ebp
	jz 3f
	orl $EFER_NXE, %eax
3:	wrmsr

	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $.Lentry64

	.code64
.Lentry64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $boot_stack_top, %rsp
	movl %edi, %edi                 /* magic, zero-extended */
	movl %esi, %esi                 /* info physical address */
	movabsq $kentry64, %rax
	jmpq *%rax

	.code32
	/* ECX 2 MiB page entries from EAX (address | flags) at EBX, up. Clobbers EAX, EBX, ECX. */
.Lfill_pd:
2:	movl %eax, (%ebx)
	addl $PAGE_SIZE_2M, %eax
	addl $8, %ebx
	loop 2b
	ret

	/* Print the NUL-terminated string at ESI on COM1 and VGA text line 0, then halt. */
.Lbad_magic:
	movl $msg_bad_magic, %esi
	jmp .Lfatal32
.Lno_long_mode:
	movl $msg_no_long_mode_efi, %eax
	call efi32_say                  /* on the UEFI console, when boot services still run */
	movl $msg_no_long_mode, %esi
.Lfatal32:
	/* COM1: 115200 8N1 (divisor 1), FIFO on. */
	movw $(COM1 + 1), %dx
	xorb %al, %al
	outb %al, %dx                   /* IER: no interrupts */
	movw $(COM1 + 3), %dx
	movb $0x80, %al
	outb %al, %dx                   /* LCR: DLAB */
	movw $COM1, %dx
	movb $1, %al
	outb %al, %dx                   /* divisor low */
	movw $(COM1 + 1), %dx
	xorb %al, %al
	outb %al, %dx                   /* divisor high */
	movw $(COM1 + 3), %dx
	movb $0x03, %al
	outb %al, %dx                   /* LCR: 8N1 */
	movw $(COM1 + 2), %dx
	movb $0xc7, %al
	outb %al, %dx                   /* FCR: enable and clear FIFOs */

	movl $VGA_TEXT, %edi
4:	lodsb
	testb %al, %al
	jz 6f
	movb %al, %bl
	cmpb $0x20, %al                 /* control characters go to serial only */
	jb 8f
	movb $0x4f, %ah                 /* white on red */
	movw %ax, (%edi)
	addl $2, %edi
8:
	movw $(COM1 + 5), %dx           /* wait (bounded) for THR empty */
	movl $100000, %ecx
5:	inb %dx, %al
	testb $0x20, %al
	jnz 7f
	loop 5b
7:	movw $COM1, %dx
	movb %bl, %al
	outb %al, %dx
	jmp 4b
6:	cli
	hlt
	jmp 6b

	/* Where the image's absolute addresses say boot_reloc_anchor, the image's first byte
	 * and the relocation table are: fields of the table themselves, so once moved they say
	 * where the image is and a second pass (the UEFI path) finds a distance of 0. In
	 * .boot.text, so both entries reach them without an absolute address. */
	.balign 4
	.globl boot_reloc_words
boot_reloc_words:
	.long boot_reloc_anchor
	.long _kernel_phys_start
	.long __relocs_start - KERNEL_OFFSET

	.section .boot.data, "aw"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* 0x08: 64-bit code, ring 0 */
	.quad 0x00cf92000000ffff        /* 0x10: data, ring 0 */
boot_gdt_end:
	.balign 8
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt

msg_bad_magic:
	.asciz "LiOS: not started by a Multiboot2 boot loader; halted.\r\n"
msg_no_long_mode:
	.asciz "LiOS needs a 64-bit x86_64 CPU (this one has no long mode); halted.\r\n"
msg_no_long_mode_efi:
	.asciz "this CPU has no long mode: LiOS needs a 64-bit x86_64 CPU; halted."

	.section .boot.bss, "aw", @nobits
	.balign 4096
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd0:       .skip 4096
boot_pd1:       .skip 4096
boot_pd_info0:  .skip 4096
boot_pd_info1:  .skip 4096
boot32_stack:   .skip 131072           /* firmware calls run on it (efi_entry.S): UEFI
					* 2.3.2 promises IA-32 firmware 128 KiB of stack */
boot32_stack_top:

	.section .bss
	.balign 16
	.globl boot_tsc_start
boot_tsc_start: .skip 8
	.balign 4096
	.globl boot_stack_guard, boot_stack_top
boot_stack_guard: .skip 4096            /* unmapped once paging is the kernel's own */
boot_stack:     .skip 16384
boot_stack_top:

	.section .text.kentry, "ax"
	.code64
	.globl kentry64
kentry64:
	xorl %ebp, %ebp
	/* Seed the stack-protector canary before any C runs (TSC mixed with a constant). */
	pushq %rdi
	pushq %rsi
	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
	movq %rax, boot_tsc_start(%rip)
	movabsq $0x9e3779b97f4a7c15, %rcx
	imulq %rcx, %rax
	movq %rax, __stack_chk_guard(%rip)
	popq %rsi
	popq %rdi
	/* After a 32-bit UEFI boot, the information with the EFI map (efi_stub.c, linked low:
	 * reached through the identity map); then the information below 2 GiB, while the
	 * identity maps above still exist. */
	pushq %rdi
	pushq %rdi
	movabsq $efi32_finish, %rax
	call *%rax
	movq %rax, %rsi
	movq (%rsp), %rdi
	call boot_info_home
	popq %rdi
	popq %rdi
	movq %rax, %rsi
	call kmain
1:	cli
	hlt
	jmp 1b
