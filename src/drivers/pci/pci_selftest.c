// SPDX-License-Identifier: MIT
/*
 * In-kernel self-tests of PCI on the machine it runs on (QEMU pc or q35 in CI): the host
 * bridge is where QEMU puts it, the two configuration mechanisms agree where both reach,
 * every sized BAR is a power of two, capability walks end inside the capability area, each
 * function's parent is the bridge above it (and an xHCI that came up has decoding and bus
 * mastering on in every one), and message vectors are handed out on the I/O APIC backend
 * only.
 */
#include <lios/acpi.h>
#include <lios/errno.h>
#include <lios/irq.h>
#include <lios/selftest.h>
#include <lios/string.h>
#include "pci_internal.h"

#define QEMU_VENDOR_INTEL 0x8086
#define QEMU_I440FX 0x1237            /* -machine pc */
#define QEMU_Q35_MCH 0x29c0           /* -machine q35 */

/* 00:00.0 is a host bridge; on QEMU the i440FX (pc) or the Q35 MCH (q35). */
KTEST(pci, host_bridge_found)
{
	const struct pci_dev *d = pci_get(0, 0, 0, 0);

	KASSERT(d);
	KEXPECT(d->class_code == PCI_CLASS_BRIDGE && d->subclass == PCI_SUBCLASS_BRIDGE_HOST);
	KEXPECT(pci_find_class(PCI_CLASS_BRIDGE, PCI_SUBCLASS_BRIDGE_HOST, PCI_ANY, NULL) == d);
	if (d->vendor != QEMU_VENDOR_INTEL || (d->device != QEMU_I440FX && d->device != QEMU_Q35_MCH))
		ktest_skip("not one of QEMU's host bridges");
	/* QEMU's q35 always has an MCFG unless ACPI is off: the skip asks ACPI, not PCI, so
	 * MCFG windows that never reach pci_init fail here instead of skipping. */
	if (d->device == QEMU_Q35_MCH && !acpi_get_info()->mcfg_count)
		ktest_skip("q35 without an ACPI MCFG: ECAM not checked");
	if (d->device == QEMU_Q35_MCH) {
		KEXPECT(pci_ecam_ops() != NULL);
		KEXPECT(pci_using_ecam());
	}
}

/* Where ECAM reaches, the ports read the same IDs, class, BARs and subsystem IDs. */
KTEST(pci, ports_and_ecam_agree)
{
	const struct pci_cfg_ops *ports = pci_port_ops(), *ecam = pci_ecam_ops();
	static const uint16_t offs[] = { PCI_VENDOR_ID, PCI_REVISION_ID, 0x10, 0x14, 0x18, 0x1c, 0x20, 0x24, 0x2c };
	unsigned int compared = 0;

	if (!ecam)
		ktest_skip("no ECAM region handed to pci_init");
	for (const struct pci_dev *d = pci_next(NULL); d; d = pci_next(d)) {
		if (PCI_ADDR_SEG(d->addr) != 0)
			continue;
		for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
			uint32_t a = ports->read(ports->ctx, d->addr, offs[i], 4);
			uint32_t b = ecam->read(ecam->ctx, d->addr, offs[i], 4);

			KEXPECT(a == b);
			compared++;
		}
		/* 8- and 16-bit reads through both */
		KEXPECT(ports->read(ports->ctx, d->addr, PCI_HEADER_TYPE, 1) ==
			ecam->read(ecam->ctx, d->addr, PCI_HEADER_TYPE, 1));
		KEXPECT(ports->read(ports->ctx, d->addr, PCI_DEVICE_ID, 2) == d->device);
		KEXPECT(ecam->read(ecam->ctx, d->addr, PCI_DEVICE_ID, 2) == d->device);
	}
	KEXPECT(compared > 0);
	/* beyond 256 bytes only ECAM reaches */
	KEXPECT(ports->read(ports->ctx, PCI_ADDR(0, 0, 0, 0), 0x100, 4) == 0xffffffffu);
}

