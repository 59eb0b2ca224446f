// SPDX-License-Identifier: MIT
/*
 * The HID report descriptor reader for keyboards in report protocol (see hid_desc.h).
 *
 * A report descriptor is a stream of items (HID 1.11 6.2.2): global items set state that
 * lasts (usage page, logical range, report size, count and ID; Push and Pop save and
 * restore it), local items name the usages of the next main item only, and each Input or
 * Output main item lays out report count fields of report size bits at the end of the
 * report of the current ID. One pass keeps each ID's input and output length, so a field's
 * offset is its report's length before it; the first input report with a key field of page
 * 0x07 is the keyboard's, and the first output report with a lock LED the LEDs'. Fields of
 * other reports, and fields of the keyboard's report that name no key, are counted and
 * otherwise left alone. Lengths are checked once the whole descriptor is read: the
 * keyboard's input report at most HID_KEY_REPORT_MAX bytes, any other at most
 * HID_INPUT_REPORT_MAX (a vendor report may well be longer than the keys'; hid_desc.h says
 * why those bounds).
 *
 * Usages are kept as page << 16 | ID. A usage item of 1 or 2 bytes takes the usage page in
 * force at its main item (a Usage Page between the usages and the main item still applies,
 * as Linux reads it); a 4-byte one carries its own page. A field beyond the last usage takes
 * the last usage (HID 1.11 6.2.2.8). Delimiter sets are read as their first usage.
 *
 * This file only builds the layout; hid_layout.c reads reports through it (boot reports,
 * the verdict on an odd report, the LED report, the description for the log).
 */
#include <lios/errno.h>
#include <lios/string.h>
#include "hid_desc.h"

/* Item prefix (HID 1.11 6.2.2.2): bSize in bits 1:0 (0, 1, 2 or 4 data bytes), bType 3:2,
 * bTag 7:4; 0xfe opens a long item (bDataSize, bLongItemTag, data), which is skipped. */
#define HID_ITEM_LONG 0xfe
#define HID_TYPE_MAIN 0
#define HID_TYPE_GLOBAL 1
#define HID_TYPE_LOCAL 2

/* main item tags (6.2.2.4) */
#define HID_MAIN_INPUT 0x8
#define HID_MAIN_OUTPUT 0x9
#define HID_MAIN_COLLECTION 0xa
#define HID_MAIN_FEATURE 0xb
#define HID_MAIN_END_COLLECTION 0xc
/* Input/Output data bits (6.2.2.5) */
#define HID_FIELD_CONSTANT (1u << 0)
#define HID_FIELD_VARIABLE (1u << 1)
/* global item tags (6.2.2.7) */
#define HID_GLOBAL_USAGE_PAGE 0x0
#define HID_GLOBAL_LOGICAL_MIN 0x1
#define HID_GLOBAL_LOGICAL_MAX 0x2
#define HID_GLOBAL_REPORT_SIZE 0x7
#define HID_GLOBAL_REPORT_ID 0x8
#define HID_GLOBAL_REPORT_COUNT 0x9
#define HID_GLOBAL_PUSH 0xa
#define HID_GLOBAL_POP 0xb
/* local item tags (6.2.2.8) */
#define HID_LOCAL_USAGE 0x0
#define HID_LOCAL_USAGE_MIN 0x1
#define HID_LOCAL_USAGE_MAX 0x2
#define HID_LOCAL_DELIMITER 0xa

/* usage pages and usages (HID Usage Tables 1.12) */
#define HID_PAGE_KEYBOARD 0x07
#define HID_PAGE_LED 0x08
#define HID_USAGE_LED_NUM 0x01
#define HID_USAGE_LED_SCROLL 0x03

#define HID_PUSH_DEPTH 8
#define HID_MAX_IDS HID_KBD_MAX_IDS
#define HID_MAX_USAGES 32 /* local usage entries (a range is one) of one main item */
#define HID_REPORT_MAX_BITS (HID_REPORT_DESC_MAX * 8)
#define HID_LED_REPORT_MAX_BITS (255 * 8) /* what led_bytes counts */

struct hid_globals {
	uint32_t usage_page;
	int32_t logical_min, logical_max;
	uint8_t logical_max_size; /* data bytes of Logical Maximum, to read it unsigned */
	uint32_t report_size, report_count;
	uint8_t report_id;
};

