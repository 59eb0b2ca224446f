// SPDX-License-Identifier: MIT
/*
 * VGA text mode (see vga_text.h). The terminal keeps the cell grid in RAM and calls draw()
 * only for cells that change, so scrolling never copies or reads the text buffer. The
 * cursor is the hardware one: CRT controller registers 0x0E/0x0F hold its cell index,
 * 0x0A/0x0B its first and last scan line: an underline on the cell's last two lines, the
 * cell height read from the Maximum Scan Line register (16 lines in 80x25, 8 in 80x50, so
 * a fixed 14-15 would be below an 8-line cell: no cursor at all). The CRTC answers at
 * 3B4h/3B5h or 3D4h/3D5h, as bit 0 of the Miscellaneous Output register selects (a VGA
 * showing the monochrome map at B0000h is usually set to the former): vga_text_setup reads
 * that bit once and every CRTC access after it goes to the pair it names.
 *
 * Before any of that, vga_text_probe() asks whether a VGA shows text from the buffer at
 * all: a display without VGA text mode (QEMU's bochs-display, where SeaBIOS's VGA BIOS
 * emulates text mode for BIOS callers by drawing in graphics, and GRUB still hands over
 * the EGA text tag of mode 3) has no VGA registers, and stores into the window reach
 * nothing on the screen. The window itself does not tell: QEMU leaves RAM showing through
 * it, which holds what is stored like text memory would. The graphics controller does: its
 * registers answer only on a VGA, and its Miscellaneous register says whether the VGA is
 * in text mode and where it maps its memory. A real machine whose window nothing decodes
 * (reads float to all ones) is caught by the store and read-back of one cell after that
 * (vga_text_mem_answers).
 */
#include <lios/arch.h>
#include "vga_text.h"
#include "vga_window.h"

/* CRT controller: index at 3x4h, data at 3x5h, x = B or D by the Miscellaneous Output
 * register's I/O Address Select bit (IBM VGA manual). */
#define VGA_CRTC_INDEX_MONO 0x3B4
#define VGA_CRTC_INDEX_COLOUR 0x3D4
#define VGA_CRTC_DATA_OFFSET 1       /* the data port is the index port + 1 */
#define VGA_CRTC_MAX_SCAN_LINE 0x09   /* bits 0-4: character cell height - 1 */
#define VGA_CRTC_CURSOR_START 0x0A    /* bits 0-4: first scan line; bit 5: cursor off */
#define VGA_CRTC_CURSOR_END 0x0B      /* bits 0-4: last scan line */
#define VGA_CRTC_CURSOR_LOC_HIGH 0x0E
#define VGA_CRTC_CURSOR_LOC_LOW 0x0F
#define VGA_SCAN_LINE_MASK 0x1f       /* the scan-line field of 0x09, 0x0A and 0x0B */

/* Miscellaneous Output register: read at 3CCh (written at 3C2h, which LiOS never does). */
#define VGA_MISC_OUTPUT_READ 0x3CC
#define VGA_MISC_OUTPUT_IOAS 0x01     /* bit 0: CRTC at 3Dxh (set) or 3Bxh (clear) */

/* Graphics controller (IBM VGA manual: address at 3CEh, data at 3CFh). */
#define VGA_GC_INDEX 0x3CE
#define VGA_GC_DATA 0x3CF
#define VGA_GC_INDEX_MASK 0x0f        /* the address field; bits 4-7 are reserved */
#define VGA_GC_MISC 0x06              /* Miscellaneous Graphics register */
#define VGA_GC_MISC_GRAPHICS 0x01     /* bit 0: graphics mode (set) or alphanumeric mode */
#define VGA_GC_MISC_MAP_SHIFT 2       /* bits 2-3: memory map select */
#define VGA_GC_MISC_MAP_MASK 0x3
#define VGA_MAP_B0000 2               /* B0000h-B7FFFh: the monochrome text buffer */
#define VGA_MAP_B8000 3               /* B8000h-BFFFFh: the colour text buffer */

static void vga_crtc_write(const struct vga_text *v, uint8_t index, uint8_t value)
{
	arch_pio_write8(v->crtc_port, index);
	arch_pio_write8(v->crtc_port + VGA_CRTC_DATA_OFFSET, value);
}

static uint8_t vga_crtc_read(const struct vga_text *v, uint8_t index)
{
	arch_pio_write8(v->crtc_port, index);
	return arch_pio_read8(v->crtc_port + VGA_CRTC_DATA_OFFSET);
}

/*
 * vga_cursor_shape - the underline cursor for a Maximum Scan Line register value: the
 * cell's last two scan lines (its only line for a 1-line cell). The register's other bits
 * (scan doubling, line compare and vertical blank bit 9) do not change the cell. Pure.
 */
struct vga_cursor_shape vga_cursor_shape(uint8_t max_scan_line)
{
	uint8_t last = max_scan_line & VGA_SCAN_LINE_MASK;

	return (struct vga_cursor_shape){ .first = last ? last - 1 : 0, .last = last };
}

