/* SPDX-License-Identifier: MIT */
/*
 * The ACPI driver's private AML reader (aml.c): walks one DSDT or SSDT the way its
 * namespace is declared, without an interpreter. aml_find_s5 finds the \_S5 package;
 * aml_walk does too and hands each Name() and Method() to a visitor on the way
 * (acpi_pci_roots.c reads the PCI host bridges that way, in the same walk). Pure C, built
 * for the kernel and the host (tests, fuzzer, check-machine); used inside
 * src/drivers/acpi/ only (other drivers read struct acpi_info).
 */
#ifndef LIOS_ACPI_AML_H
#define LIOS_ACPI_AML_H

#include <lios/acpi.h>

enum aml_status {
	AML_S5_FOUND,        /* slp_typ_a/b valid */
	AML_S5_ABSENT,       /* the table is sound and holds no usable \_S5 */
	AML_S5_UNSUPPORTED,  /* \_S5 is there in a form the reader does not evaluate */
	AML_S5_MALFORMED,    /* the table is refused: why and offset say where */
};

struct aml_s5_result {
	enum aml_status status;
	uint8_t slp_typ_a, slp_typ_b; /* FOUND: the SLP_TYP values, 0-7 */
	bool at_root;                  /* FOUND: the name is \_S5, not a nested one */
	bool scanned;                  /* FOUND: by the byte search of a skipped block */
	char path[ACPI_S5_PATH_MAX];   /* FOUND: "\\_S5_", "\\_SB_._S5_" */
	const char *why;               /* !FOUND: static text */
	uint32_t offset;               /* FOUND: offset of the NameOp; else of the problem */
	uint32_t scanned_bytes;        /* bytes the walk could not parse and searched instead */
};

/* Looks for \_S5 in the AML table t (len bytes readable; the header's length must fit in
 * them). Never reads outside [t, t + header length). Pure; any context; bounded stack
 * (nesting beyond AML_MAX_DEPTH is searched, not recursed into). */
enum aml_status aml_find_s5(const uint8_t *t, size_t len, struct aml_s5_result *r);

#define AML_MAX_DEPTH 16

/* A namespace path as the walk resolves it: the first AML_PATH_SEGS segments below the
 * root (count may be larger: the rest are not kept). */
#define AML_NAME_SEG_LEN 4
#define AML_PATH_SEGS 8
struct aml_path {
	unsigned count;
	char seg[AML_PATH_SEGS][AML_NAME_SEG_LEN];
};

/* What aml_walk reports. name: a Name() at name_at whose data object starts at data and
 * must end by end (the visitor decodes it itself, reading nothing at or past end). method:
 * a Method() declared at 'at'. Either may be NULL. */
struct aml_visit {
	void (*name)(void *ctx, const struct aml_path *p, const uint8_t *aml, uint32_t name_at, uint32_t data,
		     uint32_t end);
	void (*method)(void *ctx, const struct aml_path *p, uint32_t at);
	void *ctx;
};

/* aml_find_s5, calling v (when not NULL) for every Name() and Method() the structured walk
 * reaches; bytes it steps over or searches instead (bodies of methods, If/Else/While,
 * unknown opcodes) are not visited. For a refused table (AML_S5_MALFORMED: r->why,
 * r->offset) the visits made before the problem stand. Pure. */
enum aml_status aml_walk(const uint8_t *t, size_t len, const struct aml_visit *v,
			 struct aml_s5_result *r);

/* path as text, "\\_SB_.PCI0", into out (size bytes, terminated; a path deeper than
 * AML_PATH_SEGS ends in "..."). */
void aml_path_string(const struct aml_path *p, char *out, size_t size);

/* An integer constant (Zero, One, Ones, Byte/Word/DWord/QWord prefix) at *pos, before end:
 * true with *v and *pos moved past it. */
bool aml_read_integer(const uint8_t *a, uint32_t *pos, uint32_t end, uint64_t *v);

/* A PkgLength at *pos whose object must end by end: NULL with *pos past it and *pkg_end
 * the object's end, or why not. */
const char *aml_pkg_length(const uint8_t *a, uint32_t *pos, uint32_t end, uint32_t *pkg_end);

#endif