/* Every implemented BAR has a power-of-two size, and QEMU gives some function one. */
KTEST(pci, bar_sizes_are_powers_of_two)
{
	unsigned int bars = 0;

	for (const struct pci_dev *d = pci_next(NULL); d; d = pci_next(d))
		for (unsigned int i = 0; i < PCI_BARS; i++) {
			uint64_t size = d->bar[i].size;

			if (!size)
				continue;
			bars++;
			KEXPECT((size & (size - 1)) == 0);
			KEXPECT(!(d->bar[i].flags & PCI_BAR_IO) || size <= 0x10000);
			KEXPECT((d->bar[i].addr & (size - 1)) == 0 || !d->bar[i].addr);
		}
	KEXPECT(bars > 0);
}

/* Capability walks of every function end, and each one found lies in 0x40-0xff and
 * carries the ID asked for. */
KTEST(pci, cap_walk_terminates)
{
	static const uint8_t ids[] = { PCI_CAP_ID_PM, PCI_CAP_ID_MSI, PCI_CAP_ID_EXP, PCI_CAP_ID_MSIX, 0xfe };

	for (const struct pci_dev *d = pci_next(NULL); d; d = pci_next(d))
		for (size_t i = 0; i < sizeof(ids); i++) {
			uint8_t off = pci_find_cap(d, ids[i]);
			unsigned int n = 0;

			while (off && n++ < PCI_CAP_MAX) {
				KEXPECT(off >= PCI_CAP_FIRST_VALID);
				KEXPECT(pci_read8(d, off) == ids[i]);
				off = pci_find_next_cap(d, off, ids[i]);
			}
			KEXPECT(n <= PCI_CAP_MAX);
		}
}

/* Each parent is a listed PCI-PCI bridge of the function's segment, on a lower bus, whose
 * secondary bus is the function's (QEMU: q35's pcie-root-port, pc's pci-bridge, pxb); an
 * xHCI the USB driver brought up has memory decode and bus mastering on in each bridge up
 * to its root bus (pci_enable_upstream), or it could not reach memory. */
KTEST(pci, parents_are_bridges_above)
{
	const uint16_t dma = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;

	for (const struct pci_dev *d = pci_next(NULL); d; d = pci_next(d)) {
		const struct pci_dev *p = d->parent;
		bool xhci = d->driver && strcmp(d->driver, "xhci") == 0;

		if (p) {
			KEXPECT(p->header_type == PCI_HEADER_BRIDGE);
			KEXPECT(PCI_ADDR_SEG(p->addr) == PCI_ADDR_SEG(d->addr));
			KEXPECT(PCI_ADDR_BUS(p->addr) < PCI_ADDR_BUS(d->addr));
			KEXPECT(p->secondary_bus == PCI_ADDR_BUS(d->addr));
			KEXPECT(pci_get(PCI_ADDR_SEG(p->addr), PCI_ADDR_BUS(p->addr),
					PCI_ADDR_DEV(p->addr), PCI_ADDR_FN(p->addr)) == p);
		}
		for (; xhci && p; p = p->parent)
			KEXPECT((pci_read16(p, PCI_COMMAND) & dma) == dma);
	}
}

static void no_handler(unsigned int vector, void *ctx) { (void)vector, (void)ctx; }

/* Message vectors: on the I/O APIC backend a vector and its 0xfeexxxxx message; on the
 * 8259s none (drivers fall back to INTx). */
KTEST(pci, msi_vector_alloc)
{
	uint64_t addr = 0;
	uint32_t data = 0;
	int v = irq_alloc_vector(no_handler, NULL);

	if (irq_backend() != IRQ_BACKEND_IOAPIC) {
		KEXPECT(v == -ENODEV);
		return;
	}
	KASSERT(v >= IRQ_VECTOR_DYN_FIRST && v <= IRQ_VECTOR_DYN_LAST);
	KEXPECT(arch_msi_message(v, &addr, &data) == 0);
	KEXPECT((addr & 0xfff00000u) == 0xfee00000u);
	KEXPECT(data == (uint32_t)v);
	irq_free_vector(v);
	KEXPECT(arch_msi_message(v, &addr, &data) == -EINVAL);
	KEXPECT(irq_alloc_vector(NULL, NULL) == -EINVAL);
}
