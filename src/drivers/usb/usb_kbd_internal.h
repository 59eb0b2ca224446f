// SPDX-License-Identifier: MIT
/*
 * What the HID keyboard driver's files share (usb_kbd.c: setup, requests, LEDs;
 * usb_kbd_desc.c: the report descriptor read, and the layout taken from it;
 * usb_kbd_report.c: the interrupt reports): the keyboard's state and the steps one file
 * asks of another. Tick context, or the controller's interrupt, unless said otherwise.
 */
#ifndef LIOS_USB_KBD_INTERNAL_H
#define LIOS_USB_KBD_INTERNAL_H

#include <lios/types.h>
#include "hid_desc.h"
#include "usb_internal.h"

enum {
	K_CONFIG_EP,
	K_READ_DESC, /* d->hid_probe: the report descriptor first, the endpoint once it has keys */
	K_PROTOCOL,
	K_IDLE,
	K_REPORT_DESC,
	K_LEDS,
	K_RUN, /* ready: this state and all below */
	K_LED_DONE,
	K_PROBE_STALL,
	K_PROBE_AFTER,
	K_CHECK_DESC, /* GET_DESCRIPTOR(report) after a report no boot report is */
};

/* The shape check of a boot keyboard's reports (see the top comment). */
enum {
	CHECK_NONE,    /* every report 8 bytes so far */
	CHECK_WANTED,  /* one was not: its report descriptor to be read */
	CHECK_READING, /* ... and being read */
	CHECK_KNOWN,   /* read: reports of odd length judged by it */
	CHECK_OFF,     /* unreadable: boot reports whatever their length */
};

struct usb_kbd {
	int state;
	struct hid_kbd_state report;
	struct hid_repeat repeat;
	bool led_request;          /* set from thread context, taken by the step */
	uint8_t leds_sent;         /* HID_LED_* last sent */
	bool led_failed;           /* refused an LED report, or left LED_TIMEOUTS_MAX in a row
				    * unanswered: sent no more */
	unsigned int led_timeouts; /* LED reports in a row never answered */
	bool led_timeouts_said;    /* ... the first one logged */
	bool frozen;               /* its controller stopped without halting: no more requests */
	bool report_protocol;      /* read through layout, not as boot reports */
	bool switched;             /* ... since its reports showed it ignored SET_PROTOCOL */
	uint8_t check;             /* CHECK_* */
	struct hid_kbd_layout layout;
	uint64_t reports;
	uint16_t boot_asked;       /* bytes per interrupt transfer in boot protocol */
	/* reports kept, each at most HID_KEY_REPORT_MAX bytes (a longer one is no key report
	 * and is not kept: usb_kbd_report.c) */
	uint8_t prev_len, held_len, held_prev_len; /* bytes */
	uint8_t prev[HID_KEY_REPORT_MAX];      /* the last report (prev_len 0: none kept) */
	uint8_t held[HID_KEY_REPORT_MAX];      /* the last one of odd length, while CHECK_WANTED */
	bool held_stale;                       /* a boot report came after it: not typed */
	uint8_t held_prev[HID_KEY_REPORT_MAX]; /* ... or CHECK_READING, and the one before it */
};

static inline uint16_t iface_number(const struct usb_dev *d)
{
	return d->cfg.iface[d->iface].number;
}

/* usb_kbd_desc.c */
/* GET_DESCRIPTOR(report) for the length the HID descriptor gave; false, nothing sent, with
 * *why set when it gave none or one longer than LiOS reads. */
bool usb_kbd_ask_report_desc(struct usb_dev *d, const char **why);
/* The report descriptor's bytes that came. */
size_t usb_kbd_report_desc_got(const struct usb_dev *d);
/* d->kbd->layout is read: d is read through it from now on; its description into what. */
void usb_kbd_use_layout(struct usb_dev *d, char *what, size_t n);
/* Report protocol: the report descriptor asked for (K_REPORT_DESC), or d refused (or left
 * alone) when its HID descriptor names none LiOS reads. */
void usb_kbd_get_report_desc(struct usb_dev *d);
/* K_REPORT_DESC answered: true with d's layout taken; false with d refused or left alone
 * (its keyboard state freed), or, a HID interface probed, its next one to be read. */
bool usb_kbd_take_layout(struct usb_dev *d);

/* usb_kbd_report.c */
/* Endpoint 0 free, a report of odd length seen: the report descriptor asked for, or boot
 * reports from now on. */
void usb_kbd_check_desc_ask(struct usb_dev *d);
/* K_CHECK_DESC over (answered, or timed out): the held report judged. */
void usb_kbd_check_desc_read(struct usb_dev *d);

#endif
