// SPDX-License-Identifier: MIT
/*
 * Host tests of the \_S5 reader (src/drivers/acpi/aml.c). Tables come from three places:
 * ASL sources in asl/ compiled by iasl at build time (LIOS_AML_DIR), QEMU's own DSDTs
 * dumped into tables/ (LIOS_ACPI_TABLES), and AML assembled here byte by byte for the
 * encodings iasl never emits for small values (DWordPrefix, QWordPrefix, long PkgLengths).
 * Every table is handed over in a heap block of exactly its size, so ASan reports any read
 * past it; each case says the firmware situation and the verdict the reader must reach.
 */
#include <stdlib.h>
#include <string.h>
#include <lios/acpi.h>
#include "aml.h"
#include "../../unit.h"
#include "read_file.h"

static const char *aml_dir, *tables_dir;

/* Reads dir/name into an exact-size heap block; NULL (and a failed check) if missing. */
static uint8_t *load(const char *dir, const char *name, size_t *len)
{
	uint8_t *buf = support_read_file(dir, name, len);

	if (!buf)
		UNIT_FAIL();
	return buf;
}

/* Runs the reader on a copy of exactly len bytes. */
static enum aml_status find(const uint8_t *t, size_t len, struct aml_s5_result *r)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum aml_status st;

	memcpy(copy, t, len);
	st = aml_find_s5(copy, len, r);
	free(copy);
	return st;
}

static void set_length(uint8_t *t, uint32_t len) { memcpy(t + 4, &len, 4); }

static bool contains(const uint8_t *t, size_t len, const uint8_t *pat, size_t plen)
{
	for (size_t i = 0; i + plen <= len; i++)
		if (memcmp(t + i, pat, plen) == 0)
			return true;
	return false;
}

/* Checks a compiled table: FOUND with the values, at the root or not, searched or not. */
static void expect_found(const char *file, uint8_t a, uint8_t b, const char *path, bool scanned)
{
	struct aml_s5_result r;
	size_t len;
	uint8_t *t = load(aml_dir, file, &len);

	if (!t)
		return;
	CHECK_EQ(find(t, len, &r), AML_S5_FOUND);
	CHECK_EQ(r.slp_typ_a, a);
	CHECK_EQ(r.slp_typ_b, b);
	CHECK(strcmp(r.path, path) == 0);
	CHECK_EQ(r.at_root, strcmp(path, "\\_S5_") == 0);
	CHECK_EQ(r.scanned, scanned);
	CHECK(r.offset < len && t[r.offset] == 0x08); /* NameOp */
	if (strcmp(r.path, path) != 0)
		fprintf(stderr, "  %s: path %s, expected %s\n", file, r.path, path);
	free(t);
}

/* \_S5 at the root after regions, fields, devices, methods, a mutex, a processor and a
 * string containing "_S5_": the walk steps over all of them. */
static void test_root(void) { expect_found("s5_root.aml", 5, 5, "\\_S5_", false); }

/* _S5 inside Scope (\_SB): accepted as \_SB._S5 for want of a root one. */
static void test_nested_in_sb(void) { expect_found("s5_scope_sb.aml", 7, 7, "\\_SB_._S5_", false); }

/* \_S5 with a root prefix inside Scope/Device beats a nested _SB.PCI0._S5 seen first;
 * ZeroOp and OneOp values. */
static void test_rooted_inside_device(void)
{
	expect_found("s5_scope_rooted.aml", 0, 1, "\\_S5_", false);
}

/* \_S5 after a PowerResource, a ThermalZone, an Event, an External and an Alias (a
 * laptop's DSDT has them all before it): each stepped over, \_S5 found by the walk. */
static void test_after_objects(void)
{
	expect_found("s5_after_objects.aml", 5, 0, "\\_S5_", false);
}

/* The only _S5 inside a PowerResource's or a Processor's body: found by the walk, which
 * enters the body past the object's fixed fields (3 and 6 bytes) exactly. */
static void test_in_power_res_and_processor(void)
{
	expect_found("s5_in_power_res.aml", 6, 6, "\\_SB_.PUBS._S5_", false);
	expect_found("s5_in_processor.aml", 3, 4, "\\_PR_.CPU0._S5_", false);
}

/* The ACPI 1.0 packed form, one WordPrefix integer 0x0705: SLP_TYPa 5, SLP_TYPb 7. */
static void test_word_packed(void)
{
	size_t len;
	uint8_t *t = load(aml_dir, "s5_word_packed.aml", &len);
	static const uint8_t word[] = {0x0b, 0x05, 0x07};

	CHECK(t && contains(t, len, word, sizeof(word))); /* iasl did use WordPrefix */
	free(t);
	expect_found("s5_word_packed.aml", 5, 7, "\\_S5_", false);
}

