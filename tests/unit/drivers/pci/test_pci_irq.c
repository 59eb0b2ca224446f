// SPDX-License-Identifier: MIT
/*
 * Host test of pci_irq.c, the kernel side of message-signalled interrupts: the MSI-X table
 * checked against its BAR, a vector from the interrupt layer with its message, MSI-X before
 * MSI, and pci_irq_disable. Built with the real pci.c (pci_init through configuration
 * mechanism #1 on pci_sim_ports.c), pci_config.c and pci_cap.c; this file stands in for the
 * interrupt layer (irq_alloc_vector, irq_free_vector, arch_msi_message) and for ioremap,
 * which maps each function's BAR 0 to a plain buffer where the table is read back.
 *
 * Every function of the machine has the same BARs, so each case picks a fresh one and
 * writes its own capabilities (read live; only BARs are cached at enumeration):
 *   BAR 0      32-bit memory, BAR_SIZE bytes: the table's home, mapped to window[dev]
 *   BAR 1      I/O: a table there cannot be mapped
 *   BAR 2-3    64-bit memory at 1 TiB, beyond the CPU: ioremap refuses it; 3 is its upper half
 *   BAR 4-5    not implemented
 * The interrupt layer's fake counts vectors handed out and freed: every refusal must leave
 * none allocated, and a refusal found before a vector was needed must not even ask for one.
 */
#include <lios/errno.h>
#include <lios/pci.h>
#include <lios/vmalloc.h>
#include <stdlib.h>
#include <string.h>
#include "../../unit.h"
#include "pci_internal.h"
#include "pci_sim.h"

#define NIC_CLASS 0x02       /* network: any class will do */
#define NFN 24               /* functions 00:01.0-00:18.0, one or two per case */
#define BAR_BASE 0xfe000000u /* BAR 0 of 00:dev.0 at BAR_BASE + dev * BAR_STEP */
#define BAR_STEP 0x10000u
#define BAR_SIZE 0x4000u     /* as QEMU's xHCI: table at 0x3000, PBA at 0x3800 */
#define FAR_BAR (1ull << 40) /* BAR 2: 1 TiB, past a 36-bit CPU */
#define PHYS_LIMIT (1ull << 36)
#define IO_BAR 0xc001u /* BAR 1: port 0xc000, I/O space bit */
#define TABLE 0x3000u  /* the MSI-X table's offset in its BAR */
#define ENTRIES 16u
#define MSIX_CAP 0x40
#define MSI_CAP 0x60
#define MSG_ADDR 0xfee01000u /* what arch_msi_message answers: local APIC 1 */
#define JUNK 0x5a5a5a5au     /* an entry's address and data before programming */

/* ------------------------------------------------------------------ the interrupt layer */
static struct {
	int next;        /* the vector handed out next */
	int refuse;      /* < 0: irq_alloc_vector answers this */
	bool no_message; /* arch_msi_message fails */
	unsigned int allocs, frees;
	bool live[256];
	irq_handler_fn fn[256];
	void *ctx[256];
	int last_freed;
} irq = { .next = IRQ_VECTOR_DYN_FIRST, .last_freed = -1 };

int irq_alloc_vector(irq_handler_fn fn, void *ctx)
{
	int v;

	if (irq.refuse < 0)
		return irq.refuse;
	v = irq.next++;
	irq.allocs++;
	irq.live[v] = true;
	irq.fn[v] = fn;
	irq.ctx[v] = ctx;
	return v;
}

/* Freeing a vector not handed out is the caller's bug: a check fails. */
void irq_free_vector(int vector)
{
	CHECK(vector >= 0 && vector < 256 && irq.live[vector]);
	if (vector < 0 || vector >= 256)
		return;
	irq.live[vector] = false;
	irq.frees++;
	irq.last_freed = vector;
}

int arch_msi_message(int vector, uint64_t *addr, uint32_t *data)
{
	if (irq.no_message || vector < 0 || vector >= 256 || !irq.live[vector])
		return -EINVAL;
	*addr = MSG_ADDR;
	*data = (uint32_t)vector;
	return 0;
}

static unsigned int vectors_live(void) { return irq.allocs - irq.frees; }

/* ------------------------------------------------------------------ the rest of the kernel */
static uint32_t window[NFN + 1][BAR_SIZE / 4]; /* what each BAR 0 maps to */
static unsigned int ioremaps;

/* BAR 0 of a function maps to its window; anything else (BAR 2, beyond the CPU) is
 * refused, as the kernel's ioremap refuses it. */
