// SPDX-License-Identifier: MIT
/*
 * In-kernel self-tests of vmalloc / ioremap on the real page tables and frame allocator:
 * mapping flags, guard pages and freed areas fault (expected-fault tests), ioremap keeps
 * the offset and agrees with the direct map's memory type, misuse is refused, exhaustion
 * gives NULL, and frames come back exactly (the arena's own bookkeeping pages accounted
 * for).
 */
#include <lios/kmalloc.h>
#include <lios/paging.h>
#include <lios/pmm.h>
#include <lios/selftest.h>
#include <lios/string.h>
#include <lios/vmalloc.h>

#define VGA_WINDOW 0xb8000 /* the VGA text window: a hole of the memory map, never RAM */

static uint64_t vm_frames_accounted(void)
{
	struct pmm_stats ps;
	struct vmalloc_stats vs;

	pmm_get_stats(&ps);
	vmalloc_get_stats(&vs);
	return ps.free_frames + vs.meta_pages;
}

static void vm_write(void *p) { *(volatile char *)p = 1; }

KTEST(vmalloc, maps_writable_global_pages)
{
	unsigned flags = 0;
	paddr_t pa = 0;
	char *p = vmalloc(3 * PAGE_SIZE);

	KASSERT(p != NULL);
	memset(p, 0x5a, 3 * PAGE_SIZE);
	KEXPECT(p[3 * PAGE_SIZE - 1] == 0x5a);
	KEXPECT(paging_translate((vaddr_t)(uintptr_t)p, &pa, &flags));
	KEXPECT(flags & PG_WRITE);
	KEXPECT(!!(flags & PG_GLOBAL) == paging_has_global()); /* global when the CPU has PGE */
	KEXPECT((flags & PG_CACHE_MASK) == PG_CACHE_WB);
	KEXPECT(pa != 0);
	vfree(p);
}

KTEST(vmalloc, guard_page_faults)
{
	struct fault_info fi;
	char *p = vmalloc(2 * PAGE_SIZE);
	char *q = vmalloc(2 * PAGE_SIZE); /* a neighbour, so the guard is between two areas */

	KASSERT(p != NULL && q != NULL);
	KEXPECT(!paging_translate((vaddr_t)(uintptr_t)p + 2 * PAGE_SIZE, NULL, NULL));
	KEXPECT(ktest_expect_fault(vm_write, p + 2 * PAGE_SIZE, &fi));
	KEXPECT(fi.vector == 14 && fi.cr2 == (uint64_t)(uintptr_t)(p + 2 * PAGE_SIZE));
	KEXPECT(!ktest_expect_fault(vm_write, p + 2 * PAGE_SIZE - 1, &fi));
	vfree(p);
	KEXPECT(ktest_expect_fault(vm_write, p, &fi));
	vfree(q);
}

KTEST(vmalloc, frames_come_back)
{
	uint64_t before = vm_frames_accounted();
	static char *p[256];

	for (int i = 0; i < 256; i++) {
		p[i] = (i & 1) ? vzalloc((size_t)(i % 7 + 1) * PAGE_SIZE) : vmalloc((size_t)i * 100 + 1);
		KASSERT(p[i] != NULL);
		p[i][0] = 1;
	}
	KEXPECT(p[1][PAGE_SIZE - 1] == 0);
	for (int i = 0; i < 256; i += 2)
		vfree(p[i]);
	for (int i = 1; i < 256; i += 2)
		vfree(p[i]);
	KEXPECT(vm_frames_accounted() == before);
}

KTEST(vmalloc, ioremap_keeps_offset_and_cache_type)
{
	paddr_t pa = pmm_alloc(1, 0, PMM_LIMIT_DIRECT), got = 0;
	unsigned flags = 0;
	char *direct, *io;

	KASSERT(pa != 0);
	direct = phys_to_virt(pa);
	memset(direct, 0, PAGE_SIZE);
	direct[0x123] = 0x42;
	io = ioremap(pa + 0x123, 16, PG_CACHE_WB);
	KASSERT(io != NULL);
	KEXPECT(((uintptr_t)io & (PAGE_SIZE - 1)) == 0x123);
	KEXPECT(*(volatile char *)io == 0x42);
	io[1] = 0x43;
	KEXPECT(direct[0x124] == 0x43);
	KEXPECT(paging_translate((vaddr_t)(uintptr_t)io, &got, &flags) && got == pa + 0x123);
	KEXPECT((flags & PG_CACHE_MASK) == PG_CACHE_WB);
	KEXPECT(flags & PG_WRITE);
	iounmap(io);
	pmm_free(pa, 1);
}

