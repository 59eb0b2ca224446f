// SPDX-License-Identifier: MIT
/*
 * Console benchmarks (./lios bench): the framebuffer renderer against plain memory
 * operations on the same buffers in the same run, printed as ratios:
 *   console.scroll_over_memcpy_1080p  scroll one line of a full 1920x1080x32 text screen /
 *                                     one memcpy of the whole visible framebuffer (<= 1.0)
 *   console.scroll_over_memcpy_768p   the same at 1024x768x32 (<= 1.0)
 *   console.scroll_over_memcpy_2160p_16x32
 *                                     the same at 3840x2160x32 with the 16x32 font that
 *                                     the console picks for screens that tall (<= 1.0)
 *   console.scroll_over_glibc_memcpy_1080p, _768p
 *                                     the same scroll / glibc's memcpy (information only)
 *   console.glyph_over_stores         draw one 8x16 glyph / the same number (128) of plain
 *                                     32-bit stores at the same places (<= 2.0)
 * The text screen is "full": every cell holds a character and each line differs from the
 * next in every column, so a scroll really redraws every cell. Best of several rounds,
 * alternating the sides, to keep noise from other processes out of the ratio.
 *
 * Both sides are the kernel's code: the renderer is compiled with the kernel's
 * -mgeneral-regs-only (CMakeLists.txt) and, like the kernel, stores glyph rows with the
 * widest vectors the CPU has (AVX2, else SSE2; fb_glyph8.c; the width is printed).
 * "memcpy" is the kernel's own, rep movsb (kernel_memcpy below, the same as
 * src/arch/x86_64/lib/memcpy.c), which is what a kernel scrolling by copying video memory
 * would run. glibc's memcpy (AVX stores) is printed as
 * extra keys; on the machines measured rep movsb was as fast as glibc or a little faster
 * for these sizes, so the kernel's memcpy is not the easier baseline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <lios/arch.h>
#include "fb.h"

#define ROUNDS 100

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The kernel's memcpy (src/arch/x86_64/lib/memcpy.c): ERMSB rep movsb. */
static void *kernel_memcpy(void *dst, const void *src, size_t n)
{
	void *ret = dst;

	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n)::"memory");
	return ret;
}

struct screen {
	struct fb_info info;
	uint8_t *fb;      /* the "video memory" */
	uint8_t *shadow;  /* a second buffer of the same size, the memcpy source */
	size_t size;
	struct fb_console fc;
	struct term t;
	struct con_cell *cells;
	unsigned next_line; /* number of the next line of text */
};

static void *alloc(size_t n)
{
	void *p = aligned_alloc(64, (n + 63) & ~(size_t)63);

	if (!p) {
		perror("aligned_alloc");
		exit(1);
	}
	memset(p, 0, n);
	return p;
}

static void screen_open(struct screen *s, uint32_t w, uint32_t h,
			const struct console_font *font)
{
	s->info = (struct fb_info){ .kind = FB_RGB, .width = w, .height = h, .pitch = w * 4,
				    .bpp = 32, .red_pos = 16, .red_size = 8, .green_pos = 8,
				    .green_size = 8, .blue_pos = 0, .blue_size = 8 };
	s->size = (size_t)s->info.pitch * h;
	s->fb = alloc(s->size);
	s->shadow = alloc(s->size);
	if (fb_console_setup(&s->fc, s->fb, &s->info, font, 1)) {
		fprintf(stderr, "bench: setup failed\n");
		exit(1);
	}
	s->cells = calloc((size_t)s->fc.cols * s->fc.rows, sizeof(*s->cells));
	term_init(&s->t, s->cells, s->fc.cols, s->fc.rows, &fb_console_ops, &s->fc);
	s->next_line = 0;
}

static void screen_close(struct screen *s)
{
	free(s->fb);
	free(s->shadow);
	free(s->cells);
}

/* Write a full line of text number n (no newline): every column printable, and line n
 * differs from line n + 1 in every column. */
static void write_line(struct screen *s, unsigned n)
{
	char buf[1024];
	unsigned cols = s->fc.cols;

	for (unsigned c = 0; c < cols; c++)
		buf[c] = (char)(33 + (n * 7 + c) % 94);
	term_write(&s->t, buf, cols);
}

/* Fill every row; the cursor ends at the end of the last row (pending wrap). */
static void fill_screen(struct screen *s)
{
	term_write(&s->t, "\x1b[2J\x1b[H", 7);
	for (unsigned r = 0; r < s->fc.rows; r++) {
		if (r)
			term_write(&s->t, "\r\n", 2);
		write_line(s, s->next_line++);
	}
}

