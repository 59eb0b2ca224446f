// SPDX-License-Identifier: MIT
/*
 * The pure half of the UEFI boot stubs: no firmware call, so it builds for the host too
 * (tests/unit/arch/x86_64/boot/test_efi_*.c) and the stubs keep only the calls. It reads
 * GRUB's information (efi_scan_info), sizes the one buffer that holds the EFI memory map and
 * the new information (efi_map_capacity, efi_info_room), turns the EFI map into a Multiboot2
 * map (efi_mb2_type, efi_write_mmap_tag), writes the new information over that buffer
 * (efi_build_info), and chooses and describes a GOP mode (efi_choose_mode, efi_fb_tag). In
 * the kernel it runs before the kernel's paging, linked low with efi_stub.c (linker.ld), on
 * the firmware's or the 32-bit entry's identity map: it calls nothing outside this file,
 * not even memcpy. The buffer's layout, which efi_entry.S computes too:
 *
 *   0 .. ALIGN8(total)           the new information's copy of GRUB's tags
 *   .. + EFI_MAP_GAP             the framebuffer tag and the EFI map tag's header
 *   efi_map_offset(total)        the EFI map as GetMemoryMap wrote it (cap bytes)
 *   .. efi_info_room(total, cap) the moved map, the Multiboot2 map and the end tag
 */
#include <lios/bootinfo.h>
#include "efi_map.h"

static_assert(MB2_MEM_EFI_SPECIFIC_PURPOSE == MEM_EFI_SPECIFIC_PURPOSE, "the kernel's name");
static_assert(MB2_MEM_EFI_NOT_WB == MEM_EFI_NOT_WB, "the kernel's name");

/* Byte copy, forward: safe for overlapping ranges when dst <= src. */
void efi_copy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
}

static void put32(uint8_t *p, uint32_t v) { efi_copy(p, &v, sizeof(v)); }

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	efi_copy(&v, p, sizeof(v));
	return v;
}

/*
 * Reads what the stubs need from GRUB's information at mbi (8-byte aligned, total_size bytes
 * readable): system table, image handle, command line, the mode of GRUB's framebuffer. The
 * walk stops at the end tag or at the first tag that does not fit. Pure.
 */
void efi_scan_info(const uint8_t *mbi, struct efi_grub_info *out)
{
	*out = (struct efi_grub_info){ .total = get32(mbi), .cmdline = "" };
	for (uint32_t off = 8; off + 8 <= out->total;) {
		const uint8_t *t = mbi + off;
		uint32_t type = get32(t), size = get32(t + 4);

		if (type == MB2_TAG_END || size < 8 || size > out->total - off)
			break;
		if (type == MB2_TAG_EFI64 && size >= 16)
			efi_copy(&out->system_table, t + 8, 8);
		else if (type == MB2_TAG_EFI64_IH && size >= 16)
			efi_copy(&out->image_handle, t + 8, 8);
		else if (type == MB2_TAG_CMDLINE)
			out->cmdline = (const char *)t + 8, out->cmdline_len = size - 8;
		else if (type == MB2_TAG_FRAMEBUFFER && size >= 30 && t[8 + 21] == MB2_FB_RGB) {
			out->fb_width = get32(t + 8 + 12); /* the mode gfxpayload made GRUB set */
			out->fb_height = get32(t + 8 + 16);
		}
		off = ALIGN_UP(off + size, 8u);
	}
}

/* Length of s up to its NUL or len. */
static size_t text_len(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && s[n])
		n++;
	return n;
}

/* Offset of the first word of s (len bytes, words between spaces) at or after from that
 * starts with key, or len when none does; *keylen = key's length. */
static size_t find_word(const char *s, size_t len, size_t from, const char *key, size_t *keylen)
{
	size_t k = text_len(key, (size_t)-1);

	*keylen = k;
	for (size_t i = from; i + k <= len; i++) {
		if (i > 0 && s[i - 1] != ' ')
			continue;
		size_t j = 0;
		while (j < k && s[i + j] == key[j])
			j++;
		if (j == k)
			return i;
	}
	return len;
}

