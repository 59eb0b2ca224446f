/* SPDX-License-Identifier: MIT */
/*
 * The kernel image's boundaries and sections, as the linker script
 * (src/arch/x86_64/linker.ld) defines them: the only declarations of its symbols. A linker
 * symbol has an address and no value, so each is an array: use the name itself
 * (`(uintptr_t)__text_start`), never its contents. Virtual addresses unless the name says
 * _phys_. Layer: core (layer 2, beside selftest.h, whose struct ktest it names); the
 * symbols are defined by the arch's linker script.
 */
#ifndef LIOS_SECTIONS_H
#define LIOS_SECTIONS_H

#include <lios/selftest.h>

/* Physical [start, end) of the whole image as loaded, from the Multiboot2 header to the
 * end of the relocation table (after .bss): what memmap reserves. The image may be loaded
 * above its link address (KERNEL_PHYS): these are where it is. */
extern char _kernel_phys_start[], _kernel_phys_end[];
/* The relocation table the entries applied (tools/gen_relocs.py): u32 count of 32-bit
 * fields, u32 count of 64-bit fields, then their offsets. */
extern const uint32_t __relocs_start[], __relocs_end[];
/* Virtual [start, end) of the higher-half part of the image (text, rodata, data, bss). */
extern char _kernel_start[], _kernel_end[];
/* Each segment page aligned, so paging can give each its own permissions (W^X). */
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[];
extern char __bss_start[], __bss_end[];
/* The self-tests registered with KTEST() (<lios/selftest.h>), in link order. */
extern const struct ktest __ktests_start[], __ktests_end[];

#endif
