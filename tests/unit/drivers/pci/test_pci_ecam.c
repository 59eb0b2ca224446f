// SPDX-License-Identifier: MIT
/*
 * Host test of pci.c's ECAM side (src/drivers/pci/pci.c compiled into this program): the
 * walk, the reads and writes of every width through MCFG regions, the buses given back when
 * probing finds nothing there, the MCFG regions pci_init skips, running out of memory
 * while listing, and a chipset whose every bus reads as bus 0. This file stands in for
 * ioremap and iounmap, mapping the region's buses to ecam_mem, a plain buffer laid out as
 * ECAM is (1 MiB per bus, 4 KiB per function; absent functions all ones) and built from
 * pci_sim's functions, and for heap_alloc (one allocation can be made to fail). The
 * configuration ports are simulated over an empty machine: any access through them is
 * recorded, and none is expected.
 *
 * pci_init runs once per process, so the program takes its case as its argument (CTest
 * runs each): none, the walk and its accesses; "oom", the list cut short; "mirror", a bus
 * that reads as a copy of bus 0.
 */
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/paging.h>
#include <lios/pci.h>
#include <lios/printk.h>
#include <lios/vmalloc.h>
#include <stdlib.h>
#include <string.h>
#include "../../unit.h"
#include "log_capture.h"
#include "pci_internal.h"
#include "pci_sim.h"

#define ECAM_BASE 0xe0000000ull
#define ECAM_BUSES 4u /* the region: buses 0-3 */
#define BUS_BYTES (1u << 20)
#define FN_BYTES 4096u
#define EXT_REG 0x400 /* an offset past the ports' 256 bytes */

static uint8_t ecam_mem[ECAM_BUSES][BUS_BYTES];
static struct {
	unsigned int maps, unmaps, refused, live, most_live;
	bool mapped[ECAM_BUSES];
	bool wrong_cache;
} io;
static struct {
	unsigned int calls, fail_at; /* fail_at: the allocation (1-based) that fails; 0 none */
} heap;

/* ------------------------------------------------------------------ the rest of the kernel */
/* A bus of the region maps to its part of ecam_mem (each bus 1 MiB, mapped whole); anything
 * else is refused and counted. */
void *ioremap(paddr_t phys, size_t size, unsigned cache)
{
	uint64_t bus = (phys - ECAM_BASE) / BUS_BYTES;

	if (phys < ECAM_BASE || bus >= ECAM_BUSES || (phys - ECAM_BASE) % BUS_BYTES ||
	    size != BUS_BYTES || io.mapped[bus]) {
		io.refused++;
		return NULL;
	}
	io.wrong_cache |= cache != PG_CACHE_UC;
	io.maps++;
	io.mapped[bus] = true;
	if (++io.live > io.most_live)
		io.most_live = io.live;
	return ecam_mem[bus];
}

/* Only what ioremap handed out may come back, once. */
void iounmap(void *p)
{
	size_t bus = (size_t)((uint8_t *)p - ecam_mem[0]) / BUS_BYTES;

	CHECK(bus < ECAM_BUSES && p == ecam_mem[bus] && io.mapped[bus]);
	if (bus >= ECAM_BUSES || !io.mapped[bus])
		return;
	io.mapped[bus] = false;
	io.unmaps++;
	io.live--;
}

void *heap_alloc(size_t size) /* pci.c's list: kept for good */
{
	if (++heap.calls == heap.fail_at)
		return NULL;
	return calloc(1, size);
}

/* ------------------------------------------------------------------ the machine */
static struct sim sim, empty;
static struct pci_cfg_ops sim_cfg, empty_cfg;

/* The ECAM image of sim's functions on the region's buses; every other byte all ones. */
static void ecam_fill(void)
{
	memset(ecam_mem, 0xff, sizeof(ecam_mem));
	for (unsigned int b = 0; b < ECAM_BUSES; b++)
		for (unsigned int d = 0; d < 32; d++)
			for (unsigned int f = 0; f < 8; f++)
				if (sim.fn[b][d][f])
					memcpy(ecam_mem[b] + (d * 8 + f) * FN_BYTES,
					       sim.fn[b][d][f]->cfg, FN_BYTES);
}

static uint8_t *ecam_at(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	return ecam_mem[bus] + (dev * 8u + fn) * FN_BYTES + off;
}

static unsigned int ports_buses_read(void)
{
	unsigned int n = 0;

	for (unsigned int b = 0; b < 256; b++)
		n += sim_ports_bus_read(b);
	return n;
}