/* True when the command line s (len bytes, NUL-terminated or not) holds the word word. */
bool efi_cmdline_word(const char *s, size_t len, const char *word)
{
	size_t k;

	len = text_len(s, len);
	for (size_t i = find_word(s, len, 0, word, &k); i < len;
	     i = find_word(s, len, i + 1, word, &k)) {
		if (i + k == len || s[i + k] == ' ')
			return true;
	}
	return false;
}

/* console.mode=WxH on the command line s (len bytes): true with *w, *h set, both nonzero
 * and the word nothing more (cmdline_check names a malformed one in the kernel's log).
 * Given twice, the last word counts, as the kernel reads every option (cmdline.c). */
bool efi_cmdline_mode(const char *s, size_t len, uint32_t *w, uint32_t *h)
{
	size_t k, j;

	len = text_len(s, len);
	j = len;
	for (size_t i = find_word(s, len, 0, "console.mode=", &k); i < len;
	     i = find_word(s, len, i + 1, "console.mode=", &k))
		j = i;
	if (j >= len)
		return false;
	uint32_t v[2] = { 0, 0 };
	j += k;
	for (int part = 0; part < 2; part++) {
		while (j < len && s[j] >= '0' && s[j] <= '9' && v[part] < 100000)
			v[part] = v[part] * 10 + (uint32_t)(s[j++] - '0');
		if (part == 0 && (j >= len || s[j++] != 'x'))
			return false;
	}
	if (j < len && s[j] != ' ')
		return false; /* "1024x768junk", or more digits than a size has: not a mode */
	*w = v[0], *h = v[1];
	return v[0] && v[1];
}

/*
 * The mode size wanted of the GOP, in *w x *h: console.mode=WxH on the command line, else
 * the mode GRUB set for gfxpayload. False (nothing wanted) when neither names one. Pure.
 */
bool efi_wanted_mode(const struct efi_grub_info *g, uint32_t *w, uint32_t *h)
{
	if (efi_cmdline_mode(g->cmdline, g->cmdline_len, w, h))
		return true;
	*w = g->fb_width, *h = g->fb_height;
	return *w && *h;
}

static uint32_t mask_pos(uint32_t m) { return m ? (uint32_t)__builtin_ctz(m) : 0; }

static uint32_t mask_size(uint32_t m)
{
	uint32_t n = 0;

	for (; m; m &= m - 1) /* no libgcc popcount in the kernel */
		n++;
	return n;
}

/* One run of set bits. */
static bool mask_ok(uint32_t m)
{
	if (!m)
		return false;
	m >>= mask_pos(m);
	return (m & (m + 1)) == 0;
}

/*
 * Bits per pixel of mode m: 32 for the two 8-bit formats, the bytes the masks span (x 8)
 * for EFI_PIXEL_BIT_MASK, 0 when its masks are all zero. Pure.
 */
uint32_t efi_mode_bpp(const struct efi_gop_mode_info *m)
{
	if (m->pixel_format != EFI_PIXEL_BIT_MASK)
		return 32;
	uint32_t all = m->red_mask | m->green_mask | m->blue_mask | m->reserved_mask;
	return all ? ALIGN_UP(32 - (uint32_t)__builtin_clz(all), 8u) : 0;
}

/*
 * True when mode m has a linear framebuffer the console can draw: a size, a scan line at
 * least as wide, and 8-bit RGB or BGR, or bit masks that are each one run of bits, disjoint,
 * at least 16 bits per pixel. Block-transfer-only modes (no framebuffer) are refused. Pure.
 */
