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

#endif
