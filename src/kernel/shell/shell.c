// SPDX-License-Identifier: MIT
/*
 * The shell loop: print the prompt, feed key events into the line editor until a line is
 * complete, split it into words and run the command (registered by the cmd_*.c files).
 * Key events come from the keyboard driver and from the serial port, whose bytes (a
 * terminal's characters and its VT100 cursor sequences) termkeys.c turns into the same
 * events, so a machine without a PS/2 keyboard can still be driven over COM1.
 *
 * Output: the line editor draws the prompt and the line on the screen and on serial
 * separately (each terminal has its own width, see lios/lineedit.h); commands print with
 * printk, so the screen and serial show the same session. A command typed on the
 * keyboard has its screen output paged (console_pager_*); Shift+PgUp/PgDn scroll the
 * screen's history at any prompt; Tab completes (complete.c). History lines come from the
 * heap.
 *
 * Idle rule: the loop checks for input with interrupts disabled and halts with "sti; hlt",
 * so a key arriving between the check and the halt wakes it at once; serial, which has no
 * interrupt here, is polled on every timer tick. Without a tick, or with one that HLT may
 * stop (timer_halt_ends), nothing would end that halt but a key on the keyboard: the loop
 * polls instead of halting, and without a tick runs the tick's work itself (timer_poll:
 * the USB stack). A power-button press is
 * carried out (machine_power_requests) whenever the shell waits for a key: at the prompt
 * below the line, as held messages are.
 */
#include <lios/arch.h>
#include <lios/console.h>
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/kbd.h>
#include <lios/lineedit.h>
#include <lios/panic.h>
#include <lios/power.h>
#include <lios/printk.h>
#include <lios/serial.h>
#include <lios/shell.h>
#include <lios/string.h>
#include <lios/termkeys.h>
#include <lios/timer.h>
#include "complete.h"
#include "shell_internal.h"

#define SHELL_PROMPT "lios> "
#define SHELL_SERIAL_COLS 80 /* a serial terminal's width is unknown: the VT100 default */
#define ANSI_CLEAR_HOME "\033[2J\033[H"

static struct lineedit editor;
/* The printk sink behind each view of the editor, in the views' order (screen, serial). */
static printk_sink_fn view_sinks[2];
static unsigned nview_sinks;
static struct termkeys serial_keys;
static bool key_from_serial; /* the last key event came from the serial line */
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

static void screen_view_write(void *ctx, const char *s, size_t n) { console_screen_write(s, n); }
static void serial_view_write(void *ctx, const char *s, size_t n) { serial_write(s, n); }

static bool next_event(struct kbd_event *ev)
{
	int b;

	if (kbd_poll_event(ev)) {
		key_from_serial = false;
		return true;
	}
	while ((b = serial_read()) >= 0) {
		if (termkeys_byte(&serial_keys, (uint8_t)b, ev)) {
			key_from_serial = true;
			return true;
		}
	}
	return false;
}

/* Waits for the next key event; with log, returns false instead when messages are held
 * (printk_hold: the line editor must make room for them first) or a power-button press
 * waits (its messages need the same room); without, carries the press out itself. */
