/* SPDX-License-Identifier: MIT */
/*
 * The 8042 PS/2 controller (src/drivers/input/ps2.c): bring-up asking only what a keyboard
 * needs, as Linux does on x86 (no self-test unless asked, Linux's timeouts on every wait),
 * byte exchange with the keyboard on the first port, and the CPU reset line. Only the first port (keyboard) is used; the second (mouse)
 * stays disabled. The keyboard driver (kbd.c) sits on top.
 */
#ifndef LIOS_PS2_H
#define LIOS_PS2_H

#include <lios/compiler.h>

/* ps2_init's flags: also run the controller's self-test (kbd.ps2=selftest), which Linux
 * skips on x86 too: on some laptops it leaves the keyboard dead. */
#define PS2_INIT_SELF_TEST 0x1u
/* Probe and initialise the controller and reset the keyboard (or, when it does not take a
 * reset, find it by Identify or Set LEDs), leaving it scanning in set 1 (the controller's
 * translation of set 2, or, where translation does not stick, the keyboard's own set 1),
 * the second port off and the first port's interrupt still off. Returns 0, or -ENODEV with
 * a short reason in why ("no controller, status 0xff", "no keyboard, reset timeout", ...).
 * Every wait is a <lios/time.h> deadline (works before timer_init); IRQ 1 must be masked. */
int ps2_init(unsigned int flags, char *why, size_t n);
/* After a ps2_init that found a working, translating controller but no keyboard: enable
 * the keyboard port with its interrupt, for a keyboard plugged in later (a KVM switch set
 * to another computer at boot). Returns 0, -ENODEV (the last ps2_init left nothing to
 * watch) or -ETIMEDOUT. IRQ 1's handler must be registered; boot. */
int ps2_watch_port(void);
/* Let the controller raise IRQ 1 for keyboard bytes (after ps2_init returned 0; writes the
 * configuration byte ps2_init chose, never reads it back). Returns 0 or -ETIMEDOUT. */
int ps2_enable_irq(void);
/* Send a command byte (and an argument byte when arg >= 0) to the keyboard, waiting for
 * its acknowledge; resend requests are retried. Returns 0, -EIO or -ETIMEDOUT. Bytes that
 * are not replies are handed to stray(b) (keys typed meanwhile). An argument refused or
 * unanswered after the command was acked leaves the keyboard waiting for none: the wait
 * is ended with Enable Scanning (Disable before ps2_init enabled it), so the next command
 * is taken as a command. IRQ 1 must be masked. */
int ps2_kbd_command(uint8_t cmd, int arg, void (*stray)(uint8_t b));
/* IRQ side: true when the controller holds a byte from the keyboard port. */
bool ps2_kbd_byte_ready(void);
/* A byte from the second port waits: it is read and dropped, true. The port is off, but a
 * controller that ignores Disable (or an active multiplexer) can still fill the output
 * buffer with one, and while it waits no key gets through. Interrupts off. */
bool ps2_drop_aux_byte(void);
/* Read the data port (no wait). */
uint8_t ps2_read_data(void);
/* Pulse the CPU reset line through the controller. Returns -EIO if the machine is still
 * running afterwards (or -ENODEV without a controller, -EPERM after ps2_leave_alone). */
int ps2_reset_system(void);
/* Touch ports 0x60/0x64 no more (kbd.ps2=off: a chipset that misbehaves when they are):
 * ps2_reset_system then returns -EPERM without an access; ps2_init takes them back. */
void ps2_leave_alone(void);

#endif
