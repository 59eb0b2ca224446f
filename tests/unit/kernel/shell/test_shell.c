// SPDX-License-Identifier: MIT
/*
 * Unit tests of the shell's commands as typed: shell_execute (src/kernel/shell/shell.c) over
 * every command the cmd_*.c files register, gathered from the .shell_cmds section between
 * __shell_cmds_start and __shell_cmds_end as in the kernel (shell_cmds.ld places them). The
 * subsystems the commands read are stood in for below; each one writes its name into
 * calls, so a line that is refused is seen to ask nothing of any of them (nothing run,
 * nothing changed), and printk is captured. The bad input: an unknown command, arguments
 * to a command that takes none, an unknown or an extra argument, more words than argv
 * holds, and lines as long as the line editor gives (1024 characters, of up to 4 bytes);
 * and, typed at the prompt through shell_run, Tab where nothing completes or many choices
 * do, and a line typed past its end.
 */
#include <lios/console.h>
#include <lios/cpu_features.h>
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/heap_trace.h>
#include <lios/irq.h>
#include <lios/kbd.h>
#include <lios/lineedit.h>
#include <lios/machine.h>
#include <lios/mce.h>
#include <lios/memmap.h>
#include <lios/mm.h>
#include <lios/panic.h>
#include <lios/pci.h>
#include <lios/pmm.h>
#include <lios/power.h>
#include <lios/printk.h>
#include <lios/rtc.h>
#include <lios/selftest.h>
#include <lios/serial.h>
#include <lios/shell.h>
#include <lios/timer.h>
#include <lios/usb.h>
#include <lios/vmalloc.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include "host.h"
#include "../../unit.h"
/* The longest line echo prints back (LINEEDIT_UTF8_MAX bytes) fits with room to spare. */
#define LOG_CAPTURE_SIZE (3 * LINEEDIT_UTF8_MAX)
#include "log_capture.h" /* log_capture_buf: what the command printed */

#define MAX_ARGS 16 /* shell_internal.h's SHELL_MAX_ARGS: argv's room */

extern const struct shell_cmd __shell_cmds_start[], __shell_cmds_end[];

static unsigned split_writes; /* printk messages that began inside a UTF-8 character */
static char calls[512];       /* what it asked of the subsystems: "selftest_run pmm " */
static jmp_buf gone;          /* a reboot, a power-off or a panic: the machine is gone */

/* log_capture_sink, after counting a message that begins inside a UTF-8 character: the
 * captured text reads whole even when printk cut a character between two messages. */
static void capture(const char *s, size_t n)
{
	if (n && ((uint8_t)s[0] & 0xc0) == 0x80)
		split_writes++;
	log_capture_sink(s, n);
}

static void called(const char *what)
{
	strncat(calls, what, sizeof(calls) - strlen(calls) - 2);
	strcat(calls, " ");
}

/* Runs line as typed at the prompt: returns what shell_execute returned; log_capture_buf
 * and calls hold what it printed and asked for. A command that ends the machine returns 1. */
static int run(const char *line)
{
	log_capture_clear();
	calls[0] = '\0';
	if (setjmp(gone))
		return 1;
	return shell_execute(line);
}

/* ------------------------------------------------------------------ stand-ins */

/* The layouts are keymap.c's own (lios_host_input); the current one as kbd.c keeps it. */
static const struct kbd_layout *layout;

int kbd_set_layout(const char *name)
{
	const struct kbd_layout *l = kbd_layout_find(name);

	called("kbd_set_layout");
	if (!l)
		return -ENOENT;
	layout = l;
	return 0;
}

const struct kbd_layout *kbd_get_layout(void) { return layout ? layout : kbd_layout_at(0); }
bool kbd_present(void) { return false; }
static bool watching; /* kbd_watching's answer */
bool kbd_watching(void) { return watching; }
void kbd_describe_losses(char *buf, size_t size) { buf[0] = '\0'; }
/* Keys typed at the prompt (test_typed_session): each byte one key with that character;
 * when they run out, the session ends (shell_run never returns). */
