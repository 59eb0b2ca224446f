/* SPDX-License-Identifier: MIT */
/*
 * Host stand-in for <arch/io.h>, so that real arch code runs on the host against simulated
 * ports (the test defines inb and outb: test_nmi's NMI status and control register,
 * test_pic's 8259s and ELCR; and io_wait, which only test_pic's code calls).
 * Test-only.
 */
#ifndef TEST_ARCH_IO_H
#define TEST_ARCH_IO_H

#include <lios/types.h>

uint8_t inb(uint16_t port);
void outb(uint16_t port, uint8_t v);
void io_wait(void);

#endif
