// SPDX-License-Identifier: MIT
/*
 * Host tests of the HID report descriptor reader (src/drivers/usb/hid_desc.c, and
 * hid_layout.c, which reads reports by the layouts it builds) on keyboards that parse,
 * their descriptors written item by item (hid_desc_items.h): the boot keyboard of HID 1.11
 * appendix B.1 (its layout, reports turned into boot reports, the LED report
 * for every lock combination); the same keyboard under Report ID 1 with a consumer control
 * report (ID 2) declared before and after it; an NKRO bitmap keyboard (keys from the
 * bitmap, seven keys or an error usage giving ErrorRollOver with the modifiers kept); the
 * item forms keyboards use (modifiers as eight Usages, 4-byte usages carrying page 7, a
 * Usage Page between the usages and their main item, nested Push/Pop, a long item,
 * Delimiter sets, a one-byte Logical Maximum 0xff, modifiers inside a key array, a key
 * array whose values count from logical 1 over usages from 4); a short
 * report ignored with the output untouched; an LED report longer than led_bytes can count
 * (no LEDs); and the log line's words for a layout. The refusals are
 * test_hid_desc_refusals.c's.
 */
#include "hid_desc_items.h"

/* NKRO: 8 modifier bits, a bitmap of usages 0x00-0x67 (bits 8-111), 16 bits of padding,
 * and three LEDs with five bits of padding. */
/* clang-format off */
static const uint8_t nkro_desc[] = {
	KBD_OPEN,
	USAGE_PAGE(PAGE_KEYS), USAGE_MIN(0xe0), USAGE_MAX(0xe7), LOGICAL_MIN(0), LOGICAL_MAX(1),
	REPORT_SIZE(1), REPORT_COUNT(8), INPUT(DATA_VAR),
	USAGE_MIN(0x00), USAGE_MAX(0x67), REPORT_COUNT(0x68), INPUT(DATA_VAR),
	REPORT_COUNT(16), INPUT(CONSTANT),
	USAGE_PAGE(PAGE_LEDS), USAGE_MIN(1), USAGE_MAX(3), REPORT_COUNT(3), OUTPUT(DATA_VAR),
	REPORT_COUNT(5), OUTPUT(CONSTANT),
	END_COLLECTION,
};
/* clang-format on */
#define NKRO_BYTES 16

static const uint8_t rollover[HID_KBD_KEYS] = { 1, 1, 1, 1, 1, 1 };

/* The boot keyboard's layout as HID 1.11 B.1 lays it out: no report ID, modifiers bits 0-7,
 * the reserved byte, six 8-bit slots of usages 0-0x65 from bit 16, Num/Caps/Scroll Lock at
 * output bits 0-2 of a 1-byte report; 64 bits needed, 8-byte reports. */
static void boot_layout(void)
{
	CHECK_EQ(sizeof(boot_desc), 63);
	CHECK_EQ(PARSE(boot_desc), 0);
	CHECK_EQ(k.report_id, 0);
	CHECK_EQ(k.nruns, 1);
	CHECK_EQ(k.run[0].bit, 0);
	CHECK_EQ(k.run[0].first, 0xe0);
	CHECK_EQ(k.run[0].count, 8);
	CHECK_EQ(k.narrays, 1);
	CHECK_EQ(k.array[0].bit, 16);
	CHECK_EQ(k.array[0].size, 8);
	CHECK_EQ(k.array[0].count, 6);
	CHECK_EQ(k.array[0].logical_min, 0);
	CHECK_EQ(k.array[0].logical_max, 0x65);
	CHECK_EQ(k.array[0].usage_min, 0);
	CHECK_EQ(k.array[0].usage_max, 0x65);
	CHECK_EQ(k.need_bits, 64);
	CHECK_EQ(k.in_max_bytes, 8);
	CHECK_EQ(k.led_report_id, 0);
	CHECK_EQ(k.led_bytes, 1);
	CHECK_EQ(k.led_bit[0], 0);
	CHECK_EQ(k.led_bit[1], 1);
	CHECK_EQ(k.led_bit[2], 2);
}

