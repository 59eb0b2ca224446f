// SPDX-License-Identifier: MIT
/*
 * The Multiboot2 parser: the only code that knows Multiboot2's layout. It walks the tags
 * of the boot information and copies what the kernel needs into struct bootinfo, one small
 * handler per tag. It trusts nothing: every read is checked against total_size and the
 * bytes actually available, tags must be 8-byte aligned and at least 8 bytes long, entry
 * sizes are honoured, unknown tags are skipped, and the walk must end at an end tag.
 */
#include <lios/bootinfo.h>
#include <lios/compiler.h>
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/string.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289u

enum mb2_tag_type {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_LOADER_NAME = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_BASIC_MEMINFO = 4,
	MB2_TAG_MMAP = 6,
	MB2_TAG_FRAMEBUFFER = 8,
	MB2_TAG_EFI32 = 11,
	MB2_TAG_EFI64 = 12,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
	MB2_TAG_EFI_MMAP = 17,
	MB2_TAG_EFI_BS = 18,
	MB2_TAG_EFI32_IH = 19,
	MB2_TAG_EFI64_IH = 20,
	/* Not Multiboot2's: the bytes a rewritten map tag no longer uses (tag_mmap). A type
	 * far above the specification's, skipped like every unknown tag. */
	LIOS_TAG_FREED = 0x4c694f53,
};

struct mb2_info_header {
	uint32_t total_size;
	uint32_t reserved;
};

struct mb2_tag {
	uint32_t type;
	uint32_t size; /* bytes, including this header, excluding padding */
};

struct mb2_mmap_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type;
	uint32_t reserved;
};

struct mb2_fb_common {
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp, type;
	uint16_t reserved;
};

static_assert(sizeof(struct mb2_tag) == 8, "Multiboot2 tag header");
static_assert(sizeof(struct mb2_mmap_entry) == 24, "Multiboot2 mmap entry");
static_assert(sizeof(struct mem_region) == sizeof(struct mb2_mmap_entry),
	      "the map is rewritten in place: a region must not be larger than an entry");
static_assert(sizeof(struct mb2_fb_common) == 24, "Multiboot2 framebuffer tag body");
static_assert(sizeof(struct fb_color) == 3, "a Multiboot2 palette entry is 3 bytes");

#define MB2_FB_INDEXED 0
#define MB2_FB_RGB 1
#define MB2_FB_EGA_TEXT 2

/* A tag's payload: the bytes after its 8-byte header. */
struct payload {
	const uint8_t *p;
	size_t len;
};

static void copy_string(char *dst, size_t size, struct payload pl)
{
	size_t n = strnlen((const char *)pl.p, pl.len);

	if (n >= size)
		n = size - 1;
	memcpy(dst, pl.p, n);
	dst[n] = '\0';
}

/*
 * The command line: like copy_string, but a line longer than bi->cmdline keeps only the
 * words that fit whole. A word cut at the buffer's end would be another, valid-looking one
 * (heap.trace=0000000000000012 cut to heap.trace=00000000); cmdline_set cannot tell, as the
 * copy it gets is never longer than it keeps. cmdline_len keeps the loader's length.
 */
static void tag_cmdline(struct bootinfo *bi, struct payload pl)
{
	size_t n = strnlen((const char *)pl.p, pl.len), keep = n;

	bi->cmdline_len = n;
	if (n >= sizeof(bi->cmdline)) {
		keep = sizeof(bi->cmdline) - 1;
		if (pl.p[keep] != ' ')
			while (keep && pl.p[keep - 1] != ' ')
				keep--; /* back to the cut word's start */
	}
	memcpy(bi->cmdline, pl.p, keep);
	bi->cmdline[keep] = '\0';
}

static int tag_module(struct bootinfo *bi, struct payload pl)
{
	uint32_t range[2];

	if (pl.len < sizeof(range))
		return -EINVAL;
	if (bi->nmodules >= BOOTINFO_MAX_MODULES)
		return 0; /* more modules than we keep: ignore the rest */
	memcpy(range, pl.p, sizeof(range));
	if (range[1] < range[0])
		return -EINVAL;
	struct boot_module *m = &bi->modules[bi->nmodules++];
	m->start = range[0];
	m->end = range[1];
	copy_string(m->cmdline, sizeof(m->cmdline), (struct payload){pl.p + 8, pl.len - 8});
	return 0;
}

/*
 * The memory-map tag, rewritten in place into bi's region array: entry i (entry_size bytes
 * at 8 + i * entry_size in the payload) becomes struct mem_region i (24 bytes at 8 + i * 24),
 * read before anything is written over it. The tag then says entry_size 24 and its size
 * covers just those entries; the bytes behind them become a LIOS_TAG_FREED tag, which the
 * walk skips, so the tag list stays intact and a second parse finds the same map. Only the
 * first map tag counts.
 */
