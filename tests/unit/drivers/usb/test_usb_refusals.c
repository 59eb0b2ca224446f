// SPDX-License-Identifier: MIT
/*
 * Devices enumeration refuses or leaves alone (src/drivers/usb/usb_enum.c), with the whole
 * stack on the simulated controller of xhci_sim.c (xhci_health_harness.h: a keyboard ready
 * on root port 5 before each case). The devices on the other root ports are made here from
 * their descriptors (struct gadget). Checked:
 * - a boot mouse, a tablet and a mass-storage stick, which no class driver takes, stay
 *   addressed and alone: never configured, no request after their descriptors, listed
 *   "no driver", their slots disabled once they are unplugged;
 * - a device refused for what its descriptors say (endpoint 0's max packet size, no
 *   configuration, a configuration too long or broken, a boot keyboard or hub interface
 *   without an interrupt IN endpoint, a USB 3 hub), for a control transfer that ends in
 *   Babble or a transaction error, or because Enable Slot found no free slot: the exact
 *   `usb:` line, its slot disabled and forgotten, its root port "refused" until it is
 *   unplugged, the `usb` listing's record saying why; the keyboard on port 5 types on and
 *   a keyboard plugged into port 7 gets ready;
 * - no memory for a device's contexts, buffer or ring: the port refused with a line and
 *   listed, every allocation given back, a keyboard plugged in later gets ready;
 * - a USB 3 link that falls into SS.Inactive or Compliance Mode under a running keyboard:
 *   the keyboard is unplugged before the warm reset, its slot disabled, and it comes back
 *   once (xhci_port.c).
 */
#include "xhci_health_harness.h"

#define VID_PIDCODES 0x1209 /* pid.codes, an open vendor id: these devices are made up */
#define CLASS_MASS_STORAGE 0x08
#define MSC_SCSI 0x06      /* subclass: SCSI transparent command set */
#define MSC_BULK_ONLY 0x50 /* protocol: bulk-only transport */

/* A device on a root port, answering from its descriptors. */
static struct gadget {
	bool present; /* false: the harness's keyboard answers on that port */
	uint8_t device[USB_DT_DEVICE_SIZE];
	uint8_t config[64]; /* its configuration, config_len bytes */
	size_t config_len;
	enum sim_answer config_ends; /* how GET_DESCRIPTOR(configuration) ends */
	unsigned int slot;           /* the slot it was asked on (0: never asked) */
	unsigned int requests, config_reads, set_configs;
} gadget[SIM_PORTS + 1];

/* The simulator's sim_device_fn: the gadget on the slot's root port, or the keyboard. */
static enum sim_answer gadget_answer(struct xhci_sim *s, unsigned int slot,
				     const struct sim_setup *su, uint8_t *data, size_t *len)
{
	const struct usb_dev *d = hc.slot_dev[slot];
	struct gadget *g = d ? &gadget[d->root_port] : NULL;

	if (!g || !g->present)
		return keyboard(s, slot, su, data, len);
	g->slot = slot;
	g->requests++;
	if (su->type == 0x00 && su->req == 0x09) /* SET_CONFIGURATION */
		g->set_configs++;
	if (su->type != 0x80 || su->req != 0x06) /* anything but GET_DESCRIPTOR: fine */
		return SIM_ANSWER;
	if ((su->value >> 8) == USB_DT_DEVICE) {
		memcpy(data, g->device, *len = sizeof(g->device));
	} else if ((su->value >> 8) == USB_DT_CONFIG) {
		g->config_reads++;
		if (g->config_ends != SIM_ANSWER)
			return g->config_ends;
		memcpy(data, g->config, *len = g->config_len);
	} else {
		return SIM_STALL;
	}
	return SIM_ANSWER;
}

/* ------------------------------------------------------------------ describing a gadget */
static void append(struct gadget *g, const uint8_t *desc, size_t n)
{
	CHECK(g->config_len + n <= sizeof(g->config));
	if (g->config_len + n > sizeof(g->config))
		return;
	memcpy(g->config + g->config_len, desc, n);
	g->config_len += n;
	g->config[2] = (uint8_t)g->config_len; /* wTotalLength */
	g->config[3] = (uint8_t)(g->config_len >> 8);
}

