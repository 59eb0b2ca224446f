// SPDX-License-Identifier: MIT
/*
 * The I/O APICs the MADT lists (Intel 82093AA and its chipset successors): their uncached
 * register windows, the redirection table of each, and the routing of the 16 ISA lines onto
 * global system interrupts (GSIs). irq.c decides what to mask and when; this file owns
 * where each line goes and how its redirection entry is written. Register names follow
 * the 82093AA data sheet: IOREGSEL selects a register, IOWIN reads or writes it; IOAPICVER
 * holds the version and the highest redirection entry; IOREDTBLn is entry n, two dwords.
 * I/O APICs of version 0x20 and later (the ICH's and their successors) add an EOI
 * register at 0x40.
 *
 * Routing: ISA line n arrives on GSI n unless an interrupt source override says otherwise
 * (QEMU: IRQ 0 -> GSI 2), with the override's polarity and trigger, else ISA's (edge,
 * active high). The GSI belongs to the I/O APIC whose [gsi_base, gsi_base + inputs) holds
 * it. Line n gets vector 32 + n, fixed delivery, physical destination the boot CPU.
 *
 * ACPI associates each GSI with one I/O APIC input. An I/O APIC whose range overlaps that
 * of one in use listed before it in the MADT is refused, as Linux's mp_register_ioapic
 * refuses it: the table is wrong about one of the two and nothing says which, so the first
 * keeps its range, and the later one's inputs, the ones outside the overlap too (its GSI
 * base is suspect), are masked and never routed; then its window is unmapped. A warning
 * names both ranges. An entry at the physical address of an I/O APIC in use is refused the
 * same way, as Linux refuses it (-EEXIST): one register window is one chip, and its inputs
 * cannot carry two GSI ranges, so a line routed through the second entry would rewrite the
 * entry of a line routed through the first. The first keeps the chip; its inputs are used,
 * and the refused entry is never mapped (nothing to undo, and no chance of unmapping the
 * window the first entry uses). ioapics[] holds the I/O APICs in use only: a refused entry
 * is not counted, described or routed to.
 *
 * Firmware that used an I/O APIC may hand over a level-triggered entry with Remote IRR set:
 * an interrupt the CPU accepted and never ended. Remote IRR is read-only and survives any
 * rewrite of the entry, and while it is set the input sends nothing, so that line (the
 * ACPI SCI, a PCI INTx) would stay silent for the whole run. ioapic_init() ends each such
 * interrupt with the entry masked, as Linux does at boot: through the EOI register with
 * the entry's vector where there is one, else by writing the entry edge-triggered (which
 * clears Remote IRR) and then back.
 *
 * Invariants: every input of every I/O APIC (a refused one's too) is masked from
 * ioapic_init() on, except the entries of lines irq.c unmasked and the firmware's SMI
 * entries (left as found, as Linux does); only the I/O APICs in use stay mapped; no input
 * of one in use still holds the firmware's Remote IRR after ioapic_init() (one that will
 * not let go is reported); a line without a route (no input of an I/O APIC in use, or its
 * GSI taken by another line's override) is reported masked and cannot be unmasked. IOREGSEL and IOWIN are used as a pair with interrupts
 * disabled, so nothing changes the selection in between (one CPU).
 */
#include <arch/cpu.h>
#include <arch/mmio.h>
#include <arch/trap.h>
#include <lios/errno.h>
#include <lios/irq.h>
#include <lios/paging.h>
#include <lios/printk.h>
#include <lios/vmalloc.h>
#include "apic.h"

#define IOREGSEL 0x00         /* byte offset of the register select */
#define IOWIN 0x10            /* byte offset of the data window */
#define IOAPIC_EOI 0x40       /* byte offset of the EOI register (version 0x20 and later) */
#define IOAPIC_MMIO_SIZE 0x44
#define IOAPICID 0x00
#define IOAPICVER 0x01
#define IOAPICVER_VERSION_MASK 0xffu /* bits 7-0: the implementation's version */
#define IOAPICVER_MRE_SHIFT 16 /* bits 23-16: maximum redirection entry (inputs - 1) */
#define IOAPIC_VERSION_EOI 0x20 /* the first version with the EOI register */
#define IOREDTBL(n) (0x10 + 2 * (n))
/* IOREGSEL selects 8 bits of register number: IOREDTBL0-119 fill 0x10-0xff, so no I/O APIC
 * has more inputs; a larger maximum redirection entry is a misread register, and taken as
 * said its entries' numbers, cut to 8 bits, would land on IOAPICID, IOAPICARB and the
 * first entries again. */
