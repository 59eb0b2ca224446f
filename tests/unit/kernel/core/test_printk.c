// SPDX-License-Identifier: MIT
/*
 * Host tests of printk's formatting (kvsnprintf), its sinks and log replay, and of the
 * command-line parser. The expected strings are what the C standard's printf gives for the
 * same format, checked against the host's snprintf where the two overlap.
 */
#include <lios/cmdline.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <setjmp.h>
#include <stdio.h>
#include "../../unit.h"

static char buf[256], ref[256];

#define SAME_AS_LIBC(...)                                                                \
	do {                                                                                 \
		ksnprintf(buf, sizeof(buf), __VA_ARGS__);                                        \
		snprintf(ref, sizeof(ref), __VA_ARGS__);                                         \
		CHECK(strcmp(buf, ref) == 0);                                                    \
		if (strcmp(buf, ref))                                                            \
			fprintf(stderr, "    got '%s' want '%s'\n", buf, ref);                      \
	} while (0)

/* Integer conversions with width, flags and length modifiers agree with libc. */
static void test_integers(void)
{
	SAME_AS_LIBC("%d %i %u", -17, 42, 3000000000u);
	SAME_AS_LIBC("%5d|%-5d|%05d", 42, 42, -42);
	SAME_AS_LIBC("%x %X %#x %o", 0xbeef, 0xbeef, 255, 8);
	SAME_AS_LIBC("%lld %llx %llu", -9000000000000ll, 0xfedcba9876543210ull, 18446744073709551615ull);
	SAME_AS_LIBC("%ld %lu %zu", -5l, 7ul, (size_t)123456789);
	SAME_AS_LIBC("%hhd %hd", 65, 1000);
	SAME_AS_LIBC("%d", -2147483647 - 1);
	SAME_AS_LIBC("%016llx", 0x1234ull);
}

/* The '+' and ' ' flags, precision on integers (minimum digits; precision 0 prints no
 * digit for 0; the '0' flag gives way to it), h and hh on unsigned values, '#' for octal and
 * %X, a negative '*' width (left-aligned), as in libc. Before: '+' and ' ' ended the
 * conversion unconsumed, so every later argument was shifted. */
static void test_flags_and_precision(void)
{
	SAME_AS_LIBC("%+d %+d % d % d|%+5d|%-+5d|", 5, -5, 5, -5, 7, 7);
	SAME_AS_LIBC("%.3d|%.0d|%5.3d|%-6.2x|%08.3d|%.5u", 7, 0, 42, 10, 5, 123u);
	SAME_AS_LIBC("%hx %hhx %hu %hhu %hhd", 0x12345, 0x1ff, 70000, 300, 200);
	SAME_AS_LIBC("%#o %#o %#X %#x", 8, 0, 255, 255);
	SAME_AS_LIBC("[%*d] [%-*d]", -5, 1, 3, 2);
	SAME_AS_LIBC("%+d after %s", 1, "ok");
	/* '#' with a precision on octal: C raises the precision just enough for the first
	 * digit to be 0 ("%#.3o" of 8 is 010; "%#.0o" of 0 is 0). Before: a 0 was put in
	 * front of the zeros the precision asked for (0010), or none at all for 0 (""). */
	SAME_AS_LIBC("[%#.3o] [%#.2o] [%#.0o] [%#.1o] [%#5.4o] [%#-6.1o] [%#08o] [%#.0o]", 8, 8, 0,
		     0, 8, 8, 8, 8);
	/* printk's own rule, unlike libc: %#x of 0 is 0x0, so log lines keep one shape */
	ksnprintf(buf, sizeof(buf), "%#x", 0);
	CHECK(strcmp(buf, "0x0") == 0);
}

/* Strings and characters: width, left alignment, precision, '*' arguments. */
static void test_strings(void)
{
	SAME_AS_LIBC("[%s] [%10s] [%-10s] [%.3s] [%.*s]", "abc", "abc", "abc", "abcdef", 2, "xyz");
	SAME_AS_LIBC("[%c] [%3c] [%-3c] %%", 'a', 'b', 'c');
	SAME_AS_LIBC("[%*d]", 6, 12);
}