/* one local usage entry: a usage, or the range min..max; explicit: a 4-byte item's page */
struct hid_usage {
	uint32_t min, max;
	bool explicit_page;
};

struct hid_report_len {
	uint8_t id;
	uint16_t in_bits, out_bits; /* at most HID_REPORT_MAX_BITS */
};

struct hid_parser {
	struct hid_globals g, stack[HID_PUSH_DEPTH];
	unsigned int depth;
	struct hid_usage usage[HID_MAX_USAGES];
	unsigned int nusage;
	bool usage_lost;         /* more entries than usage[] holds */
	bool have_min, have_max; /* a Usage Minimum / Maximum waiting for its other end */
	bool min_explicit, max_explicit;
	uint32_t range_min, range_max;
	bool in_delimiter;           /* between Delimiter(open) and Delimiter(close) */
	unsigned int delimiter_from; /* usage entries before it opened */
	bool ids_used;               /* some Report ID item seen */
	struct hid_report_len len[HID_MAX_IDS];
	unsigned int nlen;
	bool have_kbd, have_leds;
	struct hid_kbd_layout *k;
	const char *why;
};

static int refuse(struct hid_parser *p, const char *why)
{
	if (!p->why)
		p->why = why;
	return -EINVAL;
}

static uint32_t item_unsigned(const uint8_t *d, unsigned int n)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (uint32_t)d[i] << (8 * i);
	return v;
}

static int32_t item_signed(const uint8_t *d, unsigned int n)
{
	uint32_t v = item_unsigned(d, n);

	if (n == 1)
		return (int8_t)v;
	if (n == 2)
		return (int16_t)v;
	return (int32_t)v;
}

/* The running lengths of report id (NULL: more IDs than HID 1.11 devices use, refused). */
static struct hid_report_len *report_len(struct hid_parser *p, uint8_t id)
{
	for (unsigned int i = 0; i < p->nlen; i++)
		if (p->len[i].id == id)
			return &p->len[i];
	if (p->nlen == HID_MAX_IDS)
		return NULL;
	p->len[p->nlen] = (struct hid_report_len){ .id = id };
	return &p->len[p->nlen++];
}

/* The usage of field i of the current main item (0: none named), as 6.2.2.8 assigns them:
 * entries in order, a range counting as its length, the last usage for every field past
 * the end. */
static uint32_t field_usage(const struct hid_parser *p, uint32_t i)
{
	uint32_t last = 0;

	for (unsigned int e = 0; e < p->nusage; e++) {
		const struct hid_usage *u = &p->usage[e];
		uint32_t span = u->max - u->min + 1;

		if (i < span)
			return u->min + i;
		i -= span;
		last = u->max;
	}
	return last;
}

static bool on_page(uint32_t usage, uint32_t page) { return usage >> 16 == page; }

/* 1-bit key fields: appended to the last run when they continue it, else a new run. */
static int add_key_bits(struct hid_parser *p, uint32_t bit)
{
	struct hid_kbd_layout *k = p->k;

	for (uint32_t i = 0; i < p->g.report_count; i++) {
		uint32_t u = field_usage(p, i);
		struct hid_key_run *r = k->nruns ? &k->run[k->nruns - 1] : NULL;

		if (!on_page(u, HID_PAGE_KEYBOARD) || (u & 0xffff) > 0xff)
			continue;
		u &= 0xffff;
		if (r && r->bit + r->count == bit + i && r->first + r->count == u) {
			r->count++;
			continue;
		}
		if (k->nruns == HID_KBD_MAX_RUNS)
			return refuse(p, "more key fields than LiOS reads");
		k->run[k->nruns++] = (struct hid_key_run){ (uint16_t)(bit + i), (uint16_t)u, 1 };
	}
	return 0;
}

/* An array of key fields: its usages must be one range of page 0x07 (as every keyboard's
 * are), which maps a field's value to its usage. */