/* ------------------------------------------------------------------ the cases */
/*
 * MCFG regions: one at base 0 and one whose last bus is below its first (0x30-0x20), both
 * skipped, before the real one (buses 0-3 at ECAM_BASE). On bus 0 a host bridge and a
 * device, on bus 2 a second root (found by probing), buses 1 and 3 empty. Expected: the
 * three functions listed on 2 buses, "(ECAM)" in the count line and pci_using_ecam; every
 * access went through the region (no mapping asked for elsewhere, uncached, no bus read
 * through the ports: the reversed region, taken, would have widened segment 0 to bus
 * 0x20, probed through the ports); the empty buses 1 and 3 mapped for the probe and given
 * back, one at a time, buses 0 and 2 still mapped. Then configuration access of each width
 * through the functions (kernel_ops) and through pci_ecam_ops: a byte, a word and a dword
 * read where ECAM has them, written there without touching the bytes beside them,
 * including past the ports' 256 bytes; an empty bus mapped again on access; a bus no
 * region covers read as all ones of the width asked, and a write there dropped.
 */
static void ecam_walk(void)
{
	const struct pci_ecam regions[] = {
		{ 0, 0, 0, 0xff },
		{ ECAM_BASE + 0x10000000, 0, 0x30, 0x20 },
		{ ECAM_BASE, 0, 0, ECAM_BUSES - 1 },
	};
	const struct pci_cfg_ops *ecam;
	struct pci_dev *dev;
	uint8_t *reg;

	CHECK(pci_ecam_ops() == NULL); /* no region yet */
	CHECK_EQ(pci_init(regions, 3, NULL, 0), 0);
	CHECK_EQ(pci_count(), 3u);
	CHECK(pci_using_ecam());
	CHECK(log_captured("pci: peer root bus 0000:02 (no bridge leads to it)\n"));
	CHECK(log_captured("pci: 3 functions on 2 buses (ECAM)\n"));
	CHECK(!log_captured("cannot map ECAM"));
	CHECK_EQ(io.refused, 0u);
	CHECK(!io.wrong_cache);
	CHECK_EQ(ports_buses_read(), 0u);
	CHECK_EQ(io.maps, 4u);
	CHECK_EQ(io.unmaps, 2u);
	CHECK(io.mapped[0] && !io.mapped[1] && io.mapped[2] && !io.mapped[3]);
	CHECK_EQ(io.most_live, 3u);

	dev = pci_get(0, 0, 2, 0);
	CHECK(dev != NULL && dev->vendor == 0x1234 && dev->device == 0x1111);
	CHECK(pci_get(0, 2, 5, 0) != NULL && pci_get(0, 2, 5, 0)->vendor == 0x1b36);
	if (!dev)
		return;
	reg = ecam_at(0, 2, 0, EXT_REG);
	memcpy(reg, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	CHECK_EQ(pci_read8(dev, EXT_REG + 1), 0x22u);
	CHECK_EQ(pci_read16(dev, EXT_REG + 2), 0x4433u);
	CHECK_EQ(pci_read32(dev, EXT_REG + 4), 0x88776655u);
	pci_write8(dev, EXT_REG + 1, 0xa1);
	pci_write16(dev, EXT_REG + 2, 0xb2c3);
	pci_write32(dev, EXT_REG + 4, 0xd4e5f607);
	CHECK(!memcmp(reg, "\x11\xa1\xc3\xb2\x07\xf6\xe5\xd4", 8));

	ecam = pci_ecam_ops();
	CHECK(ecam != NULL);
	if (!ecam)
		return;
	CHECK_EQ(ecam->read(ecam->ctx, PCI_ADDR(0, 0, 2, 0), PCI_VENDOR_ID, 2), 0x1234u);
	CHECK_EQ(ecam->read(ecam->ctx, PCI_ADDR(0, 0, 2, 0), EXT_REG + 1, 1), 0xa1u);
	CHECK_EQ(ecam->read(ecam->ctx, PCI_ADDR(0, 0, 2, 0), EXT_REG, 4), 0xb2c3a111u);
	memset(reg + 8, 0xff, 8);
	ecam->write(ecam->ctx, PCI_ADDR(0, 0, 2, 0), EXT_REG + 8, 1, 0x5a);
	ecam->write(ecam->ctx, PCI_ADDR(0, 0, 2, 0), EXT_REG + 10, 2, 0x6b7c);
	ecam->write(ecam->ctx, PCI_ADDR(0, 0, 2, 0), EXT_REG + 12, 4, 0x01020304);
	CHECK(!memcmp(reg + 8, "\x5a\xff\x7c\x6b\x04\x03\x02\x01", 8));
	/* bus 3, given back after the probe: mapped again */
	CHECK_EQ(ecam->read(ecam->ctx, PCI_ADDR(0, 3, 0, 0), PCI_VENDOR_ID, 2), 0xffffu);
	CHECK(io.mapped[3]);
	*ecam_at(3, 0, 0, 0x40) = 0;
	ecam->write(ecam->ctx, PCI_ADDR(0, 3, 0, 0), 0x40, 1, 0x99);
	CHECK_EQ(*ecam_at(3, 0, 0, 0x40), 0x99u);
	/* bus 4 and segment 1: no region; nothing mapped, all ones, writes dropped */
	CHECK_EQ(ecam->read(ecam->ctx, PCI_ADDR(0, 4, 0, 0), 0, 1), 0xffu);
	CHECK_EQ(ecam->read(ecam->ctx, PCI_ADDR(0, 4, 0, 0), 0, 2), 0xffffu);
	CHECK_EQ(ecam->read(ecam->ctx, PCI_ADDR(1, 0, 2, 0), 0, 4), 0xffffffffu);
	ecam->write(ecam->ctx, PCI_ADDR(1, 0, 2, 0), EXT_REG, 4, 0);
	CHECK(!memcmp(reg, "\x11\xa1\xc3\xb2", 4));
	CHECK_EQ(io.refused, 0u);
	CHECK_EQ(ports_buses_read(), 0u);
}

/*
 * Out of memory while listing: the second function's struct pci_dev cannot be allocated.
 * Expected: "pci: out of memory at 00:02.0: list incomplete" at KERN_ERR, once; the walk
 * stops there (the peer root bus 2 is never probed or mapped); the first function stays
 * listed, nothing half-listed, and pci_init still succeeds with what it has ("1 function
 * on 1 bus").
 */
static void out_of_memory(void)
{
	const struct pci_ecam region = { ECAM_BASE, 0, 0, ECAM_BUSES - 1 };
	const char *line;

	heap.fail_at = 2;
	CHECK_EQ(pci_init(&region, 1, NULL, 0), 0);
	line = strstr(log_capture_buf, "pci: out of memory at 00:02.0: list incomplete\n");
	CHECK(line != NULL && !strstr(line + 1, "pci: out of memory"));
	CHECK_EQ(heap.calls, 2u);
	CHECK_EQ(pci_count(), 1u);
	CHECK(pci_get(0, 0, 0, 0) != NULL && pci_get(0, 0, 2, 0) == NULL);
	CHECK(pci_next(pci_get(0, 0, 0, 0)) == NULL);
	CHECK(!io.mapped[2] && io.maps == 1u);
	CHECK(!log_captured("peer root"));
	CHECK(log_captured("pci: 1 function on 1 bus (ECAM)\n"));
}

/*
 * A chipset that ignores the bus number: bus 1 reads exactly as bus 0 (here: its ECAM
 * image a copy). Expected: not listed a second time (2 functions, of bus 0), no peer root
 * named, bus 1 given back after the probe, and the warning "pci: 1 bus(es) read as copies
 * of their segment's first bus: skipped"; bus 2's real root is still found.
 */
static void mirrored_bus(void)
{
	const struct pci_ecam region = { ECAM_BASE, 0, 0, ECAM_BUSES - 1 };

	memcpy(ecam_mem[1], ecam_mem[0], BUS_BYTES);
	CHECK_EQ(pci_init(&region, 1, NULL, 0), 0);
	CHECK_EQ(pci_count(), 3u);
	CHECK(pci_get(0, 1, 0, 0) == NULL && pci_get(0, 1, 2, 0) == NULL);
	CHECK(log_captured(
		"pci: 1 bus(es) read as copies of their segment's first bus: skipped\n"));
	CHECK(!log_captured("peer root bus 0000:01"));
	CHECK(log_captured("pci: peer root bus 0000:02 (no bridge leads to it)\n"));
	CHECK(!io.mapped[1]);
	CHECK(log_captured("pci: 3 functions on 2 buses (ECAM)\n"));
}

int main(int argc, char **argv)
{
	CHECK(printk_add_sink(log_capture_sink, false) == 0);
	sim_ops(&empty, &empty_cfg);
	sim_ports_attach(&empty_cfg);
	sim_ops(&sim, &sim_cfg);
	sim_add(&sim, 0, 0, 0, 0x8086, 0x29c0, 0x06, 0x00, 0);
	sim_add(&sim, 0, 2, 0, 0x1234, 0x1111, 0x03, 0x00, 0);
	sim_add(&sim, 2, 5, 0, 0x1b36, 0x000d, 0x0c, 0x03, 0);
	ecam_fill();
	if (argc < 2)
		ecam_walk();
	else if (!strcmp(argv[1], "oom"))
		out_of_memory();
	else if (!strcmp(argv[1], "mirror"))
		mirrored_bus();
	else
		CHECK(!"unknown case");
	printk_remove_sink(log_capture_sink);
	sim_free(&sim);
	return unit_exit("test_pci_ecam");
}
