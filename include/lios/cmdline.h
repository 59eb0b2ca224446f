/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line: space-separated words, "key" or "key=value".
 * cmdline_get("console", buf, size) copies the value of console=..., cmdline_has("selftest")
 * tests a bare flag. Pure; compiled for the host too.
 */
#ifndef LIOS_CMDLINE_H
#define LIOS_CMDLINE_H

#include <lios/types.h>

void cmdline_set(const char *cmdline);
/* Copies the value of key=value into buf (terminated); returns false if the key is absent. */
bool cmdline_get(const char *key, char *buf, size_t size);
bool cmdline_has(const char *key);
const char *cmdline_raw(void);

#endif
