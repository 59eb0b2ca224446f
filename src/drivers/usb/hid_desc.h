/* SPDX-License-Identifier: MIT */
/*
 * HID report descriptors (HID 1.11 sections 5 and 6.2.2, HID Usage Tables 1.12 chapters 10
 * and 11), pure part: the reader that finds a keyboard's input report and its LED output
 * report in the descriptor a device sends (hid_desc.c), and what that layout is used for
 * (hid_layout.c): the conversion of that input report to the 8-byte boot report
 * hid_kbd_diff takes, the verdict on an odd report, the LED report. It is how a keyboard
 * is driven in report protocol: one that stalls SET_PROTOCOL(boot), or any with
 * `usb.kbd=report`.
 * Private to src/drivers/usb/, compiled for the host too
 * (tests/unit/drivers/usb/test_hid_desc.c, fuzz/hid_desc_fuzz.c).
 *
 * What is understood, in any order and under any report ID: the keys as 1-bit variable
 * fields of usage page 0x07 (the modifiers E0-E7 and "bitmap" keyboards, one bit per key),
 * as array fields of page 0x07 (the boot layout's six key slots), and the Num, Caps and
 * Scroll Lock LEDs as 1-bit variable output fields of page 0x08. Everything else (consumer
 * keys, vendor reports, padding) is skipped but counted, so offsets stay right. Descriptors
 * are hostile input: every length is bounded, and a refusal says why in a short static
 * string for the `usb:` log line.
 */
#ifndef LIOS_HID_DESC_H
#define LIOS_HID_DESC_H

#include <lios/compiler.h>
#include "hid_kbd.h"

#define HID_REPORT_DESC_MAX 4096 /* longest report descriptor read */
/* Longest input reports, their ID byte included: the keyboard's own (its key fields: what
 * usb_kbd_report.c keeps of a report, and joins when a transfer cuts one in two), and any
 * other (vendor, consumer, system control reports beside it: recognised by their ID and
 * ignored where they lie, never copied). The interrupt transfers are made as long as the
 * longest input report: a transfer ends at the report's short packet (USB 2.0 5.7.3), and
 * a report longer than the transfer is babble, which halts the endpoint. 1024 bytes is the
 * most one high-speed interrupt packet carries (wMaxPacketSize bits 10:0, USB 2.0 5.7.3
 * and 9.6.6), more than keyboards' vendor reports (a report ID and 64 bytes) and N-key
 * bitmaps (32 bytes for all 256 usages) need, and keeps a device's interrupt buffer within
 * 16 KiB (XHCI_INTR_SLOTS transfers of 1024 bytes). */
#define HID_KEY_REPORT_MAX 64
#define HID_INPUT_REPORT_MAX 1024
#define HID_KBD_MAX_RUNS 16  /* runs of 1-bit key fields in one layout */
#define HID_KBD_MAX_ARRAYS 4 /* key array fields in one layout */
#define HID_KBD_MAX_IDS 32   /* report IDs one descriptor may use */

/* one input report the descriptor declares */
struct hid_in_report {
	uint8_t id;     /* 0: the descriptor uses no report IDs */
	uint16_t bytes; /* its length, ID byte included (at most HID_INPUT_REPORT_MAX) */
};

/* count 1-bit fields, at bit, bit + 1, ... for usages first, first + 1, ... of page 0x07 */
struct hid_key_run {
	uint16_t bit;   /* offset in the report's data (after its ID byte), bits */
	uint16_t first; /* usage ID of the first bit */
	uint16_t count;
};

/* count fields of size bits, each naming a held key: value v is usage
 * usage_min + (v - logical_min) when logical_min <= v <= logical_max, else none */
struct hid_key_array {
	uint16_t bit; /* offset of the first field, bits */
	uint8_t size; /* bits per field, 1-16 */
	uint8_t count;
	uint16_t logical_min, logical_max;
	uint16_t usage_min, usage_max;
};

