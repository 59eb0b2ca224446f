/* SPDX-License-Identifier: MIT */
/* Between the shell loop (shell.c) and the command files (cmd_*.c). */
#ifndef KERNEL_SHELL_INTERNAL_H
#define KERNEL_SHELL_INTERNAL_H

#include <lios/shell.h>

#define SHELL_MAX_ARGS 16

/* The registered commands (the .shell_cmds section), in link order, and their count. */
const struct shell_cmd *shell_commands(size_t *count);
/* The boot information shell_run() was given (for `mmap`). */
const struct bootinfo *shell_bootinfo(void);
/* The most characters a line may hold (lineedit_capacity of the shell's editor). */
size_t shell_line_capacity(void);
/* Clear the screen and a serial terminal (Ctrl-L and `clear`). */
void shell_clear_screen(void);
/* The most bytes of s, at most n (s holds more than n) and at least 1, that end on a whole
 * UTF-8 character: for messages that print a piece of a longer text. */
size_t shell_char_cut(const char *s, size_t n);
/* How many bytes of the word s a message quotes: all of it up to SHELL_QUOTE_MAX bytes,
 * else the most that end on a whole UTF-8 character; *cut says whether it was cut (the
 * message then adds "..."), so a line of garbage cannot push the rest of the message out
 * of printk's 1023 bytes. */
#define SHELL_QUOTE_MAX 64
int shell_quote_len(const char *s, bool *cut);

#endif
