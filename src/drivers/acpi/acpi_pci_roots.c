// SPDX-License-Identifier: MIT
/*
 * The PCI host bridges of the DSDT and SSDTs, and the root bus each starts: what lets PCI
 * walk exactly the root buses a machine has instead of probing every bus number for them.
 * Pure: built into the kernel and the host (tests, fuzzer, check-machine).
 *
 * A host bridge is a Device whose _HID or _CID is PNP0A03 (PCI) or PNP0A08 (PCI Express),
 * as an EISA ID or a string, _CID also as a package of them. Its root bus is the start of
 * the bus number range in its _CRS (a Word, DWord, QWord or Extended address space
 * descriptor of resource type 2), else its _BBN, on the segment its _SEG names (0 without
 * one): the order Linux uses. Only constant Name() objects are read (no interpreter), so a
 * _CRS method (most real bridges) counts as no _CRS, and a _BBN or _SEG method (Intel's
 * reference code returns BN00() from one) leaves that bridge's root unknown. That matters
 * only beside other bridges: the only host bridge of a machine has the root bus PCI walks
 * first anyway (bus 0 of segment 0; pci_init probes after all if that finds nothing).
 * QEMU declares its pxb bridges with Name(_BBN) and Name(_CRS), and adds PCI0's _CRS
 * through a Scope() after the device, so facts are kept by device path across tables
 * (struct acpi_pci_facts) and matched only when acpi_pci_roots() is asked.
 *
 * Trust: the list is used in place of probing, so it must not silently miss a bridge.
 * Whatever the walk does not visit (method bodies, If blocks, bytes after an opcode it
 * does not know) could declare one; so each table's bytes are searched for the IDs'
 * encodings, and if they occur more often than the visited _HID/_CID names account for,
 * the facts are marked doubtful and the caller probes as before. The same happens for a
 * refused table and for more facts than fit.
 */
#include <lios/string.h>
#include "acpi_internal.h"
#include "aml.h"

#define AML_BUFFER_OP 0x11
#define AML_PACKAGE_OP 0x12
#define AML_STRING_PREFIX 0x0d
#define EISA_PNP0A03 0x030ad041u /* EISAID("PNP0A03") as AML stores it */
#define EISA_PNP0A08 0x080ad041u
#define RES_LARGE 0x80     /* large resource item: tag bit 7 */
#define RES_SMALL_END 0x0f /* small item type: end tag */
#define RES_WORD_ADDR 0x08 /* large item types (ACPI 6.x 6.4.3.5) */
#define RES_DWORD_ADDR 0x07
#define RES_QWORD_ADDR 0x0a
#define RES_EXT_ADDR 0x0b
#define RES_TYPE_BUS 2 /* address space resource type: bus number range */
#define PCI_BUS_MAX 0xff

static bool last_seg_is(const struct aml_path *p, const char *name)
{
	return p->count && p->count <= AML_PATH_SEGS &&
	       memcmp(p->seg[p->count - 1], name, AML_NAME_SEG_LEN) == 0;
}

/* acpi_pci_doubt - see acpi_internal.h. */
void acpi_pci_doubt(struct acpi_info *info, const char *table, uint32_t at, const char *why)
{
	struct acpi_pci_facts *f = &info->pci;

	if (f->doubt)
		return;
	f->doubt = why;
	f->doubt_offset = at;
	lios_strlcpy(f->doubt_table, table, sizeof(f->doubt_table));
}

static void add_fact(struct acpi_pci_aml *rd, const struct aml_path *name, uint32_t at,
		     enum acpi_pci_fact_kind kind, uint16_t lo, uint16_t hi)
{
	struct acpi_pci_facts *f = &rd->info->pci;
	struct aml_path dev = *name;
	struct acpi_pci_fact *x;

	if (f->count == ACPI_MAX_PCI_FACTS) {
		acpi_pci_doubt(rd->info, rd->table, at, "more host bridge facts than LiOS keeps");
		return;
	}
	dev.count--;
	x = &f->fact[f->count++];
	aml_path_string(&dev, x->dev, sizeof(x->dev));
	x->kind = (uint8_t)kind, x->lo = lo, x->hi = hi;
}

