/* SPDX-License-Identifier: MIT */
/*
 * The 64-bit UEFI entry. GRUB x86_64-efi jumps to _start_efi64 (named by the header's EFI
 * amd64 entry tag) in long mode on the firmware's identity-mapped page tables and stack,
 * boot services running, RAX = Multiboot2 magic, RBX = physical address of the boot
 * information. efi_stub_main (efi_stub.c) sets up the GOP, exits boot services and returns
 * a new information below 2 GiB; then this code leaves long mode (a 32-bit code segment,
 * paging off, EFER.LME off, no 5-level paging or PCIDs left in CR4) and joins the 32-bit
 * entry _start32 (entry.S) with EAX = magic, EBX = the new information, so every boot builds
 * the same early tables. Linked at its physical address in .boot, like _start32.
 *
 * _start32 itself may also meet boot services still running: GRUB i386-efi keeps them for
 * the EFI boot-services header tag but cannot use the 64-bit entry. efi32_exit_boot_services
 * ends them there (AllocatePages for the new information, GetMemoryMap, ExitBootServices,
 * retried with a fresh key); kentry64 then calls efi32_finish (efi_stub.c), which writes the
 * information with that map (GRUB's own map tag is empty then), keeping GRUB's framebuffer.
 */
#include <arch/memlayout.h>

#define MB2_BOOT_MAGIC 0x36d76289
#define CR4_LA57 (1 << 12)
#define CR4_PCIDE (1 << 17)
#define SEL_CODE64 0x08
#define SEL_DATA 0x10
#define SEL_CODE32 0x18

/* UEFI 2.9 for IA-32: EFI_SYSTEM_TABLE.BootServices, EFI_BOOT_SERVICES slots (4-byte
 * pointers after the 24-byte header), EFI_INVALID_PARAMETER. */
#define EFI32_ST_BOOT_SERVICES 60
#define EFI32_BS_ALLOCATE_PAGES (24 + 2 * 4)
#define EFI32_BS_GET_MEMORY_MAP (24 + 4 * 4)
#define EFI32_BS_EXIT_BOOT_SERVICES (24 + 26 * 4)
#define EFI32_INVALID_PARAMETER 0x80000002
#define EFI32_MAP_BYTES 32768
#define EFI_ALLOCATE_MAX_ADDRESS 1
#define EFI_LOADER_DATA 2
/* efi_stub.c's map_offset: the map goes this far past the end of GRUB's tags */
#define EFI32_MAP_OFFSET 64

#define MB2_TAG_END 0
#define MB2_TAG_EFI32 11
#define MB2_TAG_EFI_BS 18
#define MB2_TAG_EFI32_IH 19

	.section .boot.text, "ax"
	.code64
	.globl _start_efi64
_start_efi64:
	cld
	andq $-16, %rsp
	movl %eax, %edi
	movq %rbx, %rsi
	call efi_stub_main              /* boot services are gone when it returns */
	cli
	movq %rax, %rbx
	lgdt efi_gdt_ptr(%rip)
	movq %cr4, %rcx
	andq $~CR4_PCIDE, %rcx          /* CR0.PG cannot be cleared with PCIDE set */
	movq %rcx, %cr4
	pushq $SEL_CODE32
	leaq .Lcompat(%rip), %rcx
	pushq %rcx
	lretq

	.code32
.Lcompat:
	movw $SEL_DATA, %cx
	movw %cx, %ds
	movw %cx, %es
	movw %cx, %ss
	movw %cx, %fs
	movw %cx, %gs
	movl %cr0, %ecx
	andl $~CR0_PG, %ecx
	movl %ecx, %cr0                 /* long mode off: protected mode, paging off */
	movl $MSR_EFER, %ecx
	rdmsr
	andl $~EFER_LME, %eax
	wrmsr
	movl %cr4, %ecx
	andl $~CR4_LA57, %ecx           /* _start32 builds 4-level tables */
	movl %ecx, %cr4
	movl $MB2_BOOT_MAGIC, %eax
	jmp _start32

/*
 * Called by _start32 (32-bit, paging off, its own stack) with ESI = the boot information.
 * When it carries the boot-services tag and a 32-bit system table and image handle, exits
 * boot services; otherwise does nothing. Halts when the firmware refuses. Preserves all
 * registers but EAX, ECX, EDX.
 */
	.globl efi32_exit_boot_services
