// SPDX-License-Identifier: MIT
/*
 * The local APIC of the boot CPU in xAPIC mode (memory-mapped registers) or in x2APIC mode
 * (the same registers as MSRs) when the firmware left it there, as the interrupt
 * layer's end-of-interrupt target when irq.c chose the I/O APIC backend, and for its timer
 * beside the 8259s otherwise (virtual wire mode, unless `nolapic_timer`). This file owns the
 * IA32_APIC_BASE check, the uncached mapping of the register page, the spurious-interrupt
 * vector register (software enable, vector 0xff), the task priority and the local vector
 * table; the timer is time/lapic_timer.c's. Register names follow the Intel SDM vol. 3A,
 * chapter 11 (<arch/lapic.h>).
 *
 * Invariants: no register is written before lapic_enable(), which irq.c calls only once
 * the whole backend was accepted (setting a cleared global enable bit in lapic_init() is the
 * one exception), so a refusal leaves the firmware's state (virtual wire: 8259 INTR through
 * LINT0) for the 8259 fallback. Once enabled, LINT0 is masked (the 8259s are masked too and reach
 * the CPU only through the I/O APIC's lines, never as ExtINT), and every interrupt delivered
 * through the I/O APIC needs exactly one lapic_eoi(); the spurious vector needs none; a
 * vector without a source gets one only if it is in service (lapic_eoi_if_in_service).
 *
 * x2APIC mode: firmware that enables VT-d (Windows' Kernel DMA Protection on many laptops
 * since 2019) or has more than 255 CPUs hands over with IA32_APIC_BASE.EXTD set; the MMIO
 * page then decodes nothing and every register is MSR 0x800 + offset/16. The mode is used
 * as found, never changed: leaving it needs the APIC globally disabled first, and some
 * CPUs lock it on (IA32_XAPIC_DISABLE_STATUS). Only the ID reads differently (32 bits, no
 * shift). An x2APIC ID above 255 cannot be the destination of an MSI or an I/O APIC entry
 * without interrupt remapping, which LiOS does not set up: refused (the 8259s then).
 */
#include <arch/cpu.h>
#include <arch/msr.h>
#include <arch/trap.h>
#include <lios/cpu_features.h>
#include <lios/errno.h>
#include <lios/paging.h>
#include <lios/printk.h>
#include <lios/vmalloc.h>
#include "apic.h"

static volatile uint32_t *regs; /* xAPIC mode: the mapped page; NULL otherwise */
static paddr_t regs_phys;       /* the page IA32_APIC_BASE names (also in x2APIC mode) */
static bool x2apic;             /* registers are MSRs */
static bool present;            /* lapic_init succeeded (mapped, or x2APIC) */

static bool enabled;            /* software-enabled by lapic_enable or _virtual_wire */

/* lapic_reg_read/lapic_reg_write - a register of the local APIC (see <arch/lapic.h>). Any
 * context, only after lapic_init. */
uint32_t lapic_reg_read(unsigned int reg)
{
	return x2apic ? (uint32_t)rdmsr(lapic_x2apic_msr(reg)) : regs[reg / 4];
}

void lapic_reg_write(unsigned int reg, uint32_t v)
{
	if (x2apic)
		wrmsr(lapic_x2apic_msr(reg), v);
	else
		regs[reg / 4] = v;
}

/* lapic_in_use - present and software-enabled, on either interrupt backend. Any context. */
bool lapic_in_use(void) { return present && enabled; }

/* lapic_x2apic_mode - the registers are MSRs (the firmware left x2APIC mode on). */
bool lapic_x2apic_mode(void) { return present && x2apic; }

/* The LVT value for LINTn: NMI when the MADT wires it for this CPU (its UID or every CPU),
 * with the entry's polarity; otherwise masked. LINT0 masked as ExtINT, like Linux does
 * for the boot CPU once the I/O APIC takes over. When no entry names this CPU (none at
 * all, or only entries for other UIDs), LINT1 is NMI, edge, active high: the wiring of
 * every PC since the MP specification's default configurations, and what Linux programs
 * on the boot CPU whatever the MADT says. Masked, the chipset's NMIs (SERR#, IOCHK, a
 * BMC's button) would never arrive. */
static uint32_t lint_value(const struct irq_model *model, unsigned int lint, uint8_t my_id)
{
	int64_t my_uid = -1; /* not listed: no UID matches */
	bool described = false; /* an entry names an NMI input of this CPU */

	for (unsigned int i = 0; i < model->cpu_ids; i++)
		if (model->cpus[i].apic_id == my_id)
			my_uid = model->cpus[i].uid;
	for (unsigned int i = 0; i < model->lapic_nmi_count; i++) {
		const struct acpi_lapic_nmi *n = &model->lapic_nmis[i];
		uint32_t v = LAPIC_LVT_DM_NMI;

		if (n->uid != ACPI_UID_ALL && (int64_t)n->uid != my_uid)
			continue;
		described = true;
		if (n->lint != lint)
			continue;
		/* NMI delivery is always edge triggered; only the polarity applies */
		if ((n->flags & ACPI_MPS_POLARITY_MASK) == ACPI_MPS_POLARITY_LOW)
			v |= LAPIC_LVT_POLARITY_LOW;
		return v;
	}
	if (lint == 1 && !described)
		return LAPIC_LVT_DM_NMI;
	return (lint == 0 ? LAPIC_LVT_DM_EXTINT : LAPIC_LVT_DM_FIXED) | LAPIC_LVT_MASKED;
}

