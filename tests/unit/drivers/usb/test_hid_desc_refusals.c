// SPDX-License-Identifier: MIT
/*
 * Host tests of the HID report descriptor reader's refusals (src/drivers/usb/hid_desc.c):
 * every reason hid_desc.h's contract gives, checked word for word, each beside the
 * descriptor closest to it that is still accepted (one byte more, one level, ID, field or
 * usage less): items and long items cut off by the end, report IDs 0 and 256, Push past 8
 * and Pop with nothing pushed, 33 report IDs, a 4097-byte report and 17-bit sizes and
 * counts, no key field (-ENOENT, not a keyboard, where the others are -EINVAL: a mouse,
 * keys only in other main items, nothing at all), more key runs or arrays than the layout
 * holds, key arrays too wide, of several usages or across pages, with a negative or empty
 * logical range, the keyboard's input report over 64 bytes with and without an ID byte and
 * another input report over 1024, a report without an ID beside reports with IDs, and more
 * usages on a key field than LiOS reads. Descriptors written item by item (hid_desc_items.h).
 */
#include "hid_desc_items.h"

/* Items cut off by the end of the descriptor after a whole keyboard: 1, 2 and 4 data
 * bytes announced, one short each; long items without their header or their data. The
 * same descriptors complete are accepted. */
static void refused_cut_off(void)
{
	static const uint8_t tails[][7] = {
		{ 1, 0x15 },                   /* Logical Minimum, no data */
		{ 2, 0x26, 0xff },             /* Logical Maximum, 1 of 2 bytes */
		{ 4, 0x27, 0, 0, 0 },          /* Logical Maximum, 3 of 4 bytes */
		{ 1, 0xfe },                   /* a long item's prefix alone */
		{ 2, 0xfe, 0 },                /* without its tag */
		{ 6, 0xfe, 4, 0x10, 1, 2, 3 }, /* 3 of 4 data bytes */
	};
	static const uint8_t whole[][7] = {
		{ 2, 0x15, 0 },       { 3, 0x26, 0xff, 0 },          { 5, 0x27, 0, 0, 0, 0 },
		{ 3, 0xfe, 0, 0x10 }, { 6, 0xfe, 3, 0x10, 1, 2, 3 },
	};
	struct desc d;

	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		d.n = 0;
		PUT(&d, BOOT_KBD);
		put(&d, tails[i] + 1, tails[i][0]);
		CHECK_REFUSED(d.b, d.n,
			      tails[i][1] == 0xfe ? "long item cut off by the end"
						  : "item cut off by the end");
	}
	for (size_t i = 0; i < sizeof(whole) / sizeof(whole[0]); i++) {
		d.n = 0;
		PUT(&d, BOOT_KBD);
		put(&d, whole[i] + 1, whole[i][0]);
		CHECK_EQ(parse(d.b, d.n), 0);
	}
}

/* Report IDs 0 (one byte) and 256 (two bytes) refused; 255 in two bytes is the
 * keyboard's. */
static void refused_report_id(void)
{
	static const uint8_t zero[] = { REPORT_ID(0), BOOT_KBD };
	static const uint8_t id256[] = { 0x86, 0x00, 0x01, BOOT_KBD };
	static const uint8_t id255[] = { 0x86, 0xff, 0x00, BOOT_KBD };

	CHECK_REFUSED(zero, sizeof(zero), "report ID 0 or above 255");
	CHECK_REFUSED(id256, sizeof(id256), "report ID 0 or above 255");
	CHECK_EQ(PARSE(id255), 0);
	CHECK_EQ(k.report_id, 255);
	CHECK_EQ(k.in_max_bytes, 9);
}

/* Push nine deep refused, eight deep (and popped) accepted; Pop with nothing pushed
 * refused, at the start and after a Push already popped. */