/* Whether the ID at *pos (an integer or a string) is PNP0A03 or PNP0A08; moves past it. */
static bool host_id(const uint8_t *a, uint32_t *pos, uint32_t end)
{
	uint32_t i = *pos;
	uint64_t v;

	if (i < end && a[i] == AML_STRING_PREFIX) {
		uint32_t s = i + 1;

		while (i < end && a[i])
			i++;
		*pos = i < end ? i + 1 : end;
		return i - s == 7 &&
		       (memcmp(a + s, "PNP0A03", 7) == 0 || memcmp(a + s, "PNP0A08", 7) == 0);
	}
	if (!aml_read_integer(a, pos, end, &v)) {
		*pos = end;
		return false;
	}
	return v == EISA_PNP0A03 || v == EISA_PNP0A08;
}

/* _HID or _CID: an ID, or (_CID) a package of them. Returns how many were host IDs. */
static unsigned host_ids(const uint8_t *a, uint32_t pos, uint32_t end)
{
	uint32_t pkg_end;
	unsigned n = 0;

	if (pos >= end || a[pos] != AML_PACKAGE_OP)
		return host_id(a, &pos, end);
	pos++;
	if (aml_pkg_length(a, &pos, end, &pkg_end) || pos >= pkg_end)
		return 0;
	for (pos++; pos < pkg_end;)
		n += host_id(a, &pos, pkg_end);
	return n;
}

static uint64_t le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned k = 0; k < bytes; k++)
		v |= (uint64_t)p[k] << (8 * k);
	return v;
}

/* The bus number range of a _CRS buffer's resource template, if it has one: its lowest
 * start and the end of that range, _MIN + _LEN - 1 as Linux reads a root bridge's range (a
 * descriptor of length 0 is no range; _MAX is not read). Returns false when there is none
 * (or the template is cut short: what was read before counts). */
static bool crs_bus_range(const uint8_t *a, uint32_t pos, uint32_t end, uint64_t *lo, uint64_t *hi)
{
	uint32_t pkg_end;
	uint64_t size;
	bool found = false;

	if (pos >= end || a[pos++] != AML_BUFFER_OP || aml_pkg_length(a, &pos, end, &pkg_end) ||
	    !aml_read_integer(a, &pos, pkg_end, &size))
		return false;
	while (pos < pkg_end) {
		uint8_t tag = a[pos];
		/* granularity's width and offset of each address descriptor's fields */
		unsigned w = 0, first = 6;
		uint32_t len;

		if (!(tag & RES_LARGE)) {
			if (((tag >> 3) & 0x0f) == RES_SMALL_END)
				break;
			pos += 1 + (tag & 7u);
			continue;
		}
		if (pkg_end - pos < 3)
			break;
		len = (uint32_t)le(a + pos + 1, 2);
		if (len > pkg_end - pos - 3)
			break;
		switch (tag & 0x7f) {
		case RES_WORD_ADDR:
			w = 2;
			break;
		case RES_DWORD_ADDR:
			w = 4;
			break;
		case RES_QWORD_ADDR:
			w = 8;
			break;
		case RES_EXT_ADDR:
			w = 8, first = 8;
			break;
		}
		/* resource type at data byte 0; after the granularity: min, max, translation
		 * offset and length, w bytes each */
		if (w && len >= first + 5 * w - 3 && a[pos + 3] == RES_TYPE_BUS) {
			uint64_t min = le(a + pos + first + w, w),
				 n = le(a + pos + first + 4 * w, w);

			if (n && (!found || min < *lo)) {
				*lo = min;
				*hi = n - 1 > UINT64_MAX - min ? UINT64_MAX : min + n - 1;
				found = true;
			}
		}
		pos += 3 + len;
	}
	return found;
}