static int tag_mmap(struct bootinfo *bi, uint8_t *tag, uint8_t *payload, size_t len, size_t room)
{
	uint32_t hdr[2]; /* entry_size, entry_version */

	/* room: bytes from the tag to the end of the info; a map tag whose padding does not
	 * fit leaves no place for the end tag: refused before anything is rewritten. */
	if (len < sizeof(hdr) || ALIGN_UP(sizeof(struct mb2_tag) + len, (size_t)8) > room)
		return -EINVAL;
	memcpy(hdr, payload, sizeof(hdr));
	uint32_t esize = hdr[0];
	if (esize < sizeof(struct mb2_mmap_entry) || esize % 8)
		return -EINVAL;
	if (bi->regions)
		return 0;
	size_t n = (len - sizeof(hdr)) / esize;
	struct mem_region *out = (struct mem_region *)(payload + sizeof(hdr));

	for (size_t i = 0; i < n; i++) {
		struct mb2_mmap_entry e;

		memcpy(&e, payload + sizeof(hdr) + i * esize, sizeof(e));
		out[i] = (struct mem_region){ e.base, e.length, e.type };
	}
	bi->regions = out;
	bi->nregions = n;

	/* Close the rewritten tag and hand its unused tail to a tag nobody reads. */
	struct mb2_tag t;
	memcpy(&t, tag, sizeof(t));
	uint32_t old_end = ALIGN_UP(t.size, 8u);
	t.size = (uint32_t)(sizeof(t) + sizeof(hdr) + n * sizeof(*out));
	hdr[0] = sizeof(*out);
	memcpy(payload, hdr, sizeof(hdr[0]));
	memcpy(tag, &t, sizeof(t));
	if (old_end > t.size) {
		struct mb2_tag freed = { LIOS_TAG_FREED, old_end - t.size };

		memcpy(tag + t.size, &freed, sizeof(freed));
	}
	return 0;
}

/* Why a framebuffer description cannot be used, or NULL when it can. */
static const char *fb_check(const struct fb_info *fb)
{
	if (fb->width == 0 || fb->height == 0)
		return "zero width or height";
	if (fb->kind == FB_EGA_TEXT) {
		if (fb->pitch < fb->width * 2ull)
			return "pitch smaller than a text line";
	} else {
		if (fb->bpp == 0 || fb->bpp > 32)
			return "unsupported bits per pixel";
		if ((uint64_t)fb->pitch * 8 < (uint64_t)fb->width * fb->bpp)
			return "pitch smaller than a line of pixels";
	}
	/* text or pixels, the screen's bytes must not run past 2^64 (pitch * height < 2^64) */
	if (fb->addr + (uint64_t)fb->pitch * fb->height < fb->addr)
		return "framebuffer wraps the address space";
	return NULL;
}

/*
 * The palette of an indexed framebuffer: a 16-bit count, then count entries of red, green,
 * blue (one byte each) right after it. This is GRUB's layout (include/multiboot2.h and
 * grub-core/loader/multiboot_mbi2.c); the specification's text says a 32-bit count, which
 * no loader writes. Copies it into fb; returns why it cannot be used, or NULL.
 */
static const char *fb_palette(struct fb_info *fb, const uint8_t *extra, size_t extra_len)
{
	uint16_t n;

	if (extra_len < sizeof(n))
		return "indexed framebuffer without a palette";
	memcpy(&n, extra, sizeof(n));
	if (n == 0)
		return "indexed framebuffer with a palette of 0 colours";
	if (n > FB_PALETTE_MAX)
		return "palette of more than 256 colours";
	if (sizeof(n) + (size_t)n * sizeof(struct fb_color) > extra_len)
		return "palette longer than the tag";
	if (fb->bpp >= 1 && fb->bpp < 8 && n > (1u << fb->bpp))
		return "more palette colours than the pixel can index";
	fb->palette_colors = n;
	memcpy(fb->palette, extra + sizeof(n), (size_t)n * sizeof(struct fb_color));
	return NULL;
}

static int tag_framebuffer(struct bootinfo *bi, struct payload pl)
{
	struct mb2_fb_common c;
	struct fb_info *fb = &bi->fb;

	if (pl.len < sizeof(c))
		return -EINVAL;
	memcpy(&c, pl.p, sizeof(c));
	memset(fb, 0, sizeof(*fb));
	fb->addr = c.addr;
	fb->pitch = c.pitch;
	fb->width = c.width;
	fb->height = c.height;
	fb->bpp = c.bpp;
	const uint8_t *extra = pl.p + sizeof(c);
	size_t extra_len = pl.len - sizeof(c);

	switch (c.type) {
	case MB2_FB_RGB:
		if (extra_len < 6)
			return -EINVAL;
		fb->kind = FB_RGB;
		fb->red_pos = extra[0], fb->red_size = extra[1];
		fb->green_pos = extra[2], fb->green_size = extra[3];
		fb->blue_pos = extra[4], fb->blue_size = extra[5];
		if (fb->red_pos + fb->red_size > fb->bpp || fb->green_pos + fb->green_size > fb->bpp ||
		    fb->blue_pos + fb->blue_size > fb->bpp) {
			bi->fb_rejected = "colour channels outside the pixel";
			fb->kind = FB_NONE;
			return 0;
		}
		break;
	case MB2_FB_INDEXED:
		fb->kind = FB_INDEXED;
		bi->fb_rejected = fb_palette(fb, extra, extra_len);
		if (bi->fb_rejected) {
			fb->kind = FB_NONE;
			return 0;
		}
		break;
	case MB2_FB_EGA_TEXT:
		fb->kind = FB_EGA_TEXT;
		break;
	default:
		bi->fb_rejected = "unknown framebuffer type";
		return 0;
	}
	bi->fb_rejected = fb_check(fb);
	if (bi->fb_rejected)
		fb->kind = FB_NONE;
	return 0;
}

