// SPDX-License-Identifier: MIT
/*
 * panic() and the printk sink for host programs. A test that expects a panic installs
 * host_panic_hook (for example a longjmp back into the test); otherwise the message goes to
 * stderr and the program aborts, which fails the test.
 */
#include <lios/panic.h>
#include <lios/printk.h>
#include <stdio.h>
#include <stdlib.h>
#include "host.h"

void (*host_panic_hook)(const char *msg);

void panic(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (host_panic_hook)
		host_panic_hook(msg);
	fprintf(stderr, "PANIC: %s\n", msg);
	abort();
}

void panic_set_info_hook(panic_info_fn fn) { (void)fn; }
void panic_set_screen_hook(panic_info_fn fn) { (void)fn; }
