/* SPDX-License-Identifier: MIT */
/* Between the shell loop (shell.c) and its command table (shell_cmds.c). */
#ifndef KERNEL_SHELL_INTERNAL_H
#define KERNEL_SHELL_INTERNAL_H

#include <lios/compiler.h>

#define SHELL_MAX_ARGS 16

struct shell_cmd {
	const char *name;
	const char *usage;   /* arguments, "" when none */
	const char *help;    /* one line */
	/* argv[0] is the name; rest is the raw text after the name, blanks skipped */
	int (*run)(int argc, char **argv, const char *rest);
};

/* The command table and its length. */
const struct shell_cmd *shell_commands(size_t *count);
/* `clear`, in shell.c beside the loop's Ctrl-L. */
int shell_cmd_clear(int argc, char **argv, const char *rest);

#endif
