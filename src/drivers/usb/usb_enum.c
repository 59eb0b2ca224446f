// SPDX-License-Identifier: MIT
/*
 * A USB device's life on an xHCI (xHCI 1.2 section 4.3, USB 2.0 section 9.1): Enable Slot,
 * Address Device, the first 8 bytes of the device descriptor (endpoint 0's max packet size,
 * put into the context with Evaluate Context when it is not what the speed suggested), the
 * whole device descriptor, the configuration (its 9-byte header, then wTotalLength bytes),
 * a class driver chosen (boot keyboard, hub, or none: the device stays addressed and is
 * left alone), SET_CONFIGURATION, then the class driver's own steps. Unplugged or refused,
 * it is torn down: Disable Slot, memory back, struct freed. When Disable Slot fails or is
 * not answered, the slot may still be enabled and the controller may still write into the
 * device's contexts, rings and buffers (xHCI 1.2 4.5.3): the device leaves the device list
 * but is held, memory and all, on hc->held until the controller is halted for a reset or
 * for good, or is gone (usb_dev_free_held, from xhci_health.c).
 *
 * It is a state machine stepped from the tick: each state starts one operation (a command
 * or a control transfer) and returns; the next state first checks how that operation
 * ended. An operation that does not end within its deadline (2 s), a completion code that
 * is not success, or a descriptor the parsers refuse, refuses the device with a `usb:` line
 * naming it and the reason; nothing else is affected. A control transfer that halts
 * endpoint 0 (STALL, babble, transaction error) is first recovered (Reset Endpoint, Set TR
 * Dequeue Pointer: usb_enum_cmd.c, which also sends this file's other commands and fills
 * their contexts) so the device stays usable when the state decides the request was
 * optional (SET_IDLE, the LED report); host-tested in test_usb_ep0 on a simulated xHCI.
 * A control transfer that is never answered (a device that NAKs it forever) is stopped at
 * its deadline (Stop Endpoint, then Set TR Dequeue Pointer past it: usb_enum_cmd.c) and
 * ends "timed out" (USB_CC_TIMED_OUT): the enumeration states refuse the device for it
 * ("no answer to <op>"), a class driver may go on (test_usb_kbd_silent). Halts and
 * requests never answered in a row past a limit refuse the device either way
 * (usb_enum_cmd.c).
 * An interrupt IN endpoint that halts is reset the same way (usb_intr.c).
 * A command past its deadline is aborted first (xhci_ring.c) and its device waits for the
 * abort: what the controller then reports, a late completion included, is the outcome.
 */
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/kmalloc.h>
#include <lios/printk.h>
#include <lios/string.h>
#include <lios/time.h>
#include "usb_internal.h"

#define SET_ADDRESS_RECOVERY_US 2000  /* USB 2.0 9.2.6.3 */

/* Standard requests (USB 2.0 table 9-4). */
#define USB_REQ_GET_DESCRIPTOR 0x06
#define USB_REQ_SET_CONFIGURATION 0x09
#define USB_RT_DEV_IN 0x80
#define USB_RT_DEV_OUT 0x00

enum {
	S_ENABLE_SLOT, S_ADDRESS, S_ADDRESSED, S_DESC8, S_EVALUATE, S_DESC18, S_CONFIG9,
	S_CONFIG_ALL, S_CHOOSE, S_CLASS, S_DRIVER, S_IDLE, S_DISABLE, S_DISABLING, S_FREE,
};

static struct usb_dev *devices;

/* usb_dev_list - every device, newest first. Tick context, or interrupts off. */
struct usb_dev *usb_dev_list(void) { return devices; }

static void free_mem(struct usb_dev *d)
{
	kfree(d->in_ctx);
	kfree(d->out_ctx);
	kfree(d->buf);
	kfree(d->intr_buf);
	if (d->ep0.trb)
		xhci_ring_free(&d->ep0);
	if (d->intr.trb)
		xhci_ring_free(&d->intr);
}

/*
 * usb_dev_new - a device found on port of parent (NULL: a root port) at speed; enumeration
 * starts on the next step. NULL when memory runs out (logged). Tick context.
 */
struct usb_dev *usb_dev_new(struct xhci *hc, struct usb_dev *parent, uint8_t port, enum usb_speed speed)
{
	struct usb_dev *d = heap_calloc(1, sizeof(*d));