/* NULL strings print "(null)", pointers as 0x..., %pS and %pB without a symbol table as the
 * address itself (%pB looks up address - 1 but never prints it); an unknown conversion as
 * written. */
static void test_special(void)
{
	ksnprintf(buf, sizeof(buf), "%s", (char *)NULL);
	CHECK(strcmp(buf, "(null)") == 0);
	ksnprintf(buf, sizeof(buf), "%p", (void *)0xdead);
	CHECK(strcmp(buf, "0xdead") == 0);
	ksnprintf(buf, sizeof(buf), "%pS", (void *)0x1234);
	CHECK(strcmp(buf, "0x1234") == 0);
	ksnprintf(buf, sizeof(buf), "%pB|%pB", (void *)0x1234, (void *)0);
	CHECK(strcmp(buf, "0x1234|0x0") == 0);
	/* a conversion printk does not know shows as written, and takes no argument */
	ksnprintf(buf, sizeof(buf), "%-5q|%#08.3lk|%d", 7);
	CHECK(strcmp(buf, "%-5q|%#08.3lk|7") == 0);
	/* a format that ends inside a specification: the text before it, nothing read after */
	CHECK_EQ(ksnprintf(buf, sizeof(buf), "abc%-5"), 3);
	CHECK(strcmp(buf, "abc") == 0);
	CHECK_EQ(ksnprintf(buf, sizeof(buf), "x%"), 1);
	CHECK(strcmp(buf, "x") == 0);
}

/* A width or precision written with more digits than an int holds (above 2147483647) is
 * a malformed conversion, like one printk does not know: shown as written, no argument
 * taken, the conversions after it unaffected. INT_MAX itself is a precision like any
 * other. Before: the digits were summed into an int past INT_MAX, undefined behaviour
 * (UBSan stops the test there); in the kernel build the width wrapped to a negative or
 * an arbitrary number. */
static void test_width_above_int_max(void)
{
	ksnprintf(buf, sizeof(buf), "%2147483648d|%d", 5);
	CHECK(strcmp(buf, "%2147483648d|5") == 0);
	ksnprintf(buf, sizeof(buf), "[%-99999999999999999999s]%s", "x");
	CHECK(strcmp(buf, "[%-99999999999999999999s]x") == 0);
	ksnprintf(buf, sizeof(buf), "%.2147483648s|%s", "ab");
	CHECK(strcmp(buf, "%.2147483648s|ab") == 0);
	ksnprintf(buf, sizeof(buf), "%5.4294967296lx|%lx", 0xabcul);
	CHECK(strcmp(buf, "%5.4294967296lx|abc") == 0);
	ksnprintf(buf, sizeof(buf), "%.2147483647s|%.0002147483647s", "ab", "cd");
	CHECK(strcmp(buf, "ab|cd") == 0);
	/* cut inside such a specification: as any format that ends there */
	CHECK_EQ(ksnprintf(buf, sizeof(buf), "abc%99999999999"), 3);
	CHECK(strcmp(buf, "abc") == 0);
}

/* A width or precision of exactly INT_MAX is legal. Once the buffer is full the padding
 * is counted, not written, so each such conversion costs what the buffer holds. A full
 * length that fits an int is returned; one above INT_MAX is -1, as POSIX's vsnprintf
 * (EOVERFLOW), and the buffer holds the output's start, terminated. Before: the sign or
 * prefix added to INT_MAX digits overflowed an int (UBSan stops the test), every pad
 * character went through the loop one by one (2^31 steps per conversion: the last case
 * outlives the test's timeout), and a length past INT_MAX was cast to int (2^32 + 1
 * came back as 1). */
