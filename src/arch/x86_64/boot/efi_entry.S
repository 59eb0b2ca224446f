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
 * the EFI boot-services header tag but cannot use the 64-bit entry, and hands over an empty
 * memory map. efi32_exit_boot_services (below) ends them there in 32-bit mode: GetMemoryMap
 * sizes a buffer from AllocatePages, the map is read into it (grown while it outgrows it),
 * ExitBootServices is retried with a fresh key; kentry64 then calls efi32_finish
 * (efi_stub.c), which writes the information over that buffer with the map (efi_map.c),
 * keeping GRUB's framebuffer.
 */
#include <arch/memlayout.h>

#include "efi_map.h"

#define MB2_BOOT_MAGIC 0x36d76289
#define CR4_PCIDE (1 << 17)
#define SEL_CODE64 0x08
#define SEL_DATA 0x10
#define SEL_CODE32 0x18

/* UEFI 2.9 for IA-32 (2.3.2: cdecl, 4-byte pointers, ESP 16-byte aligned at a call):
 * EFI_SYSTEM_TABLE.ConOut and .BootServices, EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL.OutputString,
 * EFI_BOOT_SERVICES slots (4-byte pointers after the 24-byte header), status codes. */
#define EFI32_ST_CON_OUT 44
#define EFI32_ST_BOOT_SERVICES 60
#define EFI32_OUTPUT_STRING 4
#define EFI32_BS_ALLOCATE_PAGES (24 + 2 * 4)
#define EFI32_BS_FREE_PAGES (24 + 3 * 4)
#define EFI32_BS_GET_MEMORY_MAP (24 + 4 * 4)
#define EFI32_BS_EXIT_BOOT_SERVICES (24 + 26 * 4)
#define EFI32_INVALID_PARAMETER 0x80000002
#define EFI32_BUFFER_TOO_SMALL 0x80000005
#define EFI_ALLOCATE_MAX_ADDRESS 1
#define EFI_LOADER_DATA 2
#define EFI_DESCRIPTOR_MIN 40           /* sizeof(EFI_MEMORY_DESCRIPTOR) */
/* The buffer's highest address: below 1 GiB, which _start32 identity-maps for efi32_finish. */
#define EFI32_BUF_MAX 0x3fffffff
#define EFI32_TEXT_CHARS 256
#define ASCII_SPACE 0x20
#define ASCII_RPAREN 0x29

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_EFI32 11
#define MB2_TAG_EFI_BS 18
#define MB2_TAG_EFI32_IH 19
#define MB2_TAG_POINTER_SIZE 12         /* tags 11 and 19: header, then a 32-bit pointer */

	.section .boot.text, "ax"
/* EFI32_HOST_TEST: the 32-bit half alone, linked into a 32-bit host program against a fake
 * firmware (tests/unit/arch/x86_64/boot/test_efi32_exit.c). */
#ifndef EFI32_HOST_TEST
	.code64
	.globl _start_efi64
_start_efi64:
	cld
	andq $-16, %rsp
	/* The image may lie above its link address (header.S): move its addresses first, as
	 * _start32 does (the same words and table, entry.S), RIP-relative until then. RAX
	 * (magic) and RBX (information) are kept. */
	leaq boot_reloc_anchor(%rip), %rdx
	movl boot_reloc_words(%rip), %ecx
	subq %rcx, %rdx                 /* RDX: the distance moved */
	jz 3f
	movl boot_reloc_words + 4(%rip), %edi
	addq %rdx, %rdi
	movl boot_reloc_words + 8(%rip), %esi
	addq %rdx, %rsi
	movl 4(%rsi), %r8d              /* 64-bit fields */
	movl (%rsi), %ecx               /* 32-bit fields */
	addq $8, %rsi
	jrcxz 2f
1:	movl (%rsi), %r9d
	addl %edx, (%rdi,%r9)
	addq $4, %rsi
	loop 1b
2:	movl %r8d, %ecx
	jrcxz 3f
4:	movl (%rsi), %r9d
	addq %rdx, (%rdi,%r9)
	addq $4, %rsi
	loop 4b
	jmp 3f                          /* a jump after rewriting code ahead */
