// SPDX-License-Identifier: MIT
/*
 * The shell's commands: one small function each, reading other subsystems through their
 * public headers and printing with printk. The table at the end is what `help` lists and
 * what shell_execute() searches. A command returns 0 or a negative error; it prints its
 * own messages.
 */
#include <lios/acpi.h>
#include <lios/console.h>
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/irq.h>
#include <lios/kbd.h>
#include <lios/machine.h>
#include <lios/memmap.h>
#include <lios/panic.h>
#include <lios/pmm.h>
#include <lios/printk.h>
#include <lios/ps2.h>
#include <lios/sections.h>
#include <lios/selftest.h>
#include <lios/string.h>
#include <lios/timer.h>
#include <lios/vmalloc.h>
#include "kernel.h"
#include "shell_internal.h"

/* Physical bounds of the kernel image (linker.ld). */

static int cmd_help(int argc, char **argv, const char *rest);

static int cmd_echo(int argc, char **argv, const char *rest)
{
	printk("%s\n", rest);
	return 0;
}

/* Frames in MiB with one decimal, for humans. */
static void print_frames(const char *what, uint64_t frames)
{
	uint64_t kib = frames * (PAGE_SIZE / 1024);

	printk("%s %lu (%lu.%lu MiB)", what, frames, kib / 1024, (kib % 1024) * 10 / 1024);
}

static int cmd_mem(int argc, char **argv, const char *rest)
{
	struct pmm_stats p;
	struct vmalloc_stats v;
	struct heap_stats h;

	pmm_get_stats(&p);
	vmalloc_get_stats(&v);
	heap_get_stats(&h);
	printk("frames:");
	print_frames(" total", p.total_frames);
	print_frames(", free", p.free_frames);
	print_frames(", in use", p.total_frames - p.free_frames - p.reserved_frames);
	printk(", reserved %lu, metadata %lu KiB\n", p.reserved_frames, p.metadata_bytes / 1024);
	printk("vmalloc: %lu areas, %lu pages mapped, largest free range %lu MiB of %lu GiB, "
	       "bookkeeping %lu pages, misuse %lu\n", v.areas, v.mapped_pages,
	       v.largest_free_bytes >> 20, v.window_bytes >> 30, v.meta_pages, v.misuse);
	printk("heap: %lu bytes in %lu live allocations, %lu KiB from vmalloc (peak %lu KiB), "
	       "%lu allocs, %lu frees, %lu failed, misuse %lu\n", h.live_bytes, h.live_allocs,
	       h.vmalloc_bytes >> 10, h.vmalloc_peak >> 10, h.allocs, h.frees, h.failed, h.misuse);
	return 0;
}

static int cmd_mmap(int argc, char **argv, const char *rest)
{
	static struct memmap usable; /* 8 KiB: not on the stack */
	const struct bootinfo *bi = kernel_bootinfo();
	int err = memmap_from_bootinfo(bi, (paddr_t)(uintptr_t)_kernel_phys_start,
				       (paddr_t)(uintptr_t)_kernel_phys_end, &usable);

	if (err)
		printk("mmap: sanitised map incomplete (%d)\n", err);
	memmap_print(bi, &usable, false);
	return 0;
}

static int cmd_console(int argc, char **argv, const char *rest)
{
	char buf[160];

	console_describe(buf, sizeof(buf));
	printk("console: %s\n", buf);
	return 0;
}

static void dmesg_sink(const char *s, size_t len) { console_write(s, len); }

/* The whole kernel log, debug lines included. Written to the screen only: serial already
 * has every line. */
static int cmd_dmesg(int argc, char **argv, const char *rest)
{
	printk_dump_log(dmesg_sink);
	return 0;
}

static int cmd_uptime(int argc, char **argv, const char *rest)
{
	uint64_t ms = timer_uptime_ms(), khz = timer_cycles_khz();

	printk("up %lu.%03lu s (%lu ticks at %u Hz), TSC %lu.%03lu MHz\n", ms / 1000, ms % 1000,
	       timer_ticks(), TIMER_HZ, khz / 1000, khz % 1000);
	return 0;
}

static void print_feature(const char *name, bool present, bool enabled, bool has_enable)
{
	if (!present)
		printk(" -%s", name);
	else if (has_enable)
		printk(" %s(%s)", name, enabled ? "on" : "off");
	else
		printk(" %s", name);
}

