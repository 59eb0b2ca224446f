// SPDX-License-Identifier: MIT
/*
 * vmalloc / vfree and ioremap / iounmap: virtually contiguous, page-granular blocks of the
 * vmalloc window. vmalloc backs the pages with any frames (pmm_alloc(.., PMM_LIMIT_NONE),
 * high memory first) and maps it PG_WRITE | PG_NX | PG_GLOBAL; ioremap maps a given
 * physical range with the caller's cache type (the framebuffer uses PG_CACHE_WC). Every
 * area is followed by one guard page that stays unmapped, so an overrun faults.
 *
 * Bookkeeping: the address-space arena (vmem.c) records each area in a segment node kept in
 * the arena's own region of the window, mapped with pmm_alloc + paging_map. The frames of a
 * vmalloc area are not listed anywhere: vfree reads them back from the page tables with
 * paging_translate. Nothing here calls vmalloc or the heap (the allocation order:
 * "DOC: The memory story" in mm_init.c).
 *
 * Invariants: a segment of kind VMEM_VMALLOC owns exactly 'mapped' frames, mapped at its
 * start; its last page (the guard) is never mapped. Misuse is reported on a "vmalloc: "
 * KERN_ERR line with the caller and changes nothing.
 * Context: any; every entry point masks interrupts around the arena and the page tables.
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/memmap.h>
#include <lios/paging.h>
#include <lios/pmm.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/vmalloc.h>
#include "vmem.h"

#define VMALLOC_FLAGS (PG_WRITE | PG_NX | PG_GLOBAL)
#define VMALLOC_RUN 16 /* most frames asked for at once, as one contiguous run */

static struct vmem vm_arena;
static bool vm_ready;
static uint64_t vm_mapped_pages;
static uint64_t vm_misuse;

/*
 * Sets up the vmalloc window [start, end). Returns 0, -EINVAL for a bad window, -ENOMEM.
 * May be called again to start over on a fresh window (host tests). Context: boot, after
 * pmm_init and paging are up.
 */
int vmalloc_init(vaddr_t start, vaddr_t end)
{
	uint64_t irq = arch_irq_save();
	int err = vmem_init(&vm_arena, start, end);

	vm_ready = err == 0;
	vm_mapped_pages = 0;
	arch_irq_restore(irq);
	if (err)
		printk(KERN_ERR "vmalloc: init of window %p-%p failed (%d)\n", (void *)(uintptr_t)start,
		       (void *)(uintptr_t)end, err);
	return err;
}

static void vmalloc_report(const char *op, const void *p, const char *why, uintptr_t caller)
{
	vm_misuse++;
	printk(KERN_ERR "vmalloc: %s(%p) from %pB: %s, ignored\n", op, p, (void *)caller, why);
}

/* Frees the frames behind the n pages at va, then unmaps them in one call (interrupts are
 * off, so nobody can take the frames in between). */
static void vmalloc_release_pages(vaddr_t va, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		paddr_t pa;

		if (paging_translate(va + i * PAGE_SIZE, &pa, NULL))
			pmm_free(pa & PAGE_MASK, 1);
	}
	if (n)
		paging_unmap(va, n);
	vm_mapped_pages -= n;
}

/* Maps a physically contiguous run of frames; on failure gives the frames back. */
static bool vmalloc_map_run(vaddr_t va, paddr_t pa, size_t n)
{
	if (paging_map(va, pa, n, VMALLOC_FLAGS) < 0) {
		pmm_free(pa, n);
		return false;
	}
	vm_mapped_pages += n;
	return true;
}

/* Backs npages at va with frames, taking runs of up to VMALLOC_RUN contiguous frames when
 * the pmm has them (one mapping call per run) and single frames otherwise. Returns the
 * number of pages mapped from va on (npages on success). */
static size_t vmalloc_populate(vaddr_t va, size_t npages)
{
	size_t done = 0;

	while (done < npages) {
		size_t want = MIN(npages - done, VMALLOC_RUN);
		paddr_t pa = pmm_alloc(want, 0, PMM_LIMIT_NONE);

		if (!pa && want > 1) {
			want = 1;
			pa = pmm_alloc(1, 0, PMM_LIMIT_NONE);
		}
		if (!pa || !vmalloc_map_run(va + done * PAGE_SIZE, pa, want))
			break;
		done += want;
	}
	return done;
}

static void *vmalloc_common(size_t size, size_t align, uintptr_t caller)
{
	size_t npages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	struct pmm_stats ps;
	struct vmem_seg *s;
	uint64_t irq;
	size_t i;

	if (!vm_ready || !size || size > (vm_arena.end - vm_arena.start) / 2)
		return NULL;
	irq = arch_irq_save();
	pmm_get_stats(&ps);
	if (npages > ps.free_frames) /* fail at once rather than after taking every frame */
		goto out_fail;
	s = vmem_alloc(&vm_arena, (npages + 1) * PAGE_SIZE, align, VMEM_VMALLOC);
	if (!s)
		goto out_fail;
	s->caller = caller;
	i = vmalloc_populate(s->start, npages);
	if (i < npages) {
		vmalloc_release_pages(s->start, i);
		vmem_free(&vm_arena, s);
		goto out_fail;
	}
	s->mapped = (uint32_t)npages;
	arch_irq_restore(irq);
	return (void *)(uintptr_t)s->start;
out_fail:
	arch_irq_restore(irq);
	return NULL;
}