static void test_length_at_int_max(void)
{
	char small[8];

	/* INT_MAX zeros, the digit and a sign or prefix: 2^31 characters, not an int */
	CHECK_EQ(ksnprintf(small, sizeof(small), "%+.2147483647d", 7), -1);
	CHECK(strcmp(small, "+000000") == 0);
	CHECK_EQ(ksnprintf(small, sizeof(small), "%+.*d", 2147483647, -7), -1);
	CHECK(strcmp(small, "-000000") == 0);
	CHECK_EQ(ksnprintf(small, sizeof(small), "%#.*x", 2147483647, 0xa), -1);
	CHECK(strcmp(small, "0x00000") == 0);
	CHECK_EQ(ksnprintf(small, sizeof(small), "%.*p", 2147483647, (void *)1), -1);
	CHECK(strcmp(small, "0x00000") == 0);
	/* exactly INT_MAX characters: an int, returned as it is */
	CHECK_EQ(ksnprintf(small, sizeof(small), "%.2147483647d", 7), 2147483647);
	CHECK(strcmp(small, "0000000") == 0);
	CHECK_EQ(ksnprintf(small, sizeof(small), "%2147483647d", 7), 2147483647);
	CHECK(strcmp(small, "       ") == 0);
	CHECK_EQ(ksnprintf(small, sizeof(small), "%-2147483647d", 7), 2147483647);
	CHECK(strcmp(small, "7      ") == 0);
	CHECK_EQ(ksnprintf(small, sizeof(small), "%0*x", 2147483647, 0xab), 2147483647);
	CHECK(strcmp(small, "0000000") == 0);
	/* two characters before an INT_MAX field: past an int again */
	CHECK_EQ(ksnprintf(small, sizeof(small), "ab%-*c", 2147483647, 'c'), -1);
	CHECK(strcmp(small, "abc    ") == 0);
	/* a width under the buffer's end still writes: the padding is not just counted */
	CHECK_EQ(ksnprintf(small, sizeof(small), "%4d%*s", 1, 3, "z"), 7);
	CHECK(strcmp(small, "   1  z") == 0);
	/* two INT_MAX fields and "xyz": 2^32 + 1 characters */
	CHECK_EQ(ksnprintf(small, sizeof(small), "%2147483647d%2147483647sxyz", 1, "a"), -1);
	CHECK(strcmp(small, "       ") == 0);
	/* the buffer full from the start: nothing written, all counted */
	CHECK_EQ(ksnprintf(NULL, 0, "%2147483647d", 1), 2147483647);
	/* 64 fields of INT_MAX spaces: 2^37 steps one by one, minutes even unsanitized */
	CHECK_EQ(ksnprintf(small, sizeof(small),
			   "%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c"
			   "%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c"
			   "%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c"
			   "%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c%*c",
#define W8 2147483647, 'w', 2147483647, 'w', 2147483647, 'w', 2147483647, 'w', \
	   2147483647, 'w', 2147483647, 'w', 2147483647, 'w', 2147483647, 'w'
			   W8, W8, W8, W8, W8, W8, W8, W8),
		 -1);
#undef W8
	CHECK(strcmp(small, "       ") == 0);
}

/* Truncation: the output is cut and terminated, the return value is the full length. */
static void test_truncation(void)
{
	char small[8];
	CHECK(ksnprintf(small, sizeof(small), "%s-%d", "abcdef", 12345) == 12);
	CHECK(strcmp(small, "abcdef-") == 0);
	CHECK(ksnprintf(NULL, 0, "%d", 123) == 3);
}

static char captured[4096];
static size_t captured_len;
static void capture(const char *s, size_t n)
{
	memcpy(captured + captured_len, s, n);
	captured_len += n;
}

/* A sink added with replay first receives what was printed before it existed; levels above
 * the threshold stay out of sinks. */