static int add_key_array(struct hid_parser *p, uint32_t bit)
{
	struct hid_kbd_layout *k = p->k;
	const struct hid_usage *u = &p->usage[0];
	int32_t lmin = p->g.logical_min, lmax = p->g.logical_max;

	if (p->nusage != 1 || !on_page(u->min, HID_PAGE_KEYBOARD) ||
	    !on_page(u->max, HID_PAGE_KEYBOARD))
		return refuse(p, "key array whose usages are not one range");
	if (p->g.report_size > 16)
		return refuse(p, "key array of fields wider than 16 bits");
	if (lmin < 0 || lmax < lmin || lmax > 0xffff)
		return refuse(p, "key array with a negative or empty logical range");
	if (k->narrays == HID_KBD_MAX_ARRAYS)
		return refuse(p, "more key fields than LiOS reads");
	k->array[k->narrays++] = (struct hid_key_array){
		.bit = (uint16_t)bit,
		.size = (uint8_t)p->g.report_size,
		.count = (uint8_t)MIN(p->g.report_count, 255u),
		.logical_min = (uint16_t)lmin,
		.logical_max = (uint16_t)lmax,
		.usage_min = (uint16_t)(u->min & 0xffff),
		.usage_max = (uint16_t)(u->max & 0xffff),
	};
	return 0;
}

/* Whether any usage the current main item names is on page (with a usage ID of at most
 * max_id), or its usages were lost: such a field cannot be skipped blindly. */
static bool names_page(const struct hid_parser *p, uint32_t page, uint32_t max_id)
{
	for (unsigned int e = 0; e < p->nusage; e++)
		if ((on_page(p->usage[e].min, page) || on_page(p->usage[e].max, page)) &&
		    (p->usage[e].min & 0xffff) <= max_id)
			return true;
	return p->usage_lost && p->g.usage_page == page;
}

static int input_item(struct hid_parser *p, uint32_t flags, uint32_t bit)
{
	struct hid_kbd_layout *k = p->k;
	bool keys = !(flags & HID_FIELD_CONSTANT) && names_page(p, HID_PAGE_KEYBOARD, 0xffff);
	int err;

	if (!keys || (p->have_kbd && p->g.report_id != k->report_id))
		return 0;
	if (p->usage_lost)
		return refuse(p, "more usages than LiOS reads");
	if ((flags & HID_FIELD_VARIABLE) && p->g.report_size != 1)
		return 0; /* a key as a number: no keyboard sends that; skipped, its report not
			   * taken for the keyboard's */
	if (!p->have_kbd) {
		p->have_kbd = true;
		k->report_id = p->g.report_id;
	}
	if (flags & HID_FIELD_VARIABLE) {
		err = add_key_bits(p, bit);
	} else {
		err = add_key_array(p, bit);
	}
	if (!err)
		k->need_bits =
			(uint16_t)MAX(k->need_bits, bit + p->g.report_size * p->g.report_count);
	return err;
}

static void output_item(struct hid_parser *p, uint32_t flags, uint32_t bit)
{
	struct hid_kbd_layout *k = p->k;

	if ((flags & (HID_FIELD_CONSTANT | HID_FIELD_VARIABLE)) != HID_FIELD_VARIABLE ||
	    p->g.report_size != 1 || !names_page(p, HID_PAGE_LED, HID_USAGE_LED_SCROLL) ||
	    (p->have_leds && p->g.report_id != k->led_report_id))
		return;
	if (!p->have_leds) {
		p->have_leds = true;
		k->led_report_id = p->g.report_id;
	}
	for (uint32_t i = 0; i < p->g.report_count; i++) {
		uint32_t u = field_usage(p, i);

		if (on_page(u, HID_PAGE_LED) && (u & 0xffff) >= HID_USAGE_LED_NUM &&
		    (u & 0xffff) <= HID_USAGE_LED_SCROLL && k->led_bit[(u & 0xffff) - 1] < 0)
			k->led_bit[(u & 0xffff) - 1] = (int16_t)(bit + i);
	}
}

/* Usages without their own page take the page in force at the main item. */
static void complete_usages(struct hid_parser *p)
{
	for (unsigned int e = 0; e < p->nusage; e++)
		if (!p->usage[e].explicit_page) {
			p->usage[e].min |= p->g.usage_page << 16;
			p->usage[e].max |= p->g.usage_page << 16;
		}
}

static void clear_locals(struct hid_parser *p)
{
	p->nusage = 0;
	p->usage_lost = false;
	p->have_min = p->have_max = false;
	p->in_delimiter = false;
}

