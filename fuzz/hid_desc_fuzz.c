// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the HID report descriptor reader (src/drivers/usb/hid_desc.c, with
 * hid_layout.c, which reads reports through the layout it builds): the input is a report
 * descriptor (its length in the first two bytes, little-endian, cut to what follows) and
 * then the reports the keyboard sends (each a length byte and that many bytes: 0-127, or
 * 16 times the low seven bits when bit 7 is set, for reports up to 2032 bytes).
 * Descriptor, reports and every output buffer are exact-size heap copies, so
 * ASan sees any access past their ends. A refusal must say why. An accepted layout must be
 * one the driver can trust: every key run and array inside need_bits, need_bits inside the
 * keyboard's report less its ID byte, that report at most 64 bytes and every other at most
 * 1024, the LED bits inside led_bytes; each LED report exactly its ID byte and led_bytes
 * with only the LEDs asked for set; each report the keyboard's exactly when its ID matches
 * and it covers need_bits, and then the boot report the layout's fields say (modifiers,
 * keys in field order, or ErrorRollOver in all six slots), and any other report leaving
 * the output untouched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lios/errno.h>
#include "../src/drivers/usb/hid_desc.h"

#define USAGE_LEFT_CTRL 0xe0 /* the modifiers E0-E7 (HID Usage Tables 1.12, 10) */
#define USAGE_RIGHT_GUI 0xe7

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "hid_desc broken: %s\n", what);
	abort();
}

static uint8_t *copy_of(const uint8_t *p, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);

	memcpy(c, p, n);
	return c;
}

static void check_layout(const struct hid_kbd_layout *k)
{
	unsigned int id_byte = k->report_id ? 1 : 0, longest = 0, kbd = 0, kbd_bytes = 0;

	if (!k->nruns && !k->narrays)
		fail("accepted without a key field");
	if (k->nruns > HID_KBD_MAX_RUNS || k->narrays > HID_KBD_MAX_ARRAYS)
		fail("more fields than the layout holds");
	if (k->in_max_bytes > HID_INPUT_REPORT_MAX || k->in_max_bytes < id_byte)
		fail("in_max_bytes out of range");
	if (k->need_bits > (k->in_max_bytes - id_byte) * 8u)
		fail("key fields past the longest report");
	for (unsigned int r = 0; r < k->nruns; r++) {
		const struct hid_key_run *run = &k->run[r];

		if (!run->count || run->first + run->count - 1 > 0xff)
			fail("key run empty or past usage 0xff");
		if (run->bit + run->count > k->need_bits)
			fail("key run past need_bits");
	}
	for (unsigned int r = 0; r < k->narrays; r++) {
		const struct hid_key_array *a = &k->array[r];

		if (a->size > 16 || a->logical_min > a->logical_max || a->usage_min > a->usage_max)
			fail("key array of impossible fields");
		if (a->bit + (unsigned int)a->size * a->count > k->need_bits)
			fail("key array past need_bits");
	}
	if (!k->led_bytes && k->led_report_id)
		fail("an LED report ID without an LED report");
	if (k->led_bytes && !k->led_report_id != !k->report_id)
		fail("LED report and keyboard disagree on report IDs");
	for (int l = 0; l < 3; l++)
		if (k->led_bit[l] < -1 || k->led_bit[l] >= k->led_bytes * 8)
			fail("LED bit outside the LED report");
	/* every input report with a bit in it; the keyboard's among them when its key fields
	 * have one (fields of no bits make a report of none) */
	if (k->nin > HID_KBD_MAX_IDS || (!k->report_id && k->nin > 1))
		fail("input report table of an impossible size");
	for (unsigned int r = 0; r < k->nin; r++) {
		if (!k->in[r].id != !k->report_id || k->in[r].bytes <= id_byte ||
		    k->in[r].bytes > k->in_max_bytes)
			fail("input report of an impossible ID or length");
		longest = k->in[r].bytes > longest ? k->in[r].bytes : longest;
		kbd += k->in[r].id == k->report_id;
		if (k->in[r].id == k->report_id)
			kbd_bytes = k->in[r].bytes;
	}
	if ((k->need_bits && kbd != 1) || kbd > 1)
		fail("input report table without the keyboard's report, or with two");
	if (kbd_bytes > HID_KEY_REPORT_MAX ||
	    (k->need_bits && k->need_bits > (kbd_bytes - id_byte) * 8u))
		fail("the keyboard's report longer than a key report, or its key fields past it");
	if (longest != k->in_max_bytes && (k->nin || k->in_max_bytes > id_byte))
		fail("input report table without the longest report");
}