	if (!d)
		goto nomem;
	d->hc = hc;
	d->parent = parent;
	d->port = port;
	d->speed = speed;
	if (parent) {
		d->depth = (uint8_t)(parent->depth + 1);
		d->root_port = parent->root_port;
		d->route = parent->route | (uint32_t)(port & 0xf) << (4 * parent->depth);
		if (parent->speed == USB_SPEED_HIGH && (speed == USB_SPEED_LOW || speed == USB_SPEED_FULL)) {
			d->tt_slot = parent->slot;
			d->tt_port = port;
		} else {
			d->tt_slot = parent->tt_slot;
			d->tt_port = parent->tt_port;
		}
		ksnprintf(d->name, sizeof(d->name), "%s.%u", parent->name, port);
	} else {
		d->root_port = port;
		ksnprintf(d->name, sizeof(d->name), "%d-%u", hc->index + 1, port);
	}
	d->in_ctx = kzalloc(USB_DEV_PAGE);
	d->out_ctx = kzalloc(USB_DEV_PAGE);
	d->buf = kzalloc(USB_DEV_PAGE);
	if (!d->in_ctx || !d->out_ctx || !d->buf || xhci_ring_init(&d->ep0)) {
		free_mem(d);
		heap_free(d);
		goto nomem;
	}
	d->in_ctx_phys = virt_to_phys(d->in_ctx);
	d->out_ctx_phys = virt_to_phys(d->out_ctx);
	d->buf_phys = virt_to_phys(d->buf);
	d->state = S_ENABLE_SLOT;
	d->next = devices;
	devices = d;
	printk(KERN_DEBUG "usb: %s: %s-speed device connected\n", d->name, usb_speed_name(speed));
	return d;
nomem:
	/* named as its port's other lines are: a hub's port, or the controller's root port */
	printk(KERN_WARN "usb: %s port %u: out of memory for a device\n",
	       parent ? parent->name : hc->name, port);
	usb_refused_port(hc, parent, port, "out of memory for a device");
	return NULL;
}

/* Tear down the class driver's side (keyboard unregistered, hub children unplugged). */
static void detach_driver(struct usb_dev *d)
{
	if (d->driver == USB_DRV_KBD)
		usb_kbd_free(d);
	else if (d->driver == USB_DRV_HUB)
		usb_hub_free(d);
	d->driver = USB_DRV_NONE;
}

/*
 * usb_dev_refuse - tear the device down for why. Refused for a request that failed before
 * its class driver (d->retry, usb_dev_ok) while its port has tries left (USB_ENUM_TRIES),
 * it is enumerated again after a new port reset: "usb: <name> [vvvv:pppp]: <why>:
 * enumerating again (try N of M)". Else "usb: <name> [vvvv:pppp]: refused: <why>", kept in
 * the controller's record, and its port waits for a disconnect. Tick context.
 */
void usb_dev_refuse(struct usb_dev *d, const char *why)
{
	unsigned int again;
	char id[12] = "";

	if (d->failed || d->gone)
		return;
	d->failed = true;
	if (d->desc.vendor || d->desc.product)
		ksnprintf(id, sizeof(id), " %04x:%04x", d->desc.vendor, d->desc.product);
	/* the port's decision first (a try left takes the port back: its state, not d's) */
	again = !d->retry ? 0
		: d->parent ? usb_hub_child_retry(d->parent, d)
			    : xhci_port_device_retry(d->hc, d->root_port);
	if (again) {
		printk(KERN_WARN "usb: %s%s: %s: enumerating again (try %u of %u)\n", d->name, id,
		       why, again, USB_ENUM_TRIES);
	} else {
		printk(KERN_WARN "usb: %s%s: refused: %s\n", d->name, id, why);
		usb_refused_note(d->hc, d->name, d->desc.vendor, d->desc.product, why);
	}
	detach_driver(d);
	if (!again && d->parent)
		usb_hub_child_gone(d->parent, d);
	else if (!again)
		xhci_port_device_failed(d->hc, d->root_port);
	d->parent = NULL;
	d->state = S_DISABLE;
}

