// SPDX-License-Identifier: MIT
/*
 * The UEFI boot stub, what Linux's EFI stub does for it: on x86_64 UEFI, GRUB enters the
 * kernel at _start_efi64 (efi_entry.S) in 64-bit mode with boot services still running (the
 * header asks so), so a framebuffer does not depend on what the menu entry told GRUB. The
 * stub finds the graphics output protocol, keeps its mode when it has a framebuffer, or
 * sets the best one (`console.mode=WxH` on the command line chooses), reads the memory map,
 * exits boot services (again with a fresh map key while the firmware refuses the old one),
 * and hands back a new Multiboot2 information: GRUB's tags but its stale map, framebuffer and
 * boot-services tags, plus a framebuffer tag from the GOP, the EFI map (tag 17) and the same
 * map as Multiboot2 regions (tag 6), so the 32-bit entry, the parser and kmain run as on
 * any other boot. It runs on the firmware's identity-mapped page tables and stack, linked
 * at its physical address inside .boot (linker.ld), so it calls nothing outside this file.
 */
#include <arch/memlayout.h>

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

/* Room for the map's growth between sizing it and reading it (our own allocation). */
#define MAP_SLACK_DESCRIPTORS 16
#define EBS_TRIES 8

struct mb2_fb_tag {
	uint32_t type, size;
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp, fb_type;
	uint16_t reserved;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
} __attribute__((packed));

struct mb2_mmap_entry {
	uint64_t base, length;
	uint32_t type, reserved;
};

uint64_t efi_stub_main(uint32_t magic, uint64_t mbi);
uint64_t efi32_finish(uint32_t magic, uint64_t mbi);

static const struct efi_guid gop_guid = {
	0x9042a9de, 0x23dc, 0x4a38, {0x96, 0xfb, 0x7a, 0xde, 0xd0, 0x80, 0x51, 0x6a}};

static void copy_bytes(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
}

static void put32(uint8_t *p, uint32_t v)
{
	copy_bytes(p, &v, sizeof(v));
}

