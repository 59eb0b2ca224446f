/* SPDX-License-Identifier: MIT */
/*
 * The Multiboot2 header: the first bytes of the image (GRUB searches the first 32 KiB,
 * 8-byte aligned). It asks for the information the kernel uses (all optional, so an old
 * loader that lacks one still boots us) and for a framebuffer of no fixed mode: on BIOS the
 * GRUB menu entry decides between VGA text and a VBE mode with gfxpayload. On x86_64 UEFI
 * the kernel enters with boot services running and takes the GOP mode itself (efi_stub.c),
 * whatever gfxpayload said.
 */
#include <arch/memlayout.h>

#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0
#define MB2_TAG_END 0
#define MB2_TAG_INFO_REQUEST 1
#define MB2_TAG_FRAMEBUFFER 5
#define MB2_TAG_EFI_BS 7
#define MB2_TAG_ENTRY_EFI64 9
#define MB2_TAG_RELOCATABLE 10
#define MB2_LOAD_LOWEST 1
#define MB2_TAG_OPTIONAL 1

#define MB2_INFO_CMDLINE 1
#define MB2_INFO_LOADER_NAME 2
#define MB2_INFO_MODULE 3
#define MB2_INFO_BASIC_MEMINFO 4
#define MB2_INFO_MMAP 6
#define MB2_INFO_FRAMEBUFFER 8
#define MB2_INFO_EFI64 12
#define MB2_INFO_ACPI_OLD 14
#define MB2_INFO_ACPI_NEW 15

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	.balign 8
info_request:
	.short MB2_TAG_INFO_REQUEST, MB2_TAG_OPTIONAL
	.long info_request_end - info_request
	.long MB2_INFO_CMDLINE, MB2_INFO_LOADER_NAME, MB2_INFO_MODULE, MB2_INFO_BASIC_MEMINFO
	.long MB2_INFO_MMAP, MB2_INFO_FRAMEBUFFER, MB2_INFO_EFI64
	.long MB2_INFO_ACPI_OLD, MB2_INFO_ACPI_NEW
info_request_end:

	.balign 8
framebuffer_tag:
	.short MB2_TAG_FRAMEBUFFER, MB2_TAG_OPTIONAL
	.long 20
	.long 0, 0, 0   /* width, height, depth: no preference */

	/* On x86_64 UEFI: keep boot services running and enter at _start_efi64 (efi_entry.S) in
	 * 64-bit mode, so the kernel sets the GOP mode and exits boot services itself. GRUB
	 * i386-efi ignores the entry tag but still keeps boot services for the 32-bit entry;
	 * BIOS GRUB ignores both. */
	.balign 8
	.short MB2_TAG_EFI_BS, MB2_TAG_OPTIONAL
	.long 8

	.balign 8
	.short MB2_TAG_ENTRY_EFI64, MB2_TAG_OPTIONAL
	.long 12
	.long _start_efi64

	/* The image may be loaded at any 2 MiB boundary from KERNEL_PHYS until it would end past
	 * KERNEL_IMAGE_LIMIT, the lowest free one first: firmware sometimes owns 2 MiB, and a
	 * loader that cannot place the image where it is linked refuses it. The entries move
	 * the image's addresses before using any (entry.S). A loader without this tag (GRUB
	 * before 2.02) loads the image where it is linked, as before. */
	.balign 8
	.short MB2_TAG_RELOCATABLE, MB2_TAG_OPTIONAL
	.long 24
	.long KERNEL_PHYS                       /* lowest address of the image */
	.long KERNEL_IMAGE_LIMIT                /* its end at most */
	.long KERNEL_IMAGE_ALIGN
	.long MB2_LOAD_LOWEST

	.balign 8
	.short MB2_TAG_END, 0
	.long 8
mb2_header_end:

	/* A PVH entry note (Xen's ELF note 18, PHYS32_ENTRY): QEMU's `-kernel` boots an ELF
	 * only through it, entering _start32 in 32-bit protected mode without Multiboot2, so
	 * the entry's check says "not started by a Multiboot2 boot loader" instead of QEMU
	 * refusing the file (and the message has a test: tests/qemu). */
	.section .note.pvh, "a"
	.balign 4
	.long 4                         /* name size: "Xen\0" */
	.long 4                         /* descriptor size */
	.long 18                        /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long _start32
