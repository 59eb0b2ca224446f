// SPDX-License-Identifier: MIT
/*
 * The shell's device commands: `console` (backend, mode, font) and `kbd` (keyboards and
 * the layout).
 */
#include <lios/console.h>
#include <lios/errno.h>
#include <lios/kbd.h>
#include <lios/printk.h>
#include <lios/usb.h>
#include "shell_internal.h"

static int cmd_console(int argc, char **argv, const char *rest)
{
	char buf[160];

	console_describe(buf, sizeof(buf));
	printk("console: %s\n", buf);
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
	char lost[96];

	if (argc > 2) {
		printk("kbd: one layout at most (usage: kbd [LAYOUT])\n");
		return -EINVAL;
	}
	if (argc > 1 && kbd_set_layout(argv[1]) < 0) {
		bool cut;
		int n = shell_quote_len(argv[1], &cut);

		printk("kbd: unknown layout '%.*s%s'\n", n, argv[1], cut ? "..." : "");
		print_layouts();
		return -ENOENT;
	}
	l = kbd_get_layout();
	printk("kbd: %s%s, layout %s (%s)", kbd_present() ? "ps2" : usb_kbd_count() ? "usb" : "none",
	       kbd_watching() ? " (the 8042's keyboard port watched for one plugged in)" : "", l->name,
	       l->description);
	kbd_describe_losses(lost, sizeof(lost));
	printk("%s%s\n", lost[0] ? ", " : "", lost);
	usb_kbd_print(); /* one "kbd: usb ..." line per USB keyboard */
	if (argc == 1)
		print_layouts();
	return 0;
}

SHELL_COMMAND(console, "", "console backend, mode and font", cmd_console);
/* Tab completion of `kbd LAYOUT`: the built-in layouts. */
static const char *kbd_layout_choice(size_t i)
{
	const struct kbd_layout *l = kbd_layout_at(i);

	return l ? l->name : NULL;
}

SHELL_COMMAND_ARGS(kbd, "[LAYOUT]", "show or set the keyboard layout", cmd_kbd,
		   kbd_layout_choice);