static int tag_acpi(struct bootinfo *bi, struct payload pl, size_t want)
{
	size_t n = MIN(pl.len, sizeof(bi->rsdp));

	if (pl.len < want)
		return -EINVAL;
	/* Prefer the ACPI 2.0+ RSDP when both tags are present. */
	if (bi->rsdp_len > want)
		return 0;
	memcpy(bi->rsdp, pl.p, n);
	bi->rsdp_len = (uint8_t)n;
	return 0;
}

static int handle_tag(struct bootinfo *bi, uint32_t type, uint8_t *tag, size_t room,
		      struct payload pl)
{
	uint32_t meminfo[2];

	switch (type) {
	case MB2_TAG_CMDLINE:
		tag_cmdline(bi, pl);
		return 0;
	case MB2_TAG_LOADER_NAME:
		copy_string(bi->loader, sizeof(bi->loader), pl);
		return 0;
	case MB2_TAG_MODULE:
		return tag_module(bi, pl);
	case MB2_TAG_BASIC_MEMINFO:
		if (pl.len < sizeof(meminfo))
			return -EINVAL;
		memcpy(meminfo, pl.p, sizeof(meminfo));
		bi->mem_lower_kib = meminfo[0];
		bi->mem_upper_kib = meminfo[1];
		return 0;
	case MB2_TAG_MMAP:
		return tag_mmap(bi, tag, tag + sizeof(struct mb2_tag), pl.len, room);
	case MB2_TAG_FRAMEBUFFER:
		return tag_framebuffer(bi, pl);
	case MB2_TAG_ACPI_OLD:
		return tag_acpi(bi, pl, 20);
	case MB2_TAG_ACPI_NEW:
		return tag_acpi(bi, pl, 36);
	case MB2_TAG_EFI32:
	case MB2_TAG_EFI64:
	case MB2_TAG_EFI_MMAP:
	case MB2_TAG_EFI32_IH:
	case MB2_TAG_EFI64_IH:
		bi->firmware = FIRMWARE_UEFI;
		return 0;
	case MB2_TAG_EFI_BS:
		bi->firmware = FIRMWARE_UEFI;
		bi->efi_boot_services = true;
		return 0;
	default:
		return 0; /* unknown tags are skipped */
	}
}

static int fail(char *err, size_t errlen, const char *fmt, uint64_t a, uint64_t b)
{
	ksnprintf(err, errlen, fmt, a, b);
	return -EINVAL;
}

int mb2_parse(uint32_t magic, void *mbi, size_t avail, paddr_t mbi_phys,
	      struct bootinfo *bi, char *err, size_t errlen)
{
	uint8_t *base = mbi;
	struct mb2_info_header hdr;

	memset(bi, 0, sizeof(*bi));
	if (magic != MB2_BOOTLOADER_MAGIC)
		return fail(err, errlen, "not loaded by a Multiboot2 loader (magic %#llx)", magic, 0);
	if (!mbi || avail < sizeof(hdr))
		return fail(err, errlen, "boot information missing (%llu bytes)", avail, 0);
	if ((uintptr_t)mbi % 8)
		return fail(err, errlen, "boot information not 8-byte aligned (%#llx)", mbi_phys, 0);
	memcpy(&hdr, base, sizeof(hdr));
	if (hdr.total_size < sizeof(hdr) + sizeof(struct mb2_tag))
		return fail(err, errlen, "boot information too small (%llu bytes)", hdr.total_size, 0);
	if (hdr.total_size > avail)
		return fail(err, errlen, "boot information of %llu bytes, only %llu available",
			    hdr.total_size, avail);
	bi->mbi_start = mbi_phys;
	bi->mbi_end = mbi_phys + hdr.total_size;

	size_t off = sizeof(hdr);
	for (;;) {
		struct mb2_tag tag;

		if (off + sizeof(tag) > hdr.total_size)
			return fail(err, errlen, "no end tag before byte %llu", hdr.total_size, 0);
		memcpy(&tag, base + off, sizeof(tag));
		if (tag.size < sizeof(tag) || tag.size > hdr.total_size - off)
			return fail(err, errlen, "tag type %llu has a bad size %llu", tag.type, tag.size);
		if (tag.type == MB2_TAG_END)
			break;
		struct payload pl = {base + off + sizeof(tag), tag.size - sizeof(tag)};
		if (handle_tag(bi, tag.type, base + off, hdr.total_size - off, pl) < 0)
			return fail(err, errlen, "malformed tag of type %llu (%llu bytes)", tag.type, tag.size);
		off = ALIGN_UP(off + tag.size, (size_t)8);
	}
	return 0;
}
