/* SPDX-License-Identifier: MIT */
/*
 * What test_xhci_health.c and test_xhci_port_health.c share: the whole USB stack (ports,
 * enumeration, hubs, the keyboard) on the simulated controller of xhci_sim.c, driven one tick
 * at a time by stack_drive.h. It holds stand-ins for the rest of the kernel (heap, clock, the
 * key path, counting presses and releases), the simulated devices (a high-speed keyboard on
 * every slot, one of which may never answer its configuration request, and a small USB 2 hub
 * with per-port power on hub.slot), the simulator and controller (sim, hc, their USBSTS and
 * PORTSC), and start/finish. The stand-ins are definitions: include this header from one
 * file per test program.
 */
#ifndef LIOS_TEST_XHCI_HEALTH_HARNESS_H
#define LIOS_TEST_XHCI_HEALTH_HARNESS_H

#include <lios/kmalloc.h>
#include <stdlib.h>
#include <string.h>
#include "../../unit.h"
#include "stack_drive.h"
#include "xhci_sim.h"

extern uint64_t host_time_skip_ns; /* src/arch/host/time_host.c */
extern uint64_t time_ns(void);

/* The simulated controller and the driver's controller on it, set up afresh by start(). */
static struct xhci_sim sim;
static struct xhci hc;

/* ------------------------------------------------------------------ the rest of the kernel */
void *heap_calloc(size_t n, size_t size) { return calloc(n, size); }
void heap_free(void *p) { free(p); }
uint64_t usb_now_us(void) { return time_ns() / 1000; }
static unsigned int presses, releases; /* key events the keyboards reported */
void kbd_report_key(uint16_t key, bool pressed)
{
	(void)key;
	if (pressed)
		presses++;
	else
		releases++;
}
void kbd_set_led_listener(void (*fn)(uint8_t leds)) { (void)fn; }
uint8_t kbd_leds(void) { return 0; }

static unsigned int silent_slot; /* this slot never answers its configuration (0: none) */

/* A high-speed USB 2 hub with 4 ports (per-port power), on the slot hub_slot: port status
 * and change bits as USB 2.0 11.24.2.7 has them, a keyboard plugged into port 1. */
/* clang-format off */
static const uint8_t hub_device_desc[18] = {18, USB_DT_DEVICE, 0x00, 0x02, USB_CLASS_HUB, 0, 1, 64,
					    0x09, 0x04, 0x01, 0x00, 0, 0, 0, 0, 0, 1};
static const uint8_t hub_config_desc[25] = {
	9, USB_DT_CONFIG, 25, 0, 1, 1, 0, 0xe0, 0,
	9, USB_DT_INTERFACE, 0, 0, 1, USB_CLASS_HUB, 0, 0, 0,
	7, USB_DT_ENDPOINT, 0x81, USB_EP_XFER_INT, 2, 0, 12,
};
/* clang-format on */
#define HUB_CONNECTION (1u << 0)
#define HUB_ENABLE (1u << 1)
#define HUB_OVER_CURRENT (1u << 3)
#define HUB_RESET (1u << 4)
#define HUB_POWER (1u << 8)
#define HUB_HIGH_SPEED (1u << 10)
static struct {
	unsigned int slot; /* 0: no hub */
	uint16_t status[5], change[5];
	bool plugged[5]; /* a device on the port, connected whenever it is powered */
	unsigned int power_requests[5];
} hub;

static enum sim_answer hub_request(const struct sim_setup *su, uint8_t *data, size_t *len)
{
	unsigned int p = su->index & 0xff;

