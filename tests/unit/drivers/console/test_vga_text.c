// SPDX-License-Identifier: MIT
/*
 * Host test of the VGA text backend (src/drivers/console/vga_text.c), compiled into this
 * program against a simulated CRT and graphics controller: the port I/O it calls
 * (arch_pio_read8 and arch_pio_write8 on the CRTC's, the graphics controller's and the
 * Miscellaneous Output register's ports) lands in register files here. The CRTC answers
 * only at the port pair the Miscellaneous Output register's bit 0 selects (3B4h/3B5h or
 * 3D4h/3D5h), as on a VGA. Checks that the backend finds it there, where the hardware
 * cursor is put for each character cell height, and that a span of cells lands where draw() would
 * put each, in 64-bit stores where four cells share an 8-byte word, never reading the
 * buffer (drawn on fb_trap's area, which counts both). And the probe that comes first
 * (vga_text_probe): a VGA in text mode showing the buffer is taken; no VGA (ports floating
 * high), a graphics mode, memory mapped elsewhere and memory that does not answer (this
 * program's vga_text_mem_answers stands in for vga_window.c's, tested in test_vga_window)
 * are refused with their reason; the graphics controller's index is put back.
 */
#include <string.h>
#include <lios/arch.h>
#include "fb_trap.h"
#include "vga_text.h"
#include "../../unit.h"

#define CRTC_INDEX_MONO 0x3b4
#define CRTC_DATA_MONO 0x3b5
#define CRTC_INDEX_COLOUR 0x3d4
#define CRTC_DATA_COLOUR 0x3d5
#define MISC_OUTPUT_READ 0x3cc
#define GC_INDEX 0x3ce
#define GC_DATA 0x3cf
#define GC_MISC 0x06

static uint8_t crtc[256]; /* the simulated CRTC registers */
static uint8_t crtc_index;
static unsigned stray; /* accesses to any other port */

/* The Miscellaneous Output register (read at 3CCh): bit 0 set puts the CRTC at 3D4h/3D5h,
 * clear at 3B4h/3B5h; the other pair decodes nothing (reads float high). 0x67 is what the
 * VGA BIOS's mode 3 sets, colour. Accesses to each pair are counted, decoded or not. */
static uint8_t misc_output = 0x67;
static unsigned mono_accesses, colour_accesses;

/* Which CRTC register port a port in 3B4h-3B5h or 3D4h-3D5h is: INDEX or DATA when the
 * pair is the one selected, NONE otherwise (not decoded, or no CRTC port at all). Counts
 * the access. */
enum crtc_decode { CRTC_NONE, CRTC_INDEX, CRTC_DATA };

static enum crtc_decode crtc_decode(uint16_t port)
{
	uint16_t index = misc_output & 0x01 ? CRTC_INDEX_COLOUR : CRTC_INDEX_MONO;

	if (port == CRTC_INDEX_MONO || port == CRTC_DATA_MONO)
		mono_accesses++;
	if (port == CRTC_INDEX_COLOUR || port == CRTC_DATA_COLOUR)
		colour_accesses++;
	if (port == index)
		return CRTC_INDEX;
	return port == index + 1 ? CRTC_DATA : CRTC_NONE;
}

static bool crtc_pair(uint16_t port)
{
	return port == CRTC_INDEX_MONO || port == CRTC_DATA_MONO || port == CRTC_INDEX_COLOUR ||
	       port == CRTC_DATA_COLOUR;
}

/* The simulated graphics controller: 16 registers behind a 4-bit index (bits 4-7 read as
 * 0, as QEMU's VGA has them); absent, both ports float high and ignore stores. */
static struct {
	bool present;
	uint8_t index;
	uint8_t reg[16];
} gc;

uint8_t arch_pio_read8(uint16_t port)
{
	if (port == MISC_OUTPUT_READ)
		return misc_output;
	if (crtc_pair(port))
		return crtc_decode(port) == CRTC_DATA ? crtc[crtc_index] : 0xff;
	if (port == GC_INDEX || port == GC_DATA) {
		if (!gc.present)
			return 0xff;
		return port == GC_INDEX ? gc.index : gc.reg[gc.index];
	}
	stray++;
	return 0xff;
}

void arch_pio_write8(uint16_t port, uint8_t v)
{
	if (crtc_pair(port)) {
		enum crtc_decode d = crtc_decode(port);

		if (d == CRTC_INDEX)
			crtc_index = v;
		else if (d == CRTC_DATA)
			crtc[crtc_index] = v;
	} else if (port == GC_INDEX && gc.present)
		gc.index = v & 0x0f;
	else if (port == GC_DATA && gc.present)
		gc.reg[gc.index] = v;
	else if (port != GC_INDEX && port != GC_DATA)
		stray++;
}

/* vga_window.c's memory probe, played here: whether the buffer's memory answers (set by
 * the test), and where the probe looked. */
static bool mem_answers;
static unsigned mem_probes;
static volatile uint16_t *mem_probed;

