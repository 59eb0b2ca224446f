// SPDX-License-Identifier: MIT
/*
 * Host tests of the HID report descriptor reader (src/drivers/usb/hid_desc.c, with
 * hid_layout.c) on the item forms keyboards use, each descriptor written item by item
 * (hid_desc_items.h): modifiers as eight Usages, 4-byte usages carrying page 7, a Usage Page
 * between the usages and their main item, nested Push/Pop, a long item, Delimiter sets, a
 * one-byte Logical Maximum 0xff, modifiers inside a key array, a key array whose values count
 * from logical 1 over usages from 4. The keyboards themselves are test_hid_desc.c's.
 */
#include "hid_desc_items.h"

/* Modifiers as eight separate Usage items (no Usage Minimum/Maximum): one run of eight
 * from bit 0, as with the range; Right Alt comes out as bit 6. */
static void separate_modifier_usages(void)
{
	/* clang-format off */
	static const uint8_t d[] = {
		KBD_OPEN, USAGE_PAGE(PAGE_KEYS),
		USAGE(0xe0), USAGE(0xe1), USAGE(0xe2), USAGE(0xe3),
		USAGE(0xe4), USAGE(0xe5), USAGE(0xe6), USAGE(0xe7),
		LOGICAL_MIN(0), LOGICAL_MAX(1), REPORT_SIZE(1), REPORT_COUNT(8), INPUT(DATA_VAR),
		REPORT_COUNT(1), REPORT_SIZE(8), INPUT(CONSTANT),
		KBD_KEYS, END_COLLECTION,
	};
	/* clang-format on */
	uint8_t boot[HID_KBD_REPORT_SIZE];

	CHECK_EQ(PARSE(d), 0);
	CHECK_EQ(k.nruns, 1);
	CHECK_EQ(k.run[0].bit, 0);
	CHECK_EQ(k.run[0].first, 0xe0);
	CHECK_EQ(k.run[0].count, 8);
	CHECK_EQ(k.led_bytes, 0);
	CHECK(to_boot((const uint8_t[]){ 0x40, 0, 0x14, 0, 0, 0, 0, 0 }, 8, boot));
	CHECK_BOOT(boot, 0x40, 0x14, 0, 0, 0, 0, 0);
}

/* 4-byte usages carry page 7 themselves while the consumer page is in force (0x0c, whose
 * bits mixed into page 7 would not give 7): the modifiers as an extended range, the array
 * as an extended Usage Minimum with a 1-byte Usage Maximum (which takes the other end's
 * page); a 4-byte usage of the consumer page under page 7 is no key. The layout is the
 * boot keyboard's. */
static void extended_usages(void)
{
	/* clang-format off */
	static const uint8_t d[] = {
		KBD_OPEN, USAGE_PAGE(PAGE_CONSUMER),
		LOGICAL_MIN(0), LOGICAL_MAX(1), REPORT_SIZE(1), REPORT_COUNT(8),
		USAGE_MIN32(PAGE_KEYS, 0xe0), USAGE_MAX32(PAGE_KEYS, 0xe7), INPUT(DATA_VAR),
		USAGE_PAGE(PAGE_KEYS), REPORT_COUNT(1), USAGE32(PAGE_CONSUMER, 0xe9), INPUT(DATA_VAR),
		REPORT_COUNT(7), INPUT(CONSTANT),
		USAGE_PAGE(PAGE_CONSUMER), REPORT_COUNT(6), REPORT_SIZE(8), LOGICAL_MAX(0x65),
		USAGE_MIN32(PAGE_KEYS, 0x00), USAGE_MAX(0x65), INPUT(DATA_ARRAY),
		END_COLLECTION,
	};
	/* clang-format on */
	uint8_t boot[HID_KBD_REPORT_SIZE];

	CHECK_EQ(PARSE(d), 0);
	CHECK_EQ(k.nruns, 1);
	CHECK_EQ(k.run[0].bit, 0);
	CHECK_EQ(k.run[0].first, 0xe0);
	CHECK_EQ(k.run[0].count, 8);
	CHECK_EQ(k.narrays, 1);
	CHECK_EQ(k.array[0].bit, 16);
	CHECK_EQ(k.array[0].usage_min, 0);
	CHECK_EQ(k.array[0].usage_max, 0x65);
	CHECK_EQ(k.need_bits, 64);
	CHECK(to_boot((const uint8_t[]){ 0x08, 0xff, 0x28, 0, 0, 0, 0, 0 }, 8, boot));
	CHECK_BOOT(boot, 0x08, 0x28, 0, 0, 0, 0, 0);
}

