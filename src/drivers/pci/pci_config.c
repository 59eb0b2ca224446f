// SPDX-License-Identifier: MIT
/*
 * The configuration-space walker and the header/BAR decoders: pure C over struct
 * pci_cfg_ops, built into the kernel and into the host tests and fuzzer.
 *
 * The walk (pci_scan) starts at a root bus and scans each bus's 32 devices: function 0
 * first, functions 1-7 only when function 0's header says multi-function (a single-function
 * device may answer on every function number with the same registers). Every PCI-PCI
 * bridge found queues its secondary bus, and is that bus's upstream bridge (the result's
 * upstream[], from which pci_init links each function to its parent); a bridge refused
 * below leads nowhere, so each bus has at most one, on a lower bus. A walk touches only
 * buses that exist (32 reads each), works identically through the ports and ECAM, and
 * follows what firmware programmed. A multi-function host bridge at 00:00 is the old
 * convention for several root buses: its function n's bus n is queued as well (a root:
 * no upstream bridge).
 *
 * But a machine may have more than one root bus in a segment: each host bridge (a socket's
 * root complex, QEMU's pxb) starts its own bus range, and no bridge leads to it; ACPI names
 * them (each PNP0A03/PNP0A08 device's _CRS bus range or _BBN). When ACPI's tables name
 * every root bus in constant objects (acpi_pci_roots), pci_scan_segment_roots is given
 * them and probes only those (a root ACPI names whose bus is empty is no root). Otherwise (no ACPI, or a bridge whose
 * bus only AML code computes) pci_scan_segment walks the first root, then probes the bus
 * numbers up to the segment's last that the walk did not reach, in order, and walks each
 * where a device answers as a peer root (as Linux does without ACPI). Skipped without a read: buses inside a bridge's secondary-subordinate range
 * (firmware reserved them for that bridge, e.g. for hotplug). A bus whose devices all read
 * exactly as the same slots of the first root is not a root but a chipset that ignores the
 * bus number (old host bridges answer on every bus): counted and skipped, so nothing is
 * listed once per bus number. Reads cannot tell a copy from a real root whose every device
 * matches bus 0's byte for byte (same IDs, same BARs) at the same slots; such a root holds
 * nothing of its own (no bridge: its bus numbers would differ), so little is lost. The
 * cost is 32 vendor-ID reads per unreached bus, once.
 *
 * Invariants that keep it finite on hostile or broken hardware: a 256-bit "seen" map shared
 * by all the walks of a segment, so each bus is scanned at most once; a secondary bus that
 * is 0, not above the bridge's own bus, or already seen is refused and counted; the queue
 * holds at most 256 buses; probing visits each bus number at most once.
 *
 * BAR sizing writes all ones and reads the mask back with memory and I/O decoding off
 * (and interrupts off, so no handler touches a device whose BAR is briefly moved), then
 * restores both. Host bridges (class 06/00) are the exception: they are sized with decoding
 * left on, as Linux does (mmio_always_on), because on some chipsets turning a host bridge's
 * decoding off cuts the CPU off from memory or configuration space, and nothing would turn
 * it back on. Sizing them rather than skipping them keeps their BARs in the `pci` listing;
 * the moment a host bridge BAR holds all ones is as short as any other device's. The size
 * is the lowest set bit of the mask: a power of two even when a device reads back garbage
 * in the upper bits. A BAR that reads all ones, or reads back all ones when sized, sets
 * bits a BAR keeps 0 (a function that stopped answering, a register that keeps anything
 * written): it is left unimplemented, as Linux does, rather than listed as an I/O BAR at
 * 0xfffffffc.
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/string.h>
#include "pci_internal.h"

#define PCI_BUSES 256
#define PCI_DEVICES 32
#define PCI_FUNCTIONS 8
#define PCI_VENDOR_NONE 0xffff
#define PCI_BAR_BROKEN 0xffffffffu /* a BAR or its sizing read-back: reserved bits set */