bool vga_text_mem_answers(volatile uint16_t *cell)
{
	mem_probes++;
	mem_probed = cell;
	return mem_answers;
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

/* Set up 80x25 with the Miscellaneous Output register at misc (16-line cells in the CRTC
 * it selects) and move the cursor to column 7 of row 12 (cell 967 = 0x3c7). Returns the
 * cursor's cell as the CRTC's location registers 0x0E/0x0F hold it. */
static unsigned cursor_with(uint8_t misc)
{
	static uint16_t mem[80 * 25];
	struct vga_text v;
	unsigned where;

	misc_output = misc;
	memset(crtc, 0, sizeof(crtc));
	crtc[0x09] = 0x0f;
	mono_accesses = colour_accesses = 0;
	vga_text_setup(&v, mem, 80, 25);
	vga_text_ops.move_cursor(&v, 7, 12);
	where = (unsigned)crtc[0x0e] << 8 | crtc[0x0f];
	misc_output = 0x67;
	return where;
}

/* The CRTC's ports follow the I/O Address Select bit (bit 0 of the Miscellaneous Output
 * register). Clear (0x66, a monochrome setup, as with the B0000h map): the cursor's shape
 * and place land in the CRTC at 3B4h/3B5h, and nothing goes to 3D4h/3D5h, which decode
 * nothing then (fixed colour ports would leave the cursor where it was). Set (0x67, mode 3):
 * all at 3D4h/3D5h, none at 3B4h/3B5h. */
static void crtc_ports(void)
{
	CHECK_EQ(cursor_with(0x66), 967);
	CHECK_EQ(crtc[0x0a], 14);
	CHECK_EQ(crtc[0x0b], 15);
	CHECK(mono_accesses > 0);
	CHECK_EQ(colour_accesses, 0);

	CHECK_EQ(cursor_with(0x67), 967);
	CHECK_EQ(crtc[0x0a], 14);
	CHECK_EQ(crtc[0x0b], 15);
	CHECK(colour_accesses > 0);
	CHECK_EQ(mono_accesses, 0);
	CHECK_EQ(stray, 0);
}

/* Probe the buffer at phys on a graphics controller whose Miscellaneous register is
 * misc (present or not), its index left at 5 by whoever used it last, and memory that
 * answers or not. Returns the probe's reason (NULL: taken); the index must be 5 again. */
static const char *probe_with(bool present, uint8_t misc, paddr_t phys, bool answers)
{
	static uint16_t buf[80 * 25];
	const char *why;

	memset(&gc, 0, sizeof(gc));
	gc.present = present;
	gc.reg[GC_MISC] = misc;
	gc.index = 5;
	mem_answers = answers;
	mem_probes = 0;
	mem_probed = NULL;
	why = vga_text_probe(buf, phys);
	CHECK(!present || gc.index == 5);
	CHECK(!present || gc.reg[GC_MISC] == misc); /* read, never written */
	CHECK(mem_probes == 0 || mem_probed == buf);
	return why;
}

/* vga_text_probe: the VGA BIOS's mode 3 (0x0e: alphanumeric, odd/even, memory at B8000)
 * with memory that answers is taken, its memory probed once; mode 7's map (B0000) at
 * 0xB0000 too. Refused, each with its reason: no VGA at all (bochs-display: the ports read
 * 0xff; the memory is not even tried), a graphics mode (0x05: 128 KiB at A0000, mode 13h's
 * look; 0x0f: text's map but the graphics bit), the other text buffer's map or the 64 and
 * 128 KiB maps, and a VGA that shows B8000 but whose memory does not answer there. */
static void probes(void)
{
	const char *why;

	CHECK(probe_with(true, 0x0e, 0xb8000, true) == NULL);
	CHECK_EQ(mem_probes, 1);
	CHECK(probe_with(true, 0x0a, 0xb0000, true) == NULL);

	why = probe_with(false, 0x0e, 0xb8000, true);
	CHECK(why && strstr(why, "no VGA registers answer at ports 0x3ce-0x3cf"));
	CHECK_EQ(mem_probes, 0);

	why = probe_with(true, 0x05, 0xb8000, true);
	CHECK(why && strstr(why, "graphics mode"));
	why = probe_with(true, 0x0f, 0xb8000, true);
	CHECK(why && strstr(why, "graphics mode"));

	static const uint8_t other_maps[] = { 0x02, 0x06, 0x0a }; /* A0000 128K, A0000 64K, B0000 */
	for (unsigned i = 0; i < sizeof(other_maps); i++) {
		why = probe_with(true, other_maps[i], 0xb8000, true);
		CHECK(why && strstr(why, "maps its memory elsewhere"));
	}
	why = probe_with(true, 0x0e, 0xb0000, true);
	CHECK(why && strstr(why, "maps its memory elsewhere"));

	why = probe_with(true, 0x0e, 0xb8000, false);
	CHECK(why && strstr(why, "no memory answers there"));
	CHECK_EQ(mem_probes, 1);
	CHECK_EQ(stray, 0);
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
	probes();
	crtc_ports();

	return unit_exit("test_vga_text");
}
