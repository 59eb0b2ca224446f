/* SPDX-License-Identifier: MIT */
/*
 * The kernel shell (src/kernel/shell.c, commands in shell_cmds.c): prompt "lios> ", one
 * line edited with lios/lineedit.h, then the command runs and prints with printk (screen
 * and serial). Keys come from the keyboard (lios/kbd.h) and from the serial port.
 */
#ifndef LIOS_SHELL_H
#define LIOS_SHELL_H

#include <lios/compiler.h>

/* The interactive loop: never returns. Halts between keys. Boot, last step, interrupts
 * enabled, after kbd_init(). */
__noreturn void shell_run(void);
/* Run one command line as if typed (leading/trailing blanks ignored, empty does nothing).
 * Returns 0, or a negative error (-ENOENT for an unknown command, which is reported as
 * "unknown command: <name> (try 'help')"). Thread context. */
int shell_execute(const char *line);

#endif
