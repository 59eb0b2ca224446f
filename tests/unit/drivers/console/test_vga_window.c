// SPDX-License-Identifier: MIT
/*
 * Host test of the VGA text window (src/drivers/console/vga_window.c). The EGA text tag's
 * address check: the console takes a text screen only at the VGA text buffers, 0xB8000 and
 * 0xB0000, with every row inside the legacy window that ends at 0xC0000. Any other address
 * a loader or a corrupt boot information gives (RAM the kernel uses, the graphics window,
 * an address above 4 GiB whose low bits look right) is refused, and so is a screen that
 * would run past the window, however large its numbers. The memory probe, on a simulated
 * cell: text memory answers; a window nothing decodes (all ones), a cell stuck at any value
 * and one with any bit that does not hold are told apart from it; the cell's content is
 * stored back every time.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "vga_window.h"
#include "../../unit.h"

/* The usual screens: 80x25 and 80x50 colour, 80x25 monochrome, 40x25; a pitch of 0 counts
 * as 2 bytes per column (the rows cannot overlap). */
static void test_accepts_text_buffers(void)
{
	CHECK(vga_text_window_check(0xb8000, 80, 25, 160) == NULL);
	CHECK(vga_text_window_check(0xb8000, 80, 50, 160) == NULL);
	CHECK(vga_text_window_check(0xb0000, 80, 25, 160) == NULL);
	CHECK(vga_text_window_check(0xb8000, 40, 25, 80) == NULL);
	CHECK(vga_text_window_check(0xb8000, 80, 25, 0) == NULL);
}

/* Any other address, even one a byte off or one that is 0xB8000 in its low 32 bits: the
 * kernel's RAM at 1 MiB, address 0, the graphics window, usable RAM at 2 GiB, the top of
 * the address space. The reason names the two buffers. */
static void test_refuses_other_addresses(void)
{
	static const uint64_t bad[] = { 0x100000,
					0,
					0xa0000,
					0xb8002,
					0xb7ffe,
					0xb0001,
					0xbc000,
					0xc0000,
					0x7ff00000,
					0x1000b8000,
					0xfffffffffffb8000ull };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = vga_text_window_check(bad[i], 80, 25, 160);

		CHECK(why != NULL);
		CHECK(why && strstr(why, "0xb8000") && strstr(why, "0xb0000"));
	}
}

/* The size: rows pitch bytes apart (or 2 bytes a column when the pitch is smaller) must end
 * at 0xC0000 at the latest: 32 KiB from 0xB8000, 64 KiB from 0xB0000. Exactly full is
 * taken, one row or one byte a row more is not; numbers that would overflow a product are
 * refused, not wrapped into something small. */
static void test_size_inside_window(void)
{
	CHECK(vga_text_window_check(0xb8000, 128, 128, 256) == NULL); /* 32 KiB exactly */
	CHECK(vga_text_window_check(0xb8000, 128, 129, 256) != NULL);
	CHECK(vga_text_window_check(0xb8000, 128, 128, 257) != NULL);
	CHECK(vga_text_window_check(0xb8000, 129, 128, 256) != NULL); /* columns beyond pitch */
	CHECK(vga_text_window_check(0xb0000, 128, 256, 256) == NULL); /* 64 KiB exactly */
	CHECK(vga_text_window_check(0xb0000, 128, 257, 256) != NULL);
	CHECK(vga_text_window_check(0xb8000, 80, 25, 0x10000) != NULL); /* huge pitch */
	CHECK(vga_text_window_check(0xb8000, 80, 2, 0x4000) == NULL);   /* two rows fit */
	CHECK(vga_text_window_check(0xb8000, UINT32_MAX, UINT32_MAX, UINT32_MAX) != NULL);
	CHECK(vga_text_window_check(0xb8000, 1, UINT32_MAX, 0) != NULL);
	const char *why = vga_text_window_check(0xb8000, 80, 25, 0x10000);
	CHECK(why && strstr(why, "0xc0000"));
}

/* A simulated text cell: 'held' bits keep what is stored, the others read as 'floats'
 * (all ones where nothing decodes the window); or, stuck, it always reads 'value'. It
 * records the stores, so a test sees what the probe left behind. */
