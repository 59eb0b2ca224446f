// SPDX-License-Identifier: MIT
/*
 * The screen console: chooses the backend from the boot info and the command line, sets
 * it up (mapping the framebuffer write-combining, taking the cell grid, the batch grid of
 * term_attach_batch and the scrollback from the heap), and attaches the terminal (term.c)
 * to printk as a sink that replays the boot log. The scrollback is attached before the
 * replay, so the first boot lines can be read again with Shift+PgUp. While a shell command
 * runs, its output goes through the pager (console_pager.c), which holds back what does
 * not fit on the screen.
 *
 * Concurrency: printk calls sinks with interrupts off, and there is one CPU, so writes
 * never interleave; the busy flag catches reentry (an NMI's printk, a fault while
 * drawing), whose output is dropped from the screen so that nothing draws into a half-done
 * draw. Every entry point that draws holds it (tests/unit/drivers/console/test_console.c
 * plays an NMI inside each). console_panic_mode() clears it.
 */
#include <lios/cmdline.h>
#include <lios/console.h>
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/kmalloc.h> /* phys_to_virt */
#include <lios/paging.h>
#include <lios/printk.h>
#include <lios/serial.h>
#include <lios/string.h>
#include <lios/arch.h>
#include <lios/vmalloc.h>
#include "console_priv.h"
#include "font.h"
#include "vga_window.h"

struct console console;

/* The VGA text grid comes from the heap; this static one is the fallback, so the screen
 * works whatever the allocators do. */
static struct con_cell vga_cells[VGA_TEXT_MAX_CELLS];

/* Scrollback rows per screen row (at least SCROLLBACK_MIN_LINES in all). */
#define CONSOLE_SCROLLBACK_SCREENS 20

/* Screens this tall get the native 16x32 font instead of the 8x16 one. */
#define CONSOLE_HIDPI_HEIGHT 1440
#define CONSOLE_PANIC_ATTR CON_ATTR(CON_COLOR_WHITE, CON_COLOR_RED)

static bool streq(const char *a, const char *b) { return strcmp(a, b) == 0; }

/* "framebuffer tag refused: <the parser's reason>", "framebuffer WxH pitch P at A
 * refused: <console_fb_range_check's reason>", "EGA text WxH at A refused: <
 * vga_text_window_check's reason>" or CONSOLE_NO_TEXT_SCREEN, the serial console's reason
 * then. */
static char console_refused[192];
/* A display without VGA text mode (vga_text_probe's reason): ask GRUB for a framebuffer. */
#define CONSOLE_NO_TEXT_SCREEN "no VGA text screen at %#llx: %s; boot the GRUB entry " \
	"\"LiOS (framebuffer 1024x768)\" or set gfxpayload=1024x768x32"

/*
 * console_choose - the backend for bi and the command line. EGA text -> VGA text, RGB or
 * indexed -> framebuffer, none -> VGA text on BIOS; a framebuffer tag the parser refused
 * (bi->fb_rejected) -> serial, since the screen's mode is then unknown; console=vga|fb|
 * serial overrides when the screen can do it. Sets *why to the reason when the answer is
 * serial (for a refused tag, the parser's own reason). Pure apart from cmdline.
 */
enum console_backend console_choose(const struct bootinfo *bi, const char **why)
{
	enum fb_kind kind = bi->fb.kind;
	char want[16];

	*why = NULL;
	cmdline_value("console", want, sizeof(want)); /* absent or too long: "", the default */
	if (streq(want, "serial")) {
		*why = "console=serial";
		return CONSOLE_SERIAL;
	}
	if (streq(want, "vga")) {
		if (kind == FB_EGA_TEXT || kind == FB_NONE)
			return CONSOLE_VGA_TEXT;
		*why = "console=vga but the screen is in graphics mode";
		return CONSOLE_SERIAL;
	}
	if (streq(want, "fb")) {
		if (kind == FB_RGB || kind == FB_INDEXED)
			return CONSOLE_FB;
		*why = "console=fb but no framebuffer";
		return CONSOLE_SERIAL;
	}
	if (bi->fb_rejected) {
		*why = bi->fb_rejected;
		return CONSOLE_SERIAL;
	}
	switch (kind) {
	case FB_EGA_TEXT:
		return CONSOLE_VGA_TEXT;
	case FB_RGB:
	case FB_INDEXED:
		return CONSOLE_FB;
	default:
		if (bi->firmware == FIRMWARE_BIOS)
			return CONSOLE_VGA_TEXT;
		*why = "no framebuffer from the firmware";
		return CONSOLE_SERIAL;
	}
}

