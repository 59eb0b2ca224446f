// SPDX-License-Identifier: MIT
/*
 * The direct map: the first 2 GiB of physical memory at phys + KERNEL_OFFSET (set up by the
 * boot code, rebuilt with W^X by paging_init). These translations are the only sanctioned
 * way between kmalloc memory and physical addresses; anything outside panics, naming the
 * caller, because a wrong physical address would silently corrupt memory later.
 */
#include <lios/kmalloc.h>
#include <lios/panic.h>

/* pa must be below 2 GiB. Context: any. */
void *phys_to_virt(paddr_t pa)
{
	if (pa >= DIRECT_MAP_SIZE)
		panic("phys_to_virt(0x%llx): outside the direct map, called from %pB",
		      (unsigned long long)pa, __builtin_return_address(0));
	return (void *)(uintptr_t)(pa + KERNEL_OFFSET);
}

/* p must lie in [KERNEL_OFFSET, KERNEL_OFFSET + 2 GiB). Context: any. */
paddr_t virt_to_phys(const void *p)
{
	if (!virt_is_direct(p))
		panic("virt_to_phys(%p): outside the direct map, called from %pB", p,
		      __builtin_return_address(0));
	return (uintptr_t)p - KERNEL_OFFSET;
}

/* True for every address from KERNEL_OFFSET up: the direct map ends at 2^64. */
bool virt_is_direct(const void *p)
{
	return (uintptr_t)p >= KERNEL_OFFSET;
}
