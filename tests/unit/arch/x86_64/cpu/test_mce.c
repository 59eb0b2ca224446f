// SPDX-License-Identifier: MIT
/*
 * The real machine-check setup and reports (src/arch/x86_64/cpu/mce.c) against a simulated
 * CPU: CPUID's MCE/MCA bits (cpu_features), CR4, and an MSR file holding MCG_CAP,
 * MCG_STATUS, MCG_CTL and the banks' CTL/STATUS/ADDR/MISC. QEMU checks the end result of
 * mce_init on its own (its mce monitor command refuses or resets unless MCG_CTL, MCi_CTL and
 * CR4.MCE are set: keyboard.bios.pc.mce); here every step and report is checked, and what
 * QEMU cannot show: a CPU without banks, Intel's P6 bank 0, errors left from before boot.
 */
#include <lios/cpu_features.h>
#include <lios/mce.h>
#include <lios/printk.h>
#include <arch/cpu.h>
#include <arch/msr.h>
#include <string.h>
#include "../../../unit.h"
#include "../../../../support/log_capture.h"
#include "mce_internal.h"

#define VAL (1ull << 63)
#define OVER (1ull << 62)
#define UC (1ull << 61)
#define EN (1ull << 60)
#define MISCV (1ull << 59)
#define ADDRV (1ull << 58)
#define PCC (1ull << 57)
#define CR4_MCE (1ull << 6)
#define NBANKS_SIM 40

static struct cpu_features features;
static uint64_t cr4, mcg_cap, mcg_status, mcg_ctl;
static uint64_t bank[NBANKS_SIM][4]; /* CTL, STATUS, ADDR, MISC */
static bool ctl_written[NBANKS_SIM];
static unsigned bad_accesses, accesses;

const struct cpu_features *cpu_features(void) { return &features; }
uint64_t read_cr4(void) { return cr4; }
void write_cr4(uint64_t v) { cr4 = v; }

/* The MSR a real CPU has: the banks up to MCG_CAP's count, MCG_CTL only with MCG_CTL_P. */
static uint64_t *msr_slot(uint32_t msr)
{
	unsigned n = (unsigned)(mcg_cap & 0xff);

	accesses++;
	if (msr == 0x179)
		return &mcg_cap;
	if (msr == 0x17a)
		return &mcg_status;
	if (msr == 0x17b && (mcg_cap & (1ull << 8)))
		return &mcg_ctl;
	if (msr >= 0x400 && msr < 0x400 + 4 * n && msr < 0x400 + 4 * NBANKS_SIM)
		return &bank[(msr - 0x400) / 4][(msr - 0x400) % 4];
	bad_accesses++; /* a real CPU raises #GP */
	return NULL;
}

uint64_t rdmsr(uint32_t msr)
{
	uint64_t *p = msr_slot(msr);

	return p ? *p : 0;
}

void wrmsr(uint32_t msr, uint64_t v)
{
	uint64_t *p = msr_slot(msr);

	if (p && msr >= 0x400 && (msr - 0x400) % 4 == 0)
		ctl_written[(msr - 0x400) / 4] = true;
	if (p && msr != 0x179)
		*p = v;
	else if (msr == 0x179)
		bad_accesses++; /* MCG_CAP is read-only */
}

/* A CPU of vendor/family/model with MCE and MCA and n banks, MCG_CTL present. */
static void cpu(const char *vendor, uint32_t family, uint32_t model, unsigned n)
{
	memset(&features, 0, sizeof(features));
	strcpy(features.vendor, vendor);
	features.family = family;
	features.model = model;
	features.mce = features.mca = true;
	mcg_cap = (1ull << 8) | n;
	mcg_status = mcg_ctl = 0;
	cr4 = 0x20; /* PAE: left as it was */
	memset(bank, 0, sizeof(bank));
	memset(ctl_written, 0, sizeof(ctl_written));
	bad_accesses = accesses = 0;
	log_capture_clear();
}

/* A CPU without banks: no MSR touched; with #MC alone CR4.MCE is set (a machine check then
 * panics, without details), without it left off; the boot line says which. */
static void no_banks(void)
{
	cpu("AuthenticAMD", 15, 1, 0);
	features.mca = false;
	mce_init();
	CHECK_EQ(accesses, 0u);
	CHECK_EQ(cr4, 0x20 | CR4_MCE);
	CHECK(!mce_state()->enabled);
	CHECK(log_captured("mce: no machine-check banks on this CPU; a machine check panics"));
	CHECK_EQ(mce_poll(), 0u);

	cpu("GenuineIntel", 5, 2, 0);
	features.mce = features.mca = false;
	mce_init();
	CHECK_EQ(cr4, 0x20ull);
	CHECK(log_captured("a machine check resets it"));
}

