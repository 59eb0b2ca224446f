/* SPDX-License-Identifier: MIT */
/*
 * The boot information's move below 2 GiB, private to src/arch/x86_64/boot/ (boot_info.c):
 * the entry point kentry64 calls and the decision behind it, which takes the info as a
 * pointer apart from its physical address so that it also runs on the host
 * (tests/unit/arch/x86_64/boot/test_boot_info.c). kmain reads the reason for a refusal
 * through boot_info_refusal() (<lios/bootinfo.h>).
 */
#ifndef ARCH_BOOT_BOOT_INFO_H
#define ARCH_BOOT_BOOT_INFO_H

#include <lios/types.h>

paddr_t boot_info_home(uint32_t magic, paddr_t mbi);
paddr_t boot_info_place(uint32_t magic, void *info, paddr_t mbi, paddr_t kernel_start,
			paddr_t kernel_end);

#endif
