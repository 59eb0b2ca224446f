/* SPDX-License-Identifier: MIT */
/*
 * Private to src/kernel/core: what printk.c needs of the formatter (format.c) beyond
 * kvsnprintf.
 */
#ifndef LIOS_KERNEL_CORE_FORMAT_H
#define LIOS_KERNEL_CORE_FORMAT_H

#include <lios/compiler.h>

/* kvsnprintf (-1 for a length above INT_MAX), and in *last the whole output's last
 * character ('\0' when there is none), even when that character was cut: vprintk keeps
 * the line end of a message it cuts. */
int kvsnprintf_last(char *buf, size_t size, const char *fmt, va_list ap, char *last);

#endif