static const char *typed;
static jmp_buf typed_all;

bool kbd_poll_event(struct kbd_event *ev)
{
	if (!typed)
		return false;
	if (!*typed)
		longjmp(typed_all, 1);
	*ev = (struct kbd_event){ .key = KEY_NONE, .pressed = true, .ch = (uint8_t)*typed++ };
	return true;
}

bool kbd_has_input(void) { return false; }
unsigned int usb_kbd_count(void) { return 0; }
unsigned int usb_kbd_print(void) { return 0; }
void usb_print(void) { called("usb_print"); }

/* Two suites; selftest_run records the one it was asked for. */
const char *selftest_suite(size_t i)
{
	static const char *const suites[] = { "kernel", "pmm" };

	return i < 2 ? suites[i] : NULL;
}

int selftest_run(const char *suite)
{
	called("selftest_run");
	called(suite ? suite : "(all)");
	return 0;
}

struct pci_dev *pci_next(const struct pci_dev *prev)
{
	called("pci_next");
	return NULL;
}

const struct pci_bar *pci_bar(const struct pci_dev *dev, unsigned int i) { return NULL; }
const char *pci_class_name(uint8_t c, uint8_t s, uint8_t p) { return "?"; }
unsigned int pci_count(void) { return 0; }
bool pci_using_ecam(void) { return false; }

__noreturn void machine_reboot(void)
{
	called("machine_reboot");
	longjmp(gone, 1);
}

int machine_poweroff(void)
{
	called("machine_poweroff");
	longjmp(gone, 1);
}

void machine_power_requests(void) {}
bool machine_power_request_pending(void) { return false; }

static void panicked(const char *msg)
{
	called("panic");
	longjmp(gone, 1);
}

void console_write(const char *s, size_t len) {}
void console_clear(void) { called("console_clear"); }
void console_describe(char *buf, size_t n) { snprintf(buf, n, "serial"); }
unsigned console_cols(void) { return 0; }
unsigned console_rows(void) { return 0; }
void console_sink(const char *s, size_t len) {}
void console_screen_write(const char *s, size_t len) {}
size_t console_scrollback(int pages) { return 0; }
void console_scroll_bottom(void) {}
void console_batch_begin(void) { called("dmesg"); }
void console_batch_end(void) {}
void console_pager_begin(void) {}
void console_pager_end(void) {}
bool console_pager_waiting(void) { return false; }
void console_pager_key(uint32_t ch) {}
/* What the line editor drew on its one view (serial: no screen here), and its bells. */
static char drawn[8192];
static size_t drawn_len;
static unsigned bells;

void serial_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		bells += s[i] == '\a';
		if (drawn_len + 1 < sizeof(drawn))
			drawn[drawn_len++] = s[i];
	}
	drawn[drawn_len] = '\0';
}

int serial_read(void) { return -1; }
bool serial_present(void) { return false; }

void *heap_alloc(size_t size) { return malloc(size); }
void heap_free(void *p) { free(p); }

void heap_get_stats(struct heap_stats *st)
{
	called("heap_get_stats");
	memset(st, 0, sizeof(*st));
}

void pmm_get_stats(struct pmm_stats *st)
{
	called("pmm_get_stats");
	memset(st, 0, sizeof(*st));
}

void vmalloc_get_stats(struct vmalloc_stats *st)
{
	called("vmalloc_get_stats");
	memset(st, 0, sizeof(*st));
}

void memmap_print(const struct bootinfo *bi, const struct memmap *m, bool debug)
{
	called("memmap_print");
}

const struct memmap *mm_usable(void) { return NULL; }

bool heap_trace_get_summary(struct heap_trace_summary *sum)
{
	called("heap_trace_get_summary");
	return false;
}

int heap_trace_dump(heap_trace_out_fn fn, struct heap_trace_summary *sum) { return 0; }