#define IOAPIC_MAX_INPUTS 120

struct ioapic {
	volatile uint32_t *regs;  /* the mapped IOREGSEL/IOWIN window */
	paddr_t phys;
	uint8_t id;               /* MADT's I/O APIC ID */
	uint8_t version;          /* IOAPICVER bits 7-0 */
	uint32_t gsi_base;        /* GSI of input 0 */
	unsigned int inputs;      /* redirection entries */
};

struct isa_route {
	bool routed;
	uint8_t ioapic;           /* index in ioapics[] */
	uint8_t pin;              /* input of that I/O APIC */
	uint32_t gsi;
	uint16_t flags;           /* ACPI_MPS_* of the override, 0 without one */
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS]; /* in use, in MADT order */
static unsigned int ioapic_count;
static struct isa_route routes[IRQ_LINES];

static uint32_t ioapic_read(const struct ioapic *io, uint8_t reg)
{
	uint64_t flags = irq_save();
	uint32_t v;

	mmio_write32(&io->regs[IOREGSEL / 4], reg);
	v = mmio_read32(&io->regs[IOWIN / 4]);
	irq_restore(flags);
	return v;
}

static void ioapic_write(const struct ioapic *io, uint8_t reg, uint32_t v)
{
	uint64_t flags = irq_save();

	mmio_write32(&io->regs[IOREGSEL / 4], reg);
	mmio_write32(&io->regs[IOWIN / 4], v);
	irq_restore(flags);
}

static uint64_t rte_read(const struct ioapic *io, unsigned int pin)
{
	return ioapic_read(io, (uint8_t)IOREDTBL(pin)) |
	       (uint64_t)ioapic_read(io, (uint8_t)(IOREDTBL(pin) + 1)) << 32;
}

/* High dword first, then the low one with the mask bit: the entry is never live with a
 * half-written destination. */
static void rte_write(const struct ioapic *io, unsigned int pin, uint64_t v)
{
	ioapic_write(io, (uint8_t)(IOREDTBL(pin) + 1), (uint32_t)(v >> 32));
	ioapic_write(io, (uint8_t)IOREDTBL(pin), (uint32_t)v);
}

/* Masks every input of io but those with SMI delivery: the firmware's own, which Linux
 * leaves as it finds them too (masking one could stop a firmware function that relies on
 * it). */
static void mask_inputs(const struct ioapic *io)
{
	for (unsigned int pin = 0; pin < io->inputs; pin++) {
		uint32_t lo = ioapic_read(io, (uint8_t)IOREDTBL(pin));

		if ((lo & IOAPIC_RTE_DELMOD_MASK) == IOAPIC_RTE_DELMOD_SMI)
			continue;
		ioapic_write(io, (uint8_t)IOREDTBL(pin), lo | (uint32_t)IOAPIC_RTE_MASKED);
	}
}

/* The same on every I/O APIC in use. */
static void mask_all_inputs(void)
{
	for (unsigned int i = 0; i < ioapic_count; i++)
		mask_inputs(&ioapics[i]);
}

/* Ends the interrupt that input pin holds in Remote IRR (see the top of the file); the
 * entry is masked already, and is left as it was but for Remote IRR. An SMI entry is the
 * firmware's own and left alone, as Linux does. */
