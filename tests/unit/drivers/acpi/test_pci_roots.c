// SPDX-License-Identifier: MIT
/*
 * Host tests of the PCI root buses read from the AML (src/drivers/acpi/acpi_pci_roots.c),
 * through the public path the kernel and check-machine take: acpi_info_init, then
 * acpi_parse_table for each DSDT or SSDT, then acpi_pci_roots. Tables come from asl/hb_*.asl
 * compiled by iasl at build time (LIOS_AML_DIR; gen_hb_many.py writes the crowded ones) and
 * from QEMU's own tables dumped into tables/ (LIOS_ACPI_TABLES), with and without PCI
 * expander bridges. Each case asserts the exact roots, or the exact reason the list must
 * not be trusted and the bridge or table it names: a wrong root makes PCI miss devices, a
 * missed doubt makes it skip a bridge's buses.
 */
#include <stdlib.h>
#include <string.h>
#include <lios/acpi.h>
#include <lios/errno.h>
#include "../../unit.h"
#include "read_file.h"

#define NO_BRIDGE "no PCI host bridge in the DSDT or SSDTs"
#define NO_BUS "a host bridge has no constant _CRS bus range or _BBN"
#define COMPUTED "a host bridge's _BBN, _SEG or _CRS bus range is computed or out of range"
#define HIDDEN "PNP0A03/PNP0A08 outside a Name(_HID) or Name(_CID) LiOS reads"
#define REFUSED "a DSDT or SSDT was refused"
#define TOO_MANY_FACTS "more host bridge facts than LiOS keeps"

static const char *aml_dir, *tables_dir;
static struct acpi_info info;

/* One expected root. */
struct want {
	const char *dev;
	uint16_t segment;
	uint8_t bus, bus_end;
	bool from_crs, from_bbn;
};

static uint8_t *load(const char *dir, const char *name, size_t *len)
{
	uint8_t *t = support_read_file(dir, name, len);

	CHECK(t != NULL);
	return t;
}

static void fix_checksum(uint8_t *t, size_t len)
{
	uint8_t sum = 0;

	t[9] = 0;
	for (size_t i = 0; i < len; i++)
		sum += t[i];
	t[9] = (uint8_t)-sum;
}

/* Hands one table to the parser as the kernel would, expecting status want. */
static void feed(const uint8_t *t, size_t len, int want)
{
	CHECK_EQ(acpi_parse_table(t, len, &info), want);
}

/* Starts over and parses the compiled tables named (a NULL-terminated list), in order. */
static void parse_aml(const char *const *names)
{
	acpi_info_init(&info);
	for (; *names; names++) {
		size_t len;
		uint8_t *t = load(aml_dir, *names, &len);

		if (t)
			feed(t, len, 0);
		free(t);
	}
}

/* Checks that info's roots are exactly want[0..n). */
static void expect_roots(const char *what, const struct want *want, unsigned n)
{
	struct acpi_pci_roots r;

	acpi_pci_roots(&info, &r);
	if (r.why)
		fprintf(stderr, "  %s: refused: %s (%s)\n", what, r.why, r.why_where);
	CHECK(r.why == NULL);
	CHECK_EQ(r.count, n);
	for (unsigned i = 0; i < n && i < r.count; i++) {
		const struct acpi_pci_root *g = &r.root[i];

		if (strcmp(g->dev, want[i].dev) != 0)
			fprintf(stderr, "  %s: root %u is %s, expected %s\n", what, i, g->dev,
				want[i].dev);
		CHECK(strcmp(g->dev, want[i].dev) == 0);
		CHECK_EQ(g->segment, want[i].segment);
		CHECK_EQ(g->bus, want[i].bus);
		CHECK_EQ(g->bus_end, want[i].bus_end);
		CHECK_EQ(g->from_crs, want[i].from_crs);
		CHECK_EQ(g->from_bbn, want[i].from_bbn);
	}
}

/* Checks that info's roots are refused with exactly why, naming where. */
static void expect_why(const char *what, const char *why, const char *where)
{
	struct acpi_pci_roots r;

	acpi_pci_roots(&info, &r);
	if (!r.why || strcmp(r.why, why) != 0 || strcmp(r.why_where, where) != 0)
		fprintf(stderr, "  %s: why \"%s\" (%s), expected \"%s\" (%s)\n", what,
			r.why ? r.why : "(none)", r.why_where, why, where);
	CHECK(r.why && strcmp(r.why, why) == 0);
	CHECK(strcmp(r.why_where, where) == 0);
}

#define TABLES(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define ROOTS(...) ((const struct want[]){ __VA_ARGS__ })
#define N(...) (sizeof(ROOTS(__VA_ARGS__)) / sizeof(struct want))
#define EXPECT_ROOTS(what, ...) expect_roots(what, ROOTS(__VA_ARGS__), N(__VA_ARGS__))