bool efi_mode_usable(const struct efi_gop_mode_info *m)
{
	if (!m->width || !m->height || m->pixels_per_scan_line < m->width)
		return false;
	if (m->pixel_format == EFI_PIXEL_RGB_RESERVED_8BIT ||
	    m->pixel_format == EFI_PIXEL_BGR_RESERVED_8BIT)
		return true;
	if (m->pixel_format != EFI_PIXEL_BIT_MASK)
		return false;
	uint32_t r = m->red_mask, g = m->green_mask, b = m->blue_mask, x = m->reserved_mask;
	if (!mask_ok(r) || !mask_ok(g) || !mask_ok(b) || (x && !mask_ok(x)))
		return false;
	if ((r & g) || (r & b) || (g & b) || ((r | g | b) & x))
		return false;
	return efi_mode_bpp(m) >= 16;
}

/*
 * The GOP mode to use, of max_mode modes read through query: WxH when want and a usable
 * mode has that size; else current when current_ok (it has a usable framebuffer); else the
 * usable mode of the largest area (the first of equals). Returns current when no mode is
 * usable. Pure but for query.
 */
uint32_t efi_choose_mode(uint32_t current, bool current_ok, uint32_t max_mode,
			 efi_mode_query_fn query, void *ctx, bool want, uint32_t ww, uint32_t wh)
{
	uint32_t best = current;
	uint64_t best_area = 0;

	if (!want && current_ok)
		return current;
	for (uint32_t i = 0; i < max_mode; i++) {
		struct efi_gop_mode_info info;

		if (!query(ctx, i, &info) || !efi_mode_usable(&info))
			continue;
		if (want) {
			if (info.width == ww && info.height == wh)
				return i;
			continue;
		}
		uint64_t area = (uint64_t)info.width * info.height;
		if (area > best_area)
			best = i, best_area = area;
	}
	if (want) /* WxH not offered: the policy without it */
		return efi_choose_mode(current, current_ok, max_mode, query, ctx, false, 0, 0);
	return best;
}

/*
 * Describes mode m with its framebuffer at base, size bytes long (GOP's FrameBufferSize; 0
 * when unknown), as a Multiboot2 framebuffer tag in *tag. A mode whose rows do not all fit
 * in size keeps only the rows that do (nothing is drawn past the memory the firmware owns).
 * Returns false (tag untouched) when the mode is not usable, has no framebuffer, or not
 * one whole row fits. Pure.
 */
bool efi_fb_tag(const struct efi_gop_mode_info *m, uint64_t base, uint64_t size,
		struct mb2_fb_tag *tag)
{
	uint64_t pitch;

	if (!base || !efi_mode_usable(m))
		return false;
	pitch = (uint64_t)m->pixels_per_scan_line * (efi_mode_bpp(m) / 8);
	if (size && size / pitch == 0)
		return false;
	uint32_t r = 0xff, g = 0xff00, b = 0xff0000; /* EFI_PIXEL_RGB_RESERVED_8BIT */
	if (m->pixel_format == EFI_PIXEL_BGR_RESERVED_8BIT)
		r = 0xff0000, b = 0xff;
	else if (m->pixel_format == EFI_PIXEL_BIT_MASK)
		r = m->red_mask, g = m->green_mask, b = m->blue_mask;
	*tag = (struct mb2_fb_tag){
		.type = MB2_TAG_FRAMEBUFFER,
		.size = sizeof(*tag),
		.addr = base,
		.bpp = (uint8_t)efi_mode_bpp(m),
		.width = m->width,
		.height = m->height,
		.fb_type = MB2_FB_RGB,
		.red_pos = (uint8_t)mask_pos(r),
		.red_size = (uint8_t)mask_size(r),
		.green_pos = (uint8_t)mask_pos(g),
		.green_size = (uint8_t)mask_size(g),
		.blue_pos = (uint8_t)mask_pos(b),
		.blue_size = (uint8_t)mask_size(b),
	};
	tag->pitch = (uint32_t)pitch;
	if (size && size / pitch < tag->height)
		tag->height = (uint32_t)(size / pitch);
	return true;
}

