// SPDX-License-Identifier: MIT
/*
 * The kernel side of PCI: the two ways to configuration space, the list of functions
 * pci_init builds, and what needs the kernel (heap, ioremap, the delay).
 *
 * Configuration access (struct pci_cfg_ops kernel_ops): a (segment, bus) inside an MCFG
 * region goes through ECAM (PCIe base spec 7.2.2: 1 MiB per bus, 4 KiB per function), mapped
 * uncached one bus at a time on first use, so a 256-bus region costs only the buses that
 * exist; anything else on segment 0 goes through configuration mechanism #1 (address to port
 * 0xcf8, data at 0xcfc + offset & 3; only the first 256 bytes); other segments without ECAM
 * read all ones. A port access is two I/O operations that must not interleave with another,
 * so it runs with interrupts off.
 *
 * Enumeration (pci_init): one pci_scan_segment (pci_config.c: the walk, and why probing
 * besides it) per segment: segment 0 from bus 0, every other MCFG segment from its first
 * bus, each up to the last bus its MCFG regions cover (segment 0 without MCFG: 255, the
 * ports reach every bus). The walk from bus 0 finds what hangs below the first host bridge.
 * The other host bridges' root buses (multi-socket boards, QEMU's pxb), where an xHCI may
 * sit, are the ones ACPI names when it names them all (pci_init's roots; only those are
 * probed), else found by probing every bus the walk did not reach. Probing through ECAM
 * maps a bus's 1 MiB to read its 32 vendor IDs and unmaps it at once when no root is there
 * (ecam_bus_idle), so at most one empty bus is mapped at a time. The serial log says how
 * long the walks took. Each function found becomes a heap-allocated
 * struct pci_dev, kept in one list sorted by address (an address already listed is not
 * added again); the list is built once at boot and never shrinks, so the pointers drivers
 * hold stay valid. After each segment's walk every function of it gets its parent: the
 * bridge the walk reached its bus through (the walk's upstream map), NULL on a root bus.
 *
 * Enabling a function for DMA (pci_enable_upstream) also turns on decoding and bus
 * mastering in each bridge above it: a bridge with Bus Master Enable off drops the
 * function's memory requests upstream (an xHCI then stops with Host System Error), one
 * with Memory Space off leaves the function's BARs unreachable (all ones). Firmware leaves
 * them so: EDK2 built with PcdDisableBMEonEBS clears Bus Master Enable everywhere at
 * ExitBootServices, and a bridge above a device firmware never used may never have been
 * enabled. Linux does the same in pci_enable_device and pci_set_master.
 */
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/paging.h>
#include <lios/printk.h>
#include <lios/time.h>
#include <lios/vmalloc.h>
#include "pci_internal.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_CONFIG_ENABLE (1u << 31)
#define ECAM_BUS_SIZE (1u << 20)          /* 32 devices x 8 functions x 4 KiB */
#define ECAM_BUS_SHIFT 20
#define ECAM_FN_SHIFT 12                  /* devfn in bits 19-12 */
#define PCI_MAX_ECAM_REGIONS 8

struct ecam_region {
	struct pci_ecam r;
	volatile uint8_t *bus[256];      /* ioremap of each bus's 1 MiB, NULL until used */
	bool failed[256];                /* ioremap failed once: ports from then on */
	bool warned;                     /* a failure was reported (once per region: probing
					  * tries every bus) */
};

static struct ecam_region ecam[PCI_MAX_ECAM_REGIONS];
static size_t ecam_count;
static bool ecam_used;
static struct pci_dev *devices;
static unsigned int device_count;

/* pci_delay_us - the pure code's wait (PM transitions): udelay, any context. */
void pci_delay_us(uint64_t us) { udelay(us); }

static uint32_t all_ones(unsigned int width) { return 0xffffffffu >> (32 - 8 * width); }