/* A Usage Page item between the usages and their main item: the page in force at the main
 * item applies (page 7 over Generic Desktop for the modifiers, over the page set just
 * before the array's usages). The layout is the boot keyboard's. */
static void usage_page_after_usages(void)
{
	/* clang-format off */
	static const uint8_t d[] = {
		KBD_OPEN,
		USAGE_MIN(0xe0), USAGE_MAX(0xe7), USAGE_PAGE(PAGE_KEYS),
		LOGICAL_MIN(0), LOGICAL_MAX(1), REPORT_SIZE(1), REPORT_COUNT(8), INPUT(DATA_VAR),
		REPORT_COUNT(1), REPORT_SIZE(8), INPUT(CONSTANT),
		REPORT_COUNT(6), LOGICAL_MAX(0x65),
		USAGE_PAGE(PAGE_CONSUMER), USAGE_MIN(0), USAGE_MAX(0x65), USAGE_PAGE(PAGE_KEYS),
		INPUT(DATA_ARRAY),
		END_COLLECTION,
	};
	/* clang-format on */

	CHECK_EQ(PARSE(d), 0);
	CHECK_EQ(k.nruns, 1);
	CHECK_EQ(k.run[0].first, 0xe0);
	CHECK_EQ(k.run[0].count, 8);
	CHECK_EQ(k.narrays, 1);
	CHECK_EQ(k.array[0].bit, 16);
	CHECK_EQ(k.need_bits, 64);
}

/* Nested Push and Pop: two reserved bytes are declared first, between two Pushes that
 * save 1 bit x 8 of page 7 and then 8 bits x 2; the inner Pop brings back 8 x 2 (not 3
 * bits of the consumer page, nor the outer 1 x 8), the outer one 1 x 8 of page 7, so the
 * modifiers that follow without naming their size, count or page sit at bits 16-23. */
static void push_pop(void)
{
	/* clang-format off */
	static const uint8_t d[] = {
		KBD_OPEN,
		USAGE_PAGE(PAGE_KEYS), LOGICAL_MIN(0), LOGICAL_MAX(1), REPORT_SIZE(1), REPORT_COUNT(8),
		PUSH,
		REPORT_SIZE(8), REPORT_COUNT(2),
		PUSH,
		USAGE_PAGE(PAGE_CONSUMER), REPORT_SIZE(3),
		POP,
		INPUT(CONSTANT),
		POP,
		USAGE_MIN(0xe0), USAGE_MAX(0xe7), INPUT(DATA_VAR),
		KBD_KEYS, END_COLLECTION,
	};
	/* clang-format on */
	uint8_t boot[HID_KBD_REPORT_SIZE];

	CHECK_EQ(PARSE(d), 0);
	CHECK_EQ(k.nruns, 1);
	CHECK_EQ(k.run[0].bit, 16);
	CHECK_EQ(k.run[0].first, 0xe0);
	CHECK_EQ(k.run[0].count, 8);
	CHECK_EQ(k.narrays, 1);
	CHECK_EQ(k.array[0].bit, 24);
	CHECK_EQ(k.need_bits, 72);
	CHECK_EQ(k.in_max_bytes, 9);
	CHECK(to_boot((const uint8_t[]){ 0xff, 0xff, 0x20, 0x04, 0, 0, 0, 0, 0 }, 9, boot));
	CHECK_BOOT(boot, 0x20, 0x04, 0, 0, 0, 0, 0);
}

