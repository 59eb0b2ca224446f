/* SPDX-License-Identifier: MIT */
/*
 * printk: formatted kernel messages. Everything goes into a log ring buffer (so messages
 * printed before the console exists are shown once it does) and to every registered sink
 * (serial from the start, the screen console once it is up).
 *
 * Formats: %s %c %d %i %u %x %X %p %o %%, with flags '-' '0' '+' ' ' '#' (0x also before
 * 0, as Linux prints it), width and precision ('.N', '.*': characters of a string, minimum
 * digits of a number), length modifiers hh h l ll z; %pS prints a symbolized code address
 * (name+0xoff), %pB the same for a return address (backtraces, "called from": the
 * function is the one holding the call, even when the call was its last instruction). A message may start with a level prefix (KERN_ERR ...).
 */
#ifndef LIOS_PRINTK_H
#define LIOS_PRINTK_H

#include <lios/compiler.h>

#define KERN_ERR "\0013"
#define KERN_WARN "\0014"
#define KERN_INFO "\0016"
#define KERN_DEBUG "\0017"

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

/* snprintf-style formatting into a buffer; always terminated when size > 0. Returns the
 * length the full output would have, or -1 when that is above INT_MAX (as POSIX's
 * vsnprintf; the buffer then holds the output's start). Safe in any context. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* A sink receives the messages at or below its level (KERN_INFO by default: all but
 * debug). Up to 4 sinks. 'replay' first sends the new sink what the log ring still holds
 * (what was printed before the sink existed), filtered by the same level: it is
 * printk_add_sink_caught_up at KERN_INFO, with its rules. */
typedef void (*printk_sink_fn)(const char *s, size_t len);
int printk_add_sink(printk_sink_fn fn, bool replay);
/* A sink that starts late (a UART found after the boot began): it first receives every
 * record the ring holds with level <= level, then is registered at that level, with no
 * message lost or repeated in between. Interrupts are let in between messages: thread
 * context, not while printk_hold is on. Returns 0, or -1 when all slots are taken. */
int printk_add_sink_caught_up(printk_sink_fn fn, int level);
void printk_remove_sink(printk_sink_fn fn);
/* Sets one sink's level: 7 (KERN_DEBUG) shows everything. The serial log uses 7, the
 * screen 6, so detail (the firmware memory map) stays off a 25-line screen. */
void printk_set_sink_level(printk_sink_fn fn, int level);

/* Sends the whole log ring (every level) to fn: the shell's dmesg. Interrupts are let in
 * between messages, so thread context only. */
void printk_dump_log(printk_sink_fn fn);

/* A message longer than 1023 bytes is cut at a character boundary and keeps its line end. */

/* Holding: while on, messages go to the log ring but to no sink, so that a line being
 * edited is not written over (the shell holds them while it waits for keys, and shows them
 * on rows of their own, then the line again). Off sends every held message to the sinks,
 * in order (thread context: interrupts are let in between messages), also those printed
 * meanwhile; then output flows again. A panic turns holding off.
 * printk_held(NULL): some message is held; printk_held(fn): a held message that fn's sink
 * will show (its level admits it): the shell redraws the line only on the views that
 * show one. printk_held_mark() is the position after the last held message: taken with
 * interrupts off together with printk_held's answers, then printk_held_send(mark) sends
 * exactly the messages held up to there (interrupts let in between them) and goes on
 * holding; what is printed meanwhile stays held, for the next round. */
void printk_hold(bool on);
bool printk_held(printk_sink_fn fn);
size_t printk_held_mark(void);
void printk_held_send(size_t mark);

/* A panic begins (panic_begin, interrupts off; a panic never returns to what it
 * interrupted): holding ends as with printk_hold(false), and a message whose append the
 * panic interrupted (a machine check, or an NMI with nmi=panic, in the middle of a printk)
 * is finished and sent to the sinks, before the panic's own messages, which then reach
 * the ring and every sink instead of waiting for that append to finish. */
void printk_panic(void);

#endif
