// SPDX-License-Identifier: MIT
/*
 * Host tests of peer root buses (pci_scan_segment in src/drivers/pci/pci_config.c) on the
 * simulated configuration space of pci_sim.c: a second host bridge's bus that no bridge
 * leads to (QEMU's pxb, a second socket) is found by probing, once, and walked with its own
 * bridges, in bus order; the empty buses a bridge's subordinate range reserves are not
 * probed; a chipset whose devices answer on every bus number adds nothing; buses probed
 * empty are handed back to the backend (the idle hook), no other. With the root buses
 * known (pci_scan_segment_roots: ACPI named them), no other bus number is read.
 */
#include <string.h>
#include "../../../../src/drivers/pci/pci_internal.h"
#include "../../unit.h"
#include "pci_sim.h"

void pci_delay_us(uint64_t us) { (void)us; }

#define MAX_FOUND 512

struct found_list {
	uint32_t addr[MAX_FOUND];
	unsigned int n;
};

static bool collect(uint32_t addr, void *arg)
{
	struct found_list *l = arg;

	if (l->n < MAX_FOUND)
		l->addr[l->n++] = addr;
	return true;
}

static unsigned int times_listed(const struct found_list *l, uint32_t addr)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < l->n; i++)
		n += l->addr[i] == addr;
	return n;
}

/* Every address in l once. */
static bool all_distinct(const struct found_list *l)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (times_listed(l, l->addr[i]) != 1)
			return false;
	return true;
}

static bool idled(const struct sim *s, uint8_t bus)
{
	return s->idled[bus / 8] & (1u << (bus % 8));
}

static void host_bridge(struct sim *s, uint8_t bus, uint8_t dev)
{
	sim_add(s, bus, dev, 0, 0x8086, 0x1237, PCI_CLASS_BRIDGE, PCI_SUBCLASS_BRIDGE_HOST, 0);
}

static struct sim_fn *xhci(struct sim *s, uint8_t bus, uint8_t dev)
{
	struct sim_fn *f =
		sim_add(s, bus, dev, 0, 0x1b36, 0x000d, PCI_CLASS_SERIAL_BUS, PCI_SUBCLASS_USB, 0);

	sim_w8(f, PCI_PROG_IF, PCI_PROG_IF_XHCI);
	return f;
}

static void bridge(struct sim *s, uint8_t bus, uint8_t dev, uint8_t secondary, uint8_t subordinate)
{
	struct sim_fn *f = sim_add(s, bus, dev, 0, 0x1b36, 0x000c, PCI_CLASS_BRIDGE,
				   PCI_SUBCLASS_BRIDGE_PCI, PCI_HEADER_BRIDGE);

	sim_w8(f, PCI_PRIMARY_BUS, bus);
	sim_w8(f, PCI_SECONDARY_BUS, secondary);
	sim_w8(f, PCI_SUBORDINATE_BUS, subordinate);
}

/* QEMU pc with a pxb (bus_nr=0x10) and a pxb-pcie-like root at 0x20 with a root port to
 * 0x21: bus 0 holds the host bridge, a device and the pxb's own host bridge function; no
 * bridge leads to 0x10 or 0x20. Expected: both found as peer roots, once each, the xHCI at
 * 10:00.0 and the one behind the root port at 21:00.0 listed once, the walk in bus order
 * (0, 0x10, 0x20, 0x21), 4 buses; every other bus of 0-0x3f probed and given back. */
