// SPDX-License-Identifier: MIT
/*
 * Host tests of the PCI walker and decoders (src/drivers/pci/pci_config.c, pci_cap.c)
 * against the simulated configuration space of pci_sim.c: absent functions, multi-function
 * devices, a device that mirrors function 0, bridges (also looping or pointing backwards),
 * BAR decoding and sizing (32/64-bit, I/O, prefetchable, above 4 GiB; host bridges with
 * their decoding left on), capability lists
 * that loop or point outside, D3hot -> D0 with a reset, MSI and MSI-X programming.
 */
#include <stdlib.h>
#include <string.h>
#include <lios/errno.h>
#include "../../../../src/drivers/pci/pci_internal.h"
#include "../../unit.h"
#include "pci_sim.h"

static uint64_t delayed_us;
void pci_delay_us(uint64_t us) { delayed_us += us; }

struct found_list {
	uint32_t addr[64];
	unsigned int n;
};

static bool collect(uint32_t addr, void *arg)
{
	struct found_list *l = arg;

	if (l->n < 64)
		l->addr[l->n++] = addr;
	return true;
}

static bool listed(const struct found_list *l, uint32_t addr)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (l->addr[i] == addr)
			return true;
	return false;
}

static void bridge(struct sim *s, uint8_t bus, uint8_t dev, uint8_t secondary)
{
	struct sim_fn *f = sim_add(s, bus, dev, 0, 0x1b36, 0x0001, PCI_CLASS_BRIDGE, PCI_SUBCLASS_BRIDGE_PCI,
				   PCI_HEADER_BRIDGE);
	sim_w8(f, PCI_PRIMARY_BUS, bus);
	sim_w8(f, PCI_SECONDARY_BUS, secondary);
	sim_w8(f, PCI_SUBORDINATE_BUS, secondary);
}

static void test_topology(void)
{
	static struct sim s;
	struct pci_cfg_ops ops;
	struct found_list l = { 0 };
	unsigned int bad = 99, buses;

	sim_ops(&s, &ops);
	sim_add(&s, 0, 0, 0, 0x8086, 0x1237, PCI_CLASS_BRIDGE, PCI_SUBCLASS_BRIDGE_HOST, 0);
	/* multi-function: 0, 1 and 3 present, 2 absent */
	sim_add(&s, 0, 1, 0, 0x8086, 0x7000, PCI_CLASS_BRIDGE, 1, PCI_HEADER_MULTI_FUNCTION);
	sim_add(&s, 0, 1, 1, 0x8086, 0x7010, 1, 1, 0);
	sim_add(&s, 0, 1, 3, 0x8086, 0x7113, 6, 0x80, 0);
	/* single-function device that answers on every function number */
	sim_add(&s, 0, 2, 0, 0x1234, 0x1111, 3, 0, 0)->mirror = true;
	bridge(&s, 0, 3, 1);
	bridge(&s, 1, 0, 2);
	bridge(&s, 1, 1, 0);   /* secondary 0: refused */
	bridge(&s, 2, 4, 1);   /* back to bus 1: a loop, refused */
	bridge(&s, 0, 6, 2);   /* a second bridge to bus 2: refused */
	sim_add(&s, 2, 5, 0, 0x1b36, 0x000d, PCI_CLASS_SERIAL_BUS, PCI_SUBCLASS_USB, 0);
	sim_add(&s, 5, 0, 0, 0x1234, 0x5555, 2, 0, 0); /* no bridge leads here */

	buses = pci_scan(&ops, 0, 0, collect, &l, &bad);
	CHECK_EQ(buses, 3);
	CHECK_EQ(bad, 3);
	CHECK_EQ(l.n, 11);
	CHECK(listed(&l, PCI_ADDR(0, 0, 1, 3)));
	CHECK(!listed(&l, PCI_ADDR(0, 0, 1, 2)));
	CHECK(!listed(&l, PCI_ADDR(0, 0, 2, 1)));
	CHECK(listed(&l, PCI_ADDR(0, 2, 5, 0)));
	CHECK(!listed(&l, PCI_ADDR(0, 5, 0, 0)));
	sim_free(&s);
}

