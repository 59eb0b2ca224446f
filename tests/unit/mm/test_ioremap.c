// SPDX-License-Identifier: MIT
/*
 * Host tests of ioremap's memory-type rule (src/mm/vmalloc.c): one frame never gets two
 * memory types through the direct map and an ioremap area. First the pure verdict per
 * page (ioremap_page_type) and per range (ioremap_check_types, over a made-up direct map),
 * then ioremap itself on tests/support/sim_mm.h's machine, with the host paging stand-in's
 * simulated direct map typed like a PC's low memory: RAM write-back, the VGA window and
 * the BIOS area uncached.
 */
#include <lios/errno.h>
#include <lios/printk.h>
#include "log_capture.h"
#include "mm_host.h"

#define HIGH_FRAMES 4096
#define VGA_START 0xa0000ull   /* the legacy VGA window and BIOS area: a hole, uncached */
#define LOW_RAM_END VGA_START  /* RAM below it */
#define HIGH_RAM_START MiB(1)  /* RAM from 1 MiB ... */
#define HIGH_RAM_END MiB(1024) /* ... to 1 GiB; the rest of the direct map is a hole */

/* The made-up direct map the pure range tests run against, as paging_init would type it;
 * remembers the highest page it was asked about. */
static paddr_t fake_highest_asked;

static int fake_direct(paddr_t pa)
{
	fake_highest_asked = MAX(fake_highest_asked, pa);
	if (pa < LOW_RAM_END || (pa >= HIGH_RAM_START && pa < HIGH_RAM_END))
		return (int)PG_CACHE_WB;
	return (int)PG_CACHE_UC;
}

/* Every pair of asked type and direct-map type. Expected: a page the direct map does not
 * map gets what was asked; the same type stays; WB or WT asked where the direct map is UC
 * (or WC) gets the direct map's type; UC or WC over UC or WC stays as asked (neither
 * caches); UC or WC over WB or WT (RAM) is -EINVAL; WT over WB RAM gets WB. */
static void test_page_type(void)
{
	static const struct {
		unsigned want;
		int direct, got;
	} c[] = {
		{ PG_CACHE_WB, IOREMAP_NOT_DIRECT, PG_CACHE_WB },
		{ PG_CACHE_WC, IOREMAP_NOT_DIRECT, PG_CACHE_WC },
		{ PG_CACHE_UC, IOREMAP_NOT_DIRECT, PG_CACHE_UC },
		{ PG_CACHE_WT, IOREMAP_NOT_DIRECT, PG_CACHE_WT },
		{ PG_CACHE_WB, PG_CACHE_WB, PG_CACHE_WB },
		{ PG_CACHE_WC, PG_CACHE_WB, -EINVAL },
		{ PG_CACHE_UC, PG_CACHE_WB, -EINVAL },
		{ PG_CACHE_WT, PG_CACHE_WB, PG_CACHE_WB },
		{ PG_CACHE_WB, PG_CACHE_UC, PG_CACHE_UC },
		{ PG_CACHE_WC, PG_CACHE_UC, PG_CACHE_WC },
		{ PG_CACHE_UC, PG_CACHE_UC, PG_CACHE_UC },
		{ PG_CACHE_WT, PG_CACHE_UC, PG_CACHE_UC },
		{ PG_CACHE_WB, PG_CACHE_WC, PG_CACHE_WC },
		{ PG_CACHE_UC, PG_CACHE_WC, PG_CACHE_UC },
		{ PG_CACHE_UC, PG_CACHE_WT, -EINVAL },
		{ PG_CACHE_WB, PG_CACHE_WT, PG_CACHE_WT },
	};

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		int got = ioremap_page_type(c[i].want, c[i].direct);

		if (got != c[i].got)
			fprintf(stderr, "  case %zu: want %#x over %d gave %d\n", i, c[i].want,
				c[i].direct, got);
		CHECK_EQ(got, c[i].got);
	}
	/* flags beside the cache type are ignored */
	CHECK_EQ(ioremap_page_type(PG_CACHE_WC | PG_WRITE | PG_NX, PG_CACHE_UC), PG_CACHE_WC);
}

