// SPDX-License-Identifier: MIT
/*
 * The paging API (<lios/paging.h>) for host programs. A window of HOST_PAGING_WINDOW bytes
 * is reserved PROT_NONE with mmap(MAP_NORESERVE) on first use; paging_map() opens pages
 * with mprotect and records their physical address and flags in a page table of one
 * 64-bit entry per page (itself a lazily touched MAP_NORESERVE array); paging_unmap()
 * closes them again, so a guard page or a freed area faults exactly as in the kernel.
 * Contents survive an unmap, as frames do in the kernel (nothing clears them): host memory
 * is the simulation's, the frame allocator is what accounts for freed memory. Only
 * host_paging_reset() gives host memory back (madvise MADV_DONTNEED).
 * Addresses outside the window and physical addresses at or above PAGING_PHYS_LIMIT are
 * refused with -EINVAL, as the real tables refuse them. No execute permission is ever
 * given. The simulated direct map (phys_host.c) is reported with the cache types a test
 * declared with host_paging_direct_map, else as unmapped. Single-threaded, like the tests
 * that use it.
 */
#include <lios/compiler.h>
#include <lios/errno.h>
#include <lios/kmalloc.h>
#include <lios/paging.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include "host_paging.h"

#define HPTE_PRESENT (1ull << 63)
#define HPTE_FLAGS_SHIFT 52 /* PG_* flags live in bits 52..62 */
#define HPTE_FLAGS_MASK 0x7ffull
#define HOST_NPAGES (HOST_PAGING_WINDOW >> PAGE_SHIFT)

static char *host_window;
static uint64_t *host_pte; /* HOST_NPAGES entries: pa | flags << 52 | present */
static uint64_t host_mapped;
static uint64_t host_map_calls; /* paging_map + paging_unmap calls */
static unsigned host_fail_in;   /* host_paging_fail_map: paging_map calls until one fails */
static uint64_t host_lo = UINT64_MAX, host_hi; /* page indexes ever mapped: [lo, hi) */
static struct {
	paddr_t start, end;
	unsigned cache;
} host_direct[HOST_DIRECT_RANGES]; /* the simulated direct map's declared types */
static size_t host_ndirect;

