// SPDX-License-Identifier: MIT
/*
 * Host tests of the HID report descriptor reader (src/drivers/usb/hid_desc.c, and
 * hid_layout.c, which reads reports by the layouts it builds) on keyboards that parse,
 * their descriptors written item by item (hid_desc_items.h): the boot keyboard of HID 1.11
 * appendix B.1 (its layout, reports turned into boot reports, the LED report
 * for every lock combination); the same keyboard under Report ID 1 with a consumer control
 * report (ID 2) declared before and after it; an NKRO bitmap keyboard (keys from the
 * bitmap, seven keys or an error usage giving ErrorRollOver with the modifiers kept); a
 * short report ignored with the output untouched; an LED report longer than led_bytes can
 * count (no LEDs); and the log line's words for a layout. The item forms keyboards use are
 * test_hid_desc_forms.c's, the refusals test_hid_desc_refusals.c's.
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
	RUN(short_report);
	RUN(leds_in_long_output_report);
	RUN(wide_key_variable_skipped);
	RUN(describe_layouts);
	return unit_summary();
}