static void refused_push_pop(void)
{
	/* clang-format off */
	static const uint8_t push9[] = {PUSH, PUSH, PUSH, PUSH, PUSH, PUSH, PUSH, PUSH, PUSH, BOOT_KBD};
	static const uint8_t push8[] = {PUSH, PUSH, PUSH, PUSH, PUSH, PUSH, PUSH, PUSH,
					POP, POP, POP, POP, POP, POP, POP, POP, BOOT_KBD};
	/* clang-format on */
	static const uint8_t pop[] = { POP, BOOT_KBD };
	static const uint8_t push_pop2[] = { BOOT_KBD, PUSH, POP, POP };

	CHECK_REFUSED(push9, sizeof(push9), "Push deeper than 8");
	CHECK_EQ(PARSE(push8), 0);
	CHECK_REFUSED(pop, sizeof(pop), "Pop with nothing pushed");
	CHECK_REFUSED(push_pop2, sizeof(push_pop2), "Pop with nothing pushed");
}

/* 33 report IDs with input reports refused; 32 (31 one-byte vendor reports, then the
 * keyboard as ID 32) accepted. */
static void refused_report_ids(void)
{
	struct desc d = { .n = 0 };

	for (uint8_t id = 1; id <= 31; id++)
		PUT(&d, REPORT_ID(id), REPORT_SIZE(8), REPORT_COUNT(1), INPUT(CONSTANT));
	PUT(&d, KBD_OPEN, REPORT_ID(32), KBD_MODIFIERS, KBD_LEDS, KBD_KEYS, END_COLLECTION);
	CHECK_EQ(parse(d.b, d.n), 0);
	CHECK_EQ(k.report_id, 32);
	PUT(&d, REPORT_ID(33), REPORT_SIZE(8), REPORT_COUNT(1), INPUT(CONSTANT));
	CHECK_REFUSED(d.b, d.n, "more than 32 report IDs");
}

/* An output report of 4097 bytes refused; one of 4096 accepted (under its own ID, beside
 * the keyboard's). Sizes and counts above 16 bits refused. */
static void refused_long_report(void)
{
	static const uint8_t b4097[] = { KBD_ID1, REPORT_ID(2), REPORT_SIZE(8),
					 REPORT_COUNT16(4097), OUTPUT(CONSTANT) };
	static const uint8_t b4096[] = { KBD_ID1, REPORT_ID(2), REPORT_SIZE(8),
					 REPORT_COUNT16(4096), OUTPUT(CONSTANT) };
	static const uint8_t in4097[] = { REPORT_SIZE(8), REPORT_COUNT16(4097), INPUT(CONSTANT),
					  BOOT_KBD };
	static const uint8_t size17[] = { 0x77, 0x00, 0x00, 0x01, 0x00, BOOT_KBD };
	static const uint8_t count17[] = { 0x97, 0x00, 0x00, 0x01, 0x00, BOOT_KBD };

	CHECK_REFUSED(b4097, sizeof(b4097), "a report longer than 4096 bytes");
	CHECK_EQ(PARSE(b4096), 0);
	CHECK_EQ(k.led_bytes, 1);
	CHECK_REFUSED(in4097, sizeof(in4097), "a report longer than 4096 bytes");
	CHECK_REFUSED(size17, sizeof(size17), "report size above 65535 bits");
	CHECK_REFUSED(count17, sizeof(count17), "report count above 65535");
}

/* No key field in any input report: a mouse; keys only in a Feature report, an Output
 * report or constant input; an empty descriptor. */
