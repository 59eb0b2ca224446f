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
 * Memory types: the direct map also maps the first 2 GiB of physical addresses, RAM
 * write-back and the rest uncached (paging_init), and the Intel SDM (vol. 3A, 11.12.4)
 * does not support one frame mapped with two memory types. So ioremap gives each page
 * below DIRECT_MAP_SIZE a type that agrees with the direct map (ioremap_page_type), as a
 * real kernel checks a request against the types already in use and either converts it or
 * refuses it: a cacheable type asked for device memory becomes the direct map's uncached
 * one (the caller reads what it asked for, without cache lines); an uncacheable type asked
 * for RAM is refused, since converting it would give a driver cached access it did not
 * want, and an uncached alias of write-back RAM is the aliasing the SDM rules out.
 * Write-combining over a page the direct map has uncached is allowed: the hazard the SDM
 * names is a WC page aliased to a cacheable one (WC writes do not snoop the caches), and
 * neither UC nor WC ever allocates a cache line, so no stale line can arise; what remains
 * is ordering between the two aliases, which only the driver's own accesses could mix (a
 * framebuffer below 2 GiB is mapped WC and never touched through the direct map).
 *
 * Invariants: a segment of kind VMEM_VMALLOC owns exactly 'mapped' frames, mapped at its
 * start; its last page (the guard) is never mapped. Misuse is reported on a "vmalloc: "
 * KERN_ERR line with the caller and changes nothing. No page of an ioremap area has a
 * type the direct map contradicts.
 * Context: any; every entry point masks interrupts around the arena and the page tables.
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/kmalloc.h>
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
static bool vm_type_warned; /* a converted ioremap type was reported (once a boot) */

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
	vm_type_warned = false;
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

static bool cache_is_cacheable(unsigned cache)
{
	return cache == PG_CACHE_WB || cache == PG_CACHE_WT;
}

static const char *cache_name(unsigned cache)
{
	static const char *const names[] = { "write-back", "write-combining", "uncached",
					     "write-through" };

	return names[(cache & PG_CACHE_MASK) >> PG_CACHE_SHIFT];
}

/* See <lios/vmalloc.h>. Pure. */
int ioremap_page_type(unsigned want, int direct)
{
	want &= PG_CACHE_MASK;
	if (direct == IOREMAP_NOT_DIRECT || (unsigned)direct == want)
		return (int)want;
	if (cache_is_cacheable(want))
		return direct; /* the caller reads what it asked for, in the frame's own type */
	if (!cache_is_cacheable((unsigned)direct))
		return (int)want; /* UC and WC: neither caches, no line to go stale */
	return -EINVAL;       /* an uncacheable alias of RAM */
}

/* See <lios/vmalloc.h>. Pure but for direct(). */
int ioremap_check_types(paddr_t base, size_t npages, unsigned want, int (*direct)(paddr_t pa),
			struct ioremap_check *out)
{
	memset(out, 0, sizeof(*out));
	want &= PG_CACHE_MASK;
	for (size_t i = 0; i < npages; i++) {
		paddr_t pa = base + (paddr_t)i * PAGE_SIZE;
		int type;

		if (pa >= DIRECT_MAP_SIZE || pa < base) /* the rest is beyond the direct map */
			break;
		type = ioremap_page_type(want, direct(pa));
		if (type < 0) {
			out->refused = pa;
			return -EINVAL;
		}
		if ((unsigned)type != want && !out->changed++) {
			out->first_changed = pa;
			out->changed_to = (unsigned)type;
		}
	}
	return 0;
}

/* The direct map's type of the page at pa, read from the page tables (on the host, from
 * the stand-in's simulated direct map), or IOREMAP_NOT_DIRECT. */
static int vmalloc_direct_type(paddr_t pa)
{
	unsigned flags;

	if (pa >= DIRECT_MAP_SIZE ||
	    !paging_translate((vaddr_t)(uintptr_t)phys_to_virt(pa), NULL, &flags))
		return IOREMAP_NOT_DIRECT;
	return (int)(flags & PG_CACHE_MASK);
}

/* Maps the npages pages from base at va, each run of pages with one type (the direct
 * map's verdict, already checked) in one call. Returns 0 or paging_map's error; the
 * caller unmaps the area on error. */