/* ioremap_check_types over the made-up direct map, one case per line of the rule. */
static void test_range_verdicts(void)
{
	struct ioremap_check c;

	/* RAM asked write-back: fine, nothing changed */
	CHECK_EQ(ioremap_check_types(MiB(2), 16, PG_CACHE_WB, fake_direct, &c), 0);
	CHECK_EQ(c.changed, 0);
	/* RAM asked write-combining (a framebuffer over RAM): refused at its first page */
	CHECK_EQ(ioremap_check_types(MiB(2), 16, PG_CACHE_WC, fake_direct, &c), -EINVAL);
	CHECK_EQ(c.refused, MiB(2));
	/* RAM asked uncached: refused too */
	CHECK_EQ(ioremap_check_types(0x1000, 1, PG_CACHE_UC, fake_direct, &c), -EINVAL);
	CHECK_EQ(c.refused, 0x1000);
	/* the hole asked uncached or write-combining: fine as asked */
	CHECK_EQ(ioremap_check_types(0xb8000, 8, PG_CACHE_UC, fake_direct, &c), 0);
	CHECK_EQ(c.changed, 0);
	CHECK_EQ(ioremap_check_types(0xa0000, 32, PG_CACHE_WC, fake_direct, &c), 0);
	CHECK_EQ(c.changed, 0);
	/* the hole asked write-back: every page becomes uncached */
	CHECK_EQ(ioremap_check_types(0xb8000, 8, PG_CACHE_WB, fake_direct, &c), 0);
	CHECK_EQ(c.changed, 8);
	CHECK_EQ(c.first_changed, 0xb8000);
	CHECK_EQ(c.changed_to, PG_CACHE_UC);

	/* RAM then hole (0x9e000-0xa2000): write-back keeps the two RAM pages, changes the two
	 * hole pages; uncached is refused at the first RAM page */
	CHECK_EQ(ioremap_check_types(0x9e000, 4, PG_CACHE_WB, fake_direct, &c), 0);
	CHECK_EQ(c.changed, 2);
	CHECK_EQ(c.first_changed, 0xa0000);
	CHECK_EQ(ioremap_check_types(0x9e000, 4, PG_CACHE_UC, fake_direct, &c), -EINVAL);
	CHECK_EQ(c.refused, 0x9e000);
	/* hole then RAM (0xff000-0x101000): write-combining refused where RAM starts */
	CHECK_EQ(ioremap_check_types(0xff000, 2, PG_CACHE_WC, fake_direct, &c), -EINVAL);
	CHECK_EQ(c.refused, MiB(1));

	/* straddling 2 GiB (the hole below it): write-back changes the two pages below, the
	 * two above are never asked about; write-combining is fine */
	fake_highest_asked = 0;
	CHECK_EQ(ioremap_check_types(DIRECT_MAP_SIZE - 2 * PAGE_SIZE, 4, PG_CACHE_WB, fake_direct,
				     &c),
		 0);
	CHECK_EQ(c.changed, 2);
	CHECK_EQ(c.first_changed, DIRECT_MAP_SIZE - 2 * PAGE_SIZE);
	CHECK_EQ(fake_highest_asked, DIRECT_MAP_SIZE - PAGE_SIZE);
	CHECK_EQ(ioremap_check_types(DIRECT_MAP_SIZE - 2 * PAGE_SIZE, 4, PG_CACHE_WC, fake_direct,
				     &c),
		 0);
	CHECK_EQ(c.changed, 0);
	/* straddling the end of RAM at 1 GiB and going on past 2 GiB: refused at the RAM */
	CHECK_EQ(ioremap_check_types(HIGH_RAM_END - PAGE_SIZE, (size_t)(GiB(2) >> PAGE_SHIFT),
				     PG_CACHE_UC, fake_direct, &c),
		 -EINVAL);
	CHECK_EQ(c.refused, HIGH_RAM_END - PAGE_SIZE);
	/* wholly above 2 GiB: nothing to agree with, the direct map is never asked */
	fake_highest_asked = 0;
	CHECK_EQ(ioremap_check_types(GiB(3), 1024, PG_CACHE_WB, fake_direct, &c), 0);
	CHECK_EQ(c.changed, 0);
	CHECK_EQ(fake_highest_asked, 0);
}

/* The simulated machine with its direct map typed as fake_direct types it. */
static void setup_typed_machine(void)
{
	mm_host_setup(HIGH_FRAMES);
	host_paging_direct_map(0, DIRECT_MAP_SIZE, PG_CACHE_UC);
	host_paging_direct_map(0, LOW_RAM_END, PG_CACHE_WB);
	host_paging_direct_map(HIGH_RAM_START, HIGH_RAM_END, PG_CACHE_WB);
	log_capture_clear();
}

static unsigned mapped_type(const void *p)
{
	unsigned flags = 0;

	CHECK(paging_translate((vaddr_t)(uintptr_t)p, NULL, &flags));
	return flags & PG_CACHE_MASK;
}

/* How many times needle occurs in the captured log. */
static int log_count(const char *needle)
{
	int n = 0;

	for (const char *s = log_capture_buf; (s = strstr(s, needle)); s++)
		n++;
	return n;
}

/* ioremap of the VGA text window write-back, twice. Expected: both map, uncached, and one
 * KERN_WARN line names the first caller's range and the conversion; the second is quiet.
 * Asked uncached or write-combining, the window maps as asked without a word. */
static void test_ioremap_downgrades_hole(void)
{
	char *p, *q, *w;

	setup_typed_machine();
	printk_add_sink(log_capture_sink, false);
	p = ioremap(0xb8000, 4000, PG_CACHE_WB);
	q = ioremap(0xb8000, 4000, PG_CACHE_WB);
	w = ioremap(0xa0000, 0x10000, PG_CACHE_WC);
	printk_remove_sink(log_capture_sink);
	CHECK(p && q && w);
	if (!p || !q || !w)
		return;
	CHECK_EQ(mapped_type(p), PG_CACHE_UC);
	CHECK_EQ(mapped_type(q), PG_CACHE_UC);
	CHECK_EQ(mapped_type(w), PG_CACHE_WC);
	CHECK_EQ(mapped_type(w + 0xffff), PG_CACHE_WC);
	CHECK(log_captured("ioremap: [0xb8000-0xb8fa0) from "));
	CHECK(log_captured(": write-back asked for 1 page the direct map has uncached (from "
			   "0xb8000), mapped uncached there; reported once\n"));
	CHECK_EQ(log_count("ioremap: "), 1);
	iounmap(p);
	iounmap(q);
	iounmap(w);
	CHECK(vm_stats().areas == 0 && vm_stats().misuse == 0);
}