void *ioremap(paddr_t phys, size_t size, unsigned cache)
{
	(void)cache;
	ioremaps++;
	if (phys >= PHYS_LIMIT || phys < BAR_BASE || (phys - BAR_BASE) % BAR_STEP ||
	    size > BAR_SIZE || (phys - BAR_BASE) / BAR_STEP > NFN)
		return NULL;
	return window[(phys - BAR_BASE) / BAR_STEP];
}
void iounmap(void *p) { (void)p; }
void *heap_alloc(size_t size) { return calloc(1, size); } /* pci.c's list: kept for good */

/* ------------------------------------------------------------------ the machine */
static struct sim sim;
static struct pci_cfg_ops sim_cfg, port_cfg;

/* A function whose MSI-X Table Size reads as one entry from its second read on (a reset
 * under the driver's feet): the only way past pci_msix_enable's own checks to a
 * pci_msix_program that refuses. */
struct shrink {
	uint32_t addr;
	bool on;
	unsigned int reads;
};
static struct shrink shrink;

static uint32_t port_read(void *ctx, uint32_t addr, uint16_t off, unsigned int width)
{
	uint32_t v = sim_cfg.read(ctx, addr, off, width);

	if (!shrink.on || addr != shrink.addr || off != MSIX_CAP + PCI_MSIX_FLAGS || width != 2)
		return v;
	return shrink.reads++ ? v & ~PCI_MSIX_FLAGS_QSIZE : v;
}

static void port_write(void *ctx, uint32_t addr, uint16_t off, unsigned int width, uint32_t v)
{
	sim_cfg.write(ctx, addr, off, width, v);
}

/* One function of a case: its pci_dev, its configuration space, its BAR 0's window, and
 * both as they were when the case began, so a refusal can show it wrote nothing. */
struct fn {
	struct pci_dev *dev;
	struct sim_fn *sim;
	uint32_t *bar0;  /* BAR 0's window */
	uint32_t *table; /* the MSI-X table at TABLE of BAR 0 */
	uint8_t cfg_before[PCI_CFG_LEGACY_SIZE];
	uint32_t window_before[BAR_SIZE / 4];
	unsigned int allocs_before;
};

/* Every table entry as hardware leaves it after reset: masked, address and data unknown. */
static void table_reset(uint32_t *w)
{
	for (unsigned int i = 0; i < BAR_SIZE / 4; i += PCI_MSIX_ENTRY_SIZE / 4) {
		w[i + PCI_MSIX_ENTRY_ADDR_LO / 4] = JUNK;
		w[i + PCI_MSIX_ENTRY_ADDR_HI / 4] = JUNK;
		w[i + PCI_MSIX_ENTRY_DATA / 4] = JUNK;
		w[i + PCI_MSIX_ENTRY_CTRL / 4] = PCI_MSIX_ENTRY_CTRL_MASKBIT;
	}
}

static void machine(void)
{
	const struct pci_root root = { 0, 0 };

	sim_ops(&sim, &sim_cfg);
	port_cfg = (struct pci_cfg_ops){ port_read, port_write, &sim };
	sim_ports_attach(&port_cfg);
	sim_add(&sim, 0, 0, 0, 0x8086, 0x29c0, PCI_CLASS_BRIDGE, PCI_SUBCLASS_BRIDGE_HOST, 0);
	for (uint8_t d = 1; d <= NFN; d++) {
		struct sim_fn *f = sim_add(&sim, 0, d, 0, 0x8086, 0x10d3, NIC_CLASS, 0, 0);

		sim_bar(f, 0, BAR_BASE + d * BAR_STEP, BAR_SIZE);
		sim_bar(f, 1, IO_BAR, 0x20);
		sim_bar64(f, 2, (FAR_BAR + d * BAR_STEP) | 0x4u /* 64-bit */, BAR_SIZE);
		table_reset(window[d]);
	}
	CHECK_EQ(pci_init(NULL, 0, &root, 1), 0);
	CHECK_EQ(pci_count(), NFN + 1u);
}

/* The next unused function, its state recorded. */
static struct fn *fresh(void)
{
	static struct fn fns[NFN];
	static unsigned int used;
	struct fn *f;

	if (used == NFN)
		abort();
	f = &fns[used++];
	f->dev = pci_get(0, 0, (uint8_t)used, 0);
	f->sim = sim.fn[0][used][0];
	f->bar0 = window[used];
	f->table = f->bar0 + TABLE / 4;
	if (!f->dev)
		abort();
	return f;
}

