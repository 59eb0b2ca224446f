// SPDX-License-Identifier: MIT
/*
 * Host test of the kernel side of PCI (src/drivers/pci/pci.c, compiled into this program):
 * the choice between ECAM and configuration mechanism #1. The ports are simulated (0xcf8
 * address, 0xcfc-0xcff data: pci_sim_ports.c) over pci_sim's configuration space, the heap
 * and ioremap run on tests/support/sim_mm.h's machine.
 *
 * An MCFG region whose bus cannot be mapped (here: beyond a 36-bit CPU's physical
 * addresses, which ioremap refuses) sends that bus to the ports, from its first access on:
 * that first access is the walk's read of device 0's vendor ID, which read all ones, so
 * device 0 of the bus (the host bridge on bus 0) was missing from the list.
 *
 * pci_init runs once per process, so the program takes the case as its argument (CTest
 * runs each): none, the ECAM case below; "roots", the root buses ACPI names given;
 * "roots-empty", named roots where nothing answers; "reset" and "reset-unknown", the
 * chipset's reset control register (pci_reset_system).
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/memmap.h>
#include <lios/pci.h>
#include <lios/printk.h>
#include <string.h>
#include "../../unit.h"
#include "log_capture.h"
#include "pci_sim.h"
#include "sim_mm.h"

static struct sim sim;
static struct pci_cfg_ops sim_cfg;

static unsigned int buses_read(void)
{
	unsigned int n = 0;

	for (unsigned int b = 0; b < 256; b++)
		n += sim_ports_bus_read(b);
	return n;
}

/* The machine of the ECAM case through the ports, with ACPI's roots, 0 and 0x10, given:
 * the same three functions, and no bus read but those two. */
static void roots_named(void)
{
	const struct pci_root roots[] = { { 0, 0 }, { 0, 0x10 } };

	CHECK(pci_init(NULL, 0, roots, 2) == 0);
	CHECK_EQ(pci_count(), 3u);
	CHECK(pci_get(0, 0x10, 0, 0) != NULL);
	CHECK_EQ(buses_read(), 2u);
	CHECK(log_captured("pci: peer root bus 0000:10 (no bridge leads to it)\n"));
	CHECK(log_captured("pci: 3 functions on 2 buses (ports)\n"));
	CHECK(!log_captured("probing every bus number"));
}

/* ACPI names bus 0 and 0x20, where nothing answers, while the devices sit on bus 0x10 and
 * 0x11 (tables that lie): nothing found there, so pci_init says so and probes every bus
 * number; bus 0x10 is then found as a root, and 0x11 as well (bus 0, walked first and
 * empty, counts as the third bus scanned). */
static void roots_empty(void)
{
	const struct pci_root roots[] = { { 0, 0 }, { 0, 0x20 } };

	sim_free(&sim);
	sim_ops(&sim, &sim_cfg);
	sim_ports_attach(&sim_cfg);
	sim_add(&sim, 0x10, 0, 0, 0x1b36, 0x000d, 0x0c, 0x03, 0);
	sim_add(&sim, 0x11, 3, 0, 0x1234, 0x1111, 0x03, 0x00, 0);
	CHECK(pci_init(NULL, 0, roots, 2) == 0);
	CHECK_EQ(pci_count(), 2u);
	CHECK(log_captured(
		"pci: nothing on the root buses ACPI names: probing every bus number\n"));
	CHECK(log_captured("pci: 2 functions on 3 buses (ports)\n"));
	CHECK_EQ(buses_read(), 256u);
}

/* The chipset's reset control register (0xcf9), read first so that its other bits are
 * kept: SYS_RST alone, then SYS_RST, FULL_RST and RST_CPU (the 0 -> 1 edge of RST_CPU
 * starts a full reset); the machine did not reset, so -EIO. Before pci_init, nothing is
 * known of the chipset: nothing written. */
