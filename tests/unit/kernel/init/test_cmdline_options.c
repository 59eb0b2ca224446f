// SPDX-License-Identifier: MIT
/*
 * Unit tests of the list of the command line's options (src/kernel/init/cmdline_options.c)
 * through cmdline_check, as kmain runs it at boot: every option README documents, in each
 * form it documents, passes without a word; a typo, a value after a flag, and a value that
 * an option whose reader falls back in silence does not take are each named; and the list
 * is complete: every key the source reads (cmdline_has, cmdline_value, cmdline_get in src/,
 * found by reading the files) is in it, and nothing else but the UEFI entry's two.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lios/cmdline.h>
#include <lios/printk.h>
#include "cmdline_options.h"
#include "../../unit.h"
#include "log_capture.h"

/* cmdline_check with the kernel's options on line: the number of words warned about. */
static unsigned check(const char *line)
{
	size_t n;
	const struct cmdline_option *opts = kernel_cmdline_options(&n);

	log_capture_clear();
	cmdline_set(line);
	return cmdline_check(opts, n);
}

/* Each documented option in each documented form, the lines the QEMU tests boot with, and
 * a bare heap.trace (the default ring): no warning. */
static void test_documented_forms_pass(void)
{
	static const char *const lines[] = {
		"selftest",
		"console=vga",
		"console=fb",
		"console=serial",
		"console.mode=1024x768",
		"console.scale=3",
		"console.simd=0",
		"console.pager=off",
		"console.pager=on",
		"noapic",
		"nolapic_timer",
		"timer.c1e=on",
		"timer.c1e=off",
		"usb.poll",
		"usb.kbd=report",
		"usb.kbd=boot",
		"nmi=panic",
		"dmar.test_left_on",
		"amdvi.test_left_on",
		"efi.tiny_map",
		"heap.trace",
		"heap.trace=65536",
		"kbd.layout=de",
		"pci.roots=probe",
		"kbd.ps2=off",
		"selftest noapic nolapic_timer",
		"selftest timer.c1e=on",
		"console=serial heap.trace=0000000000000012 kbd.layout=de",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		UNIT_CHECKED();
		if (check(lines[i]) != 0) {
			fprintf(stderr, "  \"%s\": %s", lines[i], log_capture_buf);
			UNIT_FAIL();
		}
	}
}

/* Words no option reads as given are each named once: typos of real options, a flag
 * with a value (read as the flag: usb.poll=0 polls, selftest=0 runs the tests), the UEFI
 * entry's word with one (not read), and for console, console.pager, nmi and pci.roots,
 * whose readers fall back to the default in silence, a value they do not take or none. */
static void test_bad_words_named(void)
{
	static const struct {
		const char *line, *warning;
	} cases[] = {
		{ "noapci", "cmdline: unknown option \"noapci\", ignored\n" },
		{ "nolapic-timer", "cmdline: unknown option \"nolapic-timer\", ignored\n" },
		{ "console.scal=2", "cmdline: unknown option \"console.scal=2\", ignored\n" },
		{ "Selftest", "cmdline: unknown option \"Selftest\", ignored\n" },
		{ "usb.poll=0",
		  "cmdline: \"usb.poll=0\": usb.poll takes no value, read as usb.poll\n" },
		{ "selftest=0",
		  "cmdline: \"selftest=0\": selftest takes no value, read as selftest\n" },
		{ "noapic=off",
		  "cmdline: \"noapic=off\": noapic takes no value, read as noapic\n" },
		{ "efi.tiny_map=1",
		  "cmdline: \"efi.tiny_map=1\": efi.tiny_map takes no value, ignored\n" },
		{ "console=ttyS0",
		  "cmdline: \"console=ttyS0\": not console=vga|fb|serial, ignored\n" },
		{ "console", "cmdline: \"console\": not console=vga|fb|serial, ignored\n" },
		{ "console.pager=no",
		  "cmdline: \"console.pager=no\": not console.pager=on|off, ignored\n" },
		{ "nmi=panik", "cmdline: \"nmi=panik\": not nmi=panic, ignored\n" },
		{ "nmi=", "cmdline: \"nmi=\": not nmi=panic, ignored\n" },
		{ "pci.roots=yes", "cmdline: \"pci.roots=yes\": not pci.roots=probe, ignored\n" },
		{ "pci.roots", "cmdline: \"pci.roots\": not pci.roots=probe, ignored\n" },
		{ "console.mode=1024x768junk",
		  "cmdline: \"console.mode=1024x768junk\": not console.mode=WxH, ignored\n" },
		{ "console.mode=big",
		  "cmdline: \"console.mode=big\": not console.mode=WxH, ignored\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_EQ(check(cases[i].line), 1);
		CHECK_STR_EQ(log_capture_buf, cases[i].warning);
	}
}

/* The list itself: keys unique, without '=' or blanks, choices exactly on the choice
 * options. */
static void test_list_well_formed(void)
{
	size_t n;
	const struct cmdline_option *o = kernel_cmdline_options(&n);

	CHECK(n > 0);
	for (size_t i = 0; i < n; i++) {
		CHECK(o[i].key[0] && !strpbrk(o[i].key, "= \t"));
		CHECK((o[i].form == CMDLINE_CHOICE) == (o[i].choices != NULL));
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(o[i].key, o[j].key) != 0);
	}
}

