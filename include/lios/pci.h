/* SPDX-License-Identifier: MIT */
/*
 * PCI (src/drivers/pci/). Layer: drivers. pci_init() enumerates every function reachable
 * from bus 0 and from the peer root buses found by probing (through the legacy
 * configuration ports 0xcf8/0xcfc, or ECAM for the buses an ACPI MCFG region covers) into a
 * list of heap-allocated struct pci_dev, each knowing the bridge above it; drivers find
 * their functions in that list, read and write configuration space, size and map BARs,
 * enable decoding and bus mastering (on the bridges above a function too), bring a function
 * to D0, walk its capabilities and route its interrupt through MSI-X, MSI or the INTx line.
 *
 * Config-space access goes through struct pci_cfg_ops, so the walker and every decoder here
 * run unchanged on the host against a simulated configuration space (tests/unit/drivers/pci).
 * Offsets are bytes; an access of width w must be w-aligned and below PCI_CFG_SIZE (4096 via
 * ECAM, 256 through the ports: beyond that reads return all ones and writes are dropped).
 * Absent functions read as all ones. Nothing here sleeps; the D3->D0 transition busy-waits
 * 10 ms. Context: boot/thread, not from interrupt handlers (config cycles through the ports
 * are two I/O accesses that must not interleave).
 */
#ifndef LIOS_PCI_H
#define LIOS_PCI_H

#include <lios/irq.h>
#include <lios/types.h>

/* Function address: segment 31-16, bus 15-8, device 7-3, function 2-0. */
#define PCI_ADDR(seg, bus, dev, fn) \
	((uint32_t)(seg) << 16 | (uint32_t)(bus) << 8 | ((uint32_t)(dev) & 0x1f) << 3 | ((uint32_t)(fn) & 7))
#define PCI_ADDR_SEG(a) ((uint16_t)((a) >> 16))
#define PCI_ADDR_BUS(a) ((uint8_t)((a) >> 8))
#define PCI_ADDR_DEV(a) ((uint8_t)(((a) >> 3) & 0x1f))
#define PCI_ADDR_FN(a) ((uint8_t)((a) & 7))

#define PCI_CFG_SIZE 4096        /* extended (PCIe) configuration space per function */
#define PCI_CFG_LEGACY_SIZE 256  /* what the 0xcf8/0xcfc mechanism reaches */

/* Type 0/1 header registers (PCI Local Bus 3.0, 6.1). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION_ID 0x08
#define PCI_PROG_IF 0x09
#define PCI_SUBCLASS 0x0a
#define PCI_CLASS 0x0b
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_PRIMARY_BUS 0x18     /* type 1 */
#define PCI_SECONDARY_BUS 0x19   /* type 1 */
#define PCI_SUBORDINATE_BUS 0x1a /* type 1 */
#define PCI_CAP_PTR 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

#define PCI_COMMAND_IO (1u << 0)
#define PCI_COMMAND_MEMORY (1u << 1)
#define PCI_COMMAND_MASTER (1u << 2)
#define PCI_COMMAND_INTX_DISABLE (1u << 10)
#define PCI_STATUS_CAP_LIST (1u << 4)
#define PCI_HEADER_TYPE_MASK 0x7f
#define PCI_HEADER_MULTI_FUNCTION 0x80
#define PCI_HEADER_NORMAL 0
#define PCI_HEADER_BRIDGE 1
#define PCI_HEADER_CARDBUS 2

/* Capability IDs (PCI Local Bus 3.0, appendix H). */
#define PCI_CAP_ID_PM 0x01
#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_EXP 0x10
#define PCI_CAP_ID_MSIX 0x11
#define PCI_CAP_MAX 48           /* (256 - 64) / 4: more means the list loops */

/* Classes drivers look for. */
#define PCI_CLASS_BRIDGE 0x06
#define PCI_SUBCLASS_BRIDGE_HOST 0x00
#define PCI_SUBCLASS_BRIDGE_PCI 0x04
#define PCI_CLASS_SERIAL_BUS 0x0c
#define PCI_SUBCLASS_USB 0x03
#define PCI_PROG_IF_EHCI 0x20
#define PCI_PROG_IF_XHCI 0x30
/* Vendor IDs the kernel tells chipsets apart by (PCI-SIG's list). */
#define PCI_VENDOR_INTEL 0x8086
#define PCI_VENDOR_AMD 0x1022
#define PCI_VENDOR_HYGON 0x1d94
#define PCI_VENDOR_RENESAS 0x1912

#define PCI_ANY (-1)             /* wildcard for pci_find_class / pci_find_device */