/* The gadget on port: a USB 2.0 device (3.0 when super) of class cls, endpoint 0's max
 * packet size mps0 (at super speed its exponent), VID_PIDCODES:pid, one configuration
 * holding nothing yet. A hub's protocol says it has a TT (USB 2) or is a USB 3 hub. */
static struct gadget *describe(unsigned int port, bool super, uint8_t cls, uint8_t mps0,
			       uint16_t pid)
{
	struct gadget *g = &gadget[port];
	uint8_t proto = cls == USB_CLASS_HUB ? (super ? 3 : 1) : 0;
	/* clang-format off */
	const uint8_t dev[USB_DT_DEVICE_SIZE] = {
		USB_DT_DEVICE_SIZE, USB_DT_DEVICE, 0x00, super ? 0x03 : 0x02, /* bcdUSB */
		cls, 0, proto, mps0,
		VID_PIDCODES & 0xff, VID_PIDCODES >> 8, (uint8_t)pid, (uint8_t)(pid >> 8),
		0x00, 0x01, 0, 0, 0, /* bcdDevice, no strings */
		1,                   /* bNumConfigurations */
	};
	const uint8_t header[USB_DT_CONFIG_SIZE] = {
		USB_DT_CONFIG_SIZE, USB_DT_CONFIG, 0, 0, /* wTotalLength: append's */
		1, 1, 0, 0x80, 50,   /* one interface, configuration 1, bus powered, 100 mA */
	};
	/* clang-format on */

	memset(g, 0, sizeof(*g));
	g->present = true;
	memcpy(g->device, dev, sizeof(dev));
	append(g, header, sizeof(header));
	return g;
}

/* An interface (alternate setting 0) of class cls with its n endpoints to follow; a HID one
 * with its HID descriptor. */
static void interface(struct gadget *g, uint8_t cls, uint8_t sub, uint8_t proto, uint8_t n)
{
	const uint8_t it[USB_DT_INTERFACE_SIZE] = {
		USB_DT_INTERFACE_SIZE, USB_DT_INTERFACE, 0, 0, n, cls, sub, proto, 0
	};
	const uint8_t hid[9] = { 9, USB_DT_HID, 0x11, 0x01, 0, 1, 0x22, 50, 0 };

	append(g, it, sizeof(it));
	if (cls == USB_CLASS_HID)
		append(g, hid, sizeof(hid));
}

/* An endpoint of the interface before it, bInterval 10. */
static void endpoint(struct gadget *g, uint8_t address, uint8_t type, uint16_t mps)
{
	const uint8_t ep[USB_DT_ENDPOINT_SIZE] = {
		USB_DT_ENDPOINT_SIZE, USB_DT_ENDPOINT, address, type, mps & 0xff, mps >> 8, 10
	};

	append(g, ep, sizeof(ep));
}

/* A high-speed boot keyboard on port whose endpoint is of type ep_type. */
static struct gadget *boot_keyboard(unsigned int port, uint16_t pid, uint8_t ep_type)
{
	struct gadget *g = describe(port, false, 0, 64, pid);

	interface(g, USB_CLASS_HID, USB_HID_SUBCLASS_BOOT, USB_HID_PROTOCOL_KEYBOARD, 1);
	endpoint(g, USB_EP_DIR_IN | 1, ep_type, 8);
	return g;
}

/* ------------------------------------------------------------------ the stack's state */
/* The live (not refused, not unplugged) device called name, or NULL. */
static struct usb_dev *dev_named(const char *name)
{
	for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
		if (!d->gone && !d->failed && !strcmp(d->name, name))
			return d;
	return NULL;
}

/* Devices in the list called name, whatever their state. */
static unsigned int count_named(const char *name)
{
	unsigned int n = 0;

	for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
		n += !strcmp(d->name, name);
	return n;
}

/* What the listing says the device called name does ("refused", "no driver", ...), NULL
 * when no such device is listed. */
