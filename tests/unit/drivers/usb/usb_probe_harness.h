/* SPDX-License-Identifier: MIT */
/*
 * The simulated machine of test_usb_probe, test_usb_irq, test_usb_settle and
 * test_usb_shutdown, which run usb.c's probe through usb_init as the kernel does:
 * configuration space through the 0xcf8/0xcfc ports (pci_sim.c, pci_sim_ports.c), each
 * xHCI's BAR 0 mapped by ioremap to its own simulated register file (xhci_sim.c:
 * xhci_mmio_bar here stands in for the kernel's loads and stores, and counts them), a
 * heap that can refuse a controller's structure or its slot table, an interrupt layer that
 * hands out vectors or refuses them, and the helpers that add controllers and scan.
 * Header-only, included once by each program (its fakes define the kernel's symbols). pci_init runs
 * once per process, so these programs take one case per run.
 */
#ifndef USB_PROBE_HARNESS_H
#define USB_PROBE_HARNESS_H

#include <lios/errno.h>
#include <lios/heap.h>
#include <lios/pci.h>
#include <lios/printk.h>
#include <lios/timer.h>
#include <lios/usb.h>
#include <lios/vmalloc.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "../../unit.h"
#include "../pci/pci_sim.h"
#include "log_capture.h"
#include "xhci_sim.h"

extern uint64_t host_time_skip_ns; /* src/arch/host/time_host.c */
extern uint64_t time_ns(void);

#define BAR_BASE 0xfe000000u /* BAR 0 of the xHCI at 00:dev.0: BAR_BASE + dev * BAR_STEP */
#define BAR_STEP 0x10000u
#define PHYS_LIMIT (1ull << 36) /* the CPU's physical address width: ioremap refuses beyond */
#define BAR_MEM64 0x4u          /* a BAR's type bits: 64-bit memory */
#define BAR_IO 0x1u             /* ... I/O space */
#define MAX_CTL 4
#define GET_DESCRIPTOR 0x06 /* USB 2.0, table 9-4 */

/* ------------------------------------------------------------------ the machine */
struct ctl {
	struct sim_fn *fn;                       /* its configuration space */
	struct xhci_sim xs;                      /* its registers */
	uint64_t bar;                            /* where BAR 0 is: what ioremap maps to xs */
	unsigned int maps;                       /* ioremap calls for it */
	uint8_t cfg_before[PCI_CFG_LEGACY_SIZE]; /* configuration space before usb_init */
	struct xhci_mmio mmio;                   /* the driver's accessors: xs's, counted */
	unsigned int accesses;                   /* register reads and writes through them */
	unsigned int writes;                     /* the writes among them */
};

static struct {
	struct sim pci;
	struct pci_cfg_ops cfg;
	struct ctl ctl[MAX_CTL];
	unsigned int nctl;
	unsigned int ioremaps;    /* every ioremap call */
	unsigned int heap_before; /* blocks live when usb_init began */
	void (*tick)(void);       /* usb_init's tick hook */
	uint64_t slept_ms;        /* timer_sleep_ms so far: the simulated time it let pass */
} m;

/* A controller's BAR 0 maps to its register file; any other address (one beyond the CPU's
 * reach above all) is refused, as the kernel's ioremap refuses it. */
void *ioremap(paddr_t phys, size_t size, unsigned cache)
{
	(void)cache;
	m.ioremaps++;
	for (unsigned int i = 0; i < m.nctl && phys < PHYS_LIMIT; i++)
		if (m.ctl[i].bar == phys && size <= sizeof(m.ctl[i].xs.reg)) {
			m.ctl[i].maps++;
			return m.ctl[i].xs.reg;
		}
	return NULL;
}
void iounmap(void *p) { (void)p; }

/* Every access the driver makes to a controller's registers goes through these, counted
 * (a stopped controller must see none), on to the simulator's. */
static uint32_t counted_read32(void *ctx, uint32_t off)
{
	struct ctl *c = ctx;

	c->accesses++;
	return c->xs.mmio.read32(c->xs.mmio.ctx, off);
}
static void counted_write32(void *ctx, uint32_t off, uint32_t v)
{
	struct ctl *c = ctx;

	c->accesses++;
	c->writes++;
	c->xs.mmio.write32(c->xs.mmio.ctx, off, v);
}
static void counted_write8(void *ctx, uint32_t off, uint8_t v)
{
	struct ctl *c = ctx;

	c->accesses++;
	c->writes++;
	c->xs.mmio.write8(c->xs.mmio.ctx, off, v);
}

/* The kernel's loads and stores into the mapped BAR (xhci_mmio.c), here the simulator's,
 * counted in the controller's accesses. */
