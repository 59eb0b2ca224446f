// SPDX-License-Identifier: MIT
/*
 * In-kernel self-tests of the memory map, the frame allocator and kmalloc (suite "mm"), on
 * the real machine's memory: the allocator's invariants against the map it was built from,
 * allocation policy (limits, alignment, high memory first), misuse reports, and out of
 * memory: everything exhausted returns 0/NULL without a panic and all of it comes back.
 */
#include <lios/errno.h>
#include <lios/kmalloc.h>
#include <lios/pmm.h>
#include <lios/printk.h>
#include <lios/sections.h>
#include <lios/selftest.h>
#include "internal.h"

static struct pmm_stats stats(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	return st;
}

KTEST(mm, memmap_is_sanitised)
{
	const struct memmap *m = &mm_usable_map;

	KASSERT(m->n > 0);
	for (size_t i = 0; i < m->n; i++) {
		KEXPECT(m->r[i].start < m->r[i].end);
		KEXPECT(IS_ALIGNED(m->r[i].start | m->r[i].end, (paddr_t)PAGE_SIZE));
		KEXPECT(i == 0 || m->r[i].start > m->r[i - 1].end);
		KEXPECT(m->r[i].start >= MEMMAP_LOW_RESERVED);
		KEXPECT(m->r[i].end <= (uintptr_t)_kernel_phys_start ||
			m->r[i].start >= (uintptr_t)_kernel_phys_end);
	}
}

KTEST(mm, pmm_invariants_hold)
{
	char why[160];
	struct pmm_stats st = stats();
	bool ok = pmm_check(why, sizeof(why));

	if (!ok)
		printk("# pmm_check: %s\n", why);
	KEXPECT(ok);
	KEXPECT(st.free_frames + st.reserved_frames <= st.total_frames);
	KEXPECT(st.metadata_bytes * 8 <= 16 * pmm_end_pfn());
}

KTEST(mm, pmm_frames_follow_the_map)
{
	const struct memmap *m = &mm_usable_map;

	KEXPECT(pmm_frame_state(0) == PMM_FRAME_RESERVED);
	KEXPECT(pmm_frame_state((uintptr_t)_kernel_phys_start >> PAGE_SHIFT) == PMM_FRAME_RESERVED);
	KEXPECT(pmm_frame_state(((uintptr_t)_kernel_phys_end - 1) >> PAGE_SHIFT) == PMM_FRAME_RESERVED);
	for (size_t i = 0; i < m->n; i++) {
		pfn_t s = m->r[i].start >> PAGE_SHIFT, e = m->r[i].end >> PAGE_SHIFT;

		KEXPECT(pmm_frame_state(s - 1) == PMM_FRAME_RESERVED);
		KEXPECT(pmm_frame_state(e) == PMM_FRAME_RESERVED);
		KEXPECT(pmm_frame_state(e - 1) != PMM_FRAME_RESERVED || s < (GiB(2) >> PAGE_SHIFT));
	}
}

KTEST(mm, pmm_alloc_policy)
{
	uint64_t before = stats().free_frames;
	paddr_t one = pmm_alloc(1, 0, PMM_LIMIT_NONE);
	paddr_t low = pmm_alloc(1, 0, PMM_LIMIT_DIRECT);
	paddr_t run = pmm_alloc(5, KiB(64), PMM_LIMIT_DIRECT);

	KASSERT(one && low && run);
	KEXPECT(low < GiB(2));
	KEXPECT(run % KiB(64) == 0 && run + 5 * PAGE_SIZE <= GiB(2));
	if (memmap_bytes(&mm_usable_map, GiB(2)) >= MiB(64))
		KEXPECT(one >= GiB(2)); /* high memory goes first */
	KEXPECT(pmm_frame_state(one >> PAGE_SHIFT) == PMM_FRAME_USED);
	KEXPECT(pmm_free(one, 1) == 0);
	KEXPECT(pmm_free(low, 1) == 0);
	KEXPECT(pmm_free(run, 5) == 0);
	KEXPECT(stats().free_frames == before);
}

KTEST(mm, pmm_misuse_is_refused)
{
	paddr_t pa = pmm_alloc(2, 0, PMM_LIMIT_NONE);
	unsigned long reports = pmm_misuse_count;
	uint64_t before;

	KASSERT(pa != 0);
	KEXPECT(pmm_free(pa + PAGE_SIZE, 1) == 0);
	before = stats().free_frames;
	KEXPECT(pmm_free(pa + PAGE_SIZE, 1) == -EINVAL);                       /* double free */
	KEXPECT(pmm_free((uintptr_t)_kernel_phys_start, 1) == -EINVAL);        /* kernel image */
	KEXPECT(pmm_free(pa + 8, 1) == -EINVAL);                               /* misaligned */
	KEXPECT(pmm_misuse_count == reports + 3);
	KEXPECT(stats().free_frames == before);
	KEXPECT(pmm_free(pa, 1) == 0);
}

KTEST(mm, kmalloc_round_trip)
{
	static int not_from_kmalloc;
	unsigned long reports = kmalloc_misuse_count;

	for (size_t size = 1; size <= 3 * PAGE_SIZE; size = size * 3 + 1) {
		uint8_t *p = kzalloc(size);

		KASSERT(p != NULL);
		KEXPECT(((uintptr_t)p & 15) == 0);
		KEXPECT(phys_to_virt(virt_to_phys(p)) == p);
		KEXPECT(virt_to_phys(p) < GiB(2));
		KEXPECT(p[0] == 0 && p[size - 1] == 0);
		p[size - 1] = 1;
		kfree(p);
	}
	kfree(&not_from_kmalloc);
	KEXPECT(kmalloc_misuse_count == reports + 1);
}

#define OOM_MAX_BLOCKS 8192

struct held { paddr_t pa; size_t count; };

/* Takes every free frame (largest blocks first), checks that pmm and kmalloc then fail
 * cleanly, gives everything back and checks that nothing was lost. */
KTEST(mm, out_of_memory_returns_null_and_recovers)
{
	struct held *held = kmalloc(OOM_MAX_BLOCKS * sizeof(*held));
	void *pages[64];
	size_t n = 0, npages = 0;
	uint64_t before;

	KASSERT(held != NULL);
	before = stats().free_frames;
	for (int order = PMM_MAX_ORDER; order >= 0 && n < OOM_MAX_BLOCKS; order--) {
		paddr_t pa;

		while (n < OOM_MAX_BLOCKS && (pa = pmm_alloc(1ull << order, 0, PMM_LIMIT_NONE)) != 0)
			held[n++] = (struct held){ pa, (size_t)1 << order };
	}
	if (n == OOM_MAX_BLOCKS) {
		while (n > 0)
			pmm_free(held[n - 1].pa, held[n - 1].count), n--;
		kfree(held);
		ktest_skip("memory too fragmented to exhaust");
	}
	KEXPECT(stats().free_frames == 0);
	KEXPECT(pmm_alloc(1, 0, PMM_LIMIT_NONE) == 0);
	KEXPECT(pmm_alloc(1, 0, PMM_LIMIT_DIRECT) == 0);
	while (npages < ARRAY_SIZE(pages) && (pages[npages] = kmalloc(PAGE_SIZE)) != NULL)
		npages++;
	KEXPECT(npages < ARRAY_SIZE(pages)); /* NULL, not a panic */
	while (npages > 0)
		kfree(pages[--npages]);
	while (n > 0) {
		n--;
		KEXPECT(pmm_free(held[n].pa, held[n].count) == 0);
	}
	kfree(held);
	kmalloc_shrink();
	KEXPECT(stats().free_frames >= before);
}
