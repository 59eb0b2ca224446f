// SPDX-License-Identifier: MIT
/*
 * In-kernel self-tests of the console (suite "console"): the backend matches the boot info
 * and command line, a refused or indexed framebuffer tag is chosen as it should be, an
 * EGA-text tag's grid is checked, text written to the screen lands in the cell grid with
 * its colours, VGA text memory holds exactly the grid (also after the probe of the VGA
 * text screen ran again on it), and a scroll inside someone else's vector-register
 * section falls back to general registers. (That the framebuffer is never read is checked
 * on the host: test_fb --never-reads.)
 */
#include <lios/arch.h>
#include <lios/cmdline.h>
#include <lios/console.h>
#include <lios/bootinfo.h>
#include <lios/printk.h>
#include <lios/selftest.h>
#include <lios/string.h>
#include "console_priv.h"

KTEST(console, backend_matches_bootinfo)
{
	const char *why;
	enum console_backend want = console_choose(bootinfo_get(), &why);

	/* a started backend may only have fallen back to serial, never changed otherwise */
	KEXPECT(console.backend == want || console.backend == CONSOLE_SERIAL);
	if (console.backend == CONSOLE_SERIAL)
		KEXPECT(console.why != NULL);
}

/* A framebuffer tag the parser refused (its mode unknown) gives serial with the parser's
 * reason, never VGA text; an indexed one gives the framebuffer backend. */
KTEST(console, refused_or_indexed_tag_choice)
{
	static struct bootinfo bi;
	char want[16];
	const char *why;

	if (cmdline_get("console", want, sizeof(want)))
		ktest_skip("console= on the command line");
	memset(&bi, 0, sizeof(bi));
	bi.firmware = FIRMWARE_BIOS;
	bi.fb_rejected = "palette longer than the tag";
	KEXPECT(console_choose(&bi, &why) == CONSOLE_SERIAL);
	KEXPECT(why == bi.fb_rejected);
	bi.fb_rejected = NULL;
	KEXPECT(console_choose(&bi, &why) == CONSOLE_VGA_TEXT);
	bi.fb.kind = FB_INDEXED;
	KEXPECT(console_choose(&bi, &why) == CONSOLE_FB);
}

/* The VGA text grid an EGA-text tag describes: taken when its pitch is 2 bytes per column
 * and its size fits the grid, refused with the reason otherwise (a product that wraps 32
 * bits included); no tag means the BIOS's 80x25 at 0xB8000. */
KTEST(console, vga_geometry_checks_the_tag)
{
	static const struct {
		uint32_t width, height, pitch;
		const char *why;   /* NULL: taken */
	} cases[] = {
		{ 80, 25, 160, NULL },
		{ 80, 50, 160, NULL },
		{ 40, 25, 80, NULL },
		{ 80, 25, 162, "EGA text pitch is not 2 bytes per column" },
		{ 80, 25, 0, "EGA text pitch is not 2 bytes per column" },
		{ 0, 25, 0, "unexpected VGA text size" },
		{ 80, 0, 160, "unexpected VGA text size" },
		{ 132, 60, 264, "unexpected VGA text size" },
		{ 0x10000, 0x10000, 0x20000, "unexpected VGA text size" },
	};
	struct fb_info fb;
	unsigned cols, rows;
	paddr_t phys;
	const char *why;

	memset(&fb, 0, sizeof(fb));
	KEXPECT(console_vga_geometry(&fb, &cols, &rows, &phys) == NULL);
	KEXPECT(cols == 80 && rows == 25 && phys == VGA_TEXT_PHYS);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		fb.kind = FB_EGA_TEXT;
		fb.addr = 0xb8000;
		fb.width = cases[i].width;
		fb.height = cases[i].height;
		fb.pitch = cases[i].pitch;
		why = console_vga_geometry(&fb, &cols, &rows, &phys);
		if (!cases[i].why) {
			KEXPECT(why == NULL);
			KEXPECT(cols == cases[i].width && rows == cases[i].height && phys == 0xb8000);
		} else {
			KEXPECT(why != NULL && strcmp(why, cases[i].why) == 0);
		}
	}
}

