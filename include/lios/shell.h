/* SPDX-License-Identifier: MIT */
/*
 * The kernel shell (layer: top; src/kernel/shell/): prompt "lios> ", one line edited with
 * lios/lineedit.h, then the command runs and prints with printk (screen and serial). Keys
 * come from the keyboard (lios/kbd.h) and from the serial port.
 *
 * Commands register themselves, each in the file of its topic under src/kernel/shell/:
 *	SHELL_COMMAND(uptime, "", "time since boot", cmd_uptime);
 * places a struct shell_cmd in the .shell_cmds section; `help` lists them by name.
 * A command whose first argument is one of a fixed set offers it to Tab completion:
 *	SHELL_COMMAND_ARGS(kbd, "[LAYOUT]", "...", cmd_kbd, kbd_layout_choice);
 * where kbd_layout_choice(i) returns the i-th choice and NULL past the last.
 */
#ifndef LIOS_SHELL_H
#define LIOS_SHELL_H

#include <lios/bootinfo.h>
#include <lios/compiler.h>

struct shell_cmd {
	const char *name;
	const char *usage;   /* arguments, "" when none */
	const char *help;    /* one line */
	/* argv[0] is the name; rest is the raw text after the name, blanks skipped */
	int (*run)(int argc, char **argv, const char *rest);
	/* optional: the i-th choice of the first argument, NULL past the end (completion) */
	const char *(*arg_choice)(size_t i);
};

#define SHELL_COMMAND_ARGS(name_, usage_, help_, fn_, choice_)                            \
	static const struct shell_cmd shell_cmd_##name_ __used __section(".shell_cmds")      \
		__aligned(8) = {#name_, usage_, help_, fn_, choice_}
#define SHELL_COMMAND(name_, usage_, help_, fn_) SHELL_COMMAND_ARGS(name_, usage_, help_, fn_, NULL)

/* The interactive loop: never returns. Halts between keys. Boot, last step, interrupts
 * enabled, after kbd_init(). bi is what `mmap` shows as the firmware's map. */
__noreturn void shell_run(const struct bootinfo *bi);
/* Run one command line as if typed (leading/trailing blanks ignored, empty does nothing).
 * Returns 0, or a negative error (-ENOENT for an unknown command, which is reported as
 * "unknown command: <name> (try 'help')"; -EINVAL for arguments to a command whose usage
 * is "", reported as "<name>: takes no arguments"). Thread context. */
int shell_execute(const char *line);

#endif