/* Long items (0xfe, bDataSize, bLongItemTag, data) are skipped whole, even when their data
 * look like items (Input, Report Count), and one of no data can end the descriptor: the
 * layout is the boot keyboard's. */
static void long_item_skipped(void)
{
	/* clang-format off */
	static const uint8_t d[] = {
		KBD_OPEN, KBD_MODIFIERS,
		0xfe, 3, 0x10, INPUT(DATA_VAR), 0x95,
		KBD_LEDS, KBD_KEYS, END_COLLECTION,
		0xfe, 0, 0x11,
	};
	/* clang-format on */

	CHECK_EQ(PARSE(d), 0);
	CHECK_EQ(k.nruns, 1);
	CHECK_EQ(k.run[0].count, 8);
	CHECK_EQ(k.narrays, 1);
	CHECK_EQ(k.array[0].bit, 16);
	CHECK_EQ(k.array[0].count, 6);
	CHECK_EQ(k.need_bits, 64);
	CHECK_EQ(k.led_bytes, 1);
}

/* Delimiter sets are read as their first usage: Left Control (not a or b) for the first
 * modifier bit, so the eight stay one run; the array's set opens with its range and
 * offers Space as the alternative, which would make two usage entries. */
static void delimiter_sets(void)
{
	/* clang-format off */
	static const uint8_t d[] = {
		KBD_OPEN, USAGE_PAGE(PAGE_KEYS),
		DELIMITER(1), USAGE(0xe0), USAGE(0x04), USAGE(0x05), DELIMITER(0),
		USAGE(0xe1), USAGE(0xe2), USAGE(0xe3), USAGE(0xe4), USAGE(0xe5), USAGE(0xe6), USAGE(0xe7),
		LOGICAL_MIN(0), LOGICAL_MAX(1), REPORT_SIZE(1), REPORT_COUNT(8), INPUT(DATA_VAR),
		REPORT_COUNT(1), REPORT_SIZE(8), INPUT(CONSTANT),
		REPORT_COUNT(6), LOGICAL_MAX(0x65),
		DELIMITER(1), USAGE_MIN(0), USAGE_MAX(0x65), USAGE(0x2c), DELIMITER(0),
		INPUT(DATA_ARRAY),
		END_COLLECTION,
	};
	/* clang-format on */

	CHECK_EQ(PARSE(d), 0);
	CHECK_EQ(k.nruns, 1);
	CHECK_EQ(k.run[0].first, 0xe0);
	CHECK_EQ(k.run[0].count, 8);
	CHECK_EQ(k.narrays, 1);
	CHECK_EQ(k.array[0].usage_min, 0);
	CHECK_EQ(k.array[0].usage_max, 0x65);
}

/* Logical Maximum 0xff in one byte (0x25 0xff) with a minimum of 0 reads 255, not -1: the
 * array of usages 0-0xff is kept and Volume Up (0x80) and Left Alt (0xe2) come through. */
static void logical_max_ff(void)
{
	/* clang-format off */
	static const uint8_t d[] = {
		KBD_OPEN, KBD_MODIFIERS,
		REPORT_COUNT(6), REPORT_SIZE(8), LOGICAL_MIN(0), LOGICAL_MAX(0xff),
		USAGE_PAGE(PAGE_KEYS), USAGE_MIN(0), USAGE_MAX(0xff), INPUT(DATA_ARRAY),
		END_COLLECTION,
	};
	/* clang-format on */
	uint8_t boot[HID_KBD_REPORT_SIZE];

	CHECK_EQ(PARSE(d), 0);
	CHECK_EQ(k.narrays, 1);
	CHECK_EQ(k.array[0].logical_min, 0);
	CHECK_EQ(k.array[0].logical_max, 255);
	CHECK_EQ(k.array[0].usage_max, 0xff);
	CHECK(to_boot((const uint8_t[]){ 0, 0, 0x80, 0xe2, 0, 0, 0, 0 }, 8, boot));
	CHECK_BOOT(boot, 0x04, 0x80, 0, 0, 0, 0, 0);
}