static void reset_control(void)
{
	const uint8_t *log;

	sim_ports_rcr(0x41); /* a bit of its own, and RST_CPU's bit clear */
	CHECK_EQ(pci_reset_system(), -ENODEV);
	CHECK_EQ(sim_ports_rcr_log(&log), 0u);
	CHECK(pci_init(NULL, 0, NULL, 0) == 0);
	sim_ports_rcr(0x45); /* RST_CPU's bit left set by someone: cleared first */
	CHECK_EQ(pci_reset_system(), -EIO);
	CHECK_EQ(sim_ports_rcr_log(&log), 2u);
	CHECK_EQ(log[0], 0x43);
	CHECK_EQ(log[1], 0x4f);
}

/* A host bridge of another vendor at 0000:00:00.0 (not a chipset known to have the
 * register), or no host bridge there: nothing written. */
static void reset_control_unknown(void)
{
	const uint8_t *log;

	sim_free(&sim);
	sim_ops(&sim, &sim_cfg);
	sim_ports_attach(&sim_cfg);
	sim_add(&sim, 0, 0, 0, 0x1106, 0x0305, 0x06, 0x00, 0); /* a VIA host bridge */
	sim_add(&sim, 0, 2, 0, 0x1234, 0x1111, 0x03, 0x00, 0);
	sim_ports_rcr(0);
	CHECK(pci_init(NULL, 0, NULL, 0) == 0);
	CHECK_EQ(pci_reset_system(), -ENODEV);
	CHECK_EQ(sim_ports_rcr_log(&log), 0u);
}

/* Buses 0-0x1f in an MCFG region at 1 TiB on a CPU of 36 address bits: the mapping is
 * refused (said once for the region, though probing for peer root buses tries each bus),
 * and both functions of bus 0, the host bridge at device 0 included, are found through the
 * ports; ECAM is not reported as in use. An xHCI on bus 0x10, a root bus no bridge leads
 * to (QEMU's pxb), is found too, and said once: "pci: peer root bus 0000:10". */
int main(int argc, char **argv)
{
	const struct pci_ecam region = { 1ull << 40, 0, 0, 0x1f };
	const char *first, *peer;

	sim_mm_setup(MiB(32), MiB(64));
	CHECK(heap_init() == 0);
	CHECK(printk_add_sink(log_capture_sink, false) == 0);
	memmap_phys_bits = 36;
	sim_ops(&sim, &sim_cfg);
	sim_ports_attach(&sim_cfg);
	sim_add(&sim, 0, 0, 0, 0x8086, 0x29c0, 0x06, 0x00, 0);
	sim_add(&sim, 0, 2, 0, 0x1234, 0x1111, 0x03, 0x00, 0);
	sim_add(&sim, 0x10, 0, 0, 0x1b36, 0x000d, 0x0c, 0x03, 0);
	if (argc > 1) {
		if (strcmp(argv[1], "roots") == 0)
			roots_named();
		else if (strcmp(argv[1], "roots-empty") == 0)
			roots_empty();
		else if (strcmp(argv[1], "reset") == 0)
			reset_control();
		else if (strcmp(argv[1], "reset-unknown") == 0)
			reset_control_unknown();
		else
			CHECK(!"unknown case");
		sim_free(&sim);
		return unit_exit("test_pci_kernel");
	}

	CHECK(pci_init(&region, 1, NULL, 0) == 0);
	CHECK_EQ(pci_count(), 3u);
	CHECK(pci_find_device(0x8086, 0x29c0, NULL) != NULL);
	CHECK(pci_find_device(0x1234, 0x1111, NULL) != NULL);
	CHECK(pci_get(0, 0x10, 0, 0) != NULL && pci_get(0, 0x10, 0, 0)->vendor == 0x1b36);
	CHECK(!pci_using_ecam());
	first = strstr(log_capture_buf, "pci: cannot map ECAM of bus 0 at 0x10000000000");
	CHECK(first != NULL && strstr(first + 10, "cannot map ECAM") == NULL);
	peer = strstr(log_capture_buf, "pci: peer root bus 0000:10 (no bridge leads to it)\n");
	CHECK(peer != NULL && strstr(peer + 10, "peer root") == NULL);
	CHECK(log_captured("pci: 3 functions on 2 buses (ports)\n"));
	printk_remove_sink(log_capture_sink);
	sim_free(&sim);
	return unit_exit("test_pci_kernel");
}
