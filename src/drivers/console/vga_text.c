// SPDX-License-Identifier: MIT
/*
 * VGA text mode (see vga_text.h). The terminal keeps the cell grid in RAM and calls draw()
 * only for cells that change, so scrolling never copies or reads the text buffer. The
 * cursor is the hardware one: CRT controller registers 0x0E/0x0F hold its cell index,
 * 0x0A/0x0B its first and last scan line (here 14-15: an underline).
 */
#include <lios/arch.h>
#include "vga_text.h"

/* CRT controller of a colour adapter (IBM VGA manual: CRTC index/data at 3D4h/3D5h). */
#define VGA_CRTC_INDEX 0x3D4
#define VGA_CRTC_DATA 0x3D5
#define VGA_CRTC_CURSOR_START 0x0A    /* bits 0-4: first scan line; bit 5: cursor off */
#define VGA_CRTC_CURSOR_END 0x0B      /* bits 0-4: last scan line */
#define VGA_CRTC_CURSOR_LOC_HIGH 0x0E
#define VGA_CRTC_CURSOR_LOC_LOW 0x0F
#define VGA_CURSOR_SCANLINE_FIRST 14
#define VGA_CURSOR_SCANLINE_LAST 15

static void vga_crtc_write(uint8_t index, uint8_t value)
{
	arch_pio_write8(VGA_CRTC_INDEX, index);
	arch_pio_write8(VGA_CRTC_DATA, value);
}

static void vga_text_draw(void *ctx, unsigned col, unsigned row, struct con_cell cell,
			  bool cursor)
{
	struct vga_text *v = ctx;

	(void)cursor; /* the hardware draws the cursor */
	v->mem[row * v->cols + col] = (uint16_t)(cell.ch | (uint16_t)cell.attr << 8);
}

static void vga_text_move_cursor(void *ctx, unsigned col, unsigned row)
{
	struct vga_text *v = ctx;
	uint16_t pos = (uint16_t)(row * v->cols + col);

	vga_crtc_write(VGA_CRTC_CURSOR_LOC_LOW, (uint8_t)pos);
	vga_crtc_write(VGA_CRTC_CURSOR_LOC_HIGH, (uint8_t)(pos >> 8));
}

/*
 * vga_text_setup - use the text buffer at mem (already mapped) of cols x rows cells and
 * turn the hardware cursor on as an underline. Context: boot.
 */
void vga_text_setup(struct vga_text *v, void *mem, unsigned cols, unsigned rows)
{
	v->mem = mem;
	v->cols = cols;
	v->rows = rows;
	vga_crtc_write(VGA_CRTC_CURSOR_START, VGA_CURSOR_SCANLINE_FIRST);
	vga_crtc_write(VGA_CRTC_CURSOR_END, VGA_CURSOR_SCANLINE_LAST);
}

const struct con_backend_ops vga_text_ops = {
	.draw = vga_text_draw,
	.move_cursor = vga_text_move_cursor,
};
