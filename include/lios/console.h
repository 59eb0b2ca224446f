/* SPDX-License-Identifier: MIT */
/*
 * The screen console (src/drivers/console/): one text console on whatever screen the boot
 * loader left, VGA text mode or a linear RGB framebuffer, fed by printk as a sink. Serial
 * output is a separate printk sink, so everything shown here is mirrored on COM1.
 *
 * Backend choice: EGA-text tag -> VGA text; RGB tag -> framebuffer; no tag -> VGA text on
 * BIOS, serial only on UEFI; "console=vga|fb|serial" overrides; "console.scale=N" sets the
 * font magnification (default: native 16x32 font when the screen is 1440 pixels or taller).
 *
 * Scrollback: rows scrolling off the top are kept (at least 1,000, on the heap) and
 * console_scrollback() shows them again (the shell's Shift+PgUp / Shift+PgDn); any output
 * returns to the live screen. Pager: between console_pager_begin() and _end() a command's
 * output that does not fit on the screen waits behind "-- more --" for keys the shell
 * passes on; "console.pager=off" on the command line turns it off. Serial always gets
 * everything at once.
 */
#ifndef LIOS_CONSOLE_H
#define LIOS_CONSOLE_H

#include <lios/bootinfo.h>

/*
 * Picks and starts the backend, registers the screen as a printk sink (replaying the log,
 * so every earlier message shows) and prints the "console: ..." contract line.
 * Returns 0 with a screen, or -ENODEV when only serial is left (the line says why).
 * Context: boot, after mm_init (needs ioremap and the heap).
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

/* Columns of the screen; 0 when there is none (serial only). Any context. */
unsigned console_cols(void);
/* Rows of the screen; 0 when there is none (serial only). Any context. */
unsigned console_rows(void);

/* The console's printk sink (what the screen shows of the log): the shell asks printk
 * whether held messages will reach it. */
void console_sink(const char *s, size_t len);

/* Writes bytes to the screen only: not to serial, not to the log (the line editor draws
 * the screen and a serial terminal separately). Any context; no allocation. */
void console_screen_write(const char *s, size_t len);

/* Moves the view 'pages' screens (a screen less one row each) back in time, negative:
 * forward; clamped. Returns the rows now scrolled back, 0 at the live screen. */
size_t console_scrollback(int pages);
/* Back to the live screen (also done by any output). Any context. */
void console_scroll_bottom(void);

/* Batch the screen drawing of the writes between begin and end (a command writing many
 * lines, one printk each): drawn once per screenful and at the end, not a full-screen
 * scroll per line. Nests; the pager's "-- more --" and console_pager_end() draw what
 * waits, a panic shows it too. Serial is never delayed. Thread context. */
void console_batch_begin(void);
void console_batch_end(void);

/* Paging of one command's screen output (thread context): begin before it runs (cursor at
 * a row start), end after it returns; then, while console_pager_waiting(), pass each key's
 * character to console_pager_key(): Space a page, Enter a row, q or Ctrl-C the end. */
void console_pager_begin(void);
void console_pager_end(void);
bool console_pager_waiting(void);
void console_pager_key(uint32_t ch);

#endif
