/* SPDX-License-Identifier: MIT */
/*
 * Where an EGA text tag may put the VGA text screen (vga_window.c): only in the PC's legacy
 * text window, so a loader's or a corrupt boot information's address never makes the
 * console store characters into RAM the kernel uses.
 */
#ifndef CONSOLE_VGA_WINDOW_H
#define CONSOLE_VGA_WINDOW_H

#include <lios/types.h>

/* The legacy video memory window and the text buffers inside it (IBM VGA: 0xA0000 is the
 * graphics modes', 0xB0000 the monochrome text modes', 0xB8000 the colour text modes'). */
#define VGA_WINDOW_START 0xA0000
#define VGA_WINDOW_END 0xC0000
#define VGA_TEXT_MONO_PHYS 0xB0000

/* NULL when a text screen of rows rows, pitch bytes apart (at least 2 bytes per column of
 * cols), at physical addr lies in the legacy window at a text buffer's start, else why
 * not. Pure, no overflow for any input. */
const char *vga_text_window_check(paddr_t addr, unsigned cols, unsigned rows, uint32_t pitch);

#endif