/* Where a framebuffer tag may put the screen: a 4K screen's 33 MB at SeaBIOS's usual
 * 0xfd000000 (a 16 MiB BAR: the tag lies about the size) would store pixels into the I/O
 * APIC and local APIC; a range over RAM the map calls usable is refused too; a Resizable
 * BAR above 4 GiB, one ending right below 0xfec00000 and one in reserved memory are taken. */
KTEST(console, fb_range_check_refuses_lies)
{
	static const struct mem_region map[] = {
		{ 0x0, 0x9f000, MEM_USABLE },
		{ 0x100000, 0x7ff00000, MEM_USABLE },           /* 1 MiB - 2 GiB */
		{ 0xc0000000, 0x1000000, MEM_RESERVED },        /* stolen video memory */
		{ 0x100000000, 0x40000000, MEM_USABLE },        /* 4 - 5 GiB */
	};
	static const struct {
		uint64_t addr;
		uint32_t pitch, height;
		bool ok;
	} cases[] = {
		{ 0x80000000, 15360, 2160, true },    /* OVMF's BAR, 4K */
		{ 0x4000000000, 20480, 2880, true },  /* above 4 GiB, 5K */
		{ 0xfd000000, 4096, 768, true },      /* SeaBIOS's BAR, 1024x768 */
		{ 0xfd000000, 15360, 2160, false },   /* the same BAR told 4K: past 0xfec00000 */
		{ 0xfec00000 - 15360 * 2160ull, 15360, 2160, true }, /* ends right below */
		{ 0xfee00000, 4096, 1, false },       /* inside the window */
		{ 0xc0000000, 7680, 1080, true },     /* reserved (stolen) memory */
		{ 0x7fff0000, 4096, 768, false },     /* reaches into usable RAM below 2 GiB */
		{ 0xfd000000, 4096, 200000, false },  /* runs through the window into RAM */
		{ 0x13ffff000, 4096, 1, false },      /* the last usable page below 5 GiB */
		{ 0x140000000, 4096, 1, true },       /* right after it */
	};
	static struct bootinfo bi;

	memset(&bi, 0, sizeof(bi));
	bi.regions = map;
	bi.nregions = ARRAY_SIZE(map);
	bi.fb.kind = FB_RGB;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		bi.fb.addr = cases[i].addr;
		bi.fb.pitch = cases[i].pitch;
		bi.fb.height = cases[i].height;
		KEXPECT((console_fb_range_check(&bi) == NULL) == cases[i].ok);
	}
}

/* The row is read back before interrupts come back on: a line printed from an interrupt
 * in between (a USB keyboard getting ready, polled from the tick) would move the cursor. */
KTEST(console, text_lands_in_grid)
{
	static const char msg[] = "\x1b[32mKTEST-console\x1b[0m\n";
	struct term *t = &console.term;
	struct con_cell got[12];
	unsigned cy;
	uint64_t irq;

	if (console.backend == CONSOLE_SERIAL)
		ktest_skip("no screen console");
	/* screen only: escapes on serial would break the KTAP stream */
	irq = arch_irq_save();
	term_write(t, msg, sizeof(msg) - 1);
	cy = t->cy;
	for (unsigned i = 0; cy > 0 && i < ARRAY_SIZE(got); i++)
		got[i] = term_cell(t, i, cy - 1);
	arch_irq_restore(irq);
	KASSERT(cy > 0);
	for (unsigned i = 0; i < ARRAY_SIZE(got); i++) {
		KEXPECT(got[i].ch == (uint8_t)"KTEST-console"[i]);
		KEXPECT(got[i].attr == CON_ATTR(2, CON_COLOR_BLACK));
	}
}

/* The cells of VGA text memory that differ from the grid. Interrupts off, so that no line
 * printed meanwhile changes one side only. */
static unsigned vga_cells_differing(void)
{
	struct term *t = &console.term;
	unsigned bad = 0;

	for (unsigned r = 0; r < t->rows; r++)
		for (unsigned c = 0; c < t->cols; c++) {
			struct con_cell cell = term_cell(t, c, r);
			uint16_t want = (uint16_t)(cell.ch | (uint16_t)cell.attr << 8);

			bad += console.vga.mem[r * t->cols + c] != want;
		}
	return bad;
}