static int cmd_cpu(int argc, char **argv, const char *rest)
{
	struct arch_cpu_info c;

	arch_cpu_info(&c);
	printk("cpu: %s, %s\n", c.vendor, c.brand[0] ? c.brand : "(no brand string)");
	printk("cpu: family %u, model %u, stepping %u%s\n", c.family, c.model, c.stepping,
	       c.hypervisor ? ", under a hypervisor" : "");
	printk("cpu: features");
	print_feature("NX", c.nx, c.nx_enabled, true);
	print_feature("PGE", c.pge, c.pge_enabled, true);
	print_feature("PAT", c.pat, false, false);
	print_feature("1GiB-pages", c.gib_pages, false, false);
	print_feature("APIC", c.apic, false, false);
	print_feature("x2APIC", c.x2apic, false, false);
	print_feature("TSC", c.tsc, false, false);
	print_feature("SSE2", c.sse2, c.sse_enabled, true);
	print_feature("AVX", c.avx, c.avx_enabled, true);
	print_feature("AVX2", c.avx2, false, false);
	printk("\ncpu: interrupts via %s, timer PIT %u Hz\n", irq_backend_name(), TIMER_HZ);
	return 0;
}

static void print_layouts(void)
{
	printk("kbd: layouts");
	for (size_t i = 0; kbd_layout_at(i); i++)
		printk(" %s", kbd_layout_at(i)->name);
	printk("\n");
}

static int cmd_kbd(int argc, char **argv, const char *rest)
{
	const struct kbd_layout *l;

	if (argc > 1 && kbd_set_layout(argv[1]) < 0) {
		printk("kbd: unknown layout '%s'\n", argv[1]);
		print_layouts();
		return -ENOENT;
	}
	l = kbd_get_layout();
	printk("kbd: %s, layout %s (%s)", kbd_present() ? "ps2" : "none", l->name, l->description);
	if (kbd_dropped())
		printk(", %lu bytes dropped", kbd_dropped());
	printk("\n");
	if (argc == 1)
		print_layouts();
	return 0;
}

static int cmd_irq(int argc, char **argv, const char *rest)
{
	printk("irq: %s, mask 0x%04x, spurious %lu\n", irq_backend_name(), irq_mask_state(),
	       irq_spurious_count());
	for (unsigned int i = 0; i < IRQ_LINES; i++)
		if (irq_count(i))
			printk("irq: line %u: %lu\n", i, irq_count(i));
	return 0;
}

static int cmd_selftest(int argc, char **argv, const char *rest)
{
	int failed = selftest_run(argc > 1 ? argv[1] : NULL);

	return failed ? -EIO : 0;
}

/* ACPI reset register, then the 8042 reset line, then a triple fault: each is tried only
 * when the one before is absent or did not reset the machine. */
static int cmd_reboot(int argc, char **argv, const char *rest)
{
	int err;

	printk("reboot: ACPI reset register\n");
	err = acpi_reset();
	printk("reboot: %s; pulsing the 8042 reset line\n",
	       err == -ENODEV ? "no ACPI reset register" : "ACPI reset did not happen");
	err = ps2_reset_system();
	printk("reboot: %s; triple fault\n", err == -ENODEV ? "no 8042" : "8042 reset did not happen");
	arch_reset_triple_fault();
}

static int cmd_panic(int argc, char **argv, const char *rest)
{
	panic("requested from the shell");
}

static const struct shell_cmd commands[] = {
	{"help", "", "list the commands", cmd_help},
	{"echo", "TEXT", "print TEXT", cmd_echo},
	{"mem", "", "frame, vmalloc and heap statistics", cmd_mem},
	{"mmap", "", "the firmware and the sanitised memory map", cmd_mmap},
	{"dmesg", "", "the kernel log since boot, debug lines too", cmd_dmesg},
	{"console", "", "console backend, mode and font", cmd_console},
	{"uptime", "", "time since boot", cmd_uptime},
	{"cpu", "", "processor and the features the kernel uses", cmd_cpu},
	{"kbd", "[LAYOUT]", "show or set the keyboard layout", cmd_kbd},
	{"irq", "", "interrupt counts and masks", cmd_irq},
	{"selftest", "[SUITE]", "run the in-kernel tests", cmd_selftest},
	{"clear", "", "clear the screen", shell_cmd_clear},
	{"reboot", "", "restart the machine", cmd_reboot},
	{"panic", "", "stop with a kernel panic (to see the panic screen)", cmd_panic},
};

static int cmd_help(int argc, char **argv, const char *rest)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		char left[24];

		ksnprintf(left, sizeof(left), "%s %s", commands[i].name, commands[i].usage);
		printk("  %-18s %s\n", left, commands[i].help);
	}
	printk("Keys: Left/Right Home/End Backspace Delete, Up/Down history, Ctrl-C, Ctrl-L\n");
	return 0;
}

/*
 * shell_commands - the command table and its length. Any context.
 */
const struct shell_cmd *shell_commands(size_t *count)
{
	*count = ARRAY_SIZE(commands);
	return commands;
}