static void test_peer_root_found_once(void)
{
	static struct sim s;
	static struct found_list l;
	struct pci_scan_result res;
	struct pci_cfg_ops ops;
	unsigned int i10 = 0, i20 = 0, i21 = 0;

	sim_ops(&s, &ops);
	host_bridge(&s, 0, 0);
	sim_add(&s, 0, 2, 0, 0x1234, 0x1111, 3, 0, 0);
	sim_add(&s, 0, 4, 0, 0x1b36, 0x0009, PCI_CLASS_BRIDGE, PCI_SUBCLASS_BRIDGE_HOST, 0);
	xhci(&s, 0x10, 0);
	sim_add(&s, 0x10, 1, 0, 0x1af4, 0x1000, 2, 0, 0);
	bridge(&s, 0x20, 0, 0x21, 0x21);
	xhci(&s, 0x21, 0);

	CHECK_EQ(pci_scan_segment(&ops, sim_bus_idle, 0, 0, 0x3f, collect, &l, &res), 4);
	CHECK_EQ(res.buses, 4);
	CHECK_EQ(res.peer_roots, 2);
	CHECK(pci_scan_is_peer(&res, 0x10));
	CHECK(pci_scan_is_peer(&res, 0x20));
	CHECK(!pci_scan_is_peer(&res, 0x21)); /* reached through its bridge, not a root */
	CHECK(!pci_scan_is_peer(&res, 0));
	CHECK_EQ(res.mirrors, 0);
	CHECK_EQ(res.bad_bridges, 0);
	CHECK_EQ(l.n, 7);
	CHECK(all_distinct(&l));
	CHECK_EQ(times_listed(&l, PCI_ADDR(0, 0x10, 0, 0)), 1);
	CHECK_EQ(times_listed(&l, PCI_ADDR(0, 0x21, 0, 0)), 1);
	for (unsigned int i = 0; i < l.n; i++) {
		if (l.addr[i] == PCI_ADDR(0, 0x10, 0, 0))
			i10 = i;
		if (l.addr[i] == PCI_ADDR(0, 0x20, 0, 0))
			i20 = i;
		if (l.addr[i] == PCI_ADDR(0, 0x21, 0, 0))
			i21 = i;
	}
	CHECK(i10 > 0 && i10 < i20 && i20 < i21);
	/* probed and empty: given back; walked: kept */
	CHECK_EQ(s.idle_calls, 0x40 - 4);
	CHECK(idled(&s, 0x11) && idled(&s, 0x3f) && idled(&s, 1));
	CHECK(!idled(&s, 0) && !idled(&s, 0x10) && !idled(&s, 0x20) && !idled(&s, 0x21));
	sim_free(&s);
}

/* The range ends the probing: a peer at 0x30 beyond last (0x2f) is not found; and the
 * old entry point pci_scan still walks only from its root. */
static void test_range_respected(void)
{
	static struct sim s;
	static struct found_list l, l2;
	struct pci_scan_result res;
	struct pci_cfg_ops ops;

	sim_ops(&s, &ops);
	host_bridge(&s, 0, 0);
	xhci(&s, 0x30, 0);
	CHECK_EQ(pci_scan_segment(&ops, sim_bus_idle, 0, 0, 0x2f, collect, &l, &res), 1);
	CHECK_EQ(res.peer_roots, 0);
	CHECK_EQ(l.n, 1);
	CHECK_EQ(s.idle_calls, 0x2f);
	CHECK_EQ(pci_scan(&ops, 0, 0, collect, &l2, NULL), 1);
	CHECK_EQ(l2.n, 1);
	sim_free(&s);
}

/* A bridge at 00:03.0 with secondary 1 and subordinate 8 (firmware reserved 2-8 for
 * hotplug): buses 2-8 belong to it, empty or not, and are not probed; a device left on
 * bus 5 (no bridge on bus 1 leads there) is not made a root. Bus 9, past the range, is
 * probed (and empty: given back); a peer at 0x10 is found. */
static void test_subordinate_range_not_peer(void)
{
	static struct sim s;
	static struct found_list l;
	struct pci_scan_result res;
	struct pci_cfg_ops ops;

	sim_ops(&s, &ops);
	host_bridge(&s, 0, 0);
	bridge(&s, 0, 3, 1, 8);
	sim_add(&s, 1, 0, 0, 0x1af4, 0x1001, 1, 0, 0);
	sim_add(&s, 5, 0, 0, 0x1234, 0x5555, 2, 0, 0);
	xhci(&s, 0x10, 0);

	CHECK_EQ(pci_scan_segment(&ops, sim_bus_idle, 0, 0, 0x1f, collect, &l, &res), 3);
	CHECK_EQ(res.peer_roots, 1);
	CHECK(pci_scan_is_peer(&res, 0x10));
	CHECK(!pci_scan_is_peer(&res, 5));
	CHECK_EQ(times_listed(&l, PCI_ADDR(0, 5, 0, 0)), 0);
	CHECK_EQ(times_listed(&l, PCI_ADDR(0, 0x10, 0, 0)), 1);
	CHECK_EQ(l.n, 4);
	CHECK(all_distinct(&l));
	for (unsigned int b = 1; b <= 8; b++)
		CHECK(!idled(&s, (uint8_t)b)); /* never probed */
	CHECK(idled(&s, 9));
	CHECK_EQ(s.idle_calls, 0x1f - 8 - 1);
	sim_free(&s);
}