/* The verdict on rep after prev, transfers of asked bytes: a report judged the keyboard's
 * (whole, or prev and rep joined) is one hid_kbd_to_boot reads. */
static void check_verdict(const struct hid_kbd_layout *k, const uint8_t *rep, size_t len,
			  const uint8_t *prev, size_t prev_len, size_t asked)
{
	uint8_t whole[2 * HID_KEY_REPORT_MAX], boot[HID_KBD_REPORT_SIZE];
	bool joined = true;
	enum hid_boot_verdict v = hid_kbd_boot_verdict(k, rep, len, prev, prev_len, asked, &joined);

	if (v != HID_VERDICT_BOOT && v != HID_VERDICT_KEYS && v != HID_VERDICT_OTHER)
		fail("verdict out of range");
	if ((v == HID_VERDICT_BOOT && joined) ||
	    (len == HID_KBD_REPORT_SIZE && v != HID_VERDICT_BOOT))
		fail("an 8-byte report, or a boot one, judged otherwise");
	if (v != HID_VERDICT_KEYS)
		return;
	if (joined && (prev_len != asked || len >= asked || prev_len + len > HID_KEY_REPORT_MAX))
		fail("joined pieces that are not a full transfer and a short one of a key report");
	if (joined) {
		memcpy(whole, prev, prev_len);
		memcpy(whole + prev_len, rep, len);
		rep = whole, len += prev_len;
	}
	if (!hid_kbd_to_boot(k, rep, len, boot))
		fail("the keyboard's report by the verdict refused by hid_kbd_to_boot");
}

/* Every LED combination, into a buffer of exactly the length the report should have, and
 * one byte short. */
static void check_leds(const struct hid_kbd_layout *k)
{
	size_t want = k->led_bytes ? k->led_bytes + (k->led_report_id ? 1u : 0u) : 0;

	for (unsigned int leds = 0; leds < 8; leds++) {
		uint8_t *out = malloc(want ? want : 1);
		const uint8_t *d = out + (k->led_report_id ? 1 : 0);

		if (hid_kbd_led_report(k, (uint8_t)leds, out, want) != want)
			fail("LED report of the wrong length");
		if (want && k->led_report_id && out[0] != k->led_report_id)
			fail("LED report without its ID byte");
		for (unsigned int b = 0; want && b < k->led_bytes * 8u; b++) {
			bool set = false;

			for (int l = 0; l < 3; l++)
				set |= k->led_bit[l] == (int)b && (leds & (1u << l));
			if (((d[b / 8] >> (b % 8)) & 1) != set)
				fail("LED report bit not what was asked");
		}
		free(out);
		if (want) {
			out = malloc(want - 1 ? want - 1 : 1);
			if (hid_kbd_led_report(k, (uint8_t)leds, out, want - 1))
				fail("LED report into a buffer too small");
			free(out);
		}
	}
}

static void check_describe(const struct hid_kbd_layout *k)
{
	static const size_t sizes[] = { 1, 9, 40, 96 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *buf = malloc(sizes[i]);
		int n = hid_kbd_layout_describe(k, buf, sizes[i]);

		if (strnlen(buf, sizes[i]) == sizes[i])
			fail("description not terminated");
		if (n < 0 || (size_t)n < strlen(buf))
			fail("description length");
		free(buf);
	}
}

static uint32_t bits_at(const uint8_t *d, uint32_t bit, uint32_t size)
{
	uint32_t v = 0;

	for (uint32_t b = 0; b < size; b++)
		v |= (uint32_t)((d[(bit + b) / 8] >> ((bit + b) % 8)) & 1) << b;
	return v;
}

struct model {
	uint8_t mods, keys[HID_KBD_KEYS];
	unsigned int nkeys;
	bool rollover;
};

static void model_usage(struct model *m, uint32_t u)
{
	if (!u || u > 0xff)
		return;
	if (u >= USAGE_LEFT_CTRL && u <= USAGE_RIGHT_GUI)
		m->mods |= (uint8_t)(1u << (u - USAGE_LEFT_CTRL));
	else if (u <= HID_USAGE_ERR_UNDEFINED || m->nkeys == HID_KBD_KEYS)
		m->rollover = true;
	else
		m->keys[m->nkeys++] = (uint8_t)u;
}

