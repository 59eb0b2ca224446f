// SPDX-License-Identifier: MIT
/*
 * kmain: the boot sequence, one call per step. Each step reports its own failure; only this
 * function decides whether a failure is fatal. The 32-bit entry (arch/x86_64/boot/entry.S)
 * has already checked the CPU, built the early page tables and switched to long mode in the
 * higher half; the Multiboot2 info lies below 2 GiB (arch/x86_64/boot/boot_info.c).
 *
 * Subsystem owners add their init call inside their own BEGIN/END block.
 */
#include <lios/acpi.h>
#include <lios/amdvi.h>
#include <lios/bootinfo.h>
#include <lios/cmdline.h>
#include <lios/console.h>
#include <lios/dmar.h>
#include <lios/irq.h>
#include <lios/kbd.h>
#include <lios/kmalloc.h> /* phys_to_virt */
#include <lios/pci.h>
#include <lios/shell.h>
#include <lios/mm.h>
#include <lios/pmm.h>
#include <lios/rtc.h>
#include <lios/timer.h>
#include <lios/usb.h>
#include <lios/panic.h>
#include <lios/printk.h>
#include <lios/size.h>
#include <lios/sections.h>
#include <lios/selftest.h>
#include <lios/serial.h>
#include <lios/string.h>
#include <lios/arch.h>
#include "cmdline_options.h"

void kmain(uint32_t mb2_magic, paddr_t mbi_phys);

static struct bootinfo boot_info;

/* TSC at kentry64, stored by the entry code: the start of kernel initialisation. */
extern const uint64_t boot_tsc_start;

/* Extra lines of the panic screen: what a bug report needs besides the registers. */
static void panic_info(void)
{
	char con[160], free_sz[SIZE_STR_MAX], total_sz[SIZE_STR_MAX];
	struct pmm_stats st;

	console_describe(con, sizeof(con));
	pmm_get_stats(&st);
	printk("firmware %s, loader %s, cmdline \"%s\"\n",
	       boot_info.firmware == FIRMWARE_UEFI ? "UEFI" : "BIOS", boot_info.loader, boot_info.cmdline);
	printk("console %s\n", con);
	printk("memory %s free of %s\n", size_format(free_sz, st.free_frames * PAGE_SIZE),
	       size_format(total_sz, st.total_frames * PAGE_SIZE));
}

/* "init: N ms": kernel entry to ready, from the TSC calibrated against the timer. The raw
 * cycle count is printed too: under QEMU -icount it counts instructions (./lios bench). */
static void report_init_time(void)
{
	uint64_t cycles = arch_cycles() - boot_tsc_start;
	uint64_t khz = timer_cycles_khz();

	if (khz)
		printk("init: %llu ms (%llu TSC cycles)\n", (unsigned long long)(cycles / khz),
		       (unsigned long long)cycles);
	else
		printk("init: %llu TSC cycles (TSC not calibrated)\n", (unsigned long long)cycles);
}

/* What arch's clock code needs from the ACPI tables (arch never reads ACPI itself): the
 * HPET's address and the PM timer's I/O port; a PM timer outside I/O space is not used. */
static struct clock_hw clock_hw;

static const struct clock_hw *clock_hw_from_acpi(const struct acpi_info *a, struct clock_hw *hw)
{
	if (a->have_hpet)
		hw->hpet_base = a->hpet_address;
	if (a->pm_timer_bits && a->pm_timer.space == ACPI_SPACE_IO && a->pm_timer.address &&
	    a->pm_timer.address <= 0xffff) {
		hw->pm_timer_port = (uint16_t)a->pm_timer.address;
		hw->pm_timer_32bit = a->pm_timer_bits == 32;
	}
	return hw;
}

/* The serial log first: every later line, and any fault, reaches COM1 when it exists
 * (without it, serial_find_late looks for another UART once ACPI and PCI are up). */