struct hid_kbd_layout {
	uint8_t report_id;     /* the keyboard's input report ID; 0: reports carry no ID */
	uint16_t need_bits;    /* data bits the key fields span (a shorter report is ignored) */
	uint16_t in_max_bytes; /* longest input report of any ID, ID byte included */
	uint8_t nruns, narrays;
	struct hid_key_run run[HID_KBD_MAX_RUNS];
	struct hid_key_array array[HID_KBD_MAX_ARRAYS];
	/* the LED output report: led_bytes 0 (and no ID, no LED bit) when the keyboard
	 * declares no lock LED, or only in an output report longer than 255 bytes */
	uint8_t led_report_id; /* 0: no ID byte */
	uint8_t led_bytes;     /* data bytes of the output report, ID byte excluded */
	int16_t led_bit[3]; /* offsets of Num, Caps and Scroll Lock (HID_LED_* order); -1 absent */
	uint8_t nin;        /* every input report of any ID, the keyboard's among them */
	struct hid_in_report in[HID_KBD_MAX_IDS];
};

/* What a report from a keyboard asked for the boot protocol is (hid_kbd_boot_verdict). */
enum hid_boot_verdict {
	HID_VERDICT_BOOT,  /* a boot report, as far as anything tells */
	HID_VERDICT_KEYS,  /* the keyboard's input report as its descriptor declares it */
	HID_VERDICT_OTHER, /* another input report the descriptor declares (media keys ...) */
};

/*
 * Read the report descriptor desc (len bytes) into *k. Returns 0; -ENOENT with *why set
 * when the whole descriptor was read and no input report has a key field of page 0x07
 * (not a keyboard); or -EINVAL with *why set for a descriptor LiOS cannot read, keyboard
 * or not: an item cut off by the end, a report ID of 0, Push past 8 levels or Pop with
 * nothing pushed, more than 32 report IDs, a report longer than HID_REPORT_DESC_MAX * 8
 * bits, more key fields than the layout holds, a key array whose fields are wider than 16
 * bits or whose usages are not one range, the keyboard's input report longer than
 * HID_KEY_REPORT_MAX, another input report longer than HID_INPUT_REPORT_MAX. Pure.
 */
int hid_parse_kbd_desc(const uint8_t *desc, size_t len, struct hid_kbd_layout *k, const char **why);

/*
 * Turn input report rep (len bytes as received) into the boot report boot[0..7]
 * (modifiers, reserved, six usage IDs). More than six keys held, or an error usage in any
 * field, gives the boot report's "too many keys" (every slot ErrorRollOver) with the
 * modifiers held, whose key slots hid_kbd_diff ignores. Returns false, boot untouched, for
 * a report that is not the keyboard's (another report ID, or shorter than its key
 * fields). Pure.
 */
bool hid_kbd_to_boot(const struct hid_kbd_layout *k, const uint8_t *rep, size_t len,
		     uint8_t boot[HID_KBD_REPORT_SIZE]);

/*
 * What rep (len bytes), which ended an interrupt transfer of asked bytes from a keyboard
 * that took SET_PROTOCOL(boot), is by layout k, its report descriptor's; prev (prev_len
 * bytes) ended the transfer before. A boot report is 8 bytes (HID 1.11 B.1), so a report
 * of another length is one of k's input reports when that is the length k declares for a
 * report starting with its first byte (its report ID, when k uses IDs). So are prev and
 * rep together, *joined set, when prev filled its whole transfer and rep is shorter than
 * its own: one report longer than the transfer, cut in two. An 8-byte report is a boot
 * report (its length tells nothing), as is any report k does not explain. Pure.
 */
enum hid_boot_verdict hid_kbd_boot_verdict(const struct hid_kbd_layout *k, const uint8_t *rep,
					   size_t len, const uint8_t *prev, size_t prev_len,
					   size_t asked, bool *joined);

/* The LED output report for leds (HID_LED_* bits) into out (n bytes): its ID byte when it
 * has one, then led_bytes bytes. Returns its length, 0 when the keyboard has no LEDs or n
 * is too small. Pure. */
size_t hid_kbd_led_report(const struct hid_kbd_layout *k, uint8_t leds, uint8_t *out, size_t n);

/* "report ID 1, 8 modifiers, 6-key array, 101-key bitmap, LEDs" (what the log line says
 * of a layout) into buf (n bytes, always terminated). Returns what ksnprintf returns. */
int hid_kbd_layout_describe(const struct hid_kbd_layout *k, char *buf, size_t n);

#endif
