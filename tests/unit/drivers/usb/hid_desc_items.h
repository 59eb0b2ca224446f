/* SPDX-License-Identifier: MIT */
/*
 * What test_hid_desc.c and test_hid_desc_refusals.c share: HID report descriptors written
 * item by item (the short item encoding of HID 1.11 6.2.2.2 as macros named after the
 * items), the boot keyboard of appendix B.1 and a consumer control report in parts, and
 * the calls of hid_desc.c and hid_layout.c on exact-size heap copies (so ASan sees any read
 * past the end) with the checks the cases make of their results.
 */
#ifndef LIOS_TEST_HID_DESC_ITEMS_H
#define LIOS_TEST_HID_DESC_ITEMS_H

#include <stdlib.h>
#include <string.h>
#include <lios/errno.h>
#include "../../unit.h"
#include "../../../../src/drivers/usb/hid_desc.h"

/* Short items: prefix bTag << 4 | bType << 2 | bSize (1 data byte unless the name says). */
#define USAGE_PAGE(p) 0x05, (p)
#define USAGE(u) 0x09, (u)
#define USAGE_MIN(u) 0x19, (u)
#define USAGE_MAX(u) 0x29, (u)
#define LOGICAL_MIN(v) 0x15, (v)
#define LOGICAL_MAX(v) 0x25, (v)
#define LOGICAL_MAX16(v) 0x26, ((v)&0xff), ((v) >> 8)
#define USAGE_MAX16(u) 0x2a, ((u)&0xff), ((u) >> 8)
#define REPORT_SIZE(n) 0x75, (n)
#define REPORT_COUNT(n) 0x95, (n)
#define REPORT_COUNT16(n) 0x96, ((n)&0xff), ((n) >> 8)
#define REPORT_ID(n) 0x85, (n)
#define INPUT(f) 0x81, (f)
#define OUTPUT(f) 0x91, (f)
#define FEATURE(f) 0xb1, (f)
#define COLLECTION(c) 0xa1, (c)
#define END_COLLECTION 0xc0
#define PUSH 0xa4
#define POP 0xb4
#define DELIMITER(open) 0xa9, (open)
/* 4-byte (extended) usages: usage ID in the low 16 bits, usage page in the high 16 */
#define EXT(page, id) ((id)&0xff), ((id) >> 8), ((page)&0xff), ((page) >> 8)
#define USAGE32(page, id) 0x0b, EXT(page, id)
#define USAGE_MIN32(page, id) 0x1b, EXT(page, id)
#define USAGE_MAX32(page, id) 0x2b, EXT(page, id)
/* Input and Output data bits (6.2.2.5) */
#define DATA_ARRAY 0x00
#define CONSTANT 0x01
#define DATA_VAR 0x02

#define PAGE_DESKTOP 0x01
#define PAGE_KEYS 0x07
#define PAGE_LEDS 0x08
#define PAGE_CONSUMER 0x0c

/* The boot keyboard of HID 1.11 B.1 in its parts: the application collection, the
 * modifier byte and the reserved byte, five LEDs and their padding, the six key slots. */
#define KBD_OPEN USAGE_PAGE(PAGE_DESKTOP), USAGE(0x06), COLLECTION(0x01)
#define KBD_MODIFIERS                                                                              \
	USAGE_PAGE(PAGE_KEYS), USAGE_MIN(0xe0), USAGE_MAX(0xe7), LOGICAL_MIN(0), LOGICAL_MAX(1),   \
		REPORT_SIZE(1), REPORT_COUNT(8), INPUT(DATA_VAR), REPORT_COUNT(1), REPORT_SIZE(8), \
		INPUT(CONSTANT)
#define KBD_LEDS                                                                            \
	REPORT_COUNT(5), REPORT_SIZE(1), USAGE_PAGE(PAGE_LEDS), USAGE_MIN(1), USAGE_MAX(5), \
		OUTPUT(DATA_VAR), REPORT_COUNT(1), REPORT_SIZE(3), OUTPUT(CONSTANT)
#define KBD_KEYS                                                                                   \
	REPORT_COUNT(6), REPORT_SIZE(8), LOGICAL_MIN(0), LOGICAL_MAX(0x65), USAGE_PAGE(PAGE_KEYS), \
		USAGE_MIN(0), USAGE_MAX(0x65), INPUT(DATA_ARRAY)
#define BOOT_KBD KBD_OPEN, KBD_MODIFIERS, KBD_LEDS, KBD_KEYS, END_COLLECTION

static const uint8_t boot_desc[] = { BOOT_KBD };

