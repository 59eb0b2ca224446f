// SPDX-License-Identifier: MIT
/*
 * A bounded AML reader with one job: find the \_S5 package (the SLP_TYP values for soft
 * off) in a DSDT or SSDT, without an AML interpreter. It walks the table's term list the
 * way the namespace is declared: Scope(), Device(), Processor(), PowerResource() and
 * ThermalZone() are entered (tracking the namespace path); Method(), Field()s, Buffer and
 * Package data, If/Else/While are stepped over by their PkgLength; Name() objects have
 * their data skipped by its encoding. Whatever it cannot step over (an opcode without a
 * PkgLength it does not know, a method call at the top level), and the bodies of If, Else
 * and While (firmware sometimes declares \_S5 under a condition), are searched byte by
 * byte for the pattern NameOp <name ending in _S5_> PackageOp instead, and a match is only
 * taken when its package decodes cleanly inside the searched block.
 *
 * Invariants: every read is checked against the end of the innermost enclosing object,
 * whose end is itself checked against its parent, up to the table's own length; recursion
 * stops at AML_MAX_DEPTH (deeper scopes are searched, not entered), so the stack is bounded.
 * A PkgLength or name that breaks the structure makes the whole table refused: a table
 * whose structure is wrong cannot be trusted for what it says about power either.
 *
 * Which \_S5 wins when several are seen (an SSDT overriding is not legal, but a firmware
 * bug is not our problem to resolve): \_S5 at the root found by the walk, then at the root
 * found by the search, then a nested one (e.g. \_SB._S5: not where the specification puts
 * it, used only when there is nothing better), first come first served within a rank.
 */
#include "aml.h"
#include <lios/string.h>

#define SDT_HEADER_LEN 36

/* Opcodes (ACPI 6.x section 20.3, AML grammar). */
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_ALIAS_OP 0x06
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_STRING_PREFIX 0x0d
#define AML_QWORD_PREFIX 0x0e
#define AML_SCOPE_OP 0x10
#define AML_BUFFER_OP 0x11
#define AML_PACKAGE_OP 0x12
#define AML_VAR_PACKAGE_OP 0x13
#define AML_METHOD_OP 0x14
#define AML_EXTERNAL_OP 0x15
#define AML_DUAL_NAME_PREFIX 0x2e
#define AML_MULTI_NAME_PREFIX 0x2f
#define AML_EXT_OP_PREFIX 0x5b
#define AML_ROOT_CHAR 0x5c
#define AML_PARENT_PREFIX 0x5e
#define AML_IF_OP 0xa0
#define AML_ELSE_OP 0xa1
#define AML_WHILE_OP 0xa2
#define AML_ONES_OP 0xff
/* Second byte after AML_EXT_OP_PREFIX. */
#define AML_MUTEX_OP 0x01
#define AML_EVENT_OP 0x02
#define AML_REVISION_OP 0x30
#define AML_OP_REGION_OP 0x80
#define AML_FIELD_OP 0x81
#define AML_DEVICE_OP 0x82
#define AML_PROCESSOR_OP 0x83
#define AML_POWER_RES_OP 0x84
#define AML_THERMAL_ZONE_OP 0x85
#define AML_INDEX_FIELD_OP 0x86
#define AML_BANK_FIELD_OP 0x87

#define PKG_LENGTH_EXTRA_SHIFT 6  /* bits 7-6 of the lead byte: count of following bytes */
#define PROCESSOR_FIXED_LEN 6     /* ProcID, PblkAddr (DWord), PblkLen */
#define POWER_RES_FIXED_LEN 3     /* SystemLevel, ResourceOrder (Word) */
#define SLP_TYP_MAX 7             /* SLP_TYP is a 3-bit field */
#define NAME_SEG_LEN AML_NAME_SEG_LEN
#define PATH_SEGS AML_PATH_SEGS   /* kept for the printed path; deeper paths end in "..." */

