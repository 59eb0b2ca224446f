/* SPDX-License-Identifier: MIT */
/*
 * The serial console: one 16550 UART, 8N1, the first and last output path. COM1 (I/O port
 * 0x3f8, 115200 baud) when it answers; otherwise, once ACPI and PCI are up, the UART the
 * firmware's SPCR table names or the first PCI 16550 function (serial_find_late), at an
 * I/O port or in memory with 8- or 32-bit registers.
 */
#ifndef LIOS_SERIAL_H
#define LIOS_SERIAL_H

#include <lios/types.h>

struct acpi_spcr;

#define SERIAL_SPACE_IO 0
#define SERIAL_SPACE_MMIO 1
#define SERIAL_CLOCK_PC 1843200 /* the PC UART's input clock, Hz */

/* Where a 16550 is and how to run it. */
struct serial_port {
	uint8_t space;     /* SERIAL_SPACE_IO or SERIAL_SPACE_MMIO */
	uint8_t reg_bytes; /* register stride and access width: 1, or 4 (MMIO only) */
	uint64_t base;     /* the I/O port, or the registers' physical address (for messages) */
	uintptr_t virt;    /* MMIO: the registers mapped uncached, by the caller */
	uint32_t baud;     /* 0: keep the divisor the firmware programmed (115200 if none) */
	uint32_t clock_hz; /* the UART's input clock; 0: SERIAL_CLOCK_PC */
};

/* Probes COM1 (scratch register and loopback test) and programs 115200 8N1. Returns 0, or
 * -ENODEV when no UART answers (then serial_write does nothing). Callable first thing. */
int serial_init(void);
/* The same for the UART p describes (copied): 0, -ENODEV when it does not answer, -EINVAL
 * for a description the driver cannot use (width, baud rate). On failure no UART is in
 * use. The baud rate set is serial_baud(). */
int serial_init_port(const struct serial_port *p);
bool serial_present(void);
uint32_t serial_baud(void);
/* Writes bytes, turning "\n" into "\r\n". Polled, bounded wait per byte; a transmitter
 * that stays full past one wait is marked stuck and bytes are dropped without waiting
 * until it empties again (said once with printk). Any context; interrupts are off while it
 * writes, so an interrupt handler's message never lands inside the bytes. */
void serial_write(const char *s, size_t len);
/* Returns a received byte, or -1 when none is waiting (also when the UART has gone away:
 * a floating bus reads 0xff, which is never taken for a byte). */
int serial_read(void);

/* Kernel (serial_find.c): when COM1 is absent, start the SPCR's 16550 (spcr may be NULL)
 * or else the first PCI 16550 function, replay the whole log to it and say which one in a
 * "serial: ..." line; with COM1 present, nothing. Boot, once, after pci_init. */
void serial_find_late(const struct acpi_spcr *spcr);

#endif