/* \_S5 under If (SS5): found by searching the If body. */
static void test_in_if(void) { expect_found("s5_in_if.aml", 6, 0, "\\_S5_", true); }

/* An SSDT carrying \_S5 after External and Scope (\_SB.PCI0): read like a DSDT. */
static void test_ssdt(void) { expect_found("ssdt_s5.aml", 3, 4, "\\_S5_", false); }

/* A DSDT over 1 MiB: the outer Scope's PkgLength takes 4 bytes, devices 3 bytes. */
static void test_big_dsdt(void)
{
	size_t len;
	uint8_t *t = load(aml_dir, "big.aml", &len);

	CHECK(t && len > (1u << 20));
	CHECK(t && t[36] == 0x10 && (t[37] >> 6) == 3); /* Scope, 4-byte PkgLength */
	free(t);
	expect_found("big.aml", 5, 0, "\\_S5_", false);
}

/* \_S5 as a Method: not evaluated, said so. */
static void test_method(void)
{
	struct aml_s5_result r;
	size_t len;
	uint8_t *t = load(aml_dir, "s5_method.aml", &len);

	if (!t)
		return;
	CHECK_EQ(find(t, len, &r), AML_S5_UNSUPPORTED);
	CHECK(r.why && strstr(r.why, "method"));
	free(t);
}

/* S3 and S4 but no S5: absent, with the reason. */
static void test_no_s5(void)
{
	struct aml_s5_result r;
	size_t len;
	uint8_t *t = load(aml_dir, "no_s5.aml", &len);

	if (!t)
		return;
	CHECK_EQ(find(t, len, &r), AML_S5_ABSENT);
	CHECK(r.why && strstr(r.why, "no \\_S5"));
	CHECK_EQ(r.scanned_bytes, 0); /* everything in it is walked, nothing searched */
	free(t);
}

/* A table cut short: the data ends before the header's length (refused as truncated),
 * and a header length that cuts the last package in two (refused: PkgLength beyond). */
static void test_truncated(void)
{
	struct aml_s5_result r;
	size_t len;
	uint8_t *t = load(aml_dir, "s5_root.aml", &len);

	if (!t)
		return;
	CHECK_EQ(find(t, len - 10, &r), AML_S5_MALFORMED);
	CHECK(r.why && strstr(r.why, "truncated"));
	set_length(t, (uint32_t)len - 4);
	CHECK_EQ(find(t, len - 4, &r), AML_S5_MALFORMED);
	CHECK(r.why && strstr(r.why, "PkgLength"));
	CHECK(r.offset > 36 && r.offset < len - 4);
	CHECK_EQ(find(t, 20, &r), AML_S5_MALFORMED); /* not even a header */
	free(t);
}

/* A Scope whose PkgLength points past the end of the table: refused, not followed. */
static void test_pkglength_beyond_end(void)
{
	struct aml_s5_result r;
	size_t len;
	uint8_t *t = load(aml_dir, "no_s5.aml", &len);

	if (!t)
		return;
	CHECK(t[36] == 0x10 && (t[37] >> 6) == 0); /* Scope (\_SB) with a 1-byte PkgLength */
	t[37] = 0x3f;                               /* 63 bytes: past the 85-byte table */
	CHECK_EQ(find(t, len, &r), AML_S5_MALFORMED);
	CHECK(r.why && strstr(r.why, "beyond"));
	CHECK_EQ(r.offset, 37);
	free(t);
}

/* Every prefix of a real table, announced by its header as the whole table: never a read
 * outside it (ASan), and never a wrong answer. */
static void test_every_prefix(void)
{
	struct aml_s5_result r;
	size_t len;
	uint8_t *t = load(aml_dir, "s5_root.aml", &len);

	if (!t)
		return;
	for (size_t k = 0; k <= len; k++) {
		uint8_t *cut = malloc(k ? k : 1);
		memcpy(cut, t, k);
		if (k >= 8)
			set_length(cut, (uint32_t)k);
		enum aml_status st = aml_find_s5(cut, k, &r);
		if (k == len)
			CHECK_EQ(st, AML_S5_FOUND);
		if (st == AML_S5_FOUND)
			CHECK(r.slp_typ_a == 5 && r.slp_typ_b == 5);
		free(cut);
	}
	free(t);
}