/* A consumer control report (ID 2): five 16-bit usages of page 0x0c, 11 bytes with its ID. */
#define CONSUMER_ID2                                                                            \
	USAGE_PAGE(PAGE_CONSUMER), USAGE(0x01), COLLECTION(0x01), REPORT_ID(2), LOGICAL_MIN(0), \
		LOGICAL_MAX16(0x3ff), USAGE_MIN(0), USAGE_MAX16(0x3ff), REPORT_SIZE(16),        \
		REPORT_COUNT(5), INPUT(DATA_ARRAY), END_COLLECTION
#define KBD_ID1 KBD_OPEN, REPORT_ID(1), KBD_MODIFIERS, KBD_LEDS, KBD_KEYS, END_COLLECTION

/* what the last parse() read, or why it refused */
static struct hid_kbd_layout k;
static const char *why;

/* Parse an exact-size heap copy of d (n bytes) into k; why NULL first. */
static inline int parse(const uint8_t *d, size_t n)
{
	uint8_t *copy = malloc(n ? n : 1);
	int err;

	memcpy(copy, d, n);
	why = NULL;
	err = hid_parse_kbd_desc(copy, n, &k, &why);
	free(copy);
	return err;
}
#define PARSE(d) parse(d, sizeof(d))

/* Report rep (n bytes, an exact-size copy) into boot, which is first filled with 0xaa so a
 * report refused can be seen to leave it alone. */
static inline bool to_boot(const uint8_t *rep, size_t n, uint8_t boot[HID_KBD_REPORT_SIZE])
{
	uint8_t *copy = malloc(n ? n : 1);
	bool ok;

	memcpy(copy, rep, n);
	memset(boot, 0xaa, HID_KBD_REPORT_SIZE);
	ok = hid_kbd_to_boot(&k, copy, n, boot);
	free(copy);
	return ok;
}

/* The boot report is exactly mods, 0, k0..k5. */
static inline void check_boot(const uint8_t *boot, uint8_t mods, const uint8_t keys[HID_KBD_KEYS],
			      const char *file, int line)
{
	UNIT_CHECKED();
	if (boot[0] != mods || boot[1] || memcmp(boot + 2, keys, HID_KBD_KEYS)) {
		fprintf(stderr, "  %s:%d: boot report", file, line);
		for (int i = 0; i < HID_KBD_REPORT_SIZE; i++)
			fprintf(stderr, " %02x", boot[i]);
		fprintf(stderr, ", expected %02x 00", mods);
		for (int i = 0; i < HID_KBD_KEYS; i++)
			fprintf(stderr, " %02x", keys[i]);
		fprintf(stderr, "\n");
		UNIT_FAIL();
	}
}
#define CHECK_BOOT(boot, mods, ...) \
	check_boot(boot, mods, (const uint8_t[6]){ __VA_ARGS__ }, __FILE__, __LINE__)

/* boot still holds the 0xaa to_boot filled it with. */
static inline bool untouched(const uint8_t boot[HID_KBD_REPORT_SIZE])
{
	for (int i = 0; i < HID_KBD_REPORT_SIZE; i++)
		if (boot[i] != 0xaa)
			return false;
	return true;
}

/* d (n bytes) refused with error want_err for reason want, word for word. */
static inline void check_refused(const uint8_t *d, size_t n, int want_err, const char *want,
				 const char *file, int line)
{
	int err = parse(d, n);

	UNIT_CHECKED();
	if (err != want_err || !why || strcmp(why, want)) {
		fprintf(stderr, "  %s:%d: returned %d, why \"%s\"; expected %d, \"%s\"\n", file,
			line, err, why ? why : "(null)", want_err, want);
		UNIT_FAIL();
	}
}
/* not understood (-EINVAL) */
#define CHECK_REFUSED(d, n, want) check_refused(d, n, -EINVAL, want, __FILE__, __LINE__)
/* read through, no key field: not a keyboard (-ENOENT) */
#define CHECK_NO_KEYS(d, n) \
	check_refused(d, n, -ENOENT, "no key field in any input report", __FILE__, __LINE__)

/* A descriptor built in pieces, for the ones too repetitive to write out. */
struct desc {
	uint8_t b[1024];
	size_t n;
};

static inline void put(struct desc *d, const uint8_t *bytes, size_t n)
{
	if (d->n + n > sizeof(d->b))
		abort(); /* the test's own mistake */
	memcpy(d->b + d->n, bytes, n);
	d->n += n;
}
#define PUT(d, ...) \
	put(d, (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }))

#endif