static uint32_t port_read(void *ctx, uint32_t addr, uint16_t off, unsigned int width)
{
	uint16_t port = (uint16_t)(PCI_CONFIG_DATA + (off & 3));
	uint64_t flags;
	uint32_t v;

	(void)ctx;
	if (PCI_ADDR_SEG(addr) != 0 || off >= PCI_CFG_LEGACY_SIZE)
		return all_ones(width);
	flags = arch_irq_save();
	arch_pio_write32(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | (addr & 0xffff) << 8 | (off & 0xfc));
	if (width == 1)
		v = arch_pio_read8(port);
	else if (width == 2)
		v = arch_pio_read16(port);
	else
		v = arch_pio_read32(port);
	arch_irq_restore(flags);
	return v;
}

static void port_write(void *ctx, uint32_t addr, uint16_t off, unsigned int width, uint32_t v)
{
	uint16_t port = (uint16_t)(PCI_CONFIG_DATA + (off & 3));
	uint64_t flags;

	(void)ctx;
	if (PCI_ADDR_SEG(addr) != 0 || off >= PCI_CFG_LEGACY_SIZE)
		return;
	flags = arch_irq_save();
	arch_pio_write32(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | (addr & 0xffff) << 8 | (off & 0xfc));
	if (width == 1)
		arch_pio_write8(port, (uint8_t)v);
	else if (width == 2)
		arch_pio_write16(port, (uint16_t)v);
	else
		arch_pio_write32(port, v);
	arch_irq_restore(flags);
}

/* The ECAM bytes of (addr, off), mapping the bus on first use; NULL when no region covers
 * it or the mapping failed. */
static volatile uint8_t *ecam_ptr(uint32_t addr, uint16_t off)
{
	uint8_t bus = PCI_ADDR_BUS(addr);

	for (size_t i = 0; i < ecam_count; i++) {
		struct ecam_region *e = &ecam[i];

		if (e->r.segment != PCI_ADDR_SEG(addr) || bus < e->r.bus_start || bus > e->r.bus_end)
			continue;
		if (!e->bus[bus] && !e->failed[bus]) {
			paddr_t phys = e->r.base + ((paddr_t)bus << ECAM_BUS_SHIFT);

			e->bus[bus] = ioremap(phys, ECAM_BUS_SIZE, PG_CACHE_UC);
			if (!e->bus[bus]) {
				e->failed[bus] = true;
				if (!e->warned)
					printk(KERN_WARN "pci: cannot map ECAM of bus %u at %#llx: ports instead\n",
					       bus, (unsigned long long)phys);
				e->warned = true;
			}
		}
		if (!e->bus[bus])
			return NULL;
		return e->bus[bus] + ((addr & 0xff) << ECAM_FN_SHIFT) + off;
	}
	return NULL;
}

static uint32_t mmio_read(volatile uint8_t *p, unsigned int width)
{
	if (width == 1)
		return *p;
	if (width == 2)
		return *(volatile uint16_t *)p;
	return *(volatile uint32_t *)p;
}

static void mmio_write(volatile uint8_t *p, unsigned int width, uint32_t v)
{
	if (width == 1)
		*p = (uint8_t)v;
	else if (width == 2)
		*(volatile uint16_t *)p = (uint16_t)v;
	else
		*(volatile uint32_t *)p = v;
}

static uint32_t ecam_read(void *ctx, uint32_t addr, uint16_t off, unsigned int width)
{
	volatile uint8_t *p = ecam_ptr(addr, off);

	(void)ctx;
	return p ? mmio_read(p, width) : all_ones(width);
}

static void ecam_write(void *ctx, uint32_t addr, uint16_t off, unsigned int width, uint32_t v)
{
	volatile uint8_t *p = ecam_ptr(addr, off);

	(void)ctx;
	if (p)
		mmio_write(p, width, v);
}

static bool ecam_covers(uint32_t addr)
{
	for (size_t i = 0; i < ecam_count; i++)
		if (ecam[i].r.segment == PCI_ADDR_SEG(addr) && PCI_ADDR_BUS(addr) >= ecam[i].r.bus_start &&
		    PCI_ADDR_BUS(addr) <= ecam[i].r.bus_end && !ecam[i].failed[PCI_ADDR_BUS(addr)])
			return true;
	return false;
}

/* ECAM where a region covers the bus and its mapping exists or can be made now, else the
 * ports: a bus whose mapping fails goes to the ports from that very access on (the first
 * access, the walk's read of device 0's vendor ID, read all ones: device 0 was skipped). */