/* The decimal value of command-line option name, or -1 when absent, empty, not a number
 * or longer than 7 digits (refused whole: a cut number would be another number). */
static long console_uint_arg(const char *name)
{
	char buf[8];
	long v = 0;

	if (cmdline_value(name, buf, sizeof(buf)) <= 0)
		return -1;
	for (const char *p = buf; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

/* console.pager=off turns the pager off (on, or absent: paged). */
static bool console_pager_arg_off(void)
{
	char buf[8];

	return cmdline_value("console.pager", buf, sizeof(buf)) >= 0 && streq(buf, "off");
}

/* console.scale=N, 1..FB_MAX_SCALE; 0 when absent or invalid (said when invalid). */
static unsigned console_scale_arg(void)
{
	long v = console_uint_arg("console.scale");

	if (v >= 1 && v <= FB_MAX_SCALE)
		return (unsigned)v;
	if (cmdline_has("console.scale"))
		printk(KERN_WARN "console: console.scale takes 1 to %u, ignored\n", FB_MAX_SCALE);
	return 0;
}

/* console.simd=0|16|32 caps the renderer's vector stores (bytes); a value the CPU
 * cannot do or a malformed one is reported and ignored. */
static void console_simd_arg(struct fb_console *fc)
{
	long v;

	if (!cmdline_has("console.simd"))
		return;
	v = console_uint_arg("console.simd"); /* -1 for a malformed or too long value */
	if (v != 0 && v != 16 && v != 32) {
		printk(KERN_WARN "console: console.simd takes 0, 16 or 32, ignored\n");
		return;
	}
	if ((unsigned)v > fc->simd_bytes) {
		printk(KERN_WARN "console: console.simd=%ld: this CPU allows at most %u\n", v,
		       fc->simd_bytes);
		return;
	}
	fc->simd_bytes = (unsigned)v;
}

/* Direct-map address of a physical range inside the first 2 GiB, or NULL. Written so
 * that nothing wraps: phys + size could, for a corrupt tag's address near 2^64, and then
 * pass the check and make phys_to_virt panic. */
static void *console_direct_map(paddr_t phys, size_t size)
{
	if (phys >= DIRECT_MAP_SIZE || size > DIRECT_MAP_SIZE - phys)
		return NULL;
	return phys_to_virt(phys);
}

/* See console_priv.h. */
const char *console_vga_geometry(const struct fb_info *fb, unsigned *cols, unsigned *rows,
				 paddr_t *phys)
{
	*cols = 80;
	*rows = 25;
	*phys = VGA_TEXT_PHYS;
	if (fb->kind == FB_EGA_TEXT) {
		*cols = fb->width;
		*rows = fb->height;
		*phys = fb->addr;
		/* the CRTC's line offset is the column count: rows packed at 2 bytes a cell */
		if (fb->pitch != *cols * 2)
			return "EGA text pitch is not 2 bytes per column";
	}
	if (!*cols || !*rows || *cols > VGA_TEXT_MAX_CELLS || *rows > VGA_TEXT_MAX_CELLS / *cols)
		return "unexpected VGA text size";
	return NULL;
}

/* Starts the VGA text backend on the grid console_vga_geometry gives, if it lies in the
 * legacy text window (vga_text_window_check: a tag's address is not trusted) and a VGA
 * shows text from there (vga_text_probe). Returns 0, or an error with console.why
 * saying why not. Boot, after mm_init. */
static int console_start_vga(const struct bootinfo *bi)
{
	unsigned cols, rows;
	paddr_t phys;
	struct con_cell *cells;
	const char *why;
	void *mem;

	console.why = console_vga_geometry(&bi->fb, &cols, &rows, &phys);
	if (console.why)
		return -ENOTSUP;
	why = vga_text_window_check(phys, cols, rows, cols * 2); /* the geometry's pitch */
	if (why) {
		ksnprintf(console_refused, sizeof(console_refused),
			  "EGA text %ux%u at %#llx refused: %s", cols, rows,
			  (unsigned long long)phys, why);
		console.why = console_refused;
		return -ENOTSUP;
	}
	mem = console_direct_map(phys, cols * rows * 2);
	if (!mem)
		mem = ioremap(phys, cols * rows * 2, PG_CACHE_UC);
	if (!mem) {
		console.why = "cannot map VGA text memory";
		return -ENOMEM;
	}
	why = vga_text_probe(mem, phys); /* a display without text mode: stores reach nothing */
	if (why) {
		ksnprintf(console_refused, sizeof(console_refused), CONSOLE_NO_TEXT_SCREEN,
			  (unsigned long long)phys, why);
		console.why = console_refused;
		return -ENODEV;
	}
	cells = heap_calloc((size_t)cols * rows, sizeof(*cells));
	vga_text_setup(&console.vga, mem, cols, rows);
	term_init(&console.term, cells ? cells : vga_cells, cols, rows, &vga_text_ops,
		  &console.vga);
	return 0;
}

/* The PC's window below 4 GiB of the I/O APIC, HPET, local APIC and firmware flash: never
 * video memory, and pixels stored there would program interrupt controllers. */
#define CONSOLE_PC_MMIO_START 0xfec00000ull
#define CONSOLE_PC_MMIO_END 0x100000000ull

/* See console_priv.h. */
const char *console_fb_range_check(const struct bootinfo *bi)
{
	uint64_t start = bi->fb.addr, end = start + (uint64_t)bi->fb.pitch * bi->fb.height;

	/* the parser refused a range past 2^64 (fb_check in multiboot2.c) */
	if (start < CONSOLE_PC_MMIO_END && end > CONSOLE_PC_MMIO_START)
		return "it runs into the APIC and firmware window at 0xfec00000";
	for (size_t i = 0; i < bi->nregions; i++) {
		const struct mem_region *r = &bi->regions[i];
		uint64_t r_end = r->base + r->length < r->base ? UINT64_MAX : r->base + r->length;

		if (r->type == MEM_USABLE && start < r_end && r->base < end)
			return "it overlaps usable RAM in the firmware's memory map";
	}
	return NULL;
}

static int console_start_fb(const struct bootinfo *bi)
{
	const struct fb_info *fb = &bi->fb;
	const struct console_font *font = &console_font_8x16;
	unsigned scale = console_scale_arg();
	struct con_cell *cells;
	void *mem;
	int err;

	if (!scale) {
		scale = 1;
		if (fb->height >= CONSOLE_HIDPI_HEIGHT)
			font = &console_font_16x32;
	}
	/* check where it is and its format before mapping anything */
	if (console_fb_range_check(bi)) {
		ksnprintf(console_refused, sizeof(console_refused),
			  "framebuffer %ux%u pitch %u at %#llx refused: %s", fb->width, fb->height,
			  fb->pitch, (unsigned long long)fb->addr, console_fb_range_check(bi));
		console.why = console_refused;
		return -EINVAL;
	}
	err = fb_console_setup(&console.fb, NULL, fb, font, scale);
	if (err) {
		console.why = fb_console_refusal(fb, font, scale);
		return err;
	}
	mem = ioremap(fb->addr, (size_t)fb->pitch * fb->height, PG_CACHE_WC);
	if (!mem) {
		console.why = "cannot map the framebuffer";
		return -ENOMEM;
	}
	cells = heap_calloc((size_t)console.fb.cols * console.fb.rows, sizeof(*cells));
	if (!cells) {
		iounmap(mem);
		console.why = "no memory for the cell grid";
		return -ENOMEM;
	}
	fb_console_setup(&console.fb, mem, fb, font, scale);
	console_simd_arg(&console.fb);
	fb_fill(&console.fb, CON_COLOR_BLACK);
	term_init(&console.term, cells, console.fb.cols, console.fb.rows, &fb_console_ops,
		  &console.fb);
	return 0;
}

/* Show s on the screen, through the pager while a command's output is paged. */
static void console_show(const char *s, size_t len)
{
	if (console.pg.active)
		console_pager_show(s, len);
	else
		term_write(&console.term, s, len);
}

/* See <lios/console.h>. */
void console_sink(const char *s, size_t len)
{
	if (console.busy)
		return;
	console.busy = true;
	console_show(s, len);
	console.busy = false;
}

/* Allocate the batch grid (term_attach_batch) for the started screen: a write that
 * scrolls is then drawn once, at its end. Without heap memory every scroll is drawn. */
static void console_start_batch(void)
{
	struct con_cell *shown = heap_calloc((size_t)console.term.cols * console.term.rows,
					     sizeof(*shown));

	if (shown)
		term_attach_batch(&console.term, shown);
}

/* Allocate the scrollback for the started screen (before the log replay). Without heap
 * memory the console works without one. */
static void console_start_scrollback(void)
{
	unsigned cols = console.term.cols;
	size_t cap = (size_t)console.term.rows * CONSOLE_SCROLLBACK_SCREENS;
	void *mem;

	if (cap < SCROLLBACK_MIN_LINES)
		cap = SCROLLBACK_MIN_LINES;
	mem = heap_alloc(scrollback_bytes(cols, cap));
	if (!mem)
		return;
	scrollback_init(&console.sb, mem, cols, cap);
	term_attach_scrollback(&console.term, &console.sb);
}

static void console_announce(const struct bootinfo *bi)
{
	const struct fb_info *fb = &bi->fb;

	switch (console.backend) {
	case CONSOLE_VGA_TEXT:
		/* the contract's line, exactly (DESIGN.md); the tests take it as the mode */
		printk("console: vga-text %ux%u\n", console.term.cols, console.term.rows);
		if (fb->kind == FB_EGA_TEXT)
			printk(KERN_DEBUG "console: EGA text tag: %ux%u at 0x%lx, pitch %u\n",
			       fb->width, fb->height, (unsigned long)fb->addr, fb->pitch);
		else
			printk(KERN_DEBUG "console: no framebuffer tag: BIOS text mode assumed at "
					  "0x%lx\n", (unsigned long)VGA_TEXT_PHYS);
		printk(KERN_DEBUG "console: scrollback %lu lines\n", console.sb.cap);
		break;
	case CONSOLE_FB:
		printk("console: framebuffer %ux%u %ubpp pitch %u\n", fb->width, fb->height,
		       fb->bpp, fb->pitch);
		if (fb->kind == FB_INDEXED)
			printk("console: palette of %u colours, %u of the 16 console colours exact%s\n",
			       console.fb.ix_colors, console.fb.ix_exact,
			       console.fb.ix_exact == FB_PALETTE_SIZE ? "" : ", the rest nearest");
		printk("console: font %ux%u scale %u, %u-byte stores, %ux%u cells\n",
		       console.fb.font->width, console.fb.font->height, console.fb.scale,
		       console.fb.simd_bytes ? console.fb.simd_bytes : 8, console.fb.cols,
		       console.fb.rows);
		printk(KERN_DEBUG "console: scrollback %lu lines\n", console.sb.cap);
		break;
	default:
		printk("console: serial (%s)\n", console.why);
		break;
	}
}

/*
 * console_init - choose and start the screen backend, register it as a printk sink with
 * replay of the log, and print the "console: ..." line. Returns 0 with a screen, -ENODEV
 * when only serial is left (the line says why). Context: boot, after mm_init.
 */
int console_init(const struct bootinfo *bi)
{
	int err = 0;

	console.backend = console_choose(bi, &console.why);
	if (console.backend == CONSOLE_SERIAL && console.why == bi->fb_rejected) {
		ksnprintf(console_refused, sizeof(console_refused), "framebuffer tag refused: %s",
			  bi->fb_rejected);
		console.why = console_refused;
	}
	if (console.backend == CONSOLE_VGA_TEXT)
		err = console_start_vga(bi);
	else if (console.backend == CONSOLE_FB)
		err = console_start_fb(bi);
	if (err)
		console.backend = CONSOLE_SERIAL;
	if (console.backend != CONSOLE_SERIAL) {
		console_start_scrollback();
		console_start_batch();
	}
	console.pager_off = console_pager_arg_off();
	if (console.backend != CONSOLE_SERIAL &&
	    printk_add_sink(console_sink, true) < 0) {
		console.backend = CONSOLE_SERIAL;
		console.why = "no free printk sink";
	}
	console_announce(bi);
	return console.backend == CONSOLE_SERIAL ? -ENODEV : 0;
}

/*
 * console_write - show s on the screen and send it to serial, bypassing the log.
 * Any context; no allocation.
 */
void console_write(const char *s, size_t len)
{
	uint64_t irq = arch_irq_save();

	serial_write(s, len);
	if (console.backend != CONSOLE_SERIAL)
		console_sink(s, len);
	arch_irq_restore(irq);
}

/*
 * console_clear - blank the screen with the current background, cursor home. Any context.
 */
void console_clear(void)
{
	uint64_t irq = arch_irq_save();

	if (console.backend != CONSOLE_SERIAL && !console.busy) {
		console.busy = true;
		term_clear(&console.term);
		console.busy = false;
	}
	arch_irq_restore(irq);
}

/*
 * console_describe - one line for the shell describing the console. Any context.
 */
void console_describe(char *buf, size_t n)
{
	const struct fb_console *fc = &console.fb;

	switch (console.backend) {
	case CONSOLE_VGA_TEXT:
		ksnprintf(buf, n, "vga-text %ux%u, hardware font, cursor by CRTC",
			  console.term.cols, console.term.rows);
		break;
	case CONSOLE_FB:
		ksnprintf(buf, n, "framebuffer %ux%u %ubpp%s pitch %u, font Terminus %ux%u, scale %u, "
			  "%ux%u cells, %u-byte stores (%lu refused)",
			  fc->width, fc->height, fc->bpp, fc->bytes_pp == 1 ? " indexed" : "",
			  fc->pitch, fc->font->width,
			  fc->font->height, fc->scale, fc->cols, fc->rows,
			  fc->simd_bytes ? fc->simd_bytes : 8, fc->simd_refused);
		break;
	default:
		ksnprintf(buf, n, "serial (%s)", console.why ? console.why : "not started");
		break;
	}
}

/*
 * console_panic_mode - switch to the panic colours (white on red) on a fresh line.
 * Interrupts off, no allocation; also works when the panic interrupted a console write.
 */
void console_panic_mode(void)
{
	if (console.backend == CONSOLE_SERIAL)
		return;
	console.busy = false;
	console.pg.active = false; /* the panic report is never held back */
	console.batch_depth = 0;
	term_group_end(&console.term); /* what a batch kept back is shown, then the report */
	term_view_reset(&console.term);
	console.term.cursor_enabled = true;
	term_set_default_attr(&console.term, CONSOLE_PANIC_ATTR);
	if (console.term.cx != 0)
		console_sink("\n", 1);
}

/* ------------------------------------------------------------------ for the shell */

/*
 * console_batch_begin - draw the screen writes from here to console_batch_end() as one
 * (term_group_begin): a command writing line by line scrolls a screen per line otherwise.
 * Calls nest. Thread context; no allocation.
 */
void console_batch_begin(void)
{
	uint64_t irq = arch_irq_save();

	/* term_group_begin draws what a write cut short left undrawn: under busy, so that
	 * an NMI's message does not draw into it. Busy (a fault in a write) skips the group:
	 * the writes then draw as they go. */
	if (console.backend != CONSOLE_SERIAL && console.batch_depth++ == 0 && !console.busy) {
		console.busy = true;
		term_group_begin(&console.term);
		console.busy = false;
	}
	arch_irq_restore(irq);
}

/*
 * console_batch_end - end the batch of the matching console_batch_begin(); the outermost
 * draws what it kept back. No-op without a batch. Thread context; no allocation.
 */
void console_batch_end(void)
{
	uint64_t irq = arch_irq_save();

	if (console.batch_depth && --console.batch_depth == 0) {
		console.term.grouped = false; /* busy (a fault in a write): the next write draws */
		if (!console.busy) {
			console.busy = true;
			term_group_end(&console.term);
			console.busy = false;
		}
	}
	arch_irq_restore(irq);
}

/* console_cols - columns of the screen, 0 without one. Any context. */
unsigned console_cols(void)
{
	return console.backend == CONSOLE_SERIAL ? 0 : console.term.cols;
}

/* console_rows - rows of the screen, 0 without one. Any context. */
unsigned console_rows(void)
{
	return console.backend == CONSOLE_SERIAL ? 0 : console.term.rows;
}

/*
 * console_screen_write - show s on the screen only: not on serial, not in the log (the
 * line editor draws each terminal separately). Any context; no allocation.
 */
void console_screen_write(const char *s, size_t len)
{
	uint64_t irq = arch_irq_save();

	if (console.backend != CONSOLE_SERIAL && !console.busy) {
		console.busy = true;
		term_write(&console.term, s, len);
		console.busy = false;
	}
	arch_irq_restore(irq);
}

/*
 * console_scrollback - move the view pages screens back (negative: forward) through the
 * scrollback, one screen less a row per page. Returns the rows now scrolled back (0: the
 * live screen). Any context.
 */
size_t console_scrollback(int pages)
{
	uint64_t irq = arch_irq_save();
	size_t view = 0;

	if (console.backend != CONSOLE_SERIAL && !console.busy) {
		long step = console.term.rows > 1 ? (long)console.term.rows - 1 : 1;

		console.busy = true;
		view = term_view_scroll(&console.term, step * pages);
		console.busy = false;
	}
	arch_irq_restore(irq);
	return view;
}

/*
 * console_scroll_bottom - show the live screen again after console_scrollback(). Any
 * context; cheap when already there.
 */
void console_scroll_bottom(void)
{
	uint64_t irq = arch_irq_save();

	if (console.backend != CONSOLE_SERIAL && !console.busy && console.term.view) {
		console.busy = true;
		term_view_reset(&console.term);
		console.busy = false;
	}
	arch_irq_restore(irq);
}
