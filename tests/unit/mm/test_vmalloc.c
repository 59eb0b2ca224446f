// SPDX-License-Identifier: MIT
/*
 * Host tests of vmalloc / vfree, ioremap / iounmap (src/mm/vmalloc.c) and the address-space
 * arena (src/mm/vmem.c), in the spirit of Linux's lib/test_vmalloc.c: fixed size, random
 * size, alignment, long busy list, full fit; plus guard pages (a forked child must fault),
 * misuse reports, out of memory, a page-table allocation failing mid-map, and exact frame
 * accounting after every case.
 */
#include <lios/errno.h>
#include <lios/printk.h>
#include "log_capture.h"
#include "mm_host.h"
#include "vmem.h"

#define HIGH_FRAMES 32768 /* 128 MiB above 4 GiB */

/* Fills n bytes at p with a pattern derived from seed; check_pattern verifies it. */
static void fill_pattern(void *p, size_t n, uint64_t seed)
{
	uint64_t *w = p;

	for (size_t i = 0; i < n / 8; i++)
		w[i] = seed ^ (i * 0x9e3779b97f4a7c15ull);
}

static bool check_pattern(const void *p, size_t n, uint64_t seed)
{
	const uint64_t *w = p;

	for (size_t i = 0; i < n / 8; i++)
		if (w[i] != (seed ^ (i * 0x9e3779b97f4a7c15ull)))
			return false;
	return true;
}

/* Fixed size: 500 rounds of a 3-page vmalloc, written in full and freed. Expected: every
 * call succeeds, the pages are writable, and areas, mapped pages and free frames all come
 * back to where they started. */
static void test_fixed_size(void)
{
	uint64_t before;

	mm_host_setup(HIGH_FRAMES);
	before = frames_accounted();
	for (int i = 0; i < 500; i++) {
		char *p = vmalloc(3 * PAGE_SIZE);

		CHECK(p != NULL);
		if (!p)
			return;
		memset(p, 0xa5, 3 * PAGE_SIZE);
		vfree(p);
	}
	CHECK(vm_stats().areas == 0);
	CHECK(vm_stats().mapped_pages == 0);
	CHECK(frames_accounted() == before);
}

/* Random size: 20,000 seeded steps allocating 1 byte..64 pages or freeing a random live
 * area, up to 400 live. Each area is filled with its own pattern and checked before it is
 * freed. Expected: no area overlaps another (patterns intact), vzalloc memory is zero,
 * and after freeing all, frames come back exactly. */
static void test_random_size(void)
{
	static struct { char *p; size_t n; uint64_t seed; } live[400];
	uint64_t rng = 0x1234567, before;
	size_t nlive = 0;

	mm_host_setup(HIGH_FRAMES);
	before = frames_accounted();
	for (int step = 0; step < 20000; step++) {
		uint64_t r = prng_next(&rng);

		if (nlive < ARRAY_SIZE(live) && (r & 1)) {
			size_t n = 1 + (size_t)(prng_next(&rng) % (64 * PAGE_SIZE));
			bool zero = (r & 6) == 0;
			char *p = zero ? vzalloc(n) : vmalloc(n);

			CHECK(p != NULL);
			if (!p)
				break;
			CHECK(((uintptr_t)p & (PAGE_SIZE - 1)) == 0);
			if (zero)
				CHECK(p[0] == 0 && p[n - 1] == 0);
			live[nlive].p = p;
			live[nlive].n = n & ~(size_t)7;
			live[nlive].seed = r;
			fill_pattern(p, live[nlive].n, r);
			nlive++;
		} else if (nlive) {
			size_t k = (size_t)(r >> 8) % nlive;

			CHECK(check_pattern(live[k].p, live[k].n, live[k].seed));
			vfree(live[k].p);
			live[k] = live[--nlive];
		}
	}
	while (nlive) {
		nlive--;
		CHECK(check_pattern(live[nlive].p, live[nlive].n, live[nlive].seed));
		vfree(live[nlive].p);
	}
	CHECK(vm_stats().areas == 0);
	CHECK(frames_accounted() == before);
	CHECK(vm_stats().misuse == 0);
}

/* Alignment: vmalloc_aligned with alignments of 1 page to 16 MiB, interleaved with
 * single-page areas so the window is fragmented. Expected: every start is aligned, bad
 * alignments (not a power of two, below a page) give NULL, everything frees cleanly. */