efi32_exit_boot_services:
	pushl %ebx
	pushl %edi
	pushl %ebp
	pushl %esi
	xorl %ebx, %ebx                 /* system table */
	xorl %edi, %edi                 /* image handle */
	xorl %ebp, %ebp                 /* boot-services tag seen */
	movl (%esi), %edx
	addl %esi, %edx                 /* end of the information */
	addl $8, %esi
1:	leal 8(%esi), %eax
	cmpl %edx, %eax
	ja 4f
	movl (%esi), %eax               /* type */
	movl 4(%esi), %ecx              /* size */
	cmpl $MB2_TAG_END, %eax
	je 4f
	cmpl $8, %ecx
	jb 4f
	cmpl $MB2_TAG_EFI_BS, %eax
	jne 2f
	movl $1, %ebp
2:	cmpl $MB2_TAG_EFI32, %eax
	jne 3f
	movl 8(%esi), %ebx
3:	cmpl $MB2_TAG_EFI32_IH, %eax
	jne 5f
	movl 8(%esi), %edi
5:	leal 7(%esi, %ecx), %esi
	andl $~7, %esi
	jmp 1b
4:	testl %ebp, %ebp
	jz .Lebs32_done
	testl %ebx, %ebx
	jz .Lebs32_done
	testl %edi, %edi
	jz .Lebs32_done
	movl EFI32_ST_BOOT_SERVICES(%ebx), %ebx
	/* A buffer below 1 GiB (identity-mapped by _start32) for efi_stub.c's efi32_finish:
	 * room for GRUB's tags, the EFI map read at EFI32_MAP_OFFSET past them, and the
	 * Multiboot2 map made from it. */
	movl (%esp), %esi               /* the information again (pushed above) */
	movl (%esi), %eax
	addl $7, %eax
	andl $~7, %eax
	addl $EFI32_MAP_OFFSET, %eax
	movl %eax, efi32_map_at
	addl $(2 * EFI32_MAP_BYTES + 32 + 4095), %eax
	shrl $12, %eax
	movl $0x3fffffff, efi32_buf
	movl $0, efi32_buf + 4
	pushl $efi32_buf
	pushl %eax
	pushl $EFI_LOADER_DATA
	pushl $EFI_ALLOCATE_MAX_ADDRESS
	call *EFI32_BS_ALLOCATE_PAGES(%ebx)
	addl $16, %esp
	testl %eax, %eax
	jnz .Lebs32_fail
	movl efi32_buf, %eax
	addl %eax, efi32_map_at
	movl $8, %ebp                   /* tries */
.Lebs32_try:
	movl $EFI32_MAP_BYTES, efi32_map_size
	pushl $efi32_desc_version
	pushl $efi32_desc_size
	pushl $efi32_map_key
	pushl efi32_map_at
	pushl $efi32_map_size
	call *EFI32_BS_GET_MEMORY_MAP(%ebx)
	addl $20, %esp
	testl %eax, %eax
	jnz .Lebs32_fail
	pushl efi32_map_key
	pushl %edi
	call *EFI32_BS_EXIT_BOOT_SERVICES(%ebx)
	addl $8, %esp
	testl %eax, %eax
	jz .Lebs32_exited
	cmpl $EFI32_INVALID_PARAMETER, %eax
	jne .Lebs32_fail
	decl %ebp
	jnz .Lebs32_try
.Lebs32_fail:
	cli
	hlt
	jmp .Lebs32_fail
.Lebs32_exited:
	movl $1, efi32_done
.Lebs32_done:
	cli
	popl %esi
	popl %ebp
	popl %edi
	popl %ebx
	ret

	.section .boot.data, "aw"
	.balign 8
efi_gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: data */
	.quad 0x00cf9a000000ffff        /* 0x18: 32-bit code */
efi_gdt_end:
	.balign 8
efi_gdt_ptr:                            /* 64-bit lgdt operand: 2 + 8 bytes */
	.short efi_gdt_end - efi_gdt - 1
	.quad efi_gdt

	.section .boot.bss, "aw", @nobits
	.balign 8
	.globl efi32_done, efi32_buf, efi32_map_size, efi32_desc_size, efi32_desc_version
efi32_buf: .skip 8                      /* EFI_PHYSICAL_ADDRESS: 64 bits even on IA-32 */
efi32_map_at: .skip 4
efi32_done: .skip 4
efi32_map_size: .skip 4
efi32_map_key: .skip 4
efi32_desc_size: .skip 4
efi32_desc_version: .skip 4
