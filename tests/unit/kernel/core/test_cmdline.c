// SPDX-License-Identifier: MIT
/*
 * Unit tests of the kernel command line (src/kernel/core/cmdline.c): which word a key
 * finds, and above all that a value too long for the caller's buffer is reported, never
 * handed over cut (a cut number is another, valid-looking number).
 */
#include <string.h>
#include <lios/cmdline.h>
#include <lios/errno.h>
#include "../../unit.h"

int main(void)
{
	char buf[16];

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