static void end_remote_irr(const struct ioapic *io, unsigned int pin)
{
	uint8_t reg = (uint8_t)IOREDTBL(pin);
	uint32_t lo = ioapic_read(io, reg);

	if (!(lo & IOAPIC_RTE_REMOTE_IRR) ||
	    (lo & IOAPIC_RTE_DELMOD_MASK) == IOAPIC_RTE_DELMOD_SMI)
		return;
	if (io->version >= IOAPIC_VERSION_EOI) {
		/* the EOI register ends level-triggered entries only */
		ioapic_write(io, reg, lo | (uint32_t)IOAPIC_RTE_TRIGGER_LEVEL);
		mmio_write32(&io->regs[IOAPIC_EOI / 4], lo & (uint32_t)IOAPIC_RTE_VECTOR_MASK);
	} else {
		ioapic_write(io, reg, lo & ~(uint32_t)IOAPIC_RTE_TRIGGER_LEVEL);
	}
	ioapic_write(io, reg, lo);
	if (ioapic_read(io, reg) & IOAPIC_RTE_REMOTE_IRR)
		printk(KERN_WARN "irq: I/O APIC %u input %u: Remote IRR left set by the firmware "
				 "stays set: that input cannot interrupt\n",
		       io->id, pin);
	else
		printk(KERN_DEBUG "irq: I/O APIC %u input %u: Remote IRR left set by the firmware "
				  "(vector %u), ended\n",
		       io->id, pin, lo & (unsigned int)IOAPIC_RTE_VECTOR_MASK);
}

/* Maps and sizes one I/O APIC. Returns 0 or a negative error with *why. */
static int map_one(const struct acpi_ioapic *a, struct ioapic *io, const char **why)
{
	uint32_t ver;

	io->regs = ioremap(a->address, IOAPIC_MMIO_SIZE, PG_CACHE_UC);
	if (!io->regs) {
		*why = "no address space to map an I/O APIC";
		return -ENOMEM;
	}
	ver = ioapic_read(io, IOAPICVER);
	if (ver == 0xffffffffu) {
		iounmap((void *)io->regs);
		*why = "an I/O APIC of the MADT does not answer (IOAPICVER reads all ones)";
		return -ENODEV;
	}
	io->phys = a->address;
	io->id = a->id;
	io->version = (uint8_t)(ver & IOAPICVER_VERSION_MASK);
	io->gsi_base = a->gsi_base;
	io->inputs = ((ver >> IOAPICVER_MRE_SHIFT) & 0xff) + 1;
	if (io->inputs > IOAPIC_MAX_INPUTS) {
		printk(KERN_WARN "irq: I/O APIC %u at %#llx: IOAPICVER claims %u inputs, more than "
		       "its registers reach: %u used\n", io->id, (unsigned long long)io->phys,
		       io->inputs, IOAPIC_MAX_INPUTS);
		io->inputs = IOAPIC_MAX_INPUTS;
	}
	return 0;
}

/* True, said, when MADT entry a is at the address of an I/O APIC in use (see the top of
 * the file). Asked before a is mapped: a refused entry never is. */
static bool refuse_duplicate(const struct acpi_ioapic *a)
{
	for (unsigned int i = 0; i < ioapic_count; i++) {
		const struct ioapic *o = &ioapics[i];

		if (o->phys != a->address)
			continue;
		printk(KERN_WARN "irq: I/O APIC %u at %#llx: I/O APIC %u is at that address already: "
				 "the MADT lists one chip twice, this entry (GSI base %u) is not used\n",
		       a->id, (unsigned long long)a->address, o->id, a->gsi_base);
		return true;
	}
	return false;
}

/* True, said, when the GSI range of io (mapped, not yet in use) overlaps that of an I/O
 * APIC in use (see the top of the file). The ranges are compared in 64 bits: a GSI base
 * near 2^32 plus its inputs does not wrap. */
static bool refuse_overlap(const struct ioapic *io)
{
	uint64_t start = io->gsi_base, end = start + io->inputs;

	for (unsigned int i = 0; i < ioapic_count; i++) {
		const struct ioapic *o = &ioapics[i];
		uint64_t o_start = o->gsi_base, o_end = o_start + o->inputs;

		if (start >= o_end || o_start >= end)
			continue;
		printk(KERN_WARN "irq: I/O APIC %u at %#llx: GSIs %llu-%llu overlap I/O APIC %u's "
				 "%llu-%llu: the MADT is wrong, its inputs stay masked and unused\n",
		       io->id, (unsigned long long)io->phys, (unsigned long long)start,
		       (unsigned long long)end - 1, o->id, (unsigned long long)o_start,
		       (unsigned long long)o_end - 1);
		return true;
	}
	return false;
}