const struct cpu_features *cpu_features(void)
{
	static struct cpu_features f = { .vendor = "HostIntel" };

	called("cpu_features");
	return &f;
}

void arch_cpu_info(struct arch_cpu_info *info) { memset(info, 0, sizeof(*info)); }

const struct mce_state *mce_state(void)
{
	static struct mce_state m;

	called("mce_state");
	return &m;
}

unsigned mce_poll(void) { return 0; }
const char *irq_backend_name(void) { return "8259 PICs"; }

uint16_t irq_mask_state(void)
{
	called("irq_mask_state");
	return 0;
}

uint64_t irq_count(unsigned int irq) { return 0; }
uint64_t irq_spurious_count(void) { return 0; }
uint64_t irq_nmi_count(void) { return 0; }

const struct timer_report *timer_report(void)
{
	static struct timer_report r = { .tsc_origin = "the PIT" };

	called("timer_report");
	return &r;
}

uint64_t timer_ticks(void) { return 0; }

uint64_t timer_uptime_ms(void)
{
	called("timer_uptime_ms");
	return 0;
}

const char *timer_tick_source_name(void) { return "none"; }
bool timer_halt_ends(void) { return true; }
void timer_poll(void) {}

int rtc_read(struct rtc_time *t, const char **why)
{
	called("rtc_read");
	*why = "no RTC";
	return -ENODEV;
}

/* ------------------------------------------------------------------ cases */

/* Empty lines and blanks alone: nothing runs, nothing is printed, 0. Blanks and Tabs
 * around and between the words are separators only. */
static void test_empty_and_blanks(void)
{
	CHECK_EQ(run(""), 0);
	CHECK_STR_EQ(log_capture_buf, "");
	CHECK_EQ(run("   \t  "), 0);
	CHECK_STR_EQ(log_capture_buf, "");
	CHECK_STR_EQ(calls, "");
	CHECK_EQ(run(" \tkbd\t uk \t"), 0);
	CHECK_STR_EQ(kbd_get_layout()->name, "uk");
	kbd_set_layout("us");
}

/* A name no command has (a typo, another case, a prefix): "unknown command: NAME (try
 * 'help')", -ENOENT, nothing run. */
static void test_unknown_command(void)
{
	CHECK_EQ(run("frobnicate now"), -ENOENT);
	CHECK_STR_EQ(log_capture_buf, "unknown command: frobnicate (try 'help')\n");
	CHECK_EQ(run("HELP"), -ENOENT);
	CHECK_STR_EQ(log_capture_buf, "unknown command: HELP (try 'help')\n");
	CHECK_EQ(run("reb"), -ENOENT);
	CHECK_STR_EQ(log_capture_buf, "unknown command: reb (try 'help')\n");
	CHECK_STR_EQ(calls, "");
}

/* Every command whose usage is "" refuses an argument with "NAME: takes no arguments" and
 * -EINVAL before it runs: `reboot now` reboots nothing, `panic please` does not panic,
 * `clear x` clears nothing, `mem -v` reads no statistics; with many words as with one.
 * The registered table holds the commands README lists, each of which answers `help`. */
static void test_no_arguments(void)
{
	char line[96], want[96];
	unsigned none = 0, n = 0;

	for (const struct shell_cmd *c = __shell_cmds_start; c < __shell_cmds_end; c++, n++) {
		if (c->usage[0])
			continue;
		none++;
		snprintf(line, sizeof(line), "%s now", c->name);
		snprintf(want, sizeof(want), "%s: takes no arguments\n", c->name);
		CHECK_EQ(run(line), -EINVAL);
		CHECK_STR_EQ(log_capture_buf, want);
		CHECK_STR_EQ(calls, "");
		snprintf(line, sizeof(line), "%s a b c d e f g h i j k l m n o p q r s t", c->name);
		CHECK_EQ(run(line), -EINVAL);
		CHECK_STR_EQ(log_capture_buf, want);
		CHECK_STR_EQ(calls, "");
	}
	CHECK_EQ(n, 21);
	CHECK_EQ(none, 17);
	run("help");
	for (const struct shell_cmd *c = __shell_cmds_start; c < __shell_cmds_end; c++) {
		snprintf(want, sizeof(want), "\n  %s ", c->name);
		CHECK(log_captured(want));
	}
}