static void test_sink_replay_and_levels(void)
{
	printk("early %d\n", 1);
	CHECK(printk_add_sink(capture, true) == 0);
	printk("late\n");
	printk(KERN_DEBUG "hidden\n");
	captured[captured_len] = '\0';
	CHECK(strstr(captured, "early 1\n") != NULL);
	CHECK(strstr(captured, "late\n") != NULL);
	CHECK(strstr(captured, "hidden") == NULL);
	CHECK(strstr(captured, "early 1\n") < strstr(captured, "late\n"));
	printk_remove_sink(capture);
}

static char dbg[8192];
static size_t tail_len;
static char tail_first[16];
static bool tail_last_ok;
/* Records the first bytes, total length and whether the output ends with "newest\n". */
static void capture_tail(const char *s, size_t n)
{
	if (tail_len == 0)
		memcpy(tail_first, s, n < 15 ? n : 15);
	tail_len += n;
	tail_last_ok = n >= 7 && memcmp(s + n - 7, "newest\n", 7) == 0;
}
static size_t dbg_len;
static void capture_debug(const char *s, size_t n)
{
	memcpy(dbg + dbg_len, s, n);
	dbg_len += n;
}

/* Per-sink levels: a sink raised to KERN_DEBUG sees debug messages, including those replayed
 * from before it existed through printk_dump_log; a default sink does not. */
static void test_sink_levels_and_dump(void)
{
	captured_len = 0;
	printk(KERN_DEBUG "detail-before\n");
	CHECK(printk_add_sink(capture, false) == 0);
	CHECK(printk_add_sink(capture_debug, false) == 0);
	printk_set_sink_level(capture_debug, 7);
	printk(KERN_DEBUG "detail-after\n");
	printk(KERN_ERR "error-after\n");
	captured[captured_len] = '\0';
	dbg[dbg_len] = '\0';
	CHECK(strstr(captured, "detail") == NULL);
	CHECK(strstr(captured, "error-after\n") != NULL);
	CHECK(strstr(dbg, "detail-after\n") != NULL);
	CHECK(strstr(dbg, "error-after\n") != NULL);
	CHECK(strstr(dbg, "detail-before") == NULL);
	printk_remove_sink(capture);
	printk_remove_sink(capture_debug);

	dbg_len = 0;
	printk_dump_log(capture_debug);
	dbg[dbg_len] = '\0';
	CHECK(strstr(dbg, "detail-before\n") != NULL);
	CHECK(strstr(dbg, "detail-before\n") < strstr(dbg, "error-after\n"));
	CHECK(strchr(dbg, '\001') == NULL); /* level marks never reach a sink */
}

/* The ring keeps the newest 64 KiB: after 100 KiB of output, a replay starts at a record
 * boundary (no torn first message) and ends with the newest message. */
static void test_ring_wraps(void)
{
	for (int i = 0; i < 4000; i++)
		printk(KERN_DEBUG "wrap-line-%05d-padding-padding\n", i);
	printk("newest\n");
	printk_dump_log(capture_tail);
	CHECK(tail_len > 60000 && tail_len <= 65536);
	CHECK(strncmp(tail_first, "wrap-line-", 10) == 0);
	CHECK(tail_last_ok);
}

/* A message longer than printk's 1023-byte line is cut, but keeps its line end (the next
 * prompt must start on a row of its own) and whole UTF-8 characters. Before: the cut took
 * the line end with it and could split a character. */
static void test_long_message(void)
{
	static char big[3000];
	size_t n;

	memset(big, 'a', 2000);
	big[2000] = '\0';
	captured_len = 0;
	CHECK(printk_add_sink(capture, false) == 0);
	printk("unknown command: %s (try 'help')\n", big);
	CHECK(captured_len > 1000 && captured_len <= 1023);
	CHECK(captured[captured_len - 1] == '\n');
	CHECK(memchr(captured, '\n', captured_len) == captured + captured_len - 1);

	for (n = 0; n < 1400; n += 2) /* U+00E9, two bytes each */
		memcpy(big + n, "\xc3\xa9", 2);
	big[n] = '\0';
	captured_len = 0;
	printk("x%s\n", big); /* the odd offset puts the cut inside a character */
	CHECK(captured[captured_len - 1] == '\n');
	CHECK(captured_len % 2 == 0); /* 'x', whole characters, '\n' */
	for (size_t i = 1; i + 1 < captured_len; i += 2)
		CHECK((uint8_t)captured[i] == 0xc3 && (uint8_t)captured[i + 1] == 0xa9);

	captured_len = 0;
	printk("%s", big); /* no line end to keep: none added */
	CHECK(captured_len <= 1023 && captured[captured_len - 1] != '\n');
	printk_remove_sink(capture);
}

