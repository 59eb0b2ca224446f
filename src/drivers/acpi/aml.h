/* SPDX-License-Identifier: MIT */
/*
 * The ACPI driver's private AML reader (aml.c): finds the \_S5 package in one DSDT or SSDT
 * without an interpreter. Pure C, built for the kernel and the host (tests, fuzzer,
 * check-machine); used by acpi_tables.c, never by other drivers (they read struct
 * acpi_info's s5).
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

#endif
