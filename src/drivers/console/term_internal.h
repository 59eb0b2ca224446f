/* SPDX-License-Identifier: MIT */
/* What term.c shares with term_diff.c (batched drawing, the scrollback view); not for
 * the backends. */
#ifndef CONSOLE_TERM_INTERNAL_H
#define CONSOLE_TERM_INTERNAL_H

#include "term.h"

/* A scroll of the current write or group: may start batching (a batch grid attached). */
void term_batch_begin(struct term *t);

/* Draw what a batched write (or group) kept back, so the screen equals the grid again;
 * no-op when nothing is batched. */
void term_batch_end(struct term *t);

/* Redraw the software cursor's cell plain / draw the cursor (or move the hardware one). */
void term_cursor_hide(struct term *t);
void term_cursor_show(struct term *t);

#endif