static uint32_t kernel_read(void *ctx, uint32_t addr, uint16_t off, unsigned int width)
{
	volatile uint8_t *p = ecam_ptr(addr, off);

	return p ? mmio_read(p, width) : port_read(ctx, addr, off, width);
}

static void kernel_write(void *ctx, uint32_t addr, uint16_t off, unsigned int width, uint32_t v)
{
	volatile uint8_t *p = ecam_ptr(addr, off);

	if (p)
		mmio_write(p, width, v);
	else
		port_write(ctx, addr, off, width, v);
}

/* The walker probed this bus and found no root there: give its ECAM window back (an
 * access later maps it again). */
static void ecam_bus_idle(void *ctx, uint16_t seg, uint8_t bus)
{
	(void)ctx;
	for (size_t i = 0; i < ecam_count; i++) {
		struct ecam_region *e = &ecam[i];

		if (e->r.segment != seg || bus < e->r.bus_start || bus > e->r.bus_end || !e->bus[bus])
			continue;
		iounmap((void *)e->bus[bus]);
		e->bus[bus] = NULL;
	}
}

static const struct pci_cfg_ops kernel_ops = { kernel_read, kernel_write, NULL };
static const struct pci_cfg_ops port_ops = { port_read, port_write, NULL };
static const struct pci_cfg_ops ecam_ops = { ecam_read, ecam_write, NULL };

const struct pci_cfg_ops *pci_port_ops(void) { return &port_ops; }
const struct pci_cfg_ops *pci_ecam_ops(void) { return ecam_count ? &ecam_ops : NULL; }

/* Where a function at addr goes in the list (address order: the walk is breadth-first, the
 * list reads bus by bus); NULL when addr is listed already. */
static struct pci_dev **insert_point(uint32_t addr)
{
	struct pci_dev **pp = &devices;

	while (*pp && (*pp)->addr < addr)
		pp = &(*pp)->next;
	return *pp && (*pp)->addr == addr ? NULL : pp;
}

static bool found_fn(uint32_t addr, void *arg)
{
	struct pci_dev **pp = insert_point(addr), *d;

	(void)arg;
	if (!pp)
		return true; /* a guard: each segment and each of its buses is scanned once */
	d = heap_alloc(sizeof(*d));
	if (!d) {
		printk(KERN_ERR "pci: out of memory at %02x:%02x.%u: list incomplete\n", PCI_ADDR_BUS(addr),
		       PCI_ADDR_DEV(addr), PCI_ADDR_FN(addr));
		return false;
	}
	pci_dev_probe(d, &kernel_ops, addr);
	d->next = *pp;
	*pp = d;
	device_count++;
	return true;
}

static void log_function(const struct pci_dev *d)
{
	printk(KERN_DEBUG "pci: %02x:%02x.%u %04x:%04x class %02x.%02x.%02x %s%s", PCI_ADDR_BUS(d->addr),
	       PCI_ADDR_DEV(d->addr), PCI_ADDR_FN(d->addr), d->vendor, d->device, d->class_code, d->subclass,
	       d->prog_if, pci_class_name(d->class_code, d->subclass, d->prog_if),
	       d->irq_pin ? "" : "\n");
	if (d->irq_pin)
		printk(KERN_DEBUG " INT%c# line %u\n", 'A' + d->irq_pin - 1, d->irq_line);
	for (unsigned int i = 0; i < PCI_BARS; i++) {
		const struct pci_bar *b = &d->bar[i];

		if (b->size)
			printk(KERN_DEBUG "pci:   BAR%u %s %#llx size %#llx%s%s\n", i, b->flags & PCI_BAR_IO ? "io" : "mem",
			       (unsigned long long)b->addr, (unsigned long long)b->size,
			       b->flags & PCI_BAR_MEM64 ? " 64-bit" : "", b->flags & PCI_BAR_PREFETCH ? " prefetch" : "");
	}
}

/* The bus range pci_init scans on segment seg: the union of its MCFG regions (segment 0
 * always from bus 0, through the ports if need be; 0-255 without a region). False for a
 * segment other than 0 without a region. */