/* The mismatches are counted first and reported after. */
KTEST(console, vga_memory_equals_grid)
{
	unsigned bad;
	uint64_t irq;

	if (console.backend != CONSOLE_VGA_TEXT)
		ktest_skip("not VGA text");
	irq = arch_irq_save();
	bad = vga_cells_differing();
	arch_irq_restore(irq);
	KEXPECT(bad == 0);
}

/* The probe that let the VGA text backend start (vga_text_probe), run again on the live
 * screen: a VGA shows the buffer, and the screen is left as it was (the probe stores into
 * the first cell and puts it back), still equal to the grid. */
KTEST(console, vga_probe_leaves_the_screen)
{
	unsigned cols, rows, bad;
	paddr_t phys;
	const char *why;
	uint64_t irq;

	if (console.backend != CONSOLE_VGA_TEXT)
		ktest_skip("not VGA text");
	console_vga_geometry(&bootinfo_get()->fb, &cols, &rows, &phys);
	irq = arch_irq_save();
	why = vga_text_probe(console.vga.mem, phys);
	bad = vga_cells_differing();
	arch_irq_restore(irq);
	KEXPECT(why == NULL);
	KEXPECT(bad == 0);
}

/* More than a screen of lines in one write is drawn at the write's end (term.c's batch
 * grid): VGA text memory then holds exactly the grid, every row of it changed. Screen only
 * (not serial: KTAP), interrupts off from the write to the comparison. */
KTEST(console, vga_memory_equals_grid_after_a_page)
{
	static char page[80 * 60];
	struct term *t = &console.term;
	unsigned bad = 0;
	size_t n = 0;
	uint64_t irq;

	if (console.backend != CONSOLE_VGA_TEXT)
		ktest_skip("not VGA text");
	if (!t->shown)
		ktest_skip("no batch grid");
	for (unsigned i = 0; i < t->rows + 3 && n + 40 < sizeof(page); i++)
		n += (size_t)ksnprintf(page + n, sizeof(page) - n, "\x1b[3%umpage line %u\x1b[0m\n",
				       i % 8, i);
	irq = arch_irq_save();
	term_write(t, page, n);
	for (unsigned r = 0; r < t->rows; r++)
		for (unsigned c = 0; c < t->cols; c++) {
			struct con_cell cell = term_cell(t, c, r);

			bad += console.vga.mem[r * t->cols + c] !=
			       (uint16_t)(cell.ch | (uint16_t)cell.attr << 8);
		}
	arch_irq_restore(irq);
	KEXPECT(bad == 0);
	KEXPECT(!t->batched);
}

/* Scrolling while another user holds the vector registers (as when an interrupt handler
 * prints in the middle of a draw) draws with general registers and counts the refusal. */
KTEST(console, scroll_inside_simd_section_uses_gpr)
{
	static const char msg[] = "scrolling inside a vector-register section\n";
	struct term *t = &console.term;
	unsigned long refused;
	uint64_t irq;

	if (console.backend != CONSOLE_FB || !console.fb.simd_bytes)
		ktest_skip("no framebuffer with vector stores");
	if (console.fb.font->width != 8 || console.fb.scale != 1 || console.fb.bytes_pp != 4)
		ktest_skip("not the 8-pixel font at 32 bpp");
	irq = arch_irq_save();
	refused = console.fb.simd_refused;
	KASSERT(arch_simd_begin());
	/* enough lines to reach the bottom row and scroll at least once, with text that
	 * moves so the scroll redraws */
	for (unsigned r = t->cy; r <= t->rows; r++)
		term_write(t, msg, sizeof(msg) - 1);
	arch_simd_end();
	arch_irq_restore(irq);
	KEXPECT(console.fb.simd_refused > refused);
}

KTEST(console, describe_names_backend)
{
	char buf[160];

	console_describe(buf, sizeof(buf));
	if (console.backend == CONSOLE_FB)
		KEXPECT(strncmp(buf, "framebuffer ", 12) == 0);
	else if (console.backend == CONSOLE_VGA_TEXT)
		KEXPECT(strncmp(buf, "vga-text ", 9) == 0);
	else
		KEXPECT(strncmp(buf, "serial (", 8) == 0);
}