/* printk of a message longer than an int: cut to its line, line end kept, at once. */
static void test_printk_length_at_int_max(void)
{
	captured_len = 0;
	CHECK(printk_add_sink(capture, false) == 0);
	printk("%+.2147483647d\n", 1);
	CHECK(captured_len > 1000 && captured_len <= 1023);
	CHECK(captured[0] == '+' && captured[1] == '0');
	CHECK(captured[captured_len - 1] == '\n');
	printk_remove_sink(capture);
}

/* A sink that prints once more the first time it is called, as an interrupt handler may
 * while held messages are being sent. */
static bool reentered;
static void capture_and_print(const char *s, size_t n)
{
	capture(s, n);
	if (!reentered) {
		reentered = true;
		printk("meanwhile\n");
	}
}

/* The two sinks of the holding tests, empty: one at the default level that prints once
 * more on its first call (an interrupt's message), one at KERN_DEBUG. */
static void hold_sinks_start(void)
{
	captured_len = 0;
	dbg_len = 0;
	reentered = false;
	CHECK(printk_add_sink(capture_and_print, false) == 0);
	CHECK(printk_add_sink(capture_debug, false) == 0);
	printk_set_sink_level(capture_debug, 7);
}

/* Holding (the shell while a line is edited): messages reach the ring but no sink, and
 * printk_held says so; turning it off sends them in order, each to the sinks its level
 * admits, also one printed while they are being sent (after them); then output flows
 * again. A panic's printk_hold(false) is the same call. */
static void test_hold(void)
{
	hold_sinks_start();
	CHECK(!printk_held(NULL));
	printk_hold(true);
	CHECK(!printk_held(NULL));
	printk("kbd: usb 1-1 removed\n");
	printk(KERN_DEBUG "debug line\n");
	CHECK(captured_len == 0 && dbg_len == 0);
	CHECK(printk_held(NULL) && printk_held(capture_and_print) && printk_held(capture_debug));
	printk_hold(false);
	CHECK(!printk_held(NULL) && !printk_held(capture_debug));
	captured[captured_len] = '\0';
	dbg[dbg_len] = '\0';
	CHECK(strcmp(captured, "kbd: usb 1-1 removed\nmeanwhile\n") == 0);
	CHECK(strcmp(dbg, "kbd: usb 1-1 removed\ndebug line\nmeanwhile\n") == 0);
	printk("after\n");
	captured[captured_len] = '\0';
	CHECK(strstr(captured, "meanwhile\nafter\n") != NULL);
	printk_remove_sink(capture_and_print);
	printk_remove_sink(capture_debug);
}

/* Held messages by the sinks that show them, and sent up to a mark: a debug line alone is
 * held for the debug sink only (the shell then redraws the line on the serial view, not on
 * the screen); printk_held_send(mark) sends exactly the messages before the mark, also when
 * a sink prints meanwhile (an interrupt), and goes on holding what came after it; with
 * holding off, output flows and nothing is held. */
