// SPDX-License-Identifier: MIT
/*
 * Host test of the bridges above a function (src/drivers/pci/pci.c, compiled into this
 * program, over simulated ports as in test_pci_kernel): the parent pci_init gives each
 * function, and pci_enable_upstream turning on decoding and bus mastering in the bridges
 * between a function and its root bus, as a real machine needs when firmware left a bridge
 * with Bus Master Enable off (EDK2's PcdDisableBMEonEBS) and the xHCI behind it stopped with
 * Host System Error.
 *
 * The machine, walked once (pci_init runs once per process); command registers as firmware
 * left them:
 *
 *   bus 0     00:00.0 host bridge
 *             00:01.0 bridge -> bus 1 (1-2)   I/O, memory, parity, SERR; bus mastering off
 *             00:02.0 NIC on the root bus
 *             00:03.0 bridge -> bus 3         memory, bus mastering: already fine
 *             00:04.0 bridge -> bus 4, 00:04.1 bridge -> bus 5 (one multi-function device),
 *                                             both with everything off
 *             00:06.0 bridge -> bus 6         everything off, the register locked
 *   bus 1     01:00.0 bridge -> bus 2         bus mastering, SERR; memory decode off
 *             01:01.0 bridge -> bus 1 (its own bus), 01:02.0 -> bus 3 (already reached
 *             through 00:03.0), 01:03.0 -> bus 0 (below its own): all three refused
 *   bus 2     02:00.0 xHCI
 *   bus 3-6   one function each
 *   bus 0x10  a peer root bus (no bridge leads to it): 10:00.0 bridge -> bus 0x11, all off
 *   bus 0x11  11:00.0
 */
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/pci.h>
#include <lios/printk.h>
#include <stdlib.h>
#include "../../unit.h"
#include "log_capture.h"
#include "pci_sim.h"
#include "sim_mm.h"

#define CMD_PARITY (1u << 6) /* Parity Error Response: a bit the bridge code never names */
#define CMD_SERR (1u << 8)
#define DMA (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)

static struct sim sim;
static struct pci_cfg_ops sim_cfg;

static struct sim_fn *bridge(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t header,
			     uint8_t secondary, uint8_t subordinate, uint16_t command)
{
	struct sim_fn *f = sim_add(&sim, bus, dev, fn, 0x1022, 0x1483, PCI_CLASS_BRIDGE,
				   PCI_SUBCLASS_BRIDGE_PCI, header);

	sim_w8(f, PCI_PRIMARY_BUS, bus);
	sim_w8(f, PCI_SECONDARY_BUS, secondary);
	sim_w8(f, PCI_SUBORDINATE_BUS, subordinate);
	sim_w16(f, PCI_COMMAND, command);
	return f;
}

static void leaf(uint8_t bus, uint8_t class_code, uint8_t subclass, uint8_t prog_if)
{
	struct sim_fn *f = sim_add(&sim, bus, 0, 0, 0x1234, 0x1111, class_code, subclass, 0);

	sim_w8(f, PCI_PROG_IF, prog_if);
}

static void build_machine(void)
{
	struct sim_fn *locked;

	sim_add(&sim, 0, 0, 0, 0x8086, 0x29c0, PCI_CLASS_BRIDGE, PCI_SUBCLASS_BRIDGE_HOST, 0);
	bridge(0, 1, 0, PCI_HEADER_BRIDGE, 1, 2,
	       PCI_COMMAND_IO | PCI_COMMAND_MEMORY | CMD_PARITY | CMD_SERR);
	sim_add(&sim, 0, 2, 0, 0x8086, 0x10d3, 0x02, 0x00, 0);
	bridge(0, 3, 0, PCI_HEADER_BRIDGE, 3, 3, DMA);
	bridge(0, 4, 0, PCI_HEADER_BRIDGE | PCI_HEADER_MULTI_FUNCTION, 4, 4, 0);
	bridge(0, 4, 1, PCI_HEADER_BRIDGE, 5, 5, 0);
	locked = bridge(0, 6, 0, PCI_HEADER_BRIDGE, 6, 6, 0);
	locked->ro_lo = PCI_COMMAND;
	locked->ro_hi = PCI_COMMAND + 2;
	bridge(1, 0, 0, PCI_HEADER_BRIDGE, 2, 2, PCI_COMMAND_MASTER | CMD_SERR);
	bridge(1, 1, 0, PCI_HEADER_BRIDGE, 1, 1, 0);
	bridge(1, 2, 0, PCI_HEADER_BRIDGE, 3, 3, 0);
	bridge(1, 3, 0, PCI_HEADER_BRIDGE, 0, 0, 0);
	leaf(2, PCI_CLASS_SERIAL_BUS, PCI_SUBCLASS_USB, PCI_PROG_IF_XHCI);
	for (uint8_t bus = 3; bus <= 6; bus++)
		leaf(bus, 0x01, 0x08, 0x02);
	bridge(0x10, 0, 0, PCI_HEADER_BRIDGE, 0x11, 0x11, 0);
	leaf(0x11, 0x01, 0x08, 0x02);
}