static bool wait_event(struct kbd_event *ev, bool log)
{
	while (!next_event(ev)) {
		if (!log)
			machine_power_requests();
		uint64_t flags = arch_irq_save();
		bool power = machine_power_request_pending();
		bool held = log && (printk_held(NULL) || power);

		if (!held && !power && !kbd_has_input()) {
			if (timer_halt_ends()) {
				arch_wait_for_interrupt();
			} else {
				timer_poll(); /* the tick's work: USB keyboards */
				arch_cpu_relax();
			}
		}
		arch_irq_restore(flags);
		if (held)
			return false;
	}
	return true;
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
 * Returns 0, the command's negative error, -ENOENT for an unknown name or -EINVAL for
 * arguments to a command that takes none (both reported). Thread context.
 */
int shell_execute(const char *line)
{
	char buf[LINEEDIT_UTF8_MAX];
	char *argv[SHELL_MAX_ARGS + 1];
	const struct shell_cmd *cmds;
	const char *rest;
	size_t ncmds;
	int argc, n;
	bool cut;

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
	for (size_t i = 0; i < ncmds; i++) {
		if (strcmp(cmds[i].name, argv[0]) != 0)
			continue;
		if (argc > 1 && !cmds[i].usage[0]) { /* `reboot now`: said, not ignored */
			printk("%s: takes no arguments\n", argv[0]);
			return -EINVAL;
		}
		return cmds[i].run(argc, argv, rest);
	}
	n = shell_quote_len(argv[0], &cut);
	printk("unknown command: %.*s%s (try 'help')\n", n, argv[0], cut ? "..." : "");
	return -ENOENT;
}

/* See shell_internal.h. Pure. */
int shell_quote_len(const char *s, bool *cut)
{
	size_t n = strlen(s);

	*cut = n > SHELL_QUOTE_MAX;
	if (!*cut)
		return (int)n;
	return (int)shell_char_cut(s, SHELL_QUOTE_MAX);
}

/* See shell_internal.h. Pure. */
size_t shell_char_cut(const char *s, size_t n)
{
	while (n > 1 && ((uint8_t)s[n] & 0xc0) == 0x80)
		n--; /* s[n] continues a character: end before that character */
	return n;
}

/* shell_line_capacity - what `help` tells: LINEEDIT_MAX, or fewer when the screen's cells
 * cannot show a longer line with the prompt (lineedit_capacity). Thread context. */
size_t shell_line_capacity(void) { return lineedit_capacity(&editor); }

/* Ctrl-L and `clear`: the screen and a serial terminal both start over. */
void shell_clear_screen(void)
{
	console_clear();
	serial_write(ANSI_CLEAR_HOME, sizeof(ANSI_CLEAR_HOME) - 1);
}

/* Shift+PgUp / Shift+PgDn scroll the screen's history; true when ev was one of them.
 * Any other key press (not a lone modifier) returns the view to the bottom. */
static bool scroll_key(const struct kbd_event *ev)
{
	if (!ev->pressed)
		return false;
	if ((ev->mods & KBD_MOD_SHIFT) && (ev->key == KEY_PAGEUP || ev->key == KEY_PAGEDOWN)) {
		console_scrollback(ev->key == KEY_PAGEUP ? 1 : -1);
		return true;
	}
	if (ev->ch || ev->key == KEY_ESC ||
	    (ev->key >= KEY_E0 && ev->key != KEY_RIGHTCTRL && ev->key != KEY_RIGHTALT &&
	     ev->key != KEY_LEFTMETA && ev->key != KEY_RIGHTMETA))
		console_scroll_bottom();
	return false;
}

/* Wait for the next key that is not a scroll key; with log, false when messages are held
 * (see wait_event). */
static bool next_key(struct kbd_event *ev, bool log)
{
	do
		if (!wait_event(ev, log))
			return false;
	while (scroll_key(ev));
	return true;
}

/* Output while a line is edited (messages from interrupts and drivers, Tab's list, the
 * line-full notice) goes on rows of its own below the line, which is then drawn again:
 * held messages first, then what print() writes (NULL: the held messages only, on the
 * views that show them). */
static void print_below_line(void (*print)(const void *ctx), const void *ctx)
{
	unsigned views = LINEEDIT_ALL_VIEWS;
	uint64_t flags;
	size_t mark;

	if (print) {
		lineedit_suspend(&editor, views);
		printk_hold(false);
		print(ctx);
		printk_hold(true);
		lineedit_resume(&editor, views);
		return;
	}
	/* Held messages: only the views whose sink shows one of them leave the line (a debug
	 * line reaches the serial log, not the screen: the screen got an empty prompt row for
	 * it). Decided with interrupts off together with the mark, so a message printed after
	 * the decision stays held for the next round instead of landing inside the line. */
	flags = arch_irq_save();
	views = 0;
	for (unsigned i = 0; i < nview_sinks; i++)
		if (printk_held(view_sinks[i]))
			views |= 1u << i;
	mark = printk_held_mark();
	arch_irq_restore(flags);
	lineedit_suspend(&editor, views);
	printk_held_send(mark);
	lineedit_resume(&editor, views);
}

struct choices {
	const char *word;
	const struct complete_set *set;
};

/* The choices of a completion, in rows as wide as the screen (80 columns on serial). */
static void list_choices(const void *ctx)
{
	const char *word = ((const struct choices *)ctx)->word;
	const struct complete_set *set = ((const struct choices *)ctx)->set;
	unsigned width = console_cols() ? console_cols() : SHELL_SERIAL_COLS, col = 0;
	const char *c;

	for (size_t i = 0; (c = complete_match(word, set, i)) != NULL; i++) {
		unsigned n = (unsigned)strlen(c) + 2;

		if (col && col + n > width) {
			printk("\n");
			col = 0;
		}
		printk("%s  ", c);
		col += n;
	}
	printk("\n");
}

/* Tab: complete the word before the cursor; a second Tab with nothing to add lists the
 * choices. *tabs counts the Tabs in a row. */
static void complete(unsigned *tabs)
{
	char before[LINEEDIT_UTF8_MAX], insert[COMPLETE_INSERT_MAX];
	const struct shell_cmd *cmds;
	struct complete_set set;
	const char *word;
	size_t ncmds, n;

	lineedit_text_before_cursor(&editor, before, sizeof(before));
	cmds = shell_commands(&ncmds);
	n = complete_context(before, cmds, ncmds, &set, &word) ?
		    complete_word(word, &set, insert, sizeof(insert)) : 0;
	if (n && insert[0]) {
		lineedit_insert(&editor, insert);
		*tabs = 0;
		return;
	}
	if (n > 1 && *tabs >= 2) {
		struct choices c = {word, &set};

		print_below_line(list_choices, &c);
		*tabs = 0;
		return;
	}
	lineedit_bell(&editor); /* nothing to add (yet: a second Tab lists) */
}

/* A power-button press, carried out below the line (its messages, then S5). */
static void power_requests(const void *ctx) { machine_power_requests(); }

static void print_line_full(const void *ctx)
{
	printk("shell: a line holds at most %zu characters%s; the rest is not taken\n",
	       lineedit_capacity(&editor),
	       lineedit_capacity(&editor) < LINEEDIT_MAX ? " on this screen" : "");
}

/* Edit one line; returns true when it is complete (Enter) in line. Messages printed
 * meanwhile are held and shown below the line (print_below_line), never inside it. */
static bool read_line(char *line, size_t size)
{
	unsigned tabs = 0;
	struct kbd_event ev;

	/* held before the prompt is written: a message from an interrupt (a USB keyboard
	 * becoming ready) must not land inside the prompt or right after it on its row */
	printk_hold(true);
	lineedit_start(&editor, SHELL_PROMPT);
	for (;;) {
		enum lineedit_result r;

		if (!next_key(&ev, true)) {
			print_below_line(machine_power_request_pending() ? power_requests : NULL, NULL);
			continue;
		}
		r = lineedit_key(&editor, &ev);
		tabs = r == LINEEDIT_TAB ? tabs + 1 : ev.pressed ? 0 : tabs;
		switch (r) {
		case LINEEDIT_DONE:
			printk_hold(false); /* the editor ended the line: below it */
			lineedit_text(&editor, line, size);
			return true;
		case LINEEDIT_CANCEL:
			printk_hold(false);
			return false;
		case LINEEDIT_CLEAR:
			shell_clear_screen();
			lineedit_resume(&editor, LINEEDIT_ALL_VIEWS);
			break;
		case LINEEDIT_TAB:
			complete(&tabs);
			break;
		case LINEEDIT_FULL:
			print_below_line(print_line_full, NULL);
			break;
		default:
			break;
		}
	}
}

/* Run line with its screen output paged; returns once all of it was shown or dropped.
 * A line entered on the serial line is not paged: its terminal gets the output at once,
 * and a "-- more --" on a screen nobody watches (a headless QEMU still has a VGA card)
 * would hold the next prompt back and take the next key typed there. */
static void run_paged(const char *line)
{
	struct kbd_event ev;

	if (key_from_serial) {
		shell_execute(line);
		return;
	}
	console_pager_begin();
	shell_execute(line);
	console_pager_end();
	while (console_pager_waiting()) {
		next_key(&ev, false);
		if (ev.pressed && ev.ch)
			console_pager_key(ev.ch);
	}
}

/*
 * shell_run - the interactive loop; never returns. Boot, last step, interrupts enabled.
 */
void shell_run(const struct bootinfo *bi)
{
	static char line[LINEEDIT_UTF8_MAX];

	assert(bi && arch_irqs_enabled());
	boot_info = bi;
	lineedit_init(&editor, heap_alloc, heap_free);
	if (console_cols()) {
		lineedit_add_view(&editor, screen_view_write, NULL, console_cols(), console_rows());
		view_sinks[nview_sinks++] = console_sink;
	}
	lineedit_add_view(&editor, serial_view_write, NULL, SHELL_SERIAL_COLS, 0);
	view_sinks[nview_sinks++] = serial_write;
	termkeys_init(&serial_keys);
	printk("Type 'help' for the list of commands.\n");
	for (;;)
		if (read_line(line, sizeof(line)))
			run_paged(line);
}