static void test_held_by_sink(void)
{
	size_t mark;

	hold_sinks_start();
	printk_hold(true);
	printk(KERN_DEBUG "usb: high-speed device connected\n");
	CHECK(printk_held(NULL) && printk_held(capture_debug) && !printk_held(capture_and_print));
	CHECK(!printk_held(capture)); /* not a sink: shows nothing */
	printk("kbd: ready\n");
	CHECK(printk_held(capture_and_print));
	mark = printk_held_mark();
	printk("after the mark\n");
	printk_held_send(mark);
	captured[captured_len] = '\0';
	dbg[dbg_len] = '\0';
	CHECK(strcmp(captured, "kbd: ready\n") == 0);
	CHECK(strcmp(dbg, "usb: high-speed device connected\nkbd: ready\n") == 0);
	CHECK(printk_held(capture_and_print)); /* "after the mark" and "meanwhile" */
	printk_held_send(printk_held_mark());
	captured[captured_len] = '\0';
	CHECK(strcmp(captured, "kbd: ready\nafter the mark\nmeanwhile\n") == 0);
	CHECK(!printk_held(NULL));
	printk_held_send(printk_held_mark()); /* nothing held: nothing sent */
	CHECK(captured_len == strlen("kbd: ready\nafter the mark\nmeanwhile\n"));
	printk_hold(false);
	printk("flowing\n");
	captured[captured_len] = '\0';
	CHECK(strstr(captured, "meanwhile\nflowing\n") != NULL && !printk_held(NULL));
	printk_remove_sink(capture_and_print);
	printk_remove_sink(capture_debug);
}

/* Held for longer than the ring holds (100 KiB of messages): the release sends what the
 * ring still has, from a record's start (no torn first message), ending with the newest. */
static void test_hold_overflow(void)
{
	tail_len = 0;
	CHECK(printk_add_sink(capture_tail, false) == 0);
	printk_hold(true);
	for (int i = 0; i < 4000; i++)
		printk("held-line-%05d-padding-padding\n", i);
	printk("newest\n");
	CHECK(tail_len == 0);
	printk_hold(false);
	CHECK(tail_len > 60000 && tail_len <= 65536);
	CHECK(strncmp(tail_first, "held-line-", 10) == 0);
	CHECK(tail_last_ok);
	printk_remove_sink(capture_tail);
}

/* printk inside printk, as an NMI handler does when the NMI lands in the middle of another
 * message's append (printk_host_mid_append: called there on the host). The runs of the log
 * are written to runs[] separated by '|'. */
extern void (*printk_host_mid_append)(void);
static char runs[70000]; /* more than the 64 KiB ring */
static size_t runs_len;
static int nested_to_print;

static void capture_runs(const char *s, size_t n)
{
	if (runs_len + n + 1 >= sizeof(runs))
		runs_len = 0; /* only the newest records matter */
	memcpy(runs + runs_len, s, n);
	runs_len += n;
	runs[runs_len++] = '|';
	runs[runs_len] = '\0';
}

static void nmi_printk(void)
{
	static const char *const msgs[] = {"nmi: first\n", "nmi: second\n"};
	int count = nested_to_print;

	nested_to_print = 0; /* once: the nested printks' own appends must not print again */
	for (int i = 0; i < count; i++)
		printk(KERN_ERR "%s", msgs[i]);
}

/* 1. One message printed inside the append of another: the interrupted record stays
 * whole and the nested one follows it as a record of its own, in the log and on the sink
 * (which gets both, in that order). Before: the nested record was written into the
 * middle of the other ("nmi: first\nouter record\n" as one record, the outer one empty).
 * 2. Two of them inside one append: the first is kept, the second is dropped and counted,
 * and the count is logged right after. */
