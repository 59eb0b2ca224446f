/* SPDX-License-Identifier: MIT */
/*
 * kmalloc: physically contiguous kernel memory used at phys + KERNEL_OFFSET (the direct map
 * of the first 2 GiB). Page tables and anything that needs a physical address come from
 * here; other memory should come from vmalloc or the heap. Owner: mm (src/mm/kmalloc.c,
 * phys_to_virt/virt_to_phys in the arch layer: src/arch/x86_64/mm/phys.c, host stand-in in
 * src/arch/host/phys_host.c).
 */
#ifndef LIOS_KMALLOC_H
#define LIOS_KMALLOC_H

#include <lios/arch.h> /* the memory layout (arch/memlayout.h) */
#include <lios/types.h>

/* Largest kmalloc size: bigger requests return NULL (use vmalloc). */
#define KMALLOC_MAX_SIZE MiB(32)

/*
 * Sets up the size classes and the per-frame tags. Needs pmm_init(); uses the direct map.
 * Returns 0 or -ENOMEM. Context: boot.
 */
int kmalloc_init(void);

/*
 * Returns 'size' bytes, physically contiguous, 16-byte aligned; sizes of a page or more are
 * page aligned. Returns NULL when size is 0, above KMALLOC_MAX_SIZE or memory runs out.
 * Context: any (interrupts are masked inside); never sleeps, never panics on exhaustion.
 */
void *kmalloc(size_t size);
/* kmalloc() then zero-filled. */
void *kzalloc(size_t size);
/* Frees p (NULL is ignored). A pointer kmalloc did not return or a double free is reported
 * with the caller and ignored. */
void kfree(void *p);

/* True when p is a block kmalloc returned and that is not freed (a live object of a class
 * page, or the first byte of a large run); false for anything else, reading only kmalloc's
 * own frames. For callers that must tell their kmalloc blocks from other pointers before
 * reading a header (the heap's interrupt-context blocks). Any context. */
bool kmalloc_owns(const void *p);

/* Gives completely free size-class pages back to the frame allocator. Returns the number of
 * frames returned. kmalloc calls it by itself before failing. */
size_t kmalloc_shrink(void);

/* Direct-map translation. Both panic, naming the caller, outside the direct map. */
paddr_t virt_to_phys(const void *p);
void *phys_to_virt(paddr_t pa);
/* True when p lies in the direct map (virt_to_phys would accept it). */
bool virt_is_direct(const void *p);

#endif