3:
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
#endif /* EFI32_HOST_TEST */

/*
 * Called by _start32 (32-bit, paging off, interrupts off, its own stack) with ESI = the boot
 * information. When it carries the boot-services tag and a 32-bit system table (and an image
 * handle, or it says that one is missing): asks GetMemoryMap for the map's size, allocates a buffer below 1 GiB for it
 * (loader data; efi_info_room's size, the map at efi_map_offset: efi_map.h's layout), reads
 * the map, freeing and growing the buffer while the map outgrows it, and exits boot
 * services, reading the map again into the same buffer while the firmware refuses the key.
 * A map reported larger than its buffer, or in descriptors under 40 bytes, is refused, as
 * the 64-bit stub does (efi32_finish would write past the buffer). The command-line word
 * EFI_TINY_MAP_WORD starts from a buffer of one descriptor (the test of the growth).
 * Otherwise does nothing. Any failure is said on the firmware console
 * (ConOut), then it halts. Preserves all registers but EAX, ECX, EDX.
 */
	.code32
	.globl efi32_exit_boot_services
efi32_exit_boot_services:
	pushl %ebp
	movl %esp, %ebp
	pushl %ebx
	pushl %edi
	pushl %esi                      /* the information, at -12(%ebp) */
	andl $-16, %esp
	subl $32, %esp                  /* outgoing arguments at 0..28(%esp), aligned */
	call .Lscan_tags
	cmpl $0, efi32_bs_seen
	je .Lebs32_done
	testl %ebx, %ebx
	jz .Lebs32_done                 /* no system table: no firmware to talk to */
	movl %ebx, efi32_st
	movl %edi, efi32_image
	movl $msg_no_image, %eax
	xorl %edx, %edx
	testl %edi, %edi
	jz .Lebs32_fail
	movl EFI32_ST_BOOT_SERVICES(%ebx), %ebx /* EBX = boot services from here on */
	movl $msg_no_bs, %eax
	xorl %edx, %edx
	testl %ebx, %ebx
	jz .Lebs32_fail
	movl -12(%ebp), %eax            /* efi_map_offset(total_size) */
	movl (%eax), %eax
	addl $7, %eax
	andl $~7, %eax
	addl $EFI_MAP_GAP, %eax
	movl %eax, efi32_map_off

	/* The size first: GetMemoryMap with no buffer answers EFI_BUFFER_TOO_SMALL. */
	movl $0, efi32_map_size
	xorl %eax, %eax
	call .Lget_map
	movl %eax, %edx
	movl $msg_no_size, %eax
	cmpl $EFI32_BUFFER_TOO_SMALL, %edx
	jne .Lebs32_fail
	cmpl $EFI_DESCRIPTOR_MIN, efi32_desc_size
	jb .Lebs32_fail
	movl efi32_desc_size, %eax      /* the test knob: room for one descriptor */
	cmpl $0, efi32_tiny
	jne 7f
	call .Lcapacity
7:	movl %eax, efi32_map_cap
	movl $EFI_GROW_TRIES, efi32_tries
.Lebs32_grow:
	movl efi32_map_cap, %eax        /* pages for efi_info_room(total, cap) */
	addl %eax, %eax
	addl efi32_map_off, %eax
	addl $(EFI_INFO_EXTRA + 4095), %eax
	shrl $12, %eax
	movl %eax, efi32_pages
	movl $EFI32_BUF_MAX, efi32_buf
	movl $0, efi32_buf + 4
	movl $EFI_ALLOCATE_MAX_ADDRESS, 0(%esp)
	movl $EFI_LOADER_DATA, 4(%esp)
	movl %eax, 8(%esp)
	movl $efi32_buf, 12(%esp)
	call *EFI32_BS_ALLOCATE_PAGES(%ebx)
	movl %eax, %edx
	movl $msg_no_memory, %eax
	testl %edx, %edx
	jnz .Lebs32_fail
	movl efi32_buf, %eax
	addl efi32_map_off, %eax
	movl %eax, efi32_map_at
	movl efi32_map_cap, %eax
	movl %eax, efi32_map_size
	movl efi32_map_at, %eax
	call .Lget_map
	testl %eax, %eax
	jz .Lebs32_read
	movl %eax, %edx
	movl $msg_map_failed, %eax
	cmpl $EFI32_BUFFER_TOO_SMALL, %edx
	jne .Lebs32_fail
	movl efi32_buf, %eax            /* FreePages(Memory: 64 bits, two slots; Pages) */
	movl %eax, 0(%esp)
	movl $0, 4(%esp)
	movl efi32_pages, %eax
	movl %eax, 8(%esp)
	call *EFI32_BS_FREE_PAGES(%ebx)
	movl $msg_keeps_growing, %eax
	xorl %edx, %edx
	decl efi32_tries
	jz .Lebs32_fail
	movl $msg_grown, %eax
	call .Lsay
	call .Lcapacity                 /* from the size GetMemoryMap asked for */
	movl %eax, efi32_map_cap
	jmp .Lebs32_grow

	/* From the first ExitBootServices call on, only GetMemoryMap and ExitBootServices may
	 * be called (UEFI 2.9, 7.4): a message after it is a last try. */