static void test_nested_in_append(void)
{
	hold_sinks_start();
	reentered = true; /* no "meanwhile" from the sink here */
	printk_host_mid_append = nmi_printk;
	nested_to_print = 1;
	printk("outer record\n");
	captured[captured_len] = '\0';
	CHECK(strcmp(captured, "outer record\nnmi: first\n") == 0);
	runs_len = 0;
	printk_dump_log(capture_runs);
	CHECK(runs_len > 0 && strstr(runs, "|outer record\n|nmi: first\n|") != NULL);
	CHECK(runs_len >= strlen("outer record\n|nmi: first\n|") && /* the newest records */
	      strcmp(runs + runs_len - strlen("outer record\n|nmi: first\n|"),
		     "outer record\n|nmi: first\n|") == 0);

	captured_len = 0;
	nested_to_print = 2;
	printk("outer again\n");
	captured[captured_len] = '\0';
	CHECK(strcmp(captured, "outer again\nnmi: first\n"
			       "printk: messages printed inside a printk lost: 1\n") == 0);
	runs_len = 0;
	printk_dump_log(capture_runs);
	CHECK(strstr(runs, "|outer again\n|nmi: first\n|printk: messages printed inside a "
			   "printk lost: 1\n|") != NULL);
	printk_host_mid_append = NULL;
	printk_remove_sink(capture_and_print);
	printk_remove_sink(capture_debug);
}

/* A message printed inside an append and longer than the slot that keeps it (160 bytes):
 * kept cut to the slot, at a character boundary (a 3-byte character straddles the cut: its
 * first two bytes would fit), and still a line of its own in the log and on the sink. */
static void nmi_long_printk(void)
{
	char msg[220];
	size_t n = 0;

	printk_host_mid_append = NULL; /* once */
	while (n < 151)
		msg[n++] = 'n';
	while (n < 200) { /* U+20AC from byte 151 on: the one at 157-159 straddles the cut */
		memcpy(msg + n, "\xe2\x82\xac", 3);
		n += 3;
	}
	msg[n] = '\0';
	printk(KERN_ERR "%s\n", msg);
}

static void test_nested_long_cut(void)
{
	const char *line;
	size_t len;

	hold_sinks_start();
	reentered = true;
	printk_host_mid_append = nmi_long_printk;
	printk("outer long\n");
	captured[captured_len] = '\0';
	CHECK(strncmp(captured, "outer long\nnnn", 14) == 0);
	line = strchr(captured, '\n') + 1;
	len = strlen(line);
	CHECK(len > 0 && len <= 160 && line[len - 1] == '\n');
	CHECK_EQ(len, 151 + 2 * 3 + 1); /* 151 n, two whole euros (6 bytes), the newline */
	CHECK(strchr(line, 'n') == line && line[151] == '\xe2' && line[len - 2] == '\xac');
	printk_host_mid_append = NULL;
	printk_remove_sink(capture_and_print);
	printk_remove_sink(capture_debug);
}

/* A panic that lands in the middle of a printk's append: a machine check, or an NMI with
 * nmi=panic. panic_begin calls printk_panic, prints its report and halts: it never returns
 * to the append, which a longjmp stands for here. */
static jmp_buf panic_halt;
static int appends_until_panic; /* the append (counting from 1) the panic interrupts */
static bool nmi_first;          /* before that, an NMI prints inside the first append */

static void panic_mid_append(void)
{
	if (nmi_first) {
		nmi_first = false;
		printk(KERN_ERR "nmi: before the panic\n"); /* kept aside in the slot */
	}
	if (--appends_until_panic > 0)
		return;
	printk_host_mid_append = NULL;
	printk_panic();
	printk(KERN_ERR "PANIC: Machine check (vector 18)\n");
	printk("System halted.\n");
	longjmp(panic_halt, 1);
}

/* printk(msg) with the panic landing in its appends-th append (1: its own record's). */
static void printk_cut_by_panic(int appends, const char *msg)
{
	appends_until_panic = appends;
	printk_host_mid_append = panic_mid_append;
	if (!setjmp(panic_halt))
		printk("%s", msg);
	printk_host_mid_append = NULL;
}