/* See <lios/vmalloc.h>. NULL when out of frames, window space or for size 0. Context: any. */
void *vmalloc(size_t size)
{
	return vmalloc_common(size, PAGE_SIZE, CALLER_ADDR);
}

/* vmalloc() aligned to 'align' (power of two >= PAGE_SIZE), else NULL. Context: any. */
void *vmalloc_aligned(size_t size, size_t align)
{
	if (align < PAGE_SIZE || (align & (align - 1)))
		return NULL;
	return vmalloc_common(size, align, CALLER_ADDR);
}

/* vmalloc() filled with zeros. Context: any. */
void *vzalloc(size_t size)
{
	void *p = vmalloc_common(size, PAGE_SIZE, CALLER_ADDR);

	if (p)
		memset(p, 0, ALIGN_UP(size, PAGE_SIZE));
	return p;
}

/* Frees the area starting at p; other pointers are reported and ignored. Context: any. */
void vfree(void *p)
{
	struct vmem_seg *s;
	uint64_t irq;

	if (!p)
		return;
	irq = arch_irq_save();
	s = vmem_lookup(&vm_arena, (vaddr_t)(uintptr_t)p);
	if (!s || s->kind != VMEM_VMALLOC) {
		vmalloc_report("vfree", p, s ? "an ioremap area (use iounmap)" :
			       "not the start of a live vmalloc area (double free?)", CALLER_ADDR);
	} else {
		vmalloc_release_pages(s->start, s->mapped);
		vmem_free(&vm_arena, s);
	}
	arch_irq_restore(irq);
}

/*
 * Maps [phys, phys + size) with cache type 'cache' (PG_CACHE_*), writable and no-execute,
 * plus an unmapped guard page. Returns the address of phys, or NULL (a range beyond the
 * CPU's physical address width, memmap_phys_end(), is reported on a KERN_WARN line: such
 * addresses come from broken firmware tables). Context: any.
 */
void *ioremap(paddr_t phys, size_t size, unsigned cache)
{
	paddr_t base = phys & PAGE_MASK;
	size_t npages;
	struct vmem_seg *s;
	uint64_t irq;

	if (!vm_ready || !size || phys + size < phys || size > (vm_arena.end - vm_arena.start) / 2)
		return NULL;
	if (phys + size > memmap_phys_end()) {
		printk(KERN_WARN "ioremap: [%#llx-%#llx) from %pB: beyond the CPU's %u-bit physical "
		       "addresses, refused\n", (unsigned long long)phys,
		       (unsigned long long)(phys + size), (void *)CALLER_ADDR, memmap_phys_bits);
		return NULL;
	}
	npages = (size_t)((ALIGN_UP(phys + size, PAGE_SIZE) - base) >> PAGE_SHIFT);
	irq = arch_irq_save();
	s = vmem_alloc(&vm_arena, (npages + 1) * PAGE_SIZE, PAGE_SIZE, VMEM_IOREMAP);
	if (s && paging_map(s->start, base, npages, VMALLOC_FLAGS | (cache & PG_CACHE_MASK)) < 0) {
		paging_unmap(s->start, npages);
		vmem_free(&vm_arena, s);
		s = NULL;
	}
	if (s) {
		s->caller = CALLER_ADDR;
		s->mapped = (uint32_t)npages;
		vm_mapped_pages += npages;
	}
	arch_irq_restore(irq);
	return s ? (void *)(uintptr_t)(s->start + (phys - base)) : NULL;
}

/* Unmaps an area ioremap returned (p may carry the sub-page offset). Context: any. */
void iounmap(void *p)
{
	struct vmem_seg *s;
	uint64_t irq;

	if (!p)
		return;
	irq = arch_irq_save();
	s = vmem_lookup(&vm_arena, (vaddr_t)(uintptr_t)p & PAGE_MASK);
	if (!s || s->kind != VMEM_IOREMAP) {
		vmalloc_report("iounmap", p, s ? "a vmalloc area (use vfree)" :
			       "not a live ioremap area (double iounmap?)", CALLER_ADDR);
	} else {
		paging_unmap(s->start, s->mapped);
		vm_mapped_pages -= s->mapped;
		vmem_free(&vm_arena, s);
	}
	arch_irq_restore(irq);
}

/* Copies the counters (all zero before vmalloc_init). Context: any. */
void vmalloc_get_stats(struct vmalloc_stats *st)
{
	uint64_t irq = arch_irq_save();

	memset(st, 0, sizeof(*st));
	if (vm_ready) {
		st->areas = vm_arena.busy;
		st->mapped_pages = vm_mapped_pages;
		st->window_bytes = vm_arena.end - vm_arena.start;
		st->largest_free_bytes = vmem_largest_free(&vm_arena);
		st->meta_pages = vm_arena.meta_pages;
	}
	st->misuse = vm_misuse;
	arch_irq_restore(irq);
}
