// SPDX-License-Identifier: MIT
/*
 * Self-test of where the kernel image runs. GRUB may load it above its link address
 * (header.S's relocatable tag); the entries then move every address the image holds
 * (entry.S, efi_entry.S, the table of tools/gen_relocs.py). Moved or not, the image must run
 * at KERNEL_OFFSET + where it lies, inside the bounds the header gave GRUB. The boot cells
 * that load it at 64 MiB (boot.*.relocated) run every other self-test moved as well.
 */
#include <lios/arch.h>
#include <lios/paging.h>
#include <lios/sections.h>
#include <lios/selftest.h>

KTEST(boot, image_runs_where_loaded)
{
	uintptr_t code = (uintptr_t)__text_start;
	paddr_t start = (uintptr_t)_kernel_phys_start, end = (uintptr_t)_kernel_phys_end;
	paddr_t pa = 0;
	size_t table_words = (size_t)(__relocs_end - __relocs_start);

	KASSERT(paging_translate(code, &pa, NULL));
	KEXPECT(pa == code - KERNEL_OFFSET);
	KEXPECT(pa > start && pa < end);
	KEXPECT(start >= KERNEL_PHYS && start % KERNEL_IMAGE_ALIGN == 0);
	KEXPECT(end <= KERNEL_IMAGE_LIMIT);
	/* The table the entries walked: two counts, then one word per field. */
	KASSERT(table_words >= 2);
	KEXPECT(__relocs_start[0] > 0 && __relocs_start[1] > 0);
	KEXPECT(2 + (size_t)__relocs_start[0] + __relocs_start[1] <= table_words);
}