/* The walk's Name() visitor: the objects that make or describe a host bridge. */
static void visit_name(void *ctx, const struct aml_path *p, const uint8_t *a, uint32_t at,
		       uint32_t data, uint32_t end)
{
	struct acpi_pci_aml *rd = ctx;
	uint64_t v, hi;

	if (last_seg_is(p, "_HID") || last_seg_is(p, "_CID")) {
		unsigned n = host_ids(a, data, end);

		rd->ids_seen += n;
		if (n)
			add_fact(rd, p, at, ACPI_PCI_HOST, 0, 0);
	} else if (last_seg_is(p, "_BBN") || last_seg_is(p, "_SEG")) {
		bool bbn = last_seg_is(p, "_BBN");
		uint32_t pos = data;

		if (aml_read_integer(a, &pos, end, &v) && v <= (bbn ? PCI_BUS_MAX : 0xffffu))
			add_fact(rd, p, at, bbn ? ACPI_PCI_BBN : ACPI_PCI_SEG, (uint16_t)v,
				 (uint16_t)v);
		else
			add_fact(rd, p, at, ACPI_PCI_VARIABLE, 0, 0);
	} else if (last_seg_is(p, "_CRS") && crs_bus_range(a, data, end, &v, &hi)) {
		if (v > PCI_BUS_MAX)
			add_fact(rd, p, at, ACPI_PCI_VARIABLE, 0, 0);
		else
			add_fact(rd, p, at, ACPI_PCI_CRS_BUS, (uint16_t)v,
				 (uint16_t)(hi > PCI_BUS_MAX ? PCI_BUS_MAX : hi));
	}
}

/* A method named _BBN or _SEG: its value is computed. */
static void visit_method(void *ctx, const struct aml_path *p, uint32_t at)
{
	if (last_seg_is(p, "_BBN") || last_seg_is(p, "_SEG"))
		add_fact(ctx, p, at, ACPI_PCI_VARIABLE, 0, 0);
}

/* How often the host IDs' encodings occur in the table's body, anywhere. */
static unsigned count_ids(const uint8_t *t, uint32_t len, uint32_t *first)
{
	static const uint8_t eisa[2][4] = { { 0x41, 0xd0, 0x0a, 0x03 },
					    { 0x41, 0xd0, 0x0a, 0x08 } };
	unsigned n = 0;

	for (uint32_t i = SDT_HEADER_LEN; i + 4 <= len; i++) {
		bool hit = false;

		/* compared only where the first byte matches: this runs over every byte at boot */
		if (t[i] == eisa[0][0])
			hit = memcmp(t + i, eisa[0], 4) == 0 || memcmp(t + i, eisa[1], 4) == 0;
		else if (t[i] == 'P' && i + 7 <= len)
			hit = memcmp(t + i, "PNP0A03", 7) == 0 || memcmp(t + i, "PNP0A08", 7) == 0;
		if (hit && !n++)
			*first = i;
	}
	return n;
}

/* acpi_pci_aml_begin - see acpi_internal.h. */
void acpi_pci_aml_begin(struct acpi_pci_aml *rd, struct aml_visit *v, const char *table,
			struct acpi_info *info)
{
	*rd = (struct acpi_pci_aml){ .info = info, .table = table };
	*v = (struct aml_visit){ .name = visit_name, .method = visit_method, .ctx = rd };
}

/* acpi_pci_aml_end - see acpi_internal.h. */
void acpi_pci_aml_end(struct acpi_pci_aml *rd, const uint8_t *t, uint32_t len,
		      const struct aml_s5_result *r)
{
	uint32_t first = 0;

	if (r->status == AML_S5_MALFORMED) {
		acpi_pci_doubt(rd->info, rd->table, r->offset, "a DSDT or SSDT was refused");
		return;
	}
	if (count_ids(t, len, &first) > rd->ids_seen)
		acpi_pci_doubt(rd->info, rd->table, first,
			       "PNP0A03/PNP0A08 outside a Name(_HID) or Name(_CID) LiOS reads");
}