static uint32_t cfg_read(const struct pci_cfg_ops *ops, uint32_t addr, uint16_t off, unsigned int width)
{
	if (off >= PCI_CFG_SIZE || (off & (width - 1)))
		return 0xffffffffu >> (32 - 8 * width);
	return ops->read(ops->ctx, addr, off, width);
}

static void cfg_write(const struct pci_cfg_ops *ops, uint32_t addr, uint16_t off, unsigned int width,
		      uint32_t v)
{
	if (off < PCI_CFG_SIZE && !(off & (width - 1)))
		ops->write(ops->ctx, addr, off, width, v);
}

/* pci_read8/16/32, pci_write8/16/32 - configuration access of dev at an aligned offset;
 * a misaligned or out-of-range read returns all ones, such a write is dropped. */
uint8_t pci_read8(const struct pci_dev *dev, uint16_t off) { return (uint8_t)cfg_read(dev->cfg, dev->addr, off, 1); }
uint16_t pci_read16(const struct pci_dev *dev, uint16_t off) { return (uint16_t)cfg_read(dev->cfg, dev->addr, off, 2); }
uint32_t pci_read32(const struct pci_dev *dev, uint16_t off) { return cfg_read(dev->cfg, dev->addr, off, 4); }
void pci_write8(const struct pci_dev *dev, uint16_t off, uint8_t v) { cfg_write(dev->cfg, dev->addr, off, 1, v); }
void pci_write16(const struct pci_dev *dev, uint16_t off, uint16_t v) { cfg_write(dev->cfg, dev->addr, off, 2, v); }
void pci_write32(const struct pci_dev *dev, uint16_t off, uint32_t v) { cfg_write(dev->cfg, dev->addr, off, 4, v); }

/* pci_command - set, then clear, bits of the command register; returns what it reads back. */
uint16_t pci_command(struct pci_dev *dev, uint16_t set, uint16_t clear)
{
	uint16_t cmd = pci_read16(dev, PCI_COMMAND);

	cmd = (uint16_t)((cmd | set) & ~clear);
	pci_write16(dev, PCI_COMMAND, cmd);
	return pci_read16(dev, PCI_COMMAND);
}

/* pci_bar - BAR i as decoded at enumeration; NULL when i is out of range. */
const struct pci_bar *pci_bar(const struct pci_dev *dev, unsigned int i)
{
	return i < PCI_BARS ? &dev->bar[i] : NULL;
}

/*
 * pci_bar_size - size from the read-back masks: I/O BARs decode bits 31-2 (a 16-bit I/O BAR
 * reads its upper half as 0, which the lowest-set-bit rule ignores), memory bits 31-4, and
 * a 64-bit BAR continues in hi_mask. 0 when no address bit is writable.
 */
uint64_t pci_bar_size(uint32_t lo_mask, uint32_t hi_mask, bool io, bool mem64)
{
	uint64_t mask;

	if (io)
		mask = lo_mask & PCI_BAR_IO_MASK;
	else if (mem64)
		mask = (uint64_t)hi_mask << 32 | (lo_mask & PCI_BAR_MEM_MASK);
	else
		mask = lo_mask & PCI_BAR_MEM_MASK;
	return mask & (~mask + 1);
}

/* Sizes BAR i (and its upper half when 64-bit); returns how many BAR slots it used. The
 * caller has turned decoding off (except on a host bridge). A BAR whose value or whose
 * sizing read-back is all ones is left unimplemented: no working BAR reads so (an I/O
 * BAR's bit 1, a memory BAR's bit 0 are reserved 0), a function that stopped answering does. */