/* QEMU's own DSDTs (pc with PIIX4, q35 with ICH9): \_S5 = {0, 0} inside Scope (\). */
static void test_qemu_dsdts(void)
{
	static const char *const dirs[] = {"qemu-pc", "qemu-q35"};
	char dir[512];

	for (unsigned i = 0; i < 2; i++) {
		struct aml_s5_result r;
		size_t len;
		uint8_t *t;

		snprintf(dir, sizeof(dir), "%s/%s", tables_dir, dirs[i]);
		t = load(dir, "DSDT", &len);
		if (!t)
			continue;
		CHECK_EQ(find(t, len, &r), AML_S5_FOUND);
		CHECK(r.slp_typ_a == 0 && r.slp_typ_b == 0 && r.at_root && !r.scanned);
		free(t);
	}
}

/* Every byte of QEMU's q35 DSDT replaced in turn by opcodes and PkgLength leads that
 * change the structure most: the reader ends each run, inside the table. */
static void test_byte_flips(void)
{
	static const uint8_t values[] = {0x00, 0xff, 0x10, 0x5b, 0xcf};
	char dir[512];
	struct aml_s5_result r;
	size_t len;
	uint8_t *t;
	unsigned found = 0;

	snprintf(dir, sizeof(dir), "%s/qemu-q35", tables_dir);
	t = load(dir, "DSDT", &len);
	if (!t)
		return;
	for (size_t i = 36; i < len; i++) {
		uint8_t keep = t[i];
		for (unsigned v = 0; v < sizeof(values); v++) {
			t[i] = values[v];
			found += aml_find_s5(t, len, &r) == AML_S5_FOUND;
		}
		t[i] = keep;
	}
	CHECK(found > 0); /* most flips leave \_S5 readable */
	free(t);
}

/* Hand-assembled DSDTs: header + body. */
static size_t make_dsdt(uint8_t *t, const uint8_t *body, size_t blen)
{
	memset(t, 0, 36);
	memcpy(t, "DSDT", 4);
	set_length(t, (uint32_t)(36 + blen));
	memcpy(t + 36, body, blen);
	return 36 + blen;
}

#define S5_NAME 0x08, '_', 'S', '5', '_'

/* Encodings iasl does not emit for small values, and packages the reader must refuse. */
static void test_encodings(void)
{
	static const struct {
		const char *what;
		uint8_t body[32];
		size_t len;
		enum aml_status want;
		uint8_t a, b;
	} cases[] = {
		{"DWordPrefix", {S5_NAME, 0x12, 0x0c, 0x02, 0x0c, 5, 0, 0, 0, 0x0c, 6, 0, 0, 0}, 18, AML_S5_FOUND, 5, 6},
		{"QWordPrefix", {S5_NAME, 0x12, 0x0c, 0x02, 0x0e, 7, 0, 0, 0, 0, 0, 0, 0, 0x01}, 18, AML_S5_FOUND, 7, 1},
		{"VarPackage", {S5_NAME, 0x13, 0x06, 0x0a, 0x02, 0x0a, 3, 0x00}, 12, AML_S5_FOUND, 3, 0},
		{"OnesOp", {S5_NAME, 0x12, 0x04, 0x02, 0xff, 0x00}, 10, AML_S5_UNSUPPORTED, 0, 0},
		{"value 8", {S5_NAME, 0x12, 0x05, 0x02, 0x0a, 8, 0x00}, 11, AML_S5_UNSUPPORTED, 0, 0},
		{"string element", {S5_NAME, 0x12, 0x05, 0x01, 0x0d, 'x', 0}, 11, AML_S5_UNSUPPORTED, 0, 0},
		{"empty package", {S5_NAME, 0x12, 0x02, 0x00}, 8, AML_S5_UNSUPPORTED, 0, 0},
		{"one of two", {S5_NAME, 0x12, 0x03, 0x02, 0x01}, 9, AML_S5_UNSUPPORTED, 0, 0},
		{"integer", {S5_NAME, 0x0a, 0x05}, 7, AML_S5_UNSUPPORTED, 0, 0},
		{"cut DWord", {S5_NAME, 0x12, 0x04, 0x01, 0x0c, 5}, 10, AML_S5_UNSUPPORTED, 0, 0},
		{"bad name", {0x08, '_', 's', '5', '_', 0x00}, 6, AML_S5_MALFORMED, 0, 0},
		{"unknown opcode first", {0x70, 0x0a, 1, S5_NAME, 0x12, 0x05, 0x02, 0x0a, 4, 0x00}, 14, AML_S5_FOUND, 4, 0},
	};
	uint8_t t[128];
	struct aml_s5_result r;

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = make_dsdt(t, cases[i].body, cases[i].len);
		enum aml_status st = find(t, len, &r);

		if (st != cases[i].want)
			fprintf(stderr, "  case %s: status %d (%s)\n", cases[i].what, st, r.why ? r.why : "");
		CHECK_EQ(st, cases[i].want);
		if (cases[i].want == AML_S5_FOUND)
			CHECK(r.slp_typ_a == cases[i].a && r.slp_typ_b == cases[i].b);
		else
			CHECK(r.why != NULL);
	}
}