/* Ranks of a candidate \_S5; higher wins. */
enum { RANK_NONE, RANK_NESTED_SEARCHED, RANK_NESTED, RANK_ROOT_SEARCHED, RANK_ROOT };

struct reader {
	const uint8_t *aml;      /* the whole table; nothing at or past len is read */
	uint32_t len;
	struct aml_s5_result *r;
	const char *fail_why;    /* the table is refused: why, and where */
	uint32_t fail_at;
	int rank;                /* of the candidate in *r */
	const char *note;        /* an \_S5 that was seen but not usable: why, and where */
	uint32_t note_at;
	bool method_s5;          /* \_S5 declared as a Method */
	const struct aml_visit *visit; /* aml_walk's visitor, or NULL */
};

static bool fail(struct reader *rd, uint32_t at, const char *why)
{
	if (!rd->fail_why)
		rd->fail_why = why, rd->fail_at = at;
	return false;
}

/* Decodes the PkgLength at *pos, which must end (with the object it measures) by 'end'.
 * On success *pos moves past it and *pkg_end is the object's end. NULL or why not. */
const char *aml_pkg_length(const uint8_t *a, uint32_t *pos, uint32_t end, uint32_t *pkg_end)
{
	uint32_t start = *pos, n;
	unsigned extra;

	if (start >= end)
		return "PkgLength past the end of its enclosing object";
	extra = a[start] >> PKG_LENGTH_EXTRA_SHIFT;
	if (end - start < 1 + extra)
		return "PkgLength past the end of its enclosing object";
	if (!extra) {
		n = a[start] & 0x3f;
	} else {
		n = a[start] & 0x0f;
		for (unsigned k = 0; k < extra; k++)
			n |= (uint32_t)a[start + 1 + k] << (4 + 8 * k);
	}
	if (n < 1 + extra)
		return "PkgLength shorter than its own encoding";
	if (n > end - start)
		return "PkgLength points beyond the end of its enclosing object";
	*pos = start + 1 + extra;
	*pkg_end = start + n;
	return NULL;
}

static bool read_pkg(struct reader *rd, uint32_t *pos, uint32_t end, uint32_t *pkg_end)
{
	uint32_t at = *pos;
	const char *why = aml_pkg_length(rd->aml, pos, end, pkg_end);

	return why ? fail(rd, at, why) : true;
}

static bool name_char(uint8_t c, bool lead)
{
	return (c >= 'A' && c <= 'Z') || c == '_' || (!lead && c >= '0' && c <= '9');
}

static bool name_lead(uint8_t c)
{
	return c == AML_ROOT_CHAR || c == AML_PARENT_PREFIX || c == AML_DUAL_NAME_PREFIX ||
	       c == AML_MULTI_NAME_PREFIX || name_char(c, true);
}

/* Reads a NameString at *pos (before 'end') and resolves it against *p, the current scope,
 * which becomes the full path. Returns false, *pos unchanged, when it is not a valid one. */
static bool read_name(const uint8_t *a, uint32_t *pos, uint32_t end, struct aml_path *p)
{
	uint32_t i = *pos;
	unsigned segs = 1;

	if (i < end && a[i] == AML_ROOT_CHAR) {
		p->count = 0;
		i++;
	} else {
		for (; i < end && a[i] == AML_PARENT_PREFIX; i++)
			if (p->count)
				p->count--;
	}
	if (i >= end)
		return false;
	if (a[i] == AML_ZERO_OP) { /* NullName */
		segs = 0, i++;
	} else if (a[i] == AML_DUAL_NAME_PREFIX) {
		segs = 2, i++;
	} else if (a[i] == AML_MULTI_NAME_PREFIX) {
		if (end - i < 2 || a[i + 1] == 0)
			return false;
		segs = a[i + 1], i += 2;
	}
	if ((end - i) / NAME_SEG_LEN < segs)
		return false;
	for (unsigned s = 0; s < segs; s++, i += NAME_SEG_LEN) {
		for (unsigned k = 0; k < NAME_SEG_LEN; k++)
			if (!name_char(a[i + k], k == 0))
				return false;
		if (p->count < PATH_SEGS)
			memcpy(p->seg[p->count], a + i, NAME_SEG_LEN);
		p->count++;
	}
	*pos = i;
	return true;
}