static inline uint16_t vga_word(struct con_cell cell)
{
	return (uint16_t)(cell.ch | (uint16_t)cell.attr << 8);
}

static void vga_text_draw(void *ctx, unsigned col, unsigned row, struct con_cell cell,
			  bool cursor)
{
	struct vga_text *v = ctx;

	(void)cursor; /* the hardware draws the cursor */
	v->mem[row * v->cols + col] = vga_word(cell);
}

/*
 * vga_text_draw_span - n cells of row from col. Four cells that start on an 8-byte boundary
 * go as one 64-bit store: the text buffer is uncached device memory, where each store is a
 * bus write of its own (and in an emulator an exit of its own), whatever its width. old is
 * not needed: the terminal hands over runs of changed cells, or a whole row to redraw.
 */
static void vga_text_draw_span(void *ctx, unsigned col, unsigned row, const struct con_cell *cells,
			       const struct con_cell *old, unsigned n)
{
	struct vga_text *v = ctx;
	volatile uint16_t *p = v->mem + row * v->cols + col;
	unsigned i = 0;

	(void)old;
	for (; i < n && ((uintptr_t)(p + i) & 7); i++)
		p[i] = vga_word(cells[i]);
	for (; i + 4 <= n; i += 4)
		*(volatile uint64_t *)(p + i) = vga_word(cells[i]) |
						(uint64_t)vga_word(cells[i + 1]) << 16 |
						(uint64_t)vga_word(cells[i + 2]) << 32 |
						(uint64_t)vga_word(cells[i + 3]) << 48;
	for (; i < n; i++)
		p[i] = vga_word(cells[i]);
}

static void vga_text_move_cursor(void *ctx, unsigned col, unsigned row)
{
	struct vga_text *v = ctx;
	uint16_t pos = (uint16_t)(row * v->cols + col);

	vga_crtc_write(v, VGA_CRTC_CURSOR_LOC_LOW, (uint8_t)pos);
	vga_crtc_write(v, VGA_CRTC_CURSOR_LOC_HIGH, (uint8_t)(pos >> 8));
}

/*
 * vga_text_setup - use the text buffer at mem (already mapped) of cols x rows cells, find
 * the CRTC's ports from the Miscellaneous Output register (kept for every later cursor
 * move), and turn the hardware cursor on as an underline on the last two scan lines of the
 * cell height the CRTC is programmed with. Context: boot, after vga_text_probe.
 */
void vga_text_setup(struct vga_text *v, void *mem, unsigned cols, unsigned rows)
{
	struct vga_cursor_shape c;

	v->mem = mem;
	v->cols = cols;
	v->rows = rows;
	v->crtc_port = arch_pio_read8(VGA_MISC_OUTPUT_READ) & VGA_MISC_OUTPUT_IOAS ?
			       VGA_CRTC_INDEX_COLOUR :
			       VGA_CRTC_INDEX_MONO;
	c = vga_cursor_shape(vga_crtc_read(v, VGA_CRTC_MAX_SCAN_LINE));
	vga_crtc_write(v, VGA_CRTC_CURSOR_START, c.first); /* bit 5 clear: cursor on */
	vga_crtc_write(v, VGA_CRTC_CURSOR_END, c.last);
}

/*
 * vga_text_probe - whether a VGA shows text from the buffer at phys (0xB8000 or 0xB0000),
 * mapped uncached at mem: NULL when it does, else why not. Reads the graphics controller's
 * Miscellaneous register (its address register is put back as it was), then stores into
 * and reads back the buffer's first cell (put back too), so a text screen is left as it
 * was. Context: boot, before vga_text_setup.
 */
const char *vga_text_probe(volatile uint16_t *mem, paddr_t phys)
{
	uint8_t index = arch_pio_read8(VGA_GC_INDEX), misc;
	unsigned map, want = phys == VGA_TEXT_MONO_PHYS ? VGA_MAP_B0000 : VGA_MAP_B8000;
	bool answers;

	arch_pio_write8(VGA_GC_INDEX, VGA_GC_MISC);
	/* no VGA: the ports float high, and 0x0f is not the index written */
	answers = (arch_pio_read8(VGA_GC_INDEX) & VGA_GC_INDEX_MASK) == VGA_GC_MISC;
	misc = arch_pio_read8(VGA_GC_DATA);
	arch_pio_write8(VGA_GC_INDEX, index);
	if (!answers)
		return "no VGA registers answer at ports 0x3ce-0x3cf";
	if (misc & VGA_GC_MISC_GRAPHICS)
		return "the VGA is in a graphics mode";
	map = misc >> VGA_GC_MISC_MAP_SHIFT & VGA_GC_MISC_MAP_MASK;
	if (map != want)
		return "the VGA maps its memory elsewhere";
	if (!vga_text_mem_answers(mem))
		return "no memory answers there";
	return NULL;
}

const struct con_backend_ops vga_text_ops = {
	.draw = vga_text_draw,
	.draw_span = vga_text_draw_span,
	.move_cursor = vga_text_move_cursor,
};