static int main_item(struct hid_parser *p, unsigned int tag, uint32_t data)
{
	struct hid_report_len *r;
	uint32_t field_bits = p->g.report_size * p->g.report_count; /* each < 2^16: no wrap */
	uint16_t *bits;
	int err = 0;

	if (tag != HID_MAIN_INPUT && tag != HID_MAIN_OUTPUT) {
		clear_locals(p); /* a feature report, a collection: nothing a keyboard needs */
		return 0;
	}
	r = report_len(p, p->g.report_id);
	if (!r)
		return refuse(p, "more than 32 report IDs");
	complete_usages(p);
	bits = tag == HID_MAIN_INPUT ? &r->in_bits : &r->out_bits;
	if (*bits + field_bits > HID_REPORT_MAX_BITS)
		return refuse(p, "a report longer than 4096 bytes");
	if (tag == HID_MAIN_INPUT)
		err = input_item(p, data, *bits);
	else
		output_item(p, data, *bits);
	*bits = (uint16_t)(*bits + field_bits);
	clear_locals(p);
	return err;
}

static int global_item(struct hid_parser *p, unsigned int tag, const uint8_t *d, unsigned int n)
{
	uint32_t v = item_unsigned(d, n);

	switch (tag) {
	case HID_GLOBAL_USAGE_PAGE:
		p->g.usage_page = v & 0xffff;
		break;
	case HID_GLOBAL_LOGICAL_MIN:
		p->g.logical_min = item_signed(d, n);
		break;
	case HID_GLOBAL_LOGICAL_MAX:
		p->g.logical_max = item_signed(d, n);
		p->g.logical_max_size = (uint8_t)n;
		break;
	case HID_GLOBAL_REPORT_SIZE:
		if (v > 0xffff)
			return refuse(p, "report size above 65535 bits");
		p->g.report_size = v;
		break;
	case HID_GLOBAL_REPORT_COUNT:
		if (v > 0xffff)
			return refuse(p, "report count above 65535");
		p->g.report_count = v;
		break;
	case HID_GLOBAL_REPORT_ID:
		if (!v || v > 0xff)
			return refuse(p, "report ID 0 or above 255");
		p->g.report_id = (uint8_t)v;
		p->ids_used = true;
		break;
	case HID_GLOBAL_PUSH:
		if (p->depth == HID_PUSH_DEPTH)
			return refuse(p, "Push deeper than 8");
		p->stack[p->depth++] = p->g;
		break;
	case HID_GLOBAL_POP:
		if (!p->depth)
			return refuse(p, "Pop with nothing pushed");
		p->g = p->stack[--p->depth];
		break;
	default:
		break; /* physical range, units: nothing a key needs */
	}
	/* a Logical Maximum such as 0xff in one byte reads -1: unsigned when the minimum is
	 * not negative (as Linux and every keyboard's author mean it) */
	if (p->g.logical_min >= 0 && p->g.logical_max < 0 && p->g.logical_max_size < 4)
		p->g.logical_max &= (int32_t)((1u << (8 * p->g.logical_max_size)) - 1);
	return 0;
}

static void add_usage(struct hid_parser *p, uint32_t min, uint32_t max, bool explicit_page)
{
	if (p->nusage == HID_MAX_USAGES) {
		p->usage_lost = true;
		return;
	}
	p->usage[p->nusage++] = (struct hid_usage){ min, max, explicit_page };
}

static void local_item(struct hid_parser *p, unsigned int tag, uint32_t v, unsigned int n)
{
	bool explicit_page = n == 4;

	if (tag == HID_LOCAL_DELIMITER) {
		p->in_delimiter = v == 1;
		p->delimiter_from = p->nusage;
		return;
	}
	if (p->in_delimiter && p->nusage > p->delimiter_from)
		return; /* the set's alternatives to its first usage */
	switch (tag) {
	case HID_LOCAL_USAGE:
		add_usage(p, v, v, explicit_page);
		return;
	case HID_LOCAL_USAGE_MIN:
		p->range_min = v;
		p->min_explicit = explicit_page;
		p->have_min = true;
		break;
	case HID_LOCAL_USAGE_MAX:
		p->range_max = v;
		p->max_explicit = explicit_page;
		p->have_max = true;
		break;
	default:
		return; /* designators, strings */
	}
	if (!p->have_min || !p->have_max)
		return;
	p->have_min = p->have_max = false;
	/* one end with its page gives it to the other */
	if (p->min_explicit && !p->max_explicit)
		p->range_max |= p->range_min & 0xffff0000u;
	else if (p->max_explicit && !p->min_explicit)
		p->range_min |= p->range_max & 0xffff0000u;
	/* a range upside down or across pages names nothing */
	if (p->range_min <= p->range_max && p->range_max - p->range_min <= 0xffff)
		add_usage(p, p->range_min, p->range_max, p->min_explicit || p->max_explicit);
}