/* Modifiers as array usages (usages and logical values 0-0xe7, 0xe7 one byte): they land
 * in the modifier byte and take no slot, so six keys and two modifiers in eight fields are
 * no rollover; the log line counts no modifier bits. */
static void modifiers_in_array(void)
{
	/* clang-format off */
	static const uint8_t d[] = {
		KBD_OPEN,
		USAGE_PAGE(PAGE_KEYS), REPORT_COUNT(8), REPORT_SIZE(8), LOGICAL_MIN(0), LOGICAL_MAX(0xe7),
		USAGE_MIN(0), USAGE_MAX(0xe7), INPUT(DATA_ARRAY),
		END_COLLECTION,
	};
	/* clang-format on */
	uint8_t boot[HID_KBD_REPORT_SIZE];
	char line[96];

	CHECK_EQ(PARSE(d), 0);
	CHECK_EQ(k.nruns, 0);
	CHECK_EQ(k.narrays, 1);
	CHECK_EQ(k.array[0].logical_max, 0xe7);
	CHECK_EQ(k.need_bits, 64);
	CHECK(to_boot((const uint8_t[]){ 0xe1, 0x04, 0xe6, 0, 0, 0, 0, 0 }, 8, boot));
	CHECK_BOOT(boot, 0x42, 0x04, 0, 0, 0, 0, 0);
	CHECK(to_boot((const uint8_t[]){ 0xe0, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0xe7 }, 8,
		      boot));
	CHECK_BOOT(boot, 0x81, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09);
	hid_kbd_layout_describe(&k, line, sizeof(line));
	CHECK_STR_EQ(line, "report ID 0, 0 modifiers, 8-key array, 0-key bitmap, no LEDs");
}

/* A key array whose values are not usage IDs: logical 1-0x70 over usages 4-0x65, so value
 * v names usage v + 3 (HID 1.11 6.2.2.8: the index into the usage range, counted from the
 * logical minimum). 1 is 'a' (not ErrorRollOver), 0x62 is 0x65; 0 (below the logical
 * minimum) and 0x63 (inside the logical range, past the usages) name nothing. */
static void array_offset_usages(void)
{
	/* clang-format off */
	static const uint8_t d[] = {
		KBD_OPEN, KBD_MODIFIERS,
		REPORT_COUNT(6), REPORT_SIZE(8), LOGICAL_MIN(1), LOGICAL_MAX(0x70),
		USAGE_PAGE(PAGE_KEYS), USAGE_MIN(0x04), USAGE_MAX(0x65), INPUT(DATA_ARRAY),
		END_COLLECTION,
	};
	/* clang-format on */
	uint8_t boot[HID_KBD_REPORT_SIZE];

	CHECK_EQ(PARSE(d), 0);
	CHECK_EQ(k.narrays, 1);
	CHECK_EQ(k.array[0].logical_min, 1);
	CHECK_EQ(k.array[0].logical_max, 0x70);
	CHECK_EQ(k.array[0].usage_min, 0x04);
	CHECK_EQ(k.array[0].usage_max, 0x65);
	CHECK(to_boot((const uint8_t[]){ 0x02, 0, 0x01, 0x62, 0x19, 0, 0x63, 0x70 }, 8, boot));
	CHECK_BOOT(boot, 0x02, 0x04, 0x65, 0x1c, 0, 0, 0);
}

int main(void)
{
	RUN(separate_modifier_usages);
	RUN(extended_usages);
	RUN(usage_page_after_usages);
	RUN(push_pop);
	RUN(long_item_skipped);
	RUN(delimiter_sets);
	RUN(logical_max_ff);
	RUN(modifiers_in_array);
	RUN(array_offset_usages);
	return unit_summary();
}