/* A bridge chain that would be 256 buses deep with every bridge also pointing back: ends. */
struct bus_count {
	unsigned int functions;
	uint8_t seen[256];
};

static bool count_buses(uint32_t addr, void *arg)
{
	struct bus_count *c = arg;

	c->functions++;
	c->seen[PCI_ADDR_BUS(addr)] = 1;
	return true;
}

static uint32_t all_bridges_read(void *ctx, uint32_t addr, uint16_t off, unsigned int width)
{
	uint8_t bus = PCI_ADDR_BUS(addr);
	uint32_t dword;

	(void)ctx;
	switch (off & ~3u) {
	case 0x00: dword = 0x00011b36; break;
	case 0x08: dword = 0x06040000; break;
	case 0x0c: dword = 0x00810000; break; /* bridge, multi-function */
	case 0x18: dword = (uint32_t)(uint8_t)(bus + 1 + PCI_ADDR_DEV(addr)) << 8 | bus; break;
	default: dword = 0;
	}
	return (dword >> (8 * (off & 3))) & (0xffffffffu >> (32 - 8 * width));
}

static void nop_write(void *ctx, uint32_t addr, uint16_t off, unsigned int width, uint32_t v)
{
	(void)ctx, (void)addr, (void)off, (void)width, (void)v;
}

static void test_every_bus_once(void)
{
	struct pci_cfg_ops ops = { all_bridges_read, nop_write, NULL };
	static struct bus_count c;
	unsigned int bad = 0, distinct = 0;

	CHECK_EQ(pci_scan(&ops, 0, 0, count_buses, &c, &bad), 256);
	CHECK_EQ(c.functions, 256 * 256);
	for (unsigned int b = 0; b < 256; b++)
		distinct += c.seen[b];
	CHECK_EQ(distinct, 256);
}

static void test_bar_size(void)
{
	CHECK_EQ(pci_bar_size(0xfffff000, 0, false, false), 0x1000);
	CHECK_EQ(pci_bar_size(0xffffffe1, 0, true, false), 0x20);
	CHECK_EQ(pci_bar_size(0x0000ffe1, 0, true, false), 0x20); /* 16-bit I/O decoder */
	CHECK_EQ(pci_bar_size(0x0000000c, 0xffffff00, false, true), 1ull << 40);
	CHECK_EQ(pci_bar_size(0xffffc00c, 0xffffffff, false, true), 0x4000);
	CHECK_EQ(pci_bar_size(0x5a5a0000, 0, false, false), 0x20000); /* garbage: lowest bit */
	CHECK_EQ(pci_bar_size(0, 0, false, false), 0);
	CHECK_EQ(pci_bar_size(0xf, 0, false, false), 0);
}