/* 1. The panic interrupts a message's append: that message, whole, then the report reach
 * the sinks and the log. Before: the append it interrupted never finished, so printk took
 * every message of the panic for one printed inside an append: the first was kept aside
 * for a flush that never came, the others dropped; the machine halted with nothing said.
 * Then the interrupted message itself was given up: the last line before the panic (here
 * the machine-check bank being reported when the next machine check came) never reached
 * the screen or serial, and after a panic there is no dmesg to find it in the ring.
 * 2. The panic interrupts the append of a message that an NMI had kept aside (the flush
 * after the outer message): that message is shown once, before the report, instead of
 * being left to a flush that can no longer run.
 * 3. While holding (the shell waiting for a key): the held messages, then the interrupted
 * one, then the report, each once and whole. */
static void test_panic_in_append(void)
{
	hold_sinks_start();
	reentered = true;
	printk_cut_by_panic(1, "mce: bank 4 status\n");
	captured[captured_len] = '\0';
	CHECK(strcmp(captured, "mce: bank 4 status\nPANIC: Machine check (vector 18)\n"
			       "System halted.\n") == 0);
	runs_len = 0;
	printk_dump_log(capture_runs);
	CHECK(strstr(runs, "|mce: bank 4 status\n|PANIC: Machine check (vector 18)\n|"
			   "System halted.\n|") != NULL);
	printk("after\n"); /* the ring is not left busy (on the host the run goes on) */
	CHECK(strstr(captured, "System halted.\nafter\n") != NULL);

	captured_len = 0;
	nmi_first = true;
	printk_cut_by_panic(2, "outer\n"); /* the outer record's append, then the slot's */
	printk("after\n"); /* no second copy of the slot's message */
	captured[captured_len] = '\0';
	CHECK(strcmp(captured, "outer\nnmi: before the panic\nPANIC: Machine check (vector 18)\n"
			       "System halted.\nafter\n") == 0);

	captured_len = 0;
	printk_hold(true);
	printk("held\n");
	printk_cut_by_panic(1, "usb: port 3 reset\n");
	captured[captured_len] = '\0';
	CHECK(strcmp(captured, "held\nusb: port 3 reset\nPANIC: Machine check (vector 18)\n"
			       "System halted.\n") == 0);
	CHECK(!printk_held(NULL));
	printk_remove_sink(capture_and_print);
	printk_remove_sink(capture_debug);
}

/* Command line: bare flags, key=value, prefixes that must not match, empty values. */
static void test_cmdline(void)
{
	char v[16];

	cmdline_set("selftest console=fb  kbd.layout=de console.scale=2 empty=");
	CHECK(cmdline_has("selftest"));
	CHECK(!cmdline_has("self"));
	CHECK(cmdline_get("console", v, sizeof(v)) && strcmp(v, "fb") == 0);
	CHECK(cmdline_get("kbd.layout", v, sizeof(v)) && strcmp(v, "de") == 0);
	CHECK(cmdline_get("console.scale", v, sizeof(v)) && strcmp(v, "2") == 0);
	CHECK(cmdline_get("empty", v, sizeof(v)) && v[0] == '\0');
	CHECK(!cmdline_get("missing", v, sizeof(v)));
	CHECK(cmdline_get("selftest", v, sizeof(v)) && v[0] == '\0');
	/* A value too long for the buffer is present but never cut: "" (test_cmdline.c has
	 * cmdline_value's -E2BIG). */
	cmdline_set("console=averyveryverylongvalue");
	CHECK(cmdline_get("console", v, 5) && v[0] == '\0');
}

int main(void)
{
	RUN(test_integers);
	RUN(test_flags_and_precision);
	RUN(test_strings);
	RUN(test_special);
	RUN(test_width_above_int_max);
	RUN(test_length_at_int_max);
	RUN(test_truncation);
	RUN(test_sink_replay_and_levels);
	RUN(test_sink_levels_and_dump);
	RUN(test_ring_wraps);
	RUN(test_long_message);
	RUN(test_printk_length_at_int_max);
	RUN(test_hold);
	RUN(test_held_by_sink);
	RUN(test_hold_overflow);
	RUN(test_nested_long_cut);
	RUN(test_nested_in_append);
	RUN(test_panic_in_append);
	RUN(test_cmdline);
	return unit_summary();
}