/* External () outside If (Zero), as firmware built by compilers other than iasl declares
 * it (iasl wraps it in If (Zero): test_after_objects reaches only the If): a four-segment
 * path of a Device, then a one-segment name of a Method with 2 arguments, then \_S5.
 * Expected: each External stepped over by its name and its ObjectType and ArgumentCount
 * bytes, \_S5 found by the walk at the root (not by the byte search that takes over where
 * the walk loses its way), at its own offset. The last External cut after its ObjectType:
 * refused, "External() cut off by the end of its scope", at the External's offset. */
static void test_bare_external(void)
{
	static const uint8_t body[] = {
		0x15, 0x5c, 0x2f, 0x04, '_', 'S', 'B', '_', 'P', 'C', 'I', '0', 'L', 'P', 'C', 'B',
		'E',  'C',  '0',  '_',  0x06, 0x00, 0x15, 'E', 'C', '1', '_', 0x08, 0x02, S5_NAME,
		0x12, 0x07, 0x04, 0x0a, 0x05, 0x00, 0x00, 0x00,
	};
	uint8_t t[128];
	struct aml_s5_result r;
	size_t len = make_dsdt(t, body, sizeof(body));

	CHECK_EQ(find(t, len, &r), AML_S5_FOUND);
	CHECK(r.slp_typ_a == 5 && r.slp_typ_b == 0 && r.at_root && !r.scanned);
	CHECK_STR_EQ(r.path, "\\_S5_");
	CHECK_EQ(r.offset, 36 + 29);
	len = make_dsdt(t, body, 28); /* ends after the second External's ObjectType */
	CHECK_EQ(find(t, len, &r), AML_S5_MALFORMED);
	CHECK(r.why && strcmp(r.why, "External() cut off by the end of its scope") == 0);
	CHECK_EQ(r.offset, 36 + 22);
}

/* A Processor (6 fixed bytes after its name: ProcID, PblkAddr, PblkLen) and a
 * PowerResource (3: SystemLevel, ResourceOrder) whose PkgLength ends one byte before their
 * fixed fields do, after a sound \_S5 at the root. Expected: the table refused,
 * AML_S5_MALFORMED, "object shorter than its fixed fields" at the object's PkgLength
 * (offset 36 + 14, after \_S5's 12 bytes and the 2-byte opcode), and the \_S5 seen before
 * it dropped with the table (no SLP_TYP, no path: aml.c's top comment, a table whose
 * structure is wrong is not trusted for \_S5 either). The same objects with their fixed
 * fields complete (and an empty body): \_S5 found, so the refusal is about the length. */
static void test_object_shorter_than_fixed_fields(void)
{
#define S5_5_6 S5_NAME, 0x12, 0x06, 0x02, 0x0a, 5, 0x0a, 6
	static const struct {
		const char *what;
		uint8_t body[32];
		size_t len;
		enum aml_status want;
	} cases[] = {
		{"Processor 5 of 6", {S5_5_6, 0x5b, 0x83, 0x0a, 'C', 'P', 'U', '0', 1, 0x10, 0, 0, 0}, 24, AML_S5_MALFORMED},
		{"PowerResource 2 of 3", {S5_5_6, 0x5b, 0x84, 0x07, 'P', 'W', 'R', '0', 0, 0}, 21, AML_S5_MALFORMED},
		{"Processor 6 of 6", {S5_5_6, 0x5b, 0x83, 0x0b, 'C', 'P', 'U', '0', 1, 0x10, 0, 0, 0, 6}, 25, AML_S5_FOUND},
		{"PowerResource 3 of 3", {S5_5_6, 0x5b, 0x84, 0x08, 'P', 'W', 'R', '0', 0, 0, 0}, 22, AML_S5_FOUND},
	};
#undef S5_5_6
	uint8_t t[128];
	struct aml_s5_result r;

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = make_dsdt(t, cases[i].body, cases[i].len);
		enum aml_status st = find(t, len, &r);

		if (st != cases[i].want)
			fprintf(stderr, "  case %s: status %d (%s)\n", cases[i].what, st, r.why ? r.why : "");
		CHECK_EQ(st, cases[i].want);
		if (cases[i].want == AML_S5_FOUND) {
			CHECK(r.slp_typ_a == 5 && r.slp_typ_b == 6 && r.at_root && !r.scanned);
			continue;
		}
		CHECK_STR_EQ(r.why ? r.why : "(no reason)", "object shorter than its fixed fields");
		CHECK_EQ(r.offset, 36 + 14);
		CHECK(r.slp_typ_a == 0 && r.slp_typ_b == 0 && r.path[0] == '\0');
	}
}

