// SPDX-License-Identifier: MIT
/*
 * A home for the boot information below 2 GiB. The kernel parses the Multiboot2 information
 * where the loader put it (no fixed-size copy: a server's map can take megabytes) and keeps
 * reading its memory map there, so it must lie inside the 2 GiB direct map. Loaders usually
 * put it low; when one put it higher (anywhere below 4 GiB is allowed), this step, run by
 * kentry64 before kmain while entry.S's identity maps still cover the info, moves it into
 * usable memory below 2 GiB that no boot range occupies, found in the info's own memory map.
 * kmain then parses the copy, and memmap reserves it like the kernel. When the info above
 * 2 GiB cannot be moved, the reason (not Multiboot2, malformed, no room) is kept for kmain's
 * panic: boot_info_refusal().
 */
#include <lios/bootinfo.h>
#include <lios/kmalloc.h>
#include <lios/memmap.h>
#include <lios/printk.h>
#include <lios/sections.h>
#include <lios/string.h>
#include "boot_info.h"

#define MB2_BOOTLOADER_MAGIC 0x36d76289u

/* Why the last boot_info_place left the information where it was ("" when it did not). */
static char refusal[96];

/* End of what entry.S identity-maps around the info: its GiB and the next, below 4 GiB. */
static paddr_t identity_end(paddr_t mbi)
{
	return MIN(ALIGN_DOWN(mbi, GiB(1)) + GiB(2), GiB(4));
}

/* Records why the information stays at mbi and returns mbi. */
static paddr_t stay(paddr_t mbi, const char *fmt, ...) __printf(2, 3);
static paddr_t stay(paddr_t mbi, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(refusal, sizeof(refusal), fmt, ap);
	va_end(ap);
	return mbi;
}

/*
 * boot_info_home's decision, apart from how the machine reaches the info: info points to
 * the information whose physical address is mbi (read only after mbi passed the address
 * checks), the kernel image is [kernel_start, kernel_end). Returns mbi, with the reason in
 * boot_info_refusal() when it is not already below 2 GiB, or where the copy went. Pure but
 * for the copy (through phys_to_virt) and mb2_parse's rewrite of the map; host-tested.
 */
paddr_t boot_info_place(uint32_t magic, void *info, paddr_t mbi, paddr_t kernel_start,
			paddr_t kernel_end)
{
	static struct bootinfo bi;
	struct memmap_range reserved[MEMMAP_MAX_RESERVED];
	char err[80];
	uint32_t size;
	paddr_t to;

	refusal[0] = '\0';
	if (magic != MB2_BOOTLOADER_MAGIC)
		return stay(mbi, "not Multiboot2 (magic %#x)", magic);
	if (mbi == 0 || mbi % 8)
		return stay(mbi, "at address 0 or not 8-byte aligned");
	if (mbi + 8 > identity_end(mbi))
		return stay(mbi, "beyond the 4 GiB the entry code maps");
	memcpy(&size, info, sizeof(size));
	if (mbi + size <= DIRECT_MAP_SIZE)
		return mbi;
	if (size > identity_end(mbi) - mbi)
		return stay(mbi, "malformed: a total size of %u bytes runs past 4 GiB", size);
	/* The parse rewrites the map in place; parsing the copy again gives the same result. */
	if (mb2_parse(magic, info, size, mbi, &bi, err, sizeof(err)) < 0)
		return stay(mbi, "malformed: %s", err);
	size_t nres = memmap_boot_reserved(&bi, kernel_start, kernel_end, reserved,
					   MEMMAP_MAX_RESERVED);
	if (memmap_find_room(bi.regions, bi.nregions, reserved, nres,
			     ALIGN_UP((uint64_t)size, (uint64_t)PAGE_SIZE), DIRECT_MAP_SIZE, &to) < 0)
		return stay(mbi, "no usable room below 2 GiB for its %u bytes", size);
	memcpy(phys_to_virt(to), info, size); /* the room lies outside the info's own range */
	/* printk only fills the log ring here; the sinks replay it (info level and up). */
	printk("boot: information of %u bytes at %#llx moved below 2 GiB, to %#llx\n", size,
	       (unsigned long long)mbi, (unsigned long long)to);
	return to;
}

/*
 * Returns where kmain finds the boot information: mbi itself when it already lies below
 * 2 GiB, or when it cannot be moved (kmain then reports why it is unreachable or malformed,
 * with boot_info_refusal()'s reason when it lies above); otherwise the physical address of
 * a copy below 2 GiB. Reads the original through the identity map, writes the copy through
 * the direct map. Context: kentry64, once, before kmain: no console, no allocator,
 * interrupts off.
 */
paddr_t boot_info_home(uint32_t magic, paddr_t mbi)
{
	return boot_info_place(magic, (void *)(uintptr_t)mbi /* identity-mapped by entry.S */,
			       mbi, (paddr_t)(uintptr_t)_kernel_phys_start,
			       (paddr_t)(uintptr_t)_kernel_phys_end);
}

/* See bootinfo.h. */
const char *boot_info_refusal(void)
{
	return refusal;
}