static const char *listed_as(const char *name)
{
	for (struct usb_dev *d = usb_dev_list(); d; d = d->next)
		if (!strcmp(d->name, name))
			return usb_dev_state_name(d);
	return NULL;
}

/* One 8-byte boot report from keyboard d, taken on the next tick. */
static void report(struct usb_dev *d, const uint8_t r[8])
{
	unsigned int i = d->intr_deq;

	memcpy(xhci_intr_data(d, i), r, 8);
	sim_post_transfer(&sim, d->slot, d->intr_dci, d->intr.phys + i * 16, XHCI_CC_SUCCESS, 0);
	stack_tick(&hc);
}

/* The keyboard called name types 'a': its press and release reach the keyboard layer. */
static void types(const char *name)
{
	static const uint8_t press_a[8] = { 0, 0, 0x04 }, none[8];
	struct usb_dev *d = dev_named(name);
	unsigned int p = presses, r = releases;

	CHECK(d != NULL && d->driver == USB_DRV_KBD);
	if (!d || d->driver != USB_DRV_KBD)
		return;
	report(d, press_a);
	report(d, none);
	CHECK_EQ(presses, p + 1);
	CHECK_EQ(releases, r + 1);
}

/* start(), every gadget taken away and the simulator asking them. */
static void start_gadgets(void)
{
	start();
	memset(gadget, 0, sizeof(gadget));
	sim.device = gadget_answer;
}

/*
 * The device on root port p was refused with "usb: <who>: refused: <why>" after 'tries'
 * enumerations (more than one for a request that failed: each try after the first said
 * "enumerating again (try k of USB_ENUM_TRIES)"): listed as refused, then torn down with
 * its slot (if it had one) disabled and forgotten, once a try, without SET_CONFIGURATION or
 * Evaluate Context (each refused device here asks for none), after config_reads reads of
 * its configuration in all and one recovery of endpoint 0 a try if that read halted it;
 * its port waits, "refused", and the listing says why. The keyboard on port 5 types on,
 * one plugged into port 7 gets ready; p unplugged is empty again. Ends the case.
 */
static void refused_alone(unsigned int p, const char *who, const char *why,
			  unsigned int config_reads, unsigned int tries)
{
	const struct gadget *g = &gadget[p];
	char line[160], name[8];

	for (unsigned int k = 2; k <= tries; k++) {
		snprintf(line, sizeof(line), "usb: %s: %s: enumerating again (try %u of %u)\n", who,
			 why, k, USB_ENUM_TRIES);
		CHECK(stack_until(&hc, line, 5000));
	}
	snprintf(line, sizeof(line), "usb: %s: refused: %s\n", who, why);
	snprintf(name, sizeof(name), "1-%u", p);
	CHECK(stack_until(&hc, line, 5000));
	CHECK(listed_as(name) && !strcmp(listed_as(name), "refused")); /* until torn down */
	stack_ticks_ms(&hc, 20); /* its Disable Slot done, the device freed */
	CHECK_EQ(count_named(name), 0u);
	CHECK(!strcmp(xhci_port_state_name(hc.port[p].state), "refused"));
	CHECK_EQ(sim.commands[TRB_DISABLE_SLOT], g->slot ? tries : 0u);
	CHECK(!g->slot || (!sim.slot_on[g->slot] && !hc.slot_dev[g->slot] && !hc.dcbaa[g->slot]));
	CHECK_EQ(g->config_reads, config_reads);
	CHECK_EQ(g->set_configs, 0u);
	CHECK_EQ(sim.commands[TRB_EVALUATE_CTX], 0u);
	CHECK_EQ(sim.commands[TRB_RESET_EP], g->config_ends != SIM_ANSWER ? tries : 0u);
	sim_log_clear();
	usb_list_devices(&hc);
	snprintf(line, sizeof(line), "\nrefused (most recent last):\n  %s: %s\n", who, why);
	CHECK(sim_logged(line));
	types("1-5");
	sim_connect(&sim, 7, USB_SPEED_HIGH);
	CHECK(stack_until(&hc, "kbd: usb 1-7 0627:0001 ready", 5000));
	sim_disconnect(&sim, p);
	stack_ticks_ms(&hc, 20);
	CHECK_EQ(hc.port[p].state, PORT_EMPTY);
	finish();
}

