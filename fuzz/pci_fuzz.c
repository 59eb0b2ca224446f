// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the PCI walker and decoders (src/drivers/pci/pci_config.c,
 * pci_cap.c) over the simulated configuration space of tests/unit/drivers/pci/pci_sim.c.
 * The input is a list of records, each filling part of one function's space:
 *   byte 0: bus (mod SIM_BUSES), byte 1: device << 3 | function, byte 2: flags
 *   (bit 0: BAR dwords are plain memory instead of masked, bit 1: mirror function 0,
 *   bit 2: PM hook on the first PM capability), byte 3: offset / 4, byte 4: length n,
 *   then n bytes written at that offset (clipped to the function's 4 KiB),
 *   then, when BARs are masked, 6 bytes: log2 of each BAR's size (0 = unimplemented).
 * Then the whole machine is walked, every function probed, its capability list searched,
 * brought to D0, and MSI/MSI-X programmed. Checked: the walk ends, BAR sizes are powers of
 * two, capabilities lie in 0x40-0xff and carry the ID asked for, MSI-X entries beyond the
 * table are refused.
 */
#include <stdlib.h>
#include <string.h>
#include <lios/errno.h>
#include "../src/drivers/pci/pci_internal.h"
#include "../tests/unit/drivers/pci/pci_sim.h"

#define MAX_PROBED 64

void pci_delay_us(uint64_t us) { (void)us; }

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void load(struct sim *s, const uint8_t *data, size_t size)
{
	size_t i = 0;

	while (i + 5 <= size) {
		uint8_t bus = data[i] % SIM_BUSES, devfn = data[i + 1], flags = data[i + 2];
		uint16_t off = (uint16_t)(data[i + 3] * 4);
		size_t n = data[i + 4];
		struct sim_fn **slot = &s->fn[bus][devfn >> 3][devfn & 7];
		struct sim_fn *f = *slot;

		i += 5;
		if (!f) {
			f = *slot = calloc(1, sizeof(*f));
			if (!f)
				abort();
		}
		f->bar_masked = !(flags & 1);
		f->mirror = flags & 2;
		for (size_t k = 0; k < n && i < size; k++, i++)
			if (off + k < PCI_CFG_SIZE)
				f->cfg[off + k] = data[i];
		if (f->bar_masked)
			for (unsigned int b = 0; b < PCI_BARS && i < size; b++, i++) {
				unsigned int lg = data[i] % 33;
				uint32_t low = f->cfg[PCI_BAR0 + 4 * b] & 1 ? 0x3 : 0xf;

				f->bar_mask[b] = lg ? ~((lg == 32 ? 0 : 1u << lg) - 1) & ~low : 0;
			}
		if (flags & 4) {
			struct pci_dev d = { .addr = PCI_ADDR(0, bus, devfn >> 3, devfn & 7) };
			struct pci_cfg_ops ops;

			sim_ops(s, &ops);
			d.cfg = &ops;
			f->pm_cap = pci_find_cap(&d, PCI_CAP_ID_PM);
			f->pm_resets = true;
			f->pm_stuck = flags & 8;
		}
	}
}

struct probe_state {
	const struct pci_cfg_ops *ops;
	unsigned int n;
};

static void exercise(struct pci_dev *d)
{
	static uint32_t table[(PCI_MSIX_FLAGS_QSIZE + 1) * PCI_MSIX_ENTRY_SIZE / 4];
	static const uint8_t ids[] = { PCI_CAP_ID_PM, PCI_CAP_ID_MSI, PCI_CAP_ID_EXP, PCI_CAP_ID_MSIX };
	unsigned int bir, entries;
	uint32_t offset;
	uint8_t cap;

	for (unsigned int i = 0; i < PCI_BARS; i++) {
		uint64_t size = d->bar[i].size;

		check((size & (size - 1)) == 0);
		check(!(d->bar[i].flags & PCI_BAR_MEM64) || (i + 1 < PCI_BARS && d->bar[i + 1].flags == PCI_BAR_UPPER));
	}
	for (size_t i = 0; i < sizeof(ids); i++)
		for (cap = pci_find_cap(d, ids[i]); cap; cap = pci_find_next_cap(d, cap, ids[i])) {
			check(cap >= 0x40);
			check(pci_read8(d, cap) == ids[i]);
		}
	(void)pci_set_d0(d);
	cap = pci_find_cap(d, PCI_CAP_ID_MSI);
	if (cap)
		pci_msi_program(d, cap, 0xfee00000, 0x40);
	cap = pci_find_cap(d, PCI_CAP_ID_MSIX);
	if (cap) {
		pci_msix_table_location(d, cap, &bir, &offset, &entries);
		check(entries >= 1 && entries <= PCI_MSIX_FLAGS_QSIZE + 1);
		check(pci_msix_program(d, cap, table, entries, 0xfee00000, 0x41) == -EINVAL);
		check(pci_msix_program(d, cap, table, entries - 1, 0xfee00000, 0x41) == 0);
	}
	pci_msi_off(d);
}

static bool probe(uint32_t addr, void *arg)
{
	struct probe_state *p = arg;
	struct pci_dev d;

	if (p->n++ >= MAX_PROBED)
		return true; /* keep walking, only stop probing: the walk must end by itself */
	pci_dev_probe(&d, p->ops, addr);
	exercise(&d);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sim s;
	struct pci_cfg_ops ops;
	struct probe_state p = { &ops, 0 };
	unsigned int bad = 0, buses;
	struct pci_scan_result res;

	sim_ops(&s, &ops);
	load(&s, data, size);
	buses = pci_scan(&ops, 0, 0, probe, &p, &bad);
	check(buses >= 1 && buses <= 256);
	/* the same space again with the peer-root probing of every bus the walk left (pci_init's
	 * path): it must end too, scan each bus once and count only buses it scanned */
	p.n = 0;
	buses = pci_scan_segment(&ops, sim_bus_idle, 0, 0, 0xff, probe, &p, &res);
	check(buses >= 1 && buses <= 256 && res.buses == buses && res.peer_roots < buses);
	sim_free(&s);
	return 0;
}