static void start_serial(void)
{
	if (serial_init() == 0) {
		printk_add_sink(serial_write, true);
		printk_set_sink_level(serial_write, 7); /* KERN_DEBUG: the serial log keeps every detail */
	}
}

/* PCI through the MCFG's ECAM windows when ACPI has them, the legacy ports otherwise; the
 * root buses ACPI's host bridges name when it names them all, else PCI probes for them
 * (and always with pci.roots=probe: the way out of tables that leave a root out). */
static void start_pci(void)
{
	const struct acpi_info *a = acpi_get_info();
	struct pci_ecam ecam[ACPI_MAX_MCFG];
	struct pci_root roots[ACPI_MAX_PCI_ROOTS];
	struct acpi_pci_roots r;
	size_t n = 0;
	char v[8];

	for (unsigned i = 0; i < a->mcfg_count && n < ARRAY_SIZE(ecam); i++, n++)
		ecam[n] = (struct pci_ecam){a->mcfg[i].base, a->mcfg[i].segment, a->mcfg[i].bus_start,
					    a->mcfg[i].bus_end};
	acpi_pci_roots(a, &r);
	if (cmdline_value("pci.roots", v, sizeof(v)) >= 0 && strcmp(v, "probe") == 0)
		r.why = "pci.roots=probe", r.why_where[0] = '\0';
	for (unsigned i = 0; !r.why && i < r.count; i++)
		roots[i] = (struct pci_root){r.root[i].segment, r.root[i].bus};
	if (r.why)
		printk(KERN_DEBUG "pci: root buses not named by ACPI (%s%s%s): probing for them\n", r.why,
		       r.why_where[0] ? ": " : "", r.why_where);
	else
		printk(KERN_DEBUG "pci: %u root bus%s named by ACPI: probing only %s\n", r.count,
		       r.count == 1 ? "" : "es", r.count == 1 ? "it" : "those");
	pci_init(ecam, n, r.why ? NULL : roots, r.why ? 0 : r.count);
}

/* Parses GRUB's Multiboot2 information into boot_info, publishes it and the command line,
 * and logs the "boot: ..." line and a "cmdline: ..." warning per word no option reads as
 * given; panics on information the kernel cannot boot from.
 * Parsed in place: kentry64 moved it below 2 GiB when it lay above (boot_info.c). */
static void take_boot_info(uint32_t mb2_magic, paddr_t mbi_phys)
{
	char err[128];

	if (mbi_phys >= DIRECT_MAP_SIZE)
		panic("boot info at %#llx, above the direct map, not moved below 2 GiB: %s",
		      (unsigned long long)mbi_phys, boot_info_refusal());
	if (mb2_parse(mb2_magic, phys_to_virt(mbi_phys), DIRECT_MAP_SIZE - mbi_phys, mbi_phys,
		      &boot_info, err, sizeof(err)) < 0)
		panic("boot info: %s", err);
	bootinfo_publish(&boot_info);
	cmdline_set(boot_info.cmdline);
	printk("boot: %s via %s, cmdline \"%s\"\n",
	       boot_info.firmware == FIRMWARE_UEFI ? "UEFI" : "BIOS", boot_info.loader, boot_info.cmdline);
	if (boot_info.cmdline_len > strlen(boot_info.cmdline))
		printk(KERN_WARN "boot: the command line has %zu bytes, LiOS keeps %zu: the words "
		       "past byte %zu are ignored\n", boot_info.cmdline_len,
		       sizeof(boot_info.cmdline) - 1, strlen(boot_info.cmdline));
	{
		size_t n;
		const struct cmdline_option *opts = kernel_cmdline_options(&n);

		cmdline_check(opts, n); /* "cmdline: ..." per word no option reads as given */
	}

	if ((uintptr_t)_kernel_phys_start != KERNEL_PHYS)
		printk("boot: image at %#llx, linked for %#llx: %u addresses moved\n",
		       (unsigned long long)(uintptr_t)_kernel_phys_start,
		       (unsigned long long)KERNEL_PHYS, __relocs_start[0] + __relocs_start[1]);
}

