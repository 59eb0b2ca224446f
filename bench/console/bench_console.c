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
 *   console.scroll_over_memcpy_1080p_24bpp
 *                                     the 1080p scroll at 24 bpp (pitch 5760), glyph rows of
 *                                     packed pixels (<= 2.5; drawn cell by cell through the
 *                                     generic path it was 21)
 *   console.page_over_memcpy_2160p_16x32
 *                                     a page of the pager (66 full lines) written at once
 *                                     on that 4K screen / one memcpy of its framebuffer
 *                                     (<= 2.0: one redraw, not one per line; drawn line by
 *                                     line it was 42)
 *   console.dmesg_over_memcpy_2160p_16x32
 *                                     200 log lines of 40-99 characters, one write each
 *                                     as `dmesg` sends them, batched as it does them
 *                                     (console_batch_begin), on that 4K screen / one
 *                                     memcpy of its framebuffer (<= 2.0; a write each
 *                                     without the batch it was 18-24: a redraw a line)
 *   console.glyph_over_stores         draw one 8x16 glyph / the same number (128) of plain
 *                                     32-bit stores at the same places (<= 2.0)
 * The text screen is "full": every cell holds a character and each line differs from the
 * next in every column, so a scroll really redraws every cell. Each key is the median of
 * interleaved rounds with its spread (bench.h); the 768p scroll's goal is a median <= 0.9
 * with no round above 1.0. "./bench_console 768p" runs one part alone and BENCH_ABS=1
 * prints the absolute times of both sides too (for profiling).
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
#include "bench.h"
#include "fb.h"

#define ROUNDS 41 /* interleaved rounds per comparison (bench.h) */

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
	struct con_cell *shown; /* the batch grid (term_attach_batch), as the kernel has */
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

/* bpp: 32, or 24 (pitch w * 3, as VBE modes have it) */
static void screen_open_bpp(struct screen *s, uint32_t w, uint32_t h,
			    const struct console_font *font, uint8_t bpp)
{
	s->info = (struct fb_info){ .kind = FB_RGB, .width = w, .height = h,
				    .pitch = w * (bpp / 8u), .bpp = bpp, .red_pos = 16,
				    .red_size = 8, .green_pos = 8, .green_size = 8, .blue_pos = 0,
				    .blue_size = 8 };
	s->size = (size_t)s->info.pitch * h;
	s->fb = alloc(s->size);
	s->shadow = alloc(s->size);
	if (fb_console_setup(&s->fc, s->fb, &s->info, font, 1)) {
		fprintf(stderr, "bench: setup failed\n");
		exit(1);
	}
	s->cells = calloc((size_t)s->fc.cols * s->fc.rows, sizeof(*s->cells));
	term_init(&s->t, s->cells, s->fc.cols, s->fc.rows, &fb_console_ops, &s->fc);
	s->shown = calloc((size_t)s->fc.cols * s->fc.rows, sizeof(*s->shown));
	term_attach_batch(&s->t, s->shown);
	s->next_line = 0;
}

static void screen_open(struct screen *s, uint32_t w, uint32_t h,
			const struct console_font *font)
{
	screen_open_bpp(s, w, h, font, 32);
}