	if (su->type == 0x80 && su->req == 0x06 && (su->value >> 8) == USB_DT_DEVICE) {
		memcpy(data, hub_device_desc, *len = sizeof(hub_device_desc));
	} else if (su->type == 0x80 && su->req == 0x06 && (su->value >> 8) == USB_DT_CONFIG) {
		memcpy(data, hub_config_desc, *len = sizeof(hub_config_desc));
	} else if (su->type == 0xa0 && su->req == 0x06) { /* hub descriptor: 4 ports, 20 ms */
		static const uint8_t desc[9] = { 9, USB_DT_HUB, 4, 0x01, 0, 10, 0, 0, 0xff };

		memcpy(data, desc, *len = sizeof(desc));
	} else if (p < 1 || p > 4) {
		return su->type & 0x03 ? SIM_STALL : SIM_ANSWER; /* device requests: fine */
	} else if (su->type == 0xa3 && su->req == 0x00) {        /* GET_STATUS(port) */
		memcpy(data, &hub.status[p], 2);
		memcpy(data + 2, &hub.change[p], 2);
		*len = 4;
	} else if (su->type == 0x23 && su->req == 0x03 && su->value == 8) { /* PORT_POWER */
		hub.power_requests[p]++;
		if (!(hub.status[p] & HUB_OVER_CURRENT)) {
			hub.status[p] |= HUB_POWER;
			if (hub.plugged[p] && !(hub.status[p] & HUB_CONNECTION)) {
				hub.status[p] |= HUB_CONNECTION | HUB_HIGH_SPEED;
				hub.change[p] |= HUB_CONNECTION;
			}
		}
	} else if (su->type == 0x23 && su->req == 0x03 && su->value == 4) { /* PORT_RESET */
		if (hub.status[p] & HUB_CONNECTION) {
			hub.status[p] |= HUB_ENABLE;
			hub.change[p] |= HUB_RESET;
		}
	} else if (su->type == 0x23 && su->req == 0x01 && su->value >= 16) { /* CLEAR C_... */
		hub.change[p] &= (uint16_t) ~(1u << (su->value - 16));
	}
	return SIM_ANSWER;
}

/* A keyboard that answers every request (but see silent_slot), or the hub on its slot. */
static enum sim_answer keyboard(struct xhci_sim *s, unsigned int slot, const struct sim_setup *su,
				uint8_t *data, size_t *len)
{
	(void)s;
	if (hub.slot && slot == hub.slot)
		return hub_request(su, data, len);
	if (su->type == 0x80 && su->req == 0x06) { /* GET_DESCRIPTOR */
		if ((su->value >> 8) == USB_DT_DEVICE)
			memcpy(data, sim_kbd_device_desc, *len = sizeof(sim_kbd_device_desc));
		else if ((su->value >> 8) == USB_DT_CONFIG && slot == silent_slot)
			return SIM_SILENT;
		else if ((su->value >> 8) == USB_DT_CONFIG)
			memcpy(data, sim_kbd_config_desc, *len = sizeof(sim_kbd_config_desc));
		else
			return SIM_STALL;
	}
	return SIM_ANSWER;
}

#define USBSTS sim.reg[(SIM_OP + XHCI_USBSTS) / 4]
#define PORTSC(p) sim.reg[(SIM_OP + XHCI_PORTSC(p)) / 4]

/* A fresh controller with a high-speed keyboard on root port 5, ready. */
static void start(void)
{
	char why[80];

	memset(&sim, 0, sizeof(sim));
	memset(&hub, 0, sizeof(hub));
	silent_slot = 0;
	sim_dma_reset();
	sim.device = keyboard;
	CHECK_EQ(sim_start(&sim, &hc, why, sizeof(why)), 0);
	xhci_ports_start(&hc);
	sim_log_clear();
	host_time_skip_ns = 200000; /* 0.2 ms per clock read: debounce and resets pass in ticks */
	sim_connect(&sim, 5, USB_SPEED_HIGH);
	CHECK(stack_until(&hc, "kbd: usb 1-5 0627:0001 ready", 5000));
	sim_log_clear();
}

static void finish(void)
{
	for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
		usb_dev_unplug(d);
	hc.dead = true;      /* no Disable Slot: the devices just go */
	hc.unhalted = false; /* (even those a controller that did not halt keeps) */
	for (int i = 0; i < 10 && usb_dev_list(); i++)
		stack_tick(&hc);
	CHECK(usb_dev_list() == NULL);
	xhci_free_memory(&hc);
	CHECK_EQ(sim_dma_live(), 0); /* every ring, context and buffer given back */
	free(hc.slot_dev);
	host_time_skip_ns = 0;
}

#endif