/* ioremap of RAM write-combining and uncached, and of a range from the VGA window into the
 * RAM above 1 MiB uncached. Expected: NULL each time, a KERN_WARN line each time naming the
 * range, the type and the first RAM page, and no area, page or address space taken. */
static void test_ioremap_refuses_ram(void)
{
	struct vmalloc_stats before;

	setup_typed_machine();
	before = vm_stats();
	printk_add_sink(log_capture_sink, false);
	CHECK(ioremap(MiB(8), MiB(4), PG_CACHE_WC) == NULL);
	CHECK(ioremap(0x1234, 16, PG_CACHE_UC) == NULL);
	CHECK(ioremap(0xf0000, 0x20000, PG_CACHE_UC) == NULL);
	printk_remove_sink(log_capture_sink);
	CHECK(log_captured("ioremap: [0x800000-0xc00000) from "));
	CHECK(log_captured(": write-combining asked for RAM at 0x800000 (write-back in the direct "
			   "map), refused\n"));
	CHECK(log_captured("ioremap: [0x1234-0x1244) from "));
	CHECK(log_captured(": uncached asked for RAM at 0x1000 (write-back"));
	CHECK(log_captured(": uncached asked for RAM at 0x100000 (write-back"));
	CHECK_EQ(log_count("refused"), 3);
	CHECK_EQ(vm_stats().areas, before.areas);
	CHECK_EQ(vm_stats().mapped_pages, before.mapped_pages);
	CHECK_EQ(vm_stats().largest_free_bytes, before.largest_free_bytes);
	/* RAM asked write-back agrees with the direct map: mapped as asked, no word */
	log_capture_clear();
	printk_add_sink(log_capture_sink, false);
	char *p = ioremap(MiB(8), PAGE_SIZE, PG_CACHE_WB);
	printk_remove_sink(log_capture_sink);
	CHECK(p != NULL && mapped_type(p) == PG_CACHE_WB);
	CHECK(!log_captured("ioremap"));
	iounmap(p);
}

/* Write-back over RAM then hole (0x9f000-0xa1000) and over the direct map's last page and
 * the first page past it: each page gets the type that agrees with the direct map (the
 * RAM page write-back, the hole page uncached; below 2 GiB uncached, above as asked). */
static void test_ioremap_mixed_ranges(void)
{
	char *p, *q;

	setup_typed_machine();
	p = ioremap(0x9f800, PAGE_SIZE, PG_CACHE_WB); /* 2 pages: 0x9f000 and 0xa0000 */
	q = ioremap(DIRECT_MAP_SIZE - 16, 32, PG_CACHE_WB);
	CHECK(p && q);
	if (!p || !q)
		return;
	CHECK_EQ(vm_stats().mapped_pages, 4);
	CHECK_EQ(mapped_type(p - 0x800), PG_CACHE_WB);
	CHECK_EQ(mapped_type(p + 0x800), PG_CACHE_UC);
	CHECK_EQ(mapped_type(q), PG_CACHE_UC);
	CHECK_EQ(mapped_type(q + 16), PG_CACHE_WB);
	iounmap(p);
	iounmap(q);
	CHECK(vm_stats().areas == 0 && vm_stats().mapped_pages == 0);
}

/* ioremap_firmware (ACPI tables) over RAM then hole (0x9f000-0xa1000), and over the VGA
 * window alone, before and after a reported conversion. Expected: the RAM page write-back,
 * the hole pages uncached, and not a word in the log (firmware data lies in either). */
static void test_ioremap_firmware(void)
{
	char *p, *q;

	setup_typed_machine();
	printk_add_sink(log_capture_sink, false);
	p = ioremap_firmware(0x9f800, PAGE_SIZE);
	q = ioremap_firmware(0xb8000, 16);
	printk_remove_sink(log_capture_sink);
	CHECK(p && q);
	if (!p || !q)
		return;
	CHECK_EQ(mapped_type(p - 0x800), PG_CACHE_WB);
	CHECK_EQ(mapped_type(p + 0x800), PG_CACHE_UC);
	CHECK_EQ(mapped_type(q), PG_CACHE_UC);
	CHECK(!log_captured("ioremap"));
	iounmap(p);
	iounmap(q);
	CHECK(vm_stats().areas == 0 && vm_stats().mapped_pages == 0);
}

int main(void)
{
	test_page_type();
	test_range_verdicts();
	test_ioremap_downgrades_hole();
	test_ioremap_refuses_ram();
	test_ioremap_mixed_ranges();
	test_ioremap_firmware();
	return unit_exit("test_ioremap");
}