/* Finds the register page: the MSR is what the CPU decodes; the MADT's address should
 * agree, and a disagreement is reported. *x2 says the firmware left x2APIC mode on (the
 * registers are MSRs; an ID above 255 is refused). Returns 0 or -ENODEV with *why. Reads
 * only. */
static int lapic_locate(const struct irq_model *model, paddr_t *phys, bool *x2, const char **why)
{
	uint64_t base;

	if (!cpu_features()->apic) {
		*why = "the CPU has no local APIC (CPUID)";
		return -ENODEV;
	}
	base = rdmsr(MSR_APIC_BASE);
	*x2 = base & APIC_BASE_X2APIC_ENABLE;
	if (*x2 && !cpu_features()->x2apic) {
		*why = "IA32_APIC_BASE says x2APIC mode on a CPU without x2APIC (CPUID)";
		return -ENODEV;
	}
	if (*x2 && rdmsr(lapic_x2apic_msr(LAPIC_ID)) > 0xff) {
		*why = "the firmware left x2APIC mode on with an APIC ID above 255 (needs interrupt "
		       "remapping)";
		return -ENODEV;
	}
	*phys = base & APIC_BASE_ADDR_MASK;
	if (model && model->present && model->lapic_address && model->lapic_address != *phys)
		printk(KERN_WARN "irq: MADT says the local APIC is at %#llx, the CPU at %#llx; using the CPU's\n",
		       (unsigned long long)model->lapic_address, (unsigned long long)*phys);
	return 0;
}

/*
 * lapic_init - find and map this CPU's local APIC; no register is written yet. model may
 * be NULL (no MADT: the 8259 backend). Returns 0; -ENODEV or -ENOMEM with *why. Boot,
 * interrupts disabled, after mm (ioremap).
 */
int lapic_init(const struct irq_model *model, const char **why)
{
	paddr_t phys;
	bool x2;
	int err = lapic_locate(model, &phys, &x2, why);

	if (err)
		return err;
	if (x2) { /* EXTD implies the global enable: nothing to map or set */
		x2apic = present = true;
		regs_phys = phys;
		return 0;
	}
	regs = ioremap(phys, LAPIC_MMIO_SIZE, PG_CACHE_UC);
	if (!regs) {
		*why = "no address space to map the local APIC";
		return -ENOMEM;
	}
	if (!(rdmsr(MSR_APIC_BASE) & APIC_BASE_GLOBAL_ENABLE)) {
		/* globally disabled by the firmware: the one MSR write before the decision */
		wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_GLOBAL_ENABLE);
		if (!(rdmsr(MSR_APIC_BASE) & APIC_BASE_GLOBAL_ENABLE)) {
			lapic_release();
			*why = "the local APIC is disabled in IA32_APIC_BASE and stays so";
			return -ENODEV;
		}
	}
	regs_phys = phys;
	present = true;
	return 0;
}

/* lapic_release - forget a mapped but not enabled local APIC (the backend was refused
 * after lapic_init). Boot. */
void lapic_release(void)
{
	enabled = present = x2apic = false;
	if (regs)
		iounmap((void *)regs);
	regs = NULL;
}

/* Masks the timer, error, performance, thermal and corrected machine-check entries
 * (those the version register says exist: a write to an absent one is an APIC error). */
static void mask_local_lvts(void)
{
	unsigned int max_lvt = (lapic_reg_read(LAPIC_VERSION) >> LAPIC_MAX_LVT_SHIFT) & 0xff;

	lapic_reg_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	lapic_reg_write(LAPIC_LVT_ERROR, LAPIC_LVT_MASKED);
	if (max_lvt >= 4)
		lapic_reg_write(LAPIC_LVT_PERF, LAPIC_LVT_MASKED);
	if (max_lvt >= 5)
		lapic_reg_write(LAPIC_LVT_THERMAL, LAPIC_LVT_MASKED);
	/* firmware that handles corrected errors itself may leave CMCI on a vector LiOS
	 * does not know */
	if (max_lvt >= 6)
		lapic_reg_write(LAPIC_LVT_CMCI, LAPIC_LVT_MASKED);
}

static bool in_service(unsigned int vector)
{
	return lapic_reg_read(LAPIC_ISR + LAPIC_ISR_STRIDE * (vector / 32)) >> (vector % 32) & 1;
}

