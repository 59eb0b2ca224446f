/* SPDX-License-Identifier: MIT */
/* Internal interfaces between the boot steps of src/kernel/. */
#ifndef KERNEL_INTERNAL_H
#define KERNEL_INTERNAL_H

#include <lios/bootinfo.h>
#include <lios/compiler.h>

/* The parsed boot information, valid after the parse step. */
const struct bootinfo *kernel_bootinfo(void);

/* Self-test mode: run every test, print the verdict, exit QEMU or halt. */
__noreturn void selftest_main(void);

#endif