static unsigned int probe_bar(struct pci_dev *dev, unsigned int i, unsigned int nbars)
{
	uint16_t off = (uint16_t)(PCI_BAR0 + 4 * i);
	uint32_t lo = pci_read32(dev, off), hi = 0, lo_mask, hi_mask = 0;
	struct pci_bar *b = &dev->bar[i];
	bool io = lo & PCI_BAR_SPACE_IO;
	bool mem64 = !io && (lo & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64;

	if (lo == PCI_BAR_BROKEN)
		return 1; /* not a register that holds an address: not written either */
	if (mem64 && i + 1 >= nbars)
		return 1; /* a 64-bit BAR in the last slot: malformed, left unimplemented */
	pci_write32(dev, off, 0xffffffffu);
	lo_mask = pci_read32(dev, off);
	pci_write32(dev, off, lo);
	if (mem64 && lo_mask != PCI_BAR_BROKEN) {
		hi = pci_read32(dev, (uint16_t)(off + 4));
		pci_write32(dev, (uint16_t)(off + 4), 0xffffffffu);
		hi_mask = pci_read32(dev, (uint16_t)(off + 4));
		pci_write32(dev, (uint16_t)(off + 4), hi);
	}
	/* a read-back that keeps the reserved bits too tells no size */
	b->size = lo_mask == PCI_BAR_BROKEN ? 0 : pci_bar_size(lo_mask, hi_mask, io, mem64);
	if (io) {
		b->flags = PCI_BAR_IO;
		b->addr = lo & PCI_BAR_IO_MASK;
	} else {
		b->flags = (mem64 ? PCI_BAR_MEM64 : 0) | (lo & PCI_BAR_MEM_PREFETCH ? PCI_BAR_PREFETCH : 0);
		b->addr = (uint64_t)hi << 32 | (lo & PCI_BAR_MEM_MASK);
	}
	if (!b->size) {
		b->flags = 0;
		b->addr = 0;
	}
	if (!mem64)
		return 1;
	dev->bar[i + 1].flags = PCI_BAR_UPPER;
	return 2;
}

static void probe_bars(struct pci_dev *dev)
{
	bool host_bridge =
		dev->class_code == PCI_CLASS_BRIDGE && dev->subclass == PCI_SUBCLASS_BRIDGE_HOST;
	unsigned int nbars, i = 0;
	uint16_t cmd;
	uint64_t flags;

	switch (dev->header_type) {
	case PCI_HEADER_NORMAL: nbars = 6; break;
	case PCI_HEADER_BRIDGE: nbars = 2; break;
	case PCI_HEADER_CARDBUS: nbars = 1; break; /* the socket registers */
	default: return; /* a layout PCI does not define: no dword of it is known to be a BAR */
	}
	flags = arch_irq_save();
	cmd = pci_read16(dev, PCI_COMMAND);
	if (!host_bridge)
		pci_write16(dev, PCI_COMMAND, (uint16_t)(cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY)));
	while (i < nbars)
		i += probe_bar(dev, i, nbars);
	if (!host_bridge)
		pci_write16(dev, PCI_COMMAND, cmd);
	arch_irq_restore(flags);
}

