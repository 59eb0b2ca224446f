/* SPDX-License-Identifier: MIT */
/*
 * The pure half of the UEFI boot stubs, private to src/arch/x86_64/boot/ (efi_map.c): how
 * big the buffer for the EFI memory map and the new boot information must be, the EFI map
 * turned into Multiboot2 tags, GRUB's information rewritten around them, and the GOP mode
 * choice. No firmware call is made here, so it also builds on the host (tests/unit/arch/
 * x86_64/boot/test_efi_*.c). The constants above the C part are shared with the 32-bit
 * entry (efi_entry.S), which sizes the same buffer in assembly.
 */
#ifndef ARCH_BOOT_EFI_MAP_H
#define ARCH_BOOT_EFI_MAP_H

/* Descriptors of room added to the size GetMemoryMap reports: the buffer's own allocation
 * splits a free range (two more), and the firmware may allocate before the map is read. */
#define EFI_MAP_SLACK_DESCRIPTORS 32
/* The EFI map is read this far past the end of GRUB's tags (8-aligned): room for the
 * framebuffer tag and the EFI map tag's header, so efi_build_info moves it down in place. */
#define EFI_MAP_GAP 64
/* Bytes past two map capacities: the Multiboot2 map tag's header, end tag, alignment. */
#define EFI_INFO_EXTRA 32
/* The test knob (kernel command line): start with a buffer of one descriptor, so the
 * first GetMemoryMap into it is refused and the grow-and-retry path runs. */
#define EFI_TINY_MAP_WORD "efi.tiny_map"
/* Tries: buffers grown while the map outgrows them; map keys ExitBootServices refuses. */
#define EFI_GROW_TRIES 8
#define EFI_EBS_TRIES 8

#ifndef __ASSEMBLER__
#include "efi.h"

#define MB2_BOOTLOADER_MAGIC 0x36d76289u
#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_EFI64 12
#define MB2_TAG_EFI_MMAP 17
#define MB2_TAG_EFI_BS 18
#define MB2_TAG_EFI64_IH 20
#define MB2_FB_RGB 1
#define MB2_MEM_AVAILABLE 1
#define MB2_MEM_RESERVED 2
#define MB2_MEM_ACPI 3
#define MB2_MEM_NVS 4
#define MB2_MEM_BAD 5
/* Free RAM by its EFI type that its attributes keep out (efi_desc_mb2_type): reserved to
 * any Multiboot2 reader; lios/bootinfo.h's MEM_EFI_* give the kernel the reason. */
#define MB2_MEM_EFI_SPECIFIC_PURPOSE 0xefffffffu
#define MB2_MEM_EFI_NOT_WB 0xeffffffeu

/* Multiboot2 framebuffer tag (type 8) with the direct-colour fields. */
struct mb2_fb_tag {
	uint32_t type, size;
	uint64_t addr;
	uint32_t pitch, width, height; /* bytes per line, pixels, pixels */
	uint8_t bpp, fb_type;
	uint16_t reserved;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
} __attribute__((packed));

/* Multiboot2 memory map entry (tag 6). */
struct mb2_mmap_entry {
	uint64_t base, length; /* bytes */
	uint32_t type, reserved;
};

static_assert(sizeof(struct mb2_fb_tag) == 38, "Multiboot2 framebuffer tag");
static_assert(sizeof(struct mb2_mmap_entry) == 24, "Multiboot2 map entry");

/* What efi_scan_info found in GRUB's information. */
struct efi_grub_info {
	uint32_t total;        /* total_size, bytes */
	uint64_t system_table; /* tag 12, 0 when absent */
	uint64_t image_handle; /* tag 20, 0 when absent */
	const char *cmdline;   /* tag 1's bytes (not necessarily NUL-terminated) */
	size_t cmdline_len;
	uint32_t fb_width, fb_height; /* GRUB's direct-colour framebuffer, 0 x 0 when none */
};

/* The GOP's modes as efi_choose_mode sees them: query(ctx, i, &info) fills info for mode i
 * and returns false when the firmware does not describe it. */
typedef bool (*efi_mode_query_fn)(void *ctx, uint32_t mode, struct efi_gop_mode_info *info);

void efi_scan_info(const uint8_t *mbi, struct efi_grub_info *out);
bool efi_cmdline_word(const char *s, size_t len, const char *word);
bool efi_cmdline_mode(const char *s, size_t len, uint32_t *w, uint32_t *h);
bool efi_wanted_mode(const struct efi_grub_info *g, uint32_t *w, uint32_t *h);
bool efi_mode_usable(const struct efi_gop_mode_info *m);
uint32_t efi_mode_bpp(const struct efi_gop_mode_info *m);
uint32_t efi_choose_mode(uint32_t current, bool current_ok, uint32_t max_mode,
			 efi_mode_query_fn query, void *ctx, bool want, uint32_t ww, uint32_t wh);
bool efi_fb_tag(const struct efi_gop_mode_info *m, uint64_t base, uint64_t size,
		struct mb2_fb_tag *tag);
uint32_t efi_mb2_type(uint32_t efi_type);
uint32_t efi_desc_mb2_type(uint32_t efi_type, uint64_t attribute);
uint64_t efi_map_capacity(uint64_t reported, uint64_t dsize);
uint64_t efi_map_offset(uint32_t total);
uint64_t efi_info_room(uint32_t total, uint64_t cap);
uint32_t efi_write_mmap_tag(uint8_t *out, const uint8_t *map, uint64_t map_size, uint64_t dsize);
uint32_t efi_build_info(uint8_t *out, const uint8_t *mbi, uint32_t total,
			const struct mb2_fb_tag *fb, uint64_t map_size, uint64_t dsize,
			uint32_t dver);
void efi_copy(void *dst, const void *src, size_t n);

#endif /* __ASSEMBLER__ */
#endif
