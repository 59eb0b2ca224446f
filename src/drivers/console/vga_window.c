// SPDX-License-Identifier: MIT
/*
 * The VGA text window (vga_window.h): where an EGA text tag may put the text screen, and
 * whether any text memory answers there. Pure apart from the probe's stores; built for the
 * kernel and for the host (tests/unit/drivers/console/test_vga_window.c).
 *
 * Where: the Multiboot2 framebuffer tag of type EGA text carries an address like any
 * other, but text-mode memory has only ever been at two places on a PC, both inside the
 * legacy video window below 1 MiB: 0xB8000 (colour) and 0xB0000 (monochrome). Any other
 * address is a loader bug, a corrupt or hand-made boot information, and writing cells
 * there could overwrite the kernel's own RAM; so the console refuses it and falls back to
 * serial, as it refuses a pixel framebuffer over usable RAM (console_fb_range_check).
 *
 * Whether: a tag at the right address does not mean text memory is there (vga_text_probe
 * in vga_text.c asks the VGA's registers first). Where nothing decodes the window, as on a
 * machine without a VGA, the loads float to all ones and stores vanish; so the console also
 * tries the buffer's first cell before it takes the screen: a pattern and its complement
 * stored and read back (the window is mapped uncached, so each load goes to the bus). A
 * cell stuck at any value, or with a bit that does not hold, fails one of the two. The
 * cell's content is stored back, so on a real text screen the probe changes a character
 * for a few bus cycles and leaves the screen as it was. (QEMU leaves RAM showing through a
 * window no display decodes: only the register check tells there.)
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

/* Store v into the cell and read it back: whether all 16 bits held. */
static bool vga_cell_holds(const struct vga_cell_io *io, uint16_t v)
{
	io->write(io->ctx, v);
	return io->read(io->ctx) == v;
}

/*
 * vga_text_cell_answers - whether the cell behind io is memory: VGA_PROBE_PATTERN and its
 * complement both read back whole. Stores the cell's first value back before returning,
 * whatever the answer. Any context; a handful of bus cycles.
 */
bool vga_text_cell_answers(const struct vga_cell_io *io)
{
	uint16_t saved = io->read(io->ctx);
	bool holds = vga_cell_holds(io, VGA_PROBE_PATTERN) &&
		     vga_cell_holds(io, (uint16_t)~VGA_PROBE_PATTERN);

	io->write(io->ctx, saved);
	return holds;
}

static uint16_t vga_mem_read(void *ctx) { return *(volatile uint16_t *)ctx; }

static void vga_mem_write(void *ctx, uint16_t v) { *(volatile uint16_t *)ctx = v; }

/*
 * vga_text_mem_answers - vga_text_cell_answers for the text cell at cell, a mapping of the
 * VGA window (uncached, so that every load reaches the bus). Any context.
 */
bool vga_text_mem_answers(volatile uint16_t *cell)
{
	const struct vga_cell_io io = { vga_mem_read, vga_mem_write, (void *)(uintptr_t)cell };

	return vga_text_cell_answers(&io);
}