/* The length of an input report of in_bits data bits, ID byte included. */
static uint32_t input_bytes(const struct hid_parser *p, uint32_t in_bits)
{
	return (in_bits + 7u) / 8 + (p->ids_used ? 1u : 0u);
}

/* The longest input report of any ID, ID byte included. */
static uint32_t longest_input(const struct hid_parser *p)
{
	uint32_t most = 0;

	for (unsigned int i = 0; i < p->nlen; i++)
		most = MAX(most, input_bytes(p, p->len[i].in_bits));
	return most;
}

/* The keyboard's input report is at most HID_KEY_REPORT_MAX bytes (what the driver keeps of
 * a report), every other one at most HID_INPUT_REPORT_MAX (what a transfer takes): else
 * refused, the keyboard's first. */
static void check_input_lengths(struct hid_parser *p)
{
	for (unsigned int i = 0; i < p->nlen; i++)
		if (p->len[i].id == p->k->report_id &&
		    input_bytes(p, p->len[i].in_bits) > HID_KEY_REPORT_MAX)
			refuse(p, "a key report longer than 64 bytes");
	if (longest_input(p) > HID_INPUT_REPORT_MAX)
		refuse(p, "an input report longer than 1024 bytes");
}

/* hid_parse_kbd_desc - the keyboard layout of a report descriptor (see hid_desc.h). Pure. */
int hid_parse_kbd_desc(const uint8_t *desc, size_t len, struct hid_kbd_layout *k, const char **why)
{
	struct hid_parser p = { .k = k };
	size_t i = 0;

	memset(k, 0, sizeof(*k));
	for (int l = 0; l < 3; l++)
		k->led_bit[l] = -1;
	while (i < len && !p.why) {
		uint8_t prefix = desc[i];
		unsigned int n = prefix & 3, type = (prefix >> 2) & 3, tag = prefix >> 4;

		if (prefix == HID_ITEM_LONG) {
			if (len - i < 3 || len - i - 3 < desc[i + 1]) {
				refuse(&p, "long item cut off by the end");
				break;
			}
			i += 3 + desc[i + 1];
			continue;
		}
		if (n == 3)
			n = 4;
		if (len - i - 1 < n) {
			refuse(&p, "item cut off by the end");
			break;
		}
		if (type == HID_TYPE_MAIN)
			main_item(&p, tag, item_unsigned(desc + i + 1, n));
		else if (type == HID_TYPE_GLOBAL)
			global_item(&p, tag, desc + i + 1, n);
		else if (type == HID_TYPE_LOCAL)
			local_item(&p, tag, item_unsigned(desc + i + 1, n), n);
		i += 1 + n;
	}
	for (unsigned int r = 0; r < p.nlen && p.ids_used; r++)
		if (!p.len[r].id)
			refuse(&p, "a report without an ID beside reports with IDs");
	if (!p.why && !k->nruns && !k->narrays) {
		*why = "no key field in any input report"; /* read through: not a keyboard */
		return -ENOENT;
	}
	check_input_lengths(&p);
	if (p.why) {
		*why = p.why;
		return -EINVAL;
	}
	k->in_max_bytes = (uint16_t)longest_input(&p);
	for (unsigned int r = 0; r < p.nlen; r++)
		if (p.len[r].in_bits)
			k->in[k->nin++] = (struct hid_in_report){
				p.len[r].id, (uint16_t)input_bytes(&p, p.len[r].in_bits)
			};
	/* an LED report longer than led_bytes can count is left alone: cut to 255 bytes it
	 * would be the wrong report, and LED bits past its end would be written past it */
	for (unsigned int r = 0; r < p.nlen && p.have_leds; r++)
		if (p.len[r].id == k->led_report_id && p.len[r].out_bits <= HID_LED_REPORT_MAX_BITS)
			k->led_bytes = (uint8_t)((p.len[r].out_bits + 7u) / 8);
	if (!k->led_bytes) {
		k->led_report_id = 0;
		for (int l = 0; l < 3; l++)
			k->led_bit[l] = -1;
	}
	return 0;
}