/*
 * EFI memory type -> Multiboot2 region type, after ExitBootServices: loader and boot-services
 * memory and conventional memory are free RAM; ACPI reclaim and NVS keep their meaning;
 * unusable memory is bad; runtime services, MMIO, PAL code, persistent memory (not RAM to
 * allocate from), unaccepted memory and unknown types are reserved. Pure.
 */
uint32_t efi_mb2_type(uint32_t efi_type)
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

/*
 * Multiboot2 region type of a descriptor of type efi_type with the Attribute attribute:
 * efi_mb2_type's, except that what that calls free RAM stays out of the usable map when
 * its attributes say it is no general RAM (UEFI 2.10, 7.2.3 GetMemoryMap(), "Memory
 * Attribute Definitions"):
 * - EFI_MEMORY_RUNTIME: the firmware's runtime services need it; it is the firmware's, as
 *   runtime code and data are (plain reserved).
 * - EFI_MEMORY_SP (UEFI 2.8+): set aside for a specific purpose (high-bandwidth or CXL
 *   memory, a device's or an application's); an OS that takes it for its own data defeats
 *   that purpose and may put unmovable pages in slow or removable memory.
 * - no EFI_MEMORY_WB: it cannot be cached write-back, and the kernel maps all RAM it
 *   allocates from (the direct map) write-back.
 * The last two get types of their own, reserved to every Multiboot2 reader (its
 * specification treats every type but 1, 3, 4 and 5 as reserved), that LiOS names in its
 * log. Reserved is the safe side of each doubt: memory lost, never memory misused. Pure.
 */
uint32_t efi_desc_mb2_type(uint32_t efi_type, uint64_t attribute)
{
	uint32_t type = efi_mb2_type(efi_type);

	if (type != MB2_MEM_AVAILABLE)
		return type;
	if (attribute & EFI_MEMORY_RUNTIME)
		return MB2_MEM_RESERVED;
	if (attribute & EFI_MEMORY_SP)
		return MB2_MEM_EFI_SPECIFIC_PURPOSE;
	if (!(attribute & EFI_MEMORY_WB))
		return MB2_MEM_EFI_NOT_WB;
	return type;
}

/* Bytes of map buffer for a map GetMemoryMap reported as reported bytes of dsize-byte
 * descriptors: that plus EFI_MAP_SLACK_DESCRIPTORS more. Pure. */
uint64_t efi_map_capacity(uint64_t reported, uint64_t dsize)
{
	return reported + EFI_MAP_SLACK_DESCRIPTORS * dsize;
}

/* Where in the buffer the EFI map is read, for GRUB's information of total bytes. Pure. */
uint64_t efi_map_offset(uint32_t total)
{
	static_assert(ALIGN_UP(sizeof(struct mb2_fb_tag), 8) + 16 <= EFI_MAP_GAP, "the gap");
	return ALIGN_UP((uint64_t)total, 8ull) + EFI_MAP_GAP;
}

/* Bytes of the buffer for GRUB's information of total bytes and a map of up to cap bytes
 * (whatever its descriptor size, at least 40): what efi_build_info may write. Pure. */
uint64_t efi_info_room(uint32_t total, uint64_t cap)
{
	return efi_map_offset(total) + 2 * cap + EFI_INFO_EXTRA;
}

/*
 * Writes a Multiboot2 map tag at out (8-byte aligned) from the EFI map (map_size bytes of
 * dsize-byte descriptors, any alignment): one entry per descriptor, of the type its type
 * and attributes give (efi_desc_mb2_type), adjacent descriptors of the same resulting type
 * merged, empty ones left out. A descriptor size below the structure's (a firmware that
 * changed it between calls) gives no entries: the kernel then reports a map without usable
 * memory instead of this loop never ending. Returns the tag's size: at most 16 + 24 per
 * descriptor. Pure.
 */
