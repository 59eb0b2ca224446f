// SPDX-License-Identifier: MIT
/*
 * Simulated physical memory for host programs: the direct map of the first 2 GiB
 * (phys_to_virt / virt_to_phys of <lios/kmalloc.h>) is one mmap(MAP_NORESERVE) arena, so
 * the mm sources reach "physical" frames exactly as the kernel does through KERNEL_OFFSET.
 * Only touched pages cost memory. Physical memory above 2 GiB exists only as frame numbers,
 * as in the kernel. The arena is created on first use and lives until the program exits.
 */
#include <lios/kmalloc.h>
#include <lios/panic.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>

static char *host_direct_map;

static char *arena(void)
{
	if (!host_direct_map) {
		void *p = mmap(NULL, DIRECT_MAP_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (p == MAP_FAILED) {
			perror("phys_host: mmap of the simulated direct map");
			abort();
		}
		host_direct_map = p;
	}
	return host_direct_map;
}

/* Host version of phys_to_virt(): pa must lie in the first 2 GiB. */
void *phys_to_virt(paddr_t pa)
{
	if (pa >= DIRECT_MAP_SIZE)
		panic("phys_to_virt(0x%llx): outside the direct map, called from %pB",
		      (unsigned long long)pa, __builtin_return_address(0));
	return arena() + pa;
}

/* Host version of virt_to_phys(): p must point into the simulated direct map. */
paddr_t virt_to_phys(const void *p)
{
	const char *c = p, *base = arena();

	if (c < base || c >= base + DIRECT_MAP_SIZE)
		panic("virt_to_phys(%p): outside the direct map, called from %pB", p,
		      __builtin_return_address(0));
	return (paddr_t)(c - base);
}

/* Host version of virt_is_direct(). */
bool virt_is_direct(const void *p)
{
	const char *c = p, *base = arena();

	return c >= base && c < base + DIRECT_MAP_SIZE;
}
