/* SPDX-License-Identifier: MIT */
/* Test-only controls of the host stand-ins. */
#ifndef LIOS_ARCH_HOST_H
#define LIOS_ARCH_HOST_H

/* Called by panic() with the formatted message; a test may longjmp out of it. */
extern void (*host_panic_hook)(const char *msg);

#endif