/* QEMU's pc layout: PCI0's _CRS added by a later Scope, PC10 (a pxb) with _BBN and _CRS. */
static void test_qemu_like(void)
{
	parse_aml(TABLES("hb_qemu_like.aml"));
	EXPECT_ROOTS("qemu-like", { "\\_SB_.PCI0", 0, 0x00, 0x0f, true, false },
		     { "\\_SB_.PC10", 0, 0x10, 0x11, true, false });
}

/* Method(_CRS) on both bridges: Name(_BBN) gives the buses; _SEG One, "PNP0A08" as a string;
 * the segment-1 bridge declared first is listed last. */
static void test_bbn_and_seg(void)
{
	parse_aml(TABLES("hb_bbn_seg.aml"));
	EXPECT_ROOTS("bbn+seg", { "\\_SB_.PCI0", 0, 0x00, 0x00, false, true },
		     { "\\_SB_.PCI1", 1, 0x80, 0x80, false, true });
}

/* A lone bridge with only Method(_CRS) (and _HID and _CID both host IDs): bus 0; so with
 * a Method(_BBN) as well (Intel's reference code). Two bridges, one without a constant
 * bus: refused, naming it. */
static void test_lone_and_unknown(void)
{
	parse_aml(TABLES("hb_lone.aml"));
	EXPECT_ROOTS("lone", { "\\_SB_.PCI0", 0, 0, 0, false, false });
	parse_aml(TABLES("hb_lone_bbn_method.aml"));
	EXPECT_ROOTS("lone, _BBN method", { "\\_SB_.PCI0", 0, 0, 0, false, false });
	parse_aml(TABLES("hb_two_unknown.aml"));
	expect_why("two unknown", NO_BUS, "\\_SB_.PCI1");
}

/* Computed or impossible values on the second bridge: Method(_BBN), Method(_SEG), _BBN
 * 0x100, _SEG 0x10000, a _CRS bus range that starts past bus 255. */
static void test_computed(void)
{
	static const char *const files[] = { "hb_bbn_method.aml", "hb_seg_method.aml",
					     "hb_bbn_big.aml", "hb_seg_big.aml",
					     "hb_crs_past_255.aml" };

	for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		parse_aml(TABLES(files[i]));
		expect_why(files[i], COMPUTED, "\\_SB_.PCI1");
	}
}

/* Host IDs the walk cannot attribute: a Method(_HID) returning EISAID("PNP0A03"), a
 * Method(_CID) returning "PNP0A08", a bridge with EISAID("PNP0A08") inside a top-level If. */
static void test_hidden_ids(void)
{
	parse_aml(TABLES("hb_hid_method.aml"));
	expect_why("method _HID", HIDDEN, "DSDT");
	parse_aml(TABLES("hb_cid_method.aml"));
	expect_why("method _CID", HIDDEN, "DSDT");
	parse_aml(TABLES("hb_in_if.aml"));
	expect_why("bridge in If", HIDDEN, "DSDT");
}

/* A bridge known only by a _CID package; a device whose _CID package names none is not. */
static void test_cid_package(void)
{
	parse_aml(TABLES("hb_cid_package.aml"));
	EXPECT_ROOTS("cid package", { "\\_SB_.HB00", 0, 0x20, 0x20, false, true });
}

/* PCI0 in the DSDT, its _CRS in one SSDT, PCI1 in another: the facts combine whatever the
 * order the tables come in (the DSDT last too); without the _CRS SSDT, PCI0 has no bus. */
static void test_across_tables(void)
{
	static const char *const d = "hb_split_dsdt.aml", *c = "hb_split_crs.aml",
				 *p = "hb_split_pci1.aml";
	const char *const *orders[] = { TABLES(d, c, p), TABLES(d, p, c), TABLES(c, d, p),
					TABLES(c, p, d), TABLES(p, d, c), TABLES(p, c, d) };

	for (unsigned i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		parse_aml(orders[i]);
		EXPECT_ROOTS("split", { "\\_SB_.PCI0", 0, 0x00, 0x3f, true, false },
			     { "\\_SB_.PCI1", 0, 0x40, 0x4f, true, false });
	}
	parse_aml(TABLES(d));
	EXPECT_ROOTS("split dsdt alone", { "\\_SB_.PCI0", 0, 0, 0, false, false });
	parse_aml(TABLES(d, c));
	EXPECT_ROOTS("split dsdt+crs", { "\\_SB_.PCI0", 0, 0x00, 0x3f, true, false });
	parse_aml(TABLES(p, d));
	expect_why("split without crs", NO_BUS, "\\_SB_.PCI0");
}