static struct pci_dev *fn(uint8_t bus, uint8_t dev, uint8_t f)
{
	struct pci_dev *d = pci_get(0, bus, dev, f);

	if (!d) {
		fprintf(stderr, "  %02x:%02x.%u not listed\n", bus, dev, f);
		abort();
	}
	return d;
}

static uint16_t command(uint8_t bus, uint8_t dev, uint8_t f)
{
	const struct sim_fn *s = sim.fn[bus][dev][f];

	return (uint16_t)(s->cfg[PCI_COMMAND] | s->cfg[PCI_COMMAND + 1] << 8);
}

/* The walk: every function on bus 0 and on the peer root bus 0x10 has no parent; each other
 * has the bridge the walk went through, the multi-function bridge's function 1 for bus 5;
 * the three refused bridges are nobody's parent (bus 1 keeps 00:01.0, bus 3 keeps
 * 00:03.0), and the walk counted them. */
static void parents_after_walk(void)
{
	for (const struct pci_dev *d = pci_next(NULL); d; d = pci_next(d))
		if (PCI_ADDR_BUS(d->addr) == 0 || PCI_ADDR_BUS(d->addr) == 0x10)
			CHECK(d->parent == NULL);
	CHECK_EQ(pci_count(), 18u);
	CHECK(fn(1, 0, 0)->parent == fn(0, 1, 0));
	CHECK(fn(1, 1, 0)->parent == fn(0, 1, 0));
	CHECK(fn(1, 2, 0)->parent == fn(0, 1, 0));
	CHECK(fn(1, 3, 0)->parent == fn(0, 1, 0));
	CHECK(fn(2, 0, 0)->parent == fn(1, 0, 0));
	CHECK(fn(3, 0, 0)->parent == fn(0, 3, 0));
	CHECK(fn(4, 0, 0)->parent == fn(0, 4, 0));
	CHECK(fn(5, 0, 0)->parent == fn(0, 4, 1));
	CHECK(fn(6, 0, 0)->parent == fn(0, 6, 0));
	CHECK(fn(0x11, 0, 0)->parent == fn(0x10, 0, 0));
	CHECK(log_captured(
		"pci: 3 bridge(s) with a secondary bus already seen or below their own: skipped\n"));
	CHECK(log_captured("pci: 18 functions on 9 buses (ports)\n"));
}

/* A function on the root bus: no bridge above it, nothing read or written, no line, 0. */
static void root_bus_untouched(void)
{
	unsigned int reads = sim.reads, writes = sim.writes;

	log_capture_clear();
	CHECK_EQ(pci_enable_upstream(fn(0, 2, 0), DMA | PCI_COMMAND_IO), 0);
	CHECK_EQ(sim.reads, reads);
	CHECK_EQ(sim.writes, writes);
	CHECK_STR_EQ(log_capture_buf, "");
}

/* Behind a bridge that already decodes memory and masters: it is read, not written; no
 * line, 0. */
static void fine_bridge_not_written(void)
{
	unsigned int writes = sim.writes;

	log_capture_clear();
	CHECK_EQ(pci_enable_upstream(fn(3, 0, 0), DMA), 0);
	CHECK_EQ(sim.writes, writes);
	CHECK_EQ(command(0, 3, 0), DMA);
	CHECK_STR_EQ(log_capture_buf, "");
}