/* Where ISA line irq arrives: its override's GSI and flags, else GSI irq; unrouted when
 * another line's override took that GSI or no I/O APIC in use has the input. */
static struct isa_route route_line(const struct irq_model *model, unsigned int irq)
{
	struct isa_route r = {.gsi = irq};
	bool overridden = false;

	for (unsigned int i = 0; i < model->override_count; i++) {
		const struct acpi_irq_override *o = &model->overrides[i];

		if (o->source == irq && !overridden) {
			r.gsi = o->gsi, r.flags = o->flags;
			overridden = true;
		}
	}
	for (unsigned int i = 0; i < model->override_count && !overridden; i++)
		if (model->overrides[i].gsi == irq && model->overrides[i].source != irq)
			return r; /* GSI irq carries another ISA line */
	for (unsigned int i = 0; i < irq; i++)
		if (routes[i].routed && routes[i].gsi == r.gsi)
			return r; /* two lines on one GSI: the first keeps it */
	for (unsigned int i = 0; i < ioapic_count; i++) {
		const struct ioapic *io = &ioapics[i];

		if (r.gsi >= io->gsi_base && r.gsi - io->gsi_base < io->inputs) {
			r.routed = true;
			r.ioapic = (uint8_t)i;
			r.pin = (uint8_t)(r.gsi - io->gsi_base);
			break;
		}
	}
	return r;
}

static uint64_t route_entry(const struct isa_route *r, unsigned int irq, uint8_t dest_id)
{
	uint64_t v = (VEC_IRQ_BASE + irq) | IOAPIC_RTE_DELMOD_FIXED | IOAPIC_RTE_MASKED |
		     (uint64_t)dest_id << IOAPIC_RTE_DEST_SHIFT;

	if ((r->flags & ACPI_MPS_POLARITY_MASK) == ACPI_MPS_POLARITY_LOW)
		v |= IOAPIC_RTE_INTPOL_LOW;
	if ((r->flags & ACPI_MPS_TRIGGER_MASK) == ACPI_MPS_TRIGGER_LEVEL)
		v |= IOAPIC_RTE_TRIGGER_LEVEL;
	return v;
}

/*
 * ioapic_init - map the MADT's I/O APICs, mask every input, end the interrupts the
 * firmware left awaiting an EOI, route the ISA lines (see the top of the file), all
 * masked. Returns 0; -ENODEV (no I/O APIC, one does not answer, the timer line has no
 * input) or -ENOMEM with *why. Boot, interrupts off, after mm.
 */
int ioapic_init(const struct irq_model *model, uint8_t dest_id, const char **why)
{
	int err;

	if (!model->ioapic_count) {
		*why = "the MADT lists no I/O APIC";
		return -ENODEV;
	}
	for (unsigned int i = 0; i < model->ioapic_count; i++) {
		struct ioapic *io = &ioapics[ioapic_count];

		if (refuse_duplicate(&model->ioapics[i]))
			continue; /* its chip is in use, masked with the others */
		err = map_one(&model->ioapics[i], io, why);
		if (err)
			goto out_fail;
		if (refuse_overlap(io)) {
			mask_inputs(io); /* another chip: masked, then let go of */
			iounmap((void *)io->regs);
			continue;
		}
		ioapic_count++;
	}
	mask_all_inputs();
	for (unsigned int i = 0; i < ioapic_count; i++)
		for (unsigned int pin = 0; pin < ioapics[i].inputs; pin++)
			end_remote_irr(&ioapics[i], pin);
	for (unsigned int irq = 0; irq < IRQ_LINES; irq++) {
		if (irq == IRQ_CASCADE)
			continue;
		routes[irq] = route_line(model, irq);
		if (routes[irq].routed)
			rte_write(&ioapics[routes[irq].ioapic], routes[irq].pin,
				  route_entry(&routes[irq], irq, dest_id));
		else
			printk(KERN_DEBUG "irq: ISA line %u has no I/O APIC input\n", irq);
	}
	if (!routes[IRQ_TIMER].routed) {
		*why = "the timer's line (IRQ 0) has no I/O APIC input";
		err = -ENODEV;
		goto out_fail;
	}
	return 0;

out_fail:
	mask_all_inputs();
	for (unsigned int i = 0; i < ioapic_count; i++)
		iounmap((void *)ioapics[i].regs);
	ioapic_count = 0;
	for (unsigned int irq = 0; irq < IRQ_LINES; irq++)
		routes[irq].routed = false;
	return err;
}