.Lebs32_read:
	call .Lcheck_map
	movl $EFI_EBS_TRIES, efi32_tries
.Lebs32_try:
	movl efi32_image, %eax
	movl %eax, 0(%esp)
	movl efi32_map_key, %eax
	movl %eax, 4(%esp)
	call *EFI32_BS_EXIT_BOOT_SERVICES(%ebx)
	testl %eax, %eax
	jz .Lebs32_exited
	movl %eax, %edx
	movl $msg_ebs_failed, %eax
	cmpl $EFI32_INVALID_PARAMETER, %edx
	jne .Lebs32_fail
	movl $msg_ebs_keys, %eax
	decl efi32_tries
	jz .Lebs32_fail
	movl efi32_map_cap, %eax
	movl %eax, efi32_map_size
	movl efi32_map_at, %eax
	call .Lget_map
	movl %eax, %edx
	movl $msg_map_after_ebs, %eax
	testl %edx, %edx
	jnz .Lebs32_fail
	call .Lcheck_map
	jmp .Lebs32_try
.Lebs32_exited:
	movl $1, efi32_done
.Lebs32_done:
#ifndef EFI32_HOST_TEST                 /* privileged: the host test runs in user mode */
	cli
#endif
	leal -12(%ebp), %esp
	popl %esi
	popl %edi
	popl %ebx
	popl %ebp
	ret

	/* The boot information at ESI (preserved): EBX = the 32-bit system table and EDI = the
	 * image handle (0: no such tag), efi32_bs_seen = boot services still run, efi32_tiny =
	 * the command line holds EFI_TINY_MAP_WORD. The walk stops at a tag running past
	 * total_size (a size that wrapped would send it back over the tags for ever), and reads
	 * no pointer a tag is too short to hold. Clobbers EAX, ECX, EDX. */
.Lscan_tags:
	pushl %esi
	xorl %ebx, %ebx
	xorl %edi, %edi
	movl $0, efi32_bs_seen
	movl $0, efi32_tiny
	movl (%esi), %edx
	addl %esi, %edx                 /* end of the information */
	addl $8, %esi
1:	leal 8(%esi), %eax
	cmpl %edx, %eax
	ja 4f
	movl 4(%esi), %ecx              /* size */
	movl %edx, %eax
	subl %esi, %eax
	cmpl %eax, %ecx                 /* past the end (or wrapping): stop */
	ja 4f
	movl (%esi), %eax               /* type */
	cmpl $MB2_TAG_END, %eax
	je 4f
	cmpl $8, %ecx
	jb 4f
	cmpl $MB2_TAG_EFI_BS, %eax
	jne 2f
	movl $1, efi32_bs_seen
2:	cmpl $MB2_TAG_EFI32, %eax
	jne 3f
	cmpl $MB2_TAG_POINTER_SIZE, %ecx /* a tag too short for its pointer: not read */
	jb 3f
	movl 8(%esi), %ebx
3:	cmpl $MB2_TAG_EFI32_IH, %eax
	jne 5f
	cmpl $MB2_TAG_POINTER_SIZE, %ecx
	jb 5f
	movl 8(%esi), %edi