static void refused_no_keys(void)
{
	/* clang-format off */
	static const uint8_t mouse[] = {
		USAGE_PAGE(PAGE_DESKTOP), USAGE(0x02), COLLECTION(0x01), USAGE(0x01), COLLECTION(0x00),
		USAGE_PAGE(0x09), USAGE_MIN(1), USAGE_MAX(3), LOGICAL_MIN(0), LOGICAL_MAX(1),
		REPORT_COUNT(3), REPORT_SIZE(1), INPUT(DATA_VAR),
		REPORT_COUNT(1), REPORT_SIZE(5), INPUT(CONSTANT),
		USAGE_PAGE(PAGE_DESKTOP), USAGE(0x30), USAGE(0x31), LOGICAL_MIN(0x81), LOGICAL_MAX(0x7f),
		REPORT_SIZE(8), REPORT_COUNT(2), INPUT(0x06), /* Data, Variable, Relative */
		END_COLLECTION, END_COLLECTION,
	};
	/* clang-format on */
	/* clang-format off */
	static const uint8_t elsewhere[] = {
		KBD_OPEN,
		USAGE_PAGE(PAGE_KEYS), LOGICAL_MIN(0), LOGICAL_MAX(0x65), REPORT_SIZE(8), REPORT_COUNT(6),
		USAGE_MIN(0), USAGE_MAX(0x65), FEATURE(DATA_ARRAY),
		USAGE_MIN(0), USAGE_MAX(0x65), OUTPUT(DATA_ARRAY),
		USAGE_MIN(0), USAGE_MAX(0x65), INPUT(CONSTANT),
		END_COLLECTION,
	};
	/* clang-format on */

	CHECK_NO_KEYS(mouse, sizeof(mouse));
	CHECK_NO_KEYS(elsewhere, sizeof(elsewhere));
	CHECK_NO_KEYS(boot_desc, 0);
}

/* 17 runs of key bits (single keys of usages 4, 6, 8, ...: no two continue each other)
 * refused, 16 accepted; 5 key arrays refused, 4 accepted at bits 0, 8, 16, 24. */
static void refused_too_many_fields(void)
{
	struct desc d = { .n = 0 };

	PUT(&d, KBD_OPEN, USAGE_PAGE(PAGE_KEYS), LOGICAL_MIN(0), LOGICAL_MAX(1), REPORT_SIZE(1),
	    REPORT_COUNT(1));
	for (uint8_t i = 0; i < HID_KBD_MAX_RUNS; i++)
		PUT(&d, USAGE(4 + 2 * i), INPUT(DATA_VAR));
	CHECK_EQ(parse(d.b, d.n), 0);
	CHECK_EQ(k.nruns, HID_KBD_MAX_RUNS);
	CHECK_EQ(k.run[HID_KBD_MAX_RUNS - 1].bit, HID_KBD_MAX_RUNS - 1);
	CHECK_EQ(k.run[HID_KBD_MAX_RUNS - 1].first, 4 + 2 * (HID_KBD_MAX_RUNS - 1));
	PUT(&d, USAGE(0x40), INPUT(DATA_VAR));
	CHECK_REFUSED(d.b, d.n, "more key fields than LiOS reads");

	d.n = 0;
	PUT(&d, KBD_OPEN, USAGE_PAGE(PAGE_KEYS), LOGICAL_MIN(0), LOGICAL_MAX(0x65), REPORT_SIZE(8),
	    REPORT_COUNT(1));
	for (int i = 0; i < HID_KBD_MAX_ARRAYS; i++)
		PUT(&d, USAGE_MIN(0), USAGE_MAX(0x65), INPUT(DATA_ARRAY));
	CHECK_EQ(parse(d.b, d.n), 0);
	CHECK_EQ(k.narrays, HID_KBD_MAX_ARRAYS);
	CHECK_EQ(k.array[3].bit, 24);
	CHECK_EQ(k.need_bits, 32);
	PUT(&d, USAGE_MIN(0), USAGE_MAX(0x65), INPUT(DATA_ARRAY));
	CHECK_REFUSED(d.b, d.n, "more key fields than LiOS reads");
}

/* Key arrays refused: 17-bit fields (16-bit ones accepted, a little-endian field value
 * read whole); usages that are two Usage items, or a range from page 7 into page 8; a
 * logical minimum of -1, or a maximum below the minimum. */
