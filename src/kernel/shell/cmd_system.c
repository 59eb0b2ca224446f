// SPDX-License-Identifier: MIT
/*
 * The shell's general commands: help, echo, clear, dmesg, uptime, cpu, irq, selftest,
 * reboot and panic. Each reads its subsystem through the public header and prints with
 * printk; it returns 0 or a negative error after printing its own message.
 */
#include <lios/arch.h>
#include <lios/console.h>
#include <lios/errno.h>
#include <lios/irq.h>
#include <lios/machine.h>
#include <lios/panic.h>
#include <lios/power.h>
#include <lios/printk.h>
#include <lios/selftest.h>
#include <lios/string.h>
#include <lios/timer.h>
#include "shell_internal.h"

/* `help`: every registered command, sorted by name (the section holds them in link order). */
static int cmd_help(int argc, char **argv, const char *rest)
{
	size_t n;
	const struct shell_cmd *cmds = shell_commands(&n);
	const char *last = "";

	printk("Commands:\n");
	for (size_t done = 0; done < n; done++) {
		const struct shell_cmd *next = NULL;
		char left[24];

		for (size_t i = 0; i < n; i++)
			if (strcmp(cmds[i].name, last) > 0 && (!next || strcmp(cmds[i].name, next->name) < 0))
				next = &cmds[i];
		if (!next)
			break;
		ksnprintf(left, sizeof(left), "%s %s", next->name, next->usage);
		printk("  %-18s %s\n", left, next->help);
		last = next->name;
	}
	printk("Keys:\n"
	       "  Left/Right Home/End     move in the line (up to 1024 characters, wrapped)\n"
	       "  Backspace/Delete        erase before/at the cursor\n"
	       "  Up/Down                 walk the history\n"
	       "  Tab                     complete a command or argument; twice: list them\n"
	       "  Shift+PgUp/Shift+PgDn   scroll the screen back/forward (any key returns)\n"
	       "  Ctrl-C / Ctrl-L         drop the line / clear the screen\n"
	       "  at -- more --           Space: next page, Enter: next line, q: stop\n"
	       "                          (console.pager=off on the kernel command line: no pager)\n");
	return 0;
}

static int cmd_echo(int argc, char **argv, const char *rest)
{
	printk("%s\n", rest);
	return 0;
}

static int cmd_clear(int argc, char **argv, const char *rest)
{
	shell_clear_screen();
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

/* `reboot`: the machine's reset policy is machine_reboot()'s (src/kernel/init/power.c). */
static int cmd_reboot(int argc, char **argv, const char *rest)
{
	machine_reboot();
}

static int cmd_panic(int argc, char **argv, const char *rest)
{
	panic("requested from the shell");
}

SHELL_COMMAND(help, "", "list the commands", cmd_help);
SHELL_COMMAND(echo, "TEXT", "print TEXT", cmd_echo);
SHELL_COMMAND(clear, "", "clear the screen", cmd_clear);
SHELL_COMMAND(dmesg, "", "the kernel log since boot, debug lines too", cmd_dmesg);
SHELL_COMMAND(uptime, "", "time since boot", cmd_uptime);
SHELL_COMMAND(cpu, "", "processor and the features the kernel uses", cmd_cpu);
SHELL_COMMAND(irq, "", "interrupt counts and masks", cmd_irq);
SHELL_COMMAND_ARGS(selftest, "[SUITE]", "run the in-kernel tests", cmd_selftest, selftest_suite);
SHELL_COMMAND(reboot, "", "restart the machine", cmd_reboot);
SHELL_COMMAND(panic, "", "stop with a kernel panic (to see the panic screen)", cmd_panic);
