/* SPDX-License-Identifier: MIT */
/*
 * panic(): the kernel cannot continue. Prints "PANIC: <reason>", registers and a symbolized
 * backtrace on every sink, then halts (never reboots). assert() guards preconditions.
 */
#ifndef LIOS_PANIC_H
#define LIOS_PANIC_H

#include <lios/compiler.h>

__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define assert(cond)                                                                     \
	do {                                                                                 \
		if (unlikely(!(cond)))                                                           \
			panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__);             \
	} while (0)

/* Panic screen pieces shared by panic() and the exception handlers: begin (interrupts off,
 * console switched to its panic colours, recursion guard) and end (info hook, halt). */
#define PANIC_COLOR "\033[1;97;41m"
#define PANIC_RESET "\033[0m"
void panic_begin(void);
__noreturn void panic_end(void);

/* Hooks handed down by kmain (panic is core and never calls up): extra lines for the panic
 * screen (firmware, console mode, memory), and the screen's switch to its panic colours
 * (called first, interrupts off). */
typedef void (*panic_info_fn)(void);
void panic_set_info_hook(panic_info_fn fn);
void panic_set_screen_hook(panic_info_fn fn);

#endif