/* One device refused on root port, made by build; who and why as its line says. */
struct refusal {
	const char *what;
	unsigned int port, speed;
	void (*build)(unsigned int port);
	const char *who, *why;
	unsigned int config_reads; /* in all tries */
	unsigned int tries;        /* enumerations: 1 unless a request failed */
};

static void run_refusals(const struct refusal *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		printf("  %s\n", r[i].what);
		start_gadgets();
		r[i].build(r[i].port);
		sim_connect(&sim, r[i].port, r[i].speed);
		refused_alone(r[i].port, r[i].who, r[i].why, r[i].config_reads, r[i].tries);
	}
}

/* ------------------------------------------------------------------ the cases */
static void mps0_12(unsigned int port) { boot_keyboard(port, 1, USB_EP_XFER_INT)->device[7] = 12; }
static void no_config(unsigned int port)
{
	boot_keyboard(port, 2, USB_EP_XFER_INT)->device[17] = 0;
}

static void config_too_long(unsigned int port)
{
	struct gadget *g = boot_keyboard(port, 3, USB_EP_XFER_INT);

	g->config[2] = (USB_CONFIG_MAX_LEN + 1) & 0xff;
	g->config[3] = (USB_CONFIG_MAX_LEN + 1) >> 8;
}

/* Its endpoint descriptor says 9 bytes where 7 are left of the configuration. */
static void config_broken(unsigned int port)
{
	struct gadget *g = boot_keyboard(port, 4, USB_EP_XFER_INT);

	g->config[g->config_len - USB_DT_ENDPOINT_SIZE] = 9;
}

/* Endpoint 0's max packet size, then the device and configuration descriptors, each
 * refused by its parser before anything more is asked of the device: a full-speed
 * device whose endpoint 0 takes 12 bytes (8, 16, 32 or 64 only), one with no
 * configuration, one whose configuration is longer than 1024 bytes (the most read), one
 * whose configuration has a descriptor running past its end. */
static void descriptors_refused(void)
{
	static const struct refusal r[] = {
		{ "max packet 12", 6, USB_SPEED_FULL, mps0_12, "1-6",
		  "full-speed max packet size not 8/16/32/64", 0, 1 },
		{ "no configuration", 6, USB_SPEED_HIGH, no_config, "1-6 1209:0002",
		  "device has no configuration", 0, 1 },
		{ "1025 bytes", 6, USB_SPEED_HIGH, config_too_long, "1-6 1209:0003",
		  "configuration total length above 1024", 1, 1 },
		{ "broken", 6, USB_SPEED_HIGH, config_broken, "1-6 1209:0004",
		  "descriptor runs past the configuration's end", 2, 1 },
	};

	run_refusals(r, ARRAY_SIZE(r));
}

static void bulk_keyboard(unsigned int port) { boot_keyboard(port, 5, USB_EP_XFER_BULK); }

static void bulk_hub(unsigned int port)
{
	struct gadget *g = describe(port, false, USB_CLASS_HUB, 64, 6);

	interface(g, USB_CLASS_HUB, 0, 0, 1);
	endpoint(g, USB_EP_DIR_IN | 1, USB_EP_XFER_BULK, 2);
}

/* A USB 3 hub: its interrupt IN endpoint with the SuperSpeed companion after it. */
static void usb3_hub(unsigned int port)
{
	static const uint8_t companion[6] = { 6, USB_DT_SS_EP_COMP, 0, 0, 2, 0 };
	struct gadget *g = describe(port, true, USB_CLASS_HUB, 9, 7);

	interface(g, USB_CLASS_HUB, 0, 0, 1);
	endpoint(g, USB_EP_DIR_IN | 1, USB_EP_XFER_INT, 2);
	append(g, companion, sizeof(companion));
}