static bool is_s5(const struct aml_path *p)
{
	unsigned last = p->count - 1;

	return p->count && last < PATH_SEGS && memcmp(p->seg[last], "_S5_", NAME_SEG_LEN) == 0;
}

void aml_path_string(const struct aml_path *p, char *out, size_t size)
{
	size_t n = 0;

	out[n++] = '\\';
	for (unsigned s = 0; s < p->count && s < PATH_SEGS; s++) {
		if (n + NAME_SEG_LEN + 2 > size)
			break;
		if (s)
			out[n++] = '.';
		memcpy(out + n, p->seg[s], NAME_SEG_LEN);
		n += NAME_SEG_LEN;
	}
	if (p->count > PATH_SEGS && n + 4 <= size)
		memcpy(out + n, "...", 3), n += 3;
	out[n] = '\0';
}

/* An integer constant (ZeroOp, OneOp, OnesOp, Byte/Word/DWord/QWordPrefix) at *pos. */
bool aml_read_integer(const uint8_t *a, uint32_t *pos, uint32_t end, uint64_t *v)
{
	static const uint8_t size[] = {
		[AML_BYTE_PREFIX] = 1, [AML_WORD_PREFIX] = 2, [AML_DWORD_PREFIX] = 4,
		[AML_QWORD_PREFIX] = 8,
	};
	uint32_t i = *pos;
	uint8_t op;

	if (i >= end)
		return false;
	op = a[i];
	*v = 0;
	if (op == AML_ZERO_OP || op == AML_ONE_OP || op == AML_ONES_OP) {
		*v = op == AML_ONES_OP ? ~0ull : op;
		*pos = i + 1;
		return true;
	}
	if (op >= sizeof(size) || !size[op] || end - i - 1 < size[op])
		return false;
	for (unsigned k = 0; k < size[op]; k++)
		*v |= (uint64_t)a[i + 1 + k] << (8 * k);
	*pos = i + 1 + size[op];
	return true;
}

/* Decodes the package of an \_S5 whose NameOp is at name_at and whose data starts at pos
 * (all before 'end') and offers it as a candidate of 'rank'. Never fails the table (the
 * caller's skip does that for a broken structure). Returns NULL or why it is not usable. */
static const char *try_s5(struct reader *rd, uint32_t pos, uint32_t end, const struct aml_path *p,
			  uint32_t name_at, int rank)
{
	const uint8_t *a = rd->aml;
	uint64_t count, v[2];
	uint32_t pkg_end;
	unsigned n = 0;
	bool var;

	if (pos >= end || (a[pos] != AML_PACKAGE_OP && a[pos] != AML_VAR_PACKAGE_OP))
		return "\\_S5 is not a package";
	var = a[pos++] == AML_VAR_PACKAGE_OP;
	if (aml_pkg_length(a, &pos, end, &pkg_end))
		return "\\_S5 package has a bad PkgLength";
	if (var) {
		if (!aml_read_integer(a, &pos, pkg_end, &count))
			return "\\_S5 VarPackage size is not a constant";
	} else {
		if (pos >= pkg_end)
			return "\\_S5 package has no element count";
		count = a[pos++];
	}
	for (; n < 2 && n < count && pos < pkg_end; n++)
		if (!aml_read_integer(a, &pos, pkg_end, &v[n]))
			return "\\_S5 package element is not an integer constant";
	if (n == 0)
		return "\\_S5 package is empty";
	if (n == 1 && count > 1)
		return "\\_S5 package lacks its SLP_TYPb element";
	if (n == 1) /* ACPI 1.0 style: both values packed in one integer */
		v[1] = (v[0] >> 8) & 0xff, v[0] &= 0xff;
	if (v[0] > SLP_TYP_MAX || v[1] > SLP_TYP_MAX)
		return "\\_S5 values do not fit the 3-bit SLP_TYP field";
	if (rank > rd->rank) {
		rd->rank = rank;
		rd->r->slp_typ_a = (uint8_t)v[0];
		rd->r->slp_typ_b = (uint8_t)v[1];
		rd->r->offset = name_at;
		rd->r->at_root = rank == RANK_ROOT || rank == RANK_ROOT_SEARCHED;
		rd->r->scanned = rank == RANK_ROOT_SEARCHED || rank == RANK_NESTED_SEARCHED;
		aml_path_string(p, rd->r->path, sizeof(rd->r->path));
	}
	return NULL;
}

