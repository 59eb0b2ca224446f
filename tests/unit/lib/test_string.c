// SPDX-License-Identifier: MIT
/*
 * Unit test of src/lib/string.c's own functions (the host build uses the C library's
 * memcpy, strcmp, ...): lios_strlcpy's cut and terminator, lios_nth_str's order,
 * duplicates and end, which the shell's command list, its completion and `selftest`'s
 * suites go through.
 */
#include <lios/compiler.h>
#include <lios/string.h>
#include "../unit.h"

static const char *words_name(const void *ctx, size_t j) { return ((const char *const *)ctx)[j]; }

/* Every i of an n-word list against the expected order, then NULL at the end and past it. */
static void expect_order(const char *const *words, size_t n, const char *const *want, size_t nwant)
{
	for (size_t i = 0; i <= nwant + 1; i++) {
		const char *got = lios_nth_str(words_name, words, n, i);
		const char *exp = i < nwant ? want[i] : NULL;

		UNIT_CHECKED();
		if (exp ? !got || strcmp(got, exp) != 0 : got != NULL) {
			fprintf(stderr, "  %zu: \"%s\", expected \"%s\"\n", i, got ? got : "(null)",
				exp ? exp : "(null)");
			UNIT_FAIL();
		}
	}
}

/* Unsorted input comes out in strcmp order: a prefix before its extensions, upper case
 * before lower (ASCII), and the empty string first. */
static void test_nth_str_order(void)
{
	static const char *const words[] = { "reboot", "help", "", "Zed", "he", "mem", "helpers" };
	static const char *const want[] = { "", "Zed", "he", "help", "helpers", "mem", "reboot" };

	expect_order(words, ARRAY_SIZE(words), want, ARRAY_SIZE(want));
}

/* A string that occurs many times (the selftest suites: one entry per test) is listed
 * once, wherever its copies are. */
static void test_nth_str_duplicates(void)
{
	static const char *const words[] = { "mm", "heap", "mm", "mm", "acpi", "heap", "mm" };
	static const char *const want[] = { "acpi", "heap", "mm" };

	expect_order(words, ARRAY_SIZE(words), want, ARRAY_SIZE(want));
}

/* No strings: NULL from the first index. One string: itself, then NULL. */
static void test_nth_str_empty_and_one(void)
{
	static const char *const one[] = { "usb" };

	expect_order(one, 0, NULL, 0);
	expect_order(one, 1, one, 1);
}

/* lios_strlcpy cuts to size - 1 bytes, always terminates, returns the source's length, and
 * writes nothing for size 0. */
static void test_strlcpy(void)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	CHECK(lios_strlcpy(buf, "keyboard", 5) == 8);
	CHECK(strcmp(buf, "keyb") == 0);
	CHECK(buf[5] == 'x');
	CHECK(lios_strlcpy(buf, "usb", sizeof(buf)) == 3);
	CHECK(strcmp(buf, "usb") == 0);
	buf[0] = 'q';
	CHECK(lios_strlcpy(buf, "abc", 0) == 3);
	CHECK(buf[0] == 'q');
}

int main(void)
{
	RUN(test_nth_str_order);
	RUN(test_nth_str_duplicates);
	RUN(test_nth_str_empty_and_one);
	RUN(test_strlcpy);
	return unit_summary();
}
