// SPDX-License-Identifier: MIT
/*
 * kmain: the boot sequence, one call per step. Each step reports its own failure; only this
 * function decides whether a failure is fatal. The 32-bit entry (arch/x86_64/boot/entry.S)
 * has already checked the CPU, built the early page tables, copied the Multiboot2 info into
 * the kernel and switched to long mode in the higher half.
 *
 * Subsystem owners add their init call inside their own BEGIN/END block.
 */
#include <lios/bootinfo.h>
#include <lios/cmdline.h>
#include <lios/panic.h>
#include <lios/printk.h>
#include <lios/selftest.h>
#include <lios/arch.h>
#include "kernel.h"

void kmain(uint32_t mb2_magic, paddr_t mbi_phys);

static struct bootinfo boot_info;

const struct bootinfo *kernel_bootinfo(void) { return &boot_info; }

/* Filled by the 32-bit entry: a copy of the boot information and its length. */
extern const uint8_t mb2_copy[];
extern const uint64_t mb2_copy_len;

void kmain(uint32_t mb2_magic, paddr_t mbi_phys)
{
	char err[128];

	arch_early_init();   /* serial, GDT/TSS, IDT: faults are reported from here on */
	printk("LiOS %s (x86_64)\n", LIOS_VERSION);

	if (mb2_parse(mb2_magic, mb2_copy, mb2_copy_len, mbi_phys, &boot_info, err, sizeof(err)) < 0)
		panic("boot info: %s", err);
	cmdline_set(boot_info.cmdline);
	printk("boot: %s via %s, cmdline \"%s\"\n",
	       boot_info.firmware == FIRMWARE_UEFI ? "UEFI" : "BIOS", boot_info.loader, boot_info.cmdline);

	/* BEGIN mm */
	/* END mm */

	arch_mm_ready();

	/* BEGIN console */
	/* END console */

	/* BEGIN cpu-late */
	/* END cpu-late */

	/* BEGIN input */
	/* END input */

	printk("LiOS ready\n");

	if (cmdline_has("selftest"))
		selftest_main();

	/* BEGIN shell */
	/* END shell */

	for (;;)
		arch_wait_for_interrupt();
}
