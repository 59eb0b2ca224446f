// SPDX-License-Identifier: MIT
/*
 * Host test of the EGA text tag's address check (src/drivers/console/vga_window.c): the
 * console takes a text screen only at the VGA text buffers, 0xB8000 and 0xB0000, with every
 * row inside the legacy window that ends at 0xC0000. Any other address a loader or a
 * corrupt boot information gives (RAM the kernel uses, the graphics window, an address
 * above 4 GiB whose low bits look right) is refused, and so is a screen that would run
 * past the window, however large its numbers.
 */
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

int main(void)
{
	RUN(test_accepts_text_buffers);
	RUN(test_refuses_other_addresses);
	RUN(test_size_inside_window);
	return unit_summary();
}
