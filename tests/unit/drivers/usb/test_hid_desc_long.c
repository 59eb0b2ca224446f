// SPDX-License-Identifier: MIT
/*
 * Host tests of the HID report descriptor reader (src/drivers/usb/hid_desc.c, with
 * hid_layout.c) on keyboards whose other input reports are longer than their keys' report,
 * as gaming keyboards declare them on their keyboard interface: the keyboard under Report
 * ID 1 beside a vendor report of 64 data bytes (65 with its ID), declared after it, and
 * beside one of 200 bytes declared before it; an N-key bitmap of all 256 usages beside a
 * vendor report of 1024 bytes, the longest read. Each is accepted with the key layout the
 * keyboard has without the vendor report, in_max_bytes the vendor report's length, every
 * input report listed with its length, the vendor reports typing nothing (whatever their
 * bytes after the ID) and judged "another report" after SET_PROTOCOL(boot). The refusals
 * (a key report over 64 bytes, any over 1024): test_hid_desc_refusals.c.
 */
#include "hid_desc_items.h"

/* A vendor-defined input report (page 0xff00) of count data bytes under report ID id, in
 * an application collection of its own. */
#define VENDOR(id, count)                                                                \
	0x06, 0x00, 0xff, USAGE(0x01), COLLECTION(0x01), REPORT_ID(id), LOGICAL_MIN(0),  \
		LOGICAL_MAX16(0xff), REPORT_SIZE(8), REPORT_COUNT16(count), USAGE(0x01), \
		INPUT(DATA_VAR), END_COLLECTION

/* An N-key bitmap under report ID 1: the modifiers, then one bit for each usage 0-0xff
 * (32 bytes): 34 bytes with the ID. */
#define NKRO_ALL_ID1                                                                              \
	KBD_OPEN, REPORT_ID(1), USAGE_PAGE(PAGE_KEYS), USAGE_MIN(0xe0), USAGE_MAX(0xe7),          \
		LOGICAL_MIN(0), LOGICAL_MAX(1), REPORT_SIZE(1), REPORT_COUNT(8), INPUT(DATA_VAR), \
		USAGE_MIN(0x00), USAGE_MAX(0xff), REPORT_COUNT16(256), INPUT(DATA_VAR),           \
		END_COLLECTION

static const uint8_t id1_desc[] = { KBD_ID1 };
static const uint8_t vendor65_desc[] = { KBD_ID1, VENDOR(3, 64) };
static const uint8_t vendor200_desc[] = { VENDOR(2, 199), KBD_ID1 };
static const uint8_t nkro_vendor1024_desc[] = { NKRO_ALL_ID1, VENDOR(2, 1023) };

/* The key layout of k is alone's: the same report ID, key runs and arrays, bits needed and
 * LED report. */
static void check_same_keys(const struct hid_kbd_layout *alone)
{
	CHECK_EQ(k.report_id, alone->report_id);
	CHECK_EQ(k.need_bits, alone->need_bits);
	CHECK_EQ(k.nruns, alone->nruns);
	CHECK_EQ(k.narrays, alone->narrays);
	CHECK(!memcmp(k.run, alone->run, sizeof(k.run)));
	CHECK(!memcmp(k.array, alone->array, sizeof(k.array)));
	CHECK_EQ(k.led_report_id, alone->led_report_id);
	CHECK_EQ(k.led_bytes, alone->led_bytes);
	CHECK(!memcmp(k.led_bit, alone->led_bit, sizeof(k.led_bit)));
}

/* Input report id of k is declared, bytes long with its ID byte. */
static bool declares(uint8_t id, unsigned int bytes)
{
	for (unsigned int r = 0; r < k.nin; r++)
		if (k.in[r].id == id)
			return k.in[r].bytes == bytes;
	return false;
}

/* A vendor report (id, n bytes) whose bytes after the ID read as an ID-1 key report with
 * Left Shift and B held, over and over. */
static void vendor_report(uint8_t *rep, uint8_t id, size_t n)
{
	static const uint8_t keys[] = { 1, 0x02, 0, 0x05 };

	for (size_t i = 1; i < n; i++)
		rep[i] = keys[(i - 1) % sizeof(keys)];
	rep[0] = id;
}

/* The 65-byte vendor report after the keyboard: the keyboard's layout as without it (ID 1,
 * modifiers, six slots from bit 16, the LED report), in_max_bytes 65, both reports listed
 * (9 and 65 bytes); the ID-1 report typed (Left Ctrl and A), the vendor report not, its
 * boot report untouched, and after SET_PROTOCOL(boot) it is "another report". */