static void test_align(void)
{
	void *a[13], *b[13];
	uint64_t before;

	mm_host_setup(HIGH_FRAMES);
	before = frames_accounted();
	for (int k = 0; k < 13; k++) {
		size_t align = PAGE_SIZE << k;

		b[k] = vmalloc(PAGE_SIZE);
		a[k] = vmalloc_aligned(2 * PAGE_SIZE, align);
		CHECK(a[k] != NULL && b[k] != NULL);
		CHECK(((uintptr_t)a[k] & (align - 1)) == 0);
		memset(a[k], 1, 2 * PAGE_SIZE);
	}
	CHECK(vmalloc_aligned(PAGE_SIZE, 3 * PAGE_SIZE) == NULL);
	CHECK(vmalloc_aligned(PAGE_SIZE, 16) == NULL);
	for (int k = 0; k < 13; k++) {
		vfree(a[k]);
		vfree(b[k]);
	}
	CHECK(vm_stats().areas == 0);
	CHECK(frames_accounted() == before);
}

/* Long busy list: 10,000 live one-page areas, then every other one freed (5,000 holes),
 * then 2,000 alloc/free pairs of 1-3 pages. Expected: all succeed, the hole pattern does
 * not confuse merging (largest free range is back to the full window at the end). */
static void test_long_busy_list(void)
{
	static char *p[10000];
	uint64_t before, largest;

	mm_host_setup(HIGH_FRAMES);
	before = frames_accounted();
	largest = vm_stats().largest_free_bytes;
	for (int i = 0; i < 10000; i++) {
		p[i] = vmalloc(PAGE_SIZE);
		CHECK(p[i] != NULL);
	}
	CHECK(vm_stats().areas == 10000);
	for (int i = 0; i < 10000; i += 2)
		vfree(p[i]);
	for (int i = 0; i < 2000; i++) {
		char *q = vmalloc((size_t)(1 + i % 3) * PAGE_SIZE);

		CHECK(q != NULL);
		if (q)
			q[0] = 1;
		vfree(q);
	}
	for (int i = 1; i < 10000; i += 2)
		vfree(p[i]);
	CHECK(vm_stats().areas == 0);
	CHECK(vm_stats().largest_free_bytes == largest);
	CHECK(frames_accounted() == before);
}

/* Full fit, address space only: an arena over a 64 MiB raw range (mapped bookkeeping in its
 * first 4 MiB) hands out its whole free range in one piece; then nothing fits; after the
 * free the range is whole again. Also with 100 live ranges freed in random order, the
 * free ranges merge back into one. */
static void test_full_fit(void)
{
	static struct vmem a;
	struct vmem_seg *all, *s[100];
	vaddr_t start, end;
	uint64_t largest, rng = 99;

	mm_host_setup(HIGH_FRAMES);
	host_paging_window(&start, &end);
	start = end - MiB(64); /* top of the window, unused by the vmalloc arena so far */
	CHECK(vmem_init(&a, start, end) == 0);
	largest = vmem_largest_free(&a);
	CHECK(largest == MiB(64) - MiB(4));
	all = vmem_alloc(&a, largest, PAGE_SIZE, VMEM_RAW);
	CHECK(all != NULL);
	CHECK(vmem_alloc(&a, PAGE_SIZE, PAGE_SIZE, VMEM_RAW) == NULL);
	CHECK(vmem_largest_free(&a) == 0);
	if (all)
		vmem_free(&a, all);
	CHECK(vmem_largest_free(&a) == largest);
	for (int i = 0; i < 100; i++)
		CHECK((s[i] = vmem_alloc(&a, (uint64_t)(1 + i % 7) * PAGE_SIZE, PAGE_SIZE, VMEM_RAW)));
	for (int i = 99; i > 0; i--) {
		int j = (int)(prng_next(&rng) % (uint64_t)(i + 1));
		struct vmem_seg *t = s[i];

		s[i] = s[j];
		s[j] = t;
	}
	for (int i = 0; i < 100; i++)
		if (s[i])
			vmem_free(&a, s[i]);
	CHECK(vmem_largest_free(&a) == largest);
	CHECK(a.busy == 0);
	paging_unmap(start, MiB(64) >> PAGE_SHIFT);
}

static void write_byte(void *p) { *(volatile char *)p = 1; }