const struct xhci_mmio *xhci_mmio_bar(struct xhci *hc, void *base)
{
	(void)hc;
	for (unsigned int i = 0; i < m.nctl; i++)
		if (base == m.ctl[i].xs.reg) {
			struct ctl *c = &m.ctl[i];

			sim_mmio(&c->xs);
			c->mmio = (struct xhci_mmio){ counted_read32, counted_write32,
						      counted_write8, c };
			return &c->mmio;
		}
	fprintf(stderr, "xhci_mmio_bar: %p is no controller's BAR\n", base);
	abort();
}

/* ------------------------------------------------------------------ the rest of the kernel */
#define HEAP_MAX 64
static void *heap_blocks[HEAP_MAX]; /* live blocks, reachable: LeakSanitizer does not report
				     * the controllers usb.c keeps on purpose */
static unsigned int heap_live;
static unsigned int refuse_slot_tables; /* the next heap_calloc of a slot table that fail */
static unsigned int refuse_controllers; /* the next heap_calloc of a struct xhci that fail */

void *heap_calloc(size_t n, size_t size)
{
	void *p;

	if (refuse_slot_tables && n == SIM_SLOTS + 1u) {
		refuse_slot_tables--;
		return NULL;
	}
	if (refuse_controllers && n == 1 && size == sizeof(struct xhci)) {
		refuse_controllers--;
		return NULL;
	}
	if (heap_live == HEAP_MAX || !(p = calloc(n, size)))
		abort();
	heap_blocks[heap_live++] = p;
	return p;
}
void *heap_alloc(size_t size) { return heap_calloc(1, size); }
void heap_free(void *p)
{
	for (unsigned int i = 0; p && i < heap_live; i++)
		if (heap_blocks[i] == p) {
			heap_blocks[i] = heap_blocks[--heap_live];
			free(p);
			return;
		}
	CHECK(p == NULL); /* a block the heap never gave */
}

uint64_t timer_uptime_us(void) { return time_ns() / 1000; }
/* The sleeper's milliseconds pass on the simulated clock, each with its tick (the hook
 * usb_init added), as the 1 kHz timer would run them: devices go on while usb_wait_settled
 * waits. Within a tick a clock read costs 1 us, so its own deadlines stay in step. */
void timer_sleep_ms(uint64_t ms)
{
	uint64_t skip = host_time_skip_ns;

	for (uint64_t i = 0; i < ms; i++) {
		host_time_skip_ns = 1000000;
		(void)time_ns(); /* the millisecond */
		host_time_skip_ns = 1000;
		if (m.tick)
			m.tick();
	}
	host_time_skip_ns = skip;
	m.slept_ms += ms;
}
int timer_add_tick_hook(void (*fn)(void))
{
	m.tick = fn;
	return 0;
}

/* The interrupt layer: by default the 8259 backend's, which has no vector for a message
 * (-ENODEV). A case may refuse with another error, or only the next few calls; after the
 * refusals, vectors from IRQ_VECTOR_DYN_FIRST with their handlers kept, to be called. */
static struct {
	int refuse;            /* the refusals' error */
	unsigned int refusals; /* calls still refused (UINT_MAX: every one) */
	unsigned int calls, allocs, frees;
	irq_handler_fn fn[256]; /* by vector, NULL once freed */
	void *ctx[256];
} irq_layer = { .refuse = -ENODEV, .refusals = UINT_MAX };
#define MSI_ADDR 0xfee00000u /* arch_msi_message's answer: local APIC 0 */

int irq_alloc_vector(irq_handler_fn fn, void *ctx)
{
	int v = IRQ_VECTOR_DYN_FIRST + (int)irq_layer.allocs;

	irq_layer.calls++;
	if (irq_layer.refusals) {
		if (irq_layer.refusals != UINT_MAX)
			irq_layer.refusals--;
		return irq_layer.refuse;
	}
	irq_layer.allocs++;
	irq_layer.fn[v] = fn;
	irq_layer.ctx[v] = ctx;
	return v;
}
void irq_free_vector(int vector)
{
	irq_layer.frees++;
	irq_layer.fn[vector] = NULL;
}
int arch_msi_message(int vector, uint64_t *addr, uint32_t *data)
{
	*addr = MSI_ADDR;
	*data = (uint32_t)vector;
	return 0;
}
static unsigned int key_presses;  /* keys the keyboards reported pressed */
static unsigned int key_releases; /* ... and released */
void kbd_report_key(uint16_t key, bool pressed)
{
	(void)key;
	key_presses += pressed;
	key_releases += !pressed;
}
void kbd_set_led_listener(void (*fn)(uint8_t leds)) { (void)fn; }
uint8_t kbd_leds(void) { return 0; }

