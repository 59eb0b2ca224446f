// SPDX-License-Identifier: MIT
/*
 * The simulated configuration space of pci_sim.h: byte arrays per function, BAR dwords with
 * their writable-bit masks, a power-management hook. Shared by test_pci and the fuzzer.
 */
#include <stdlib.h>
#include <string.h>
#include "pci_sim.h"

static struct sim_fn *lookup(struct sim *s, uint32_t addr)
{
	uint8_t bus = PCI_ADDR_BUS(addr), dev = PCI_ADDR_DEV(addr), fn = PCI_ADDR_FN(addr);

	if (PCI_ADDR_SEG(addr) != 0)
		return NULL;
	if (s->mirror_buses)
		bus = 0;
	if (!s->fn[bus][dev][fn] && fn && s->fn[bus][dev][0] && s->fn[bus][dev][0]->mirror)
		return s->fn[bus][dev][0];
	return s->fn[bus][dev][fn];
}

static uint32_t sim_read(void *ctx, uint32_t addr, uint16_t off, unsigned int width)
{
	struct sim *s = ctx;
	struct sim_fn *f = lookup(s, addr);
	uint32_t v = 0;

	s->reads++;
	if (!f)
		return 0xffffffffu >> (32 - 8 * width);
	for (unsigned int i = 0; i < width; i++)
		v |= (uint32_t)f->cfg[off + i] << (8 * i);
	return v;
}

static void pm_hook(struct sim_fn *f, uint16_t old_ctrl)
{
	uint16_t ctrl = (uint16_t)(f->cfg[f->pm_cap + 4] | f->cfg[f->pm_cap + 5] << 8);

	if (f->pm_stuck) {
		ctrl = (uint16_t)((ctrl & ~3u) | (old_ctrl & 3u));
	} else if ((old_ctrl & 3) == 3 && (ctrl & 3) == 0 && f->pm_resets) {
		for (unsigned int i = 0; i < PCI_BARS; i++) /* address bits back to 0, type bits stay */
			sim_w32(f, (uint16_t)(PCI_BAR0 + 4 * i), sim_r32(f, (uint16_t)(PCI_BAR0 + 4 * i)) & ~f->bar_mask[i]);
		sim_w16(f, PCI_COMMAND, 0);
	}
	sim_w16(f, (uint16_t)(f->pm_cap + 4), ctrl);
}

static void sim_write(void *ctx, uint32_t addr, uint16_t off, unsigned int width, uint32_t v)
{
	struct sim *s = ctx;
	struct sim_fn *f = lookup(s, addr);
	uint16_t pm_old = 0, cmd_old;
	bool pm = false;

	s->writes++;
	if (!f)
		return;
	if (f->pm_cap && off <= f->pm_cap + 5 && off + width > f->pm_cap + 4u) {
		pm = true;
		pm_old = (uint16_t)(f->cfg[f->pm_cap + 4] | f->cfg[f->pm_cap + 5] << 8);
	}
	if (f->bar_masked && width == 4 && off >= PCI_BAR0 && off < PCI_BAR0 + 4 * PCI_BARS) {
		unsigned int i = (off - PCI_BAR0) / 4;

		v = (v & f->bar_mask[i]) | (sim_r32(f, off) & ~f->bar_mask[i]);
	}
	cmd_old = (uint16_t)(f->cfg[PCI_COMMAND] | f->cfg[PCI_COMMAND + 1] << 8);
	for (unsigned int i = 0; i < width; i++)
		if (off + i < f->ro_lo || off + i >= f->ro_hi)
			f->cfg[off + i] = (uint8_t)(v >> (8 * i));
	if (cmd_old & ~f->cfg[PCI_COMMAND] & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))
		f->decode_offs++;
	if (pm)
		pm_hook(f, pm_old);
}

void sim_bus_idle(void *ctx, uint16_t seg, uint8_t bus)
{
	struct sim *s = ctx;

	(void)seg;
	s->idle_calls++;
	s->idled[bus / 8] |= (uint8_t)(1u << (bus % 8));
}

void sim_ops(struct sim *s, struct pci_cfg_ops *ops)
{
	ops->read = sim_read;
	ops->write = sim_write;
	ops->ctx = s;
}

void sim_w8(struct sim_fn *f, uint16_t off, uint8_t v) { f->cfg[off] = v; }
void sim_w16(struct sim_fn *f, uint16_t off, uint16_t v)
{
	f->cfg[off] = (uint8_t)v;
	f->cfg[off + 1] = (uint8_t)(v >> 8);
}
void sim_w32(struct sim_fn *f, uint16_t off, uint32_t v)
{
	sim_w16(f, off, (uint16_t)v);
	sim_w16(f, (uint16_t)(off + 2), (uint16_t)(v >> 16));
}
uint32_t sim_r32(const struct sim_fn *f, uint16_t off)
{
	return (uint32_t)f->cfg[off] | (uint32_t)f->cfg[off + 1] << 8 | (uint32_t)f->cfg[off + 2] << 16 |
	       (uint32_t)f->cfg[off + 3] << 24;
}

struct sim_fn *sim_add(struct sim *s, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t vendor, uint16_t device,
		       uint8_t class_code, uint8_t subclass, uint8_t header)
{
	struct sim_fn *f = calloc(1, sizeof(*f));

	if (!f)
		abort();
	s->fn[bus][dev][fn] = f;
	f->bar_masked = true; /* all BARs read-only zero (unimplemented) until sim_bar */
	sim_w16(f, PCI_VENDOR_ID, vendor);
	sim_w16(f, PCI_DEVICE_ID, device);
	sim_w8(f, PCI_CLASS, class_code);
	sim_w8(f, PCI_SUBCLASS, subclass);
	sim_w8(f, PCI_HEADER_TYPE, header);
	return f;
}

void sim_cap(struct sim_fn *f, uint8_t at, uint8_t id)
{
	f->cfg[at] = id;
	f->cfg[at + 1] = f->cfg[PCI_CAP_PTR]; /* the next pointer: the old head */
	f->cfg[PCI_CAP_PTR] = at;
	sim_w16(f, PCI_STATUS, (uint16_t)(f->cfg[PCI_STATUS] | PCI_STATUS_CAP_LIST));
}

void sim_bar(struct sim_fn *f, unsigned int i, uint32_t value, uint32_t size)
{
	uint32_t low = value & 1 ? 0x3 : 0xf;

	sim_w32(f, (uint16_t)(PCI_BAR0 + 4 * i), value);
	f->bar_mask[i] = ~(size - 1) & ~low;
}

void sim_bar64(struct sim_fn *f, unsigned int i, uint64_t value, uint64_t size)
{
	uint64_t mask = ~(size - 1);

	sim_w32(f, (uint16_t)(PCI_BAR0 + 4 * i), (uint32_t)value);
	sim_w32(f, (uint16_t)(PCI_BAR0 + 4 * i + 4), (uint32_t)(value >> 32));
	f->bar_mask[i] = (uint32_t)mask & ~0xfu;
	f->bar_mask[i + 1] = (uint32_t)(mask >> 32);
}

void sim_free(struct sim *s)
{
	for (unsigned int b = 0; b < SIM_BUSES; b++)
		for (unsigned int d = 0; d < 32; d++)
			for (unsigned int fn = 0; fn < 8; fn++) {
				free(s->fn[b][d][fn]);
				s->fn[b][d][fn] = NULL;
			}
}