/* The class driver's choice refuses: a boot keyboard whose endpoint is bulk, a hub whose
 * endpoint is bulk (neither driver can poll it), and a hub at super speed on a USB 3 port
 * (the hub driver speaks USB 2 hub only). */
static void drivers_refuse(void)
{
	static const struct refusal r[] = {
		{ "bulk keyboard", 6, USB_SPEED_HIGH, bulk_keyboard, "1-6 1209:0005",
		  "keyboard endpoint is not interrupt IN", 2, 1 },
		{ "bulk hub", 6, USB_SPEED_HIGH, bulk_hub, "1-6 1209:0006",
		  "hub interface without an interrupt IN endpoint", 2, 1 },
		{ "USB 3 hub", 1, USB_SPEED_SUPER, usb3_hub, "1-1 1209:0007",
		  "USB 3 hubs are not supported", 2, 1 },
	};

	run_refusals(r, ARRAY_SIZE(r));
}

static void babbles(unsigned int port)
{
	boot_keyboard(port, 8, USB_EP_XFER_INT)->config_ends = SIM_BABBLE;
}

static void loses(unsigned int port)
{
	boot_keyboard(port, 9, USB_EP_XFER_INT)->config_ends = SIM_XACT_ERROR;
}

/* The configuration's header read ends in Babble Detected, then (another device) in a USB
 * Transaction Error: endpoint 0 is reset first (each halts it), then the device enumerated
 * again after a new port reset, and refused with the code once every try failed so, not
 * taken for a STALL or for silence. */
static void failed_transfer_refused(void)
{
	static const struct refusal r[] = {
		{ "babble", 6, USB_SPEED_HIGH, babbles, "1-6 1209:0008",
		  "GET_DESCRIPTOR(configuration, 9) failed (completion code 3)", USB_ENUM_TRIES,
		  USB_ENUM_TRIES },
		{ "transaction error", 6, USB_SPEED_HIGH, loses, "1-6 1209:0009",
		  "GET_DESCRIPTOR(configuration, 9) failed (completion code 4)", USB_ENUM_TRIES,
		  USB_ENUM_TRIES },
	};

	run_refusals(r, ARRAY_SIZE(r));
}

/* Enable Slot answered with No Slots Available: the device is refused with the count the
 * controller has, and no Disable Slot is sent (it has no slot); once a slot is free again
 * a keyboard gets one. */
static void no_free_slot_refused(void)
{
	const char *line = "usb: 1-6: refused: no free device slot (the controller has 8)";

	start_gadgets();
	boot_keyboard(6, 10, USB_EP_XFER_INT);
	sim.no_slots = true;
	sim_connect(&sim, 6, USB_SPEED_HIGH);
	CHECK(stack_until(&hc, line, 5000));
	sim.no_slots = false;
	CHECK_EQ(gadget[6].requests, 0u);
	refused_alone(6, "1-6", "no free device slot (the controller has 8)", 0, 1);
}

/* No memory for the nth of a new device's allocations (its input and output contexts, its
 * buffer, its endpoint 0 ring), each time the device is plugged into port 6: the port is
 * refused with a line and listed, no Enable Slot is sent, and what was allocated before the
 * failure is given back. Then the keyboard there gets ready. */
static void no_memory_for_device(void)
{
	start_gadgets();
	for (unsigned int n = 1; n <= 4; n++) {
		long live = sim_dma_live();
		unsigned int enables = sim.commands[TRB_ENABLE_SLOT];

		sim_log_clear();
		sim_connect(&sim, 6, USB_SPEED_HIGH);
		for (int i = 0; i < 5000 && hc.port[6].state != PORT_RECOVERY; i++)
			stack_tick(&hc);
		sim_dma_fail(n);
		CHECK(stack_until(&hc, "usb: xhci sim port 6: out of memory for a device\n", 100));
		sim_dma_fail(0);
		CHECK_EQ(sim_dma_live(), live);
		CHECK_EQ(sim.commands[TRB_ENABLE_SLOT], enables);
		CHECK_EQ(count_named("1-6"), 0u);
		CHECK_EQ(hc.port[6].state, PORT_FAILED);
		CHECK(hc.refused.n == 1 && hc.refused.e[0].times == n);
		usb_list_devices(&hc);
		CHECK(sim_logged(
			"\nrefused (most recent last):\n  1-6: out of memory for a device"));
		sim_disconnect(&sim, 6);
		stack_ticks_ms(&hc, 20);
		CHECK_EQ(hc.port[6].state, PORT_EMPTY);
	}
	sim_connect(&sim, 6, USB_SPEED_HIGH);
	CHECK(stack_until(&hc, "kbd: usb 1-6 0627:0001 ready", 5000));
	types("1-5");
	finish();
}