static void refused_key_arrays(void)
{
#define ARRAY_OF(size, lmin, lmax, ...)                                                         \
	KBD_OPEN, USAGE_PAGE(PAGE_KEYS), REPORT_SIZE(size), REPORT_COUNT(2), LOGICAL_MIN(lmin), \
		LOGICAL_MAX(lmax), __VA_ARGS__, INPUT(DATA_ARRAY), END_COLLECTION
	static const uint8_t wide17[] = { ARRAY_OF(17, 0, 0x65, USAGE_MIN(0), USAGE_MAX(0x65)) };
	static const uint8_t wide16[] = { ARRAY_OF(16, 0, 0x65, USAGE_MIN(0), USAGE_MAX(0x65)) };
	static const uint8_t two_usages[] = { ARRAY_OF(8, 0, 1, USAGE(0x04), USAGE(0x05)) };
	static const uint8_t across_pages[] = { ARRAY_OF(8, 0, 0x65, USAGE_MIN32(PAGE_KEYS, 0xfff0),
							 USAGE_MAX32(PAGE_LEDS, 0x05)) };
	static const uint8_t negative[] = { ARRAY_OF(8, 0xff, 0x65, USAGE_MIN(0),
						     USAGE_MAX(0x65)) };
	static const uint8_t empty[] = { ARRAY_OF(8, 5, 4, USAGE_MIN(0), USAGE_MAX(0x65)) };
#undef ARRAY_OF
	uint8_t boot[HID_KBD_REPORT_SIZE];

	CHECK_REFUSED(wide17, sizeof(wide17), "key array of fields wider than 16 bits");
	CHECK_EQ(PARSE(wide16), 0);
	CHECK_EQ(k.array[0].size, 16);
	CHECK_EQ(k.need_bits, 32);
	CHECK(to_boot((const uint8_t[]){ 0x04, 0x00, 0x2c, 0x00 }, 4, boot));
	CHECK_BOOT(boot, 0, 0x04, 0x2c, 0, 0, 0, 0);
	CHECK(to_boot((const uint8_t[]){ 0x04, 0x01, 0x00, 0x00 }, 4, boot)); /* 0x104: past 0x65 */
	CHECK_BOOT(boot, 0, 0, 0, 0, 0, 0, 0);
	CHECK_REFUSED(two_usages, sizeof(two_usages), "key array whose usages are not one range");
	CHECK_REFUSED(across_pages, sizeof(across_pages),
		      "key array whose usages are not one range");
	CHECK_REFUSED(negative, sizeof(negative),
		      "key array with a negative or empty logical range");
	CHECK_REFUSED(empty, sizeof(empty), "key array with a negative or empty logical range");
}

/* Input reports too long refused, counting the ID byte: the keyboard's own over 64 bytes
 * (the boot keyboard padded to 65, 64 accepted; the keyboard under ID 1 padded to 64 data
 * bytes, 65 with its ID, 63 accepted), any other over 1024 (a vendor report beside the
 * keyboard, 1025 bytes with its ID; 1024 accepted); with both, the keyboard's reason. */