/*
 * usb_dev_leave_alone - log "usb: <name>: left alone: <why>": the driver chosen for d found
 * it is not its device after all (a HID interface whose report descriptor declares no
 * keys). Its driver lets go; d stays addressed and configured, listed with no driver, as a
 * device no driver wanted from the start. Tick context, from the driver's step.
 */
void usb_dev_leave_alone(struct usb_dev *d, const char *why)
{
	printk(KERN_INFO "usb: %s: left alone: %s\n", d->name, why);
	detach_driver(d);
	d->state = S_IDLE;
}

/* usb_dev_unplug - the device is gone from its port: tear it down. Tick context. */
void usb_dev_unplug(struct usb_dev *d)
{
	if (d->gone)
		return;
	printk(KERN_INFO "usb: %s: disconnected\n", d->name);
	d->gone = true;
	detach_driver(d);
	d->parent = NULL;
	d->state = S_DISABLE;
}

/* usb_dev_ok - the last operation succeeded (success or short packet); refuses d if not.
 * A request never answered (timed out) or a command never answered says "no answer to
 * <op>". */
bool usb_dev_ok(struct usb_dev *d)
{
	static char msg[80]; /* fits the longest op (the stall probe's) with its failure */

	if (d->cc == XHCI_CC_SUCCESS || d->cc == XHCI_CC_SHORT_PACKET)
		return true;
	/* up to the configuration's last bytes: what the port's new reset may mend (a
	 * transaction error, a device not yet ready); a class driver's request is its own */
	d->retry = d->state <= S_CHOOSE;
	if (d->cc == XHCI_CC_STALL)
		ksnprintf(msg, sizeof(msg), "%s stalled", d->op);
	else if (d->cc == 0 || d->cc == USB_CC_TIMED_OUT)
		ksnprintf(msg, sizeof(msg), "no answer to %s", d->op);
	else
		ksnprintf(msg, sizeof(msg), "%s failed (completion code %u)", d->op, d->cc);
	usb_dev_refuse(d, msg);
	return false;
}

/* usb_dev_addressed - whether Address Device has completed for d: from then on it answers
 * its own address, no longer the default address 0 that one device at a time may hold
 * behind a hub (usb_address0_busy). Tick context, or interrupts off. */
bool usb_dev_addressed(const struct usb_dev *d) { return d->state > S_ADDRESSED; }

/* usb_dev_address_of - the USB address the controller gave d (its output slot context,
 * xHCI 1.2 6.2.2: USB Device Address, dword 3 bits 0-7); 0 before Address Device. Tick
 * context. */
uint8_t usb_dev_address_of(const struct usb_dev *d)
{
	uint32_t dw3;

	memcpy(&dw3, d->out_ctx + 12, sizeof(dw3));
	return (uint8_t)dw3;
}

/* usb_dev_timed_out - d's last control transfer got no answer before its deadline (not a
 * STALL, not a transfer error): endpoint 0 was stopped and is usable again. A state for
 * which the request is optional goes on; the others refuse d through usb_dev_ok. */
bool usb_dev_timed_out(const struct usb_dev *d) { return d->cc == USB_CC_TIMED_OUT; }

static void get_descriptor(struct usb_dev *d, uint8_t type, uint16_t len, const char *op)
{
	xhci_control(d, USB_RT_DEV_IN, USB_REQ_GET_DESCRIPTOR, (uint16_t)(type << 8), 0, len, op);
}

static size_t got(const struct usb_dev *d, size_t asked)
{
	return d->residual <= asked ? asked - d->residual : 0;
}

/* Pick the class driver from the configuration; false when the device was refused or is
 * left alone. */