/* How configuration space is reached; ctx is the backend's own. width is 1, 2 or 4. */
struct pci_cfg_ops {
	uint32_t (*read)(void *ctx, uint32_t addr, uint16_t off, unsigned int width);
	void (*write)(void *ctx, uint32_t addr, uint16_t off, unsigned int width, uint32_t v);
	void *ctx;
};

/* One ACPI MCFG allocation: ECAM for buses [bus_start, bus_end] of segment at base. */
struct pci_ecam {
	paddr_t base;       /* physical address of bus 0's space (even if bus_start > 0) */
	uint16_t segment;
	uint8_t bus_start;
	uint8_t bus_end;
};

#define PCI_BARS 6               /* type 0; a bridge has 2 */
#define PCI_BAR_IO (1u << 0)     /* I/O space (addr is a port) */
#define PCI_BAR_MEM64 (1u << 1)  /* 64-bit memory BAR; bar[i+1] is its upper half */
#define PCI_BAR_PREFETCH (1u << 2)
#define PCI_BAR_UPPER (1u << 3)  /* this slot is the upper half of bar[i-1] */

struct pci_bar {
	uint64_t addr;      /* physical address, or I/O port; 0 when not assigned */
	uint64_t size;      /* bytes (a power of two); 0 when the BAR is not implemented */
	unsigned int flags; /* PCI_BAR_* */
	void *virt;         /* kernel: ioremap of a memory BAR once pci_bar_map() ran */
};

struct pci_dev {
	uint32_t addr;      /* PCI_ADDR() */
	uint16_t vendor, device;
	uint8_t class_code, subclass, prog_if, revision;
	uint8_t header_type; /* PCI_HEADER_* without the multi-function bit */
	uint8_t irq_line;    /* INTERRUPT_LINE as firmware left it (0xff: none) */
	uint8_t irq_pin;     /* 0 none, 1-4 INTA#-INTD# */
	uint8_t secondary_bus; /* bridges: the bus behind it */
	struct pci_dev *parent; /* the PCI-PCI bridge the walk reached this function's bus
				 * through; NULL on a root bus (and outside pci_init's list) */
	struct pci_bar bar[PCI_BARS];
	const char *driver; /* pci_bind()'s name, NULL when unbound */
	int msi_vector;     /* vector from pci_msi_enable/pci_msix_enable, -1 none */
	const struct pci_cfg_ops *cfg;
	struct pci_dev *next;
};

/* A root bus firmware names (an ACPI host bridge's). */
struct pci_root {
	uint16_t segment;
	uint8_t bus;
};

/* Enumerate (see the file's top comment in pci.c for the walk), print
 * "pci: N functions on M buses (ECAM|ports)" at KERN_INFO, before it one KERN_INFO line
 * "pci: peer root bus SSSS:BB (no bridge leads to it)" per peer root bus found and one
 * KERN_DEBUG line per function. regions: the MCFG allocations (NULL/0 without MCFG: ports
 * only). roots: every root bus of the machine, as ACPI names them (nroots of them), or
 * NULL when they are not known (then every bus number the walks do not reach is probed;
 * also when the named buses hold no function at all, with a warning).
 * Returns 0, or -ENODEV when no host bridge answers. Boot, after mm, acpi and irq_init; once. */
int pci_init(const struct pci_ecam *regions, size_t n, const struct pci_root *roots, size_t nroots);
/* True when some bus is reached through ECAM. */
bool pci_using_ecam(void);

/* Iteration: pci_next(NULL) is the first function, in bus:dev.fn order. */
struct pci_dev *pci_next(const struct pci_dev *prev);
/* The next function after 'from' (NULL: from the start) matching; PCI_ANY matches all. */
struct pci_dev *pci_find_class(int class_code, int subclass, int prog_if, const struct pci_dev *from);
struct pci_dev *pci_find_device(int vendor, int device, const struct pci_dev *from);
struct pci_dev *pci_get(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn);
unsigned int pci_count(void);
/* Resets the machine through the chipset's Reset Control Register (I/O port 0xcf9: a full
 * reset, the power cycled, as Linux's reboot=pci does), when 0000:00:00.0 is a host bridge
 * of a chipset known to have it (Intel, AMD, Hygon). Returns only if that did not reset
 * the machine: -ENODEV when the register is not known to be there (nothing written), -EIO
 * otherwise. Any context, after pci_init. */
int pci_reset_system(void);

/* Configuration space of dev (aligned offsets; see the top). */
uint8_t pci_read8(const struct pci_dev *dev, uint16_t off);
uint16_t pci_read16(const struct pci_dev *dev, uint16_t off);
uint32_t pci_read32(const struct pci_dev *dev, uint16_t off);
void pci_write8(const struct pci_dev *dev, uint16_t off, uint8_t v);
void pci_write16(const struct pci_dev *dev, uint16_t off, uint16_t v);
void pci_write32(const struct pci_dev *dev, uint16_t off, uint32_t v);

