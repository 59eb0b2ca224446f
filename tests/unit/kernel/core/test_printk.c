// SPDX-License-Identifier: MIT
/*
 * Host tests of printk's formatting (kvsnprintf), its sinks and log replay, and of the
 * command-line parser. The expected strings are what the C standard's printf gives for the
 * same format, checked against the host's snprintf where the two overlap.
 */
#include <lios/cmdline.h>
#include <lios/printk.h>
#include <lios/string.h>
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

/* Strings and characters: width, left alignment, precision, '*' arguments. */
static void test_strings(void)
{
	SAME_AS_LIBC("[%s] [%10s] [%-10s] [%.3s] [%.*s]", "abc", "abc", "abc", "abcdef", 2, "xyz");
	SAME_AS_LIBC("[%c] [%3c] [%-3c] %%", 'a', 'b', 'c');
	SAME_AS_LIBC("[%*d]", 6, 12);
}

/* NULL strings print "(null)", pointers as 0x..., %pS and %pB without a symbol table as the
 * address itself (%pB looks up address - 1 but never prints it). */
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
	RUN(test_strings);
	RUN(test_special);
	RUN(test_truncation);
	RUN(test_sink_replay_and_levels);
	RUN(test_sink_levels_and_dump);
	RUN(test_ring_wraps);
	RUN(test_cmdline);
	return unit_summary();
}