static bool choose_driver(struct usb_dev *d)
{
	const char *why = NULL;
	int kbd = usb_find_boot_keyboard(&d->cfg, &why);
	int hub = kbd == -ENOENT ? usb_find_hub_iface(&d->cfg, &why) : -ENOENT;
	int hid = kbd == -ENOENT && hub == -ENOENT ? usb_find_hid_iface(&d->cfg, 0) : -ENOENT;
	uint8_t cls = d->desc.dev_class ? d->desc.dev_class : d->cfg.iface[0].cls;

	if ((kbd < 0 && kbd != -ENOENT) || (hub < 0 && hub != -ENOENT)) {
		usb_dev_refuse(d, why);
		return false;
	}
	/* USB 2.0 4.1.1: five hubs in a chain at most (depth 0-4); the devices behind the fifth
	 * take the route string's fifth and last nibble */
	if (hub >= 0 && d->depth >= 5) {
		usb_dev_refuse(d, "more than five hubs in a chain");
		return false;
	}
	if (hub >= 0 && d->speed == USB_SPEED_SUPER) {
		usb_dev_refuse(d, "USB 3 hubs are not supported");
		return false;
	}
	printk(KERN_INFO "usb: %s: %04x:%04x %s, %s speed, %s\n", d->name, d->desc.vendor, d->desc.product,
	       usb_class_name(cls), usb_speed_name(d->speed),
	       kbd >= 0   ? "boot keyboard"
	       : hub >= 0 ? "hub"
	       : hid >= 0 ? "HID without boot protocol: reading its report descriptor"
			  : "no driver, left alone");
	if (kbd >= 0) {
		d->iface = kbd;
		d->driver = USB_DRV_KBD;
	} else if (hub >= 0) {
		d->iface = hub;
		d->driver = USB_DRV_HUB;
	} else if (hid >= 0) {
		d->iface = hid;
		d->driver = USB_DRV_KBD; /* usb_kbd.c reads its report descriptor first */
		d->hid_probe = true;
	} else {
		return false;
	}
	return true;
}

/* S_ADDRESS: Enable Slot's answer; with a slot of d's own, Address Device (tried again on
 * the next step while the command ring is busy); S_ADDRESSED then starts the quiet. */
static void address_device(struct usb_dev *d)
{
	static char no_slot[48];

	if (d->cc == XHCI_CC_NO_SLOTS) {
		ksnprintf(no_slot, sizeof(no_slot), "no free device slot (the controller has %u)",
			  d->hc->max_slots);
		usb_dev_refuse(d, no_slot);
		return;
	}
	if (!usb_dev_ok(d))
		return;
	if (!d->slot || d->slot > d->hc->max_slots || d->hc->slot_dev[d->slot]) {
		d->slot = 0; /* not d's: its teardown must not disable another's slot */
		usb_dev_refuse(d, "controller gave a bad slot");
		return;
	}
	if (!usb_dev_address(d))
		return; /* the command ring is busy: again on the next step */
	d->state = S_ADDRESSED;
}

/* S_EVALUATE: endpoint 0's max packet size from the descriptor's first 8 bytes, put into
 * the context by Evaluate Context when the speed suggested another. */
static void set_max_packet0(struct usb_dev *d)
{
	const char *why = NULL;
	int n;

	if (!usb_dev_ok(d))
		return;
	n = usb_parse_max_packet0(d->buf, got(d, 8), d->speed, &why);
	if (n < 0) {
		usb_dev_refuse(d, why);
		return;
	}
	if (n != d->mps0 && !usb_dev_evaluate_mps0(d, (uint16_t)n))
		return; /* the command ring is busy: the same 8 bytes again next step */
	d->state = S_DESC18;
}

/* S_CONFIG9: the whole device descriptor parsed into d->desc, then the configuration's
 * 9-byte header asked for. */
static void read_config_header(struct usb_dev *d)
{
	const char *why = NULL;

	if (!usb_dev_ok(d))
		return;
	if (usb_parse_device_desc(d->buf, got(d, USB_DT_DEVICE_SIZE), &d->desc, &why) < 0) {
		usb_dev_refuse(d, why);
		return;
	}
	get_descriptor(d, USB_DT_CONFIG, USB_DT_CONFIG_SIZE, "GET_DESCRIPTOR(configuration, 9)");
	d->state = S_CONFIG_ALL;
}

/* S_CONFIG_ALL: the header's wTotalLength kept in d->cfg, then that many bytes of the
 * configuration asked for. */
static void read_config_all(struct usb_dev *d)
{
	const char *why = NULL;
	int n;

	if (!usb_dev_ok(d))
		return;
	n = usb_config_total_length(d->buf, got(d, USB_DT_CONFIG_SIZE), &why);
	if (n < 0) {
		usb_dev_refuse(d, why);
		return;
	}
	d->cfg.total_length = (uint16_t)n;
	get_descriptor(d, USB_DT_CONFIG, (uint16_t)n, "GET_DESCRIPTOR(configuration)");
	d->state = S_CHOOSE;
}

