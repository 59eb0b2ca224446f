/* SPDX-License-Identifier: MIT */
/*
 * Private to src/drivers/acpi/: the SDT header and the per-table parsers that
 * acpi_tables.c (discovery, MADT) dispatches to: acpi_fadt.c (FADT, HPET, MCFG) and
 * acpi_sleep.c (DSDT/SSDT through the AML reader, for \_S5 and, via acpi_pci_roots.c, the
 * PCI host bridges). Each parser gets a table whose length
 * and checksum were already checked, and reads nothing past 'len'.
 */
#ifndef LIOS_ACPI_INTERNAL_H
#define LIOS_ACPI_INTERNAL_H

#include <lios/acpi.h>

#define SDT_HEADER_LEN 36
#define ACPI_TABLE_MAX (4u << 20) /* the largest DSDTs seen are well below 1 MiB */

struct sdt_header {
	char signature[4];
	uint32_t length;          /* bytes, header included */
	uint8_t revision;
	uint8_t checksum;         /* all bytes of the table sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));
static_assert(sizeof(struct sdt_header) == SDT_HEADER_LEN, "ACPI SDT header");
static_assert(sizeof(struct acpi_gas) == 12, "ACPI generic address");

/* Each returns 0, or -EINVAL when the table is refused (with a message, counted in
 * info->bad_tables). */
int acpi_parse_fadt(const uint8_t *t, uint32_t len, struct acpi_info *info);
int acpi_parse_hpet(const uint8_t *t, uint32_t len, struct acpi_info *info);
int acpi_parse_mcfg(const uint8_t *t, uint32_t len, struct acpi_info *info);
int acpi_parse_spcr(const uint8_t *t, uint32_t len, struct acpi_info *info); /* acpi_spcr.c */
int acpi_parse_dmar(const uint8_t *t, uint32_t len, struct acpi_info *info); /* acpi_dmar.c */
int acpi_parse_ivrs(const uint8_t *t, uint32_t len, struct acpi_info *info); /* acpi_ivrs.c */
int acpi_parse_aml(const uint8_t *t, uint32_t len, struct acpi_info *info);
/*
 * acpi_struct_at (acpi_tables.c) - one step of the walk of a table whose body is a list of
 * structures that each open with a type (type_bytes: 1 or 2, at offset 0) and a 2-byte
 * length at offset 2 that counts the structure's own 4-byte header (DMAR, IVRS). For the
 * structure at offset 'at' of table t (len bytes), stores its type and length and returns
 * true; returns false, saying why ("acpi: DMAR: structure at offset 64 (type 0x0) has
 * length 0, shorter than its own header: the rest of the table is not read"), when it
 * cannot be stepped over: fewer than 4 bytes left, a length below 4 or past the end.
 * 'table' names the table ("DMAR"), 'noun' its structures ("structure", "block"). Pure.
 */
bool acpi_struct_at(const uint8_t *t, uint32_t len, uint32_t at, unsigned type_bytes,
		    const char *table, const char *noun, uint16_t *type, uint16_t *slen);
/* acpi_pci_roots.c: what a DSDT or SSDT (named 'table', "DSDT", "SSDT2") says of PCI host
 * bridges goes to info->pci, read in the AML walk acpi_parse_aml makes for \_S5 anyway:
 * acpi_pci_aml_begin readies the walk's visitor v (and rd, its state), acpi_pci_aml_end
 * takes the walk's outcome r and the table t, raising the doubts (a refused table, host IDs
 * the walk did not see). */
struct aml_visit;
struct aml_s5_result;
struct acpi_pci_aml {
	struct acpi_info *info;
	const char *table; /* "DSDT", "SSDT2" */
	unsigned ids_seen; /* PNP0A03/PNP0A08 encodings the visited names held */
};
void acpi_pci_aml_begin(struct acpi_pci_aml *rd, struct aml_visit *v, const char *table,
			struct acpi_info *info);
void acpi_pci_aml_end(struct acpi_pci_aml *rd, const uint8_t *t, uint32_t len,
		      const struct aml_s5_result *r);
/* acpi_pci_roots.c: the host bridge facts may be incomplete (why, static text; table, the
 * table's name or ""; at, an offset in it): the first reason is kept. */
void acpi_pci_doubt(struct acpi_info *info, const char *table, uint32_t at, const char *why);

/* Whether bytes bytes at offset from the register g lie inside its address space as the
 * kernel reaches it: I/O ports below 0x10000; PCI configuration space (ACPI 6.x 5.2.3.2)
 * with bits 63-48 zero, device below 32, function below 8, offset below 256; memory that
 * does not wrap. Other spaces: false. Pure. */
bool acpi_gas_fits(const struct acpi_gas *g, uint64_t offset, uint64_t bytes);

/* Kernel (acpi.c): switch a legacy-ACPI chipset to ACPI mode through SMI_CMD unless
 * SCI_EN is set already (or there is no SMI_CMD). Returns 0; -ENODEV (no PM1a control
 * block), -ENOTSUP (a space LiOS does not reach), -ENOMEM, or -ETIMEDOUT (the firmware did
 * not confirm within 3 s). Thread context, after acpi_init. */
int acpi_mode_enable(void);

#endif