static void snapshot(struct fn *f)
{
	memcpy(f->cfg_before, f->sim->cfg, sizeof(f->cfg_before));
	memcpy(f->window_before, f->bar0, sizeof(f->window_before));
	f->allocs_before = irq.allocs;
}

/* The MSI-X table moved to 'table' (offset | BIR). */
static void msix_table(struct fn *f, uint32_t table)
{
	sim_w32(f->sim, MSIX_CAP + PCI_MSIX_TABLE, table);
}

/* An MSI-X capability: 'entries' entries at 'table'. */
static void add_msix(struct fn *f, unsigned int entries, uint32_t table)
{
	sim_cap(f->sim, MSIX_CAP, PCI_CAP_ID_MSIX);
	sim_w16(f->sim, MSIX_CAP + PCI_MSIX_FLAGS, (uint16_t)(entries - 1));
	msix_table(f, table);
}

/* An MSI capability with 64-bit addresses and per-vector masking, every vector masked. */
static void add_msi(struct fn *f)
{
	sim_cap(f->sim, MSI_CAP, PCI_CAP_ID_MSI);
	sim_w16(f->sim, MSI_CAP + PCI_MSI_FLAGS, PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT);
	sim_w32(f->sim, MSI_CAP + PCI_MSI_MASK_64, 1);
}

static uint16_t cfg16(const struct fn *f, uint16_t off) { return (uint16_t)sim_r32(f->sim, off); }
static uint32_t *entry(const struct fn *f, unsigned int i)
{
	return f->table + i * (PCI_MSIX_ENTRY_SIZE / 4);
}

/* Nothing written since the snapshot (configuration space, the BAR's window), no vector
 * asked for, none left allocated. */
static void refused_clean(const struct fn *f)
{
	CHECK(!memcmp(f->sim->cfg, f->cfg_before, sizeof(f->cfg_before)));
	CHECK(!memcmp(f->bar0, f->window_before, sizeof(f->window_before)));
	CHECK_EQ(irq.allocs, f->allocs_before);
	CHECK_EQ(vectors_live(), 0u);
	CHECK_EQ(f->dev->msi_vector, -1);
}

/* A vector was taken and given back: nothing left allocated, the table as it was. */
static void vector_returned(const struct fn *f, int vector)
{
	CHECK_EQ(irq.allocs, f->allocs_before + 1);
	CHECK_EQ(irq.last_freed, vector);
	CHECK_EQ(vectors_live(), 0u);
	CHECK(!memcmp(f->bar0, f->window_before, sizeof(f->window_before)));
	CHECK_EQ(f->dev->msi_vector, -1);
}

static void handler(unsigned int vector, void *ctx) { (void)vector, (void)ctx; }
static int owner; /* the ctx every enable passes: its handler must get it back */

/* f holds vector v from MSI-X, entry i programmed: its address, data and unmasked control,
 * the function enabled and unmasked, memory decoding on, INTx off, the handler installed. */
