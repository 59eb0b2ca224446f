// SPDX-License-Identifier: MIT
/*
 * The shell's general commands: help, echo, clear, dmesg, cpu, irq, selftest,
 * reboot and panic. Each reads its subsystem through the public header and prints with
 * printk; it returns 0 or a negative error after printing its own message.
 */
#include <lios/arch.h>
#include <lios/console.h>
#include <lios/cpu_features.h>
#include <lios/errno.h>
#include <lios/irq.h>
#include <lios/machine.h>
#include <lios/panic.h>
#include <lios/power.h>
#include <lios/mce.h>
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
	/* what the editor holds: fewer than LINEEDIT_MAX on a screen of few cells */
	printk("Keys:\n"
	       "  Left/Right Home/End     move in the line (up to %zu characters, wrapped)\n",
	       shell_line_capacity());
	printk("  Backspace/Delete        erase before/at the cursor\n"
	       "  Up/Down                 walk the history\n"
	       "  Tab                     complete a command or argument; twice: list them\n"
	       "  Shift+PgUp/Shift+PgDn   scroll the screen back/forward (any key returns)\n"
	       "  Ctrl-C / Ctrl-L         drop the line / clear the screen\n"
	       "  at -- more --           Space: next page, Enter: next line, q: stop\n"
	       "                          (console.pager=off on the kernel command line: no pager)\n");
	return 0;
}

/* `echo TEXT`: TEXT may be longer than one printk message holds (1023 bytes: a line of
 * 1024 characters of up to 4 bytes is 4 KiB), and printk would cut it; so it goes out in
 * pieces that each end on a whole UTF-8 character. */
#define ECHO_PIECE 512 /* bytes */

static int cmd_echo(int argc, char **argv, const char *rest)
{
	size_t len = strlen(rest);

	while (len > ECHO_PIECE) {
		size_t n = shell_char_cut(rest, ECHO_PIECE);

		printk("%.*s", (int)n, rest);
		rest += n, len -= n;
	}
	printk("%s\n", rest);
	return 0;
}

static int cmd_clear(int argc, char **argv, const char *rest)
{
	shell_clear_screen();
	return 0;
}

static void dmesg_sink(const char *s, size_t len) { console_write(s, len); }

/* The whole kernel log, debug lines included, on the screen (paged) and on serial (the
 * command may have been typed there). printk_dump_log lets interrupts in between the
 * messages: 64 KiB to a 115200-baud UART take about 6 s. A write per message: batched,
 * or the first page would scroll the whole screen once per line. */
static int cmd_dmesg(int argc, char **argv, const char *rest)
{
	console_batch_begin();
	printk_dump_log(dmesg_sink);
	console_batch_end();
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
	const struct cpu_features *f = cpu_features();
	const char *brand = f->brand;
	struct arch_cpu_info on;

	while (*brand == ' ') /* Pentium 4 and D right-justify it in its 48 bytes */
		brand++;
	arch_cpu_info(&on);
	printk("cpu: %s, %s\n", f->vendor, brand[0] ? brand : "(no brand string)");
	printk("cpu: family %u, model %u, stepping %u%s\n", f->family, f->model, f->stepping,
	       f->hypervisor ? ", under a hypervisor" : "");
	if (f->phys_addr_bits)
		printk("cpu: physical addresses of %u bits\n", f->phys_addr_bits);
	printk("cpu: features");
	print_feature("NX", f->nx, on.nx_enabled, true);
	print_feature("PGE", f->pge, on.pge_enabled, true);
	print_feature("PAT", f->pat, false, false);
	print_feature("1GiB-pages", f->gib_pages, false, false);
	print_feature("APIC", f->apic, false, false);
	print_feature("x2APIC", f->x2apic, false, false);
	print_feature("TSC", f->tsc, false, false);
	print_feature("invariant-TSC", f->invariant_tsc, false, false);
	print_feature("TSC-deadline", f->tsc_deadline, false, false);
	print_feature("SSE2", f->sse2, on.sse_enabled, true);
	print_feature("AVX", f->avx, on.avx_enabled, true);
	print_feature("AVX2", f->avx2, false, false);
	print_feature("MCA", f->mca, mce_state()->enabled, true);
	if (timer_report()->tick_hz)
		printk("\ncpu: interrupts via %s, tick from the %s\n", irq_backend_name(),
		       timer_tick_source_name());
	else /* not "tick from the none" */
		printk("\ncpu: interrupts via %s, no tick\n", irq_backend_name());
	return 0;
}

/* Machine checks: the banks' state, and the corrected errors they hold now (reported and
 * cleared: an uncorrected one would have stopped the machine). */
static int cmd_mce(int argc, char **argv, const char *rest)
{
	const struct mce_state *m = mce_state();
	unsigned found;

	if (!m->enabled) {
		printk("mce: machine checks not set up (the CPU has no machine-check banks)\n");
		return 0;
	}
	found = mce_poll();
	printk("mce: %u banks; errors found: %u now, %u earlier, %u from before this boot\n",
	       m->banks, found, m->polled - found, m->found_at_boot);
	return 0;
}

static int cmd_irq(int argc, char **argv, const char *rest)
{
	printk("irq: %s, mask 0x%04x, spurious %lu, NMIs %lu\n", irq_backend_name(), irq_mask_state(),
	       irq_spurious_count(), irq_nmi_count());
	for (unsigned int i = 0; i < IRQ_LINES; i++)
		if (irq_count(i))
			printk("irq: line %u: %lu\n", i, irq_count(i));
	return 0;
}

/* `selftest [SUITE]`: a name that is no suite is refused with the list, never run as an
 * empty plan whose "0 passed, 0 failed" reads like success. */
static int cmd_selftest(int argc, char **argv, const char *rest)
{
	const char *suite = NULL;
	size_t i;

	if (argc > 2) {
		printk("selftest: one suite at most (usage: selftest [SUITE])\n");
		return -EINVAL;
	}
	for (i = 0; argc > 1 && (suite = selftest_suite(i)) != NULL; i++)
		if (strcmp(suite, argv[1]) == 0)
			break;
	if (argc > 1 && !suite) {
		printk("selftest: no suite '%s'; the suites:", argv[1]);
		for (i = 0; (suite = selftest_suite(i)) != NULL; i++)
			printk(" %s", suite);
		printk("\n");
		return -ENOENT;
	}
	return selftest_run(argc > 1 ? argv[1] : NULL) ? -EIO : 0;
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
SHELL_COMMAND(cpu, "", "processor and the features the kernel uses", cmd_cpu);
SHELL_COMMAND(irq, "", "interrupt counts and masks", cmd_irq);
SHELL_COMMAND(mce, "", "machine-check banks: report and clear corrected hardware errors", cmd_mce);
SHELL_COMMAND_ARGS(selftest, "[SUITE]", "run the in-kernel tests", cmd_selftest, selftest_suite);
SHELL_COMMAND(reboot, "", "restart the machine", cmd_reboot);
SHELL_COMMAND(panic, "", "stop with a kernel panic (to see the panic screen)", cmd_panic);