/* The same Scope (\) { Name (_S5, ...) } (\ and NullName) with its PkgLength encoded on 1, 2, 3 and 4
 * bytes (longer encodings than needed are legal): found each time. */
static void test_pkglength_sizes(void)
{
	static const uint8_t inner[] = {0x5c, 0x00, S5_NAME, 0x12, 0x05, 0x02, 0x0a, 5, 0x01};
	uint8_t body[32], t[128];
	struct aml_s5_result r;

	for (unsigned extra = 0; extra < 4; extra++) {
		size_t n = 1 + extra + sizeof(inner), b = 0;

		body[b++] = 0x10; /* ScopeOp */
		if (!extra) {
			body[b++] = (uint8_t)n;
		} else {
			body[b++] = (uint8_t)(extra << 6 | (n & 0x0f));
			for (unsigned k = 0; k < extra; k++)
				body[b++] = (uint8_t)(n >> (4 + 8 * k));
		}
		memcpy(body + b, inner, sizeof(inner));
		size_t len = make_dsdt(t, body, b + sizeof(inner));
		CHECK_EQ(find(t, len, &r), AML_S5_FOUND);
		CHECK(r.slp_typ_a == 5 && r.slp_typ_b == 1 && r.at_root);
	}
}

/* Forty nested Scopes, \_S5 at the bottom: past AML_MAX_DEPTH the reader searches
 * instead of recursing, and still finds it. */
static void test_deep_nesting(void)
{
	enum { DEPTH = 40 };
	static const uint8_t inner[] = {0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 2, 0x0a, 3};
	uint8_t body[DEPTH * 8 + sizeof(inner)], t[sizeof(body) + 36];
	struct aml_s5_result r;
	size_t b = 0;

	for (unsigned d = 0; d < DEPTH; d++) {
		size_t n = (DEPTH - d) * 7 - 1 + sizeof(inner); /* PkgLength (2 bytes) + name + rest */
		body[b++] = 0x10;
		body[b++] = (uint8_t)(1u << 6 | (n & 0x0f));
		body[b++] = (uint8_t)(n >> 4);
		memcpy(body + b, "SCPX", 4);
		b += 4;
	}
	memcpy(body + b, inner, sizeof(inner));
	size_t len = make_dsdt(t, body, b + sizeof(inner));
	CHECK_EQ(find(t, len, &r), AML_S5_FOUND);
	CHECK(r.slp_typ_a == 2 && r.slp_typ_b == 3 && r.at_root && r.scanned);
}

/* A FADT handed to the reader by mistake: refused by its signature. */
static void test_not_aml(void)
{
	uint8_t t[64] = "FACP";
	struct aml_s5_result r;

	set_length(t, sizeof(t));
	CHECK_EQ(find(t, sizeof(t), &r), AML_S5_MALFORMED);
	CHECK(r.why && strstr(r.why, "not a DSDT"));
}

int main(void)
{
	aml_dir = getenv("LIOS_AML_DIR");
	tables_dir = getenv("LIOS_ACPI_TABLES");
	if (!aml_dir || !tables_dir) {
		fprintf(stderr, "test_aml: set LIOS_AML_DIR and LIOS_ACPI_TABLES (ctest does)\n");
		return 1;
	}
	RUN(test_root);
	RUN(test_nested_in_sb);
	RUN(test_rooted_inside_device);
	RUN(test_word_packed);
	RUN(test_after_objects);
	RUN(test_in_power_res_and_processor);
	RUN(test_in_if);
	RUN(test_ssdt);
	RUN(test_big_dsdt);
	RUN(test_method);
	RUN(test_no_s5);
	RUN(test_truncated);
	RUN(test_pkglength_beyond_end);
	RUN(test_every_prefix);
	RUN(test_qemu_dsdts);
	RUN(test_byte_flips);
	RUN(test_encodings);
	RUN(test_bare_external);
	RUN(test_object_shorter_than_fixed_fields);
	RUN(test_pkglength_sizes);
	RUN(test_deep_nesting);
	RUN(test_not_aml);
	return unit_summary();
}
