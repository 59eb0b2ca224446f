// SPDX-License-Identifier: MIT
/*
 * kmalloc: physically contiguous kernel memory, used at phys + KERNEL_OFFSET.
 *
 * Where things come from: every byte comes from pmm_alloc(..., PMM_LIMIT_DIRECT), so it is
 * always reachable through the direct map without mapping anything (why paging relies on
 * that: "DOC: The memory story" in mm_init.c).
 *  - Sizes up to 2048 bytes use eight power-of-two size classes. A class page is one frame
 *    cut into equal objects; free objects of a class form a singly linked list threaded
 *    through the objects themselves, each marked with KM_FREE_MAGIC (double-free check).
 *    A link is followed only to a marked object of a page of its class: a list damaged by
 *    a write after free (a stale pointer, a device still writing into a freed DMA buffer)
 *    is reported and dropped, never handed out (km_free_ok).
 *  - Larger sizes take a run of whole frames: page-table pages are single frames, so they
 *    are page aligned for free.
 *  - Bookkeeping: one 16-bit tag per direct-mapped frame (km_tags, allocated from pmm at
 *    kmalloc_init): whether the frame is a class page (class and objects in use), the head of
 *    a large run (its length) or a run's tail. kfree reads the tag, so a pointer kmalloc did
 *    not return (wrong frame kind, wrong object boundary) is recognised and reported.
 * Empty class pages stay on their class list until kmalloc_shrink() (called by kmalloc
 * itself before it reports exhaustion) gives them back to pmm.
 * Context: single CPU; interrupts are masked while the lists or tags change.
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/kmalloc.h>
#include <lios/pmm.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "internal.h"

#define KM_MIN_SHIFT 4 /* 16 bytes */
#define KM_NCLASSES 8  /* 16 ... 2048 bytes */
#define KM_MAX_SMALL (1u << (KM_MIN_SHIFT + KM_NCLASSES - 1))

/* Tag layout: kind in bits 15-14. */
#define KM_KIND_MASK 0xc000u
#define KM_KIND_NONE 0x0000u
#define KM_KIND_SLAB 0x4000u  /* bits 12-9: class, bits 8-0: objects in use (or, while a page
                                 is being shrunk, objects unlinked) */
#define KM_KIND_LARGE 0x8000u /* bits 13-0: run length in frames */
#define KM_KIND_TAIL 0xc000u
#define KM_SLAB_DYING 0x2000u /* with KM_KIND_SLAB: page being given back by shrink */
#define KM_CLASS_SHIFT 9
#define KM_COUNT_MASK 0x1ffu
#define KM_LARGE_MAX 0x3fffu

#define KM_FREE_MAGIC 0x6b6b6b6bf4eef4eeull

struct km_free_obj {
	struct km_free_obj *next;
	uint64_t magic;
};

static uint16_t *km_tags;
static pfn_t km_ntags;
static struct km_free_obj *km_free[KM_NCLASSES];

unsigned long kmalloc_misuse_count;

/* Allocates the per-frame tags (2 bytes per direct-mapped frame) from pmm. Returns 0 or
 * -ENOMEM. Boot, after pmm_init. */
int kmalloc_init(void)
{
	size_t bytes, frames;
	paddr_t pa;

	km_ntags = MIN(pmm_end_pfn(), (pfn_t)(DIRECT_MAP_SIZE >> PAGE_SHIFT));
	bytes = km_ntags * sizeof(*km_tags);
	frames = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
	memset(km_free, 0, sizeof(km_free));
	pa = frames ? pmm_alloc(frames, 0, PMM_LIMIT_DIRECT) : 0;
	if (!pa) {
		km_tags = NULL;
		km_ntags = 0;
		return -ENOMEM;
	}
	km_tags = phys_to_virt(pa);
	memset(km_tags, 0, frames * PAGE_SIZE);
	return 0;
}

static int size_class(size_t size)
{
	int c = 0;

	while ((1u << (KM_MIN_SHIFT + c)) < size)
		c++;
	return c;
}

/* Cuts a fresh frame into objects of class c and pushes them; false when out of frames. */
static bool grow_class(int c)
{
	size_t size = 1u << (KM_MIN_SHIFT + c);
	paddr_t pa = pmm_alloc(1, 0, PMM_LIMIT_DIRECT);
	char *page;

	if (!pa)
		return false;
	page = phys_to_virt(pa);
	for (size_t off = PAGE_SIZE; off >= size; off -= size) {
		struct km_free_obj *o = (struct km_free_obj *)(page + off - size);

		o->next = km_free[c];
		o->magic = KM_FREE_MAGIC;
		km_free[c] = o;
	}
	km_tags[pa >> PAGE_SHIFT] = KM_KIND_SLAB | (uint16_t)(c << KM_CLASS_SHIFT);
	return true;
}