/* Guard page: 64 areas of 1-4 pages taken back to back (so neighbours are as close as the
 * arena allows). Expected: the page after each area is unmapped while all are live; an area
 * is writable to its last byte, but a write one byte past it faults in a forked child, and
 * so does a write to an area after vfree. */
static void test_guard_page(void)
{
	char *p[64];

	mm_host_setup(HIGH_FRAMES);
	for (int i = 0; i < 64; i++) {
		p[i] = vmalloc((size_t)(1 + i % 4) * PAGE_SIZE);
		CHECK(p[i] != NULL);
		if (!p[i])
			return;
	}
	for (int i = 0; i < 64; i++)
		CHECK(!paging_translate((vaddr_t)(uintptr_t)p[i] + (1 + i % 4) * PAGE_SIZE, NULL,
					 NULL));
	CHECK(!faults_in_child(write_byte, p[2] + 3 * PAGE_SIZE - 1));
	CHECK(faults_in_child(write_byte, p[2] + 3 * PAGE_SIZE));
	CHECK(faults_in_child(write_byte, p[5] + 2 * PAGE_SIZE));
	vfree(p[2]);
	CHECK(faults_in_child(write_byte, p[2]));
	for (int i = 0; i < 64; i++)
		if (i != 2)
			vfree(p[i]);
	CHECK(vm_stats().misuse == 0 && vm_stats().areas == 0);
}

/* Mapping flags: vmalloc pages are PG_WRITE | PG_NX | PG_GLOBAL, write-back. */
static void test_vmalloc_flags(void)
{
	unsigned flags = 0;
	paddr_t pa = 0;
	char *p;

	mm_host_setup(HIGH_FRAMES);
	p = vmalloc(PAGE_SIZE);
	CHECK(p && paging_translate((vaddr_t)(uintptr_t)p, &pa, &flags));
	CHECK(flags == (PG_WRITE | PG_NX | PG_GLOBAL));
	CHECK(pa >= GiB(4)); /* high memory first */
	vfree(p);
}

/* ioremap of an unaligned MMIO range with write-combining: the pointer keeps the offset,
 * translates back to the physical address, carries PG_CACHE_WC | PG_NX | PG_WRITE, is
 * followed by a guard page, takes no frame from the pmm, and iounmap undoes it all. */
static void test_ioremap(void)
{
	paddr_t phys = 0xfd000123, pa = 0;
	unsigned flags = 0;
	uint64_t before;
	char *p;

	mm_host_setup(HIGH_FRAMES);
	before = frames_accounted();
	p = ioremap(phys, 0x2000, PG_CACHE_WC);
	CHECK(p != NULL);
	if (!p)
		return;
	CHECK(((uintptr_t)p & (PAGE_SIZE - 1)) == 0x123);
	CHECK(paging_translate((vaddr_t)(uintptr_t)p, &pa, &flags) && pa == phys);
	CHECK(paging_translate((vaddr_t)(uintptr_t)p + 0x2000 - 1, &pa, NULL) &&
	       pa == phys + 0x2000 - 1);
	CHECK(flags == (PG_WRITE | PG_NX | PG_GLOBAL | PG_CACHE_WC));
	CHECK(vm_stats().mapped_pages == 3);
	CHECK(frames_accounted() == before);
	CHECK(faults_in_child(write_byte, p - 0x123 + 3 * PAGE_SIZE));
	iounmap(p);
	CHECK(vm_stats().areas == 0 && vm_stats().mapped_pages == 0);
	CHECK(ioremap(phys, 0, PG_CACHE_UC) == NULL);
}

/* ioremap on a CPU with 36 physical address bits, of ranges a broken firmware table might
 * give. Expected: the last page below 2^36 maps; a range crossing 2^36, one at 2^40 and
 * one with bit 63 set are refused (NULL) with a KERN_WARN line naming the width, map
 * nothing and take no address space; with the width unknown (52 bits), 2^40 maps but an
 * address at or above 2^52 is still refused. */