/* `kbd LAYOUT`: a layout that is not built in is refused with the list of layouts and
 * -ENOENT; two or more words (also past the 16 argv holds) with "one layout at most" and
 * -EINVAL, none of them tried. Either way the layout in use stays (de here). With no
 * keyboard and the 8042's port watched for one, the first line says so. */
static void test_kbd(void)
{
	char line[128];

	CHECK_EQ(run("kbd de"), 0);
	CHECK_STR_EQ(kbd_get_layout()->name, "de");
	CHECK_EQ(run("kbd fr"), -ENOENT);
	CHECK_STR_EQ(log_capture_buf, "kbd: unknown layout 'fr'\nkbd: layouts us de uk\n");
	CHECK_STR_EQ(kbd_get_layout()->name, "de");
	CHECK_EQ(run("kbd DE"), -ENOENT);
	CHECK_EQ(run("kbd d"), -ENOENT);
	CHECK_STR_EQ(kbd_get_layout()->name, "de");
	CHECK_EQ(run("kbd us de"), -EINVAL);
	CHECK_STR_EQ(log_capture_buf, "kbd: one layout at most (usage: kbd [LAYOUT])\n");
	CHECK_STR_EQ(calls, "");
	strcpy(line, "kbd");
	for (int i = 0; i < 20; i++)
		strcat(line, " us");
	CHECK_EQ(run(line), -EINVAL);
	CHECK_STR_EQ(log_capture_buf, "kbd: one layout at most (usage: kbd [LAYOUT])\n");
	CHECK_STR_EQ(kbd_get_layout()->name, "de");

	/* no keyboard at boot, the 8042's port watched for one: `kbd` says so */
	CHECK_EQ(run("kbd de"), 0);
	CHECK(strncmp(log_capture_buf, "kbd: none, layout de", 20) == 0);
	watching = true;
	CHECK_EQ(run("kbd de"), 0);
	CHECK(strncmp(log_capture_buf,
		      "kbd: none (the 8042's keyboard port watched for one plugged in), layout de",
		      74) == 0);
	watching = false;
	kbd_set_layout("us");
}

/* `pci [-v]`: another option is named and refused; two words are refused as two (naming
 * the last one blamed the valid -v of `pci -x -v`); nothing is listed either way. */
static void test_pci(void)
{
	CHECK_EQ(run("pci -x"), -EINVAL);
	CHECK_STR_EQ(log_capture_buf, "pci: unknown option '-x' (usage: pci [-v])\n");
	CHECK_EQ(run("pci -V"), -EINVAL);
	CHECK_STR_EQ(log_capture_buf, "pci: unknown option '-V' (usage: pci [-v])\n");
	CHECK_EQ(run("pci -x -v"), -EINVAL);
	CHECK_STR_EQ(log_capture_buf, "pci: one option at most (usage: pci [-v])\n");
	CHECK_EQ(run("pci -v -v"), -EINVAL);
	CHECK_STR_EQ(calls, "");
	CHECK_EQ(run("pci -v"), 0);
	CHECK_STR_EQ(calls, "pci_next ");
}

/* `selftest [SUITE]`: a name that is no suite (nor a prefix of one) is refused with the
 * suites, never run as an empty plan whose "0 passed, 0 failed" reads like success; two
 * suites are refused; a real suite runs alone. */