struct sim_cell {
	uint16_t value;  /* what the cell holds now */
	uint16_t held;   /* bits that keep a store */
	uint16_t floats; /* what the other bits read as */
	unsigned stores; /* stores seen */
	uint16_t last;   /* the last value stored */
};

static uint16_t sim_read(void *ctx)
{
	const struct sim_cell *c = ctx;

	return (uint16_t)((c->value & c->held) | (c->floats & ~c->held));
}

static void sim_write(void *ctx, uint16_t v)
{
	struct sim_cell *c = ctx;

	c->stores++;
	c->last = v;
	c->value = (uint16_t)((c->value & ~c->held) | (v & c->held));
}

/* Probe the cell; true when the probe says text memory answers. */
static bool probe(struct sim_cell *c)
{
	const struct vga_cell_io io = { sim_read, sim_write, c };

	return vga_text_cell_answers(&io);
}

/* Real text memory, simulated (every bit held) and as plain memory through the kernel's
 * own accessors: the probe says it answers, and the cell holds what it held before (a
 * grey-on-black 'B' of GRUB's "Booting"), as do its neighbours. */
static void test_real_text_memory(void)
{
	struct sim_cell c = { .value = 0x0742, .held = 0xffff };
	uint16_t window[4] = { 0x0742, 0x076f, 0x1f20, 0xffff };
	const uint16_t before[4] = { 0x0742, 0x076f, 0x1f20, 0xffff };

	CHECK(probe(&c));
	CHECK_EQ(c.value, 0x0742);
	CHECK(c.stores >= 3);
	CHECK_EQ(c.last, 0x0742);
	CHECK(vga_text_mem_answers(&window[0]));
	CHECK(memcmp(window, before, sizeof(window)) == 0);
	CHECK(vga_text_mem_answers(&window[3])); /* a cell that holds all ones */
	CHECK(memcmp(window, before, sizeof(window)) == 0);
}

/* Nothing decodes the window: every read floats to all ones, stores vanish. Refused; the
 * value read first (all ones) is stored back last. */
static void test_nothing_decodes(void)
{
	struct sim_cell c = { .value = 0, .held = 0, .floats = 0xffff };

	CHECK(!probe(&c));
	CHECK_EQ(c.last, 0xffff);
}

/* A cell stuck at any of the 65536 values (RAM that ignores stores, a bus that reads 0, a
 * value equal to one of the probe's patterns): refused every time, and what was read is
 * stored back last. */
static void test_stuck_cells(void)
{
	unsigned accepted = 0, not_restored = 0;

	for (uint32_t v = 0; v <= 0xffff; v++) {
		struct sim_cell c = { .value = 0, .held = 0, .floats = (uint16_t)v };

		accepted += probe(&c);
		not_restored += c.last != v;
	}
	CHECK_EQ(accepted, 0);
	CHECK_EQ(not_restored, 0);
}

/* A cell whose stores hold in only some bits (a plane that does not answer: only the
 * character byte, only the attribute byte; a single bit missing), the others floating high
 * or low: refused for each of the 65535 masks but all ones, with either floating value;
 * the bits that hold get their first value back. */
static void test_some_bits_hold(void)
{
	unsigned accepted = 0, not_restored = 0;

	for (uint32_t held = 0; held < 0xffff; held++)
		for (unsigned f = 0; f < 2; f++) {
			uint16_t floats = f ? 0xffff : 0x0000;
			struct sim_cell c = { .value = 0x0720,
					      .held = (uint16_t)held,
					      .floats = floats };

			accepted += probe(&c);
			not_restored += (c.value & held) != (0x0720 & held);
		}
	CHECK_EQ(accepted, 0);
	CHECK_EQ(not_restored, 0);
	/* the two planes of a text cell: character byte alone, attribute byte alone */
	struct sim_cell ch = { .value = 0x0720, .held = 0x00ff, .floats = 0xffff };
	struct sim_cell attr = { .value = 0x0720, .held = 0xff00, .floats = 0xffff };
	CHECK(!probe(&ch));
	CHECK(!probe(&attr));
}

int main(void)
{
	RUN(test_accepts_text_buffers);
	RUN(test_refuses_other_addresses);
	RUN(test_size_inside_window);
	RUN(test_real_text_memory);
	RUN(test_nothing_decodes);
	RUN(test_stuck_cells);
	RUN(test_some_bits_hold);
	return unit_summary();
}