/* Set and clear bits of the command register (PCI_COMMAND_*), set first. Returns the new
 * value. pci_enable(dev, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER) for a DMA-capable MMIO
 * device, after pci_enable_upstream with the same bits. */
uint16_t pci_command(struct pci_dev *dev, uint16_t set, uint16_t clear);
static inline uint16_t pci_enable(struct pci_dev *dev, uint16_t bits) { return pci_command(dev, bits, 0); }
/* Turn on, in every PCI-PCI bridge between dev and its root bus (dev->parent, its parent,
 * ...), the command bits of 'bits' that a bridge forwards for the function below:
 * PCI_COMMAND_IO and PCI_COMMAND_MEMORY (the bridge's windows decode, so dev's BARs answer)
 * and PCI_COMMAND_MASTER (dev's DMA and MSIs pass upstream); other bits are ignored. Firmware
 * may have left them off (EDK2's PcdDisableBMEonEBS clears Bus Master Enable at
 * ExitBootServices, bridges included). Bits already set are kept and nothing is cleared; a
 * bridge that has them all is not written. Each bridge changed says so at KERN_INFO,
 * "pci: 00:01.3: bridge had bus mastering off: turned on (for 03:00.0)"; one that reads
 * back without them, KERN_WARN "... would not turn on ...". Call it before enabling the
 * same bits on dev. Returns 0 (also on a root bus: nothing to do), or -EIO when some bridge
 * kept a bit off. Boot/thread, after pci_init. */
int pci_enable_upstream(struct pci_dev *dev, uint16_t bits);

/* BAR i as decoded and sized at enumeration (size 0: not implemented; for the upper half
 * of a 64-bit BAR, flags PCI_BAR_UPPER). NULL for i out of range. */
const struct pci_bar *pci_bar(const struct pci_dev *dev, unsigned int i);
/* Map memory BAR i uncached (ioremap PG_CACHE_UC, any address, above 4 GiB too) and
 * return its virtual address; the mapping is kept in bar[i].virt and returned again on
 * the next call. NULL for an I/O, unassigned or unimplemented BAR, or when ioremap fails.
 * Does not enable decoding (pci_enable). Kernel only. */
void *pci_bar_map(struct pci_dev *dev, unsigned int i);

/* Capability list: offset of the first capability with this ID at or after the one
 * following 'after' (0: from the start), 0 when none. The walk is bounded: it stops at a
 * pointer outside 0x40-0xff, a pointer seen before, or after PCI_CAP_MAX entries. */
uint8_t pci_find_cap(const struct pci_dev *dev, uint8_t id);
uint8_t pci_find_next_cap(const struct pci_dev *dev, uint8_t after, uint8_t id);

/* Bring dev to D0 through its PM capability: from D3hot waits 10 ms and, when the function
 * lost its configuration (No_Soft_Reset clear), rewrites its BARs and command register.
 * Returns 0 (also when it has no PM capability: it is always in D0), or -EIO when it does
 * not reach D0. */
int pci_set_d0(struct pci_dev *dev);

/* Put dev in D3hot through its PM capability (PME_Status left alone) and wait the 10 ms the
 * transition takes. Returns 0, -ENODEV without a PM capability, -EIO when it stays out of
 * D3hot. Only before a reboot or power-off: nothing here brings a driver's state back. */
int pci_set_d3hot(struct pci_dev *dev);

/*
 * Interrupts. pci_msix_enable programs table entry 'entry' (the table is mapped through
 * the BAR it lives in) and pci_msi_enable the MSI capability (one message), both to a
 * fresh vector with fn(vector, ctx) as handler, set INTx Disable, and return the vector
 * (>= 48) or -ENODEV (no capability, or the interrupt layer cannot deliver MSIs: the 8259
 * backend), -ENOSPC (no free vector), -ENOMEM (table not mappable). pci_irq_enable tries
 * MSI-X, then MSI, and returns what the last one returned; the driver then falls back to
 * INTx: dev->irq_pin != 0 and dev->irq_line < IRQ_LINES mean irq_register(dev->irq_line..)
 * (shared, level-triggered on real hardware), else poll. pci_irq_disable turns MSI/MSI-X
 * off, frees the vector and clears INTx Disable. fn runs in interrupt context.
 */
int pci_msix_enable(struct pci_dev *dev, unsigned int entry, irq_handler_fn fn, void *ctx);
int pci_msi_enable(struct pci_dev *dev, irq_handler_fn fn, void *ctx);
int pci_irq_enable(struct pci_dev *dev, irq_handler_fn fn, void *ctx);
void pci_irq_disable(struct pci_dev *dev);