/* Boot keyboard reports come out as the boot report: modifiers kept, the reserved byte
 * cleared whatever the device put there, used slots moved to the front in their order,
 * values past the logical maximum (0x65) dropped, an all-zero report all zero. */
static void boot_reports(void)
{
	uint8_t boot[HID_KBD_REPORT_SIZE];

	CHECK_EQ(PARSE(boot_desc), 0);
	CHECK(to_boot((const uint8_t[]){ 0x22, 0x00, 0x04, 0x05, 0, 0, 0, 0 }, 8, boot));
	CHECK_BOOT(boot, 0x22, 0x04, 0x05, 0, 0, 0, 0);
	CHECK(to_boot((const uint8_t[]){ 0x00, 0xff, 0x00, 0x1d, 0x00, 0x27, 0x00, 0x65 }, 8,
		      boot));
	CHECK_BOOT(boot, 0x00, 0x1d, 0x27, 0x65, 0, 0, 0);
	CHECK(to_boot((const uint8_t[]){ 0xff, 0, 0x66, 0x80, 0xff, 0x2c, 0, 0 }, 8, boot));
	CHECK_BOOT(boot, 0xff, 0x2c, 0, 0, 0, 0, 0);
	CHECK(to_boot((const uint8_t[]){ 0x80, 0, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 }, 8, boot));
	CHECK_BOOT(boot, 0x80, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09);
	CHECK(to_boot((const uint8_t[]){ 0, 0, 0, 0, 0, 0, 0, 0 }, 8, boot));
	CHECK_BOOT(boot, 0, 0, 0, 0, 0, 0, 0);
	/* a report longer than the layout (a device that pads): the rest is not looked at */
	CHECK(to_boot((const uint8_t[]){ 0x01, 0, 0x04, 0, 0, 0, 0, 0, 0x05, 0x05 }, 10, boot));
	CHECK_BOOT(boot, 0x01, 0x04, 0, 0, 0, 0, 0);
}

/* The boot keyboard's LED report for all eight combinations of Num, Caps and Scroll Lock:
 * one byte, the HID_LED_* bits as they are; nothing past it written; 0 with no room. */
static void boot_leds(void)
{
	uint8_t out[4];

	CHECK_EQ(PARSE(boot_desc), 0);
	for (uint8_t leds = 0; leds < 8; leds++) {
		memset(out, 0xaa, sizeof(out));
		CHECK_EQ(hid_kbd_led_report(&k, leds, out, 1), 1);
		CHECK_EQ(out[0], leds);
		CHECK_EQ(out[1], 0xaa);
	}
	/* bits above the three LEDs name nothing */
	CHECK_EQ(hid_kbd_led_report(&k, 0xf8, out, sizeof(out)), 1);
	CHECK_EQ(out[0], 0);
	memset(out, 0xaa, sizeof(out));
	CHECK_EQ(hid_kbd_led_report(&k, HID_LED_CAPSLOCK, out, 0), 0);
	CHECK_EQ(out[0], 0xaa);
}

/* The keyboard of a report ID descriptor: offsets counted within its own report (the
 * consumer report before it does not move them), reports of ID 1 converted past their ID
 * byte, ID 2 reports and short ones refused with the output untouched, the longest report
 * the 11-byte consumer one, the LED report led by its ID byte. */