static void boot_mouse(unsigned int port)
{
	struct gadget *g = describe(port, false, 0, 8, 0x11);

	interface(g, USB_CLASS_HID, USB_HID_SUBCLASS_BOOT, USB_HID_PROTOCOL_MOUSE, 1);
	endpoint(g, USB_EP_DIR_IN | 1, USB_EP_XFER_INT, 4);
}

static void tablet(unsigned int port)
{
	struct gadget *g = describe(port, false, 0, 64, 0x12);

	interface(g, USB_CLASS_HID, 0, 0, 1);
	endpoint(g, USB_EP_DIR_IN | 1, USB_EP_XFER_INT, 8);
}

static void stick(unsigned int port)
{
	struct gadget *g = describe(port, false, 0, 64, 0x13);

	interface(g, CLASS_MASS_STORAGE, MSC_SCSI, MSC_BULK_ONLY, 2);
	endpoint(g, USB_EP_DIR_IN | 1, USB_EP_XFER_BULK, 512);
	endpoint(g, 2, USB_EP_XFER_BULK, 512);
}

/* Device d is left alone: addressed (its slot enabled and its own), configured configs
 * times (0, or 1 for a HID interface read for keys first), its port holding it, listed
 * "no driver" as the class it showed; g is what it was made from. */
static void left_alone(const struct usb_dev *d, const struct gadget *g, const char *label,
		       unsigned int configs)
{
	char line[128];

	CHECK(d != NULL);
	if (!d)
		return;
	CHECK(!strcmp(usb_dev_state_name(d), "no driver"));
	CHECK(d->slot == g->slot && sim.slot_on[d->slot] && hc.slot_dev[d->slot] == d);
	CHECK(hc.port[d->root_port].state == PORT_DEVICE && hc.port[d->root_port].dev == d);
	CHECK_EQ(g->set_configs, configs);
	snprintf(line, sizeof(line), "\n  %-8s slot %-3u %-5s 1209:%04x %-13s no driver\n", d->name,
		 d->slot, usb_speed_name(d->speed), g->device[10] | g->device[11] << 8, label);
	CHECK(sim_logged(line));
}

/* A full-speed boot mouse on port 6, a high-speed tablet (HID without a boot interface) on
 * port 7 and a mass-storage stick on port 8: no class driver takes them, so each is left
 * addressed and alone with a line saying so, and asked nothing more however long it stays
 * (it was neither refused nor configured, but for the tablet, configured and asked for its
 * report descriptor, which names no keys: it answers none); the `usb` listing shows each,
 * nothing refused;
 * the keyboard on port 5 types and one plugged into port 2 gets ready. Unplugged, each is
 * torn down and its slot disabled. */