/* Whether o is a free object of class c: the start of an object of a class-c page (a page
 * being shrunk counts), marked free. Reads o only once it is known to be kmalloc's. */
static bool km_free_ok(const struct km_free_obj *o, int c)
{
	uint16_t tag;
	pfn_t pfn;

	if (!virt_is_direct(o) || (pfn = virt_to_phys(o) >> PAGE_SHIFT) >= km_ntags)
		return false;
	tag = km_tags[pfn];
	return (tag & KM_KIND_MASK) == KM_KIND_SLAB && ((tag >> KM_CLASS_SHIFT) & 15) == c &&
	       ((uintptr_t)o & ((1u << (KM_MIN_SHIFT + c)) - 1)) == 0 && o->magic == KM_FREE_MAGIC;
}

/* Counts a misuse report. Interrupts off: kfree is callable from interrupt handlers, and
 * an increment they interrupted would lose theirs. */
static void count_misuse(void)
{
	uint64_t irq = arch_irq_save();

	kmalloc_misuse_count++;
	arch_irq_restore(irq);
}

/* Class c's free list leads to o, which is not a free object of the class (written after
 * free): reported; the rest of the list is dropped (its objects stay out of use). */
static void km_list_damaged(int c, const void *o)
{
	count_misuse();
	printk(KERN_ERR "kmalloc: free list of size %u damaged at %p (written after free?), "
	       "dropped\n", 1u << (KM_MIN_SHIFT + c), o);
}

static void *alloc_small(size_t size)
{
	int c = size_class(size);
	struct km_free_obj *o;
	pfn_t pfn;

	if (km_free[c] && !km_free_ok(km_free[c], c)) {
		km_list_damaged(c, km_free[c]);
		km_free[c] = NULL;
	}
	if (!km_free[c] && !grow_class(c) && !(kmalloc_shrink() && grow_class(c)))
		return NULL;
	o = km_free[c];
	km_free[c] = o->next;
	o->magic = 0;
	pfn = virt_to_phys(o) >> PAGE_SHIFT;
	km_tags[pfn]++;
	return o;
}

static void *alloc_large(size_t size)
{
	size_t frames = (size + PAGE_SIZE - 1) / PAGE_SIZE;
	paddr_t pa = pmm_alloc(frames, 0, PMM_LIMIT_DIRECT);
	pfn_t pfn;

	if (!pa && kmalloc_shrink())
		pa = pmm_alloc(frames, 0, PMM_LIMIT_DIRECT);
	if (!pa)
		return NULL;
	pfn = pa >> PAGE_SHIFT;
	km_tags[pfn] = KM_KIND_LARGE | (uint16_t)frames;
	for (size_t i = 1; i < frames; i++)
		km_tags[pfn + i] = KM_KIND_TAIL;
	return phys_to_virt(pa);
}

/* size bytes, physically contiguous, 16-byte aligned (page aligned from one page up), in the
 * direct map. NULL when size is 0 or too big, or memory is exhausted. Any context. */
void *kmalloc(size_t size)
{
	uint64_t irq;
	void *p;

	if (size == 0 || size > KMALLOC_MAX_SIZE || !km_tags ||
	    (size > KM_MAX_SMALL && (size + PAGE_SIZE - 1) / PAGE_SIZE > KM_LARGE_MAX))
		return NULL;
	irq = arch_irq_save();
	p = size <= KM_MAX_SMALL ? alloc_small(size) : alloc_large(size);
	arch_irq_restore(irq);
	return p;
}

/* kmalloc() then zero-filled; NULL like kmalloc. */
void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

/* p's frame number in *pfn when p lies in a frame kmalloc keeps a tag for. */
static bool km_frame(const void *p, pfn_t *pfn)
{
	return virt_is_direct(p) && (*pfn = virt_to_phys(p) >> PAGE_SHIFT) < km_ntags;
}

/* Whether tag is a class page in service (not being shrunk) and p one of its object
 * boundaries. */
static bool km_slab_object(uint16_t tag, const void *p)
{
	return (tag & KM_KIND_MASK) == KM_KIND_SLAB && !(tag & KM_SLAB_DYING) &&
	       ((uintptr_t)p & ((1u << (KM_MIN_SHIFT + ((tag >> KM_CLASS_SHIFT) & 15))) - 1)) == 0;
}

