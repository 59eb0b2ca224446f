// SPDX-License-Identifier: MIT
/*
 * The IVRS table (AMD I/O Virtualization Technology (IOMMU) Specification 48882, chapter
 * 5): where the AMD IOMMUs are, so that the kernel can turn off what pre-boot DMA
 * protection left on (src/drivers/iommu/). Only the IVHD blocks are kept: an IOMMU's
 * register base, its PCI segment and its own device ID. Memory definitions (IVMD, types
 * 0x20-0x22), the IVHD's device entries and block types this file does not know are
 * stepped over. Pure: host tests and the fuzzer feed it tables.
 *
 * Layout (offsets from the table's start): IVinfo 36 (4 bytes), reserved 40-47, then from
 * 48 the blocks, each opening with type (1 byte), flags (1), length (2, the block's own
 * header included). An IVHD holds its device ID at 4, the capability offset at 6, the
 * register base at 8, the segment at 16, IOMMU info at 18 and feature reporting or
 * attributes at 20; type 0x10 has its device entries from 24, types 0x11 and 0x40 carry
 * the EFR register's image at 24 and 32 and their device entries from 40. Firmware
 * writes one block per IOMMU for each type it supports (0x10 for old systems, 0x11 or
 * 0x40 for newer ones): blocks with the same base, segment and device ID are one unit.
 *
 * Invariants: nothing is read past 'len'; every unit kept has a non-zero, 16 KiB aligned
 * base (the capability block's base address register holds bits 31:14) that no other
 * unit has; a block that cannot be stepped over (a length below its own header or past
 * the table's end) ends the walk with a message, and the units found before it are kept.
 */
#include <lios/acpi.h>
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "acpi_internal.h"

#define IVRS_IVINFO 36
#define IVRS_BLOCKS 48 /* the first definition block */
#define IVRS_TYPE_IVHD_10 0x10
#define IVRS_TYPE_IVHD_11 0x11
#define IVRS_TYPE_IVHD_40 0x40
#define IVHD_DEVICE_ID 4
#define IVHD_BASE 8
#define IVHD_SEGMENT 16
#define IVHD_10_MIN_LEN 24 /* through feature reporting; device entries follow */
#define IVHD_11_MIN_LEN 40 /* through the EFR images (types 0x11 and 0x40) */
#define IVHD_BASE_ALIGN 0x4000u

/* The unit already kept whose registers are at base, or NULL. */
static struct acpi_ivrs_unit *ivrs_find(struct acpi_ivrs *v, uint64_t base)
{
	for (unsigned i = 0; i < v->unit_count; i++)
		if (v->unit[i].base == base)
			return &v->unit[i];
	return NULL;
}

/* ACPI_IVHD_TYPE_* for an IVHD block type; 0 for any other block. */
static uint8_t ivhd_type_bit(uint8_t type)
{
	switch (type) {
	case IVRS_TYPE_IVHD_10:
		return ACPI_IVHD_TYPE_10;
	case IVRS_TYPE_IVHD_11:
		return ACPI_IVHD_TYPE_11;
	case IVRS_TYPE_IVHD_40:
		return ACPI_IVHD_TYPE_40;
	default:
		return 0;
	}
}

/* One IVHD of blen bytes and type 'type' at offset 'at' of the table t: kept, merged
 * with the unit another type's block describes, or refused with a message. */
static void ivrs_ivhd(const uint8_t *t, uint32_t at, uint8_t type, uint16_t blen,
		      struct acpi_ivrs *v)
{
	uint16_t need = type == IVRS_TYPE_IVHD_10 ? IVHD_10_MIN_LEN : IVHD_11_MIN_LEN;
	struct acpi_ivrs_unit u = { .types = ivhd_type_bit(type) }, *seen;

	if (blen < need) {
		printk(KERN_WARN "acpi: IVRS: IOMMU block at offset %u (type %#x) is %u bytes, "
				 "shorter than its %u bytes of fields: not used\n",
		       at, type, blen, need);
		v->bad_units++;
		return;
	}
	memcpy(&u.devid, t + at + IVHD_DEVICE_ID, 2);
	memcpy(&u.base, t + at + IVHD_BASE, 8);
	memcpy(&u.segment, t + at + IVHD_SEGMENT, 2);
	if (!u.base) {
		printk(KERN_WARN "acpi: IVRS: IOMMU block at offset %u has its registers at "
				 "address 0: not used\n",
		       at);
		v->bad_units++;
		return;
	}
	if (u.base & (IVHD_BASE_ALIGN - 1)) {
		printk(KERN_WARN "acpi: IVRS: IOMMU block at offset %u has its registers at "
				 "%#llx, not 16 KiB aligned: not used\n",
		       at, (unsigned long long)u.base);
		v->bad_units++;
		return;
	}
	seen = ivrs_find(v, u.base);
	if (seen && seen->segment == u.segment && seen->devid == u.devid) {
		seen->types |= u.types; /* the same IOMMU for another generation of OS */
		return;
	}
	if (seen) {
		printk(KERN_WARN "acpi: IVRS: IOMMU block at offset %u: registers at %#llx listed "
				 "for %04x:%02x:%02x.%u and %04x:%02x:%02x.%u: the first entry is "
				 "used\n",
		       at, (unsigned long long)u.base, seen->segment, seen->devid >> 8,
		       (seen->devid >> 3) & 0x1f, seen->devid & 7, u.segment, u.devid >> 8,
		       (u.devid >> 3) & 0x1f, u.devid & 7);
		v->bad_units++;
		return;
	}
	if (v->unit_count >= ACPI_MAX_IVRS_UNITS) {
		v->dropped++;
		return;
	}
	v->unit[v->unit_count++] = u;
}

/*
 * acpi_parse_ivrs - see acpi_internal.h. A table too short for its header fields is
 * refused (-EINVAL, counted in bad_tables); otherwise the IOMMUs are read as far as the
 * blocks can be walked, and 0 is returned, whatever was refused along the way.
 */
int acpi_parse_ivrs(const uint8_t *t, uint32_t len, struct acpi_info *info)
{
	struct acpi_ivrs *v = &info->ivrs;
	uint32_t at = IVRS_BLOCKS;

	if (len < IVRS_BLOCKS) {
		printk(KERN_WARN "acpi: IVRS is %u bytes, shorter than its %u bytes of header, "
				 "ignored\n",
		       len, IVRS_BLOCKS);
		info->bad_tables++;
		return -EINVAL;
	}
	memset(v, 0, sizeof(*v));
	v->present = true;
	memcpy(&v->ivinfo, t + IVRS_IVINFO, 4);
	for (uint16_t type, blen; at < len; at += blen) {
		if (!acpi_struct_at(t, len, at, 1, "IVRS", "block", &type, &blen))
			break;
		if (ivhd_type_bit((uint8_t)type))
			ivrs_ivhd(t, at, (uint8_t)type, blen, v);
	}
	if (v->dropped)
		printk(KERN_WARN "acpi: IVRS: %u IOMMU blocks past the %u IOMMUs LiOS keeps: "
				 "those IOMMUs stay as the firmware left them\n",
		       v->dropped, ACPI_MAX_IVRS_UNITS);
	return 0;
}