/* A chipset that ignores the bus number: every bus reads as bus 0 (a host bridge, a
 * multi-function device, a bridge to bus 1). Nothing is listed twice: bus 0 and bus 1
 * (through the bridge) are walked, the other 254 bus numbers are counted as copies and
 * given back, no peer root. */
static void test_every_bus_answers_the_same(void)
{
	static struct sim s;
	static struct found_list l;
	struct pci_scan_result res;
	struct pci_cfg_ops ops;

	sim_ops(&s, &ops);
	s.mirror_buses = true;
	host_bridge(&s, 0, 0);
	sim_add(&s, 0, 1, 0, 0x8086, 0x7000, PCI_CLASS_BRIDGE, 1, PCI_HEADER_MULTI_FUNCTION);
	sim_add(&s, 0, 1, 1, 0x8086, 0x7010, 1, 1, 0);
	bridge(&s, 0, 3, 1, 1);

	CHECK_EQ(pci_scan_segment(&ops, sim_bus_idle, 0, 0, 0xff, collect, &l, &res), 2);
	CHECK_EQ(res.peer_roots, 0);
	CHECK_EQ(res.mirrors, 254);
	CHECK_EQ(s.idle_calls, 254);
	CHECK_EQ(l.n, 8); /* 4 functions on bus 0, their copies on bus 1 through the bridge */
	CHECK(all_distinct(&l));
	sim_free(&s);
}

/* Only 00:00.0 answers on every bus number (an old host bridge that does not decode the
 * bus), the rest decode it; a real peer root at 0x20 holds that copy too, beside an xHCI.
 * Expected: 0x20 is a peer root (the xHCI is listed once), the other buses are copies, not
 * roots: 2 buses scanned, not 256. */
static struct sim partial;
static struct pci_cfg_ops partial_sim; /* the plain simulation under partial_read */

static uint32_t partial_read(void *ctx, uint32_t addr, uint16_t off, unsigned int width)
{
	if (PCI_ADDR_DEV(addr) == 0 && PCI_ADDR_FN(addr) == 0 &&
	    !partial.fn[PCI_ADDR_BUS(addr)][0][0])
		addr = PCI_ADDR(0, 0, 0, 0);
	return partial_sim.read(ctx, addr, off, width);
}

static void test_one_device_on_every_bus(void)
{
	static struct found_list l;
	struct pci_scan_result res;
	struct pci_cfg_ops ops;

	sim_ops(&partial, &partial_sim);
	ops = partial_sim;
	ops.read = partial_read;
	host_bridge(&partial, 0, 0);
	sim_add(&partial, 0, 2, 0, 0x1234, 0x1111, 3, 0, 0);
	xhci(&partial, 0x20, 3);

	CHECK_EQ(pci_scan_segment(&ops, sim_bus_idle, 0, 0, 0xff, collect, &l, &res), 2);
	CHECK_EQ(res.peer_roots, 1);
	CHECK(pci_scan_is_peer(&res, 0x20));
	CHECK_EQ(res.mirrors, 254);
	CHECK_EQ(times_listed(&l, PCI_ADDR(0, 0x20, 3, 0)), 1);
	CHECK_EQ(l.n, 4); /* 00:00.0, 00:02.0, 20:00.0 (the copy), 20:03.0 */
	CHECK(all_distinct(&l));
	sim_free(&partial);
}

/* found() asking to stop ends the probing as well as the walk. */
static bool stop_at_peer(uint32_t addr, void *arg)
{
	unsigned int *n = arg;

	++*n;
	return PCI_ADDR_BUS(addr) < 0x10;
}

static void test_stop(void)
{
	static struct sim s;
	struct pci_cfg_ops ops;
	unsigned int n = 0;

	sim_ops(&s, &ops);
	host_bridge(&s, 0, 0);
	xhci(&s, 0x10, 0);
	xhci(&s, 0x20, 0);
	pci_scan_segment(&ops, sim_bus_idle, 0, 0, 0xff, stop_at_peer, &n, NULL);
	CHECK_EQ(n, 2);
	CHECK(!idled(&s, 0x11)); /* nothing probed after the stop */
	sim_free(&s);
}

