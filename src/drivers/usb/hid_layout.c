// SPDX-License-Identifier: MIT
/*
 * What a keyboard's layout, read from its report descriptor by hid_desc.c, is used for (see
 * hid_desc.h): its input report turned into the 8-byte boot report hid_kbd_diff takes, the
 * verdict on a report of odd length from a keyboard asked for the boot protocol, the LED
 * output report in the form the layout declares, and the layout in words for the log line.
 * The parser builds a layout; this file only reads one, and a report a device sends. Pure,
 * compiled for the host too (tests/unit/drivers/usb/test_hid_desc.c, fuzz/hid_desc_fuzz.c).
 *
 * Reports are hostile input like descriptors: one shorter than the key fields it must hold
 * (need_bits) is not read, an array field's value outside its logical range names no key,
 * and an error usage or more than six keys held give the boot report's "too many keys".
 */
#include <lios/printk.h>
#include <lios/string.h>
#include "hid_desc.h"

/* the modifier usages of page 0x07 (HID Usage Tables 1.12, table 12): bits 0-7 of a boot
 * report's first byte */
#define HID_USAGE_LEFT_CTRL 0xe0
#define HID_USAGE_RIGHT_GUI 0xe7

/* Bits bit..bit+size-1 of data (little-endian, HID 1.11 5.8), size at most 16. */
static uint32_t get_bits(const uint8_t *data, uint32_t bit, uint32_t size)
{
	uint32_t v = 0;

	for (uint32_t b = 0; b < size; b++)
		v |= (uint32_t)((data[(bit + b) / 8] >> ((bit + b) % 8)) & 1) << b;
	return v;
}

struct boot_acc {
	uint8_t mods, keys[HID_KBD_KEYS];
	unsigned int nkeys;
	bool phantom; /* an error usage, or more than six keys */
};

static void take_usage(struct boot_acc *a, uint32_t u)
{
	if (!u || u > 0xff)
		return;
	if (u >= HID_USAGE_LEFT_CTRL && u <= HID_USAGE_RIGHT_GUI) {
		a->mods |= (uint8_t)(1u << (u - HID_USAGE_LEFT_CTRL));
	} else if (u <= HID_USAGE_ERR_UNDEFINED || a->nkeys == HID_KBD_KEYS) {
		a->phantom = true;
	} else {
		a->keys[a->nkeys++] = (uint8_t)u;
	}
}

/* hid_kbd_to_boot - a report-protocol input report as a boot report (see hid_desc.h). */
bool hid_kbd_to_boot(const struct hid_kbd_layout *k, const uint8_t *rep, size_t len,
		     uint8_t boot[HID_KBD_REPORT_SIZE])
{
	struct boot_acc a = { 0 };

	if (k->report_id) {
		if (!len || rep[0] != k->report_id)
			return false;
		rep++, len--;
	}
	if (len * 8 < k->need_bits)
		return false;
	for (unsigned int r = 0; r < k->nruns; r++)
		for (unsigned int i = 0; i < k->run[r].count; i++)
			if (get_bits(rep, k->run[r].bit + i, 1))
				take_usage(&a, k->run[r].first + i);
	for (unsigned int r = 0; r < k->narrays; r++) {
		const struct hid_key_array *f = &k->array[r];

		for (unsigned int i = 0; i < f->count; i++) {
			uint32_t v = get_bits(rep, f->bit + i * f->size, f->size);
			uint32_t u = f->usage_min + v - f->logical_min;

			if (v >= f->logical_min && v <= f->logical_max && u <= f->usage_max)
				take_usage(&a, u);
		}
	}
	memset(boot, 0, HID_KBD_REPORT_SIZE);
	boot[0] = a.mods;
	if (a.phantom)
		memset(boot + 2, HID_USAGE_ERR_ROLLOVER, HID_KBD_KEYS);
	else
		memcpy(boot + 2, a.keys, a.nkeys);
	return true;
}

/* The input report of k that starts with first (0: none), as declared. */
static const struct hid_in_report *in_report(const struct hid_kbd_layout *k, uint8_t first)
{
	for (unsigned int r = 0; r < k->nin; r++)
		if (!k->in[r].id || k->in[r].id == first)
			return &k->in[r];
	return NULL;
}

/* hid_kbd_boot_verdict - what a report sent after SET_PROTOCOL(boot) is (see hid_desc.h). */
enum hid_boot_verdict hid_kbd_boot_verdict(const struct hid_kbd_layout *k, const uint8_t *rep,
					   size_t len, const uint8_t *prev, size_t prev_len,
					   size_t asked, bool *joined)
{
	const struct hid_in_report *r = NULL;

	*joined = false;
	if (!len || len == HID_KBD_REPORT_SIZE)
		return HID_VERDICT_BOOT;
	r = in_report(k, rep[0]);
	if (!r || r->bytes != len) {
		r = prev_len && prev_len == asked && len < asked ? in_report(k, prev[0]) : NULL;
		if (!r || r->bytes != prev_len + len)
			return HID_VERDICT_BOOT;
		*joined = true;
	}
	return r->id == k->report_id ? HID_VERDICT_KEYS : HID_VERDICT_OTHER;
}

/* hid_kbd_led_report - the LED output report (see hid_desc.h). Pure. */
size_t hid_kbd_led_report(const struct hid_kbd_layout *k, uint8_t leds, uint8_t *out, size_t n)
{
	size_t len = k->led_bytes + (k->led_report_id ? 1u : 0u);
	uint8_t *data = out + (k->led_report_id ? 1 : 0);

	if (!k->led_bytes || n < len)
		return 0;
	memset(out, 0, len);
	if (k->led_report_id)
		out[0] = k->led_report_id;
	for (int l = 0; l < 3; l++)
		if (k->led_bit[l] >= 0 && (leds & (1u << l)))
			data[k->led_bit[l] / 8] |= (uint8_t)(1u << (k->led_bit[l] % 8));
	return len;
}

/* hid_kbd_layout_describe - the layout in words, for the log line. */
int hid_kbd_layout_describe(const struct hid_kbd_layout *k, char *buf, size_t n)
{
	unsigned int mods = 0, bitmap = 0, slots = 0;

	for (unsigned int r = 0; r < k->nruns; r++)
		for (unsigned int i = 0; i < k->run[r].count; i++) {
			unsigned int u = k->run[r].first + i;

			if (u >= HID_USAGE_LEFT_CTRL && u <= HID_USAGE_RIGHT_GUI)
				mods++;
			else
				bitmap++;
		}
	for (unsigned int r = 0; r < k->narrays; r++)
		slots += k->array[r].count;
	return ksnprintf(buf, n, "report ID %u, %u modifiers, %u-key array, %u-key bitmap, %s",
			 k->report_id, mods, slots, bitmap, k->led_bytes ? "LEDs" : "no LEDs");
}