static void note(struct reader *rd, uint32_t at, const char *why)
{
	if (why && !rd->note)
		rd->note = why, rd->note_at = at;
}

/* Searches [from, end) byte by byte for NameOp <..._S5_> Package (see the top comment). */
static void search(struct reader *rd, uint32_t from, uint32_t end, const struct aml_path *scope)
{
	rd->r->scanned_bytes += end - from;
	for (uint32_t i = from; i + 1 < end; i++) {
		struct aml_path p = *scope;
		uint32_t pos = i + 1;

		if (rd->aml[i] != AML_NAME_OP || !read_name(rd->aml, &pos, end, &p) || !is_s5(&p))
			continue;
		note(rd, i, try_s5(rd, pos, end, &p, i,
				   p.count == 1 ? RANK_ROOT_SEARCHED : RANK_NESTED_SEARCHED));
	}
}

/* Steps over a DataRefObject (the value of a Name) or a simple TermArg (an integer or a
 * name). Returns false when the encoding is not one of those (the caller searches
 * instead), or fails the table when its structure is broken. */
static bool skip_data(struct reader *rd, uint32_t *pos, uint32_t end)
{
	const uint8_t *a = rd->aml;
	uint32_t i = *pos, pkg_end;
	uint64_t v;
	struct aml_path p = {0};

	if (i >= end)
		return fail(rd, i, "object data missing at the end of its scope");
	switch (a[i]) {
	case AML_STRING_PREFIX:
		for (i++; i < end && a[i]; i++)
			;
		if (i >= end)
			return fail(rd, *pos, "string without its terminating NUL");
		*pos = i + 1;
		return true;
	case AML_BUFFER_OP:
	case AML_PACKAGE_OP:
	case AML_VAR_PACKAGE_OP:
		i++;
		if (!read_pkg(rd, &i, end, &pkg_end))
			return false;
		*pos = pkg_end;
		return true;
	case AML_EXT_OP_PREFIX:
		if (end - i < 2 || a[i + 1] != AML_REVISION_OP)
			return false;
		*pos = i + 2;
		return true;
	default:
		if (aml_read_integer(a, pos, end, &v) || (name_lead(a[i]) && read_name(a, pos, end, &p)))
			return true;
		if (a[i] == AML_BYTE_PREFIX || a[i] == AML_WORD_PREFIX ||
		    a[i] == AML_DWORD_PREFIX || a[i] == AML_QWORD_PREFIX)
			return fail(rd, i, "integer constant runs past the end of its scope");
		return false;
	}
}

static void walk(struct reader *rd, uint32_t pos, uint32_t end, const struct aml_path *scope,
		 unsigned depth);

/* A named object with a PkgLength whose body is again a term list (Scope, Device,
 * Processor, PowerResource, ThermalZone): 'fixed' bytes follow the name. */
