// SPDX-License-Identifier: MIT
/*
 * usb.c's probe of an xHCI behind PCI bridges, reached through usb_init on the simulated
 * machine of usb_probe_harness.h (the real usb.c and pci.c). On real machines the xHCI
 * often sits behind bridges (AMD's internal GPP bridges, a root port or a switch above an
 * add-in card), and firmware built with EDK2's PcdDisableBMEonEBS clears Bus Master Enable
 * at ExitBootServices, on the bridges too: the controller's DMA then stops at the bridge
 * and it halts with Host System Error. The probe turns on, in every bridge above the
 * controller, the memory decode and bus mastering it needs (pci_enable_upstream), before
 * its own, and says so per bridge changed. The simulated controller does not depend on the
 * bridges; what is checked is their command registers and the lines.
 */
#include "usb_probe_harness.h"

#define CMD_SERR (1u << 8)

/* What printk sent at KERN_INFO and above, in order (the harness's sinks keep errors,
 * warnings, or everything unordered against its clears). */
static char info_buf[8192];
static size_t info_len;
static void info_sink(const char *s, size_t len)
{
	if (info_len + len < sizeof(info_buf)) {
		memcpy(info_buf + info_len, s, len);
		info_len += len;
	}
}

static unsigned int count(const char *needle)
{
	unsigned int n = 0;

	for (const char *p = strstr(info_buf, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* A bridge at bus:dev.0 leading to secondary (and nothing below it), its command register
 * as firmware left it. */
static struct sim_fn *add_bridge(uint8_t bus, uint8_t dev, uint8_t secondary, uint16_t command)
{
	struct sim_fn *f = sim_add(&m.pci, bus, dev, 0, 0x8086, 0xa110, PCI_CLASS_BRIDGE,
				   PCI_SUBCLASS_BRIDGE_PCI, PCI_HEADER_BRIDGE);

	sim_w8(f, PCI_PRIMARY_BUS, bus);
	sim_w8(f, PCI_SECONDARY_BUS, secondary);
	sim_w8(f, PCI_SUBORDINATE_BUS, secondary == 1 ? 2 : secondary);
	sim_w16(f, PCI_COMMAND, command);
	return f;
}

/* An xHCI at 02:00.0 below a root port 00:1c.0 (memory decode and SERR on, bus mastering
 * off) and a switch port 01:00.0 (bus mastering on, memory decode off), beside one at
 * 00:03.0 on the root bus. Both come up; the root port gets bus mastering and the switch
 * port memory decode, each keeping what it had, each said once, from the xHCI upwards;
 * nothing is said for the controller on the root bus. */
static void behind_bridges(void)
{
	struct ctl *below = add_xhci(2, 0x1b36, 0x000d, &(struct xhci_sim){ 0 });
	struct ctl *root = add_xhci(3, 0x1b36, 0x000d, &(struct xhci_sim){ 0 });
	const char *lower, *upper;
	struct sim_fn *port = add_bridge(0, 0x1c, 1, PCI_COMMAND_MEMORY | CMD_SERR);
	struct sim_fn *sw = add_bridge(1, 0, 2, PCI_COMMAND_MASTER);

	CHECK(printk_add_sink(info_sink, false) == 0);
	m.pci.fn[2][0][0] = below->fn; /* moved from 00:02.0 (add_xhci's bus) to bus 2 */
	m.pci.fn[0][2][0] = NULL;
	CHECK_EQ(scan(), 2);
	CHECK(listed(below) && listed(root));
	CHECK(sim_logged("usb: xhci 02:00.0 1b36:000d xHCI 1.00"));
	CHECK_EQ(sim_r32(port, PCI_COMMAND) & 0xffff,
		 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | CMD_SERR);
	CHECK_EQ(sim_r32(sw, PCI_COMMAND) & 0xffff, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	lower = strstr(info_buf, "pci: 01:00.0: bridge had memory decode off: turned on "
				 "(for 02:00.0)\n");
	upper = strstr(info_buf, "pci: 00:1c.0: bridge had bus mastering off: turned on "
				 "(for 02:00.0)\n");
	CHECK(lower && upper && lower < upper);
	CHECK_EQ(count("bridge had"), 2u);
	CHECK_EQ(count("(for 00:03.0)"), 0u);
	CHECK(command(below) & PCI_COMMAND_MASTER);
}

int main(void)
{
	logs_start();
	RUN(behind_bridges);
	sim_free(&m.pci);
	return unit_summary();
}