/* Bus ranges in Word, DWord, QWord and Extended address space descriptors after ones to
 * step over; the lowest of two ranges wins; _CRS wins over _BBN; a maximum past 0xff
 * (0x17f) is held to 0xff. */
static void test_descriptors(void)
{
	parse_aml(TABLES("hb_spaces.aml"));
	EXPECT_ROOTS("spaces", { "\\_SB_.PCI0", 0, 0x00, 0x0f, true, false },
		     { "\\_SB_.PCI1", 0, 0x40, 0x5f, true, false },
		     { "\\_SB_.PCI2", 0, 0x60, 0x7f, true, false },
		     { "\\_SB_.PCI3", 0, 0x80, 0x9f, true, false },
		     { "\\_SB_.PCI4", 0, 0xa0, 0xff, true, false });
}

/* A _CRS range is _MIN to _MIN + _LEN - 1: a _MAX above or below that is not read, and a
 * descriptor of length 0 is no range (the _BBN beside it counts; a later one with a length
 * does). */
static void test_crs_length(void)
{
	parse_aml(TABLES("hb_crs_len.aml"));
	EXPECT_ROOTS("crs length", { "\\_SB_.PCI0", 0, 0x00, 0x0f, true, false },
		     { "\\_SB_.PCI1", 0, 0x20, 0x27, true, false },
		     { "\\_SB_.PCI2", 0, 0x50, 0x50, false, true },
		     { "\\_SB_.PCI3", 0, 0x70, 0x7f, true, false });
}

/* No DSDT (an SSDT's bridge alone, a DSDT with a bad checksum); a DSDT without a bridge. */
static void test_no_bridge(void)
{
	size_t len;
	uint8_t *t;

	parse_aml(TABLES("hb_split_pci1.aml"));
	expect_why("no dsdt", "no DSDT", "");
	acpi_info_init(&info);
	t = load(aml_dir, "hb_qemu_like.aml", &len);
	if (t) {
		t[len - 1] ^= 1;
		feed(t, len, -EINVAL);
	}
	free(t);
	expect_why("dsdt bad checksum", "no DSDT", "");
	parse_aml(TABLES("hb_none.aml"));
	expect_why("none", NO_BRIDGE, "");
}

/* A DSDT whose outer Scope's PkgLength runs past the table, one whose length is cut to
 * its first 60 bytes, an SSDT broken the same way, an SSDT with a bad checksum: each
 * refused (-EINVAL), so is the list. */
static void test_refused_table(void)
{
	size_t len;
	uint8_t *t = load(aml_dir, "hb_qemu_like.aml", &len), *s;

	if (!t)
		return;
	CHECK(t[36] == 0x10 && (t[37] >> 6) == 1); /* Scope, 2-byte PkgLength */
	t[37] = 0x4f, t[38] = 0xff;
	fix_checksum(t, len);
	acpi_info_init(&info);
	feed(t, len, -EINVAL);
	expect_why("pkglength past the end", REFUSED, "DSDT");
	free(t);

	t = load(aml_dir, "hb_qemu_like.aml", &len);
	if (!t)
		return;
	t[4] = 60, t[5] = t[6] = t[7] = 0;
	fix_checksum(t, 60);
	acpi_info_init(&info);
	feed(t, 60, -EINVAL);
	expect_why("truncated", REFUSED, "DSDT");
	free(t);

	parse_aml(TABLES("hb_qemu_like.aml"));
	s = load(aml_dir, "hb_split_pci1.aml", &len);
	if (!s)
		return;
	CHECK(s[36] == 0x10); /* Scope (\_SB) */
	s[37] = (uint8_t)(0x40 | 0x0f), s[38] = 0xff;
	fix_checksum(s, len);
	feed(s, len, -EINVAL);
	expect_why("broken ssdt", REFUSED, "SSDT1");
	free(s);

	/* An SSDT refused before the AML reader sees it (its checksum; the kernel's map_table
	 * refuses it the same way): its bridge PCI1 would be missed, so the list is refused. */
	parse_aml(TABLES("hb_split_dsdt.aml"));
	s = load(aml_dir, "hb_split_pci1.aml", &len);
	if (!s)
		return;
	s[9] ^= 0xff;
	feed(s, len, -EINVAL);
	expect_why("ssdt bad checksum", REFUSED, "SSDT");
	free(s);
}

/* Thirty-two bridges with _HID and _BBN: thirty-two roots, the most kept. Thirty-three
 * are one root too many (66 facts fit). Forty-eight fill the facts exactly (96); forty-nine
 * overflow them, and so does one more fact from an SSDT after the forty-eight. */
