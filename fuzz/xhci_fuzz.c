// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the USB stack as a whole (src/drivers/usb: xhci.c, xhci_ring.c,
 * xhci_port.c, usb_enum.c, usb_hub.c, usb_kbd.c, with usb_desc.c and hid_kbd.c) on the
 * simulated controller of tests/unit/drivers/usb/xhci_sim.c, which runs the command ring and
 * endpoint 0 as a controller does. The input is a program for a hostile machine: the controller
 * posts made-up events (command completions and transfer events that name the TRBs the driver
 * is waiting for, stale ones, other slots, endpoints and completion codes, residual lengths
 * beyond the transfer, port changes of ports that do not exist), root ports connect, disconnect
 * and show any PORTSC value, devices behind them act as a keyboard, a hub (any port count, any
 * port status) or answer every request with whatever bytes the input holds, stall or never
 * answer (everything, or a keyboard's SET_IDLE and LED report), refuse the boot protocol and
 * send a report descriptor of the input's bytes (report protocol), or be a HID interface
 * without boot protocol that is a keyboard only if those bytes say so, interrupt transfers complete
 * with any data, the kernel's LEDs change, the self-test's stall probe runs, the controller
 * reports a fatal error (and is reset and set up again by xhci_health.c, its devices
 * enumerating anew, or stopped after three), and time jumps (every bounded wait times out). Each input starts a fresh controller (takeover and setup: the
 * capability registers' knobs come from the input too).
 *
 * After every step the driver's state must be sound: ring and event indices in range, no more
 * interrupt transfers queued than the driver keeps (XHCI_INTR_QUEUED), every slot table entry a
 * live device with that slot, every root port's device in the device list, at most a few
 * devices per port path, hubs no deeper than the route string allows, every hub port's device
 * in the device list, the record of refused devices bounded (and the `usb` listing, which reads
 * all of them, run under ASan). At the end every port
 * disconnects and the stack must let go of everything: no device left after a bounded number of
 * ticks, and every heap object it took given back (those held since their Disable Slot failed
 * once the controller is halted). ASan and UBSan watch every access to the
 * heap objects (the DMA pages are the simulator's, in the host's simulated physical memory,
 * between poisoned pages, and poisoned once freed). Every key event names a key, no modifier
 * is released more often than pressed, and once every keyboard is gone no key or modifier
 * stays held (kbd.c counts modifier presses: a lost release leaves Shift stuck).
 * FUZZ_XHCI_LOG=1 prints the driver's log and the root ports'
 * states (run one input: fuzz_xhci FILE).
 */
#include <lios/heap.h>
#include <lios/kmalloc.h>
#include <lios/printk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../tests/unit/drivers/usb/xhci_sim.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern uint64_t host_time_skip_ns; /* src/arch/host/time_host.c */
extern uint64_t time_ns(void);

static void fail(const char *what)
{
	fprintf(stderr, "usb stack state broken: %s\n", what);
	abort();
}

/* ------------------------------------------------------------------ the rest of the kernel */
static long heap_live; /* the stack's heap objects not yet freed */

void *heap_calloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	heap_live += p != NULL;
	return p;
}

void heap_free(void *p)
{
	heap_live -= p != NULL;
	free(p);
}

static void quiet(const char *s, size_t len) { (void)s, (void)len; }

struct xhci *usb_controllers;
uint64_t usb_now_us(void) { return time_ns() / 1000; }
static unsigned long keys;       /* key events the keyboards reported (FUZZ_XHCI_LOG) */
static bool key_down[KEY_MAX];   /* the key's last event was a press */
static int mod_presses[KEY_MAX]; /* a modifier's presses less its releases */

static bool is_modifier(uint16_t key)
{
	return key == KEY_LEFTCTRL || key == KEY_LEFTSHIFT || key == KEY_LEFTALT ||
	       key == KEY_LEFTMETA || key == KEY_RIGHTCTRL || key == KEY_RIGHTSHIFT ||
	       key == KEY_RIGHTALT || key == KEY_RIGHTMETA;
}

/* kbd.c's contract: a real key; a modifier's presses counted, each followed by its
 * release and never repeated (several keyboards may each hold one). */
void kbd_report_key(uint16_t key, bool pressed)
{
	keys++;
	if (key == KEY_NONE || key >= KEY_MAX)
		fail("a key event for no key");
	key_down[key] = pressed;
	if (is_modifier(key) && (mod_presses[key] += pressed ? 1 : -1) < 0)
		fail("a modifier released more often than pressed");
}
static void (*led_listener)(uint8_t leds); /* usb_kbd.c's: the LEDs the kernel wants */
void kbd_set_led_listener(void (*fn)(uint8_t leds)) { led_listener = fn; }
uint8_t kbd_leds(void) { return 0; }

/* ------------------------------------------------------------------ hostile devices */
enum persona {
	P_KBD,
	P_HUB,
	P_BYTES,
	P_STALL,
	P_SILENT,
	P_KBD_NO_CLASS,
	P_KBD_MUTE_CLASS,
	P_KBD_REPORT,
	P_HID_OTHER,
	P_COUNT
};

/* clang-format off */
static const uint8_t hub_dev[18] = {18, USB_DT_DEVICE, 0x00, 0x02, USB_CLASS_HUB, 0, 1, 64, 0x09, 0x04,
				    0x01, 0x00, 0, 0, 0, 0, 0, 1};
static const uint8_t hub_config[25] = {
	9, USB_DT_CONFIG, 25, 0, 1, 1, 0, 0xe0, 0,
	9, USB_DT_INTERFACE, 0, 0, 1, USB_CLASS_HUB, 0, 0, 0,
	7, USB_DT_ENDPOINT, 0x81, USB_EP_XFER_INT, 2, 0, 12,
};
/* clang-format on */

struct sim_dev {
	enum persona persona;
	uint8_t ports;       /* a hub's port count (any value: the descriptor says it) */
	uint16_t status[16]; /* a hub port's wPortStatus */
	uint16_t change[16]; /* and wPortChange */
	uint8_t bytes[64];   /* P_BYTES: what every IN request gets */
	uint8_t nbytes;
};

static struct sim_dev devs[SIM_SLOTS + 1];

static enum sim_answer hub_request(struct sim_dev *v, const struct sim_setup *su, uint8_t *data,
				   size_t *len)
{
	unsigned int p = su->index & 0xff;

	if (su->type == 0xa0 && su->req == 0x06) { /* hub descriptor */
		uint8_t desc[9] = { 9, 0x29, v->ports, 0, 0, 10, 0, 0, 0xff };

		memcpy(data, desc, *len = sizeof(desc));
		return SIM_ANSWER;
	}
	if (p >= 16)
		return SIM_STALL;
	if (su->type == 0xa3 && su->req == 0x00) { /* port status */
		data[0] = (uint8_t)v->status[p];
		data[1] = (uint8_t)(v->status[p] >> 8);
		data[2] = (uint8_t)v->change[p];
		data[3] = (uint8_t)(v->change[p] >> 8);
		*len = 4;
		return SIM_ANSWER;
	}
	if (su->type == 0x23 && su->req == 0x03 && su->value == 4) { /* SET_FEATURE(PORT_RESET) */
		v->status[p] |= 1u << 1;                             /* enabled at once */
		v->change[p] |= 1u << 4;                             /* C_PORT_RESET */
	} else if (su->type == 0x23 && su->req == 0x01 && su->value >= 16 && su->value < 32) {
		v->change[p] &= (uint16_t) ~(1u << (su->value - 16)); /* CLEAR_FEATURE(C_...) */
	}
	return SIM_ANSWER;
}

static enum sim_answer device(struct xhci_sim *s, unsigned int slot, const struct sim_setup *su,
			      uint8_t *data, size_t *len)
{
	struct sim_dev *v = &devs[slot];
	bool hub = v->persona == P_HUB;

	(void)s;
	switch (v->persona) {
	case P_STALL:
		return SIM_STALL;
	case P_SILENT:
		return SIM_SILENT;
	case P_BYTES:
		if (su->type & 0x80)
			memcpy(data, v->bytes, *len = v->nbytes);
		return SIM_ANSWER;
	case P_KBD_NO_CLASS: /* a keyboard that stalls SET_IDLE and SET_REPORT (the LEDs) */
		if (su->type == 0x21 && (su->req == 0x0a || su->req == 0x09))
			return SIM_STALL;
		break;
	case P_KBD_MUTE_CLASS: /* ... or never answers SET_REPORT */
		if (su->type == 0x21 && su->req == 0x09)
			return SIM_SILENT;
		break;
	case P_KBD_REPORT: /* a keyboard that stalls SET_PROTOCOL(boot): read through its report
			    * descriptor, the input's bytes (none: the boot layout's) */
	case P_HID_OTHER:  /* ... or a HID interface without boot protocol, read for keys */
		if (su->type == 0x21 && su->req == 0x0b)
			return SIM_STALL;
		if (su->type == 0x80 && su->req == 0x06 && (su->value >> 8) == USB_DT_CONFIG &&
		    v->persona == P_HID_OTHER) {
			memcpy(data, sim_kbd_config_desc, *len = sizeof(sim_kbd_config_desc));
			data[USB_DT_CONFIG_SIZE + 6] = data[USB_DT_CONFIG_SIZE + 7] =
				0; /* subclass, protocol */
			return SIM_ANSWER;
		}
		if (su->type == 0x81 && su->req == 0x06 && v->nbytes)
			memcpy(data, v->bytes, *len = v->nbytes);
		else if (su->type == 0x81 && su->req == 0x06)
			memcpy(data, sim_kbd_report_desc, *len = sizeof(sim_kbd_report_desc));
		if (su->type == 0x81)
			return SIM_ANSWER;
		break;
	default:
		break;
	}
	if (su->type == 0x80 && su->req == 0x06) { /* GET_DESCRIPTOR */
		if ((su->value >> 8) == USB_DT_DEVICE)
			memcpy(data, hub ? hub_dev : sim_kbd_device_desc, *len = sizeof(hub_dev));
		else if ((su->value >> 8) == USB_DT_CONFIG && hub)
			memcpy(data, hub_config, *len = sizeof(hub_config));
		else if ((su->value >> 8) == USB_DT_CONFIG)
			memcpy(data, sim_kbd_config_desc, *len = sizeof(sim_kbd_config_desc));
		else
			return SIM_STALL;
		return SIM_ANSWER;
	}
	return hub ? hub_request(v, su, data, len) : SIM_ANSWER;
}

/* ------------------------------------------------------------------ the machine */
static struct xhci_sim sim;
static struct xhci hc;

static struct usb_dev *nth_dev(unsigned int k)
{
	struct usb_dev *d = usb_dev_list();
	unsigned int n = 0;

	for (struct usb_dev *e = d; e; e = e->next)
		n++;
	if (!n)
		return NULL;
	for (k %= n; k--; d = d->next)
		;
	return d;
}

static void tick(void)
{
	struct usb_dev *d, *next;

	xhci_tick(&hc);
	usb_kbd_tick();
	for (d = usb_dev_list(); d; d = next) {
		next = d->next;
		usb_dev_step(d);
	}
}

static bool listed(const struct usb_dev *d)
{
	for (struct usb_dev *e = usb_dev_list(); e; e = e->next)
		if (e == d)
			return true;
	return false;
}

static void ring_ok(const struct xhci_ring *r, const char *what)
{
	if (r->trb && (r->enq >= XHCI_RING_TRBS - 1 || r->cycle > 1))
		fail(what);
}

/* d's interrupt buffer: slots of a power of two from XHCI_INTR_LEN_DEFAULT to
 * XHCI_INTR_LEN_MAX bytes, and every queued transfer asks for no more than one holds. */
static void intr_ok(const struct usb_dev *d)
{
	if (!d->intr.trb || d->intr_deq >= XHCI_RING_TRBS - 1)
		return;
	if (!d->intr_buf || d->intr_slot < XHCI_INTR_LEN_DEFAULT ||
	    d->intr_slot > XHCI_INTR_LEN_MAX || (d->intr_slot & (d->intr_slot - 1)))
		fail("interrupt buffer slots of an impossible size");
	for (unsigned int i = d->intr_deq; i != d->intr.enq; i = (i + 1) % (XHCI_RING_TRBS - 1))
		if (TRB_GET_XFER_LEN(d->intr.trb[i].d[2]) > d->intr_slot)
			fail("an interrupt transfer longer than its buffer slot");
}

static void check(void)
{
	unsigned int n = 0;

	if (hc.ev_deq >= XHCI_EVENT_TRBS || hc.ev_cycle > 1)
		fail("event ring dequeue index");
	ring_ok(&hc.cmd, "command ring enqueue index");
	if (hc.cmd_owner && !listed(hc.cmd_owner))
		fail("the command's owner is not a device");
	for (struct usb_dev *d = usb_dev_list(); d; d = d->next) {
		if (++n > SIM_PORTS * 16 * 4)
			fail("more devices than ports");
		if (d->slot > hc.max_slots)
			fail("a device holds a slot the controller does not have");
		if (d->depth > 5)
			fail("a device deeper than the route string allows");
		if (d->parent && !listed(d->parent))
			fail("a device whose hub is gone");
		for (unsigned int p = 1; p <= usb_hub_port_count(d); p++) {
			const struct usb_dev *child;

			usb_hub_port_state(d, p, &child);
			if (child && !listed(child))
				fail("a hub port's device is not in the device list");
		}
		ring_ok(&d->ep0, "endpoint 0 ring enqueue index");
		ring_ok(&d->intr, "interrupt ring enqueue index");
		if (d->intr.trb &&
		    (d->intr_deq >= XHCI_RING_TRBS - 1 ||
		     (d->intr.enq + XHCI_RING_TRBS - 1 - d->intr_deq) % (XHCI_RING_TRBS - 1) >
			     XHCI_INTR_QUEUED))
			fail("more interrupt transfers queued than the driver keeps");
		intr_ok(d);
	}
	for (unsigned int s = 1; s <= hc.max_slots; s++)
		if (hc.slot_dev[s] && (!listed(hc.slot_dev[s]) || hc.slot_dev[s]->slot != s))
			fail("slot table entry is not the device with that slot");
	for (unsigned int p = 1; p <= hc.max_ports; p++)
		if (hc.port[p].dev && !listed(hc.port[p].dev))
			fail("a root port's device is not in the device list");
	if (hc.refused.n > USB_REFUSED_MAX)
		fail("more refused devices kept than the record holds");
	for (unsigned int i = 0; i < hc.refused.n; i++)
		if (!memchr(hc.refused.e[i].name, 0, sizeof(hc.refused.e[i].name)) ||
		    !memchr(hc.refused.e[i].why, 0, sizeof(hc.refused.e[i].why)))
			fail("a refused device's name or reason not terminated");
	usb_list_devices(&hc); /* the `usb` listing reads every device, hub port and refusal */
}

/* A TRB address for a made-up event: one the driver waits for, any TRB of one of its rings
 * or up to a ring's length past its end, or any address at all. */
static uint64_t pick_ptr(struct input *in, struct usb_dev *d)
{
	uint8_t how = byte(in);
	uint64_t trb = (uint64_t)(byte(in) + (how & 8 ? 256 : 0)) * sizeof(struct xhci_trb);

	switch (how % 8) {
	case 0:
		return hc.cmd_trb_phys;
	case 1:
		return d ? d->data_trb_phys : 0;
	case 2:
		return d ? d->status_trb_phys : 0;
	case 3:
		return d && d->intr.trb ? d->intr.phys + trb : 0;
	case 4:
		return hc.cmd.phys + trb;
	case 5:
		return d ? d->ep0.phys + trb : 0;
	default: {
		uint64_t hi = word(in);

		return hi << 32 | word(in);
	}
	}
}

static const uint32_t event_types[] = { TRB_EV_TRANSFER, TRB_EV_CMD_COMPLETION,
					TRB_EV_PORT_STATUS };

#define REPORT_BYTES 32 /* a made-up report's bytes in the input, repeated to its length */

/* One of the interrupt transfers d has queued completes: its data (a keyboard or hub report:
 * REPORT_BYTES of the input, repeated over all its TRB asked for, which may be a long
 * report's 1024 bytes) in its buffer slot, a residual length (the residual byte's low six
 * bits, or with bit 6 set the transfer's length less them: a short report of a long transfer,
 * or beyond the transfer too) and mostly success. */
static void intr_done(struct input *in, struct usb_dev *d)
{
	uint8_t back = byte(in), residual = byte(in), cc = byte(in), rep[REPORT_BYTES];
	uint32_t len, left;
	unsigned int i;

	for (unsigned int k = 0; k < REPORT_BYTES; k++)
		rep[k] = byte(in);
	if (!d || !d->intr.trb)
		return;
	i = back % XHCI_INTR_QUEUED ? /* mostly the next in ring order, else another queued one */
		    (d->intr.enq + XHCI_RING_TRBS - 1 - back % XHCI_INTR_QUEUED) %
			    (XHCI_RING_TRBS - 1)
				    : d->intr_deq;
	/* what the driver asked for: ASan sees a write past the buffer if it was more */
	len = TRB_GET_XFER_LEN(d->intr.trb[i].d[2]);
	for (uint32_t k = 0; k < len; k++)
		xhci_intr_data(d, i)[k] = rep[k % REPORT_BYTES];
	left = residual & 0x40 ? (len - (residual & 0x3f)) & 0xffffff : residual & 0x3f;
	sim_post_event(&sim, d->intr.phys + i * 16,
		       (cc & 0x80 ? cc & 0x3f : XHCI_CC_SUCCESS) << 24 | left,
		       TRB_TYPE(TRB_EV_TRANSFER) | TRB_SLOT(d->slot) | TRB_EP(d->intr_dci));
}

static void step(struct input *in)
{
	uint8_t op = byte(in);
	unsigned int port = 1 + byte(in) % SIM_PORTS, slot, p;
	uint32_t portsc = SIM_OP + XHCI_PORTSC(port);
	struct usb_dev *d;

	switch (op % 16) {
	case 0: /* ticks, with time passing at one of four speeds */
	case 1: {
		static const uint64_t skip[] = { 20000, 1000000, 30000000, 700000000 };
		unsigned int n = 1 + byte(in) % 32;

		host_time_skip_ns = skip[op / 16 % 4];
		while (n--)
			tick();
		break;
	}
	case 2: /* a device connects at a speed (0 and 5-15: no such speed) */
		sim_connect(&sim, port, byte(in) % 16);
		break;
	case 3: /* ... or goes */
		sim.reg[portsc / 4] = XHCI_PORTSC_PP | XHCI_PORTSC_CSC;
		break;
	case 4: /* any PORTSC value */
		sim.reg[portsc / 4] = word(in);
		break;
	case 5: /* a device's persona for the next requests */
		slot = 1 + byte(in) % SIM_SLOTS;
		devs[slot].persona = (enum persona)(byte(in) % P_COUNT);
		devs[slot].ports = byte(in);
		devs[slot].nbytes = byte(in) % (sizeof(devs[slot].bytes) + 1);
		for (unsigned int k = 0; k < devs[slot].nbytes; k++)
			devs[slot].bytes[k] = byte(in);
		break;
	case 6: /* a hub port's status and change bits */
		slot = 1 + byte(in) % SIM_SLOTS;
		p = byte(in) % 16;
		devs[slot].status[p] = (uint16_t)word(in);
		devs[slot].change[p] = (uint16_t)word(in);
		break;
	case 7: { /* a made-up event */
		uint32_t type = byte(in), ids = word(in), d2 = word(in);

		d = nth_dev(byte(in));
		type = type < 0xc0 ? event_types[type % 3] : type & 0x3f;
		if (ids & 0x80000000u && d) /* aimed at a device's slot and endpoint */
			ids = TRB_SLOT(d->slot) | TRB_EP(ids & 1 ? XHCI_DCI_EP0 : d->intr_dci);
		sim_post_event(&sim, pick_ptr(in, d), d2, TRB_TYPE(type) | (ids & 0xffff0000u));
		break;
	}
	case 8: /* an interrupt transfer completes */
		intr_done(in, nth_dev(byte(in)));
		break;
	case 9: /* a burst: the event ring fills past what one poll takes */
		for (unsigned int k = byte(in) % 200; k--;)
			sim_post_event(&sim, hc.cmd_trb_phys, XHCI_CC_SUCCESS << 24,
				       TRB_TYPE(TRB_EV_PORT_STATUS));
		break;
	case 10: /* the kernel's keyboard LEDs change (Caps Lock) */
		if (led_listener)
			led_listener(byte(in));
		break;
	case 11: /* the `selftest` stall probe on the next ready keyboard */
		usb_kbd_stall_probe();
		break;
	case 12: /* a Host Controller Error or Host System Error: the next health check resets */
		sim.reg[(SIM_OP + XHCI_USBSTS) / 4] |= byte(in) & 1 ? XHCI_STS_HCE : XHCI_STS_HSE;
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size > 4096 ? 4096 : size };
	uint8_t knobs = byte(&in);
	static bool logging;
	char why[80];
	int ticks;

	if (!logging) { /* the driver's printk on stdout with FUZZ_XHCI_LOG, else nowhere */
		if (getenv("FUZZ_XHCI_LOG"))
			sim_log_start();
		else
			printk_add_sink(quiet, false);
		logging = true;
	}
	sim_dma_reset();
	memset(&sim, 0, sizeof(sim));
	memset(devs, 0, sizeof(devs));
	sim.csz = knobs & 1;
	sim.legacy = knobs & 2;
	sim.bios_owned = knobs & 4;
	sim.bios_lets_go = knobs & 8;
	sim.running = knobs & 16;
	sim.scratch_lo = knobs >> 5;
	sim.device = device;
	heap_live = 0;
	memset(key_down, 0, sizeof(key_down));
	memset(mod_presses, 0, sizeof(mod_presses));
	host_time_skip_ns = 200000000; /* a firmware that never lets go costs no real time */
	if (sim_start(&sim, &hc, why, sizeof(why)))
		fail(why); /* the simulator's knobs are all ones a driver must cope with */
	xhci_ports_start(&hc);
	hc.takeover_us = usb_now_us();
	while (in.n) {
		step(&in);
		check();
	}
	if (getenv("FUZZ_XHCI_LOG"))
		fprintf(stderr, "key events so far: %lu\n", keys);
	if (getenv("FUZZ_XHCI_LOG"))
		for (unsigned int p = 1; p <= hc.max_ports; p++)
			fprintf(stderr, "port %u state %d portsc %x\n", p, hc.port[p].state,
				sim.reg[(SIM_OP + XHCI_PORTSC(p)) / 4]);
	/* everything unplugged: the stack must let go of every device and all its memory */
	for (unsigned int p = 1; p <= SIM_PORTS; p++)
		sim.reg[(SIM_OP + XHCI_PORTSC(p)) / 4] = XHCI_PORTSC_PP | XHCI_PORTSC_CSC;
	host_time_skip_ns = 20000000;
	for (ticks = 0; usb_dev_list() && ticks < 2000; ticks++) {
		tick();
		check();
	}
	if (usb_dev_list())
		fail("a device outlived its unplugging by 2000 ticks");
	/* a device whose Disable Slot failed (its completion lost in an overfull event ring, or
	 * made up) is held, memory and all, until the controller halts: halt it */
	if (hc.held) {
		char why_halt[48];

		xhci_stop(&hc, false, why_halt, sizeof(why_halt));
		usb_dev_free_held(&hc);
	}
	if (heap_live)
		fail("heap objects left after every device went");
	/* every keyboard gone: nothing may stay held in kbd.c */
	for (unsigned int k = 0; k < KEY_MAX; k++)
		if (key_down[k] || mod_presses[k])
			fail("a key stays held after every keyboard went");
	free(hc.slot_dev);
	return 0;
}
