/* SPDX-License-Identifier: MIT */
/* The serial console (16550 UART on COM1, 115200 8N1): the first and last output path. */
#ifndef LIOS_SERIAL_H
#define LIOS_SERIAL_H

#include <lios/types.h>

/* Probes COM1 (scratch register and loopback test) and programs 115200 8N1. Returns 0, or
 * -ENODEV when no UART answers (then serial_write does nothing). Callable first thing. */
int serial_init(void);
bool serial_present(void);
/* Writes bytes, turning "\n" into "\r\n". Polled, bounded wait per byte; a transmitter
 * that stays full past one wait is marked stuck and bytes are dropped without waiting
 * until it empties again (said once with printk). Any context. */
void serial_write(const char *s, size_t len);
/* Returns a received byte, or -1 when none is waiting (also when the UART has gone away:
 * a floating bus reads 0xff, which is never taken for a byte). */
int serial_read(void);

#endif