static void test_selftest(void)
{
	CHECK_EQ(run("selftest nosuch"), -ENOENT);
	CHECK_STR_EQ(log_capture_buf, "selftest: no suite 'nosuch'; the suites: kernel pmm\n");
	CHECK_STR_EQ(calls, "");
	CHECK_EQ(run("selftest kern"), -ENOENT);
	CHECK_STR_EQ(calls, "");
	CHECK_EQ(run("selftest kernel pmm"), -EINVAL);
	CHECK_STR_EQ(log_capture_buf, "selftest: one suite at most (usage: selftest [SUITE])\n");
	CHECK_STR_EQ(calls, "");
	CHECK_EQ(run("selftest pmm"), 0);
	CHECK_STR_EQ(calls, "selftest_run pmm ");
}

/* `echo TEXT` prints TEXT as typed after the blanks that follow the name (inner blanks
 * kept), any number of words (more than argv's 16), and nothing but a line end alone. */
static void test_echo(void)
{
	char line[128] = "echo", want[128] = "";

	CHECK_EQ(run("echo"), 0);
	CHECK_STR_EQ(log_capture_buf, "\n");
	CHECK_EQ(run("echo   a  b"), 0);
	CHECK_STR_EQ(log_capture_buf, "a  b\n");
	for (int i = 0; i < 2 * MAX_ARGS; i++) {
		strcat(line, i % 2 ? " y" : " x");
		strcat(want, i ? (i % 2 ? " y" : " x") : "x");
	}
	strcat(want, "\n");
	CHECK_EQ(run(line), 0);
	CHECK_STR_EQ(log_capture_buf, want);
}

/* The longest lines the editor gives (LINEEDIT_MAX characters): `echo` prints all of its
 * text back; an unknown command or layout that long is refused as a short one is, quoted
 * to its first 64 bytes and "..." so that the rest of the message stays (it was cut by
 * printk, losing "(try 'help')"), the layout in use kept. */
static void test_longest_lines(void)
{
	static char line[LINEEDIT_UTF8_MAX], want[LINEEDIT_UTF8_MAX + 1];
	size_t n;

	strcpy(line, "echo ");
	for (n = 5; n < LINEEDIT_MAX; n++)
		line[n] = (char)('a' + n % 26);
	line[n] = '\0';
	snprintf(want, sizeof(want), "%s\n", line + 5);
	CHECK_EQ(run(line), 0);
	CHECK_STR_EQ(log_capture_buf, want);

	memset(line, 'z', LINEEDIT_MAX);
	line[LINEEDIT_MAX] = '\0';
	CHECK_EQ(run(line), -ENOENT);
	snprintf(want, sizeof(want), "unknown command: %.64s... (try 'help')\n", line);
	CHECK_STR_EQ(log_capture_buf, want);
	CHECK_STR_EQ(calls, "");
	/* cut on a whole character: 21 three-byte ones fit in 64 bytes, not the 22nd */
	line[0] = '\0';
	for (int i = 0; i < 40; i++)
		strcat(line, "\xe2\x82\xac"); /* U+20AC */
	CHECK_EQ(run(line), -ENOENT);
	snprintf(want, sizeof(want), "unknown command: %.63s... (try 'help')\n", line);
	CHECK_STR_EQ(log_capture_buf, want);
	line[63] = '\0'; /* 21 characters, 63 bytes: quoted whole */
	CHECK_EQ(run(line), -ENOENT);
	snprintf(want, sizeof(want), "unknown command: %.63s (try 'help')\n", line);
	CHECK_STR_EQ(log_capture_buf, want);

	strcpy(line, "kbd ");
	memset(line + 4, 'q', LINEEDIT_MAX - 4);
	line[LINEEDIT_MAX] = '\0';
	CHECK_EQ(run(line), -ENOENT);
	snprintf(want, sizeof(want), "kbd: unknown layout '%.64s...'\nkbd: layouts us de uk\n",
		 line + 4);
	CHECK_STR_EQ(log_capture_buf, want);
	CHECK_STR_EQ(kbd_get_layout()->name, "us");
}

/* `echo` of a line of LINEEDIT_MAX characters of 2 to 4 bytes of UTF-8 (3057 bytes of text,
 * far more than one printk message holds: 1023 bytes). All of it is printed, then the line
 * end, in messages that each start on a character; it was cut after 1020 bytes, silently. */
