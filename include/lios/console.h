/* SPDX-License-Identifier: MIT */
/*
 * The screen console (src/drivers/console/): one text console on whatever screen the boot
 * loader left, VGA text mode or a linear RGB framebuffer, fed by printk as a sink. Serial
 * output is a separate printk sink, so everything shown here is mirrored on COM1.
 *
 * Backend choice: EGA-text tag -> VGA text; RGB tag -> framebuffer; no tag -> VGA text on
 * BIOS, serial only on UEFI; "console=vga|fb|serial" overrides; "console.scale=N" sets the
 * font magnification (default: native 16x32 font when the screen is 1440 pixels or taller).
 */
#ifndef LIOS_CONSOLE_H
#define LIOS_CONSOLE_H

#include <lios/bootinfo.h>

/*
 * Picks and starts the backend, registers the screen as a printk sink (replaying the log,
 * so every earlier message shows) and prints the "console: ..." contract line.
 * Returns 0 with a screen, or -ENODEV when only serial is left (the line says why).
 * Context: boot, after mm_init (needs ioremap and kmalloc).
 */
int console_init(const struct bootinfo *bi);

/* Writes bytes (text, \n \r \t \b, ANSI escapes) to the screen and to serial, without the
 * log. Any context; no allocation. */
void console_write(const char *s, size_t len);

/* Clears the screen (current background) and homes the cursor. Any context. */
void console_clear(void);

/* One line for the shell: backend, mode, font, scale, cells; "serial (reason)" without a
 * screen. Always terminated when n > 0. */
void console_describe(char *buf, size_t n);

/* Panic screen: from now on text is white on red and the cursor is shown. Callable with
 * interrupts off, even from inside a console write that faulted; never allocates. */
void console_panic_mode(void);

#endif