static const struct acpi_pci_fact *find(const struct acpi_pci_facts *f, const char *dev,
					enum acpi_pci_fact_kind kind)
{
	for (unsigned i = 0; i < f->count; i++)
		if (f->fact[i].kind == kind && strcmp(f->fact[i].dev, dev) == 0)
			return &f->fact[i];
	return NULL;
}

static void refuse(struct acpi_pci_roots *r, const char *why, const char *where)
{
	r->why = why;
	lios_strlcpy(r->why_where, where, sizeof(r->why_where));
}

/* Why the host bridge h's root cannot be known, or NULL. (Its path is whole: a _HID
 * deeper than AML_PATH_SEGS is not read, and its ID raises the doubt instead.) */
static const char *unknown_root(const struct acpi_pci_facts *f, const struct acpi_pci_fact *h,
				unsigned hosts)
{
	if (hosts == 1) /* whatever its number, the only root: the walk's first bus */
		return NULL;
	if (find(f, h->dev, ACPI_PCI_VARIABLE))
		return "a host bridge's _BBN, _SEG or _CRS bus range is computed or out of range";
	if (!find(f, h->dev, ACPI_PCI_CRS_BUS) && !find(f, h->dev, ACPI_PCI_BBN))
		return "a host bridge has no constant _CRS bus range or _BBN";
	return NULL;
}

static bool before(const struct acpi_pci_root *a, const struct acpi_pci_root *b)
{
	return a->segment != b->segment ? a->segment < b->segment : a->bus < b->bus;
}

/* acpi_pci_roots - see <lios/acpi.h>. */
void acpi_pci_roots(const struct acpi_info *info, struct acpi_pci_roots *r)
{
	const struct acpi_pci_facts *f = &info->pci;
	unsigned hosts = 0;

	memset(r, 0, sizeof(*r));
	for (unsigned i = 0; i < f->count; i++)
		if (f->fact[i].kind == ACPI_PCI_HOST &&
		    find(f, f->fact[i].dev, ACPI_PCI_HOST) == &f->fact[i])
			hosts++;
	if (!info->have_dsdt) {
		refuse(r, "no DSDT", "");
		return;
	}
	if (f->doubt || !hosts) {
		refuse(r, f->doubt ? f->doubt : "no PCI host bridge in the DSDT or SSDTs",
		       f->doubt_table);
		return;
	}
	for (unsigned i = 0; i < f->count; i++) {
		const struct acpi_pci_fact *h = &f->fact[i], *crs, *bbn, *seg;
		struct acpi_pci_root *root;
		const char *why;

		if (h->kind != ACPI_PCI_HOST || find(f, h->dev, ACPI_PCI_HOST) != h)
			continue;
		why = r->count == ACPI_MAX_PCI_ROOTS ? "more host bridges than LiOS keeps"
						     : unknown_root(f, h, hosts);
		if (why) {
			refuse(r, why, h->dev);
			return;
		}
		crs = find(f, h->dev, ACPI_PCI_CRS_BUS);
		bbn = find(f, h->dev, ACPI_PCI_BBN);
		seg = find(f, h->dev, ACPI_PCI_SEG);
		if (find(f, h->dev, ACPI_PCI_VARIABLE)) /* the lone bridge: see unknown_root */
			crs = bbn = seg = NULL;
		root = &r->root[r->count++];
		lios_strlcpy(root->dev, h->dev, sizeof(root->dev));
		root->segment = seg ? seg->lo : 0;
		root->bus = (uint8_t)(crs ? crs->lo : bbn ? bbn->lo : 0);
		root->bus_end = (uint8_t)(crs ? crs->hi : root->bus);
		root->from_crs = crs != NULL;
		root->from_bbn = !crs && bbn;
	}
	for (unsigned i = 1; i < r->count; i++) /* a handful: insertion sort */
		for (unsigned j = i; j && before(&r->root[j], &r->root[j - 1]); j--) {
			struct acpi_pci_root t = r->root[j];

			r->root[j] = r->root[j - 1], r->root[j - 1] = t;
		}
}