static void screen_close(struct screen *s)
{
	free(s->fb);
	free(s->shadow);
	free(s->cells);
	free(s->shown);
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

/* One side of a scroll comparison: the screen, and for the copy side which memcpy. */
struct side {
	struct screen *s;
	void *(*copy)(void *, const void *, size_t);
};

/* A round of a scroll, page or dmesg comparison takes REPS runs of each side, alternating
 * one by one, and keeps each side's fastest (bench_compare_paired): one run takes 0.1 ms
 * (a scroll) to a few ms (a 4K page), short enough for a neighbour's time slice to land on
 * it, and a longer disturbance then lands on both sides; the median over rounds judges the
 * rest. (The page and dmesg comparisons took 3 runs: one round in 41 whose three were all
 * disturbed put the 4K page's worst round at 2.11 against its goal of 2, median 1.69.) */
#define REPS 7

/* Ours: one scroll of the full screen (timed), then the new bottom line refilled (not). */
static uint64_t side_scroll(void *ctx)
{
	struct screen *s = ((struct side *)ctx)->s;
	uint64_t t0 = bench_ns(), t;

	term_write(&s->t, "\r\n", 2); /* the scroll: every row changes */
	t = bench_ns() - t0;
	write_line(s, s->next_line++);
	return t;
}

/* Baseline: one copy of the whole framebuffer (timed), then the text put back (not), so
 * the next scroll starts from the screen it expects. */
static uint64_t side_copy(void *ctx)
{
	struct side *sd = ctx;
	uint64_t t0 = bench_ns(), t;

	sd->copy(sd->s->fb, sd->s->shadow, sd->s->size);
	t = bench_ns() - t0;
	term_redraw(&sd->s->t);
	return t;
}

/* Ours: a page of the pager (rows - 1 full lines) in one write, as Space at "-- more --"
 * releases it (timed). Each line differs from the one above in every column, so drawn
 * line by line every line would redraw the whole screen. */
static uint64_t side_page(void *ctx)
{
	struct screen *s = ((struct side *)ctx)->s;
	unsigned cols = s->fc.cols;
	static char buf[256 * 1024];
	size_t n = 0;
	uint64_t t0, t;

	for (unsigned r = 0; r + 1 < s->fc.rows && n + cols + 2 < sizeof(buf); r++) {
		unsigned line = s->next_line++;

		buf[n++] = '\r';
		buf[n++] = '\n';
		for (unsigned c = 0; c < cols; c++)
			buf[n++] = (char)(33 + (line * 7 + c) % 94);
	}
	t0 = bench_ns();
	term_write(&s->t, buf, n);
	t = bench_ns() - t0;
	return t;
}

/* A page of rows - 1 lines (side_page) over one copy of the framebuffer by the kernel's
 * memcpy. */
static void bench_page(uint32_t w, uint32_t h, const struct console_font *font,
		       const char *key, double goal)
{
	struct screen s;
	struct side ours = { &s, NULL }, kcopy = { &s, kernel_memcpy };

	screen_open(&s, w, h, font);
	fill_screen(&s);
	side_page(&ours);
	side_copy(&kcopy);
	if (getenv("BENCH_ABS")) {
		uint64_t a = UINT64_MAX, b = UINT64_MAX;

		for (int i = 0; i < 10; i++) {
			a = MIN(a, side_page(&ours));
			b = MIN(b, side_copy(&kcopy));
		}
		fprintf(stderr, "# %ux%u: page of %u lines %.1f us, rep movsb %.1f us\n", w, h,
			s.fc.rows - 1, (double)a / 1e3, (double)b / 1e3);
	}
	bench_print(key,
		    bench_compare_paired(side_page, &ours, side_copy, &kcopy, bench_rounds(ROUNDS),
					 REPS, NULL),
		    "<=", goal, -1);
	screen_close(&s);
}

/* Ours: DMESG_LINES log lines of 40-99 characters, a write each as cmd_dmesg sends them
 * (timed), grouped into one batch as cmd_dmesg does (console_batch_begin: term_group_*),
 * or not (ctx's grouped false, the code before the batch: BENCH_ABS prints it). */
#define DMESG_LINES 200
#define GOAL_DMESG 2.0

struct dmesg_side {
	struct screen *s;
	bool grouped;
};

static uint64_t side_dmesg(void *ctx)
{
	struct dmesg_side *d = ctx;
	struct screen *s = d->s;
	uint64_t t0 = bench_ns();

	if (d->grouped)
		term_group_begin(&s->t);
	for (unsigned i = 0; i < DMESG_LINES; i++) {
		unsigned n = s->next_line++, len = 40 + n * 13 % 60;
		char line[128];
		int k = snprintf(line, sizeof(line), "[%5u.%06u] dmesg-like line %u: ", n / 100,
				 n % 100 * 9973, n);

		for (; k < (int)len; k++)
			line[k] = (char)(33 + (n * 7 + (unsigned)k) % 94);
		line[k++] = '\n';
		term_write(&s->t, line, (size_t)k);
	}
	if (d->grouped)
		term_group_end(&s->t);
	return bench_ns() - t0;
}

/* DMESG_LINES single-line writes in a batch (side_dmesg) over one copy of the
 * framebuffer by the kernel's memcpy. */
static void bench_dmesg(uint32_t w, uint32_t h, const struct console_font *font,
			const char *key, double goal)
{
	struct screen s;
	struct dmesg_side ours = { &s, true }, before = { &s, false };
	struct side kcopy = { &s, kernel_memcpy };

	screen_open(&s, w, h, font);
	side_dmesg(&ours); /* a screen full of log lines, the cursor at the bottom */
	side_copy(&kcopy);
	if (getenv("BENCH_ABS")) {
		uint64_t a = UINT64_MAX, b = UINT64_MAX, c = UINT64_MAX;

		for (int i = 0; i < 10; i++) {
			a = MIN(a, side_dmesg(&ours));
			b = MIN(b, side_copy(&kcopy));
			c = MIN(c, side_dmesg(&before));
		}
		fprintf(stderr, "# %ux%u: %u log lines %.1f us grouped, %.1f us a write each, "
			"rep movsb %.1f us\n", w, h, DMESG_LINES, (double)a / 1e3, (double)c / 1e3,
			(double)b / 1e3);
	}
	bench_print(key,
		    bench_compare_paired(side_dmesg, &ours, side_copy, &kcopy, bench_rounds(ROUNDS),
					 REPS, NULL),
		    "<=", goal, -1);
	screen_close(&s);
}

/* Scroll of a full w x h screen over one copy of its framebuffer by the kernel's memcpy
 * and by glibc's, interleaved rounds; prints both keys. */
static void bench_scroll_bpp(uint32_t w, uint32_t h, uint8_t bpp,
			     const struct console_font *font, const char *key,
			     const char *glibc_key, double goal, double worst)
{
	struct screen s;
	struct side ours = { &s, NULL }, kcopy = { &s, kernel_memcpy }, gcopy = { &s, memcpy };
	int rounds = bench_rounds(ROUNDS);

	screen_open_bpp(&s, w, h, font, bpp);
	fill_screen(&s);
	side_scroll(&ours); /* warm up both sides */
	side_copy(&kcopy);
	if (getenv("BENCH_ABS")) { /* absolute times, best of 100, for profiling */
		uint64_t a = UINT64_MAX, b = UINT64_MAX;

		for (int i = 0; i < 100; i++) {
			a = MIN(a, side_scroll(&ours));
			b = MIN(b, side_copy(&kcopy));
		}
		fprintf(stderr, "# %ux%u: scroll %.1f us, rep movsb %.1f us for %zu bytes\n", w, h,
			(double)a / 1e3, (double)b / 1e3, s.size);
	}
	bench_print(key,
		    bench_compare_paired(side_scroll, &ours, side_copy, &kcopy, rounds, REPS, NULL),
		    "<=", goal, worst);
	if (glibc_key)
		bench_print(glibc_key,
			    bench_compare_paired(side_scroll, &ours, side_copy, &gcopy, rounds, REPS,
						 NULL),
			    "<=", 1.0, -1);
	screen_close(&s);
}

static void bench_scroll(uint32_t w, uint32_t h, const struct console_font *font,
			 const char *key, const char *glibc_key, double goal, double worst)
{
	bench_scroll_bpp(w, h, 32, font, key, glibc_key, goal, worst);
}

/* Draw every cell of a 1080p screen once (ours) vs. the same 128 stores per cell, plain.
 * A round takes each side's fastest of REPS runs, as the scrolls do: with one run a side,
 * a single disturbed round (2.05, its median 1.27) decided a quiet run's verdict.
 * The ratio has two modes, about 0.90 and 1.28, and it is the baseline that has them:
 * run by run in one process the renderer stays at about 500 us a screen on this VM while
 * the plain stores take either about 500 or about 390 us, switching at a random run and
 * staying there (also with the framebuffer in 2 MiB pages; of 6 processes of 120 runs, 5
 * switched within their first 100 runs, 1 never did). So neither mode is the renderer's;
 * both are far under the goal. */
static uint64_t side_glyphs(void *ctx)
{
	struct screen *s = ctx;
	static unsigned i;
	uint64_t t0 = bench_ns();

	i++;
	for (unsigned r = 0; r < s->fc.rows; r++)
		for (unsigned c = 0; c < s->fc.cols; c++) {
			struct con_cell cell = { (uint8_t)(33 + (r + c + i) % 94), 0x07 };

			fb_draw_cell(&s->fc, c, r, cell, false);
		}
	return bench_ns() - t0;
}

static uint64_t side_stores(void *ctx)
{
	struct screen *s = ctx;
	static unsigned i;
	uint64_t t0 = bench_ns();

	i++;
	for (unsigned r = 0; r < s->fc.rows; r++)
		for (unsigned c = 0; c < s->fc.cols; c++) {
			uint8_t *cellp = s->fb + (size_t)r * 16 * s->info.pitch + (size_t)c * 8 * 4;

			for (unsigned y = 0; y < 16; y++) {
				/* volatile keeps them 32-bit stores, one per pixel */
				volatile uint32_t *p = (volatile uint32_t *)(cellp + y * s->info.pitch);

				for (unsigned x = 0; x < 8; x++)
					p[x] = 0xaaaaaa + i;
			}
		}
	return bench_ns() - t0;
}

static void bench_glyph(void)
{
	struct screen s;

	screen_open(&s, 1920, 1080, &console_font_8x16);
	bench_print("console.glyph_over_stores",
		    bench_compare_paired(side_glyphs, &s, side_stores, &s, bench_rounds(ROUNDS),
					 REPS, NULL),
		    "<=", 2.0, -1);
	screen_close(&s);
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL; /* a key part to run alone: "768p" */

	bench_pin();
	printf("console: the renderer stores %u bytes at once on this CPU\n", arch_simd_bytes());
	/* baseline: the kernel's memcpy (rep movsb), see the top of this file; the glibc keys
	 * are for information */
	if (!only || strstr("1080p", only))
		bench_scroll(1920, 1080, &console_font_8x16, "console.scroll_over_memcpy_1080p",
			     "console.scroll_over_glibc_memcpy_1080p", 1.0, -1);
	if (!only || strstr("768p", only))
		bench_scroll(1024, 768, &console_font_8x16, "console.scroll_over_memcpy_768p",
			     "console.scroll_over_glibc_memcpy_768p", 0.9, 1.0);
	/* a 4K panel uses the native 16x32 font (the console's HiDPI rule) */
	if (!only || strstr("2160p", only))
		bench_scroll(3840, 2160, &console_font_16x32,
			     "console.scroll_over_memcpy_2160p_16x32", NULL, 1.0, -1);
	/* 24 bpp (VBE modes): packed glyph rows from a table (fb.c's fb_span_packed) */
	if (!only || strstr("1080p24", only))
		bench_scroll_bpp(1920, 1080, 24, &console_font_8x16,
				 "console.scroll_over_memcpy_1080p_24bpp", NULL, 2.5, -1);
	/* a page released by the pager at 4K: drawn once, not once per line (term.c) */
	if (!only || strstr("page", only))
		bench_page(3840, 2160, &console_font_16x32, "console.page_over_memcpy_2160p_16x32",
			   2.0);
	/* dmesg at 4K: 200 writes of a log line each, batched (console_batch_begin) */
	if (!only || strstr("dmesg", only))
		bench_dmesg(3840, 2160, &console_font_16x32, "console.dmesg_over_memcpy_2160p_16x32",
			    GOAL_DMESG);
	if (!only || strstr("glyph", only))
		bench_glyph();
	return 0;
}