5:	cmpl $MB2_TAG_CMDLINE, %eax
	jne 6f
	call .Lcmdline_tiny
6:	leal 7(%esi, %ecx), %esi
	andl $~7, %esi
	jmp 1b
4:	popl %esi
	ret

/*
 * efi32_say - EAX = a message (ASCII) that _start32 is about to halt with: said on the UEFI
 * console too when the boot information (ESI) shows boot services still running with a
 * 32-bit system table (GRUB i386-efi), where the screen belongs to the firmware and VGA text
 * memory shows nothing. Otherwise nothing. Preserves every register.
 */
	.globl efi32_say
efi32_say:
	pushal
	movl %eax, %ebp
	call .Lscan_tags
	cmpl $0, efi32_bs_seen
	je 1f
	testl %ebx, %ebx
	jz 1f
	movl %ebx, efi32_st
	movl %ebp, %eax
	xorl %edx, %edx
	call .Lsay
1:	popal
	ret

	/* EAX = the message, EDX = the status (0: none): say it, then halt. */
.Lebs32_fail:
	call .Lsay
	movl $msg_halted, %eax
	xorl %edx, %edx
	call .Lsay
8:	cli
	hlt
	jmp 8b

	/* GetMemoryMap(&efi32_map_size, EAX, &efi32_map_key, &efi32_desc_size,
	 * &efi32_desc_version), EBX = boot services; the status in EAX. Clobbers ECX, EDX. */
.Lget_map:
	pushl %ebp
	movl %esp, %ebp
	andl $-16, %esp
	subl $32, %esp
	movl $efi32_map_size, 0(%esp)
	movl %eax, 4(%esp)
	movl $efi32_map_key, 8(%esp)
	movl $efi32_desc_size, 12(%esp)
	movl $efi32_desc_version, 16(%esp)
	call *EFI32_BS_GET_MEMORY_MAP(%ebx)
	leave
	ret

	/* A map GetMemoryMap answered with success must fit the buffer it was given (it says its
	 * size again on every call), in descriptors of at least EFI_DESCRIPTOR_MIN bytes: else
	 * efi32_finish would read and write past the buffer, or find no memory. As
	 * check_map_result (efi_stub.c): said, then halt. Returns when the map is good. */
.Lcheck_map:
	movl efi32_map_size, %eax
	cmpl efi32_map_cap, %eax
	ja 1f
	cmpl $EFI_DESCRIPTOR_MIN, efi32_desc_size
	jb 1f
	ret
1:	movl $msg_map_bad, %eax
	xorl %edx, %edx
	jmp .Lebs32_fail

	/* EAX = efi_map_capacity(efi32_map_size, efi32_desc_size). */
.Lcapacity:
	movl efi32_desc_size, %eax
	imull $EFI_MAP_SLACK_DESCRIPTORS, %eax, %eax
	addl efi32_map_size, %eax
	ret

	/* ESI = a command-line tag, ECX = its size: sets efi32_tiny when its string holds the
	 * word EFI_TINY_MAP_WORD (spaces around it, or the string's ends). Preserves all. */
.Lcmdline_tiny:
	pushal
	leal 8(%esi), %esi              /* the string */
	leal -8(%esi, %ecx), %edx       /* its end: the tag's end */
	movl %esi, %ebx                 /* its start */
1:	cmpl %edx, %esi
	jae 9f
	cmpb $0, (%esi)
	je 9f
	cmpl %ebx, %esi
	je 2f
	cmpb $ASCII_SPACE, -1(%esi)
	jne 8f
2:	movl $efi32_tiny_word, %edi     /* a word starts here: compare */
	movl %esi, %ecx
3:	movb (%edi), %al
	testb %al, %al
	jz 4f
	cmpl %edx, %ecx
	jae 8f
	cmpb (%ecx), %al
	jne 8f
	incl %ecx
	incl %edi
	jmp 3b
4:	cmpl %edx, %ecx                 /* the whole word: what follows it? */
	jae 5f
	movb (%ecx), %al
	testb %al, %al
	jz 5f
	cmpb $ASCII_SPACE, %al
	jne 8f
5:	movl $1, efi32_tiny
	jmp 9f