/* The xHCI behind two bridges: the lower one (memory decode off) and the upper one (bus
 * mastering off) each get what they lacked, in one write each, every bit they had kept
 * (I/O, parity, SERR), INTx Disable not passed on; one line each, from the xHCI upwards.
 * The xHCI itself is the caller's: untouched. Asked again: nothing to do. */
static void two_bridges_fixed(void)
{
	unsigned int writes = sim.writes;

	log_capture_clear();
	CHECK_EQ(pci_enable_upstream(fn(2, 0, 0), DMA | PCI_COMMAND_INTX_DISABLE), 0);
	CHECK_EQ(sim.writes - writes, 2u);
	CHECK_EQ(command(1, 0, 0), PCI_COMMAND_MASTER | CMD_SERR | PCI_COMMAND_MEMORY);
	CHECK_EQ(command(0, 1, 0),
		 PCI_COMMAND_IO | PCI_COMMAND_MEMORY | CMD_PARITY | CMD_SERR | PCI_COMMAND_MASTER);
	CHECK_EQ(command(2, 0, 0), 0);
	CHECK_STR_EQ(log_capture_buf,
		     "pci: 01:00.0: bridge had memory decode off: turned on (for 02:00.0)\n"
		     "pci: 00:01.0: bridge had bus mastering off: turned on (for 02:00.0)\n");
	writes = sim.writes;
	log_capture_clear();
	CHECK_EQ(pci_enable_upstream(fn(2, 0, 0), DMA), 0);
	CHECK_EQ(sim.writes, writes);
	CHECK_STR_EQ(log_capture_buf, "");
}

/* Function 1 of the multi-function bridge is the one above bus 5: it gets bus mastering,
 * its sibling function 0 (above bus 4) stays as it was. */
static void multi_function_parent(void)
{
	log_capture_clear();
	CHECK_EQ(pci_enable_upstream(fn(5, 0, 0), PCI_COMMAND_MASTER), 0);
	CHECK_EQ(command(0, 4, 1), PCI_COMMAND_MASTER);
	CHECK_EQ(command(0, 4, 0), 0);
	CHECK_STR_EQ(log_capture_buf,
		     "pci: 00:04.1: bridge had bus mastering off: turned on (for 05:00.0)\n");
}

/* Behind the peer root bus's bridge, all three bits asked for and missing: named in one
 * line. */
static void three_bits_one_line(void)
{
	log_capture_clear();
	CHECK_EQ(pci_enable_upstream(fn(0x11, 0, 0), DMA | PCI_COMMAND_IO), 0);
	CHECK_EQ(command(0x10, 0, 0), DMA | PCI_COMMAND_IO);
	CHECK_STR_EQ(log_capture_buf, "pci: 10:00.0: bridge had I/O decode, memory decode and bus "
				      "mastering off: turned on (for 11:00.0)\n");
}

/* A bridge whose command register ignores writes: the bits it kept off are said, -EIO. */
static void locked_bridge_said(void)
{
	log_capture_clear();
	CHECK_EQ(pci_enable_upstream(fn(6, 0, 0), DMA), -EIO);
	CHECK_EQ(command(0, 6, 0), 0);
	CHECK_STR_EQ(
		log_capture_buf,
		"pci: 00:06.0: bridge had memory decode and bus mastering off: memory decode and "
		"bus mastering would not turn on (for 06:00.0)\n");
}

int main(void)
{
	int status;

	sim_mm_setup(MiB(32), MiB(64));
	CHECK(heap_init() == 0);
	CHECK(printk_add_sink(log_capture_sink, false) == 0);
	sim_ops(&sim, &sim_cfg);
	sim_ports_attach(&sim_cfg);
	build_machine();
	CHECK(pci_init(NULL, 0, NULL, 0) == 0);
	RUN(parents_after_walk);
	RUN(root_bus_untouched);
	RUN(fine_bridge_not_written);
	RUN(two_bridges_fixed);
	RUN(multi_function_parent);
	RUN(three_bits_one_line);
	RUN(locked_bridge_said);
	status = unit_summary();
	if (unit_failures && !status)
		status = 1; /* a check outside the cases failed */
	printk_remove_sink(log_capture_sink);
	sim_free(&sim);
	return status;
}
