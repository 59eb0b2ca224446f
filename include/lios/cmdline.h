/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line: space-separated words, "key" or "key=value"; a key given more
 * than once is the last word's (a word appended in GRUB's editor overrides the entry's).
 * cmdline_value("console", buf, size) copies the value of console=..., cmdline_has("selftest")
 * tests a bare flag. Pure; compiled for the host too.
 */
#ifndef LIOS_CMDLINE_H
#define LIOS_CMDLINE_H

#include <lios/types.h>

void cmdline_set(const char *cmdline);
/* Copies the value of key=value into buf (terminated). Returns its length, -ENOENT when
 * the key is absent, or -E2BIG when it does not fit in size-1 bytes (buf is then "", never
 * a cut value): a caller refuses such a value as it refuses a malformed one. */
int cmdline_value(const char *key, char *buf, size_t size);
/* The same as a bool: false only when the key is absent (a value too long gives ""). */
bool cmdline_get(const char *key, char *buf, size_t size);
bool cmdline_has(const char *key);
const char *cmdline_raw(void);

/* An option LiOS reads, for cmdline_check: its key and how it is given. */
enum cmdline_form {
	CMDLINE_FLAG,   /* "key"; its reader tests presence (cmdline_has), so "key=..." sets it */
	CMDLINE_WORD,   /* "key" alone counts (the UEFI entry's words); "key=..." is not read */
	CMDLINE_VALUE,  /* "key=value" (or "key"); its reader checks the value and says why not */
	CMDLINE_CHOICE, /* "key=value", value one of choices; another one, or none, is not read */
	CMDLINE_SIZE,   /* "key=WxH", two numbers of 1-6 digits, neither 0; else not read */
};

struct cmdline_option {
	const char *key;
	enum cmdline_form form;
	const char *choices; /* CMDLINE_CHOICE: the values taken, '|' between them: "vga|fb" */
};

/* Warns about each word of the line that no option of opts[0..n) reads as given: an
 * unknown key, a value after a flag, a value that is none of an option's choices or not a
 * size.
 * Returns how many words it warned about. */
unsigned cmdline_check(const struct cmdline_option *opts, size_t n);

#endif