static void refused_long_input(void)
{
	static const uint8_t pad57[] = { BOOT_KBD, REPORT_SIZE(8), REPORT_COUNT(57),
					 INPUT(CONSTANT) };
	static const uint8_t pad56[] = { BOOT_KBD, REPORT_SIZE(8), REPORT_COUNT(56),
					 INPUT(CONSTANT) };
	static const uint8_t id_pad56[] = { KBD_ID1, REPORT_SIZE(8), REPORT_COUNT(56),
					    INPUT(CONSTANT) };
	static const uint8_t id_pad55[] = { KBD_ID1, REPORT_SIZE(8), REPORT_COUNT(55),
					    INPUT(CONSTANT) };
	static const uint8_t vendor1025[] = { KBD_ID1, REPORT_ID(3), REPORT_SIZE(8),
					      REPORT_COUNT16(1024), INPUT(CONSTANT) };
	static const uint8_t vendor1024[] = { KBD_ID1, REPORT_ID(3), REPORT_SIZE(8),
					      REPORT_COUNT16(1023), INPUT(CONSTANT) };
	static const uint8_t both[] = { KBD_ID1,         REPORT_SIZE(8), REPORT_COUNT(56),
					INPUT(CONSTANT), REPORT_ID(3),   REPORT_COUNT16(1024),
					INPUT(CONSTANT) };

	CHECK_REFUSED(pad57, sizeof(pad57), "a key report longer than 64 bytes");
	CHECK_EQ(PARSE(pad56), 0);
	CHECK_EQ(k.in_max_bytes, 64);
	CHECK_REFUSED(id_pad56, sizeof(id_pad56), "a key report longer than 64 bytes");
	CHECK_EQ(PARSE(id_pad55), 0);
	CHECK_EQ(k.in_max_bytes, 64);
	CHECK_REFUSED(vendor1025, sizeof(vendor1025), "an input report longer than 1024 bytes");
	CHECK_EQ(PARSE(vendor1024), 0);
	CHECK_EQ(k.in_max_bytes, 1024);
	CHECK_REFUSED(both, sizeof(both), "a key report longer than 64 bytes");
}

/* A report without an ID beside reports with IDs: a consumer report declared before any
 * Report ID item, then the keyboard as ID 1; the keyboard without ID, then consumer ID 2. */
static void refused_mixed_ids(void)
{
	/* clang-format off */
	static const uint8_t before[] = {
		USAGE_PAGE(PAGE_CONSUMER), USAGE(0x01), COLLECTION(0x01),
		LOGICAL_MIN(0), LOGICAL_MAX16(0x3ff), USAGE_MIN(0), USAGE_MAX16(0x3ff),
		REPORT_SIZE(16), REPORT_COUNT(1), INPUT(DATA_ARRAY),
		END_COLLECTION,
		KBD_ID1,
	};
	/* clang-format on */
	static const uint8_t after[] = { BOOT_KBD, CONSUMER_ID2 };

	CHECK_REFUSED(before, sizeof(before), "a report without an ID beside reports with IDs");
	CHECK_REFUSED(after, sizeof(after), "a report without an ID beside reports with IDs");
}

/* 33 usage entries on one 33-bit key field are more than LiOS reads; 32 make one run. */
static void refused_too_many_usages(void)
{
	struct desc d = { .n = 0 };

	PUT(&d, KBD_OPEN, USAGE_PAGE(PAGE_KEYS));
	for (uint8_t u = 0x04; u < 0x04 + 32; u++)
		PUT(&d, USAGE(u));
	PUT(&d, LOGICAL_MIN(0), LOGICAL_MAX(1), REPORT_SIZE(1), REPORT_COUNT(32), INPUT(DATA_VAR),
	    END_COLLECTION);
	CHECK_EQ(parse(d.b, d.n), 0);
	CHECK_EQ(k.nruns, 1);
	CHECK_EQ(k.run[0].first, 0x04);
	CHECK_EQ(k.run[0].count, 32);

	d.n = 0;
	PUT(&d, KBD_OPEN, USAGE_PAGE(PAGE_KEYS));
	for (uint8_t u = 0x04; u < 0x04 + 33; u++)
		PUT(&d, USAGE(u));
	PUT(&d, LOGICAL_MIN(0), LOGICAL_MAX(1), REPORT_SIZE(1), REPORT_COUNT(33), INPUT(DATA_VAR),
	    END_COLLECTION);
	CHECK_REFUSED(d.b, d.n, "more usages than LiOS reads");
}

int main(void)
{
	RUN(refused_cut_off);
	RUN(refused_report_id);
	RUN(refused_push_pop);
	RUN(refused_report_ids);
	RUN(refused_long_report);
	RUN(refused_no_keys);
	RUN(refused_too_many_fields);
	RUN(refused_key_arrays);
	RUN(refused_long_input);
	RUN(refused_mixed_ids);
	RUN(refused_too_many_usages);
	return unit_summary();
}