static bool enter_object(struct reader *rd, uint32_t *pos, uint32_t end, const struct aml_path *scope,
			 unsigned fixed, unsigned depth)
{
	uint32_t at = *pos, pkg_end;
	struct aml_path p = *scope;

	if (!read_pkg(rd, pos, end, &pkg_end))
		return false;
	if (!read_name(rd->aml, pos, pkg_end, &p))
		return fail(rd, at, "scope or device without a valid name");
	if (pkg_end - *pos < fixed)
		return fail(rd, at, "object shorter than its fixed fields");
	walk(rd, *pos + fixed, pkg_end, &p, depth + 1);
	*pos = pkg_end;
	return true;
}

/* Handles the object at *pos after ExtOpPrefix. Returns false to stop this term list. */
static bool walk_ext(struct reader *rd, uint32_t *pos, uint32_t end, const struct aml_path *scope,
		     unsigned depth)
{
	uint32_t op_at = *pos - 1, pkg_end;
	struct aml_path p = *scope;
	uint8_t op;

	if (*pos >= end)
		return fail(rd, op_at, "extended opcode cut off by the end of its scope");
	op = rd->aml[(*pos)++];
	switch (op) {
	case AML_DEVICE_OP:
	case AML_THERMAL_ZONE_OP:
		return enter_object(rd, pos, end, scope, 0, depth);
	case AML_PROCESSOR_OP:
		return enter_object(rd, pos, end, scope, PROCESSOR_FIXED_LEN, depth);
	case AML_POWER_RES_OP:
		return enter_object(rd, pos, end, scope, POWER_RES_FIXED_LEN, depth);
	case AML_FIELD_OP:
	case AML_INDEX_FIELD_OP:
	case AML_BANK_FIELD_OP:
		if (!read_pkg(rd, pos, end, &pkg_end))
			return false;
		*pos = pkg_end;
		return true;
	case AML_MUTEX_OP: /* NameString SyncFlags */
	case AML_EVENT_OP: /* NameString */
		if (!read_name(rd->aml, pos, end, &p) || (op == AML_MUTEX_OP && *pos >= end))
			return fail(rd, op_at, "Mutex or Event cut off by the end of its scope");
		*pos += op == AML_MUTEX_OP;
		return true;
	case AML_OP_REGION_OP: /* NameString RegionSpace RegionOffset RegionLen */
		if (!read_name(rd->aml, pos, end, &p) || *pos >= end)
			return fail(rd, op_at, "OperationRegion cut off by the end of its scope");
		(*pos)++;
		if (skip_data(rd, pos, end) && skip_data(rd, pos, end))
			return true;
		break;
	default:
		break;
	}
	if (!rd->fail_why)
		search(rd, op_at, end, scope);
	return false;
}

