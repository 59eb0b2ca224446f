// SPDX-License-Identifier: MIT
/*
 * The check of an EGA text tag's address (vga_window.h). The Multiboot2 framebuffer tag of
 * type EGA text carries an address like any other, but text-mode memory has only ever been
 * at two places on a PC, both inside the legacy video window below 1 MiB: 0xB8000 (colour)
 * and 0xB0000 (monochrome). Any other address is a loader bug, a corrupt or hand-made boot
 * information, and writing cells there could overwrite the kernel's own RAM; so the console
 * refuses it and falls back to serial, as it refuses a pixel framebuffer over usable RAM
 * (console_fb_range_check). Pure; built for the kernel and for the host
 * (tests/unit/drivers/console/test_vga_window.c).
 */
#include <lios/compiler.h>
#include "vga_text.h"
#include "vga_window.h"

/* See vga_window.h. */
const char *vga_text_window_check(paddr_t addr, unsigned cols, unsigned rows, uint32_t pitch)
{
	uint64_t line = MAX((uint64_t)pitch, 2ull * cols); /* bytes from one row to the next */

	if (addr != VGA_TEXT_PHYS && addr != VGA_TEXT_MONO_PHYS)
		return "not at a VGA text buffer (0xb8000 colour, 0xb0000 monochrome)";
	/* rows * line would overflow for a huge tag: divide instead */
	if (line && rows > (VGA_WINDOW_END - addr) / line)
		return "its cells run past the end of the VGA window at 0xc0000";
	return NULL;
}