/* pci_dev_probe - fill *dev from the function at addr (see pci.h). */
void pci_dev_probe(struct pci_dev *dev, const struct pci_cfg_ops *ops, uint32_t addr)
{
	memset(dev, 0, sizeof(*dev));
	dev->addr = addr;
	dev->cfg = ops;
	dev->msi_vector = -1;
	dev->vendor = pci_read16(dev, PCI_VENDOR_ID);
	dev->device = pci_read16(dev, PCI_DEVICE_ID);
	dev->revision = pci_read8(dev, PCI_REVISION_ID);
	dev->prog_if = pci_read8(dev, PCI_PROG_IF);
	dev->subclass = pci_read8(dev, PCI_SUBCLASS);
	dev->class_code = pci_read8(dev, PCI_CLASS);
	dev->header_type = pci_read8(dev, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
	dev->irq_line = pci_read8(dev, PCI_INTERRUPT_LINE);
	dev->irq_pin = pci_read8(dev, PCI_INTERRUPT_PIN);
	if (dev->header_type == PCI_HEADER_BRIDGE)
		dev->secondary_bus = pci_read8(dev, PCI_SECONDARY_BUS);
	probe_bars(dev);
}

struct scan_state {
	const struct pci_cfg_ops *ops;
	uint16_t seg;
	uint8_t first;                 /* the segment's first root: what a mirror copies */
	uint8_t seen[PCI_BUSES / 8];   /* queued (scanned or about to be) */
	uint8_t claimed[PCI_BUSES / 8]; /* inside some bridge's secondary-subordinate range */
	uint8_t queue[PCI_BUSES];
	unsigned int head, tail;
	struct pci_scan_result res;
};

static bool bit_test(const uint8_t *map, uint8_t bus) { return map[bus / 8] & (1u << (bus % 8)); }
static void bit_set(uint8_t *map, uint8_t bus) { map[bus / 8] |= (uint8_t)(1u << (bus % 8)); }

/* Queue bus unless seen; a refused bridge target is counted by the caller. */
static bool queue_bus(struct scan_state *s, uint8_t bus)
{
	if (bit_test(s->seen, bus) || s->tail >= PCI_BUSES)
		return false;
	bit_set(s->seen, bus);
	s->queue[s->tail++] = bus;
	return true;
}

/* The buses [secondary, subordinate] belong to the bridge at addr, reached or not. */
static void claim_range(struct scan_state *s, uint32_t addr, uint8_t secondary)
{
	uint8_t subordinate = (uint8_t)cfg_read(s->ops, addr, PCI_SUBORDINATE_BUS, 1);

	if (subordinate < secondary)
		subordinate = secondary;
	for (unsigned int b = secondary; b <= subordinate; b++)
		bit_set(s->claimed, (uint8_t)b);
}

static void check_bridge(struct scan_state *s, uint32_t addr, uint8_t header)
{
	uint8_t bus = PCI_ADDR_BUS(addr), secondary;
	uint32_t class;

	if ((header & PCI_HEADER_TYPE_MASK) == PCI_HEADER_BRIDGE) {
		secondary = (uint8_t)cfg_read(s->ops, addr, PCI_SECONDARY_BUS, 1);
		if (secondary > bus)
			claim_range(s, addr, secondary);
		if (secondary <= bus || !queue_bus(s, secondary))
			s->res.bad_bridges++;
		else
			s->res.upstream[secondary] = (uint16_t)(addr & 0xffff); /* bus:dev.fn */
		return;
	}
	/* 00:00.n host bridges of a multi-function host bridge: root bus n */
	class = cfg_read(s->ops, addr, PCI_SUBCLASS, 2);
	if (bus == 0 && PCI_ADDR_DEV(addr) == 0 && PCI_ADDR_FN(addr) != 0 &&
	    class == (PCI_CLASS_BRIDGE << 8 | PCI_SUBCLASS_BRIDGE_HOST))
		queue_bus(s, PCI_ADDR_FN(addr));
}

/* Scans one bus; false when found() asked to stop. */
static bool scan_bus(struct scan_state *s, uint8_t bus, pci_found_fn found, void *arg)
{
	for (unsigned int dev = 0; dev < PCI_DEVICES; dev++) {
		uint32_t addr0 = PCI_ADDR(s->seg, bus, dev, 0);
		uint8_t header0;
		unsigned int nfn;

		if (cfg_read(s->ops, addr0, PCI_VENDOR_ID, 2) == PCI_VENDOR_NONE)
			continue;
		header0 = (uint8_t)cfg_read(s->ops, addr0, PCI_HEADER_TYPE, 1);
		nfn = header0 & PCI_HEADER_MULTI_FUNCTION ? PCI_FUNCTIONS : 1;
		for (unsigned int fn = 0; fn < nfn; fn++) {
			uint32_t addr = PCI_ADDR(s->seg, bus, dev, fn);
			uint8_t header = header0;

			if (fn) {
				if (cfg_read(s->ops, addr, PCI_VENDOR_ID, 2) == PCI_VENDOR_NONE)
					continue;
				header = (uint8_t)cfg_read(s->ops, addr, PCI_HEADER_TYPE, 1);
			}
			if (!found(addr, arg))
				return false;
			check_bridge(s, addr, header);
		}
	}
	return true;
}

/* Walks from root (already queued) until the queue is empty; false when stopped. */
static bool walk(struct scan_state *s, pci_found_fn found, void *arg)
{
	while (s->head < s->tail)
		if (!scan_bus(s, s->queue[s->head++], found, arg))
			return false;
	return true;
}

/* A walk of segment seg that has seen nothing yet: no bus has an upstream bridge (bytes of
 * 0xff: PCI_SCAN_NO_BRIDGE). */
static void scan_start(struct scan_state *s, const struct pci_cfg_ops *ops, uint16_t seg)
{
	memset(s, 0, sizeof(*s));
	memset(s->res.upstream, 0xff, sizeof(s->res.upstream));
	s->ops = ops;
	s->seg = seg;
}

/* pci_scan - the bounded walk described at the top; returns buses scanned. */
unsigned int pci_scan(const struct pci_cfg_ops *ops, uint16_t seg, uint8_t root, pci_found_fn found,
		      void *arg, unsigned int *bad_bridges)
{
	struct scan_state s;

	scan_start(&s, ops, seg);
	queue_bus(&s, root);
	walk(&s, found, arg);
	if (bad_bridges)
		*bad_bridges = s.res.bad_bridges;
	return s.head;
}

/* The header dwords a copy of a function repeats exactly (the command/status dword, which
 * changes under traffic, left out): IDs, class, header type, BARs, subsystem, ROM, caps, INTx. */
static bool same_header(const struct scan_state *s, uint32_t a, uint32_t b)
{
	for (uint16_t off = 0; off < 0x40; off += 4)
		if (off != PCI_COMMAND && cfg_read(s->ops, a, off, 4) != cfg_read(s->ops, b, off, 4))
			return false;
	return true;
}

enum probe_result { PROBE_EMPTY, PROBE_MIRROR, PROBE_PEER };

/* Whether any device answers on bus (function 0 of each: a device has one if it has any),
 * and whether every one that does reads as the same slot of the first root. */
static enum probe_result probe_bus(const struct scan_state *s, uint8_t bus)
{
	bool present = false, copy = true;

	for (unsigned int dev = 0; dev < PCI_DEVICES; dev++) {
		uint32_t addr = PCI_ADDR(s->seg, bus, dev, 0);

		if (cfg_read(s->ops, addr, PCI_VENDOR_ID, 2) == PCI_VENDOR_NONE)
			continue;
		present = true;
		if (copy && !same_header(s, addr, PCI_ADDR(s->seg, s->first, dev, 0)))
			copy = false;
	}
	if (!present)
		return PROBE_EMPTY;
	return copy ? PROBE_MIRROR : PROBE_PEER;
}

/* pci_scan_segment_roots - see pci.h and the top of this file. */
unsigned int pci_scan_segment_roots(const struct pci_cfg_ops *ops, pci_bus_idle_fn idle, uint16_t seg,
				    uint8_t first, uint8_t last, const uint8_t *roots, pci_found_fn found, void *arg,
				    struct pci_scan_result *res)
{
	struct scan_state s;
	bool more;

	scan_start(&s, ops, seg);
	s.first = first;
	queue_bus(&s, first);
	more = walk(&s, found, arg);
	for (unsigned int b = first + 1u; more && b <= last; b++) {
		uint8_t bus = (uint8_t)b;
		enum probe_result p;

		if (bit_test(s.seen, bus) || bit_test(s.claimed, bus))
			continue;
		if (roots && !bit_test(roots, bus))
			continue;
		p = probe_bus(&s, bus);
		if (p == PROBE_PEER && queue_bus(&s, bus)) {
			bit_set(s.res.peer, bus);
			s.res.peer_roots++;
			more = walk(&s, found, arg);
			continue;
		}
		if (p == PROBE_MIRROR)
			s.res.mirrors++;
		if (idle)
			idle(ops->ctx, seg, bus);
	}
	s.res.buses = s.head;
	if (res)
		*res = s.res;
	return s.head;
}

/* pci_scan_segment - see pci.h: the roots found by probing. */
unsigned int pci_scan_segment(const struct pci_cfg_ops *ops, pci_bus_idle_fn idle, uint16_t seg, uint8_t first,
			      uint8_t last, pci_found_fn found, void *arg, struct pci_scan_result *res)
{
	return pci_scan_segment_roots(ops, idle, seg, first, last, NULL, found, arg, res);
}
