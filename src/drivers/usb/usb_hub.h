/* SPDX-License-Identifier: MIT */
/*
 * The hub class driver's private state, shared by usb_hub.c (the hub: set-up, its status
 * change bitmap, its own status, the requests in flight and what a failed one costs) and
 * usb_hub_port.c (one port's life: debounce, reset, over-current, giving up). Hub class
 * request and feature numbers are USB 2.0 tables 11-16 and 11-17; status bits 11.24.2.6-7.
 */
#ifndef LIOS_USB_HUB_H
#define LIOS_USB_HUB_H

#include <lios/time.h>
#include "usb_internal.h"

#define HUB_REQ_GET_STATUS 0x00
#define HUB_REQ_CLEAR_FEATURE 0x01
#define HUB_REQ_SET_FEATURE 0x03
#define HUB_REQ_GET_DESCRIPTOR 0x06
#define HUB_REQ_CLEAR_TT_BUFFER 0x08
#define HUB_RT_CLASS_DEV_IN 0xa0
#define HUB_RT_PORT_IN 0xa3
#define HUB_RT_PORT_OUT 0x23
#define HUB_PORT_ENABLE 1 /* CLEAR_FEATURE(PORT_ENABLE) disables the port */
#define HUB_PORT_RESET 4
#define HUB_PORT_POWER 8
#define HUB_C_PORT_CONNECTION 16 /* change features are 16 + the change bit */
#define HUB_RT_HUB_OUT 0x20
#define HUB_C_HUB_LOCAL_POWER 0       /* hub change features: 0 + the wHubChange bit */
#define HUB_HS_OVER_CURRENT (1u << 1) /* wHubStatus; the same bit of wHubChange */
#define HUB_HUB_CHANGE_MASK 0x3       /* C_HUB_LOCAL_POWER, C_HUB_OVER_CURRENT */
#define HUB_PS_CONNECTION (1u << 0)
#define HUB_PS_ENABLE (1u << 1)
#define HUB_PS_OVER_CURRENT (1u << 3) /* wPortStatus; the same bit of wPortChange: C_OVER_CURRENT */
#define HUB_PS_RESET (1u << 4)
#define HUB_PS_LOW_SPEED (1u << 9)
#define HUB_PS_HIGH_SPEED (1u << 10)
#define HUB_CHANGE_MASK 0x1f /* C_CONNECTION, C_ENABLE, C_SUSPEND, C_OVER_CURRENT, C_RESET */
#define HUB_MIN_POWER_MS 100
#define HUB_DESC_ASK 9u /* a hub descriptor with up to 7 ports' bitmaps */
#define DEBOUNCE_US 100000
#define RESET_POLL_US 10000
#define RESET_TIMEOUT_US 500000
#define RECOVERY_US 10000
#define OC_POLL_US 100000 /* status read while over-current lasts */
#define MAX_DISABLES 3    /* port errors under one device before it is given up */
#define RESET_TRIES 3     /* port resets for one connection before it is given up */
#define STATUS_TRIES 3    /* failed or short port looks in a row before giving up */

enum {
	H_DESC,
	H_CONFIG_EP,
	H_POWER,
	H_POWER_WAIT,
	H_RUN,
	H_STATUS,
	H_CLEAR,
	H_HUB_STATUS, /* GET_STATUS(hub) sent: the hub's own change bits */
	H_HUB_CLEAR,  /* acknowledging them */
	H_REPOWER,    /* a hub over-current ended: every port powered again */
	H_REPOWER_WAIT,
};
enum {
	HP_EMPTY,
	HP_DEBOUNCE,
	HP_RESET,
	HP_RECOVERY,
	HP_DEVICE,
	HP_FAILED,
	HP_OVER_CURRENT, /* unpowered by the hub: waiting for the over-current to end */
	HP_POWER_ON,     /* powered again: waiting the hub's power-on time */
	HP_OFF,          /* over-current came back too often: left unpowered */
	HP_UNREADABLE,   /* its status kept coming back short or failing: no longer read */
	HP_DISABLE,      /* its device was refused before it had an address: the port is to
			  * be disabled (then HP_FAILED, or HP_DEBOUNCE for another try) */
};
/* The request in flight, so a failure is charged to what it was about (hub_ok). */
enum {
	R_OTHER, /* the hub's own set-up: a failure refuses the hub */
	R_PORT_POWER,
	R_PORT_RESET,
	R_PORT_DISABLE,
	R_PORT_CLEAR,
	R_PORT_STATUS,
	R_HUB_STATUS,
	R_HUB_CLEAR,
	R_TT_CLEAR, /* CLEAR_TT_BUFFER: a failure is said, nothing more */
};

struct hub_port {
	int state;
	uint64_t deadline;  /* end of debounce, recovery, reset timeout, over-current wait */
	uint64_t next_look; /* while timed: when to read the status again */
	struct usb_dev *child;
	struct usb_oc_count oc;
	unsigned int disables;   /* times the hub disabled it under its device since connected */
	unsigned int resets;     /* PORT_RESETs sent since the connection was debounced */
	unsigned int enum_fails; /* enumerations of this connection's device that failed */
	bool again;              /* HP_DISABLE: enumerate again once disabled (else give up) */
	unsigned int fails;      /* looks at it in a row that failed: GET_STATUS short or failed,
				* or a change not cleared ([0]: the hub's own status) */
};

struct usb_hub {
	int state;
	struct usb_hub_info info;
	unsigned int cur; /* port being powered or looked at */
	uint16_t status, change;
	uint16_t need;            /* bit p: read port p's status; bit 0: the hub's own */
	uint16_t to_clear;        /* change bits of the status just read not yet acknowledged */
	uint16_t ignored;         /* bit p: port p given up unreadable; bit 0: the hub's own */
	uint8_t req, req_port;    /* R_*: the request in flight, and its port (hub_ok) */
	bool look_failed;         /* a change bit of this look (port cur's, or the hub's own)
				   * could not be cleared */
	uint16_t tt_clear[4];     /* CLEAR_TT_BUFFER wValues to send, before the next look */
	uint8_t tt_clears;        /* how many */
	struct hub_port port[16]; /* [1..num_ports]; [0] counts the hub's own status fails */
};

/* The deadline of hub h's power-on wait after a port is powered: its bPwrOn2PwrGood time,
 * at least HUB_MIN_POWER_MS (both usb_hub.c and usb_hub_port.c power ports). */
static inline uint64_t usb_hub_power_on_deadline(const struct usb_hub *h)
{
	return deadline_us(1000ull * MAX(h->info.power_on_ms, (uint16_t)HUB_MIN_POWER_MS));
}

/* usb_hub_port.c */
void usb_hub_port_request(struct usb_dev *d, uint8_t kind, uint8_t req, uint16_t feature,
			  unsigned int p, const char *op);
void usb_hub_port_update(struct usb_dev *d, unsigned int p);
bool usb_hub_port_timed(const struct hub_port *hp);
void usb_hub_port_reset_failed(struct usb_dev *d, unsigned int p, const char *why);
bool usb_hub_port_look_failed(struct usb_dev *d, unsigned int p, const char *what);

#endif
