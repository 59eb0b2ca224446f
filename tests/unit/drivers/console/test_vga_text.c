// SPDX-License-Identifier: MIT
/*
 * Host test of the VGA text backend (src/drivers/console/vga_text.c), compiled into this
 * program against a simulated CRT controller: the port I/O it calls (arch_pio_read8 and
 * arch_pio_write8 on the colour CRTC's index and data ports) lands in a register file
 * here. Checks where the hardware cursor is put for each character cell height.
 */
#include <string.h>
#include <lios/arch.h>
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

	return unit_exit("test_vga_text");
}