/* S_CHOOSE: the configuration parsed and a class driver chosen, then SET_CONFIGURATION; a
 * device no driver wants is left addressed, in S_IDLE. */
static void set_configuration(struct usb_dev *d)
{
	const char *why = NULL;

	if (!usb_dev_ok(d))
		return;
	if (usb_parse_config(d->buf, got(d, d->cfg.total_length), &d->cfg, &why) < 0) {
		usb_dev_refuse(d, why);
		return;
	}
	if (!choose_driver(d)) {
		if (!d->failed)
			d->state = S_IDLE;
		return;
	}
	xhci_control(d, USB_RT_DEV_OUT, USB_REQ_SET_CONFIGURATION, d->cfg.value, 0, 0, "SET_CONFIGURATION");
	d->state = S_CLASS;
}

/* S_CLASS: the configuration is set; the chosen class driver attaches and, unless it
 * refused d, takes the next steps (S_DRIVER). */
static void attach_driver(struct usb_dev *d)
{
	if (!usb_dev_ok(d))
		return;
	if (d->driver == USB_DRV_KBD)
		usb_kbd_attach(d);
	else
		usb_hub_attach(d);
	if (!d->failed)
		d->state = S_DRIVER;
}

/* One step of enumeration (see the top comment): how the state's operation ended, and the
 * next one started; usb_dev_step keeps the idle and teardown states from it. */
static void enum_step(struct usb_dev *d)
{
	switch (d->state) {
	case S_ENABLE_SLOT:
		if (xhci_command(d->hc, d, 0, 0, 0, TRB_TYPE(TRB_ENABLE_SLOT), "Enable Slot"))
			d->state = S_ADDRESS;
		return;
	case S_ADDRESS:
		address_device(d);
		return;
	case S_ADDRESSED:
		/* USB 2.0 9.2.6.3: SET_ADDRESS_RECOVERY_US of quiet after the SET_ADDRESS status
		 * stage, which ends as Address Device completes: counted from here, not from
		 * when the command was queued (a SET_ADDRESS through a hub's TT or a busy
		 * schedule can take that long by itself) */
		if (!usb_dev_ok(d))
			return;
		d->wait_until = deadline_us(SET_ADDRESS_RECOVERY_US);
		d->state = S_DESC8;
		return;
	case S_DESC8:
		if (!deadline_passed(d->wait_until))
			return;
		get_descriptor(d, USB_DT_DEVICE, 8, "GET_DESCRIPTOR(device, 8)");
		d->state = S_EVALUATE;
		return;
	case S_EVALUATE:
		set_max_packet0(d);
		return;
	case S_DESC18:
		if (!usb_dev_ok(d))
			return;
		get_descriptor(d, USB_DT_DEVICE, USB_DT_DEVICE_SIZE, "GET_DESCRIPTOR(device)");
		d->state = S_CONFIG9;
		return;
	case S_CONFIG9:
		read_config_header(d);
		return;
	case S_CONFIG_ALL:
		read_config_all(d);
		return;
	case S_CHOOSE:
		set_configuration(d);
		return;
	case S_CLASS:
		attach_driver(d);
		return;
	case S_DRIVER:
		if (d->driver == USB_DRV_KBD)
			usb_kbd_step(d);
		else if (d->driver == USB_DRV_HUB)
			usb_hub_step(d);
		return;
	}
}

static void unlink(struct usb_dev *d)
{
	for (struct usb_dev **pp = &devices; *pp; pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			return;
		}
}

/* Whether d's Disable Slot left the controller nothing of d's to write into: the slot is
 * disabled (or was not enabled), or the controller halted or went meanwhile (forget_devices
 * ended the command). */
static bool slot_let_go(const struct usb_dev *d)
{
	return d->cc == XHCI_CC_SUCCESS || d->cc == XHCI_CC_SLOT_NOT_ENABLED ||
	       (d->hc->dead && !d->hc->unhalted);
}

/* d's Disable Slot failed: off the device list (no event reaches it) onto hc->held, its
 * memory kept until usb_dev_free_held. The DCBAA entry stays: the slot may be enabled. */