/* The boot report the layout's fields say of report data d: runs, then arrays, in order. */
static void expected_boot(const struct hid_kbd_layout *k, const uint8_t *d, uint8_t *boot)
{
	struct model m = { 0 };

	for (unsigned int r = 0; r < k->nruns; r++)
		for (unsigned int i = 0; i < k->run[r].count; i++)
			if (bits_at(d, k->run[r].bit + i, 1))
				model_usage(&m, k->run[r].first + i);
	for (unsigned int r = 0; r < k->narrays; r++) {
		const struct hid_key_array *a = &k->array[r];

		for (unsigned int i = 0; i < a->count; i++) {
			uint32_t v = bits_at(d, a->bit + i * a->size, a->size);

			if (v >= a->logical_min && v <= a->logical_max &&
			    v - a->logical_min <= (uint32_t)(a->usage_max - a->usage_min))
				model_usage(&m, a->usage_min + v - a->logical_min);
		}
	}
	memset(boot, 0, HID_KBD_REPORT_SIZE);
	boot[0] = m.mods;
	if (m.rollover)
		memset(boot + 2, HID_USAGE_ERR_ROLLOVER, HID_KBD_KEYS);
	else
		memcpy(boot + 2, m.keys, m.nkeys);
}

static void check_report(const struct hid_kbd_layout *k, const uint8_t *rep, size_t len)
{
	unsigned int id_byte = k->report_id ? 1 : 0;
	bool mine = (!id_byte || (len && rep[0] == k->report_id)) &&
		    (len - id_byte) * 8 >= k->need_bits;
	uint8_t *copy = copy_of(rep, len);
	uint8_t *boot = malloc(HID_KBD_REPORT_SIZE), want[HID_KBD_REPORT_SIZE];
	bool rollover = true;

	memset(boot, 0xaa, HID_KBD_REPORT_SIZE);
	if (hid_kbd_to_boot(k, copy, len, boot) != mine)
		fail("report taken or refused wrongly");
	if (!mine) {
		for (int i = 0; i < HID_KBD_REPORT_SIZE; i++)
			if (boot[i] != 0xaa)
				fail("refused report wrote the boot report");
		goto out;
	}
	for (int i = 2; i < HID_KBD_REPORT_SIZE; i++)
		rollover &= boot[i] == HID_USAGE_ERR_ROLLOVER;
	for (int i = 2; i < HID_KBD_REPORT_SIZE && !rollover; i++)
		if (boot[i] && boot[i] <= HID_USAGE_ERR_UNDEFINED)
			fail("error usage in a boot report that is no rollover");
	if (boot[1])
		fail("reserved byte set");
	expected_boot(k, copy + id_byte, want);
	if (memcmp(boot, want, HID_KBD_REPORT_SIZE))
		fail("boot report not what the layout says");
out:
	free(boot);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hid_kbd_layout k;
	const char *why = NULL;
	size_t dlen, off, prev_len;
	const uint8_t *prev;
	uint8_t *desc;
	int err;

	if (size < 2)
		return 0;
	dlen = data[0] | (size_t)data[1] << 8;
	if (dlen > size - 2)
		dlen = size - 2;
	desc = copy_of(data + 2, dlen);
	err = hid_parse_kbd_desc(desc, dlen, &k, &why);
	free(desc);
	if (err) {
		if ((err != -EINVAL && err != -ENOENT) || !why || !*why)
			fail("refusal without a reason");
		if ((err == -ENOENT) != !strcmp(why, "no key field in any input report"))
			fail("not a keyboard said for another reason, or with the wrong code");
		return 0;
	}
	check_layout(&k);
	check_leds(&k);
	check_describe(&k);
	for (off = 2 + dlen, prev = NULL, prev_len = 0; off < size;) {
		size_t len = data[off] & 0x80 ? (data[off] & 0x7fu) * 16u : data[off];

		off++;
		if (len > size - off)
			len = size - off;
		check_report(&k, data + off, len);
		/* the driver judges the reports it keeps (usb_kbd_report.c), no longer one */
		if (prev && len <= HID_KEY_REPORT_MAX && prev_len <= HID_KEY_REPORT_MAX) {
			check_verdict(&k, data + off, len, prev, prev_len, prev_len);
			check_verdict(&k, data + off, len, prev, prev_len, HID_KBD_REPORT_SIZE);
		}
		prev = data + off, prev_len = len;
		off += len;
	}
	return 0;
}