static bool any_in_service(void)
{
	for (unsigned int i = 0; i < LAPIC_ISR_REGS; i++)
		if (lapic_reg_read(LAPIC_ISR + LAPIC_ISR_STRIDE * i))
			return true;
	return false;
}

/* Ends every interrupt the firmware (or the boot loader) left in service: each EOI clears
 * only the highest one, and any left would block its priority class and all below. At
 * most one EOI per vector, so a register that never clears cannot hang the boot. */
static void drain_in_service(void)
{
	unsigned int eois = 0;

	while (any_in_service() && eois < LAPIC_ISR_REGS * 32) {
		lapic_eoi();
		eois++;
	}
	if (any_in_service())
		printk(KERN_WARN "irq: the local APIC keeps vectors in service after %u EOIs\n", eois);
}

/*
 * lapic_enable - program the local APIC mapped by lapic_init (see apic.h) and software-
 * enable it. From here on the 8259s cannot reach the CPU through LINT0. Boot, interrupts
 * disabled.
 */
void lapic_enable(const struct irq_model *model)
{
	uint8_t id = (uint8_t)lapic_id();

	mask_local_lvts();
	lapic_reg_write(LAPIC_LVT_LINT0, lint_value(model, 0, id));
	lapic_reg_write(LAPIC_LVT_LINT1, lint_value(model, 1, id));
	lapic_reg_write(LAPIC_TPR, 0);  /* accept every priority class */
	lapic_reg_write(LAPIC_SVR, LAPIC_SVR_APIC_ENABLE | VEC_SPURIOUS);
	drain_in_service();
	enabled = true;
}

/*
 * lapic_enable_virtual_wire - software-enable the mapped local APIC beside the 8259s, for
 * its timer alone: LINT0 stays the 8259s' way in (ExtINT, unmasked: "virtual wire" mode,
 * Intel MP specification 3.6.2.2), LINT1 is NMI, the timer/error/perf/thermal/CMCI LVTs are
 * masked. The 8259s' interrupts still get their EOI at the PICs, never here. Boot,
 * interrupts disabled, after lapic_init.
 */
void lapic_enable_virtual_wire(void)
{
	mask_local_lvts();
	lapic_reg_write(LAPIC_LVT_LINT0, LAPIC_LVT_DM_EXTINT);
	lapic_reg_write(LAPIC_LVT_LINT1, LAPIC_LVT_DM_NMI);
	lapic_reg_write(LAPIC_TPR, 0);
	lapic_reg_write(LAPIC_SVR, LAPIC_SVR_APIC_ENABLE | VEC_SPURIOUS);
	drain_in_service();
	enabled = true;
}

/* lapic_eoi - end of interrupt for the highest in-service vector. Interrupts disabled. */
void lapic_eoi(void)
{
	lapic_reg_write(LAPIC_EOI, 0);
}

/*
 * lapic_eoi_if_in_service - end of interrupt for vector when, and only when, the local
 * APIC holds it in service: it delivered it (an MSI, an I/O APIC entry or an LVT the
 * firmware programmed) and will block its priority class until the EOI. An INT
 * instruction or the 8259s (ExtINT) set no in-service bit, and an EOI then would end
 * another vector's service. Handlers do not nest, so a vector in service is the highest
 * one, the one an EOI ends. Returns true when an EOI was sent; false when the local APIC
 * is not in use. Interrupts disabled.
 */
bool lapic_eoi_if_in_service(unsigned int vector)
{
	if (!lapic_in_use() || vector >= LAPIC_ISR_REGS * 32 || !in_service(vector))
		return false;
	lapic_eoi();
	return true;
}

/* lapic_id - this CPU's APIC ID (bits 31-24 of the register in xAPIC mode, all 32 in
 * x2APIC mode); 0 when the APIC is not in use. Any context. */
uint32_t lapic_id(void)
{
	if (!present)
		return 0;
	return x2apic ? lapic_reg_read(LAPIC_ID) : lapic_reg_read(LAPIC_ID) >> LAPIC_ID_SHIFT;
}

/* lapic_version - the version register (version in bits 7-0, max LVT in 23-16); 0 when
 * not in use. Any context. */
uint32_t lapic_version(void) { return present ? lapic_reg_read(LAPIC_VERSION) : 0; }

/* lapic_svr - the spurious-interrupt vector register; 0 when not in use. Any context. */
uint32_t lapic_svr(void) { return present ? lapic_reg_read(LAPIC_SVR) : 0; }

/* lapic_lvt - an LVT register (LAPIC_LVT_*); 0 when not in use. Any context. */
uint32_t lapic_lvt(unsigned int reg) { return present ? lapic_reg_read(reg) : 0; }

/* lapic_phys - the physical address of the register page IA32_APIC_BASE names (decoded
 * only in xAPIC mode); 0 when not in use. */
paddr_t lapic_phys(void) { return present ? regs_phys : 0; }