static void test_capacity(void)
{
	struct acpi_pci_roots r;

	CHECK_EQ(ACPI_MAX_PCI_ROOTS, 32);
	CHECK_EQ(ACPI_MAX_PCI_FACTS, 96);
	parse_aml(TABLES("hb_many_32.aml"));
	acpi_pci_roots(&info, &r);
	CHECK(r.why == NULL);
	CHECK_EQ(r.count, 32);
	for (unsigned i = 0; i < r.count; i++) {
		char dev[16];

		snprintf(dev, sizeof(dev), "\\_SB_.H%03X", i);
		CHECK(strcmp(r.root[i].dev, dev) == 0);
		CHECK_EQ(r.root[i].bus, i * 4);
		CHECK(r.root[i].from_bbn && !r.root[i].from_crs);
	}
	parse_aml(TABLES("hb_many_33.aml"));
	expect_why("33 bridges", "more host bridges than LiOS keeps", "\\_SB_.H020");
	parse_aml(TABLES("hb_many_48.aml"));
	acpi_pci_roots(&info, &r);
	CHECK(r.why && strcmp(r.why, "more host bridges than LiOS keeps") == 0); /* facts fit */
	parse_aml(TABLES("hb_many_49.aml"));
	expect_why("49 bridges", TOO_MANY_FACTS, "DSDT");
	parse_aml(TABLES("hb_many_48.aml", "hb_split_crs.aml"));
	expect_why("48 bridges + an SSDT", TOO_MANY_FACTS, "SSDT1");
	/* Seventeen bridges with a _HID alone: 17 facts fit, but beside each other every
	 * bridge needs a bus; the first bridge without one is named. */
	parse_aml(TABLES("hb_many_17_hid.aml"));
	expect_why("17 bridges, _HID only", NO_BUS, "\\_SB_.H000");
}

/* _BBN named from a relative Scope, by a full path, by a parent prefix: keyed by the
 * device's path all the same. */
static void test_paths(void)
{
	parse_aml(TABLES("hb_paths.aml"));
	EXPECT_ROOTS("paths", { "\\_SB_.PCI0", 0, 0x20, 0x20, false, true },
		     { "\\_SB_.PCI1", 0, 0x40, 0x40, false, true },
		     { "\\_SB_.PCI2", 0, 0x60, 0x60, false, true });
}

/* A bridge 7 segments deep is read (its _HID is the 8th, the last segment kept); one 8
 * deep has a _HID the walk cannot name, so its ID counts as unattributed: doubt. */
static void test_deep(void)
{
	parse_aml(TABLES("hb_deep.aml"));
	EXPECT_ROOTS("deep", { "\\_SB_.S002.S003.S004.S005.S006.DEEP", 0, 0, 0, false, false });
	parse_aml(TABLES("hb_deeper.aml"));
	expect_why("deeper", HIDDEN, "DSDT");
}

/* QEMU's own DSDTs: pc and q35 as they are, and with a PCI expander bridge. */
static void qemu(const char *dir, const struct want *want, unsigned n)
{
	char path[512];
	size_t len;
	uint8_t *t;

	snprintf(path, sizeof(path), "%s/%s", tables_dir, dir);
	acpi_info_init(&info);
	t = load(path, "DSDT", &len);
	if (t)
		feed(t, len, 0);
	free(t);
	expect_roots(dir, want, n);
}

static void test_qemu_tables(void)
{
	qemu("qemu-pc", ROOTS({ "\\_SB_.PCI0", 0, 0x00, 0xff, true, false }), 1);
	qemu("qemu-q35", ROOTS({ "\\_SB_.PCI0", 0, 0x00, 0xff, true, false }), 1);
	qemu("qemu-pc-pxb",
	     ROOTS({ "\\_SB_.PCI0", 0, 0x00, 0x0f, true, false },
		   { "\\_SB_.PC10", 0, 0x10, 0x11, true, false }),
	     2);
	qemu("qemu-q35-pxb-pcie",
	     ROOTS({ "\\_SB_.PCI0", 0, 0x00, 0x7f, true, false },
		   { "\\_SB_.PC80", 0, 0x80, 0x81, true, false }),
	     2);
}

int main(void)
{
	aml_dir = getenv("LIOS_AML_DIR");
	tables_dir = getenv("LIOS_ACPI_TABLES");
	if (!aml_dir || !tables_dir) {
		fprintf(stderr,
			"test_pci_roots: set LIOS_AML_DIR and LIOS_ACPI_TABLES (ctest does)\n");
		return 1;
	}
	RUN(test_qemu_like);
	RUN(test_bbn_and_seg);
	RUN(test_lone_and_unknown);
	RUN(test_computed);
	RUN(test_hidden_ids);
	RUN(test_cid_package);
	RUN(test_across_tables);
	RUN(test_descriptors);
	RUN(test_crs_length);
	RUN(test_no_bridge);
	RUN(test_refused_table);
	RUN(test_capacity);
	RUN(test_paths);
	RUN(test_deep);
	RUN(test_qemu_tables);
	return unit_summary();
}