static __attribute__((noreturn)) void halt(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* Says msg (ASCII) on the firmware console, then halts. Boot services only. */
static __attribute__((noreturn)) void fatal(struct efi_system_table *st, const char *msg)
{
	uint16_t buf[128];
	size_t i = 0;

	for (const char *p = "LiOS: UEFI stub: "; *p && i < 64; p++)
		buf[i++] = (uint8_t)*p;
	for (; *msg && i < ARRAY_SIZE(buf) - 3; msg++)
		buf[i++] = (uint8_t)*msg;
	buf[i++] = '\r';
	buf[i++] = '\n';
	buf[i] = 0;
	if (st && st->con_out)
		st->con_out->output_string(st->con_out, buf);
	halt();
}

/* console.mode=WxH anywhere on the command line: true with *w, *h set. */
static bool cmdline_mode(const char *s, size_t len, uint32_t *w, uint32_t *h)
{
	static const char key[] = "console.mode=";

	for (size_t i = 0; i + sizeof(key) - 1 <= len; i++) {
		if (i > 0 && s[i - 1] != ' ')
			continue;
		size_t k = 0;
		while (k < sizeof(key) - 1 && s[i + k] == key[k])
			k++;
		if (k < sizeof(key) - 1)
			continue;
		uint32_t v[2] = {0, 0};
		size_t j = i + k;
		for (int part = 0; part < 2; part++) {
			while (j < len && s[j] >= '0' && s[j] <= '9' && v[part] < 100000)
				v[part] = v[part] * 10 + (uint32_t)(s[j++] - '0');
			if (part == 0 && (j >= len || s[j++] != 'x'))
				return false;
		}
		*w = v[0], *h = v[1];
		return v[0] && v[1];
	}
	return false;
}

/* A mode with a linear framebuffer in a pixel format the console can draw. */
static bool mode_usable(const struct efi_gop_mode_info *m)
{
	return m->width && m->height && m->pixel_format <= EFI_PIXEL_BIT_MASK;
}

static uint32_t mask_pos(uint32_t m)
{
	return m ? (uint32_t)__builtin_ctz(m) : 0;
}

static uint32_t mask_size(uint32_t m)
{
	uint32_t n = 0;

	for (; m; m &= m - 1) /* no libgcc popcount here */
		n++;
	return n;
}

static uint32_t mode_bpp(const struct efi_gop_mode_info *m)
{
	if (m->pixel_format != EFI_PIXEL_BIT_MASK)
		return 32;
	uint32_t all = m->red_mask | m->green_mask | m->blue_mask | m->reserved_mask;
	return all ? ALIGN_UP(32 - (uint32_t)__builtin_clz(all), 8u) : 0;
}

/*
 * The GOP mode to use: WxH when wanted and the firmware offers it; else the current
 * mode when it has a framebuffer; else the largest usable one. Returns the mode number, or
 * the current one when nothing is better.
 */
static uint32_t choose_mode(struct efi_gop *gop, bool want, uint32_t ww, uint32_t wh)
{
	struct efi_gop_mode *gm = gop->mode;
	uint32_t best = gm->mode;
	uint64_t best_area = 0;

	if (!want && gm->info && mode_usable(gm->info) && gm->frame_buffer_base)
		return gm->mode;
	for (uint32_t i = 0; i < gm->max_mode; i++) {
		struct efi_gop_mode_info *info;
		uint64_t size;

		if (gop->query_mode(gop, i, &size, &info) != EFI_SUCCESS || !mode_usable(info))
			continue;
		if (want) {
			if (info->width == ww && info->height == wh)
				return i;
			continue;
		}
		uint64_t area = (uint64_t)info->width * info->height;
		if (area > best_area)
			best = i, best_area = area;
	}
	if (want) /* WxH not offered: the policy without it */
		return choose_mode(gop, false, 0, 0);
	return best;
}

/* Sets up the GOP and describes its framebuffer in *tag; false when there is none. ww x wh:
 * the mode GRUB set for gfxpayload (0 x 0: none), the default choice unless console.mode
 * names another. */
static bool gop_framebuffer(struct efi_boot_services *bs, const char *cmd, size_t cmdlen,
			    uint32_t ww, uint32_t wh, struct mb2_fb_tag *tag)
{
	struct efi_gop *gop = NULL;
	bool want = ww && wh;

	if (bs->locate_protocol(&gop_guid, NULL, (void **)&gop) != EFI_SUCCESS || !gop ||
	    !gop->mode)
		return false;
	if (cmdline_mode(cmd, cmdlen, &ww, &wh))
		want = true;
	uint32_t mode = choose_mode(gop, want, ww, wh);
	/* Set even when it is the current mode: GRUB's video driver, set to another mode and
	 * back, left OVMF's GOP saying 1280x800 while the card showed 800x600. On failure the
	 * current mode is checked below. */
	gop->set_mode(gop, mode);
	struct efi_gop_mode *gm = gop->mode;
	const struct efi_gop_mode_info *m = gm->info;
	if (!m || !mode_usable(m) || !gm->frame_buffer_base || !mode_bpp(m))
		return false;

	tag->type = MB2_TAG_FRAMEBUFFER;
	tag->size = sizeof(*tag);
	tag->addr = gm->frame_buffer_base;
	tag->bpp = (uint8_t)mode_bpp(m);
	tag->pitch = m->pixels_per_scan_line * (tag->bpp / 8);
	tag->width = m->width;
	tag->height = m->height;
	tag->fb_type = MB2_FB_RGB;
	tag->reserved = 0;
	uint32_t r = 0xff, g = 0xff00, b = 0xff0000; /* EFI_PIXEL_RGB_RESERVED_8BIT */
	if (m->pixel_format == EFI_PIXEL_BGR_RESERVED_8BIT)
		r = 0xff0000, b = 0xff;
	else if (m->pixel_format == EFI_PIXEL_BIT_MASK)
		r = m->red_mask, g = m->green_mask, b = m->blue_mask;
	tag->red_pos = (uint8_t)mask_pos(r), tag->red_size = (uint8_t)mask_size(r);
	tag->green_pos = (uint8_t)mask_pos(g), tag->green_size = (uint8_t)mask_size(g);
	tag->blue_pos = (uint8_t)mask_pos(b), tag->blue_size = (uint8_t)mask_size(b);
	return true;
}

/* EFI memory type -> Multiboot2 region type, as GRUB converts it for a kernel. */
static uint32_t mb2_type(uint32_t efi_type)
{
	switch (efi_type) {
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
	case EFI_CONVENTIONAL_MEMORY:
		return MB2_MEM_AVAILABLE;
	case EFI_ACPI_RECLAIM_MEMORY:
		return MB2_MEM_ACPI;
	case EFI_ACPI_MEMORY_NVS:
		return MB2_MEM_NVS;
	case EFI_UNUSABLE_MEMORY:
		return MB2_MEM_BAD;
	default:
		return MB2_MEM_RESERVED;
	}
}

/* Writes the Multiboot2 map tag at out from the EFI map (adjacent equal regions merged);
 * returns the tag's size. */
static uint32_t write_mmap_tag(uint8_t *out, const uint8_t *map, uint64_t map_size,
			       uint64_t dsize)
{
	struct mb2_mmap_entry *e = (struct mb2_mmap_entry *)(out + 16);
	size_t n = 0;

	for (uint64_t off = 0; off + sizeof(struct efi_memory_descriptor) <= map_size;
	     off += dsize) {
		const struct efi_memory_descriptor *d = (const void *)(map + off);
		uint64_t base = d->physical_start, len = d->number_of_pages * EFI_PAGE_SIZE;
		uint32_t type = mb2_type(d->type);

		if (n > 0 && e[n - 1].type == type && e[n - 1].base + e[n - 1].length == base) {
			e[n - 1].length += len;
			continue;
		}
		e[n].base = base, e[n].length = len, e[n].type = type, e[n].reserved = 0;
		n++;
	}
	uint32_t size = (uint32_t)(16 + n * sizeof(*e));
	put32(out, MB2_TAG_MMAP);
	put32(out + 4, size);
	put32(out + 8, sizeof(*e));
	put32(out + 12, 0);
	return size;
}

/* Where the EFI map is read, past room for GRUB's tags and the framebuffer tag, so
 * build_info can move it down into its tag. */
static uint64_t map_offset(uint32_t total)
{
	static_assert(ALIGN_UP(sizeof(struct mb2_fb_tag), 8) + 16 <= 64, "map_offset's room");
	return ALIGN_UP((uint64_t)total, 8ull) + 64; /* also efi_entry.S's EFI32_MAP_OFFSET */
}

/*
 * Writes the new information at out: GRUB's tags (those at mbi, total bytes) but the ones the
 * stub replaces, then fb (when not NULL), the EFI map tag and the Multiboot2 map tag, built
 * from the map_size bytes of EFI map at out + map_offset(total), and the end tag. out has
 * room for map_offset(total) + 2 * map_size + 32 bytes. Returns out's address.
 */
static uint64_t build_info(uint8_t *out, const uint8_t *mbi, uint32_t total,
			   const struct mb2_fb_tag *fb, uint64_t map_size, uint64_t dsize,
			   uint32_t dver)
{
	uint32_t pos = 8;

	for (uint32_t off = 8; off + 8 <= total;) {
		const uint8_t *t = mbi + off;
		uint32_t type, size;

		copy_bytes(&type, t, 4);
		copy_bytes(&size, t + 4, 4);
		if (type == MB2_TAG_END || size < 8 || size > total - off)
			break;
		if (type != MB2_TAG_MMAP && type != MB2_TAG_EFI_MMAP && type != MB2_TAG_EFI_BS &&
		    type != MB2_TAG_BASIC_MEMINFO && !(fb && type == MB2_TAG_FRAMEBUFFER)) {
			copy_bytes(out + pos, t, size);
			pos = ALIGN_UP(pos + size, 8u);
		}
		off = ALIGN_UP(off + size, 8u);
	}
	if (fb) {
		copy_bytes(out + pos, fb, sizeof(*fb));
		pos = ALIGN_UP(pos + (uint32_t)sizeof(*fb), 8u);
	}
	uint8_t *efi_tag = out + pos;
	/* Down from map_offset: a forward copy never overwrites what it has still to read. */
	copy_bytes(efi_tag + 16, out + map_offset(total), map_size);
	put32(efi_tag, MB2_TAG_EFI_MMAP);
	put32(efi_tag + 4, (uint32_t)(16 + map_size));
	put32(efi_tag + 8, (uint32_t)dsize);
	put32(efi_tag + 12, dver);
	pos = ALIGN_UP(pos + 16 + (uint32_t)map_size, 8u);
	pos = ALIGN_UP(pos + write_mmap_tag(out + pos, efi_tag + 16, map_size, dsize), 8u);
	put32(out + pos, MB2_TAG_END);
	put32(out + pos + 4, 8);
	pos += 8;
	put32(out, pos);
	put32(out + 4, 0);
	return (uint64_t)(uintptr_t)out;
}

/*
 * Called by _start_efi64 with GRUB's magic and information (boot services running). Returns
 * the physical address of the new information, below 2 GiB, with boot services exited; halts
 * with a message on the firmware console when it cannot get there.
 */
uint64_t efi_stub_main(uint32_t magic, uint64_t mbi)
{
	struct efi_system_table *st = NULL;
	efi_handle_t image = NULL;
	const char *cmd = "";
	size_t cmdlen = 0;
	uint32_t total, ww = 0, wh = 0;

	if (magic != MB2_BOOTLOADER_MAGIC || !mbi || mbi % 8)
		halt(); /* not GRUB's EFI hand-over: nothing to report on */
	copy_bytes(&total, (void *)mbi, sizeof(total));
	for (uint32_t off = 8; off + 8 <= total;) {
		const uint8_t *t = (const uint8_t *)mbi + off;
		uint32_t type, size;

		copy_bytes(&type, t, 4);
		copy_bytes(&size, t + 4, 4);
		if (type == MB2_TAG_END || size < 8 || size > total - off)
			break;
		if (type == MB2_TAG_EFI64 && size >= 16)
			copy_bytes(&st, t + 8, sizeof(st));
		else if (type == MB2_TAG_EFI64_IH && size >= 16)
			copy_bytes(&image, t + 8, sizeof(image));
		else if (type == MB2_TAG_CMDLINE)
			cmd = (const char *)t + 8, cmdlen = size - 8;
		else if (type == MB2_TAG_FRAMEBUFFER && size >= 32 && t[8 + 21] == MB2_FB_RGB) {
			copy_bytes(&ww, t + 8 + 12, 4); /* the mode gfxpayload made GRUB set */
			copy_bytes(&wh, t + 8 + 16, 4);
		}
		off = ALIGN_UP(off + size, 8u);
	}
	if (!st || !st->boot_services)
		halt();
	if (!image)
		fatal(st, "GRUB passed no image handle");
	struct efi_boot_services *bs = st->boot_services;

	struct mb2_fb_tag fb;
	bool have_fb = gop_framebuffer(bs, cmd, cmdlen, ww, wh, &fb);

	uint64_t map_size = 0, key, dsize = 0;
	uint32_t dver;
	if (bs->get_memory_map(&map_size, NULL, &key, &dsize, &dver) != EFI_BUFFER_TOO_SMALL ||
	    dsize < sizeof(struct efi_memory_descriptor))
		fatal(st, "GetMemoryMap gives no size");
	uint64_t cap = map_size + MAP_SLACK_DESCRIPTORS * dsize;
	uint64_t need = map_offset(total) + 2 * cap + 32;
	uint64_t buf = DIRECT_MAP_SIZE - 1; /* highest address allowed */
	if (bs->allocate_pages(EFI_ALLOCATE_MAX_ADDRESS, EFI_LOADER_DATA,
			       ALIGN_UP(need, (uint64_t)EFI_PAGE_SIZE) / EFI_PAGE_SIZE,
			       &buf) != EFI_SUCCESS)
		fatal(st, "no memory below 2 GiB for the boot information");

	/* From the first ExitBootServices call on, only GetMemoryMap and ExitBootServices may be
	 * called (UEFI 2.9, 7.4). */
	uint8_t *map = (uint8_t *)buf + map_offset(total);
	efi_status_t s = EFI_INVALID_PARAMETER;
	for (int tries = 0; tries < EBS_TRIES && s == EFI_INVALID_PARAMETER; tries++) {
		map_size = cap;
		if (bs->get_memory_map(&map_size, map, &key, &dsize, &dver) != EFI_SUCCESS) {
			if (tries == 0)
				fatal(st, "GetMemoryMap failed");
			halt();
		}
		s = bs->exit_boot_services(image, key);
	}
	if (s != EFI_SUCCESS)
		halt(); /* boot services may be half gone: nothing left to print with */
	__asm__ volatile("cli");
	return build_info((uint8_t *)buf, (const uint8_t *)mbi, total, have_fb ? &fb : NULL,
			  map_size, dsize, dver);
}

/* Left by efi32_exit_boot_services (efi_entry.S) when it ended boot services for GRUB
 * i386-efi: the buffer it allocated (below 1 GiB) and the EFI map it read into it. */
extern uint32_t efi32_done, efi32_buf, efi32_map_size, efi32_desc_size, efi32_desc_version;

/*
 * Called by kentry64 (entry.S) while the early identity map of the low GiB and of the
 * information exists: after a 32-bit UEFI boot whose boot services efi32_exit_boot_services
 * ended, returns the new information with the EFI map in it; otherwise mbi unchanged.
 */
uint64_t efi32_finish(uint32_t magic, uint64_t mbi)
{
	uint32_t total;

	if (!efi32_done || magic != MB2_BOOTLOADER_MAGIC)
		return mbi;
	copy_bytes(&total, (void *)mbi, sizeof(total));
	return build_info((uint8_t *)(uintptr_t)efi32_buf, (const uint8_t *)mbi, total, NULL,
			  efi32_map_size, efi32_desc_size, efi32_desc_version);
}
