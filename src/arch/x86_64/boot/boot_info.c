// SPDX-License-Identifier: MIT
/*
 * A home for the boot information below 2 GiB. The kernel parses the Multiboot2 information
 * where the loader put it (no fixed-size copy: a server's map can take megabytes) and keeps
 * reading its memory map there, so it must lie inside the 2 GiB direct map. Loaders usually
 * put it low; when one put it higher (anywhere below 4 GiB is allowed), this step, run by
 * kentry64 before kmain while entry.S's identity maps still cover the info, moves it into
 * usable memory below 2 GiB that no boot range occupies, found in the info's own memory map.
 * kmain then parses the copy, and memmap reserves it like the kernel.
 */
#include <lios/bootinfo.h>
#include <lios/kmalloc.h>
#include <lios/memmap.h>
#include <lios/printk.h>
#include <lios/sections.h>
#include <lios/string.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289u

paddr_t boot_info_home(uint32_t magic, paddr_t mbi);

/* End of what entry.S identity-maps around the info: its GiB and the next, below 4 GiB. */
static paddr_t identity_end(paddr_t mbi)
{
	return MIN(ALIGN_DOWN(mbi, GiB(1)) + GiB(2), GiB(4));
}

/*
 * Returns where kmain finds the boot information: mbi itself when it already lies below
 * 2 GiB, or when it cannot be moved (kmain then reports why it is unreachable or malformed);
 * otherwise the physical address of a copy below 2 GiB. Reads the original through the
 * identity map, writes the copy through the direct map. Context: kentry64, once, before
 * kmain: no console, no allocator, interrupts off.
 */
paddr_t boot_info_home(uint32_t magic, paddr_t mbi)
{
	static struct bootinfo bi;
	struct memmap_range reserved[MEMMAP_MAX_RESERVED];
	char err[80];
	uint32_t size;
	paddr_t to;

	if (magic != MB2_BOOTLOADER_MAGIC || mbi == 0 || mbi % 8 || mbi + 8 > identity_end(mbi))
		return mbi;
	void *info = (void *)(uintptr_t)mbi; /* identity-mapped by entry.S */
	memcpy(&size, info, sizeof(size));
	if (mbi + size <= DIRECT_MAP_SIZE)
		return mbi;
	if (size > identity_end(mbi) - mbi)
		return mbi; /* not a believable size: kmain's parse says so */
	/* The parse rewrites the map in place; parsing the copy again gives the same result. */
	if (mb2_parse(magic, info, size, mbi, &bi, err, sizeof(err)) < 0)
		return mbi;
	size_t nres = memmap_boot_reserved(&bi, (paddr_t)(uintptr_t)_kernel_phys_start,
					   (paddr_t)(uintptr_t)_kernel_phys_end, reserved,
					   MEMMAP_MAX_RESERVED);
	if (memmap_find_room(bi.regions, bi.nregions, reserved, nres,
			     ALIGN_UP((uint64_t)size, (uint64_t)PAGE_SIZE), DIRECT_MAP_SIZE, &to) < 0)
		return mbi;
	memcpy(phys_to_virt(to), info, size); /* the room lies outside the info's own range */
	/* printk only fills the log ring here; the sinks replay it (info level and up). */
	printk("boot: information of %u bytes at %#llx moved below 2 GiB, to %#llx\n", size,
	       (unsigned long long)mbi, (unsigned long long)to);
	return to;
}