static void test_bars(void)
{
	static struct sim s;
	struct pci_cfg_ops ops;
	struct pci_dev d;
	struct sim_fn *f;

	sim_ops(&s, &ops);
	f = sim_add(&s, 0, 4, 0, 0x1b36, 0x000d, PCI_CLASS_SERIAL_BUS, PCI_SUBCLASS_USB, 0);
	sim_w8(f, PCI_PROG_IF, PCI_PROG_IF_XHCI);
	sim_w8(f, PCI_INTERRUPT_LINE, 11);
	sim_w8(f, PCI_INTERRUPT_PIN, 1);
	sim_w16(f, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	sim_bar(f, 0, 0xfebf0000, 0x4000);
	sim_bar64(f, 1, 0x800000000ull | 0xc, 0x10000); /* prefetchable, above 4 GiB */
	sim_bar(f, 3, 0xc001, 0x20);
	/* BAR 4 unimplemented; BAR 5 a 64-bit BAR in the last slot */
	sim_w32(f, PCI_BAR0 + 20, 0x4);
	f->bar_mask[5] = 0xfffff000;

	pci_dev_probe(&d, &ops, PCI_ADDR(0, 0, 4, 0));
	CHECK_EQ(d.vendor, 0x1b36);
	CHECK_EQ(d.prog_if, PCI_PROG_IF_XHCI);
	CHECK_EQ(d.irq_line, 11);
	CHECK_EQ(d.irq_pin, 1);
	CHECK_EQ(d.msi_vector, -1);
	CHECK_EQ(d.bar[0].addr, 0xfebf0000);
	CHECK_EQ(d.bar[0].size, 0x4000);
	CHECK_EQ(d.bar[0].flags, 0);
	CHECK_EQ(d.bar[1].addr, 0x800000000ull);
	CHECK_EQ(d.bar[1].size, 0x10000);
	CHECK_EQ(d.bar[1].flags, PCI_BAR_MEM64 | PCI_BAR_PREFETCH);
	CHECK_EQ(d.bar[2].flags, PCI_BAR_UPPER);
	CHECK_EQ(d.bar[3].addr, 0xc000);
	CHECK_EQ(d.bar[3].size, 0x20);
	CHECK_EQ(d.bar[3].flags, PCI_BAR_IO);
	CHECK_EQ(d.bar[4].size, 0);
	CHECK_EQ(d.bar[5].size, 0);
	/* sizing left the BARs and the command register as they were */
	CHECK_EQ(sim_r32(f, PCI_BAR0), 0xfebf0000);
	CHECK_EQ(sim_r32(f, PCI_BAR0 + 8), 0x8);
	CHECK_EQ(sim_r32(f, PCI_BAR0 + 12), 0xc001);
	CHECK_EQ(pci_read16(&d, PCI_COMMAND), PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	CHECK_EQ(pci_command(&d, PCI_COMMAND_MASTER, PCI_COMMAND_IO), PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	/* misaligned or out-of-range access */
	CHECK_EQ(pci_read32(&d, 2), 0xffffffffu);
	CHECK_EQ(pci_read16(&d, PCI_CFG_SIZE), 0xffff);
	CHECK(pci_bar(&d, PCI_BARS) == NULL);
	sim_free(&s);
}

/* A BAR that reads all ones, and one whose sizing reads back all ones, are no BARs: no
 * working register reads so (an I/O BAR's bit 1 and a memory BAR's bit 0 are reserved 0,
 * PCI 3.0 6.2.5.1), a function that stopped answering or a register that keeps whatever
 * is written does. Both are left unimplemented (size 0, no flags), not an I/O BAR of 4
 * bytes at 0xfffffffc or a 16-byte memory BAR, which a driver would go on to use (the
 * PCI UART finder takes the first I/O BAR it sees). A sound I/O BAR beside them is still
 * sized, and every BAR and the command register end as they were. */
static void test_bars_reading_all_ones(void)
{
	static struct sim s;
	struct pci_cfg_ops ops;
	struct pci_dev d;
	struct sim_fn *f;

	sim_ops(&s, &ops);
	f = sim_add(&s, 0, 5, 0, 0x1b36, 0x0002, 0x07, 0x00, 0); /* a serial controller */
	sim_w16(f, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	sim_w32(f, PCI_BAR0, 0xffffffffu); /* read-only: reads all ones, keeps nothing */
	sim_w32(f, PCI_BAR0 + 4, 0xfebf0000u);
	f->bar_mask[1] = 0xffffffffu; /* keeps every bit written: sizing reads all ones */
	sim_bar(f, 2, 0xc001, 0x20);
	/* a 64-bit BAR whose low dword keeps every bit: no size, whatever its upper half says */
	sim_bar64(f, 3, 0x800000000ull | 0xc, 0x10000000000ull);
	f->bar_mask[3] = 0xffffffffu;

	pci_dev_probe(&d, &ops, PCI_ADDR(0, 0, 5, 0));
	CHECK_EQ(d.bar[0].size, 0);
	CHECK_EQ(d.bar[0].flags, 0);
	CHECK_EQ(d.bar[0].addr, 0);
	CHECK_EQ(d.bar[1].size, 0);
	CHECK_EQ(d.bar[1].flags, 0);
	CHECK_EQ(d.bar[1].addr, 0);
	CHECK_EQ(d.bar[2].addr, 0xc000);
	CHECK_EQ(d.bar[2].size, 0x20);
	CHECK_EQ(d.bar[2].flags, PCI_BAR_IO);
	CHECK_EQ(d.bar[3].size, 0);
	CHECK_EQ(d.bar[3].flags, 0);
	CHECK_EQ(d.bar[4].flags, PCI_BAR_UPPER);
	CHECK_EQ(sim_r32(f, PCI_BAR0), 0xffffffffu);
	CHECK_EQ(sim_r32(f, PCI_BAR0 + 4), 0xfebf0000u);
	CHECK_EQ(sim_r32(f, PCI_BAR0 + 8), 0xc001);
	CHECK_EQ(sim_r32(f, PCI_BAR0 + 12), 0xc);
	CHECK_EQ(sim_r32(f, PCI_BAR0 + 16), 0x8);
	CHECK_EQ(pci_read16(&d, PCI_COMMAND), PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	sim_free(&s);
}

/* A function with a header type PCI does not define (5): listed with its IDs, but nothing
 * of its header is taken for a BAR: no size, not a single write (it was sized as a
 * CardBus bridge's BAR0, all ones written over whatever register sits there). */
static void test_unknown_header_type_not_sized(void)
{
	static struct sim s;
	struct pci_cfg_ops ops;
	struct pci_dev d;
	struct sim_fn *f;
	unsigned int writes;

	sim_ops(&s, &ops);
	f = sim_add(&s, 0, 6, 0, 0x1b36, 0x00ff, 0xff, 0x00, 0x05);
	sim_bar(f, 0, 0xfebf0000u, 0x1000);
	writes = s.writes;
	pci_dev_probe(&d, &ops, PCI_ADDR(0, 0, 6, 0));
	CHECK_EQ(d.vendor, 0x1b36);
	CHECK_EQ(d.header_type, 5);
	for (int i = 0; i < 6; i++)
		CHECK_EQ(d.bar[i].size, 0);
	CHECK_EQ(s.writes, writes);
	CHECK_EQ(sim_r32(f, PCI_BAR0), 0xfebf0000u);
	sim_free(&s);
}

/* BAR sizing on a host bridge (class 06/00) with a memory BAR and decoding on: the BAR is
 * sized and left as it was, and memory and I/O decoding are never turned off (on some
 * chipsets that cuts the CPU off from memory). A USB controller beside it still has its
 * decoding turned off once while its BARs are sized, and back on. */
static void test_host_bridge_decoding_kept(void)
{
	static struct sim s;
	struct pci_cfg_ops ops;
	struct pci_dev d;
	struct sim_fn *host, *usb;

	sim_ops(&s, &ops);
	host = sim_add(&s, 0, 0, 0, 0x8086, 0x29c0, PCI_CLASS_BRIDGE, PCI_SUBCLASS_BRIDGE_HOST, 0);
	sim_w16(host, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_IO | PCI_COMMAND_MASTER);
	sim_bar(host, 0, 0xe0000000, 0x10000000);
	usb = sim_add(&s, 0, 4, 0, 0x1b36, 0x000d, PCI_CLASS_SERIAL_BUS, PCI_SUBCLASS_USB, 0);
	sim_w16(usb, PCI_COMMAND, PCI_COMMAND_MEMORY);
	sim_bar(usb, 0, 0xfebf0000, 0x4000);

	pci_dev_probe(&d, &ops, PCI_ADDR(0, 0, 0, 0));
	CHECK_EQ(host->decode_offs, 0);
	CHECK_EQ(d.bar[0].addr, 0xe0000000);
	CHECK_EQ(d.bar[0].size, 0x10000000);
	CHECK_EQ(sim_r32(host, PCI_BAR0), 0xe0000000);
	CHECK_EQ(pci_read16(&d, PCI_COMMAND), PCI_COMMAND_MEMORY | PCI_COMMAND_IO | PCI_COMMAND_MASTER);

	pci_dev_probe(&d, &ops, PCI_ADDR(0, 0, 4, 0));
	CHECK_EQ(usb->decode_offs, 1);
	CHECK_EQ(d.bar[0].size, 0x4000);
	CHECK_EQ(pci_read16(&d, PCI_COMMAND), PCI_COMMAND_MEMORY);
	sim_free(&s);
}

/* Builds a capability chain at the given offsets with the given IDs; next of the last is
 * 'last_next'. */
static void chain(struct sim_fn *f, const uint8_t *offs, const uint8_t *ids, unsigned int n, uint8_t last_next)
{
	sim_w16(f, PCI_STATUS, PCI_STATUS_CAP_LIST);
	sim_w8(f, PCI_CAP_PTR, offs[0]);
	for (unsigned int i = 0; i < n; i++) {
		sim_w8(f, offs[i], ids[i]);
		sim_w8(f, (uint16_t)(offs[i] + 1), i + 1 < n ? offs[i + 1] : last_next);
	}
}

static void test_caps(void)
{
	static struct sim s;
	struct pci_cfg_ops ops;
	struct pci_dev d;
	struct sim_fn *f;
	const uint8_t offs[] = { 0x50, 0x70, 0x90 }, ids[] = { PCI_CAP_ID_PM, PCI_CAP_ID_MSI, PCI_CAP_ID_MSIX };
	const uint8_t loop_offs[] = { 0x40, 0x48 }, loop_ids[] = { 0x09, 0x09 };
	uint8_t long_offs[PCI_CAP_MAX], long_ids[PCI_CAP_MAX];

	sim_ops(&s, &ops);
	f = sim_add(&s, 0, 1, 0, 0x1234, 1, 2, 0, 0);
	pci_dev_probe(&d, &ops, PCI_ADDR(0, 0, 1, 0));
	CHECK_EQ(pci_find_cap(&d, PCI_CAP_ID_PM), 0); /* no list bit */

	chain(f, offs, ids, 3, 0);
	CHECK_EQ(pci_find_cap(&d, PCI_CAP_ID_PM), 0x50);
	CHECK_EQ(pci_find_cap(&d, PCI_CAP_ID_MSI), 0x70);
	CHECK_EQ(pci_find_cap(&d, PCI_CAP_ID_MSIX), 0x90);
	CHECK_EQ(pci_find_cap(&d, PCI_CAP_ID_EXP), 0);
	CHECK_EQ(pci_find_next_cap(&d, 0x70, PCI_CAP_ID_MSI), 0);

	chain(f, offs, ids, 3, 0x20); /* last points into the header */
	CHECK_EQ(pci_find_cap(&d, PCI_CAP_ID_EXP), 0);
	CHECK_EQ(pci_find_cap(&d, PCI_CAP_ID_MSIX), 0x90);
	sim_w8(f, PCI_CAP_PTR, 0x3c); /* the head itself outside */
	CHECK_EQ(pci_find_cap(&d, PCI_CAP_ID_PM), 0);

	chain(f, loop_offs, loop_ids, 2, 0x40); /* 0x40 -> 0x48 -> 0x40 ... */
	CHECK_EQ(pci_find_cap(&d, PCI_CAP_ID_PM), 0);
	CHECK_EQ(pci_find_cap(&d, 0x09), 0x40);
	CHECK_EQ(pci_find_next_cap(&d, 0x40, 0x09), 0x48);
	CHECK_EQ(pci_find_next_cap(&d, 0x48, 0x09), 0);
	sim_w8(f, 0x49, 0x4b); /* low bits reserved: 0x4b means 0x48, itself */
	CHECK_EQ(pci_find_next_cap(&d, 0x48, 0x09), 0);

	/* the longest valid list: 48 capabilities, every dword of 0x40-0xfc */
	for (unsigned int i = 0; i < PCI_CAP_MAX; i++) {
		long_offs[i] = (uint8_t)(0xfc - 4 * i);
		long_ids[i] = i == PCI_CAP_MAX - 1 ? PCI_CAP_ID_MSIX : 0x09;
	}
	chain(f, long_offs, long_ids, PCI_CAP_MAX, 0);
	CHECK_EQ(pci_find_cap(&d, PCI_CAP_ID_MSIX), 0x40);
	sim_free(&s);
}

/* D0 from D3hot (with the reset some functions do), D3hot before a reboot or power-off, a
 * state that does not change, and no PM capability at all. */
static void test_power_states(void)
{
	static struct sim s;
	struct pci_cfg_ops ops;
	struct pci_dev d;
	struct sim_fn *f;
	const uint8_t offs[] = { 0x40 }, ids[] = { PCI_CAP_ID_PM };

	sim_ops(&s, &ops);
	f = sim_add(&s, 0, 1, 0, 0x1234, 1, 2, 0, 0);
	sim_bar(f, 0, 0xfe000000, 0x1000);
	sim_w16(f, PCI_COMMAND, PCI_COMMAND_MEMORY);
	sim_w8(f, PCI_INTERRUPT_LINE, 10);
	pci_dev_probe(&d, &ops, PCI_ADDR(0, 0, 1, 0));
	CHECK_EQ(pci_set_d0(&d), 0); /* no PM capability: always D0 */
	CHECK_EQ(pci_set_d3hot(&d), -ENODEV);

	chain(f, offs, ids, 1, 0);
	f->pm_cap = 0x40;
	f->pm_resets = true;
	sim_w16(f, 0x44, PCI_PM_STATE_D3HOT | PCI_PM_CTRL_PME_STATUS);
	delayed_us = 0;
	CHECK_EQ(pci_set_d0(&d), 0);
	CHECK_EQ(delayed_us, PCI_PM_D3_DELAY_MS * 1000);
	CHECK_EQ(f->cfg[0x44] & 3, 0);
	CHECK(!(f->cfg[0x45] & 0x80)); /* PME_Status (write 1 to clear) written as 0 */
	CHECK_EQ(sim_r32(f, PCI_BAR0), 0xfe000000); /* restored after the reset */
	CHECK_EQ(pci_read16(&d, PCI_COMMAND), PCI_COMMAND_MEMORY);
	CHECK_EQ(f->cfg[PCI_INTERRUPT_LINE], 10);

	delayed_us = 0;
	CHECK_EQ(pci_set_d0(&d), 0); /* already D0: no wait */
	CHECK_EQ(delayed_us, 0);

	/* D3hot before a reboot or power-off: the state set, the 10 ms waited, PME_En kept,
	 * PME_Status (RW1C) not written 1 */
	f->pm_resets = false;
	sim_w16(f, 0x44, PCI_PM_CTRL_PME_STATUS | 0x0100);
	CHECK_EQ(pci_set_d3hot(&d), 0);
	CHECK_EQ(f->cfg[0x44] & 3, PCI_PM_STATE_D3HOT);
	CHECK_EQ(f->cfg[0x45], 0x01);
	CHECK_EQ(delayed_us, PCI_PM_D3_DELAY_MS * 1000);

	f->pm_stuck = true;
	CHECK_EQ(pci_set_d0(&d), -EIO);
	sim_w16(f, 0x44, PCI_PM_STATE_D0);
	CHECK_EQ(pci_set_d3hot(&d), -EIO);
	sim_free(&s);
}

static void test_msi(void)
{
	static struct sim s;
	struct pci_cfg_ops ops;
	struct pci_dev d;
	struct sim_fn *f;
	const uint8_t offs[] = { 0x50 }, ids[] = { PCI_CAP_ID_MSI };

	sim_ops(&s, &ops);
	f = sim_add(&s, 0, 1, 0, 0x1234, 1, 2, 0, 0);
	chain(f, offs, ids, 1, 0);
	sim_w16(f, 0x52, PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT | (2u << 1) | (1u << 4));
	sim_w32(f, 0x60, 0xffffffff); /* mask bits */
	pci_dev_probe(&d, &ops, PCI_ADDR(0, 0, 1, 0));
	pci_msi_program(&d, 0x50, 0xfee00000, 0x4031);
	CHECK_EQ(sim_r32(f, 0x54), 0xfee00000);
	CHECK_EQ(sim_r32(f, 0x58), 0);
	CHECK_EQ(f->cfg[0x5c] | f->cfg[0x5d] << 8, 0x4031);
	CHECK_EQ(sim_r32(f, 0x60), 0);
	CHECK_EQ(f->cfg[0x52] & 0x71, PCI_MSI_FLAGS_ENABLE); /* one message, enabled */
	CHECK(pci_read16(&d, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);

	sim_w16(f, 0x52, 0); /* 32-bit form: data at +8 */
	pci_msi_program(&d, 0x50, 0xfee01000, 0x40);
	CHECK_EQ(sim_r32(f, 0x54), 0xfee01000);
	CHECK_EQ(f->cfg[0x58], 0x40);
	pci_msi_off(&d);
	CHECK_EQ(f->cfg[0x52] & PCI_MSI_FLAGS_ENABLE, 0);
	CHECK(!(pci_read16(&d, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE));
	sim_free(&s);
}

static void test_msix(void)
{
	static struct sim s;
	struct pci_cfg_ops ops;
	struct pci_dev d;
	struct sim_fn *f;
	const uint8_t offs[] = { 0x90 }, ids[] = { PCI_CAP_ID_MSIX };
	uint32_t table[16 * 4];
	unsigned int bir, entries;
	uint32_t offset;

	sim_ops(&s, &ops);
	f = sim_add(&s, 0, 1, 0, 0x1b36, 0x000d, PCI_CLASS_SERIAL_BUS, PCI_SUBCLASS_USB, 0);
	chain(f, offs, ids, 1, 0);
	sim_w16(f, 0x92, 15);          /* 16 entries */
	sim_w32(f, 0x94, 0x3000 | 0);  /* table at BAR 0 + 0x3000 */
	pci_dev_probe(&d, &ops, PCI_ADDR(0, 0, 1, 0));
	pci_msix_table_location(&d, 0x90, &bir, &offset, &entries);
	CHECK_EQ(bir, 0);
	CHECK_EQ(offset, 0x3000);
	CHECK_EQ(entries, 16);
	for (unsigned int i = 0; i < 16; i++)
		table[4 * i + 3] = PCI_MSIX_ENTRY_CTRL_MASKBIT;
	CHECK_EQ(pci_msix_program(&d, 0x90, table, 16, 0xfee00000, 0x30), -EINVAL);
	CHECK_EQ(pci_msix_program(&d, 0x90, table, 2, 0x1fee00000ull, 0x30), 0);
	CHECK_EQ(table[8], 0xfee00000);
	CHECK_EQ(table[9], 1);
	CHECK_EQ(table[10], 0x30);
	CHECK_EQ(table[11], 0);
	CHECK_EQ(table[3], PCI_MSIX_ENTRY_CTRL_MASKBIT); /* the others stay masked */
	CHECK_EQ((f->cfg[0x92] | f->cfg[0x93] << 8) & (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL),
		 PCI_MSIX_FLAGS_ENABLE);
	pci_msi_off(&d);
	CHECK_EQ((f->cfg[0x92] | f->cfg[0x93] << 8) & PCI_MSIX_FLAGS_ENABLE, 0);
	sim_free(&s);
}

static void test_class_names(void)
{
	CHECK(strcmp(pci_class_name(0x0c, 0x03, 0x30), "USB xHCI") == 0);
	CHECK(strcmp(pci_class_name(0x06, 0x00, 0x00), "host bridge") == 0);
	CHECK(strcmp(pci_class_name(0x06, 0x80, 0x00), "bridge") == 0);
	CHECK(strcmp(pci_class_name(0xff, 0, 0), "other") == 0);
}

int main(void)
{
	RUN(test_topology);
	RUN(test_every_bus_once);
	RUN(test_bar_size);
	RUN(test_bars);
	RUN(test_bars_reading_all_ones);
	RUN(test_unknown_header_type_not_sized);
	RUN(test_host_bridge_decoding_kept);
	RUN(test_caps);
	RUN(test_power_states);
	RUN(test_msi);
	RUN(test_msix);
	RUN(test_class_names);
	return unit_summary();
}