static bool segment_range(uint16_t seg, uint8_t *first, uint8_t *last)
{
	bool any = false;

	*first = 0xff;
	*last = 0;
	for (size_t i = 0; i < ecam_count; i++) {
		if (ecam[i].r.segment != seg)
			continue;
		any = true;
		if (ecam[i].r.bus_start < *first)
			*first = ecam[i].r.bus_start;
		if (ecam[i].r.bus_end > *last)
			*last = ecam[i].r.bus_end;
	}
	if (seg == 0) {
		*first = 0;
		if (!any)
			*last = 0xff;
		return true;
	}
	return any;
}

/* The smallest MCFG segment above 'after', or -1 when none is left. */
static int next_segment(int after)
{
	int next = -1;

	for (size_t i = 0; i < ecam_count; i++)
		if ((int)ecam[i].r.segment > after && (next < 0 || (int)ecam[i].r.segment < next))
			next = ecam[i].r.segment;
	return next;
}

/* Each listed function of segment seg gets the bridge the walk reached its bus through
 * (res->upstream), or NULL on a root bus. That bridge was listed before the walk went
 * through it, so pci_get finds it; its bus is lower, so the parents never loop. */
static void link_parents(uint16_t seg, const struct pci_scan_result *res)
{
	for (struct pci_dev *d = devices; d; d = d->next) {
		uint16_t up = res->upstream[PCI_ADDR_BUS(d->addr)];

		if (PCI_ADDR_SEG(d->addr) != seg)
			continue;
		d->parent = NULL;
		if (up != PCI_SCAN_NO_BRIDGE)
			d->parent = pci_get(seg, (uint8_t)(up >> 8), (uint8_t)(up >> 3 & 0x1f),
					    (uint8_t)(up & 7));
	}
}

/* Scans one segment (see the top), links each function to its parent, says which peer
 * root buses it found; adds to the totals. roots: the machine's root buses (NULL: unknown,
 * probe). */
static void scan_segment(uint16_t seg, const struct pci_root *roots, size_t nroots, unsigned int *buses,
			 unsigned int *bad, unsigned int *mirrors)
{
	struct pci_scan_result res;
	uint8_t first, last, map[256 / 8] = {0};

	if (!segment_range(seg, &first, &last))
		return;
	for (size_t i = 0; roots && i < nroots; i++)
		if (roots[i].segment == seg)
			map[roots[i].bus / 8] |= (uint8_t)(1u << (roots[i].bus % 8));
	*buses += pci_scan_segment_roots(&kernel_ops, ecam_bus_idle, seg, first, last,
					 roots ? map : NULL, found_fn, NULL, &res);
	link_parents(seg, &res);
	*bad += res.bad_bridges;
	*mirrors += res.mirrors;
	for (unsigned int b = 0; b < 256 && res.peer_roots; b++)
		if (pci_scan_is_peer(&res, (uint8_t)b))
			printk(KERN_INFO "pci: peer root bus %04x:%02x (no bridge leads to it)\n", seg, b);
}

/* Every segment: 0, then the other MCFG segments in order. */
static void scan_all(const struct pci_root *roots, size_t nroots, unsigned int *buses, unsigned int *bad,
		     unsigned int *mirrors)
{
	scan_segment(0, roots, nroots, buses, bad, mirrors);
	for (int seg = next_segment(0); seg > 0; seg = next_segment(seg))
		scan_segment((uint16_t)seg, roots, nroots, buses, bad, mirrors);
}

