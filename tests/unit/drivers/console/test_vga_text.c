// SPDX-License-Identifier: MIT
/*
 * Host test of the VGA text backend (src/drivers/console/vga_text.c), compiled into this
 * program against a simulated CRT controller: the port I/O it calls (arch_pio_read8 and
 * arch_pio_write8 on the colour CRTC's index and data ports) lands in a register file
 * here. Checks where the hardware cursor is put for each character cell height, and that a
 * span of cells lands where draw() would put each, in 64-bit stores where four cells share
 * an 8-byte word, never reading the buffer (drawn on fb_trap's area, which counts both).
 */
#include <string.h>
#include <lios/arch.h>
#include "fb_trap.h"
#include "vga_text.h"
#include "../../unit.h"

#define CRTC_INDEX 0x3d4
#define CRTC_DATA 0x3d5

static uint8_t crtc[256]; /* the simulated CRTC registers */
static uint8_t crtc_index;
static unsigned stray; /* accesses to any other port */

uint8_t arch_pio_read8(uint16_t port)
{
	if (port == CRTC_DATA)
		return crtc[crtc_index];
	stray++;
	return 0xff;
}

void arch_pio_write8(uint16_t port, uint8_t v)
{
	if (port == CRTC_INDEX)
		crtc_index = v;
	else if (port == CRTC_DATA)
		crtc[crtc_index] = v;
	else
		stray++;
}

/* Set up on a CRTC whose Maximum Scan Line register is msl; the cursor registers start
 * with "cursor off" in them, as some BIOSes leave it. */
static void setup_with(uint8_t msl)
{
	static uint16_t mem[80 * 50];
	struct vga_text v;

	memset(crtc, 0, sizeof(crtc));
	crtc[0x09] = msl;
	crtc[0x0a] = 0x20;
	crtc[0x0b] = 0x00;
	vga_text_setup(&v, mem, 80, 50);
}

static struct con_cell cell_at(unsigned i)
{
	return (struct con_cell){ (uint8_t)('A' + i % 26), (uint8_t)(i % 7 + 1) };
}

/* Every span of row 3 (start 0-79, every length to the row's end) on an 80x25 buffer:
 * each cell where draw() puts it, its neighbours untouched; one store per aligned group of
 * four cells and per cell outside them; no read. */
static void spans(void)
{
	struct con_cell cells[80];
	uint16_t want[80 * 25];
	uint16_t *mem = fb_trap_map(sizeof(want));
	struct vga_text v;

	for (unsigned i = 0; i < 80; i++)
		cells[i] = cell_at(i);
	vga_text_setup(&v, mem, 80, 25);
	for (unsigned col = 0; col < 80; col++)
		for (unsigned n = 1; col + n <= 80; n++) {
			unsigned head = (4 - col % 4) % 4, stores;
			unsigned long w0, r0, w, r;

			head = head < n ? head : n;
			stores = head + (n - head) / 4 + (n - head) % 4;
			memset(mem, 0, sizeof(want));
			memset(want, 0, sizeof(want));
			for (unsigned i = 0; i < n; i++)
				want[3 * 80 + col + i] =
					(uint16_t)(cells[i].ch | cells[i].attr << 8);
			fb_trap_arm();
			w0 = fb_trap_writes();
			r0 = fb_trap_reads();
			vga_text_ops.draw_span(&v, col, 3, cells, NULL, n);
			w = fb_trap_writes() - w0;
			r = fb_trap_reads() - r0;
			fb_trap_disarm();
			CHECK(memcmp(mem, want, sizeof(want)) == 0);
			CHECK_EQ(w, stores);
			CHECK_EQ(r, 0);
		}
	fb_trap_unmap();
}

int main(void)
{
	/* 80x25, 16-line cells (register 0x09 = 15): the cursor on lines 14-15, switched on
	 * (bit 5 of 0x0A clear); the height register itself untouched. */
	setup_with(0x0f);
	CHECK_EQ(crtc[0x0a], 14);
	CHECK_EQ(crtc[0x0b], 15);
	CHECK_EQ(crtc[0x09], 0x0f);

	/* 80x50, 8-line cells (0x09 = 7): lines 6-7. A fixed 14-15 lies below the cell and
	 * shows no cursor at all. */
	setup_with(0x07);
	CHECK_EQ(crtc[0x0a], 6);
	CHECK_EQ(crtc[0x0b], 7);

	/* The register's upper bits (scan doubling bit 7, line compare bit 9 in bit 6, vertical
	 * blank bit 9 in bit 5) are no part of the height: 0xcf is still a 16-line cell. */
	setup_with(0xcf);
	CHECK_EQ(crtc[0x0a], 14);
	CHECK_EQ(crtc[0x0b], 15);

	/* 14-line cells of EGA-style modes (0x09 = 13): lines 12-13. */
	setup_with(0x0d);
	CHECK_EQ(crtc[0x0a], 12);
	CHECK_EQ(crtc[0x0b], 13);

	/* A 1-line cell (0x09 = 0): its only line, 0-0, never a wrapped 255. */
	CHECK_EQ(vga_cursor_shape(0).first, 0);
	CHECK_EQ(vga_cursor_shape(0).last, 0);

	/* Only the CRTC's ports were touched. */
	CHECK_EQ(stray, 0);

	spans();

	return unit_exit("test_vga_text");
}