static void hold(struct usb_dev *d)
{
	struct xhci *hc = d->hc;

	if (d->cc)
		printk(KERN_WARN "usb: %s: Disable Slot failed (completion code %u): slot %u and "
		       "its memory kept until the controller is reset\n", d->name, d->cc, d->slot);
	else
		printk(KERN_WARN "usb: %s: no answer to Disable Slot: slot %u and its memory kept "
		       "until the controller is reset\n", d->name, d->slot);
	if (hc->slot_dev[d->slot] == d)
		hc->slot_dev[d->slot] = NULL;
	unlink(d);
	d->next = hc->held;
	hc->held = d;
}

/*
 * usb_dev_free_held - give back the devices held since their Disable Slot failed, memory
 * and all: only once hc is halted or gone and writes into nothing. Tick context.
 */
void usb_dev_free_held(struct xhci *hc)
{
	while (hc->held) {
		struct usb_dev *d = hc->held;

		hc->held = d->next;
		if (hc->dcbaa && hc->dcbaa[d->slot] == d->out_ctx_phys)
			hc->dcbaa[d->slot] = 0;
		free_mem(d);
		heap_free(d);
	}
}

/* Disable Slot, then free everything once the controller confirmed it (else: hold). */
static void teardown_step(struct usb_dev *d)
{
	struct xhci *hc = d->hc;

	if (d->state == S_DISABLE) {
		if (d->slot && !hc->dead) {
			if (!xhci_command(hc, d, 0, 0, 0, TRB_TYPE(TRB_DISABLE_SLOT) | TRB_SLOT(d->slot), "Disable Slot"))
				return;
			d->state = S_DISABLING;
			return;
		}
		d->state = S_FREE;
		return;
	}
	if (d->state == S_DISABLING && !slot_let_go(d)) {
		hold(d);
		return;
	}
	if (d->slot && hc->slot_dev[d->slot] == d) {
		hc->slot_dev[d->slot] = NULL;
		hc->dcbaa[d->slot] = 0;
	}
	unlink(d);
	free_mem(d);
	heap_free(d);
}

/*
 * usb_dev_step - advance d by at most one operation; may free d (after teardown). Tick
 * context.
 */
void usb_dev_step(struct usb_dev *d)
{
	/* a stopped controller (xhci_health.c) that kept d may still write into d's memory:
	 * d waits as it is, its request never timed out into a refusal that frees it; one
	 * being torn down too, when the controller did not halt and its slot is not disabled */
	if (d->hc->dead && (d->state < S_DISABLE || (d->hc->unhalted && d->state == S_DISABLE)))
		return;
	if (d->busy) {
		/* a command ends in xhci_process_events (or its timeout there): wait for it */
		if (d->hc->cmd_owner == d)
			return;
		if (d->state >= S_DISABLE) {
			d->busy = false; /* a transfer to a device being removed: not waited for */
		} else if (!deadline_passed(d->deadline)) {
			return;
		} else {
			/* a control transfer never answered: endpoint 0 is stopped and the ring
			 * moved past it (usb_dev_ep0_recover_step) before its state decides */
			d->busy = false;
			d->cc = USB_CC_TIMED_OUT;
			d->halted_cc = USB_CC_TIMED_OUT;
			d->halted_op = d->op;
			d->ep0_recover = EP0_RECOVER_STOP;
		}
	}
	if (d->state >= S_DISABLE) {
		teardown_step(d);
		return;
	}
	if (d->ep0_recover && !usb_dev_ep0_recover_step(d))
		return;
	if (d->intr_recover && !usb_dev_intr_recover_step(d))
		return;
	if (d->state == S_IDLE)
		return;
	enum_step(d);
}

/* usb_dev_state_name - what d is doing, for the `usb` listing. */
const char *usb_dev_state_name(const struct usb_dev *d)
{
	if (d->failed)
		return "refused";
	if (d->gone)
		return "removing";
	if (d->state == S_IDLE)
		return "no driver";
	if (d->state == S_DRIVER && d->driver == USB_DRV_KBD)
		return d->hid_probe && !usb_kbd_ready(d) ? "enumerating" : "keyboard"; /* not known yet */
	if (d->state == S_DRIVER)
		return "hub";
	return "enumerating";
}
