// SPDX-License-Identifier: MIT
/*
 * The shell loop: print the prompt, feed key events into the line editor until a line is
 * complete, split it into words and run the command (registered by the cmd_*.c files). Key events come from
 * the keyboard driver and from the serial port, whose bytes (a terminal's characters and
 * its VT100 cursor sequences) termkeys.c turns into the same events, so a machine without
 * a PS/2 keyboard can still be driven over COM1. Everything is printed with printk, so the
 * screen and serial show the same session.
 *
 * Idle rule: the loop checks for input with interrupts disabled and halts with "sti; hlt",
 * so a key arriving between the check and the halt wakes it at once; serial, which has no
 * interrupt here, is polled on every timer tick.
 */
#include <lios/arch.h>
#include <lios/console.h>
#include <lios/errno.h>
#include <lios/kbd.h>
#include <lios/lineedit.h>
#include <lios/panic.h>
#include <lios/printk.h>
#include <lios/serial.h>
#include <lios/shell.h>
#include <lios/string.h>
#include <lios/termkeys.h>
#include "shell_internal.h"

#define SHELL_PROMPT "lios> "
#define ANSI_CLEAR_HOME "\033[2J\033[H"

static struct lineedit editor;
static struct termkeys serial_keys;
static const struct bootinfo *boot_info;

extern const struct shell_cmd __shell_cmds_start[], __shell_cmds_end[];

/* shell_commands - the registered commands and their count. Any context. */
const struct shell_cmd *shell_commands(size_t *count)
{
	*count = (size_t)(__shell_cmds_end - __shell_cmds_start);
	return __shell_cmds_start;
}

/* shell_bootinfo - what shell_run() was given. */
const struct bootinfo *shell_bootinfo(void) { return boot_info; }

static void shell_write(void *ctx, const char *s, size_t n)
{
	printk("%.*s", (int)n, s);
}

static bool next_event(struct kbd_event *ev)
{
	int b;

	if (kbd_poll_event(ev))
		return true;
	while ((b = serial_read()) >= 0)
		if (termkeys_byte(&serial_keys, (uint8_t)b, ev))
			return true;
	return false;
}

static void wait_event(struct kbd_event *ev)
{
	while (!next_event(ev)) {
		uint64_t flags = arch_irq_save();

		if (!kbd_has_input())
			arch_wait_for_interrupt();
		arch_irq_restore(flags);
	}
}

/* Split line (modified in place) into words; returns their count. */
static int split_words(char *line, char **argv, int max)
{
	int argc = 0;

	for (char *p = line; *p && argc < max;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return argc;
}

/*
 * shell_execute - split line into words and run the command named by the first.
 * Returns 0, the command's negative error, or -ENOENT for an unknown name (reported).
 * Thread context.
 */
int shell_execute(const char *line)
{
	char buf[LINEEDIT_MAX * 4 + 1];
	char *argv[SHELL_MAX_ARGS + 1];
	const struct shell_cmd *cmds;
	const char *rest;
	size_t ncmds;
	int argc;

	while (*line == ' ' || *line == '\t')
		line++;
	lios_strlcpy(buf, line, sizeof(buf));
	argc = split_words(buf, argv, SHELL_MAX_ARGS);
	if (argc == 0)
		return 0;
	argv[argc] = NULL;

	rest = line + strlen(argv[0]);
	while (*rest == ' ' || *rest == '\t')
		rest++;

	cmds = shell_commands(&ncmds);
	for (size_t i = 0; i < ncmds; i++)
		if (strcmp(cmds[i].name, argv[0]) == 0)
			return cmds[i].run(argc, argv, rest);
	printk("unknown command: %s (try 'help')\n", argv[0]);
	return -ENOENT;
}

/* Ctrl-L and `clear`: the screen and a serial terminal both start over. */
void shell_clear_screen(void)
{
	console_clear();
	serial_write(ANSI_CLEAR_HOME, sizeof(ANSI_CLEAR_HOME) - 1);
}

/*
 * shell_run - the interactive loop; never returns. Boot, last step, interrupts enabled.
 */
void shell_run(const struct bootinfo *bi)
{
	char line[LINEEDIT_MAX * 4 + 1];
	struct kbd_event ev;

	assert(bi && arch_irqs_enabled());
	boot_info = bi;
	lineedit_init(&editor, shell_write, NULL);
	termkeys_init(&serial_keys);
	printk("Type 'help' for the list of commands.\n");
	for (;;) {
		enum lineedit_result r = LINEEDIT_CONTINUE;

		printk(SHELL_PROMPT);
		lineedit_reset(&editor);
		while (r != LINEEDIT_DONE && r != LINEEDIT_CANCEL) {
			wait_event(&ev);
			r = lineedit_key(&editor, &ev);
			if (r == LINEEDIT_CLEAR) {
				shell_clear_screen();
				printk(SHELL_PROMPT);
				lineedit_redraw(&editor);
			}
		}
		if (r == LINEEDIT_DONE) {
			lineedit_text(&editor, line, sizeof(line));
			shell_execute(line);
		}
	}
}