static void test_echo_longest_utf8(void)
{
	static char line[LINEEDIT_UTF8_MAX], want[LINEEDIT_UTF8_MAX + 1];

	strcpy(line, "echo ");
	for (size_t n = 5; n < LINEEDIT_MAX - 1; n++)
		strcat(line, n % 2 ? "\xf0\x9f\x98\x80" : "\xc3\xa9");
	strcat(line, "\xe2\x82\xac");
	CHECK_EQ(strlen(line), 5 + 3057);
	snprintf(want, sizeof(want), "%s\n", line + 5);
	split_writes = 0;
	CHECK_EQ(run(line), 0);
	CHECK_EQ(log_capture_len, strlen(want));
	CHECK(strcmp(log_capture_buf, want) == 0);
	CHECK_EQ(split_writes, 0);
}

/* A session typed at the prompt (shell_run, the loop with the line editor, Tab completion
 * and the line-full notice; the session ends when the keys run out). Tab on a word nothing
 * completes rings the bell and adds nothing, a second Tab lists nothing either; "m" (mce,
 * mem, mmap: nothing they share to add) rings, and a second Tab lists them; "kbd " lists the
 * layouts the same way. Then a line typed past LINEEDIT_MAX characters: the characters past
 * it are refused with a bell each, the notice is printed once, on a row of its own, and
 * Enter runs the 1024 characters that were taken (`echo` and 1019 a). */
static void test_typed_session(void)
{
	static char keys[LINEEDIT_MAX + 64];
	static struct bootinfo bi;
	const char *full = "shell: a line holds at most 1024 characters; the rest is not taken\n";
	char *p;

	strcpy(keys, "zz\t\t\x03"
		     "m\t\t\x03"
		     "kbd \t\t\x03"
		     "echo "); /* \x03: Ctrl-C */
	p = keys + strlen(keys);
	memset(p, 'a', LINEEDIT_MAX + 1); /* 6 past the 1024 characters with "echo " */
	strcpy(p + LINEEDIT_MAX + 1, "\r");
	typed = keys;
	log_capture_clear();
	if (!setjmp(typed_all))
		shell_run(&bi);
	typed = NULL;
	printk_hold(false);
	CHECK(strstr(drawn, "lios> zz\a\a^C\r\n") != NULL); /* nothing added to "zz" */
	CHECK(log_captured("mce  mem  mmap  \n"));
	CHECK(log_captured("us  de  uk  \n"));
	p = strstr(log_capture_buf, full);
	CHECK(p != NULL);
	CHECK(p && !strstr(p + 1, full));                              /* once */
	CHECK(p && strspn(p + strlen(full), "a") == LINEEDIT_MAX - 5); /* echo's text */
	/* zz: two, m: one, kbd: one, and the six characters past the end */
	CHECK_EQ(bells, 2 + 1 + 1 + 6);
}

/* `heaptrace` on a kernel that does not record: said, and a negative status as every
 * command's refusal (it returned 1). */
static void test_heaptrace_not_recording(void)
{
	CHECK_EQ(run("heaptrace"), -ENOENT);
	CHECK_STR_EQ(log_capture_buf,
		     "heaptrace: not recording (boot with heap.trace on the command line)\n");
	CHECK_STR_EQ(calls, "heap_trace_get_summary ");
}

int main(void)
{
	host_panic_hook = panicked;
	printk_add_sink(capture, false);
	RUN(test_empty_and_blanks);
	RUN(test_unknown_command);
	RUN(test_no_arguments);
	RUN(test_kbd);
	RUN(test_pci);
	RUN(test_selftest);
	RUN(test_echo);
	RUN(test_longest_lines);
	RUN(test_heaptrace_not_recording);
	RUN(test_echo_longest_utf8);
	RUN(test_typed_session); /* last: shell_run keeps its editor */
	return unit_summary();
}