struct scroll_result {
	double over_kernel_memcpy; /* best scroll / best kernel_memcpy of the framebuffer */
	double over_glibc_memcpy;  /* best scroll / best glibc memcpy of the framebuffer */
};

/* Best time of one scroll of a full screen and of one full-framebuffer memcpy of each kind. */
static struct scroll_result bench_scroll(uint32_t w, uint32_t h, const struct console_font *font)
{
	struct screen s;
	double best_scroll = 1e9, best_kcopy = 1e9, best_gcopy = 1e9;

	screen_open(&s, w, h, font);
	fill_screen(&s);
	for (int i = 0; i < ROUNDS; i++) {
		double t0 = now();

		term_write(&s.t, "\r\n", 2); /* the scroll: every row changes */
		double t1 = now();

		write_line(&s, s.next_line++); /* refill the new bottom line, not timed */
		if (t1 - t0 < best_scroll)
			best_scroll = t1 - t0;

		t0 = now();
		kernel_memcpy(s.fb, s.shadow, s.size);
		t1 = now();
		if (t1 - t0 < best_kcopy)
			best_kcopy = t1 - t0;

		t0 = now();
		memcpy(s.fb, s.shadow, s.size);
		t1 = now();
		if (t1 - t0 < best_gcopy)
			best_gcopy = t1 - t0;
		term_redraw(&s.t); /* put the text back after the copies, not timed */
	}
	screen_close(&s);
	return (struct scroll_result){ best_scroll / best_kcopy, best_scroll / best_gcopy };
}

/* Draw every cell of a 1080p screen once vs. the same 128 stores per cell, plain. */
static double bench_glyph(void)
{
	struct screen s;
	double best_glyph = 1e9, best_store = 1e9;

	screen_open(&s, 1920, 1080, &console_font_8x16);
	for (int i = 0; i < ROUNDS; i++) {
		double t0 = now();

		for (unsigned r = 0; r < s.fc.rows; r++)
			for (unsigned c = 0; c < s.fc.cols; c++) {
				struct con_cell cell = { (uint8_t)(33 + (r + c + i) % 94), 0x07 };

				fb_draw_cell(&s.fc, c, r, cell, false);
			}
		double t1 = now();
		if (t1 - t0 < best_glyph)
			best_glyph = t1 - t0;

		t0 = now();
		for (unsigned r = 0; r < s.fc.rows; r++)
			for (unsigned c = 0; c < s.fc.cols; c++) {
				uint8_t *cellp = s.fb + (size_t)r * 16 * s.info.pitch + (size_t)c * 8 * 4;

				for (unsigned y = 0; y < 16; y++) {
					/* volatile keeps them 32-bit stores, one per pixel */
					volatile uint32_t *p = (volatile uint32_t *)(cellp + y * s.info.pitch);

					for (unsigned x = 0; x < 8; x++)
						p[x] = 0xaaaaaa + i;
				}
			}
		t1 = now();
		if (t1 - t0 < best_store)
			best_store = t1 - t0;
	}
	screen_close(&s);
	return best_glyph / best_store;
}

int main(void)
{
	printf("console: the renderer stores %u bytes at once on this CPU\n", arch_simd_bytes());
	struct scroll_result r1080 = bench_scroll(1920, 1080, &console_font_8x16);
	struct scroll_result r768 = bench_scroll(1024, 768, &console_font_8x16);
	/* a 4K panel uses the native 16x32 font (the console's HiDPI rule) */
	struct scroll_result r2160 = bench_scroll(3840, 2160, &console_font_16x32);

	/* baseline: the kernel's memcpy (rep movsb), see the top of this file */
	printf("BENCH console.scroll_over_memcpy_1080p %.3f <= 1.0\n", r1080.over_kernel_memcpy);
	printf("BENCH console.scroll_over_memcpy_768p %.3f <= 1.0\n", r768.over_kernel_memcpy);
	/* information: the same scroll against glibc's memcpy */
	printf("BENCH console.scroll_over_glibc_memcpy_1080p %.3f <= 1.0\n", r1080.over_glibc_memcpy);
	printf("BENCH console.scroll_over_glibc_memcpy_768p %.3f <= 1.0\n", r768.over_glibc_memcpy);
	printf("BENCH console.scroll_over_memcpy_2160p_16x32 %.3f <= 1.0\n", r2160.over_kernel_memcpy);
	printf("BENCH console.glyph_over_stores %.3f <= 2.0\n", bench_glyph());
	return 0;
}