static void check_id1_keyboard(void)
{
	uint8_t boot[HID_KBD_REPORT_SIZE], out[4];

	CHECK_EQ(k.report_id, 1);
	CHECK_EQ(k.nruns, 1);
	CHECK_EQ(k.run[0].bit, 0);
	CHECK_EQ(k.narrays, 1);
	CHECK_EQ(k.array[0].bit, 16);
	CHECK_EQ(k.need_bits, 64);
	CHECK_EQ(k.in_max_bytes, 11);
	CHECK(to_boot((const uint8_t[]){ 1, 0x02, 0, 0x0b, 0x08, 0, 0, 0, 0 }, 9, boot));
	CHECK_BOOT(boot, 0x02, 0x0b, 0x08, 0, 0, 0, 0);
	CHECK(!to_boot((const uint8_t[]){ 2, 0xe9, 0x00, 0, 0, 0, 0, 0, 0, 0, 0 }, 11, boot));
	CHECK(untouched(boot));
	CHECK(!to_boot((const uint8_t[]){ 2, 0x02, 0, 0x0b, 0x08, 0, 0, 0, 0 }, 9, boot));
	CHECK(untouched(boot));
	CHECK(!to_boot((const uint8_t[]){ 1, 0x02, 0, 0x0b, 0x08, 0, 0, 0 }, 8, boot));
	CHECK(untouched(boot));
	CHECK(!to_boot((const uint8_t[]){ 1 }, 1, boot));
	CHECK(untouched(boot));
	CHECK(!to_boot((const uint8_t[]){ 0 }, 0, boot));
	CHECK(untouched(boot));
	CHECK_EQ(k.led_report_id, 1);
	CHECK_EQ(k.led_bytes, 1);
	CHECK_EQ(hid_kbd_led_report(&k, HID_LED_CAPSLOCK | HID_LED_SCROLLLOCK, out, sizeof(out)),
		 2);
	CHECK_EQ(out[0], 1);
	CHECK_EQ(out[1], 0x06);
	CHECK_EQ(hid_kbd_led_report(&k, HID_LED_NUMLOCK, out, 1), 0); /* no room for the ID */
}

/* The consumer report (ID 2) declared before the keyboard (ID 1). */
static void report_ids_consumer_first(void)
{
	static const uint8_t d[] = { CONSUMER_ID2, KBD_ID1 };

	CHECK_EQ(PARSE(d), 0);
	check_id1_keyboard();
}

/* The consumer report (ID 2) declared after the keyboard (ID 1). */
static void report_ids_consumer_last(void)
{
	static const uint8_t d[] = { KBD_ID1, CONSUMER_ID2 };

	CHECK_EQ(PARSE(d), 0);
	check_id1_keyboard();
}

static void nkro_press(uint8_t *rep, uint8_t usage) { rep[1 + usage / 8] |= 1u << (usage % 8); }

/* The NKRO bitmap keyboard: two runs (modifiers, usages 0-0x67 from bit 8), 112 bits
 * needed of a 16-byte report; keys pressed in the bitmap listed in usage order, six at
 * once all listed, a seventh giving ErrorRollOver in every slot with the modifiers kept;
 * the ErrorRollOver bit itself gives rollover; the 14 bytes the keys span will do, 13 not. */
static void nkro_bitmap(void)
{
	uint8_t rep[NKRO_BYTES], boot[HID_KBD_REPORT_SIZE];

	CHECK_EQ(PARSE(nkro_desc), 0);
	CHECK_EQ(k.report_id, 0);
	CHECK_EQ(k.nruns, 2);
	CHECK_EQ(k.run[0].bit, 0);
	CHECK_EQ(k.run[0].first, 0xe0);
	CHECK_EQ(k.run[0].count, 8);
	CHECK_EQ(k.run[1].bit, 8);
	CHECK_EQ(k.run[1].first, 0);
	CHECK_EQ(k.run[1].count, 0x68);
	CHECK_EQ(k.narrays, 0);
	CHECK_EQ(k.need_bits, 112);
	CHECK_EQ(k.in_max_bytes, NKRO_BYTES);
	CHECK_EQ(k.led_bytes, 1);
	CHECK_EQ(k.led_bit[2], 2);

	memset(rep, 0, sizeof(rep));
	rep[0] = 0x81;
	nkro_press(rep, 0x67);
	nkro_press(rep, 0x1d);
	nkro_press(rep, 0x04);
	CHECK(to_boot(rep, sizeof(rep), boot));
	CHECK_BOOT(boot, 0x81, 0x04, 0x1d, 0x67, 0, 0, 0);

	memset(rep, 0, sizeof(rep));
	for (uint8_t u = 0x04; u < 0x0a; u++)
		nkro_press(rep, u);
	CHECK(to_boot(rep, sizeof(rep), boot));
	CHECK_BOOT(boot, 0, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09);
	rep[0] = 0x05; /* Left Control and Left Alt with a seventh key */
	nkro_press(rep, 0x2c);
	CHECK(to_boot(rep, sizeof(rep), boot));
	CHECK_BOOT(boot, 0x05, 1, 1, 1, 1, 1, 1);

	memset(rep, 0, sizeof(rep));
	nkro_press(rep, 0x04);
	nkro_press(rep, 0x01);
	CHECK(to_boot(rep, sizeof(rep), boot));
	CHECK(!memcmp(boot + 2, rollover, sizeof(rollover)));
	CHECK(to_boot(rep, 14, boot)); /* the padding may be left out */
	CHECK(!to_boot(rep, 13, boot));
	CHECK(untouched(boot));
}