/* Which buses a scan read at all: the simulation behind a recording read. */
static struct sim touched_sim;
static struct pci_cfg_ops touched_ops;
static uint8_t touched[256 / 8];

static uint32_t touched_read(void *ctx, uint32_t addr, uint16_t off, unsigned int width)
{
	touched[PCI_ADDR_BUS(addr) / 8] |= (uint8_t)(1u << (PCI_ADDR_BUS(addr) % 8));
	return touched_ops.read(ctx, addr, off, width);
}

static unsigned int buses_touched(void)
{
	unsigned int n = 0;

	for (unsigned int b = 0; b < 256; b++)
		n += (touched[b / 8] >> (b % 8)) & 1;
	return n;
}

static void mark(uint8_t *map, uint8_t bus) { map[bus / 8] |= (uint8_t)(1u << (bus % 8)); }

/* The layout of test_peer_root_found_once, with the roots given: 0x10, 0x20 and 0x30 (a
 * root ACPI names whose bus holds nothing: a bridge the firmware left off). Expected: the
 * same functions found, 0x10 and 0x20 peer roots, 0x30 probed, empty and given back, and
 * no bus read but 0, the three named roots and 0x21 behind 0x20's bridge. A map without
 * 0x20 leaves it unread and its xHCI unfound: the list is trusted, as it must be to save
 * the probing. */
static void test_roots_known(void)
{
	static struct found_list l, l2;
	uint8_t roots[256 / 8] = { 0 };
	struct pci_scan_result res;
	struct pci_cfg_ops ops;

	sim_ops(&touched_sim, &touched_ops);
	ops = touched_ops;
	ops.read = touched_read;
	host_bridge(&touched_sim, 0, 0);
	sim_add(&touched_sim, 0, 4, 0, 0x1b36, 0x0009, PCI_CLASS_BRIDGE, PCI_SUBCLASS_BRIDGE_HOST,
		0);
	xhci(&touched_sim, 0x10, 0);
	bridge(&touched_sim, 0x20, 0, 0x21, 0x21);
	xhci(&touched_sim, 0x21, 0);
	mark(roots, 0x10);
	mark(roots, 0x20);
	mark(roots, 0x30);

	CHECK_EQ(pci_scan_segment_roots(&ops, sim_bus_idle, 0, 0, 0xff, roots, collect, &l, &res),
		 4);
	CHECK_EQ(res.peer_roots, 2);
	CHECK(pci_scan_is_peer(&res, 0x10) && pci_scan_is_peer(&res, 0x20));
	CHECK(!pci_scan_is_peer(&res, 0x30));
	CHECK_EQ(l.n, 5);
	CHECK(all_distinct(&l));
	CHECK_EQ(times_listed(&l, PCI_ADDR(0, 0x21, 0, 0)), 1);
	CHECK_EQ(buses_touched(), 5);
	CHECK(touched[0x30 / 8] & (1u << (0x30 % 8)));
	CHECK_EQ(touched_sim.idle_calls, 1);
	CHECK(idled(&touched_sim, 0x30));

	memset(touched, 0, sizeof(touched));
	roots[0x20 / 8] = 0;
	CHECK_EQ(pci_scan_segment_roots(&ops, sim_bus_idle, 0, 0, 0xff, roots, collect, &l2, &res),
		 2);
	CHECK_EQ(res.peer_roots, 1);
	CHECK_EQ(l2.n, 3);
	CHECK_EQ(times_listed(&l2, PCI_ADDR(0, 0x21, 0, 0)), 0);
	CHECK_EQ(buses_touched(), 3); /* 0, 0x10, 0x30 */
	sim_free(&touched_sim);
}

int main(void)
{
	RUN(test_peer_root_found_once);
	RUN(test_range_respected);
	RUN(test_subordinate_range_not_peer);
	RUN(test_every_bus_answers_the_same);
	RUN(test_one_device_on_every_bus);
	RUN(test_stop);
	RUN(test_roots_known);
	return unit_summary();
}