8:	incl %esi
	jmp 1b
9:	popal
	ret

	/* Says the message EAX (ASCII), with " (status 0x...)" when EDX is not 0, on ConOut.
	 * Preserves EBX, ESI, EDI, EBP. */
.Lsay:
	pushl %ebp
	movl %esp, %ebp
	pushl %esi
	pushl %edi
	pushl %ebx
	andl $-16, %esp
	subl $16, %esp
	movl %edx, %ebx
	movl %eax, %edx
	movl $efi32_text, %edi
	movl $msg_prefix, %esi
	call .Lput
	movl %edx, %esi
	call .Lput
	testl %ebx, %ebx
	jz 2f
	movl $msg_status, %esi
	call .Lput
	movl $8, %ecx
1:	roll $4, %ebx
	movl %ebx, %eax
	andl $0xf, %eax
	movzbl hex_digits(%eax), %eax
	stosw
	loop 1b
	movl $ASCII_RPAREN, %eax
	stosw
2:	movl $msg_crlf, %esi
	call .Lput
	xorl %eax, %eax
	stosw
	movl efi32_st, %eax
	movl EFI32_ST_CON_OUT(%eax), %eax
	testl %eax, %eax
	jz 3f
	movl %eax, 0(%esp)
	movl $efi32_text, 4(%esp)
	call *EFI32_OUTPUT_STRING(%eax)
3:	leal -12(%ebp), %esp
	popl %ebx
	popl %edi
	popl %esi
	popl %ebp
	ret

	/* Appends the ASCII string at ESI as UCS-2 at EDI. Clobbers EAX. */
.Lput:
	xorl %eax, %eax
1:	lodsb
	testb %al, %al
	jz 2f
	stosw
	jmp 1b
2:	ret

	.section .boot.data, "aw"
efi32_tiny_word: .asciz EFI_TINY_MAP_WORD
hex_digits: .ascii "0123456789abcdef"
msg_prefix: .asciz "LiOS: UEFI (32-bit) entry: "
msg_status: .asciz " (status 0x"
msg_crlf: .asciz "\r\n"
msg_halted: .asciz "halted."
msg_no_bs: .asciz "the system table has no boot services"
msg_no_image: .asciz "GRUB passed no image handle"
msg_no_size: .asciz "GetMemoryMap gives no size"
msg_no_memory: .asciz "no memory below 1 GiB for the memory map"
msg_map_failed: .asciz "GetMemoryMap failed"
msg_keeps_growing: .asciz "the memory map keeps outgrowing its buffer"
msg_grown: .asciz "memory map outgrew its buffer: retrying"
msg_ebs_failed: .asciz "ExitBootServices failed"
msg_ebs_keys: .asciz "ExitBootServices refused every map key"
msg_map_after_ebs: .asciz "GetMemoryMap failed after ExitBootServices"
msg_map_bad: .asciz "GetMemoryMap returned a map past its buffer, or descriptors under 40 bytes"

#ifndef EFI32_HOST_TEST
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
#endif

	.section .boot.bss, "aw", @nobits
	.balign 8
	.globl efi32_done, efi32_buf, efi32_map_size, efi32_desc_size, efi32_desc_version
	.globl efi32_map_cap              /* for the host test */
efi32_buf: .skip 8                      /* EFI_PHYSICAL_ADDRESS: 64 bits even on IA-32 */
efi32_done: .skip 4                     /* 1: boot services ended here, efi32_finish to do */
efi32_st: .skip 4
efi32_image: .skip 4
efi32_bs_seen: .skip 4
efi32_tiny: .skip 4
efi32_map_off: .skip 4                  /* efi_map_offset(total_size) */
efi32_map_at: .skip 4                   /* efi32_buf + efi32_map_off */
efi32_map_cap: .skip 4                  /* bytes of map the buffer holds */
efi32_pages: .skip 4
efi32_tries: .skip 4
efi32_map_size: .skip 4
efi32_map_key: .skip 4
efi32_desc_size: .skip 4
efi32_desc_version: .skip 4
	.balign 4
efi32_text: .skip 2 * EFI32_TEXT_CHARS  /* a message in UCS-2 */