/* Walks the term list [pos, end) declared in 'scope'. */
static void walk(struct reader *rd, uint32_t pos, uint32_t end, const struct aml_path *scope,
		 unsigned depth)
{
	if (depth > AML_MAX_DEPTH) {
		search(rd, pos, end, scope);
		return;
	}
	while (pos < end && !rd->fail_why) {
		uint32_t op_at = pos, pkg_end;
		uint8_t op = rd->aml[pos++];
		struct aml_path p = *scope;

		switch (op) {
		case AML_NAME_OP:
			if (!read_name(rd->aml, &pos, end, &p)) {
				fail(rd, op_at, "Name() without a valid name");
				return;
			}
			if (is_s5(&p))
				note(rd, op_at, try_s5(rd, pos, end, &p, op_at,
						       p.count == 1 ? RANK_ROOT : RANK_NESTED));
			if (rd->visit && rd->visit->name)
				rd->visit->name(rd->visit->ctx, &p, rd->aml, op_at, pos, end);
			if (!skip_data(rd, &pos, end)) {
				if (!rd->fail_why)
					search(rd, op_at, end, scope);
				return;
			}
			break;
		case AML_SCOPE_OP:
			if (!enter_object(rd, &pos, end, scope, 0, depth))
				return;
			break;
		case AML_METHOD_OP:
			if (!read_pkg(rd, &pos, end, &pkg_end))
				return;
			if (!read_name(rd->aml, &pos, pkg_end, &p)) {
				pos = pkg_end;
				break;
			}
			if (is_s5(&p) && !rd->method_s5) {
				rd->method_s5 = true;
				note(rd, op_at, "\\_S5 is a method (not evaluated)");
			}
			if (rd->visit && rd->visit->method)
				rd->visit->method(rd->visit->ctx, &p, op_at);
			pos = pkg_end;
			break;
		case AML_IF_OP:
		case AML_ELSE_OP:
		case AML_WHILE_OP:
			if (!read_pkg(rd, &pos, end, &pkg_end))
				return;
			search(rd, pos, pkg_end, scope);
			pos = pkg_end;
			break;
		case AML_BUFFER_OP:
		case AML_PACKAGE_OP:
		case AML_VAR_PACKAGE_OP:
			if (!read_pkg(rd, &pos, end, &pkg_end))
				return;
			pos = pkg_end;
			break;
		case AML_EXTERNAL_OP: /* NameString ObjectType ArgumentCount */
			if (!read_name(rd->aml, &pos, end, &p) || end - pos < 2) {
				fail(rd, op_at, "External() cut off by the end of its scope");
				return;
			}
			pos += 2;
			break;
		case AML_ALIAS_OP: /* NameString NameString */
			if (!read_name(rd->aml, &pos, end, &p) || !read_name(rd->aml, &pos, end, &p)) {
				fail(rd, op_at, "Alias() without two valid names");
				return;
			}
			break;
		case AML_EXT_OP_PREFIX:
			if (!walk_ext(rd, &pos, end, scope, depth))
				return;
			break;
		default:
			search(rd, op_at, end, scope);
			return;
		}
	}
}

/*
 * aml_walk - see aml.h. The result's status says what was found; why and offset
 * explain anything but AML_S5_FOUND (the first problem for a refused table; for an absent
 * or unsupported \_S5, the \_S5 that was seen and why it could not be used).
 */
/* The table header's checks: NULL with *tlen, or why the table is refused (*offset). */
static const char *check_header(const uint8_t *t, size_t len, uint32_t *tlen, uint32_t *offset)
{
	*offset = 0;
	if (len < SDT_HEADER_LEN)
		return "shorter than an ACPI table header";
	memcpy(tlen, t + 4, 4);
	if (memcmp(t, "DSDT", 4) != 0 && memcmp(t, "SSDT", 4) != 0)
		return "not a DSDT or SSDT";
	if (*tlen < SDT_HEADER_LEN)
		return "its length field is shorter than the header";
	if (*tlen > len) {
		*offset = (uint32_t)len;
		return "truncated: its header claims more bytes than there are";
	}
	return NULL;
}

enum aml_status aml_walk(const uint8_t *t, size_t len, const struct aml_visit *v,
			 struct aml_s5_result *r)
{
	struct reader rd = {.aml = t, .r = r, .visit = v};
	struct aml_path root = {0};
	uint32_t tlen;

	memset(r, 0, sizeof(*r));
	r->status = AML_S5_MALFORMED;
	r->why = check_header(t, len, &tlen, &r->offset);
	if (r->why)
		return r->status;
	rd.len = tlen;
	walk(&rd, SDT_HEADER_LEN, tlen, &root, 0);
	if (rd.fail_why) {
		r->why = rd.fail_why, r->offset = rd.fail_at;
		r->slp_typ_a = r->slp_typ_b = 0, r->path[0] = '\0';
	} else if (rd.rank) {
		r->status = AML_S5_FOUND;
	} else if (rd.note) {
		r->status = AML_S5_UNSUPPORTED;
		r->why = rd.note, r->offset = rd.note_at;
	} else {
		r->status = AML_S5_ABSENT;
		r->why = "no \\_S5 in the table";
	}
	return r->status;
}

/* aml_find_s5 - see aml.h: the walk without a visitor. */
enum aml_status aml_find_s5(const uint8_t *t, size_t len, struct aml_s5_result *r)
{
	return aml_walk(t, len, NULL, r);
}