static void vendor_65_bytes(void)
{
	struct hid_kbd_layout alone;
	uint8_t boot[HID_KBD_REPORT_SIZE], rep[65];
	bool joined;

	CHECK_EQ(PARSE(id1_desc), 0);
	alone = k;
	CHECK_EQ(alone.in_max_bytes, 9);
	CHECK_EQ(PARSE(vendor65_desc), 0);
	check_same_keys(&alone);
	CHECK_EQ(k.in_max_bytes, 65);
	CHECK_EQ(k.nin, 2);
	CHECK(declares(1, 9));
	CHECK(declares(3, 65));
	CHECK(to_boot((const uint8_t[]){ 1, 0x01, 0, 0x04, 0, 0, 0, 0, 0 }, 9, boot));
	CHECK_BOOT(boot, 0x01, 0x04, 0, 0, 0, 0, 0);
	vendor_report(rep, 3, sizeof(rep));
	CHECK(!to_boot(rep, sizeof(rep), boot));
	CHECK(untouched(boot));
	CHECK_EQ(hid_kbd_boot_verdict(&k, rep, sizeof(rep), NULL, 0, 64, &joined),
		 HID_VERDICT_OTHER);
	CHECK(!joined);
}

/* The 200-byte vendor report declared before the keyboard: the keyboard's offsets are its
 * own report's (as without it), in_max_bytes 200, both listed; a 200-byte vendor report
 * types nothing, an ID-1 report of 9 bytes types, and one the device padded to 200 bytes
 * too (its key fields are in its first 9). */
static void vendor_200_bytes_first(void)
{
	struct hid_kbd_layout alone;
	uint8_t boot[HID_KBD_REPORT_SIZE], rep[200];

	CHECK_EQ(PARSE(id1_desc), 0);
	alone = k;
	CHECK_EQ(PARSE(vendor200_desc), 0);
	check_same_keys(&alone);
	CHECK_EQ(k.in_max_bytes, 200);
	CHECK_EQ(k.nin, 2);
	CHECK(declares(2, 200));
	CHECK(declares(1, 9));
	vendor_report(rep, 2, sizeof(rep));
	CHECK(!to_boot(rep, sizeof(rep), boot));
	CHECK(untouched(boot));
	CHECK(to_boot((const uint8_t[]){ 1, 0, 0, 0x2c, 0, 0, 0, 0, 0 }, 9, boot));
	CHECK_BOOT(boot, 0, 0x2c, 0, 0, 0, 0, 0);
	memset(rep, 0, sizeof(rep));
	rep[0] = 1;
	rep[3] = 0x1d;
	CHECK(to_boot(rep, sizeof(rep), boot));
	CHECK_BOOT(boot, 0, 0x1d, 0, 0, 0, 0, 0);
}

/* A bitmap of all 256 usages (a 34-byte key report) beside a 1024-byte vendor report, the
 * longest LiOS reads: accepted, 8 modifiers and a 256-bit run from bit 8, 264 bits needed,
 * in_max_bytes 1024; A and usage 0xff (the bitmap's last bit) held both come out; the
 * vendor report types nothing. */
static void nkro_all_usages_beside_1024(void)
{
	uint8_t boot[HID_KBD_REPORT_SIZE], key_rep[34] = { 1 }, rep[1024];

	CHECK_EQ(PARSE(nkro_vendor1024_desc), 0);
	CHECK_EQ(k.report_id, 1);
	CHECK_EQ(k.nruns, 2);
	CHECK_EQ(k.run[1].bit, 8);
	CHECK_EQ(k.run[1].first, 0);
	CHECK_EQ(k.run[1].count, 256);
	CHECK_EQ(k.need_bits, 264);
	CHECK_EQ(k.in_max_bytes, 1024);
	CHECK(declares(1, 34));
	CHECK(declares(2, 1024));
	key_rep[2 + 0x04 / 8] |= 1u << (0x04 % 8);
	key_rep[2 + 0xff / 8] |= 1u << (0xff % 8);
	CHECK(to_boot(key_rep, sizeof(key_rep), boot));
	CHECK_BOOT(boot, 0, 0x04, 0xff, 0, 0, 0, 0);
	vendor_report(rep, 2, sizeof(rep));
	CHECK(!to_boot(rep, sizeof(rep), boot));
	CHECK(untouched(boot));
}

int main(void)
{
	RUN(vendor_65_bytes);
	RUN(vendor_200_bytes_first);
	RUN(nkro_all_usages_beside_1024);
	return unit_summary();
}
