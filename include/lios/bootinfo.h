/* SPDX-License-Identifier: MIT */
/*
 * struct bootinfo: what the boot loader told us, in kernel-owned plain arrays. Only the
 * Multiboot2 parser (src/kernel/core/multiboot2.c) knows Multiboot2; everything after it sees
 * this structure.
 */
#ifndef LIOS_BOOTINFO_H
#define LIOS_BOOTINFO_H

#include <lios/types.h>

#define BOOTINFO_MAX_MODULES 8
#define BOOTINFO_CMDLINE_MAX 512

enum mem_type {
	MEM_USABLE = 1,
	MEM_RESERVED = 2,
	MEM_ACPI_RECLAIMABLE = 3,
	MEM_ACPI_NVS = 4,
	MEM_BAD = 5,
};
/* Reserved, with the reason: RAM by its EFI memory type that the UEFI stub leaves out for
 * its attributes (src/arch/x86_64/boot/efi_map.c). Above INT_MAX, hence not enumerators. */
#define MEM_EFI_NOT_WB 0xeffffffeu           /* cannot be mapped write-back (no EFI_MEMORY_WB) */
#define MEM_EFI_SPECIFIC_PURPOSE 0xefffffffu /* EFI_MEMORY_SP: set aside for a purpose */

/* One firmware memory-map entry exactly as reported: may be unsorted, overlapping,
 * unaligned or zero-length; the memmap sanitiser deals with that. 24 bytes, the size of a
 * Multiboot2 map entry: the parser rewrites the map tag into an array of these in place. */
struct mem_region {
	uint64_t base;   /* bytes */
	uint64_t length; /* bytes */
	uint32_t type;   /* enum mem_type; unknown values are kept and treated as reserved */
};

enum fb_kind {
	FB_NONE = 0,
	FB_INDEXED = 1, /* palette framebuffer */
	FB_RGB = 2,     /* direct colour, positions/sizes below */
	FB_EGA_TEXT = 3 /* VGA text mode, width/height in characters */
};

/* One palette entry of an indexed framebuffer, 8 bits per channel as the tag gives it. */
struct fb_color {
	uint8_t red, green, blue;
};

/* The most palette entries an indexed framebuffer can have (8 bits per pixel). */
#define FB_PALETTE_MAX 256

struct fb_info {
	enum fb_kind kind;
	paddr_t addr;     /* physical address of the first pixel/cell */
	uint32_t pitch;   /* bytes per line */
	uint32_t width;   /* pixels (characters for EGA text) */
	uint32_t height;  /* pixels (characters for EGA text) */
	uint8_t bpp;      /* bits per pixel */
	uint8_t red_pos, red_size; /* bit position and width of each channel (FB_RGB) */
	uint8_t green_pos, green_size;
	uint8_t blue_pos, blue_size;
	uint16_t palette_colors; /* FB_INDEXED: entries in palette[], 1..FB_PALETTE_MAX */
	struct fb_color palette[FB_PALETTE_MAX]; /* FB_INDEXED: colour of pixel value i */
};

enum firmware { FIRMWARE_BIOS = 0, FIRMWARE_UEFI = 1 };

struct boot_module {
	paddr_t start, end; /* bytes, end exclusive */
	char cmdline[64];
};

struct bootinfo {
	char cmdline[BOOTINFO_CMDLINE_MAX]; /* whole words only: see cmdline_len */
	size_t cmdline_len;        /* bytes the loader passed; more than strlen(cmdline) when
				    * the words past BOOTINFO_CMDLINE_MAX-1 bytes were dropped */
	char loader[64];
	enum firmware firmware;    /* UEFI when an EFI system table tag was present */
	bool efi_boot_services;    /* GRUB left boot services running (tag 18) */

	/* The firmware memory map, any number of entries: it lives inside the boot information
	 * itself (the map tag, rewritten in place by mb2_parse), which stays reserved. */
	const struct mem_region *regions;
	size_t nregions;

	struct fb_info fb;         /* kind FB_NONE when no framebuffer tag */

	uint8_t rsdp[36];          /* copy of the ACPI RSDP (20 bytes v1, 36 bytes v2+) */
	uint8_t rsdp_len;          /* 0: no ACPI tag */

	struct boot_module modules[BOOTINFO_MAX_MODULES];
	size_t nmodules;

	paddr_t mbi_start, mbi_end; /* where the loader put the info, bytes */
	const char *fb_rejected;   /* why a framebuffer tag was refused, or NULL */
	uint64_t mem_lower_kib, mem_upper_kib; /* basic meminfo tag, 0 if absent */
};

/*
 * Multiboot2 information -> struct bootinfo (src/kernel/core/multiboot2.c). mbi points to
 * the info (8-byte aligned), readable and writable for avail bytes; mbi_phys is its physical
 * address. Safe on hostile input: bounded by total_size and avail, tags 8-byte aligned,
 * entry sizes honoured, unknown tags skipped. The first memory-map tag is rewritten in place
 * into struct mem_region entries (out->regions points there; the bytes it frees become a
 * tag the parser skips), so the info must stay where it is, and parsing it again gives the
 * same result. Returns 0, or -EINVAL with the reason in err (a missing end tag, sizes that
 * overflow). Pure but for that rewrite; compiled for the host, unit-tested and fuzzed.
 */
int mb2_parse(uint32_t magic, void *mbi, size_t avail, paddr_t mbi_phys,
	      struct bootinfo *out, char *err, size_t errlen);

/* Why the x86_64 entry (src/arch/x86_64/boot/boot_info.c) left boot information that lies
 * above 2 GiB where it was (not Multiboot2, malformed, no usable room below 2 GiB), for
 * kmain's panic; "" when it did not. Any context after kentry64. */
const char *boot_info_refusal(void);

/* The kernel's parsed boot information (src/kernel/core/bootinfo.c): kmain publishes it
 * once after parsing; bootinfo_get() returns NULL before that. */
void bootinfo_publish(const struct bootinfo *bi);
const struct bootinfo *bootinfo_get(void);

#endif