/* Error usages in the boot keyboard's array: ErrorRollOver, POSTFail and ErrorUndefined in
 * any slot each give rollover in all six, the modifiers kept. */
static void error_usages_roll_over(void)
{
	uint8_t boot[HID_KBD_REPORT_SIZE];

	CHECK_EQ(PARSE(boot_desc), 0);
	for (uint8_t e = HID_USAGE_ERR_ROLLOVER; e <= HID_USAGE_ERR_UNDEFINED; e++) {
		CHECK(to_boot((const uint8_t[]){ 0x10, 0, 0x04, 0, 0, 0, 0, e }, 8, boot));
		CHECK_BOOT(boot, 0x10, 1, 1, 1, 1, 1, 1);
	}
}

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

/* A report shorter than need_bits is not the keyboard's: false, the output untouched
 * (7 bytes of the boot keyboard's 8, none at all). */
static void short_report(void)
{
	uint8_t boot[HID_KBD_REPORT_SIZE];

	CHECK_EQ(PARSE(boot_desc), 0);
	CHECK(!to_boot((const uint8_t[]){ 0x02, 0, 0x04, 0, 0, 0, 0 }, 7, boot));
	CHECK(untouched(boot));
	CHECK(!to_boot((const uint8_t[]){ 0 }, 0, boot));
	CHECK(untouched(boot));
}

/* Caps Lock at bit 2400 of a 301-byte output report, longer than led_bytes (one byte) can
 * count: the report is left alone and the keyboard driven without LEDs. Were led_bytes cut
 * to 255, the LED report would be 255 bytes and Caps Lock written to byte 300 of it. Caps
 * Lock in the last byte of a 255-byte report is driven. */
static void leds_in_long_output_report(void)
{
#define CAPS_AFTER(pad_bytes)                                                           \
	KBD_OPEN, KBD_MODIFIERS, KBD_KEYS, REPORT_SIZE(8), REPORT_COUNT(pad_bytes / 2), \
		OUTPUT(CONSTANT), OUTPUT(CONSTANT), USAGE_PAGE(PAGE_LEDS), USAGE(0x02), \
		REPORT_SIZE(1), REPORT_COUNT(1), OUTPUT(DATA_VAR), END_COLLECTION
	static const uint8_t d[] = { CAPS_AFTER(300) };
	static const uint8_t d255[] = { CAPS_AFTER(254) };
#undef CAPS_AFTER
	uint8_t out[512];
	char line[96];

	CHECK_EQ(PARSE(d255), 0);
	CHECK_EQ(k.led_bytes, 255);
	CHECK_EQ(k.led_bit[1], 254 * 8);
	CHECK_EQ(hid_kbd_led_report(&k, HID_LED_CAPSLOCK, out, sizeof(out)), 255);
	CHECK_EQ(out[254], 0x01);
	CHECK_EQ(out[253], 0);
	hid_kbd_layout_describe(&k, line, sizeof(line)); /* Caps Lock alone is LEDs */
	CHECK_STR_EQ(line, "report ID 0, 8 modifiers, 6-key array, 0-key bitmap, LEDs");

	CHECK_EQ(PARSE(d), 0);
	CHECK_EQ(k.led_bytes, 0);
	CHECK_EQ(k.led_report_id, 0);
	CHECK_EQ(k.led_bit[1], -1);
	memset(out, 0xaa, sizeof(out));
	CHECK_EQ(hid_kbd_led_report(&k, HID_LED_CAPSLOCK, out, sizeof(out)), 0);
	CHECK_EQ(out[300], 0xaa);
	hid_kbd_layout_describe(&k, line, sizeof(line));
	CHECK_STR_EQ(line, "report ID 0, 8 modifiers, 6-key array, 0-key bitmap, no LEDs");
}

