// SPDX-License-Identifier: MIT
/*
 * Every option of the kernel command line, for cmdline_check at boot. Each subsystem reads
 * its own options where it starts (README's "Kernel command line" lists them); this list
 * lets kmain say which words none of them reads as given, so that a typo (`noapci`), a
 * value after a flag (`usb.poll=0`) or a value an option does not take (`pci.roots=yes`)
 * is named in the log instead of passing for an option taken. It sits beside kmain, the one
 * place that knows every subsystem. An option added anywhere is added here too
 * (test_cmdline_options finds every key the source reads and fails on one missing here).
 * An option whose reader checks its values and says what it refuses is CMDLINE_VALUE;
 * one whose reader falls back to its default in silence lists its values as a choice.
 */
#include <lios/compiler.h>
#include "cmdline_options.h"

static const struct cmdline_option options[] = {
	{ "selftest", CMDLINE_FLAG, NULL },             /* main.c */
	{ "console", CMDLINE_CHOICE, "vga|fb|serial" }, /* drivers/console/console.c */
	{ "console.mode", CMDLINE_SIZE, NULL },         /* the UEFI entry (arch/x86_64/boot/) */
	{ "console.scale", CMDLINE_VALUE, NULL },       /* console.c */
	{ "console.simd", CMDLINE_VALUE, NULL },        /* console.c */
	{ "console.pager", CMDLINE_CHOICE, "on|off" },  /* console.c */
	{ "noapic", CMDLINE_FLAG, NULL },               /* main.c, arch/x86_64/cpu/ */
	{ "nolapic_timer", CMDLINE_FLAG, NULL },        /* arch/x86_64/cpu/irq.c, time/ */
	{ "timer.c1e", CMDLINE_VALUE, NULL },           /* arch/x86_64/time/tick_start.c */
	{ "usb", CMDLINE_VALUE, NULL },                 /* drivers/usb/usb.c */
	{ "usb.poll", CMDLINE_FLAG, NULL },             /* usb.c */
	{ "usb.kbd", CMDLINE_VALUE, NULL },             /* usb.c */
	{ "nmi", CMDLINE_CHOICE, "panic" },             /* arch/x86_64/cpu/nmi.c */
	{ "dmar.test_left_on", CMDLINE_FLAG, NULL },    /* drivers/iommu/dmar.c */
	{ "amdvi.test_left_on", CMDLINE_FLAG, NULL },   /* drivers/iommu/amdvi.c */
	{ "efi.tiny_map", CMDLINE_WORD, NULL },         /* the UEFI entry (arch/x86_64/boot/) */
	{ "heap.trace", CMDLINE_VALUE, NULL },          /* mm/heap_trace.c */
	{ "kbd.layout", CMDLINE_VALUE, NULL },          /* drivers/input/kbd.c */
	{ "kbd.ps2", CMDLINE_VALUE, NULL },             /* kbd.c */
	{ "pci.roots", CMDLINE_CHOICE, "probe" },       /* main.c */
};

/* kernel_cmdline_options - the list above and its length. Pure. */
const struct cmdline_option *kernel_cmdline_options(size_t *count)
{
	*count = ARRAY_SIZE(options);
	return options;
}