/* ------------------------------------------------------------------ the keys src/ reads */

#define MAX_KEYS 64

static char keys_read[MAX_KEYS][48]; /* every key found in a reader's call */
static size_t nkeys_read;

/* Words the source names only to check that they are not found (kernel_selftest.c). */
static bool probe_only(const char *key)
{
	return !strcmp(key, "selftes") || !strcmp(key, "no-such-option-anywhere");
}

/* Records the string literal after each "cmdline_has(\"" etc. in the file at path. */
static int scan_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	static const char *const calls[] = { "cmdline_has(\"", "cmdline_value(\"",
					     "cmdline_get(\"" };
	char *text;
	FILE *f;
	long size;

	if (type != FTW_F || strcmp(path + strlen(path) - 2, ".c") != 0 ||
	    strstr(path, "src/kernel/core/cmdline.c"))
		return 0;
	f = fopen(path, "r");
	if (!f)
		return 1;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)size + 1);
	if (fread(text, 1, (size_t)size, f) != (size_t)size)
		size = -1;
	fclose(f);
	for (size_t c = 0; size >= 0 && c < sizeof(calls) / sizeof(calls[0]); c++) {
		for (const char *p = strstr(text, calls[c]); p; p = strstr(p + 1, calls[c])) {
			const char *k = p + strlen(calls[c]), *end = strchr(k, '"');
			size_t len = end ? (size_t)(end - k) : 0, i;

			if (!len || len >= sizeof(keys_read[0]))
				continue;
			for (i = 0; i < nkeys_read; i++)
				if (strlen(keys_read[i]) == len && !strncmp(keys_read[i], k, len))
					break;
			if (i == nkeys_read && nkeys_read < MAX_KEYS) {
				memcpy(keys_read[nkeys_read], k, len);
				keys_read[nkeys_read++][len] = '\0';
			}
		}
	}
	free(text);
	return size < 0;
}

/* Every key a reader in src/ asks for is in the list (an option added to a subsystem and
 * not here would be warned about as unknown on every boot that uses it), and every key in
 * the list is read somewhere, the UEFI entry's two aside (console.mode, efi.tiny_map: read
 * by efi_map.c before the kernel runs, through its own word search). */
static void test_list_complete(void)
{
	size_t n, found = 0;
	const struct cmdline_option *o = kernel_cmdline_options(&n);

	CHECK_EQ(nftw(LIOS_SRC_DIR, scan_file, 16, FTW_PHYS), 0);
	CHECK(nkeys_read >= 15);
	for (size_t i = 0; i < nkeys_read; i++) {
		size_t j = 0;

		if (probe_only(keys_read[i]))
			continue;
		while (j < n && strcmp(o[j].key, keys_read[i]) != 0)
			j++;
		UNIT_CHECKED();
		if (j == n) {
			fprintf(stderr, "  \"%s\" is read in src/ but not in the list\n",
				keys_read[i]);
			UNIT_FAIL();
		}
	}
	for (size_t j = 0; j < n; j++) {
		size_t i = 0;

		while (i < nkeys_read && strcmp(o[j].key, keys_read[i]) != 0)
			i++;
		found += i < nkeys_read;
		UNIT_CHECKED();
		if (i == nkeys_read && strcmp(o[j].key, "console.mode") != 0 &&
		    strcmp(o[j].key, "efi.tiny_map") != 0) {
			fprintf(stderr, "  \"%s\" is in the list but read nowhere in src/\n",
				o[j].key);
			UNIT_FAIL();
		}
	}
	CHECK_EQ(found, n - 2);
}

int main(void)
{
	printk_add_sink(log_capture_sink, false);
	RUN(test_documented_forms_pass);
	RUN(test_bad_words_named);
	RUN(test_list_well_formed);
	RUN(test_list_complete);
	return unit_summary();
}