/* Six banks on a current Intel core: MCG_CTL and every MCi_CTL all ones, the statuses
 * cleared, CR4.MCE set (keeping CR4's other bits), the boot line names the banks; nothing
 * outside the CPU's MSRs touched. */
static void setup(void)
{
	cpu("GenuineIntel", 6, 0x9e, 6);
	bank[5][1] = 0;
	mce_init();
	CHECK_EQ(mcg_ctl, ~0ull);
	for (unsigned i = 0; i < 6; i++)
		CHECK_EQ(bank[i][0], ~0ull);
	CHECK_EQ(cr4, 0x20 | CR4_MCE);
	CHECK(mce_state()->enabled);
	CHECK_EQ(mce_state()->banks, 6u);
	CHECK(log_captured("mce: 6 banks, machine checks enabled\n"));
	CHECK_EQ(bad_accesses, 0u);
}

/* An error a bank still holds at boot (the machine reset itself after it): reported as left
 * from before this boot, with its flags, address and misc, counted and cleared; a bank that
 * holds a status without VAL is not an error. */
static void left_from_before(void)
{
	cpu("AuthenticAMD", 0x19, 1, 8);
	bank[2][1] = VAL | UC | EN | PCC | ADDRV | MISCV | 0x0135;
	bank[2][2] = 0x12345000;
	bank[2][3] = 0xabc;
	bank[4][1] = 0x0135; /* no VAL */
	mce_init();
	CHECK(log_captured("mce: bank 2: uncorrected error left from before this boot, status "
			   "0xbe00000000000135, error code 0x0135, processor context corrupt, "
			   "address 0x12345000, misc 0xabc\n"));
	CHECK(!log_captured("bank 4"));
	CHECK_EQ(bank[2][1], 0ull);
	CHECK_EQ(mce_state()->found_at_boot, 1u);
	CHECK(log_captured("(errors from before this boot above)"));
}

/* Bank 0 of Intel P6 cores before Nehalem (model 0x1a) belongs to the firmware: its CTL is
 * not written (its status still is read and cleared); from Nehalem on, and on AMD, it is. */
static void p6_bank0(void)
{
	cpu("GenuineIntel", 6, 0x17, 4);
	mce_init();
	CHECK(!ctl_written[0]);
	CHECK(ctl_written[1] && ctl_written[3]);
	cpu("GenuineIntel", 6, 0x1a, 4);
	mce_init();
	CHECK(ctl_written[0]);
	cpu("AuthenticAMD", 6, 0x08, 4);
	mce_init();
	CHECK(ctl_written[0]);
}

/* MCG_CAP says 40 banks: LiOS uses the first 32 and never touches an MSR beyond them. */
static void many_banks(void)
{
	cpu("GenuineIntel", 6, 0x55, 40);
	mce_init();
	CHECK_EQ(mce_state()->banks, (unsigned)MCE_BANKS_MAX);
	CHECK(!ctl_written[32]);
	CHECK(ctl_written[31]);
}

/* Corrected errors wait in their banks: mce_poll reports (corrected, more lost), clears and
 * counts them; a second poll finds nothing. */
static void poll_corrected(void)
{
	cpu("GenuineIntel", 6, 0x9e, 6);
	mce_init();
	log_capture_clear();
	bank[1][1] = VAL | EN | OVER | 0x0090;
	CHECK_EQ(mce_poll(), 1u);
	CHECK(log_captured("mce: bank 1: corrected error, status 0xd000000000000090, error code "
			   "0x0090, more were lost\n"));
	CHECK_EQ(bank[1][1], 0ull);
	CHECK_EQ(mce_poll(), 0u);
	CHECK_EQ(mce_state()->polled, 1u);
}

/* The #MC report: MCG_STATUS with whether the code could go on, each bank with an error;
 * MCIP is left set (a second machine check during the report shuts the CPU down rather
 * than reentering the first's stack); with no bank holding one, it says so. */
static void machine_check_report(void)
{
	cpu("GenuineIntel", 6, 0x9e, 6);
	mce_init();
	log_capture_clear();
	mcg_status = 0x4; /* MCIP, not RIPV */
	bank[3][1] = VAL | UC | EN | PCC | 0x0150;
	mce_print_banks();
	CHECK(log_captured("mce: MCG_STATUS 0x4 (the interrupted code cannot go on)\n"));
	CHECK(log_captured("mce: bank 3: uncorrected error, status 0xb200000000000150"));
	CHECK_EQ(mcg_status, 0x4ull);
	bank[3][1] = 0;
	log_capture_clear();
	mce_print_banks();
	CHECK(log_captured("mce: no bank holds the error\n"));
}

int main(void)
{
	printk_add_sink(log_capture_sink, false);
	RUN(no_banks);
	RUN(setup);
	RUN(left_from_before);
	RUN(p6_bank0);
	RUN(many_banks);
	RUN(poll_corrected);
	RUN(machine_check_report);
	return unit_summary();
}