static void test_ioremap_phys_width(void)
{
	paddr_t top = (1ull << 36) - PAGE_SIZE, pa = 0;
	uint64_t areas;
	char *p;

	mm_host_setup(HIGH_FRAMES);
	memmap_phys_bits = 36;
	p = ioremap(top + 0x10, 0x100, PG_CACHE_UC);
	CHECK(p && paging_translate((vaddr_t)(uintptr_t)p, &pa, NULL) && pa == top + 0x10);
	areas = vm_stats().areas;
	log_capture_clear();
	printk_add_sink(log_capture_sink, false);
	CHECK(ioremap(top, 2 * PAGE_SIZE, PG_CACHE_UC) == NULL);
	CHECK(ioremap(1ull << 40, PAGE_SIZE, PG_CACHE_UC) == NULL);
	CHECK(ioremap((1ull << 63) | MiB(8), PAGE_SIZE, PG_CACHE_UC) == NULL);
	printk_remove_sink(log_capture_sink);
	CHECK(log_captured("ioremap: [0xffffff000-0x1000001000) from "));
	CHECK(log_captured("beyond the CPU's 36-bit physical addresses, refused"));
	CHECK(vm_stats().areas == areas && vm_stats().mapped_pages == 1);
	iounmap(p);

	memmap_phys_bits = MEMMAP_PHYS_BITS;
	p = ioremap(1ull << 40, PAGE_SIZE, PG_CACHE_UC);
	CHECK(p != NULL);
	iounmap(p);
	CHECK(ioremap(MEMMAP_PHYS_LIMIT - PAGE_SIZE, 2 * PAGE_SIZE, PG_CACHE_UC) == NULL);
	CHECK(ioremap((1ull << 63) | MiB(8), PAGE_SIZE, PG_CACHE_UC) == NULL);
	CHECK(vm_stats().areas == 0 && vm_stats().mapped_pages == 0);
}

/* Misuse: vfree of a stack pointer, of an interior pointer, twice, of an ioremap area, and
 * iounmap of a vmalloc area. Expected: each is reported (misuse counter +1) and ignored:
 * the live areas stay live and mapped. */
static void test_misuse(void)
{
	uint64_t m0;
	char *p, *io;
	int local;

	mm_host_setup(HIGH_FRAMES);
	p = vmalloc(2 * PAGE_SIZE);
	io = ioremap(0xfe000000, PAGE_SIZE, PG_CACHE_UC);
	CHECK(p && io);
	m0 = vm_stats().misuse;
	vfree(&local);
	CHECK(vm_stats().misuse == m0 + 1);
	vfree(p + PAGE_SIZE);
	CHECK(vm_stats().misuse == m0 + 2);
	vfree(io);
	CHECK(vm_stats().misuse == m0 + 3);
	iounmap(p);
	CHECK(vm_stats().misuse == m0 + 4);
	CHECK(vm_stats().areas == 2);
	p[2 * PAGE_SIZE - 1] = 1; /* still mapped */
	vfree(p);
	vfree(p);
	CHECK(vm_stats().misuse == m0 + 5);
	iounmap(io);
	iounmap(io);
	CHECK(vm_stats().misuse == m0 + 6);
	CHECK(vm_stats().areas == 0);
	vfree(NULL);
	iounmap(NULL);
	CHECK(vm_stats().misuse == m0 + 6);
}

/* Out of memory: with 2,048 high frames, 16-page areas are taken until vmalloc returns
 * NULL (never panics); one area as large as all remaining free frames minus the
 * bookkeeping margin still fits; after freeing everything the frames are back exactly and a
 * single area as large as the whole first batch succeeds. */
static void test_oom(void)
{
	static char *p[4096];
	uint64_t before, got = 0;
	int n = 0;
	char *big;

	mm_host_setup(2048);
	before = frames_accounted();
	while (n < 4096 && (p[n] = vmalloc(16 * PAGE_SIZE)))
		n++;
	CHECK(n > 0 && n < 4096);
	CHECK(vmalloc(16 * PAGE_SIZE) == NULL);
	CHECK(vm_stats().areas == (uint64_t)n);
	for (int i = 0; i < n; i++) {
		got += 16;
		vfree(p[i]);
	}
	CHECK(frames_accounted() == before);
	big = vmalloc(got * PAGE_SIZE);
	CHECK(big != NULL);
	if (big) {
		big[got * PAGE_SIZE - 1] = 7;
		vfree(big);
	}
	CHECK(vmalloc(0) == NULL);
	CHECK(vmalloc((size_t)1 << 62) == NULL);
	CHECK(frames_accounted() == before);
}

