// SPDX-License-Identifier: MIT
/*
 * What the `usb` command shows of the devices (usb.c prints the controllers and root ports
 * first): every device the stack holds, each hub's ports under it, and the record of what
 * was refused. A refused device is torn down at once and leaves the device list, and a
 * port given up has no device at all, so without the record a keyboard that does not work
 * would simply be missing from the listing; the record says "1-5.2 0627:0001: <why>".
 *
 * The record (struct usb_refused_log, one per controller) is bounded: USB_REFUSED_MAX
 * entries, one per name, most recent last; a name refused again moves to the end with its
 * new reason and a count; when it is full the oldest entry is dropped and counted. Written
 * from the tick (usb_dev_refuse, the port code), read by the listing with interrupts off:
 * never at the same time. Host-tested in test_usb_hub3.c on the simulated tree.
 */
#include <lios/printk.h>
#include <lios/string.h>
#include "usb_internal.h"

/*
 * usb_refused_note - remember that name (vendor:product, both 0 when not read) was refused
 * on hc, or its port given up, because of why (cut to USB_REFUSED_WHY_SIZE). Tick context.
 */
void usb_refused_note(struct xhci *hc, const char *name, uint16_t vendor, uint16_t product,
		      const char *why)
{
	struct usb_refused_log *log = &hc->refused;
	struct usb_refused keep = { .times = 0 };
	unsigned int i;

	for (i = 0; i < log->n && strcmp(log->e[i].name, name); i++)
		;
	if (i < log->n) {
		keep = log->e[i]; /* the same port again: moved to the end, counted */
	} else if (log->n == USB_REFUSED_MAX) {
		i = 0; /* full: the oldest goes */
		log->dropped++;
	} else {
		log->n++;
		i = log->n - 1;
	}
	memmove(&log->e[i], &log->e[i + 1], (log->n - 1 - i) * sizeof(log->e[0]));
	keep.times++;
	lios_strlcpy(keep.name, name, sizeof(keep.name));
	keep.vendor = vendor;
	keep.product = product;
	lios_strlcpy(keep.why, why, sizeof(keep.why));
	log->e[log->n - 1] = keep;
}

/*
 * usb_refused_port - a port given up, or one whose device could not even be set up: noted
 * under the name a device there has (usb_dev_new), on port of hub (NULL: a root port of
 * hc). Tick context.
 */
void usb_refused_port(struct xhci *hc, const struct usb_dev *hub, unsigned int port,
		      const char *why)
{
	char name[USB_DEV_NAME_SIZE];

	if (hub)
		ksnprintf(name, sizeof(name), "%s.%u", hub->name, port);
	else
		ksnprintf(name, sizeof(name), "%d-%u", hc->index + 1, port);
	usb_refused_note(hc, name, 0, 0, why);
}

/* One device's line, its name padded to name_width, and under a hub one line per port,
 * as the root ports are listed: "    port 2  device 1-5.2". */
static void print_device(const struct usb_dev *d, int name_width)
{
	struct usb_dev_summary s = { d->name,  d->slot, d->speed,
				     &d->desc, &d->cfg, usb_dev_state_name(d) };
	char line[128];

	usb_format_dev_line(line, sizeof(line), name_width, &s);
	printk("%s\n", line);
	for (unsigned int p = 1; p <= usb_hub_port_count(d); p++) {
		const struct usb_dev *child;
		const char *state = usb_hub_port_state(d, p, &child);

		printk("    port %-2u %s%s%s\n", p, state, child ? " " : "",
		       child ? child->name : "");
	}
}

/* The refused record of hc, each entry "  <name> [vvvv:pppp]: <why> [(N times)]". */
static void print_refused(const struct xhci *hc)
{
	const struct usb_refused_log *log = &hc->refused;

	for (unsigned int i = 0; i < log->n; i++) {
		const struct usb_refused *r = &log->e[i];
		char ids[16] = "";
		char times[24] = "";

		if (r->vendor || r->product)
			ksnprintf(ids, sizeof(ids), " %04x:%04x", r->vendor, r->product);
		if (r->times > 1)
			ksnprintf(times, sizeof(times), " (%u times)", r->times);
		printk("  %s%s: %s%s\n", r->name, ids, r->why, times);
	}
	if (log->dropped)
		printk("  (%u older on %s dropped)\n", log->dropped, hc->name);
}

/*
 * usb_list_devices - the `usb` listing's devices: "devices:" and one line per device
 * (usb_format_dev_line), hub ports under their hub; then, when any controller in the list
 * controllers refused something, "refused (most recent last):" and its record. Thread
 * context with interrupts off, or tick context (the tests).
 */
void usb_list_devices(const struct xhci *controllers)
{
	int width = 8;
	bool refused = false;

	/* names padded to the longest, so the columns line up */
	for (const struct usb_dev *d = usb_dev_list(); d; d = d->next)
		width = MAX(width, (int)strlen(d->name));
	printk("devices:\n");
	for (const struct usb_dev *d = usb_dev_list(); d; d = d->next)
		print_device(d, width);
	for (const struct xhci *hc = controllers; hc; hc = hc->next)
		refused |= hc->refused.n > 0;
	if (!refused)
		return;
	printk("refused (most recent last):\n");
	for (const struct xhci *hc = controllers; hc; hc = hc->next)
		print_refused(hc);
}
