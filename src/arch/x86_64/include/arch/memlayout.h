/* SPDX-License-Identifier: MIT */
/*
 * The x86_64 memory layout and the bits the 32-bit entry needs to switch paging on, in one
 * place for C, assembly (entry.S) and the linker script (linker.ld is run through the C
 * preprocessor, see src/CMakeLists.txt). Only #defines of plain numbers live here: no
 * types, no casts, and an integer suffix only through ULL() (empty outside C), so gas and
 * ld read the same values the C code compiles. Layer: arch interface (layer 1), included by
 * <lios/types.h>; the host builds see the same layout (src/arch/host/include/arch/).
 *
 * Virtual layout (canonical upper half):
 *   VMALLOC_START .. VMALLOC_END   vmalloc and ioremap (src/mm/vmalloc.c)
 *   KERNEL_OFFSET ..               the first DIRECT_MAP_SIZE bytes of physical memory: the
 *                                  direct map, which also holds the kernel image, loaded
 *                                  at P (KERNEL_PHYS or higher) and run at KERNEL_OFFSET + P.
 */
#ifndef ARCH_MEMLAYOUT_H
#define ARCH_MEMLAYOUT_H

#if defined(__ASSEMBLER__) || defined(LINKER_SCRIPT)
#define ULL(x) x
#else
#define ULL(x) x##ull
#endif

/* The first 2 GiB of physical memory are mapped at phys + KERNEL_OFFSET (the top 2 GiB of
 * the address space, so code can use the kernel code model's sign-extended 32-bit
 * addresses). */
#define KERNEL_OFFSET ULL(0xffffffff80000000)
#define DIRECT_MAP_SIZE ULL(0x80000000)
/* Where the image is linked to load (physical): 2 MiB, above the low megabyte's firmware
 * areas. GRUB may put it anywhere from there to KERNEL_IMAGE_LIMIT on a KERNEL_IMAGE_ALIGN
 * boundary (header.S's relocatable tag; lowest first): firmware may own 2 MiB. The limit keeps
 * the image inside the first GiB, which the 32-bit entry identity-maps for the switch to
 * long mode. */
#define KERNEL_PHYS ULL(0x200000)
#define KERNEL_IMAGE_LIMIT ULL(0x40000000)
#define KERNEL_IMAGE_ALIGN ULL(0x200000)

/* The vmalloc window (vmalloc, ioremap), disjoint from the direct map. */
#define VMALLOC_START ULL(0xffffc90000000000)
#define VMALLOC_END ULL(0xffffe90000000000) /* exclusive */

/*
 * Early paging: what boot/entry.S sets before the kernel's own tables exist, with the
 * Intel SDM's names (vol. 3A 2.5 control registers, 4.5 4-level paging; vol. 4 IA32_EFER).
 * The C headers that need them (arch/cpu.h, arch/msr.h, mm/pte.h) include this file.
 */
#define PTE_P (ULL(1) << 0)  /* present */
#define PTE_W (ULL(1) << 1)  /* writable */
#define PTE_PS (ULL(1) << 7) /* large page (PDPTE, PDE) */
#define PAGE_SIZE_2M ULL(0x200000)

#define CR0_WP (ULL(1) << 16) /* write protect: ring 0 honours read-only pages */
#define CR0_PG (ULL(1) << 31) /* paging */
#define CR4_PAE (ULL(1) << 5) /* physical address extension: needed for long mode */
#define CR4_LA57 (ULL(1) << 12) /* 5-level paging: LiOS builds 4-level tables, so it is off */

#define MSR_EFER 0xc0000080
#define EFER_LME (ULL(1) << 8)  /* long mode enable */
#define EFER_NXE (ULL(1) << 11) /* execute-disable bit (PTE_NX) honoured */

/* CPUID leaf 0x80000000 (EAX: highest extended leaf) and 0x80000001 EDX, which say whether
 * the CPU has long mode and the NX bit at all (SDM vol. 2A, CPUID). */
#define CPUID_EXT_MAX 0x80000000
#define CPUID_EXT_FEATURES 0x80000001
#define CPUID_EXT_EDX_NX (1 << 20)
#define CPUID_EXT_EDX_LM (1 << 29)

#endif