static int ioremap_map_pages(vaddr_t va, paddr_t base, size_t npages, unsigned want)
{
	size_t i = 0;

	while (i < npages) {
		paddr_t pa = base + (paddr_t)i * PAGE_SIZE;
		int type = ioremap_page_type(want, vmalloc_direct_type(pa));
		size_t n = 1;
		int err;

		if (type < 0)
			return -EINVAL;
		if (pa >= DIRECT_MAP_SIZE) /* one run to the end: nothing to agree with */
			n = npages - i;
		while (i + n < npages && base + (i + n) * PAGE_SIZE < DIRECT_MAP_SIZE &&
		       ioremap_page_type(want, vmalloc_direct_type(base + (i + n) * PAGE_SIZE)) ==
			       type)
			n++;
		err = paging_map(va + i * PAGE_SIZE, pa, n, VMALLOC_FLAGS | (unsigned)type);
		if (err)
			return err;
		i += n;
	}
	return 0;
}

/* Reports what ioremap_check_types found for [phys, phys + size): a refusal every time,
 * a converted type once a boot (firmware-placed devices repeat, the log should not). */
static void ioremap_report_types(paddr_t phys, size_t size, unsigned want, int err,
				 const struct ioremap_check *c, uintptr_t caller)
{
	if (err) {
		printk(KERN_WARN "ioremap: [%#llx-%#llx) from %pB: %s asked for RAM at %#llx "
		       "(write-back in the direct map), refused\n", (unsigned long long)phys,
		       (unsigned long long)(phys + size), (void *)caller, cache_name(want),
		       (unsigned long long)c->refused);
	} else if (c->changed && !vm_type_warned) {
		vm_type_warned = true;
		printk(KERN_WARN "ioremap: [%#llx-%#llx) from %pB: %s asked for %zu page%s the "
		       "direct map has %s (from %#llx), mapped %s there; reported once\n",
		       (unsigned long long)phys, (unsigned long long)(phys + size), (void *)caller,
		       cache_name(want), c->changed, c->changed == 1 ? "" : "s",
		       cache_name(c->changed_to),
		       (unsigned long long)c->first_changed, cache_name(c->changed_to));
	}
}

/*
 * Maps [phys, phys + size) with cache type 'cache' (PG_CACHE_*), or with the direct map's
 * type where they must agree (ioremap_page_type), writable and no-execute, plus an
 * unmapped guard page. Returns the address of phys, or NULL (a range beyond the CPU's
 * physical address width, memmap_phys_end(), and an uncacheable type asked for RAM are
 * reported on a KERN_WARN line naming the caller). Context: any.
 */
static void *ioremap_caller(paddr_t phys, size_t size, unsigned cache, bool quiet, uintptr_t caller)
{
	paddr_t base = phys & PAGE_MASK;
	struct ioremap_check check;
	size_t npages;
	struct vmem_seg *s = NULL;
	uint64_t irq;
	int err;

	if (!vm_ready || !size || phys + size < phys || size > (vm_arena.end - vm_arena.start) / 2)
		return NULL;
	if (phys + size > memmap_phys_end()) {
		printk(KERN_WARN "ioremap: [%#llx-%#llx) from %pB: beyond the CPU's %u-bit physical "
		       "addresses, refused\n", (unsigned long long)phys,
		       (unsigned long long)(phys + size), (void *)caller, memmap_phys_bits);
		return NULL;
	}
	cache &= PG_CACHE_MASK;
	npages = (size_t)((ALIGN_UP(phys + size, PAGE_SIZE) - base) >> PAGE_SHIFT);
	irq = arch_irq_save();
	err = ioremap_check_types(base, npages, cache, vmalloc_direct_type, &check);
	if (!err)
		s = vmem_alloc(&vm_arena, (npages + 1) * PAGE_SIZE, PAGE_SIZE, VMEM_IOREMAP);
	if (s && ioremap_map_pages(s->start, base, npages, cache) < 0) {
		paging_unmap(s->start, npages);
		vmem_free(&vm_arena, s);
		s = NULL;
	}
	if (s) {
		s->caller = caller;
		s->mapped = (uint32_t)npages;
		vm_mapped_pages += npages;
	}
	arch_irq_restore(irq);
	if (err || (s && !quiet))
		ioremap_report_types(phys, size, cache, err, &check, caller);
	return s ? (void *)(uintptr_t)(s->start + (phys - base)) : NULL;
}

/* See <lios/vmalloc.h>. Context: any. */
void *ioremap(paddr_t phys, size_t size, unsigned cache)
{
	return ioremap_caller(phys, size, cache, false, CALLER_ADDR);
}

/* See <lios/vmalloc.h>: write-back asked, each page below 2 GiB then takes the direct map's
 * type (RAM write-back, reserved memory uncached) without a word, as firmware data is
 * expected to lie in either. Context: any. */
void *ioremap_firmware(paddr_t phys, size_t size)
{
	return ioremap_caller(phys, size, PG_CACHE_WB, true, CALLER_ADDR);
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