/* A report (ID 3) whose page-7 field is a 4-bit variable, a key as a number that LiOS does
 * not read, declared before the real keyboard (ID 1): it is skipped and does not take the
 * keyboard's report ID, so the keyboard under ID 1 is found and its reports typed. */
static void wide_key_variable_skipped(void)
{
	static const uint8_t d[] = { USAGE_PAGE(PAGE_KEYS), COLLECTION(0x01), REPORT_ID(3),
				     USAGE(0x04),           LOGICAL_MIN(0),   LOGICAL_MAX(15),
				     REPORT_SIZE(4),        REPORT_COUNT(2),  INPUT(DATA_VAR),
				     END_COLLECTION,        KBD_ID1 };
	static const uint8_t rep[] = { 1, 0x02, 0, 0x05 };
	uint8_t boot[HID_KBD_REPORT_SIZE];

	CHECK_EQ(PARSE(d), 0);
	CHECK_EQ(k.report_id, 1);
	CHECK(to_boot(rep, sizeof(rep), boot) == false); /* shorter than the six key slots */
	{
		static const uint8_t full[] = { 1, 0x02, 0, 0x05, 0, 0, 0, 0, 0 };

		CHECK(to_boot(full, sizeof(full), boot));
		CHECK_BOOT(boot, 0x02, 0x05, 0, 0, 0, 0, 0);
	}
}

/* The log line's words: the boot keyboard, the NKRO bitmap (the 104 bitmap bits besides
 * the 8 modifiers), the keyboard under ID 1; a short buffer cut and terminated, the
 * length returned the whole line's. */
static void describe_layouts(void)
{
	static const uint8_t id1[] = { CONSUMER_ID2, KBD_ID1 };
	const char *boot_line = "report ID 0, 8 modifiers, 6-key array, 0-key bitmap, LEDs";
	char line[96];

	CHECK_EQ(PARSE(boot_desc), 0);
	CHECK_EQ(hid_kbd_layout_describe(&k, line, sizeof(line)), strlen(boot_line));
	CHECK_STR_EQ(line, boot_line);
	CHECK_EQ(PARSE(nkro_desc), 0);
	hid_kbd_layout_describe(&k, line, sizeof(line));
	CHECK_STR_EQ(line, "report ID 0, 8 modifiers, 0-key array, 104-key bitmap, LEDs");
	CHECK_EQ(PARSE(id1), 0);
	hid_kbd_layout_describe(&k, line, sizeof(line));
	CHECK_STR_EQ(line, "report ID 1, 8 modifiers, 6-key array, 0-key bitmap, LEDs");
	memset(line, 0xaa, sizeof(line));
	hid_kbd_layout_describe(&k, line, 10);
	CHECK_STR_EQ(line, "report ID");
	CHECK_EQ((uint8_t)line[10], 0xaa);
}

int main(void)
{
	RUN(boot_layout);
	RUN(boot_reports);
	RUN(boot_leds);
	RUN(report_ids_consumer_first);
	RUN(report_ids_consumer_last);
	RUN(nkro_bitmap);
	RUN(error_usages_roll_over);
	RUN(separate_modifier_usages);
	RUN(extended_usages);
	RUN(usage_page_after_usages);
	RUN(push_pop);
	RUN(long_item_skipped);
	RUN(delimiter_sets);
	RUN(logical_max_ff);
	RUN(modifiers_in_array);
	RUN(array_offset_usages);
	RUN(short_report);
	RUN(leds_in_long_output_report);
	RUN(wide_key_variable_skipped);
	RUN(describe_layouts);
	return unit_summary();
}