/* pci_init - see pci.h. */
int pci_init(const struct pci_ecam *regions, size_t n, const struct pci_root *roots, size_t nroots)
{
	unsigned int buses = 0, bad = 0, mirrors = 0;
	uint64_t start = time_ns();

	for (size_t i = 0; i < n && ecam_count < PCI_MAX_ECAM_REGIONS; i++) {
		if (!regions[i].base || regions[i].bus_end < regions[i].bus_start)
			continue;
		ecam[ecam_count++].r = regions[i];
	}
	scan_all(roots, nroots, &buses, &bad, &mirrors);
	if (roots && !device_count) { /* ACPI named buses where nothing answers: look everywhere */
		printk(KERN_WARN "pci: nothing on the root buses ACPI names: probing every bus number\n");
		buses = bad = mirrors = 0;
		scan_all(NULL, 0, &buses, &bad, &mirrors);
	}
	printk(KERN_DEBUG "pci: buses walked in %llu us\n", (unsigned long long)((time_ns() - start) / 1000));
	for (const struct pci_dev *d = devices; d; d = d->next)
		if (ecam_covers(d->addr))
			ecam_used = true;
	for (const struct pci_dev *d = devices; d; d = d->next)
		log_function(d);
	if (bad)
		printk(KERN_WARN "pci: %u bridge(s) with a secondary bus already seen or below their own: skipped\n",
		       bad);
	if (mirrors)
		printk(KERN_WARN "pci: %u bus(es) read as copies of their segment's first bus: skipped\n", mirrors);
	printk(KERN_INFO "pci: %u function%s on %u bus%s (%s)\n", device_count, device_count == 1 ? "" : "s",
	       buses, buses == 1 ? "" : "es", ecam_used ? "ECAM" : "ports");
	return device_count ? 0 : -ENODEV;
}

bool pci_using_ecam(void) { return ecam_used; }
unsigned int pci_count(void) { return device_count; }

struct pci_dev *pci_next(const struct pci_dev *prev) { return prev ? prev->next : devices; }

static bool match(int want, unsigned int have) { return want == PCI_ANY || (unsigned int)want == have; }

struct pci_dev *pci_find_class(int class_code, int subclass, int prog_if, const struct pci_dev *from)
{
	for (struct pci_dev *d = pci_next(from); d; d = d->next)
		if (match(class_code, d->class_code) && match(subclass, d->subclass) && match(prog_if, d->prog_if))
			return d;
	return NULL;
}

struct pci_dev *pci_find_device(int vendor, int device, const struct pci_dev *from)
{
	for (struct pci_dev *d = pci_next(from); d; d = d->next)
		if (match(vendor, d->vendor) && match(device, d->device))
			return d;
	return NULL;
}

struct pci_dev *pci_get(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn)
{
	uint32_t addr = PCI_ADDR(seg, bus, dev, fn);

	for (struct pci_dev *d = devices; d; d = d->next)
		if (d->addr == addr)
			return d;
	return NULL;
}

/* The command bits a bridge forwards for the functions below it, as the log names them. */
static const struct {
	uint16_t bit;
	const char *name;
} bridge_bits[] = {
	{ PCI_COMMAND_IO, "I/O decode" },
	{ PCI_COMMAND_MEMORY, "memory decode" },
	{ PCI_COMMAND_MASTER, "bus mastering" },
};

/* "bus mastering", "memory decode and bus mastering", "I/O decode, memory decode and bus
 * mastering": the bridge_bits of 'bits', into buf. */
static void name_bridge_bits(char *buf, size_t size, uint16_t bits)
{
	unsigned int total = 0, n = 0;
	size_t len = 0;
	int w;

	for (size_t i = 0; i < ARRAY_SIZE(bridge_bits); i++)
		total += (bits & bridge_bits[i].bit) != 0;
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(bridge_bits) && len < size; i++) {
		if (!(bits & bridge_bits[i].bit))
			continue;
		n++;
		w = ksnprintf(buf + len, size - len, "%s%s",
			      n == 1 ? "" : n == total ? " and " : ", ", bridge_bits[i].name);
		len += w > 0 ? (size_t)w : 0;
	}
}

/* bus:dev.fn, with the segment in front when it is not 0. */
static void name_function(char *buf, size_t size, uint32_t addr)
{
	if (PCI_ADDR_SEG(addr))
		ksnprintf(buf, size, "%04x:%02x:%02x.%u", PCI_ADDR_SEG(addr), PCI_ADDR_BUS(addr),
			  PCI_ADDR_DEV(addr), PCI_ADDR_FN(addr));
	else
		ksnprintf(buf, size, "%02x:%02x.%u", PCI_ADDR_BUS(addr), PCI_ADDR_DEV(addr),
			  PCI_ADDR_FN(addr));
}