/* Record that 'driver' (a string that lives forever) drives dev, for the `pci` command.
 * Returns 0, or -EBUSY when another driver has it. */
int pci_bind(struct pci_dev *dev, const char *driver);
/* A short name for a class/subclass/prog-if ("USB xHCI", "host bridge", ...). */
const char *pci_class_name(uint8_t class_code, uint8_t subclass, uint8_t prog_if);

/* The pure walker, used by pci_init and by host tests. pci_scan calls found(addr, arg) for
 * every present function reachable from bus 'root' of segment seg: bus, then each device's
 * function 0 (functions 1-7 only when function 0 says multi-function), recursing into
 * every PCI-PCI bridge's secondary bus. Each bus is scanned once (a secondary bus that was
 * seen, is 0 or not above the bridge's own bus is skipped and counted in *bad_bridges),
 * so the walk ends after at most 256 buses. found returns false to stop. Returns the number
 * of buses scanned. */
typedef bool (*pci_found_fn)(uint32_t addr, void *arg);
unsigned int pci_scan(const struct pci_cfg_ops *ops, uint16_t seg, uint8_t root, pci_found_fn found,
		      void *arg, unsigned int *bad_bridges);
/*
 * pci_scan_segment: the walk of pci_scan from bus 'first' of segment seg, then every bus
 * of (first, last] that walk did not reach and that no bridge's secondary-subordinate
 * range covers is probed (vendor ID of function 0 of its 32 devices); a bus where some
 * device answers is a peer root bus (a second host bridge: multi-socket boards, QEMU's
 * pxb) and is walked the same way, in bus order, so its own bridges are followed. A bus
 * whose every device reads exactly as the same slot of bus 'first' is a copy (a chipset
 * that ignores the bus number) and is skipped. Each bus is scanned at most once.
 * idle (may be NULL) is called with ops->ctx for each bus probed and given up (empty or a
 * copy): the walk reads it no more, so a backend that mapped it may unmap it (an access
 * after that must still work). Returns the number of buses scanned; *res (may be NULL)
 * gets the counts below, and which bridge leads to each bus (pci_init sets parent from it).
 */
#define PCI_SCAN_NO_BRIDGE 0xffff  /* upstream[]: a root bus, or one not reached (no bridge
				     * sits at ff:1f.7 with a bus behind it) */
struct pci_scan_result {
	unsigned int buses;        /* buses scanned */
	unsigned int bad_bridges;  /* bridges refused, as pci_scan counts them */
	unsigned int peer_roots;   /* buses found by probing and walked as roots */
	unsigned int mirrors;      /* buses skipped as copies of bus 'first' */
	uint8_t peer[256 / 8];     /* bit (b % 8) of byte b / 8: bus b is a peer root */
	uint16_t upstream[256];    /* [b]: the bridge the walk reached bus b through (bus << 8 |
				    * dev << 3 | fn, this segment; its bus is below b), or
				    * PCI_SCAN_NO_BRIDGE */
};
typedef void (*pci_bus_idle_fn)(void *ctx, uint16_t seg, uint8_t bus);
unsigned int pci_scan_segment(const struct pci_cfg_ops *ops, pci_bus_idle_fn idle, uint16_t seg, uint8_t first,
			      uint8_t last, pci_found_fn found, void *arg, struct pci_scan_result *res);
/* The same, with the segment's root buses known (firmware named them: ACPI host bridges):
 * roots (a 256-bit map as res->peer) non-NULL limits probing to the buses it marks, so no
 * other bus number is read; NULL probes every one, as pci_scan_segment. */
unsigned int pci_scan_segment_roots(const struct pci_cfg_ops *ops, pci_bus_idle_fn idle, uint16_t seg,
				    uint8_t first, uint8_t last, const uint8_t *roots, pci_found_fn found, void *arg,
				    struct pci_scan_result *res);
static inline bool pci_scan_is_peer(const struct pci_scan_result *res, uint8_t bus)
{
	return res->peer[bus / 8] & (1u << (bus % 8));
}
/* Fill *dev from configuration space at addr: IDs, class, header, INTx, and the BARs,
 * sized by writing all ones with decoding off (restored after). Leaves driver NULL,
 * msi_vector -1, parent and next NULL. */
void pci_dev_probe(struct pci_dev *dev, const struct pci_cfg_ops *ops, uint32_t addr);
/* The size of a BAR from the value read back after writing all ones (low dword, and for
 * a 64-bit BAR the upper dword), 0 when unimplemented. Pure. */
uint64_t pci_bar_size(uint32_t lo_mask, uint32_t hi_mask, bool io, bool mem64);

#endif
