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
 * brought to D0, and MSI/MSI-X programmed. Checked: the walk ends, finds each function at
 * most once and every device of the root bus; probing leaves the function's space as it
 * was (BARs and command register restored, a host bridge's decoding never turned off);
 * each BAR is what a model of the sizing rule (PCI 3.0, 6.2.5.1) makes of the simulated
 * register and its writable bits: size, address, flags, 64-bit upper halves; capabilities
 * lie in 0x40-0xff and carry the ID asked for; D0 reached when pci_set_d0 says so, with the
 * BARs and command register back after a reset; MSI and the MSI-X entry hold the address
 * and data programmed, enabled (MSI-X unmasked), and are off again after pci_msi_off; MSI-X
 * entries beyond the table are refused. Registers that overlap the PM control register
 * (whose simulated hook rewrites it) are not checked.
 */
#include <stdlib.h>
#include <string.h>
#include <lios/errno.h>
#include "../src/drivers/pci/pci_internal.h"
#include "../tests/unit/drivers/pci/pci_sim.h"

#define MAX_PROBED 64

void pci_delay_us(uint64_t us) { (void)us; }

static struct sim s;

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* The simulated function that answers at addr (function 0 for a mirrored one). */
static struct sim_fn *fn_at(uint32_t addr)
{
	struct sim_fn *const *dev = s.fn[PCI_ADDR_BUS(addr)][PCI_ADDR_DEV(addr)];
	unsigned int fn = PCI_ADDR_FN(addr);

	return !dev[fn] && fn && dev[0] && dev[0]->mirror ? dev[0] : dev[fn];
}

/* What a BAR dword reads after all ones were written to it. */
static uint32_t sized(const struct sim_fn *f, unsigned int i)
{
	uint32_t v = sim_r32(f, (uint16_t)(PCI_BAR0 + 4 * i));

	return f->bar_masked ? f->bar_mask[i] | (v & ~f->bar_mask[i]) : 0xffffffffu;
}

/* The BARs of d against the sizing rule applied to f's registers: the size is the lowest
 * writable address bit, a BAR or read-back of all ones is unimplemented, a 64-bit BAR takes
 * the next slot as its upper half (none left: unimplemented). */
static void check_bars(const struct pci_dev *d, const struct sim_fn *f)
{
	unsigned int i = 0, nbars = d->header_type == PCI_HEADER_NORMAL ? 6
				  : d->header_type == PCI_HEADER_BRIDGE ? 2
				  : d->header_type == PCI_HEADER_CARDBUS ? 1 : 0;

	for (unsigned int k = nbars; k < PCI_BARS; k++)
		check(d->bar[k].size == 0 && (d->bar[k].flags == 0 || d->bar[k].flags == PCI_BAR_UPPER));
	while (i < nbars) {
		const struct pci_bar *b = &d->bar[i];
		uint32_t lo = sim_r32(f, (uint16_t)(PCI_BAR0 + 4 * i)), hi = 0, rb, rb_hi = 0;
		bool io = lo & 1, mem64 = !io && (lo & 6) == 4;
		uint64_t mask, size;

		if (lo == 0xffffffffu || (mem64 && i + 1 >= nbars)) {
			check(b->size == 0 && b->flags == 0 && b->addr == 0);
			i++;
			continue;
		}
		rb = sized(f, i);
		if (mem64 && rb != 0xffffffffu) {
			hi = sim_r32(f, (uint16_t)(PCI_BAR0 + 4 * i + 4));
			rb_hi = sized(f, i + 1);
		}
		mask = io ? rb & ~3u : (uint64_t)rb_hi << 32 | (rb & ~0xfu);
		size = rb == 0xffffffffu ? 0 : mask & (~mask + 1);
		check(b->size == size);
		if (!size)
			check(b->flags == 0 && b->addr == 0);
		else if (io)
			check(b->flags == PCI_BAR_IO && b->addr == (lo & ~3u));
		else
			check(b->flags == ((mem64 ? PCI_BAR_MEM64 : 0) | (lo & 8 ? PCI_BAR_PREFETCH : 0)) &&
			      b->addr == ((uint64_t)hi << 32 | (lo & ~0xfu)));
		if (mem64)
			check(d->bar[i + 1].flags == PCI_BAR_UPPER && d->bar[i + 1].size == 0);
		i += mem64 ? 2 : 1;
	}
}

/* Whether [at, at + len) misses the register f's PM hook rewrites. */
static bool clear_of_pm(const struct sim_fn *f, unsigned int at, unsigned int len)
{
	return !f->pm_cap || at + len <= f->pm_cap + 4u || at >= f->pm_cap + 6u;
}

/* The BARs and command register read back as decoded (after a D3hot -> D0 reset). */
static void check_restored(const struct pci_dev *d, uint16_t cmd)
{
	check(pci_read16(d, PCI_COMMAND) == cmd);
	for (unsigned int i = 0; i < PCI_BARS; i++) {
		const struct pci_bar *b = &d->bar[i];
		uint16_t off = (uint16_t)(PCI_BAR0 + 4 * i);

		if (!b->size)
			continue;
		check((pci_read32(d, off) & (b->flags & PCI_BAR_IO ? ~3u : ~0xfu)) == (uint32_t)b->addr);
		if (b->flags & PCI_BAR_MEM64)
			check(pci_read32(d, (uint16_t)(off + 4)) == (uint32_t)(b->addr >> 32));
	}
}

/* MSI at cap holds (addr, data), enabled with one message, per-vector mask clear. */
static void check_msi(const struct pci_dev *d, const struct sim_fn *f, uint8_t cap, uint16_t flags0)
{
	bool is64 = flags0 & PCI_MSI_FLAGS_64BIT;

	if (!clear_of_pm(f, cap, 20) || !clear_of_pm(f, PCI_COMMAND, 2))
		return;
	check(pci_read16(d, (uint16_t)(cap + PCI_MSI_FLAGS)) ==
	      ((flags0 & ~PCI_MSI_FLAGS_QSIZE_MASK) | PCI_MSI_FLAGS_ENABLE));
	check(pci_read32(d, (uint16_t)(cap + PCI_MSI_ADDR_LO)) == 0xfee00000);
	if (is64)
		check(pci_read32(d, (uint16_t)(cap + PCI_MSI_ADDR_HI)) == 0);
	check(pci_read16(d, (uint16_t)(cap + (is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32))) == 0x40);
	if (flags0 & PCI_MSI_FLAGS_MASKBIT)
		check(pci_read32(d, (uint16_t)(cap + (is64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32))) == 0);
	check(pci_read16(d, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
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
	uint8_t found[SIM_BUSES * 32 * 8 / 8]; /* bit per bus:dev.fn found by this walk */
};

static void exercise(struct pci_dev *d)
{
	static uint32_t table[(PCI_MSIX_FLAGS_QSIZE + 1) * PCI_MSIX_ENTRY_SIZE / 4];
	static const uint8_t ids[] = { PCI_CAP_ID_PM, PCI_CAP_ID_MSI, PCI_CAP_ID_EXP, PCI_CAP_ID_MSIX };
	struct sim_fn *f = fn_at(d->addr);
	unsigned int bir, entries;
	uint32_t offset;
	uint8_t cap, msix, pm = pci_find_cap(d, PCI_CAP_ID_PM);
	uint16_t cmd = pci_read16(d, PCI_COMMAND), ctrl0 = pm ? pci_read16(d, (uint16_t)(pm + PCI_PM_CTRL)) : 0;
	int d0;

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
	d0 = pci_set_d0(d);
	if (pm && !f->pm_cap) /* no hook: the state is plain memory */
		check(d0 == 0);
	if (d0 == 0 && pm)
		check((pci_read16(d, (uint16_t)(pm + PCI_PM_CTRL)) & PCI_PM_CTRL_STATE_MASK) == PCI_PM_STATE_D0);
	/* a reset the driver was told it skips (No_Soft_Reset) would be the model's lie */
	if (d0 == 0 && (!f->pm_cap || f->pm_cap == pm) &&
	    !((ctrl0 & PCI_PM_CTRL_STATE_MASK) == PCI_PM_STATE_D3HOT && ctrl0 & PCI_PM_CTRL_NO_SOFT_RESET))
		check_restored(d, cmd);
	cap = pci_find_cap(d, PCI_CAP_ID_MSI);
	if (cap) {
		uint16_t flags0 = pci_read16(d, (uint16_t)(cap + PCI_MSI_FLAGS));

		pci_msi_program(d, cap, 0xfee00000, 0x40);
		check_msi(d, f, cap, flags0);
	}
	msix = pci_find_cap(d, PCI_CAP_ID_MSIX);
	if (msix) {
		volatile uint32_t *e;

		pci_msix_table_location(d, msix, &bir, &offset, &entries);
		check(entries >= 1 && entries <= PCI_MSIX_FLAGS_QSIZE + 1);
		check(pci_msix_program(d, msix, table, entries, 0xfee00000, 0x41) == -EINVAL);
		check(pci_msix_program(d, msix, table, entries - 1, 0xfee00000, 0x41) == 0);
		e = table + (entries - 1) * (PCI_MSIX_ENTRY_SIZE / 4);
		check(e[PCI_MSIX_ENTRY_ADDR_LO / 4] == 0xfee00000 && e[PCI_MSIX_ENTRY_ADDR_HI / 4] == 0 &&
		      e[PCI_MSIX_ENTRY_DATA / 4] == 0x41 &&
		      !(e[PCI_MSIX_ENTRY_CTRL / 4] & PCI_MSIX_ENTRY_CTRL_MASKBIT));
		if (clear_of_pm(f, msix, 4))
			check((pci_read16(d, (uint16_t)(msix + PCI_MSIX_FLAGS)) &
			       (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL)) == PCI_MSIX_FLAGS_ENABLE);
	}
	pci_msi_off(d);
	if (cap && clear_of_pm(f, cap, 4))
		check(!(pci_read16(d, (uint16_t)(cap + PCI_MSI_FLAGS)) & PCI_MSI_FLAGS_ENABLE));
	if (msix && clear_of_pm(f, msix, 4))
		check(!(pci_read16(d, (uint16_t)(msix + PCI_MSIX_FLAGS)) & PCI_MSIX_FLAGS_ENABLE));
	if (clear_of_pm(f, PCI_COMMAND, 2))
		check(!(pci_read16(d, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE));
}

static bool probe(uint32_t addr, void *arg)
{
	static uint8_t before[PCI_CFG_SIZE];
	struct probe_state *p = arg;
	unsigned int at = addr & 0xffff; /* bus:dev.fn */
	struct sim_fn *f = fn_at(addr);
	unsigned int offs;
	struct pci_dev d;

	check(f && (f->cfg[0] | f->cfg[1] << 8) != 0xffff); /* only functions that answer */
	check(!(p->found[at / 8] & (1u << (at % 8))));    /* each once */
	p->found[at / 8] |= (uint8_t)(1u << (at % 8));
	if (p->n++ >= MAX_PROBED)
		return true; /* keep walking, only stop probing: the walk must end by itself */
	memcpy(before, f->cfg, sizeof(before));
	offs = f->decode_offs;
	pci_dev_probe(&d, p->ops, addr);
	check(memcmp(before, f->cfg, sizeof(before)) == 0);
	if (d.class_code == PCI_CLASS_BRIDGE && d.subclass == PCI_SUBCLASS_BRIDGE_HOST)
		check(f->decode_offs == offs);
	check_bars(&d, f);
	exercise(&d);
	return true;
}

/* Every device of the root bus (bus 0) that answers was found. */
static void check_root_found(const struct probe_state *p)
{
	for (unsigned int dev = 0; dev < 32; dev++) {
		const struct sim_fn *f = s.fn[0][dev][0];

		if (f && (f->cfg[0] | f->cfg[1] << 8) != 0xffff)
			check(p->found[dev] & 1);
	}
}

/* Each bus's upstream bridge (what pci_init makes parents of) is a function this walk
 * found, on a lower bus, whose secondary bus it is: a chain of parents ends. */
static void check_upstream(const struct probe_state *p, const struct pci_scan_result *res)
{
	for (unsigned int b = 0; b < SIM_BUSES; b++) {
		unsigned int up = res->upstream[b];

		if (up == PCI_SCAN_NO_BRIDGE)
			continue;
		check((up >> 8) < b);
		check(p->found[up / 8] & (1u << (up % 8)));
		check(fn_at(PCI_ADDR(0, up >> 8, up >> 3, up & 7))->cfg[PCI_SECONDARY_BUS] == b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct probe_state p;
	struct pci_cfg_ops ops;
	unsigned int bad = 0, buses;
	struct pci_scan_result res;

	sim_ops(&s, &ops);
	load(&s, data, size);
	memset(&p, 0, sizeof(p));
	p.ops = &ops;
	buses = pci_scan(&ops, 0, 0, probe, &p, &bad);
	check(buses >= 1 && buses <= 256);
	check_root_found(&p);
	/* the same space again with the peer-root probing of every bus the walk left (pci_init's
	 * path): it must end too, scan each bus once and count only buses it scanned */
	memset(&p, 0, sizeof(p));
	p.ops = &ops;
	buses = pci_scan_segment(&ops, sim_bus_idle, 0, 0, 0xff, probe, &p, &res);
	check(buses >= 1 && buses <= 256 && res.buses == buses && res.peer_roots < buses);
	check_root_found(&p);
	check_upstream(&p, &res);
	sim_free(&s);
	return 0;
}