static void host_reserve(void)
{
	void *w, *t;

	if (host_window)
		return;
	w = mmap(NULL, HOST_PAGING_WINDOW, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	t = mmap(NULL, HOST_NPAGES * sizeof(uint64_t), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (w == MAP_FAILED || t == MAP_FAILED) {
		perror("paging_host: mmap of the vmalloc window");
		abort();
	}
	host_window = w;
	host_pte = t;
}

/* See host_paging.h. */
void host_paging_window(vaddr_t *start, vaddr_t *end)
{
	host_reserve();
	*start = (vaddr_t)(uintptr_t)host_window;
	*end = *start + HOST_PAGING_WINDOW;
}

uint64_t host_paging_mapped_pages(void) { return host_mapped; }
uint64_t host_paging_calls(void) { return host_map_calls; }
void host_paging_fail_map(unsigned nth) { host_fail_in = nth; }

/* See host_paging.h. */
void host_paging_reset(void)
{
	if (host_lo < host_hi) {
		vaddr_t va = (vaddr_t)(uintptr_t)host_window + host_lo * PAGE_SIZE;

		paging_unmap(va, host_hi - host_lo);
		madvise((void *)(uintptr_t)va, (host_hi - host_lo) * PAGE_SIZE, MADV_DONTNEED);
	}
	host_lo = UINT64_MAX;
	host_hi = 0;
	host_ndirect = 0;
	host_fail_in = 0;
}

/* See host_paging.h. Aborts when more than HOST_DIRECT_RANGES are declared (a test bug). */
void host_paging_direct_map(paddr_t start, paddr_t end, unsigned cache)
{
	if (host_ndirect == HOST_DIRECT_RANGES || end > DIRECT_MAP_SIZE) {
		fprintf(stderr, "paging_host: direct map range [%#llx-%#llx) not taken\n",
			(unsigned long long)start, (unsigned long long)end);
		abort();
	}
	host_direct[host_ndirect].start = start;
	host_direct[host_ndirect].end = end;
	host_direct[host_ndirect].cache = cache & PG_CACHE_MASK;
	host_ndirect++;
}

/* The direct map's answer for va when a test declared types (see paging_translate). */
static bool host_direct_translate(vaddr_t va, paddr_t *pa, unsigned *flags)
{
	paddr_t p = virt_to_phys((const void *)(uintptr_t)va);

	for (size_t k = host_ndirect; k-- > 0;) {
		if (p < host_direct[k].start || p >= host_direct[k].end)
			continue;
		if (pa)
			*pa = p;
		if (flags)
			*flags = PG_WRITE | PG_NX | PG_GLOBAL | host_direct[k].cache;
		return true;
	}
	return false;
}

/* Index of va's page in the window, or -1 when [va, va + n pages) is not inside it. */
static int64_t host_index(vaddr_t va, size_t n)
{
	vaddr_t base;

	host_reserve();
	base = (vaddr_t)(uintptr_t)host_window;
	if (va & (PAGE_SIZE - 1) || va < base || n > HOST_NPAGES ||
	    (va - base) / PAGE_SIZE > HOST_NPAGES - n)
		return -1;
	return (int64_t)((va - base) / PAGE_SIZE);
}

static int host_prot(unsigned flags) { return PROT_READ | (flags & PG_WRITE ? PROT_WRITE : 0); }

/* Maps n pages at va to [pa, pa + n pages). -EINVAL outside the window or unaligned,
 * -EEXIST when a page is already mapped (nothing changes then). */
int paging_map(vaddr_t va, paddr_t pa, size_t npages, unsigned flags)
{
	int64_t i = host_index(va, npages);

	host_map_calls++;
	if (host_fail_in && !--host_fail_in)
		return -ENOMEM;
	if (i < 0 || pa & (PAGE_SIZE - 1))
		return -EINVAL;
	/* As the real tables: an address wider than an entry holds is refused (here it would
	 * run into the flags kept in bits 52-62). */
	if (npages > 0 && (pa >= PAGING_PHYS_LIMIT ||
			   npages > (PAGING_PHYS_LIMIT - pa) >> PAGE_SHIFT))
		return -EINVAL;
	for (size_t k = 0; k < npages; k++)
		if (host_pte[i + k] & HPTE_PRESENT)
			return -EEXIST;
	if (mprotect((void *)(uintptr_t)va, npages * PAGE_SIZE, host_prot(flags)))
		return -ENOMEM;
	for (size_t k = 0; k < npages; k++)
		host_pte[i + k] = (pa + k * PAGE_SIZE) | ((uint64_t)(flags & HPTE_FLAGS_MASK)
							    << HPTE_FLAGS_SHIFT) | HPTE_PRESENT;
	host_mapped += npages;
	host_lo = MIN(host_lo, (uint64_t)i);
	host_hi = MAX(host_hi, (uint64_t)i + npages);
	return 0;
}

/* Unmaps n pages at va; pages that were not mapped are skipped. -EINVAL outside the window. */
int paging_unmap(vaddr_t va, size_t npages)
{
	int64_t i = host_index(va, npages);

	host_map_calls++;
	if (i < 0)
		return -EINVAL;
	for (size_t k = 0; k < npages; k++) {
		if (host_pte[i + k] & HPTE_PRESENT)
			host_mapped--;
		host_pte[i + k] = 0;
	}
	mprotect((void *)(uintptr_t)va, npages * PAGE_SIZE, PROT_NONE);
	return 0;
}

/* True when va is mapped; *pa gets its physical address (offset kept), *flags its PG_*. */
bool paging_translate(vaddr_t va, paddr_t *pa, unsigned *flags)
{
	int64_t i;
	uint64_t e;

	if (host_ndirect && virt_is_direct((const void *)(uintptr_t)va))
		return host_direct_translate(va, pa, flags);
	i = host_index(va & PAGE_MASK, 1);
	if (i < 0 || !((e = host_pte[i]) & HPTE_PRESENT))
		return false;
	if (pa)
		*pa = (e & ((1ull << HPTE_FLAGS_SHIFT) - 1) & PAGE_MASK) | (va & (PAGE_SIZE - 1));
	if (flags)
		*flags = (unsigned)((e >> HPTE_FLAGS_SHIFT) & HPTE_FLAGS_MASK);
	return true;
}

/* Changes the flags of n mapped pages. -EINVAL outside the window, -ENOENT if one is not
 * mapped (nothing changes then). */
int paging_protect(vaddr_t va, size_t npages, unsigned flags)
{
	int64_t i = host_index(va, npages);

	if (i < 0)
		return -EINVAL;
	for (size_t k = 0; k < npages; k++)
		if (!(host_pte[i + k] & HPTE_PRESENT))
			return -ENOENT;
	if (mprotect((void *)(uintptr_t)va, npages * PAGE_SIZE, host_prot(flags)))
		return -ENOMEM;
	for (size_t k = 0; k < npages; k++)
		host_pte[i + k] = (host_pte[i + k] & ~(HPTE_FLAGS_MASK << HPTE_FLAGS_SHIFT)) |
				  ((uint64_t)(flags & HPTE_FLAGS_MASK) << HPTE_FLAGS_SHIFT);
	return 0;
}
