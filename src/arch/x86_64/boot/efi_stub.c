// SPDX-License-Identifier: MIT
/*
 * The UEFI boot stub, what Linux's EFI stub does for it: on x86_64 UEFI, GRUB enters the
 * kernel at _start_efi64 (efi_entry.S) in 64-bit mode with boot services still running (the
 * header asks so), so a framebuffer does not depend on what the menu entry told GRUB. The
 * stub finds the graphics output protocol, keeps its mode when it has a framebuffer, or
 * sets the best one (`console.mode=WxH` on the command line chooses), reads the memory map
 * into a buffer sized from what GetMemoryMap reports (grown while the map outgrows it),
 * exits boot services (again with a fresh map key while the firmware refuses the old one),
 * and hands back a new Multiboot2 information written over that buffer by efi_map.c, so the
 * 32-bit entry, the parser and kmain run as on any other boot. Every failure is said on the
 * firmware console before the stub halts. It runs on the firmware's identity-mapped page
 * tables and stack, linked at its physical address inside .boot (linker.ld), so it calls
 * nothing outside this file and efi_map.c. The firmware calls live here; efi_entry.S makes
 * the same ones for GRUB i386-efi, and efi32_finish below completes that path.
 */
#include <arch/memlayout.h>

#include "efi_map.h"

uint64_t efi_stub_main(uint32_t magic, uint64_t mbi);
uint64_t efi32_finish(uint32_t magic, uint64_t mbi);

static const struct efi_guid gop_guid = {
	0x9042a9de, 0x23dc, 0x4a38, { 0x96, 0xfb, 0x7a, 0xde, 0xd0, 0x80, 0x51, 0x6a }
};

/* The buffer holding the EFI map and, after efi_build_info, the new information. */
struct map_buffer {
	uint8_t *buf;
	uint64_t size;  /* bytes of EFI map read */
	uint64_t dsize; /* bytes per descriptor */
	uint32_t dver;
};