static void msix_programmed(const struct fn *f, int v, unsigned int i)
{
	uint16_t flags = cfg16(f, MSIX_CAP + PCI_MSIX_FLAGS);

	CHECK(v >= IRQ_VECTOR_DYN_FIRST);
	CHECK_EQ(f->dev->msi_vector, v);
	CHECK_EQ(entry(f, i)[PCI_MSIX_ENTRY_ADDR_LO / 4], MSG_ADDR);
	CHECK_EQ(entry(f, i)[PCI_MSIX_ENTRY_ADDR_HI / 4], 0u);
	CHECK_EQ(entry(f, i)[PCI_MSIX_ENTRY_DATA / 4], (uint32_t)v);
	CHECK_EQ(entry(f, i)[PCI_MSIX_ENTRY_CTRL / 4], 0u);
	CHECK(flags & PCI_MSIX_FLAGS_ENABLE);
	CHECK(!(flags & PCI_MSIX_FLAGS_MASKALL));
	CHECK_EQ(cfg16(f, PCI_COMMAND) & (PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE),
		 PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	CHECK(v >= 0 && irq.live[v] && irq.fn[v] == handler && irq.ctx[v] == &owner);
	CHECK_EQ(vectors_live(), 1u);
}

/* The entries other than i kept their reset state. */
static bool others_untouched(const struct fn *f, unsigned int i)
{
	for (unsigned int e = 0; e < ENTRIES; e++)
		if (e != i &&
		    memcmp(entry(f, e),
			   (const uint8_t *)f->window_before + TABLE + e * PCI_MSIX_ENTRY_SIZE,
			   PCI_MSIX_ENTRY_SIZE))
			return false;
	return true;
}

/* ------------------------------------------------------------------ MSI-X */
/* Table of 16 at 0x3000 of BAR 0, entry 2 asked for: a vector, its message in entry 2 and
 * only there. pci_irq_disable then turns MSI-X off, allows INTx and frees the vector; a
 * second pci_irq_disable frees nothing more. */
static void msix_enable_and_disable(void)
{
	struct fn *f = fresh();
	int v;

	add_msix(f, ENTRIES, TABLE);
	snapshot(f);
	v = pci_msix_enable(f->dev, 2, handler, &owner);
	msix_programmed(f, v, 2);
	CHECK(others_untouched(f, 2));
	pci_irq_disable(f->dev);
	CHECK(!(cfg16(f, MSIX_CAP + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_ENABLE));
	CHECK(!(cfg16(f, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE));
	CHECK_EQ(irq.last_freed, v);
	CHECK_EQ(vectors_live(), 0u);
	CHECK_EQ(f->dev->msi_vector, -1);
	pci_irq_disable(f->dev);
	CHECK_EQ(irq.frees, irq.allocs);
}

/* The Table BIR names no BAR a table can live in: 6 and 7 (reserved, past the six BARs),
 * 3 (the upper half of the 64-bit BAR 2) and 4 (not implemented): -EINVAL each time,
 * before a mapping or a vector is asked for, nothing written. */
static void msix_bir_refused(void)
{
	static const uint32_t birs[] = { 6, 7, 3, 4 };
	struct fn *f = fresh();
	unsigned int maps = ioremaps;

	add_msix(f, ENTRIES, TABLE);
	for (unsigned int i = 0; i < sizeof(birs) / sizeof(birs[0]); i++) {
		msix_table(f, TABLE | birs[i]);
		snapshot(f);
		CHECK_EQ(pci_msix_enable(f->dev, 0, handler, NULL), -EINVAL);
		refused_clean(f);
	}
	CHECK_EQ(ioremaps, maps);
}

/* Entry 16 of a table of 16 is refused (-EINVAL, nothing asked for or written); entry 15,
 * the last, is programmed. */
static void msix_entry_past_table(void)
{
	struct fn *f = fresh();
	int v;

	add_msix(f, ENTRIES, TABLE);
	snapshot(f);
	CHECK_EQ(pci_msix_enable(f->dev, ENTRIES, handler, &owner), -EINVAL);
	refused_clean(f);
	v = pci_msix_enable(f->dev, ENTRIES - 1, handler, &owner);
	msix_programmed(f, v, ENTRIES - 1);
	pci_irq_disable(f->dev);
}

/* A table of 16 at 0x3f10 would end 16 bytes past BAR 0's 16 KiB: refused, even for entry
 * 0, which lies inside; nothing asked for or written. At 0x3f00 it ends on the BAR's last
 * byte: programmed. */
static void msix_table_past_bar(void)
{
	struct fn *f = fresh();
	const uint32_t last = BAR_SIZE - ENTRIES * PCI_MSIX_ENTRY_SIZE;
	int v;

	add_msix(f, ENTRIES, last + 0x10);
	snapshot(f);
	CHECK_EQ(pci_msix_enable(f->dev, 0, handler, &owner), -EINVAL);
	refused_clean(f);
	msix_table(f, last);
	v = pci_msix_enable(f->dev, 0, handler, &owner);
	CHECK_EQ(v, (int)irq.next - 1);
	CHECK_EQ(f->bar0[(last + PCI_MSIX_ENTRY_DATA) / 4], (uint32_t)v);
	pci_irq_disable(f->dev);
	CHECK_EQ(vectors_live(), 0u);
}

/* The table in BAR 2, at 1 TiB where ioremap refuses, or at 0 of the I/O BAR 1 (a table
 * of one entry fits its 32 bytes): -ENOMEM, no vector asked for, nothing written. */
static void msix_bar_not_mapped(void)
{
	struct fn *f = fresh();
	unsigned int maps = ioremaps;

	add_msix(f, ENTRIES, 0x1000 | 2);
	snapshot(f);
	CHECK_EQ(pci_msix_enable(f->dev, 0, handler, NULL), -ENOMEM);
	refused_clean(f);
	CHECK_EQ(ioremaps, maps + 1);
	sim_w16(f->sim, MSIX_CAP + PCI_MSIX_FLAGS, 0);
	msix_table(f, 0 | 1);
	snapshot(f);
	CHECK_EQ(pci_msix_enable(f->dev, 0, handler, NULL), -ENOMEM);
	refused_clean(f);
	CHECK_EQ(ioremaps, maps + 1);
}

/* The interrupt layer has no vector (-ENOSPC: all taken; -ENODEV: the 8259 backend): its
 * error comes back, nothing written, nothing allocated. */
static void msix_no_vector(void)
{
	struct fn *f = fresh();

	add_msix(f, ENTRIES, TABLE);
	snapshot(f);
	irq.refuse = -ENOSPC;
	CHECK_EQ(pci_msix_enable(f->dev, 0, handler, NULL), -ENOSPC);
	refused_clean(f);
	irq.refuse = -ENODEV;
	CHECK_EQ(pci_msix_enable(f->dev, 0, handler, NULL), -ENODEV);
	refused_clean(f);
	irq.refuse = 0;
}

/* A vector, but no message for it: -ENODEV, the vector freed, the table untouched. */
static void msix_no_message(void)
{
	struct fn *f = fresh();
	int v = irq.next;

	add_msix(f, ENTRIES, TABLE);
	snapshot(f);
	irq.no_message = true;
	CHECK_EQ(pci_msix_enable(f->dev, 0, handler, NULL), -ENODEV);
	irq.no_message = false;
	vector_returned(f, v);
	CHECK_EQ(cfg16(f, MSIX_CAP + PCI_MSIX_FLAGS), ENTRIES - 1);
}

/* Table Size reads 16 first, then 1 (the function reset between the reads): entry 3 passes
 * the bounds, pci_msix_program refuses it. -EINVAL, the vector freed, the table and the
 * MSI-X control untouched. */
static void msix_program_fails(void)
{
	struct fn *f = fresh();
	int v = irq.next;

	add_msix(f, ENTRIES, TABLE);
	snapshot(f);
	shrink = (struct shrink){ f->dev->addr, true, 0 };
	CHECK_EQ(pci_msix_enable(f->dev, 3, handler, NULL), -EINVAL);
	CHECK(shrink.reads >= 2);
	shrink.on = false;
	vector_returned(f, v);
	CHECK_EQ(cfg16(f, MSIX_CAP + PCI_MSIX_FLAGS), ENTRIES - 1);
}

/* ------------------------------------------------------------------ MSI, and the choice */
/* A function holding a vector already: MSI-X, MSI and pci_irq_enable all answer -EBUSY
 * (pci_irq_enable does not go on to MSI), no second vector, nothing rewritten. */
static void busy(void)
{
	struct fn *f = fresh();
	int v;

	add_msix(f, ENTRIES, TABLE);
	add_msi(f);
	v = pci_irq_enable(f->dev, handler, &owner);
	snapshot(f);
	CHECK_EQ(pci_msix_enable(f->dev, 1, handler, NULL), -EBUSY);
	CHECK_EQ(pci_msi_enable(f->dev, handler, NULL), -EBUSY);
	CHECK_EQ(pci_irq_enable(f->dev, handler, NULL), -EBUSY);
	CHECK(!memcmp(f->sim->cfg, f->cfg_before, sizeof(f->cfg_before)));
	CHECK(!memcmp(f->bar0, f->window_before, sizeof(f->window_before)));
	CHECK_EQ(irq.allocs, f->allocs_before);
	CHECK_EQ(f->dev->msi_vector, v);
	pci_irq_disable(f->dev);
	CHECK_EQ(vectors_live(), 0u);
}

/* MSI as programmed: enabled with one message, 64-bit address, data, vector unmasked. */
static void msi_programmed(const struct fn *f, int v)
{
	CHECK_EQ(f->dev->msi_vector, v);
	CHECK_EQ(cfg16(f, MSI_CAP + PCI_MSI_FLAGS) &
			 (PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE_MASK),
		 PCI_MSI_FLAGS_ENABLE);
	CHECK_EQ(sim_r32(f->sim, MSI_CAP + PCI_MSI_ADDR_LO), MSG_ADDR);
	CHECK_EQ(sim_r32(f->sim, MSI_CAP + PCI_MSI_ADDR_HI), 0u);
	CHECK_EQ(cfg16(f, MSI_CAP + PCI_MSI_DATA_64), (uint16_t)v);
	CHECK_EQ(sim_r32(f->sim, MSI_CAP + PCI_MSI_MASK_64), 0u);
	CHECK(cfg16(f, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
	CHECK(v >= 0 && irq.live[v] && irq.fn[v] == handler && irq.ctx[v] == &owner);
}

/* Both capabilities: pci_irq_enable takes MSI-X (entry 0) and leaves MSI off, untouched. */
static void irq_enable_prefers_msix(void)
{
	struct fn *f = fresh();
	int v;

	add_msix(f, ENTRIES, TABLE);
	add_msi(f);
	snapshot(f);
	v = pci_irq_enable(f->dev, handler, &owner);
	msix_programmed(f, v, 0);
	CHECK(!memcmp(f->sim->cfg + MSI_CAP, f->cfg_before + MSI_CAP, 0x18));
	pci_irq_disable(f->dev);
}

/* MSI alone: pci_irq_enable programs it; pci_irq_disable turns it off, allows INTx again,
 * frees the vector. */
static void irq_enable_msi_without_msix(void)
{
	struct fn *f = fresh();
	int v;

	add_msi(f);
	snapshot(f);
	v = pci_irq_enable(f->dev, handler, &owner);
	msi_programmed(f, v);
	CHECK_EQ(vectors_live(), 1u);
	pci_irq_disable(f->dev);
	CHECK(!(cfg16(f, MSI_CAP + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_ENABLE));
	CHECK(!(cfg16(f, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE));
	CHECK_EQ(irq.last_freed, v);
	CHECK_EQ(vectors_live(), 0u);
	CHECK_EQ(f->dev->msi_vector, -1);
}

/* MSI-X whose table runs past its BAR, and MSI: pci_irq_enable goes on to MSI; the MSI-X
 * capability and the table stay as they were. */
static void irq_enable_msi_when_msix_refused(void)
{
	struct fn *f = fresh();
	int v;

	add_msix(f, ENTRIES, BAR_SIZE - 0x10);
	add_msi(f);
	snapshot(f);
	v = pci_irq_enable(f->dev, handler, &owner);
	msi_programmed(f, v);
	CHECK_EQ(cfg16(f, MSIX_CAP + PCI_MSIX_FLAGS), ENTRIES - 1);
	CHECK(!memcmp(f->bar0, f->window_before, sizeof(f->window_before)));
	CHECK_EQ(irq.allocs, f->allocs_before + 1);
	pci_irq_disable(f->dev);
}

/* MSI's failures: no vector (the error back, MSI untouched, nothing allocated), no message
 * (the vector freed); no capability at all: -ENODEV from pci_irq_enable. */
static void msi_refused(void)
{
	struct fn *f = fresh(), *bare = fresh();
	int v;

	add_msi(f);
	snapshot(f);
	irq.refuse = -ENOSPC;
	CHECK_EQ(pci_irq_enable(f->dev, handler, NULL), -ENOSPC);
	irq.refuse = 0;
	refused_clean(f);
	v = irq.next;
	irq.no_message = true;
	CHECK_EQ(pci_msi_enable(f->dev, handler, NULL), -ENODEV);
	irq.no_message = false;
	vector_returned(f, v);
	CHECK(!memcmp(f->sim->cfg, f->cfg_before, sizeof(f->cfg_before)));
	snapshot(bare);
	CHECK_EQ(pci_irq_enable(bare->dev, handler, NULL), -ENODEV);
	refused_clean(bare);
}

/* pci_irq_disable of a function without a vector (INTx Disable left set by firmware): INTx
 * allowed again, nothing freed. */
static void irq_disable_without_vector(void)
{
	struct fn *f = fresh();
	unsigned int frees = irq.frees;

	add_msi(f);
	sim_w16(f->sim, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	pci_irq_disable(f->dev);
	CHECK_EQ(cfg16(f, PCI_COMMAND), PCI_COMMAND_MEMORY);
	CHECK_EQ(irq.frees, frees);
	CHECK_EQ(f->dev->msi_vector, -1);
}

int main(void)
{
	machine();
	RUN(msix_enable_and_disable);
	RUN(msix_bir_refused);
	RUN(msix_entry_past_table);
	RUN(msix_table_past_bar);
	RUN(msix_bar_not_mapped);
	RUN(msix_no_vector);
	RUN(msix_no_message);
	RUN(msix_program_fails);
	RUN(busy);
	RUN(irq_enable_prefers_msix);
	RUN(irq_enable_msi_without_msix);
	RUN(irq_enable_msi_when_msix_refused);
	RUN(msi_refused);
	RUN(irq_disable_without_vector);
	sim_free(&sim);
	return unit_summary();
}
