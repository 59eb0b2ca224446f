// SPDX-License-Identifier: MIT
/*
 * Machine checks: the CPU's own report of a hardware error (a memory or cache ECC error, a
 * bus error, an internal parity error), through the machine-check architecture (Intel SDM
 * vol. 3 ch. 16, AMD APM vol. 2 ch. 9).
 *
 * Without CR4.MCE a machine check shuts the processor down: the machine resets or hangs with
 * no word of why. So at boot (mce_init): every bank's error reporting is enabled (MCG_CTL
 * and each MCi_CTL all ones; not bank 0 of Intel P6 cores before Nehalem, which the
 * firmware owns), errors the banks still hold from before this boot are reported (what a
 * machine that reset itself died of) and cleared, and CR4.MCE is set. Then:
 * - an uncorrected error raises #MC: trap.c panics as for any exception, and the panic
 *   lists every bank holding an error (mce_print_banks: status decoded, address, misc), so
 *   the report names the failing unit; recovery (Linux's "action optional" handling) is
 *   not attempted: a halt is the safe answer;
 * - a corrected error raises nothing: the bank keeps it, and mce_poll (the shell's `mce`)
 *   reports and clears what the banks hold.
 * Status bits (both vendors): 63 VAL, 62 OVER (an error was lost), 61 UC (uncorrected),
 * 60 EN (reporting was enabled), 59 MISCV, 58 ADDRV, 57 PCC (processor context corrupt),
 * 15:0 the architectural error code. Writing 0 to MCi_STATUS clears it (both vendors allow
 * 0; AMD refuses other values unless told).
 */
#include <arch/cpu.h>
#include <arch/msr.h>
#include <lios/cpu_features.h>
#include <lios/mce.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "mce_internal.h"

#define MSR_MCG_CAP 0x179
#define MSR_MCG_STATUS 0x17a
#define MSR_MCG_CTL 0x17b
#define MSR_MC_CTL(i) (0x400u + 4u * (i))
#define MSR_MC_STATUS(i) (0x401u + 4u * (i))
#define MSR_MC_ADDR(i) (0x402u + 4u * (i))
#define MSR_MC_MISC(i) (0x403u + 4u * (i))

#define MCG_CAP_COUNT 0xffu
#define MCG_CAP_CTL_P (1ull << 8) /* MCG_CTL exists */
#define MCG_STATUS_RIPV (1ull << 0)

#define MCI_VAL (1ull << 63)
#define MCI_OVER (1ull << 62)
#define MCI_UC (1ull << 61)
#define MCI_EN (1ull << 60)
#define MCI_MISCV (1ull << 59)
#define MCI_ADDRV (1ull << 58)
#define MCI_PCC (1ull << 57)

#define CR4_MCE (1ull << 6)

static struct mce_state st;

/* See <lios/mce.h>. */
const struct mce_state *mce_state(void) { return &st; }

/* One line for the error bank i holds (status s), at KERN_ERR (uncorrected) or KERN_WARN. */
static void print_bank(unsigned i, uint64_t s, const char *when)
{
	char line[240];
	size_t n;

	n = (size_t)ksnprintf(
		line, sizeof(line),
		"mce: bank %u: %s error%s, status %#llx, error code %#06llx%s%s%s", i,
		s & MCI_UC ? "uncorrected" : "corrected", when, (unsigned long long)s,
		(unsigned long long)(s & 0xffff), s & MCI_PCC ? ", processor context corrupt" : "",
		s & MCI_OVER ? ", more were lost" : "", s & MCI_EN ? "" : ", reporting was off");
	if ((s & MCI_ADDRV) && n < sizeof(line))
		n += (size_t)ksnprintf(line + n, sizeof(line) - n, ", address %#llx",
				       (unsigned long long)rdmsr(MSR_MC_ADDR(i)));
	if ((s & MCI_MISCV) && n < sizeof(line))
		ksnprintf(line + n, sizeof(line) - n, ", misc %#llx",
			  (unsigned long long)rdmsr(MSR_MC_MISC(i)));
	if (s & MCI_UC)
		printk(KERN_ERR "%s\n", line);
	else
		printk(KERN_WARN "%s\n", line);
}

/* Bank 0 of Intel P6-family cores before Nehalem (model 0x1a) belongs to the firmware:
 * Intel's SDM says not to write its MCi_CTL. */
static bool bank_is_firmwares(unsigned i)
{
	const struct cpu_features *f = cpu_features();

	return i == 0 && !strcmp(f->vendor, "GenuineIntel") && f->family == 6 && f->model < 0x1a;
}

/* See <lios/mce.h>. */
void mce_init(void)
{
	const struct cpu_features *f = cpu_features();
	uint64_t cap;

	st = (struct mce_state){ 0 };
	if (!f->mce || !f->mca) {
		/* machine checks still leave a word behind if the CPU has #MC without banks */
		if (f->mce)
			write_cr4(read_cr4() | CR4_MCE);
		printk("mce: no machine-check banks on this CPU%s\n",
		       f->mce ? "; a machine check panics without details"
			      : ": a machine check resets it");
		return;
	}
	cap = rdmsr(MSR_MCG_CAP);
	st.banks = (unsigned)(cap & MCG_CAP_COUNT);
	if (st.banks > MCE_BANKS_MAX)
		st.banks = MCE_BANKS_MAX;
	if (cap & MCG_CAP_CTL_P)
		wrmsr(MSR_MCG_CTL, ~0ull);
	for (unsigned i = 0; i < st.banks; i++) {
		uint64_t s = rdmsr(MSR_MC_STATUS(i));

		if (s & MCI_VAL) {
			print_bank(i, s, " left from before this boot");
			st.found_at_boot++;
		}
		wrmsr(MSR_MC_STATUS(i), 0);
		if (!bank_is_firmwares(i))
			wrmsr(MSR_MC_CTL(i), ~0ull);
	}
	write_cr4(read_cr4() | CR4_MCE);
	st.enabled = true;
	printk("mce: %u banks, machine checks enabled%s\n", st.banks,
	       st.found_at_boot ? " (errors from before this boot above)" : "");
}

/* See <lios/mce.h>. */
unsigned mce_poll(void)
{
	unsigned found = 0;

	for (unsigned i = 0; st.enabled && i < st.banks; i++) {
		uint64_t s = rdmsr(MSR_MC_STATUS(i));

		if (!(s & MCI_VAL))
			continue;
		print_bank(i, s, "");
		wrmsr(MSR_MC_STATUS(i), 0);
		found++;
	}
	st.polled += found;
	return found;
}

/* See mce_internal.h. */
void mce_print_banks(void)
{
	uint64_t g;
	unsigned n = 0;

	if (!st.enabled) {
		printk("mce: machine checks were not set up: no bank to read\n");
		return;
	}
	g = rdmsr(MSR_MCG_STATUS);
	printk("mce: MCG_STATUS %#llx (%s)\n", (unsigned long long)g,
	       g & MCG_STATUS_RIPV ? "the interrupted code could go on"
				   : "the interrupted code cannot go on");
	for (unsigned i = 0; i < st.banks; i++) {
		uint64_t s = rdmsr(MSR_MC_STATUS(i));

		if (s & MCI_VAL) {
			print_bank(i, s, "");
			n++;
		}
	}
	if (!n)
		printk("mce: no bank holds the error\n");
	/* MCG_STATUS.MCIP stays set: the machine halts after the report, and a second machine
	 * check meanwhile shuts the CPU down rather than reentering this one's IST stack */
}