static void report(const char *what, const void *p, void *caller)
{
	count_misuse();
	printk(KERN_ERR "kmalloc: %s: kfree(%p) called from %pB\n", what, p, caller);
}

/* Frees what kmalloc returned (NULL ignored); a foreign pointer or a double free is
 * reported with the caller and ignored (a pointer into a frame kmalloc holds nothing in,
 * as after a large block's free, is reported as a possible double free). Any context. */
void kfree(void *p)
{
	void *caller = __builtin_return_address(0);
	uint16_t tag;
	uint64_t irq;
	pfn_t pfn;

	if (!p)
		return;
	if (!km_frame(p, &pfn)) {
		report("pointer outside kmalloc memory", p, caller);
		return;
	}
	irq = arch_irq_save();
	tag = km_tags[pfn];
	if ((tag & KM_KIND_MASK) == KM_KIND_LARGE && ((uintptr_t)p & (PAGE_SIZE - 1)) == 0) {
		size_t frames = tag & KM_LARGE_MAX;

		for (size_t i = 0; i < frames; i++)
			km_tags[pfn + i] = 0;
		pmm_free(pfn << PAGE_SHIFT, frames);
	} else if (km_slab_object(tag, p)) {
		int c = (tag >> KM_CLASS_SHIFT) & 15;
		struct km_free_obj *o = p;
		size_t size = 1u << (KM_MIN_SHIFT + c);

		if (o->magic == KM_FREE_MAGIC || (tag & KM_COUNT_MASK) == 0) {
			arch_irq_restore(irq);
			report("double free", p, caller);
			return;
		}
		memset(o, 0x6b, size); /* junk: use after free shows */
		o->next = km_free[c];
		o->magic = KM_FREE_MAGIC;
		km_free[c] = o;
		km_tags[pfn]--;
	} else {
		arch_irq_restore(irq);
		/* a frame kmalloc holds nothing in now: its block (or its page) went back to
		 * pmm, which a second kfree of the block is the common way to meet */
		report((tag & KM_KIND_MASK) == KM_KIND_NONE
			       ? "not a live kmalloc block (double free?)"
			       : "pointer kmalloc did not return",
		       p, caller);
		return;
	}
	arch_irq_restore(irq);
}

/* See <lios/kmalloc.h>: the tag of p's frame says whether p is an object boundary of a
 * live class page or the first byte of a large run; a class object's free record says
 * whether it is free. Reads nothing outside kmalloc's frames. Any context. */
bool kmalloc_owns(const void *p)
{
	bool live = false;
	uint64_t irq;
	uint16_t tag;
	pfn_t pfn;

	if (!p || !km_frame(p, &pfn))
		return false;
	irq = arch_irq_save();
	tag = km_tags[pfn];
	if ((tag & KM_KIND_MASK) == KM_KIND_LARGE)
		live = ((uintptr_t)p & (PAGE_SIZE - 1)) == 0;
	else if (km_slab_object(tag, p) && (tag & KM_COUNT_MASK))
		live = ((const struct km_free_obj *)p)->magic != KM_FREE_MAGIC;
	arch_irq_restore(irq);
	return live;
}

/* Returns size-class pages with no object in use to pmm; returns how many. Any context. */
size_t kmalloc_shrink(void)
{
	size_t returned = 0;
	uint64_t irq = arch_irq_save();

	for (int c = 0; c < KM_NCLASSES; c++) {
		size_t per_page = PAGE_SIZE >> (KM_MIN_SHIFT + c);
		struct km_free_obj **link = &km_free[c];

		while (*link) {
			struct km_free_obj *o = *link;
			pfn_t pfn;
			uint16_t tag;

			if (!km_free_ok(o, c)) {
				km_list_damaged(c, o);
				*link = NULL;
				break;
			}
			pfn = virt_to_phys(o) >> PAGE_SHIFT;
			tag = km_tags[pfn];
			if ((tag & KM_COUNT_MASK) != 0 && !(tag & KM_SLAB_DYING)) {
				link = &o->next;
				continue;
			}
			/* Page with no object in use: unlink, count, give back once all are out. */
			*link = o->next;
			if (!(tag & KM_SLAB_DYING))
				tag = (uint16_t)((tag & ~KM_COUNT_MASK) | KM_SLAB_DYING);
			tag++;
			if ((tag & KM_COUNT_MASK) == per_page) {
				km_tags[pfn] = 0;
				pmm_free(pfn << PAGE_SHIFT, 1);
				returned++;
			} else {
				km_tags[pfn] = tag;
			}
		}
	}
	arch_irq_restore(irq);
	return returned;
}