static void no_driver_left_alone(void)
{
	static const char *const lines[] = {
		"usb: 1-6: 1209:0011 HID, full speed, no driver, left alone\n",
		"usb: 1-7: 1209:0012 HID, high speed, HID without boot protocol: reading its report "
		"descriptor\n",
		"usb: 1-7: left alone: not a keyboard (no key field in any input report)\n",
		"usb: 1-8: 1209:0013 mass storage, high speed, no driver, left alone\n",
	};
	unsigned int asked[3];

	start_gadgets();
	boot_mouse(6);
	tablet(7);
	stick(8);
	sim_connect(&sim, 6, USB_SPEED_FULL);
	sim_connect(&sim, 7, USB_SPEED_HIGH);
	sim_connect(&sim, 8, USB_SPEED_HIGH);
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		CHECK(stack_until(&hc, lines[i], 5000));
	for (int i = 0; i < 3; i++)
		asked[i] = gadget[6 + i].requests;
	stack_ticks_ms(&hc, 500);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(gadget[6 + i].requests, asked[i]);
	CHECK(!sim_logged("refused"));
	sim_log_clear();
	usb_list_devices(&hc);
	left_alone(dev_named("1-6"), &gadget[6], "HID mouse", 0);
	left_alone(dev_named("1-7"), &gadget[7], "HID", 1);
	left_alone(dev_named("1-8"), &gadget[8], "mass storage", 0);
	CHECK(!sim_logged("refused"));
	types("1-5");
	sim_connect(&sim, 2, USB_SPEED_HIGH);
	CHECK(stack_until(&hc, "kbd: usb 1-2 0627:0001 ready", 5000));
	for (unsigned int p = 6; p <= 8; p++)
		sim_disconnect(&sim, p);
	stack_ticks_ms(&hc, 50);
	for (unsigned int p = 6; p <= 8; p++) {
		char name[8];

		snprintf(name, sizeof(name), "1-%u", p);
		CHECK(count_named(name) == 0 && !sim.slot_on[gadget[p].slot]);
	}
	CHECK_EQ(sim.commands[TRB_DISABLE_SLOT], 3u);
	finish();
}

/* A keyboard running on a USB 3 port whose link falls into SS.Inactive (a connection still
 * showing), then one whose link falls into Compliance Mode (none showing): the keyboard is
 * unplugged, its slot disabled, before the link's warm reset, and then comes back as one
 * device (it stayed listed beside the new one, its slot enabled, typing into nothing). */
static void stuck_link_unplugs_its_device(void)
{
	static const struct {
		unsigned int port, pls;
		bool ccs;
		const char *name, *line;
	} r[] = {
		{ 2, XHCI_PLS_INACTIVE, true, "1-2",
		  "usb: xhci sim port 2: link in SS.Inactive: warm reset" },
		{ 3, XHCI_PLS_COMPLIANCE, false, "1-3",
		  "usb: xhci sim port 3: link in Compliance Mode: warm reset" },
	};
	char up[48], gone[32];

	start_gadgets();
	for (size_t i = 0; i < ARRAY_SIZE(r); i++) {
		unsigned int old, resets = sim.warm_resets;

		snprintf(up, sizeof(up), "kbd: usb %s 0627:0001 ready", r[i].name);
		sim_connect(&sim, r[i].port, USB_SPEED_HIGH);
		CHECK(stack_until(&hc, up, 5000));
		old = dev_named(r[i].name) ? dev_named(r[i].name)->slot : 0;
		sim_log_clear();
		sim_link_fails(&sim, r[i].port, r[i].pls, r[i].ccs, USB_SPEED_HIGH);
		for (int t = 0; t < 100 && sim.warm_resets == resets; t++)
			stack_tick(&hc);
		CHECK_EQ(sim.warm_resets, resets + 1);
		snprintf(gone, sizeof(gone), "usb: %s: disconnected\n", r[i].name);
		CHECK(sim_logged(gone)); /* by the tick that reset the link */
		CHECK(sim_logged(r[i].line));
		CHECK(stack_until(&hc, up, 5000));
		CHECK(old != 0 && !sim.slot_on[old]);
		CHECK_EQ(count_named(r[i].name), 1u);
		CHECK(dev_named(r[i].name) && dev_named(r[i].name)->slot != old);
		types(r[i].name);
	}
	types("1-5");
	finish();
}

int main(void)
{
	sim_log_start();
	RUN(descriptors_refused);
	RUN(drivers_refuse);
	RUN(failed_transfer_refused);
	RUN(no_free_slot_refused);
	RUN(no_memory_for_device);
	RUN(no_driver_left_alone);
	RUN(stuck_link_unplugs_its_device);
	return unit_summary();
}