void kmain(uint32_t mb2_magic, paddr_t mbi_phys)
{
	start_serial();
	printk("LiOS %s (x86_64)\n", LIOS_VERSION); /* the contract: the first line of the log */
	arch_early_init();   /* GDT/TSS, IDT, SIMD: faults are reported from here on */
	take_boot_info(mb2_magic, mbi_phys); /* "boot: ..." line */

	/* BEGIN mm */
	{
		int mm_err = mm_init(&boot_info); /* memmap, pmm, kmalloc, paging, vmalloc, heap */

		if (mm_err)
			panic("memory init failed (%d): see the mm: line above", mm_err);
	}
	/* END mm */

	arch_mm_ready();
	panic_set_info_hook(panic_info);

	/* BEGIN console */
	/* Right after the memory it needs, before ACPI: the firmware's tables are the input
	 * most likely to surprise the kernel on a machine it never met, and a panic there must
	 * reach the screen of a machine without a serial port. */
	console_init(&boot_info); /* "console: ..." line; serial only (-ENODEV) is not fatal */
	panic_set_screen_hook(console_panic_mode);
	/* END console */

	acpi_init(&boot_info);  /* tables may lie above the direct map: needs ioremap */

	/* BEGIN iommu */
	/* VT-d units the firmware left translating, with protected memory regions or with
	 * interrupt remapping on ("dmar: unit ..." per unit) are turned off: before the
	 * interrupts are routed (remapping would block the I/O APIC's and MSI's) and before
	 * any driver starts DMA (the xHCI's rings would be blocked). AMD IOMMUs left on
	 * ("amdvi: unit ..." per IOMMU) likewise. */
	dmar_init(&acpi_get_info()->dmar);
	amdvi_init(&acpi_get_info()->ivrs);
	/* END iommu */

	/* BEGIN cpu-late */
	/* I/O APIC (the MADT's model) or 8259s: lines on 32-47, every one masked */
	irq_init(&acpi_get_info()->madt, cmdline_has("noapic"));
	timer_init(clock_hw_from_acpi(acpi_get_info(), &clock_hw)); /* "timer: ..." line */
	arch_irq_enable();
	rtc_init(acpi_get_info()->rtc_century, acpi_get_info()->no_cmos_rtc); /* "rtc: ..." line */
	/* END cpu-late */

	acpi_button_init(); /* "acpi: power button: ..." line: ACPI mode, the SCI's handler */

	/* BEGIN pci */
	start_pci();         /* "pci: N functions on M buses (ECAM|ports)", singular for 1 */
	/* END pci */

	/* No COM1: the SPCR's UART or a PCI 16550, the log replayed to it ("serial: ...") */
	serial_find_late(&acpi_get_info()->spcr);

	/* A tick that never interrupts is replaced, or waits spin: before the first sleep (USB
	 * enumeration's), and late enough that its ticks have come by now (nothing above
	 * sleeps: they spin on the TSC). */
	timer_check_tick();

	/* BEGIN usb */
	/* Before the 8042: taking the xHCI from the firmware ends its SMM emulation of a PS/2
	 * keyboard on ports 0x60/0x64, which would otherwise answer the probe (and take the
	 * configuration writes meant for a real 8042 behind it), then vanish. usb_init waits
	 * for the BIOS handoffs (1 s at most, all at once); a controller slow to become ready
	 * or to reset is finished from the tick. */
	usb_init();          /* "usb: xhci ..." per controller; devices enumerate from the tick */
	/* END usb */

	/* BEGIN input */
	kbd_init();          /* "kbd: ps2" or "kbd: none (reason)"; boot goes on either way */
	/* END input */

	report_init_time();
	printk("LiOS ready\n");

	if (cmdline_has("selftest"))
		selftest_main();

	/* BEGIN shell */
	shell_run(&boot_info);
	/* END shell */

	for (;;)
		arch_wait_for_interrupt();
}
