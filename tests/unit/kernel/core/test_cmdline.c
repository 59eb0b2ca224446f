// SPDX-License-Identifier: MIT
/*
 * Unit tests of the kernel command line (src/kernel/core/cmdline.c): which word a key
 * finds, and above all that a value too long for the caller's buffer is reported, never
 * handed over cut (a cut number is another, valid-looking number); and cmdline_check, which
 * names every word no option reads as given, against a made-up set of options.
 */
#include <string.h>
#include <lios/cmdline.h>
#include <lios/errno.h>
#include <lios/printk.h>
#include "../../unit.h"
#include "log_capture.h"

/* A made-up set of options, one of each form. */
static const struct cmdline_option opts[] = {
	{ "selftest", CMDLINE_FLAG, NULL },       { "efi.tiny_map", CMDLINE_WORD, NULL },
	{ "console.scale", CMDLINE_VALUE, NULL }, { "console", CMDLINE_CHOICE, "vga|fb|serial" },
	{ "console.mode", CMDLINE_SIZE, NULL },
};

/* cmdline_check on line: the number of words warned about; log_capture_buf holds the
 * warnings. */
static unsigned check(const char *line)
{
	log_capture_clear();
	cmdline_set(line);
	return cmdline_check(opts, sizeof(opts) / sizeof(opts[0]));
}

/* Words the options read as given are not warned about: flags, a word option alone, any
 * value of an option whose reader checks its values (theirs to refuse: "abc", none, ""),
 * each of a choice's values, a wrong choice overridden by a later word of its key, and
 * odd spacing; an empty line neither. */
static void test_check_quiet(void)
{
	CHECK_EQ(check(""), 0);
	CHECK_EQ(check("   "), 0);
	CHECK_EQ(check("  selftest   efi.tiny_map console.scale=abc console.scale "), 0);
	CHECK_EQ(check("console.scale= console=vga"), 0);
	CHECK_EQ(check("console=fb"), 0);
	CHECK_EQ(check("console=oops console=serial"), 0);
	CHECK_EQ(check("console.mode=1024x768 console.mode=1x1 console.mode=999999x999999"), 0);
	CHECK_EQ(check("console.mode=big console.mode=640x480"), 0);
	CHECK_STR_EQ(log_capture_buf, "");
}

/* Each word no option reads as given is said as a warning naming it, and only it: an
 * unknown key (a typo, another case, a key cut short, an empty key), a value given to a
 * flag (still read as the flag: `selftest=no` runs the tests) or to a word option (not
 * read), and a choice's word that counts with another value, no value, an empty one, a
 * prefix of a value, the list itself, or a value too long for any reader's buffer. The
 * line is only read: the other words still give what they gave. */
static void test_check_warns(void)
{
	char buf[16];

	CHECK_EQ(check("noapci Console=vga console.scal=2 =1 selftest"), 4);
	CHECK_STR_EQ(log_capture_buf, "cmdline: unknown option \"noapci\", ignored\n"
				      "cmdline: unknown option \"Console=vga\", ignored\n"
				      "cmdline: unknown option \"console.scal=2\", ignored\n"
				      "cmdline: unknown option \"=1\", ignored\n");
	CHECK_EQ(check("selftest=no efi.tiny_map=1 selftest="), 3);
	CHECK_STR_EQ(log_capture_buf,
		     "cmdline: \"selftest=no\": selftest takes no value, read as selftest\n"
		     "cmdline: \"efi.tiny_map=1\": efi.tiny_map takes no value, ignored\n"
		     "cmdline: \"selftest=\": selftest takes no value, read as selftest\n");
	CHECK(cmdline_has("selftest"));
	CHECK_EQ(check("console=serial console=Serial"), 1);
	CHECK_STR_EQ(log_capture_buf,
		     "cmdline: \"console=Serial\": not console=vga|fb|serial, ignored\n");
	CHECK_EQ(check("console"), 1);
	CHECK_STR_EQ(log_capture_buf, "cmdline: \"console\": not console=vga|fb|serial, ignored\n");
	CHECK_EQ(check("console="), 1);
	CHECK_EQ(check("console=se"), 1);
	CHECK_EQ(check("console=vga|fb"), 1);
	CHECK_EQ(check("console=serialserialserialserial"), 1);
	CHECK_EQ(check("console.mode=1024x768junk"), 1);
	CHECK_STR_EQ(log_capture_buf,
		     "cmdline: \"console.mode=1024x768junk\": not console.mode=WxH, "
		     "ignored\n");
	CHECK_EQ(check("console.mode"), 1);
	CHECK_EQ(check("console.mode="), 1);
	CHECK_EQ(check("console.mode=1024"), 1);
	CHECK_EQ(check("console.mode=1024x"), 1);
	CHECK_EQ(check("console.mode=x768"), 1);
	CHECK_EQ(check("console.mode=0x768"), 1);
	CHECK_EQ(check("console.mode=1024x0"), 1);
	CHECK_EQ(check("console.mode=1000000x768"), 1); /* seven digits: the UEFI entry reads six */
	CHECK_EQ(check("console.mode=1024X768"), 1);
	CHECK_EQ(check("console.scale=2 nosuch console=fb"), 1);
	CHECK_EQ(cmdline_value("console.scale", buf, sizeof(buf)), 1);
	CHECK_STR_EQ(buf, "2");
	CHECK_EQ(cmdline_value("console", buf, sizeof(buf)), 2);
	CHECK_STR_EQ(buf, "fb");
}