/* A boot keyboard on every slot: its descriptors, and every other request answered. */
static inline enum sim_answer keyboard(struct xhci_sim *s, unsigned int slot,
				       const struct sim_setup *su, uint8_t *data, size_t *len)
{
	(void)s, (void)slot;
	if (su->type != 0x80 || su->req != GET_DESCRIPTOR)
		return SIM_ANSWER;
	if ((su->value >> 8) == USB_DT_DEVICE)
		memcpy(data, sim_kbd_device_desc, *len = sizeof(sim_kbd_device_desc));
	else if ((su->value >> 8) == USB_DT_CONFIG)
		memcpy(data, sim_kbd_config_desc, *len = sizeof(sim_kbd_config_desc));
	else
		return SIM_STALL;
	return SIM_ANSWER;
}

/* ------------------------------------------------------------------ set-up and looks */
/* What printk sent at KERN_WARN or KERN_ERR (log_capture_buf gets KERN_ERR alone). */
static char warn_buf[4096];
static size_t warn_len;
static inline void warn_sink(const char *s, size_t len)
{
	if (warn_len + len < sizeof(warn_buf)) {
		memcpy(warn_buf + warn_len, s, len);
		warn_len += len;
	}
}
static inline bool warned(const char *needle) { return strstr(warn_buf, needle) != NULL; }

static inline void logs_start(void)
{
	sim_log_start();
	printk_add_sink(log_capture_sink, false);
	printk_set_sink_level(log_capture_sink, 3); /* KERN_ERR */
	printk_add_sink(warn_sink, false);
	printk_set_sink_level(warn_sink, 4); /* KERN_WARN */
}

/* A function at 00:dev.0 that says it is an xHCI (vendor:device), no BAR yet. */
static inline struct ctl *add_fn(uint8_t dev, uint16_t vendor, uint16_t device)
{
	struct ctl *c;

	if (m.nctl == MAX_CTL)
		abort();
	c = &m.ctl[m.nctl++];
	c->fn = sim_add(&m.pci, 0, dev, 0, vendor, device, PCI_CLASS_SERIAL_BUS, PCI_SUBCLASS_USB,
			0);
	sim_w8(c->fn, PCI_PROG_IF, PCI_PROG_IF_XHCI);
	return c;
}

/* An xHCI at 00:dev.0 (vendor:device), with its 64-bit BAR 0 of SIM_SIZE bytes assigned,
 * decoding and bus mastering off, its registers as the knobs in *knobs say. */
static inline struct ctl *add_xhci(uint8_t dev, uint16_t vendor, uint16_t device,
				   const struct xhci_sim *knobs)
{
	struct ctl *c = add_fn(dev, vendor, device);

	c->bar = BAR_BASE + (uint64_t)dev * BAR_STEP;
	sim_bar64(c->fn, 0, c->bar | BAR_MEM64, SIM_SIZE);
	c->xs = *knobs;
	c->xs.window = SIM_SIZE;
	c->xs.device = keyboard;
	sim_init(&c->xs);
	return c;
}

/* Enumerate the machine (bus 0 only), keep each xHCI's configuration space as it is, then
 * usb_init with 10 us per clock read (its 2 ms look at each takeover passes in 200 reads,
 * a 32 ms halt in 3200; the 5 s a broken controller once cost it never pass here: they
 * pass on the tick). Its result; scan_us, the simulated time usb_init took. */
static uint64_t scan_us;
static inline int scan(void)
{
	const struct pci_root root = { 0, 0 };
	int started;

	sim_add(&m.pci, 0, 0, 0, 0x8086, 0x29c0, PCI_CLASS_BRIDGE, PCI_SUBCLASS_BRIDGE_HOST, 0);
	sim_ops(&m.pci, &m.cfg);
	sim_ports_attach(&m.cfg);
	CHECK_EQ(pci_init(NULL, 0, &root, 1), 0);
	for (unsigned int i = 0; i < m.nctl; i++)
		memcpy(m.ctl[i].cfg_before, m.ctl[i].fn->cfg, PCI_CFG_LEGACY_SIZE);
	sim_log_clear();
	host_time_skip_ns = 10000;
	m.heap_before = heap_live;
	scan_us = time_ns();
	started = usb_init();
	scan_us = (time_ns() - scan_us) / 1000;
	host_time_skip_ns = 0;
	return started;
}

static inline uint16_t command(const struct ctl *c)
{
	return (uint16_t)sim_r32(c->fn, PCI_COMMAND);
}
static inline uint32_t reg(const struct ctl *c, uint32_t off) { return c->xs.reg[off / 4]; }
static inline bool halted(const struct ctl *c)
{
	return !(reg(c, SIM_OP + XHCI_USBCMD) & XHCI_CMD_RUN) &&
	       (reg(c, SIM_OP + XHCI_USBSTS) & XHCI_STS_HCH);
}

/* c is in usb_controllers (the driver reaches it through the accessors xhci_mmio_bar gave). */
static inline bool listed(const struct ctl *c)
{
	for (struct xhci *hc = usb_controllers; hc; hc = hc->next)
		if (hc->mmio == &c->mmio)
			return true;
	return false;
}

#endif