/* pci_enable_upstream - see pci.h. The chain ends: each parent sits on a lower bus. */
int pci_enable_upstream(struct pci_dev *dev, uint16_t bits)
{
	uint16_t want = bits & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	char who[16], bridge[16], had[48], kept[48];
	int err = 0;

	name_function(who, sizeof(who), dev->addr);
	for (struct pci_dev *b = dev->parent; b; b = b->parent) {
		uint16_t missing = want & (uint16_t)~pci_read16(b, PCI_COMMAND), left;

		if (!missing)
			continue; /* already forwarding all of it: not written */
		left = missing & (uint16_t)~pci_command(b, missing, 0);
		name_function(bridge, sizeof(bridge), b->addr);
		name_bridge_bits(had, sizeof(had), missing);
		if (!left) {
			printk(KERN_INFO "pci: %s: bridge had %s off: turned on (for %s)\n", bridge,
			       had, who);
			continue;
		}
		name_bridge_bits(kept, sizeof(kept), left);
		printk(KERN_WARN "pci: %s: bridge had %s off: %s would not turn on (for %s)\n",
		       bridge, had, kept, who);
		err = -EIO;
	}
	return err;
}

/*
 * The Reset Control Register of PC chipsets: I/O port 0xcf9, a byte inside the
 * configuration-address dword (a byte access reaches it, a dword access the address
 * register). Intel's since the PIIX (ICH and PCH datasheets, "Reset Control Register"),
 * AMD's and Hygon's FCH, and QEMU's PIIX3 and ICH9 have it: SYS_RST picks a hard reset,
 * FULL_RST a full one (the power cycled), and RST_CPU going from 0 to 1 starts it.
 */
#define PCI_RESET_CONTROL 0xcf9
#define RCR_SYS_RST 0x02
#define RCR_RST_CPU 0x04
#define RCR_FULL_RST 0x08
#define RCR_RESET_WAIT_MS 100 /* the reset takes effect within microseconds; QEMU's at its
			       * next exit to the main loop */

/* Host bridge vendors whose chipsets have the register (0000:00:00.0's vendor ID). */
static bool rcr_chipset(const struct pci_dev *host)
{
	return host && host->class_code == 0x06 && host->subclass == 0x00 &&
	       (host->vendor == PCI_VENDOR_INTEL || host->vendor == PCI_VENDOR_AMD ||
		host->vendor == PCI_VENDOR_HYGON);
}

/* pci_reset_system - see pci.h. */
int pci_reset_system(void)
{
	uint64_t irq;
	uint8_t keep;

	if (!rcr_chipset(pci_get(0, 0, 0, 0)))
		return -ENODEV;
	irq = arch_irq_save();
	keep = arch_pio_read8(PCI_RESET_CONTROL) & (uint8_t)~(RCR_SYS_RST | RCR_RST_CPU | RCR_FULL_RST);
	arch_pio_write8(PCI_RESET_CONTROL, keep | RCR_SYS_RST); /* RST_CPU 0 first: a 0 -> 1 edge */
	udelay(50);
	arch_pio_write8(PCI_RESET_CONTROL, keep | RCR_SYS_RST | RCR_FULL_RST | RCR_RST_CPU);
	mdelay(RCR_RESET_WAIT_MS);
	arch_irq_restore(irq);
	return -EIO;
}

/* pci_bind - see pci.h. */
int pci_bind(struct pci_dev *dev, const char *driver)
{
	if (dev->driver && dev->driver != driver)
		return -EBUSY;
	dev->driver = driver;
	return 0;
}

/* pci_bar_map - see pci.h. */
void *pci_bar_map(struct pci_dev *dev, unsigned int i)
{
	struct pci_bar *b;

	if (i >= PCI_BARS)
		return NULL;
	b = &dev->bar[i];
	if (b->virt)
		return b->virt;
	if (!b->size || !b->addr || b->flags & (PCI_BAR_IO | PCI_BAR_UPPER))
		return NULL;
	b->virt = ioremap((paddr_t)b->addr, (size_t)b->size, PG_CACHE_UC);
	return b->virt;
}