/*
 * ioapic_set_masked - set or clear the mask bit of line irq's redirection entry.
 * Returns 0, or -ENODEV for a line without a route. Any context.
 */
int ioapic_set_masked(unsigned int irq, bool masked)
{
	const struct isa_route *r;
	uint64_t flags;
	uint32_t lo;

	if (irq >= IRQ_LINES || !routes[irq].routed)
		return -ENODEV;
	r = &routes[irq];
	flags = irq_save();
	lo = ioapic_read(&ioapics[r->ioapic], (uint8_t)IOREDTBL(r->pin));
	if (masked)
		lo |= (uint32_t)IOAPIC_RTE_MASKED;
	else
		lo &= ~(uint32_t)IOAPIC_RTE_MASKED;
	ioapic_write(&ioapics[r->ioapic], (uint8_t)IOREDTBL(r->pin), lo);
	irq_restore(flags);
	return 0;
}

/* ioapic_line_routed - line irq has an I/O APIC input. Any context. */
bool ioapic_line_routed(unsigned int irq) { return irq < IRQ_LINES && routes[irq].routed; }

/* ioapic_line_gsi - line irq's GSI (meaningful when routed). Any context. */
uint32_t ioapic_line_gsi(unsigned int irq) { return irq < IRQ_LINES ? routes[irq].gsi : 0; }

/* ioapic_line_entry - the redirection entry read back; all ones without a route. */
uint64_t ioapic_line_entry(unsigned int irq)
{
	if (!ioapic_line_routed(irq))
		return ~0ull;
	return rte_read(&ioapics[routes[irq].ioapic], routes[irq].pin);
}

/* ioapic_mask_state - bit n: line n masked in hardware or without a route. Any context. */
uint16_t ioapic_mask_state(void)
{
	uint16_t mask = 0;

	for (unsigned int irq = 0; irq < IRQ_LINES; irq++)
		if (ioapic_line_entry(irq) & IOAPIC_RTE_MASKED)
			mask |= (uint16_t)(1u << irq);
	return mask;
}

/* ioapic_describe - the ID, address and inputs of the i-th I/O APIC in use (refused MADT
 * entries are not counted); false past the last one. Any context. */
bool ioapic_describe(unsigned int i, uint8_t *id, paddr_t *phys, unsigned int *inputs)
{
	if (i >= ioapic_count)
		return false;
	*id = ioapics[i].id;
	*phys = ioapics[i].phys;
	*inputs = ioapics[i].inputs;
	return true;
}

/*
 * ioapic_summary - the I/O APICs in use, for the boot line, into buf (n bytes): "I/O APIC
 * <id> at <address>, <inputs> lines" for the first, and " (and N more I/O APIC[s])" when
 * there are others; refused MADT entries are not counted (their warnings name them).
 * Empty before ioapic_init succeeded. Any context.
 */
void ioapic_summary(char *buf, size_t n)
{
	unsigned int more = ioapic_count ? ioapic_count - 1 : 0;
	char others[40] = "";

	if (!ioapic_count) {
		if (n)
			buf[0] = '\0';
		return;
	}
	if (more)
		ksnprintf(others, sizeof(others), " (and %u more I/O APIC%s)", more, more > 1 ? "s" : "");
	ksnprintf(buf, n, "I/O APIC %u at %#llx, %u lines%s", ioapics[0].id,
		  (unsigned long long)ioapics[0].phys, ioapics[0].inputs, others);
}