uint32_t efi_write_mmap_tag(uint8_t *out, const uint8_t *map, uint64_t map_size, uint64_t dsize)
{
	struct mb2_mmap_entry *e = (struct mb2_mmap_entry *)(out + 16);
	size_t n = 0;

	if (dsize < sizeof(struct efi_memory_descriptor))
		map_size = 0;
	for (uint64_t off = 0; off + sizeof(struct efi_memory_descriptor) <= map_size;
	     off += dsize) {
		struct efi_memory_descriptor d;

		efi_copy(&d, map + off, sizeof(d));
		if (!d.number_of_pages ||
		    d.number_of_pages > (UINT64_MAX - d.physical_start) / EFI_PAGE_SIZE)
			continue;
		uint64_t base = d.physical_start, len = d.number_of_pages * EFI_PAGE_SIZE;
		uint32_t type = efi_desc_mb2_type(d.type, d.attribute);

		if (n > 0 && e[n - 1].type == type && e[n - 1].base + e[n - 1].length == base) {
			e[n - 1].length += len;
			continue;
		}
		e[n] = (struct mb2_mmap_entry){ .base = base, .length = len, .type = type };
		n++;
	}
	uint32_t size = (uint32_t)(16 + n * sizeof(*e));
	put32(out, MB2_TAG_MMAP);
	put32(out + 4, size);
	put32(out + 8, sizeof(*e));
	put32(out + 12, 0);
	return size;
}

/* Tags the new information does not take from GRUB: the stale maps, the boot-services
 * tag (they are over), and GRUB's framebuffer when the stub describes the GOP's. */
static bool replaced(uint32_t type, bool have_fb)
{
	return type == MB2_TAG_MMAP || type == MB2_TAG_EFI_MMAP || type == MB2_TAG_EFI_BS ||
	       type == MB2_TAG_BASIC_MEMINFO || (have_fb && type == MB2_TAG_FRAMEBUFFER);
}

/*
 * Writes the new information at out (8-byte aligned): GRUB's tags (those at mbi, total bytes)
 * but the replaced ones, then fb (when not NULL), the EFI map tag and the Multiboot2 map tag,
 * built from the map_size bytes of EFI map at out + efi_map_offset(total), and the end tag.
 * out has efi_info_room(total, map_size) bytes; nothing beyond is touched. Returns the new
 * information's total_size. Pure.
 */
uint32_t efi_build_info(uint8_t *out, const uint8_t *mbi, uint32_t total,
			const struct mb2_fb_tag *fb, uint64_t map_size, uint64_t dsize,
			uint32_t dver)
{
	uint32_t pos = 8;

	for (uint32_t off = 8; off + 8 <= total;) {
		const uint8_t *t = mbi + off;
		uint32_t type = get32(t), size = get32(t + 4);

		if (type == MB2_TAG_END || size < 8 || size > total - off)
			break;
		if (!replaced(type, fb != NULL)) {
			efi_copy(out + pos, t, size);
			pos = ALIGN_UP(pos + size, 8u);
		}
		off = ALIGN_UP(off + size, 8u);
	}
	if (fb) {
		efi_copy(out + pos, fb, sizeof(*fb));
		pos = ALIGN_UP(pos + (uint32_t)sizeof(*fb), 8u);
	}
	uint8_t *efi_tag = out + pos;
	/* Down from the map offset: a forward copy never overwrites what it has still to read. */
	efi_copy(efi_tag + 16, out + efi_map_offset(total), map_size);
	put32(efi_tag, MB2_TAG_EFI_MMAP);
	put32(efi_tag + 4, (uint32_t)(16 + map_size));
	put32(efi_tag + 8, (uint32_t)dsize);
	put32(efi_tag + 12, dver);
	pos = ALIGN_UP(pos + 16 + (uint32_t)map_size, 8u);
	pos = ALIGN_UP(pos + efi_write_mmap_tag(out + pos, efi_tag + 16, map_size, dsize), 8u);
	put32(out + pos, MB2_TAG_END);
	put32(out + pos + 4, 8);
	pos += 8;
	put32(out, pos);
	put32(out + 4, 0);
	return pos;
}