/* A page table that cannot be allocated while an area is mapped (the kernel's paging_map
 * failing): a 64-page vmalloc (four runs of 16 frames) with its first, second, third or
 * fourth mapping call refused returns NULL, and the runs already mapped are unmapped and
 * their frames given back: frames, mapped pages and areas are exactly where they were.
 * The same for an ioremap. Then, nothing refused, both succeed at the same sizes. */
static void test_map_failure(void)
{
	uint64_t before, mapped;
	char *p;

	mm_host_setup(HIGH_FRAMES);
	before = frames_accounted();
	mapped = host_paging_mapped_pages();
	for (unsigned k = 1; k <= 4; k++) {
		host_paging_fail_map(k);
		CHECK(vmalloc(64 * PAGE_SIZE) == NULL);
		CHECK_EQ(frames_accounted(), before);
		CHECK_EQ(host_paging_mapped_pages(), mapped);
		CHECK_EQ(vm_stats().areas, 0);
		CHECK_EQ(vm_stats().mapped_pages, 0);
	}
	host_paging_fail_map(1);
	CHECK(ioremap(0xfd000000, 0x3000, PG_CACHE_UC) == NULL);
	CHECK_EQ(host_paging_mapped_pages(), mapped);
	CHECK_EQ(vm_stats().areas, 0);
	host_paging_fail_map(0);
	p = vmalloc(64 * PAGE_SIZE);
	CHECK(p != NULL);
	if (p) {
		memset(p, 0x5a, 64 * PAGE_SIZE);
		vfree(p);
	}
	p = ioremap(0xfd000000, 0x3000, PG_CACHE_UC);
	CHECK(p != NULL);
	if (p)
		iounmap(p);
	CHECK_EQ(frames_accounted(), before);
	CHECK_EQ(vm_stats().areas, 0);
}

/* vmalloc_init with too few free frames for the arena's bookkeeping (its hash table's 16
 * pages and a page of segment descriptors: 17): none free, 5 (the hash table cut short),
 * 16 (the descriptors' page missing). Expected: -ENOMEM each time with its line ("vmalloc:
 * init of window ... failed (-12)"), every frame taken meanwhile given back and unmapped
 * (they were kept, mapped: the frames lost and the window never to be set up again), and
 * vmalloc refusing (NULL) until an init succeeds, as it then does with the frames back. */
static void test_init_out_of_memory(void)
{
	static paddr_t taken[HIGH_FRAMES + 8192];
	static const unsigned left[] = { 0, 5, 16 };
	vaddr_t start, end;
	char want[96];
	size_t n = 0;
	paddr_t pa;

	mm_host_setup(HIGH_FRAMES);
	host_paging_reset(); /* the window empty again: the arena's pages stay taken */
	host_paging_window(&start, &end);
	while (n < sizeof(taken) / sizeof(taken[0]) && (pa = pmm_alloc(1, 0, PMM_LIMIT_NONE)))
		taken[n++] = pa;
	CHECK_EQ(free_frames(), 0);
	snprintf(want, sizeof(want), "vmalloc: init of window %p-%p failed (-12)\n",
		 (void *)(uintptr_t)start, (void *)(uintptr_t)end);
	printk_add_sink(log_capture_sink, false);
	for (unsigned i = 0; i < sizeof(left) / sizeof(left[0]); i++) {
		uint64_t mapped;

		while (free_frames() < left[i])
			pmm_free(taken[--n], 1);
		mapped = host_paging_mapped_pages();
		log_capture_clear();
		CHECK_EQ(vmalloc_init(start, end), -ENOMEM);
		CHECK_STR_EQ(log_capture_buf, want);
		CHECK_EQ(free_frames(), left[i]);
		CHECK_EQ(host_paging_mapped_pages(), mapped);
		CHECK(vmalloc(PAGE_SIZE) == NULL);
	}
	printk_remove_sink(log_capture_sink);
	while (n)
		pmm_free(taken[--n], 1);
	CHECK_EQ(vmalloc_init(start, end), 0);
	CHECK(vmalloc(PAGE_SIZE) != NULL);
}

int main(void)
{
	test_fixed_size();
	test_random_size();
	test_align();
	test_long_busy_list();
	test_full_fit();
	test_guard_page();
	test_vmalloc_flags();
	test_ioremap();
	test_ioremap_phys_width();
	test_misuse();
	test_oom();
	test_map_failure();
	test_init_out_of_memory();
	return unit_exit("test_vmalloc");
}