/* Input a loader might pass that the line does not understand: no line at all (NULL: an
 * empty one), a Tab between words (words are split at spaces only, as GRUB joins them;
 * "selftest<Tab>noapic" is one unknown word, said, and neither option is set), and quotes
 * (kept in the value: console="serial" is no value console takes, said). */
static void test_odd_input(void)
{
	cmdline_set(NULL);
	CHECK_STR_EQ(cmdline_raw(), "");
	CHECK(!cmdline_has("selftest"));
	CHECK_EQ(check("selftest\tnoapic"), 1);
	CHECK_STR_EQ(log_capture_buf, "cmdline: unknown option \"selftest\tnoapic\", ignored\n");
	CHECK(!cmdline_has("selftest"));
	CHECK_EQ(check("console=\"serial\""), 1);
	CHECK_STR_EQ(log_capture_buf,
		     "cmdline: \"console=\"serial\"\": not console=vga|fb|serial, ignored\n");
}

int main(void)
{
	char buf[16];

	printk_add_sink(log_capture_sink, false);
	test_check_quiet();
	test_check_warns();
	test_odd_input();

	cmdline_set("selftest console=serial console.scale=2 heap.trace=0000000000000012 "
		    "kbd.layout=de-nodeadkeys-x e= fits=123456789012345");

	/* An absent key: -ENOENT, buf emptied; cmdline_get says false. */
	strcpy(buf, "junk");
	CHECK_EQ(cmdline_value("noapic", buf, sizeof(buf)), -ENOENT);
	CHECK_EQ(buf[0], '\0');
	CHECK(!cmdline_get("noapic", buf, sizeof(buf)));

	/* A bare key: present with the empty value (length 0). */
	CHECK_EQ(cmdline_value("selftest", buf, sizeof(buf)), 0);
	CHECK_EQ(buf[0], '\0');

	/* "console" finds console=serial, not console.scale=2 (a key is a whole key). */
	CHECK_EQ(cmdline_value("console", buf, sizeof(buf)), 6);
	CHECK(strcmp(buf, "serial") == 0);
	CHECK_EQ(cmdline_value("console.scale", buf, sizeof(buf)), 1);
	CHECK(strcmp(buf, "2") == 0);

	/* "key=" is the empty value too. */
	CHECK_EQ(cmdline_value("e", buf, sizeof(buf)), 0);

	/* A key given twice is the last word's, as in Linux: a word appended in GRUB's editor
	 * overrides the entry's own (the first one counted before). A bare repeat of a key
	 * given a value counts as the bare key. */
	cmdline_set("console.scale=1 usb.kbd=boot selftest console.scale=3 usb.kbd");
	CHECK_EQ(cmdline_value("console.scale", buf, sizeof(buf)), 1);
	CHECK(strcmp(buf, "3") == 0);
	CHECK_EQ(cmdline_value("usb.kbd", buf, sizeof(buf)), 0);
	CHECK(cmdline_has("selftest"));
	cmdline_set("selftest console=serial console.scale=2 heap.trace=0000000000000012 "
		    "kbd.layout=de-nodeadkeys-x e= fits=123456789012345");

	/* A value of exactly size-1 bytes fits: 15 digits in 16 bytes. */
	CHECK_EQ(cmdline_value("fits", buf, sizeof(buf)), 15);
	CHECK(strcmp(buf, "123456789012345") == 0);

	/* The review's case: heap.trace=0000000000000012 (16 digits) in a 16-byte buffer is
	 * -E2BIG with buf "", not "000000000000001" (1 event instead of 12). */
	strcpy(buf, "junk");
	CHECK_EQ(cmdline_value("heap.trace", buf, sizeof(buf)), -E2BIG);
	CHECK_EQ(buf[0], '\0');

	/* The same value fits a bigger buffer whole. */
	{
		char big[32];

		CHECK_EQ(cmdline_value("heap.trace", big, sizeof(big)), 16);
		CHECK(strcmp(big, "0000000000000012") == 0);
	}

	/* cmdline_get (kept for callers that only test presence): a value too long is
	 * present with "", so a name compare refuses it instead of matching a cut prefix. */
	strcpy(buf, "junk");
	CHECK(cmdline_get("kbd.layout", buf, 4));
	CHECK_EQ(buf[0], '\0');

	/* One byte too long for a 2-byte buffer: "2" fits, "serial" does not. */
	CHECK_EQ(cmdline_value("console.scale", buf, 2), 1);
	CHECK_EQ(cmdline_value("console", buf, 2), -E2BIG);

	/* A line longer than the kernel keeps (511 bytes): the word cut at the end is dropped
	 * whole, not kept as another one (heap.trace=12 cut to a bare heap.trace, which asks
	 * for the default ring); the words before it stay. */
	{
		char line[600];

		memset(line, 'x', sizeof(line));
		memcpy(line, "a=1 ", 4);
		strcpy(line + 500, " heap.trace=12");
		cmdline_set(line);
		CHECK(cmdline_has("a"));
		CHECK_EQ(cmdline_value("heap.trace", buf, sizeof(buf)), -ENOENT);
		line[511] = ' '; /* "... heap.trace =12": the cut falls on a blank, the word
				  * before it is whole and stays */
		cmdline_set(line);
		CHECK_EQ(cmdline_value("heap.trace", buf, sizeof(buf)), 0);
	}

	return unit_exit("test_cmdline");
}