/* The direct map's cache type of the page at pa (below DIRECT_MAP_SIZE), or -1 unmapped. */
static int direct_type(paddr_t pa)
{
	unsigned flags;

	if (!paging_translate((vaddr_t)(uintptr_t)phys_to_virt(pa), NULL, &flags))
		return -1;
	return (int)(flags & PG_CACHE_MASK);
}

/* The cache type an ioremap area's first page got, or ~0u when it is not mapped. */
static unsigned io_type(const void *io)
{
	unsigned flags;

	if (!paging_translate((vaddr_t)(uintptr_t)io, NULL, &flags))
		return ~0u;
	return flags & PG_CACHE_MASK;
}

/* ioremap never gives a frame a second memory type: a RAM frame (write-back in the direct
 * map) asked write-combining or uncached is refused and nothing is mapped; the VGA window
 * (uncached in the direct map) asked write-back comes out uncached, and asked
 * write-combining stays so (uncached without the PAT). */
KTEST(vmalloc, ioremap_agrees_with_direct_map)
{
	paddr_t ram = pmm_alloc(1, 0, PMM_LIMIT_DIRECT);
	struct vmalloc_stats before, after;
	void *io;

	KASSERT(ram != 0);
	KASSERT(direct_type(ram) == (int)PG_CACHE_WB);
	vmalloc_get_stats(&before);
	io = ioremap(ram, PAGE_SIZE, PG_CACHE_WC);
	KEXPECT(io == NULL);
	if (io) /* the old behaviour: a write-combining alias of write-back RAM */
		iounmap(io);
	io = ioremap(ram + 0x10, 16, PG_CACHE_UC);
	KEXPECT(io == NULL);
	if (io)
		iounmap(io);
	vmalloc_get_stats(&after);
	KEXPECT(after.areas == before.areas && after.mapped_pages == before.mapped_pages);
	KEXPECT(pmm_free(ram, 1) == 0);

	if (direct_type(VGA_WINDOW) != (int)PG_CACHE_UC)
		ktest_skip("the direct map does not have the VGA window uncached");
	io = ioremap(VGA_WINDOW, 4000, PG_CACHE_WB);
	KASSERT(io != NULL);
	KEXPECT(io_type(io) == PG_CACHE_UC);
	iounmap(io);
	io = ioremap(VGA_WINDOW, PAGE_SIZE, PG_CACHE_WC);
	KASSERT(io != NULL);
	KEXPECT(io_type(io) == (paging_has_pat() ? PG_CACHE_WC : PG_CACHE_UC));
	iounmap(io);
}

/* ioremap_firmware (ACPI's tables): a RAM frame with the direct map's write-back, and a
 * range across the last RAM page below the VGA window and the window typed page by page. */
KTEST(vmalloc, firmware_data_takes_the_direct_map_type)
{
	paddr_t ram = pmm_alloc(1, 0, PMM_LIMIT_DIRECT);
	char *io;

	KASSERT(ram != 0);
	io = ioremap_firmware(ram + 8, 64);
	KASSERT(io != NULL);
	KEXPECT(io_type(io) == PG_CACHE_WB);
	iounmap(io);
	KEXPECT(pmm_free(ram, 1) == 0);
	if (direct_type(VGA_WINDOW) != (int)PG_CACHE_UC ||
	    direct_type(0xa0000 - PAGE_SIZE) != (int)PG_CACHE_WB)
		ktest_skip("the direct map has not RAM below 0xa0000 and the VGA window uncached");
	io = ioremap_firmware(0xa0000 - 16, 32);
	KASSERT(io != NULL);
	KEXPECT(io_type(io) == PG_CACHE_WB);
	KEXPECT(io_type(io + 16) == PG_CACHE_UC);
	iounmap(io);
}

KTEST(vmalloc, misuse_is_refused)
{
	struct vmalloc_stats st;
	uint64_t m;
	char *p = vmalloc(PAGE_SIZE);
	int local;

	KASSERT(p != NULL);
	vmalloc_get_stats(&st);
	m = st.misuse;
	vfree(&local);
	vfree(p + 16);
	iounmap(p);
	vmalloc_get_stats(&st);
	KEXPECT(st.misuse == m + 3);
	p[PAGE_SIZE - 1] = 1; /* still mapped */
	vfree(p);
	vfree(p);
	vmalloc_get_stats(&st);
	KEXPECT(st.misuse == m + 4);
}

KTEST(vmalloc, exhaustion_gives_null)
{
	struct pmm_stats ps;
	uint64_t before = vm_frames_accounted();

	pmm_get_stats(&ps);
	KEXPECT(vmalloc((ps.free_frames + 16) * PAGE_SIZE) == NULL);
	KEXPECT(vmalloc(0) == NULL);
	KEXPECT(vm_frames_accounted() == before);
}
