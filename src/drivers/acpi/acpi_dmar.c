// SPDX-License-Identifier: MIT
/*
 * The DMAR table (Intel VT-d specification, chapter 8): where the DMA remapping hardware
 * units are, so that the kernel can turn off what pre-boot DMA protection left on
 * (src/drivers/iommu/). Only the DRHD structures are kept: a unit's register base, its PCI
 * segment and flags. Reserved memory regions (RMRR), ATSR, RHSA and the rest are stepped
 * over. Pure: host tests and the fuzzer feed it tables.
 *
 * Layout (offsets from the table's start): host address width 36 (the DMA address width
 * minus 1), flags 37, reserved 38-47, then from 48 the remapping structures, each opening
 * with type (2 bytes) and length (2 bytes, the structure's own header included). A DRHD
 * (type 0) holds flags at 4, the register set's size at 5 (2^n pages, VT-d 3.x; LiOS maps
 * only the first page, which holds every register it touches), the segment at 6, the
 * register base at 8, and device scopes from 16.
 *
 * Invariants: nothing is read past 'len'; every unit kept has a non-zero, 4 KiB aligned
 * base that no earlier unit has; a structure that cannot be stepped over (a length below
 * its own header or past the table's end) ends the walk with a message, and the units
 * found before it are kept.
 */
#include <lios/acpi.h>
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "acpi_internal.h"

#define DMAR_HOST_ADDR_WIDTH 36
#define DMAR_FLAGS 37
#define DMAR_STRUCTURES 48 /* the first remapping structure */
#define DMAR_TYPE_DRHD 0
#define DRHD_FLAGS 4
#define DRHD_SEGMENT 6
#define DRHD_REGISTER_BASE 8
#define DRHD_MIN_LEN 16 /* through the register base; device scopes follow */
#define DRHD_PAGE 4096u

/* Whether base is the register base of a unit kept already. */
static bool dmar_known(const struct acpi_dmar *d, uint64_t base)
{
	for (unsigned i = 0; i < d->unit_count; i++)
		if (d->unit[i].base == base)
			return true;
	return false;
}

/* One DRHD of slen bytes at offset 'at' of the table t: kept, or refused with a message. */
static void dmar_drhd(const uint8_t *t, uint32_t at, uint16_t slen, struct acpi_dmar *d)
{
	struct acpi_dmar_unit u;

	if (slen < DRHD_MIN_LEN) {
		printk(KERN_WARN "acpi: DMAR: unit at offset %u is %u bytes, shorter than its %u "
				 "bytes of fields: not used\n",
		       at, slen, DRHD_MIN_LEN);
		d->bad_units++;
		return;
	}
	u.flags = t[at + DRHD_FLAGS];
	memcpy(&u.segment, t + at + DRHD_SEGMENT, 2);
	memcpy(&u.base, t + at + DRHD_REGISTER_BASE, 8);
	if (!u.base) {
		printk(KERN_WARN "acpi: DMAR: unit at offset %u has its registers at address 0: "
				 "not used\n",
		       at);
		d->bad_units++;
		return;
	}
	if (u.base & (DRHD_PAGE - 1)) {
		printk(KERN_WARN "acpi: DMAR: unit at offset %u has its registers at %#llx, not "
				 "4 KiB aligned: not used\n",
		       at, (unsigned long long)u.base);
		d->bad_units++;
		return;
	}
	if (dmar_known(d, u.base)) {
		printk(KERN_WARN "acpi: DMAR: unit at offset %u: registers at %#llx listed twice: "
				 "the first entry is used\n",
		       at, (unsigned long long)u.base);
		d->bad_units++;
		return;
	}
	if (d->unit_count >= ACPI_MAX_DMAR_UNITS) {
		d->dropped++;
		return;
	}
	d->unit[d->unit_count++] = u;
}

/*
 * acpi_parse_dmar - see acpi_internal.h. A table too short for its header fields is
 * refused (-EINVAL, counted in bad_tables); otherwise the units are read as far as the
 * structures can be walked, and 0 is returned, whatever was refused along the way.
 */
int acpi_parse_dmar(const uint8_t *t, uint32_t len, struct acpi_info *info)
{
	struct acpi_dmar *d = &info->dmar;
	uint32_t at = DMAR_STRUCTURES;

	if (len < DMAR_STRUCTURES) {
		printk(KERN_WARN "acpi: DMAR is %u bytes, shorter than its %u bytes of header, "
				 "ignored\n",
		       len, DMAR_STRUCTURES);
		info->bad_tables++;
		return -EINVAL;
	}
	memset(d, 0, sizeof(*d));
	d->present = true;
	d->host_addr_width = (uint8_t)(t[DMAR_HOST_ADDR_WIDTH] + 1);
	d->flags = t[DMAR_FLAGS];
	for (uint16_t type, slen; at < len; at += slen) {
		if (!acpi_struct_at(t, len, at, 2, "DMAR", "structure", &type, &slen))
			break;
		if (type == DMAR_TYPE_DRHD)
			dmar_drhd(t, at, slen, d);
	}
	if (d->dropped)
		printk(KERN_WARN "acpi: DMAR lists %u more units than LiOS keeps (%u): those stay "
				 "as the firmware left them\n",
		       d->dropped, ACPI_MAX_DMAR_UNITS);
	return 0;
}