static __attribute__((noreturn)) void halt(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* Writes v in base 10 or 16 (with 0x) at buf as UCS-2; returns the characters written. */
static size_t put_number(uint16_t *buf, uint64_t v, unsigned base)
{
	char digits[20];
	size_t n = 0, i = 0;

	do
		digits[n++] = "0123456789abcdef"[v % base];
	while ((v /= base) && n < sizeof(digits));
	if (base == 16)
		buf[i++] = '0', buf[i++] = 'x';
	while (n)
		buf[i++] = (uint8_t)digits[--n];
	return i;
}

/*
 * Says "LiOS: UEFI stub: " and fmt (ASCII; %u and %x stand for a then b, in decimal and
 * hexadecimal) on the firmware console. Boot services only (after a refused
 * ExitBootServices it is a last try: the console may already be gone).
 */
static void say(struct efi_system_table *st, const char *fmt, uint64_t a, uint64_t b)
{
	uint16_t buf[200];
	uint64_t args[2] = { a, b };
	size_t i = 0, next = 0;

	for (const char *p = "LiOS: UEFI stub: "; *p; p++)
		buf[i++] = (uint8_t)*p;
	for (const char *p = fmt; *p && i + 24 < ARRAY_SIZE(buf); p++) {
		if (p[0] == '%' && (p[1] == 'u' || p[1] == 'x') && next < 2) {
			i += put_number(buf + i, args[next++], p[1] == 'x' ? 16 : 10);
			p++;
		} else {
			buf[i++] = (uint8_t)*p;
		}
	}
	buf[i++] = '\r';
	buf[i++] = '\n';
	buf[i] = 0;
	if (st && st->con_out)
		st->con_out->output_string(st->con_out, buf);
}

static __attribute__((noreturn)) void fatal(struct efi_system_table *st, const char *fmt,
					    uint64_t a, uint64_t b)
{
	say(st, fmt, a, b);
	say(st, "halted.", 0, 0);
	halt();
}

/* efi_choose_mode's view of the GOP: QueryMode's answer copied out. */
static bool gop_query(void *ctx, uint32_t mode, struct efi_gop_mode_info *out)
{
	struct efi_gop *gop = ctx;
	struct efi_gop_mode_info *info = NULL;
	uint64_t size = 0;

	if (gop->query_mode(gop, mode, &size, &info) != EFI_SUCCESS || !info || size < sizeof(*out))
		return false;
	efi_copy(out, info, sizeof(*out));
	return true;
}

/* Sets up the GOP and describes its framebuffer in *tag; false when there is none. The mode
 * GRUB set for gfxpayload (g->fb_width x g->fb_height, 0 x 0: none) is the default choice
 * unless console.mode names another. */
static bool gop_framebuffer(struct efi_boot_services *bs, const struct efi_grub_info *g,
			    struct mb2_fb_tag *tag)
{
	struct efi_gop *gop = NULL;
	uint32_t ww, wh;
	bool want = efi_wanted_mode(g, &ww, &wh);

	if (bs->locate_protocol(&gop_guid, NULL, (void **)&gop) != EFI_SUCCESS || !gop ||
	    !gop->mode)
		return false;
	struct efi_gop_mode *gm = gop->mode;
	bool current_ok = gm->info && efi_mode_usable(gm->info) && gm->frame_buffer_base;
	uint32_t mode =
		efi_choose_mode(gm->mode, current_ok, gm->max_mode, gop_query, gop, want, ww, wh);
	/* Set even when it is the current mode: GRUB's video driver, set to another mode and
	 * back, left OVMF's GOP saying 1280x800 while the card showed 800x600. On failure the
	 * current mode is checked below. */
	gop->set_mode(gop, mode);
	gm = gop->mode;
	return gm->info && efi_fb_tag(gm->info, gm->frame_buffer_base, gm->frame_buffer_size, tag);
}

/* A map GetMemoryMap reported good must fit the buffer it was given, in descriptors at least
 * as large as the structure (the size is reported again by every call): else halt, saying
 * so, rather than read past the buffer or loop on 0-byte descriptors. */
static void check_map_result(struct efi_system_table *st, uint64_t size, uint64_t cap,
			     uint64_t dsize)
{
	if (size > cap || dsize < sizeof(struct efi_memory_descriptor))
		fatal(st, "GetMemoryMap returned %u bytes of %u-byte descriptors", size, dsize);
}

/*
 * Reads the EFI memory map into a buffer below 2 GiB from AllocatePages (loader data: free
 * RAM for the kernel, which reserves only the information written into it), sized from the
 * size GetMemoryMap reports plus slack (one descriptor when tiny, the test knob), freed and
 * allocated again while the map outgrows it; then exits boot services with the map's key,
 * reading the map again into the same buffer while the firmware refuses the key. Fills *out;
 * halts with a message on the firmware console when any step fails.
 */
static void read_map_and_exit(struct efi_system_table *st, efi_handle_t image, uint32_t total,
			      bool tiny, struct map_buffer *out)
{
	struct efi_boot_services *bs = st->boot_services;
	uint64_t size = 0, key = 0, dsize = 0, buf = 0, pages = 0;
	uint32_t dver = 0;
	uint8_t *map = NULL;

	efi_status_t s = bs->get_memory_map(&size, NULL, &key, &dsize, &dver);
	if (s != EFI_BUFFER_TOO_SMALL || dsize < sizeof(struct efi_memory_descriptor))
		fatal(st, "GetMemoryMap gives no size (status %x, descriptor %u bytes)", s, dsize);
	uint64_t cap = tiny ? dsize : efi_map_capacity(size, dsize);
	for (int grown = 0;; grown++) {
		pages = ALIGN_UP(efi_info_room(total, cap), (uint64_t)EFI_PAGE_SIZE) /
			EFI_PAGE_SIZE;
		buf = DIRECT_MAP_SIZE - 1; /* highest address allowed */
		s = bs->allocate_pages(EFI_ALLOCATE_MAX_ADDRESS, EFI_LOADER_DATA, pages, &buf);
		if (s != EFI_SUCCESS)
			fatal(st, "no %u KiB below 2 GiB for the memory map (status %x)", pages * 4,
			      s);
		map = (uint8_t *)(uintptr_t)buf + efi_map_offset(total);
		size = cap;
		s = bs->get_memory_map(&size, map, &key, &dsize, &dver);
		if (s == EFI_SUCCESS) {
			check_map_result(st, size, cap, dsize);
			break;
		}
		if (s != EFI_BUFFER_TOO_SMALL)
			fatal(st, "GetMemoryMap failed (status %x)", s, 0);
		bs->free_pages(buf, pages);
		if (grown + 1 == EFI_GROW_TRIES)
			fatal(st, "the memory map (%u bytes) keeps outgrowing its buffer", size, 0);
		say(st, "memory map of %u bytes outgrew its buffer of %u: retrying", size, cap);
		cap = efi_map_capacity(size, dsize);
	}
	/* From the first ExitBootServices call on, only GetMemoryMap and ExitBootServices may be
	 * called (UEFI 2.9, 7.4): a message after it is a last try. */
	for (int tries = 1;; tries++) {
		s = bs->exit_boot_services(image, key);
		if (s == EFI_SUCCESS)
			break;
		if (s != EFI_INVALID_PARAMETER)
			fatal(st, "ExitBootServices failed (status %x)", s, 0);
		if (tries == EFI_EBS_TRIES)
			fatal(st, "ExitBootServices refused %u map keys", tries, 0);
		size = cap;
		s = bs->get_memory_map(&size, map, &key, &dsize, &dver);
		if (s != EFI_SUCCESS)
			fatal(st,
			      "GetMemoryMap failed after ExitBootServices (status %x, %u bytes)", s,
			      size);
		check_map_result(st, size, cap, dsize);
	}
	*out = (struct map_buffer){ (uint8_t *)(uintptr_t)buf, size, dsize, dver };
}

/*
 * Called by _start_efi64 with GRUB's magic and information (boot services running). Returns
 * the physical address of the new information, below 2 GiB, with boot services exited; halts
 * with a message on the firmware console when it cannot get there.
 */
uint64_t efi_stub_main(uint32_t magic, uint64_t mbi)
{
	struct efi_grub_info g;
	struct map_buffer m;
	struct mb2_fb_tag fb;

	if (magic != MB2_BOOTLOADER_MAGIC || !mbi || mbi % 8)
		halt(); /* not GRUB's EFI hand-over: no console to report on */
	efi_scan_info((const uint8_t *)(uintptr_t)mbi, &g);
	struct efi_system_table *st = (struct efi_system_table *)(uintptr_t)g.system_table;
	if (!st)
		halt(); /* GRUB x86_64-efi always passes it: no console to report on */
	if (!st->boot_services)
		fatal(st, "the system table has no boot services", 0, 0);
	if (!g.image_handle)
		fatal(st, "GRUB passed no image handle", 0, 0);

	bool have_fb = gop_framebuffer(st->boot_services, &g, &fb);
	read_map_and_exit(st, (efi_handle_t)(uintptr_t)g.image_handle, g.total,
			  efi_cmdline_word(g.cmdline, g.cmdline_len, EFI_TINY_MAP_WORD), &m);
	__asm__ volatile("cli");
	efi_build_info(m.buf, (const uint8_t *)(uintptr_t)mbi, g.total, have_fb ? &fb : NULL,
		       m.size, m.dsize, m.dver);
	return (uint64_t)(uintptr_t)m.buf;
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
	efi_copy(&total, (void *)(uintptr_t)mbi, sizeof(total));
	efi_build_info((uint8_t *)(uintptr_t)efi32_buf, (const uint8_t *)(uintptr_t)mbi, total,
		       NULL, efi32_map_size, efi32_desc_size, efi32_desc_version);
	return efi32_buf;
}
