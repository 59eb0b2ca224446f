// SPDX-License-Identifier: MIT
/*
 * Host tests of turning a VT-d unit off (src/drivers/iommu/dmar_unit.c) against a
 * simulated register file: CAP, ECAP, a write-only GCMD whose command bits GSTS follows
 * after a few reads (or never, for a unit that does not let go or does not come on), PMEN,
 * and the two table pointers. The simulator checks every GCMD write as the specification
 * asks it to be made: exactly one command bit different from the status the write was
 * built from, or one one-shot command (SRTP, SFL, WBF, SIRTP) with nothing else changed.
 * Each case says what firmware left on and what must be on afterwards, and the log text
 * it gets; the last ones turn a unit on as dmar.test_left_on does (dmar_unit_leave_on),
 * the register writes in order.
 */
#include <lios/errno.h>
#include <lios/string.h>
#include "../../unit.h"
#include "dmar_unit.h"

extern uint64_t host_time_skip_ns;

#define ONE_SHOT (DMAR_GSTS_RTPS | DMAR_GSTS_FLS | DMAR_GSTS_WBFS | DMAR_GSTS_IRTPS)
#define LAG_READS 3 /* reads of the status before a command shows */

/* One simulated unit. */
static struct sim {
	uint64_t cap, ecap;
	uint32_t gsts;      /* what GSTS reads now */
	uint32_t next_gsts; /* what it will read after 'lag' more reads */
	unsigned lag;
	uint32_t stuck_on; /* status bits that never clear */
	uint32_t pmen;
	unsigned pmen_lag;
	bool pmen_stuck;    /* PRS never clears */
	uint32_t never_set; /* status bits that never come on */
	uint64_t rtaddr, irta;
	char log[16];  /* the writes in order: R RTADDR, I IRTA, then GCMD's command: S
			     * SRTP, Q SIRTP, T/t TE on/off, E/e IRE on/off, ? anything else */
	bool all_ones; /* nothing decodes the page */
	unsigned gcmd_writes, pmen_writes;
	unsigned bad_writes;   /* GCMD writes with a one-shot bit or not one bit changed */
	unsigned other_writes; /* writes to registers that are not GCMD or PMEN */
} sim;

static uint32_t sim_read32(void *ctx, uint32_t off)
{
	(void)ctx;
	if (sim.all_ones)
		return 0xffffffffu;
	if (off == DMAR_GSTS_REG) {
		if (sim.lag && !--sim.lag)
			sim.gsts = sim.next_gsts;
		return sim.gsts;
	}
	if (off == DMAR_PMEN_REG) {
		if (sim.pmen_lag && !--sim.pmen_lag && !sim.pmen_stuck)
			sim.pmen &= ~DMAR_PMEN_PRS;
		return sim.pmen;
	}
	return 0;
}

static uint64_t sim_read64(void *ctx, uint32_t off)
{
	(void)ctx;
	if (sim.all_ones)
		return ~0ull;
	return off == DMAR_CAP_REG ? sim.cap : off == DMAR_ECAP_REG ? sim.ecap : 0;
}

static void sim_note(char c)
{
	size_t n = strlen(sim.log);

	if (n + 1 < sizeof(sim.log))
		sim.log[n] = c;
}

/* The letter of a GCMD write v (see sim.log). */
static char gcmd_letter(uint32_t v)
{
	uint32_t changed = (v ^ sim.gsts) & DMAR_GSTS_PERSISTENT;

	if (v & DMAR_GCMD_SRTP)
		return 'S';
	if (v & DMAR_GCMD_SIRTP)
		return 'Q';
	if (changed == DMAR_GCMD_TE)
		return v & DMAR_GCMD_TE ? 'T' : 't';
	if (changed == DMAR_GCMD_IRE)
		return v & DMAR_GCMD_IRE ? 'E' : 'e';
	return '?';
}

static int popcount32(uint32_t v) { return __builtin_popcount(v); }

static void sim_write32(void *ctx, uint32_t off, uint32_t v)
{
	(void)ctx;
	if (off == DMAR_GCMD_REG) {
		int changed = popcount32((v ^ sim.gsts) & DMAR_GSTS_PERSISTENT);

		sim.gcmd_writes++;
		sim_note(gcmd_letter(v));
		if (v & ONE_SHOT ? popcount32(v & ONE_SHOT) != 1 || changed : changed != 1)
			sim.bad_writes++;
		/* a one-shot's status comes on as it is done; any other write clears them */
		sim.next_gsts = ((v & DMAR_GSTS_PERSISTENT) | (v & ONE_SHOT) | sim.stuck_on) &
				~sim.never_set;
		sim.lag = LAG_READS;
	} else if (off == DMAR_PMEN_REG) {
		sim.pmen_writes++;
		if (!(v & DMAR_PMEN_EPM)) {
			sim.pmen &= ~DMAR_PMEN_EPM;
			sim.pmen_lag = LAG_READS;
		}
	} else {
		sim.other_writes++;
	}
}

static void sim_write64(void *ctx, uint32_t off, uint64_t v)
{
	(void)ctx;
	if (off == DMAR_RTADDR_REG) {
		sim.rtaddr = v;
		sim_note('R');
	} else if (off == DMAR_IRTA_REG) {
		sim.irta = v;
		sim_note('I');
	} else {
		sim.other_writes++;
	}
}

static const struct dmar_regs regs = { sim_read32, sim_read64, sim_write32, NULL, NULL };
static const struct dmar_regs regs_rw = { sim_read32, sim_read64, sim_write32, sim_write64, NULL };
static struct dmar_unit_state st;
static char line[256];

static void sim_reset(uint64_t cap, uint32_t gsts, uint32_t pmen)
{
	memset(&sim, 0, sizeof(sim));
	sim.cap = cap;
	sim.gsts = gsts;
	sim.pmen = pmen;
	host_time_skip_ns = 0;
}

static int quiesce(void)
{
	int r = dmar_unit_quiesce(&regs, &st);

	dmar_unit_describe(&st, line, sizeof(line));
	CHECK_EQ(sim.bad_writes, 0);
	CHECK_EQ(sim.other_writes, 0);
	return r;
}

/* QEMU's intel-iommu as firmware leaves it: nothing on. Nothing written. */
static void test_all_off(void)
{
	sim_reset(0, 0, 0);
	CHECK_EQ(quiesce(), 0);
	CHECK_EQ(st.found, 0);
	CHECK_EQ(sim.gcmd_writes + sim.pmen_writes, 0);
	CHECK_STR_EQ(line, "remapping off (as found)");
}

/* Translation left on (with the root table pointer set and queued invalidation on, as
 * firmware that used it leaves them): TE cleared in one write; QIES kept, RTPS never
 * written back. */
static void test_translation(void)
{
	sim_reset(0, DMAR_GSTS_TES | DMAR_GSTS_RTPS | DMAR_GSTS_QIES, 0);
	CHECK_EQ(quiesce(), 0);
	CHECK_EQ(st.found, DMAR_TRANSLATION);
	CHECK_EQ(sim.gcmd_writes, 1);
	CHECK_EQ(sim.gsts & DMAR_GSTS_TES, 0);
	CHECK(sim.gsts & DMAR_GSTS_QIES);
	CHECK_STR_EQ(line, "translation on -> off");
}

/* Protected memory regions on (PLMR and PHMR offered, EPM and PRS set): PMEN written
 * once, PRS clears; GCMD never written. */
static void test_protected_memory(void)
{
	sim_reset(DMAR_CAP_PLMR | DMAR_CAP_PHMR, 0, DMAR_PMEN_EPM | DMAR_PMEN_PRS);
	CHECK_EQ(quiesce(), 0);
	CHECK_EQ(st.found, DMAR_PROTECTED_MEMORY);
	CHECK_EQ(sim.pmen_writes, 1);
	CHECK_EQ(sim.gcmd_writes, 0);
	CHECK_EQ(sim.pmen, 0);
	CHECK_STR_EQ(line, "protected memory on -> off");
}

/* PMEN reading set on a unit whose CAP offers no protected region: the register is not
 * PMEN there, so it is not written. */
static void test_pmen_without_cap(void)
{
	sim_reset(0, 0, DMAR_PMEN_EPM | DMAR_PMEN_PRS);
	CHECK_EQ(quiesce(), 0);
	CHECK_EQ(sim.pmen_writes, 0);
	CHECK_STR_EQ(line, "remapping off (as found)");
}

/* Interrupt remapping on, compatibility format interrupts not allowed (CFIS clear) and the
 * table pointer set: IRE cleared, CFIS stays as it was. */
static void test_intr_remap(void)
{
	sim_reset(0, DMAR_GSTS_IRES | DMAR_GSTS_IRTPS, 0);
	CHECK_EQ(quiesce(), 0);
	CHECK_EQ(st.found, DMAR_INTR_REMAP);
	CHECK_EQ(sim.gcmd_writes, 1);
	CHECK_EQ(sim.gsts, 0);
	CHECK_STR_EQ(line, "interrupt remapping on -> off");
}

/* Everything on, as Windows' Kernel DMA Protection firmware with interrupt remapping may
 * leave it: three steps, each its own GCMD or PMEN write, one bit each; CFIS and QIES
 * survive. */
static void test_all_three(void)
{
	sim_reset(DMAR_CAP_PLMR, DMAR_GSTS_TES | DMAR_GSTS_IRES | DMAR_GSTS_CFIS | DMAR_GSTS_QIES,
		  DMAR_PMEN_EPM | DMAR_PMEN_PRS);
	CHECK_EQ(quiesce(), 0);
	CHECK_EQ(st.found, DMAR_TRANSLATION | DMAR_PROTECTED_MEMORY | DMAR_INTR_REMAP);
	CHECK_EQ(st.stuck, 0);
	CHECK_EQ(sim.gcmd_writes, 2);
	CHECK_EQ(sim.pmen_writes, 1);
	CHECK_EQ(sim.gsts, DMAR_GSTS_CFIS | DMAR_GSTS_QIES);
	CHECK_EQ(sim.pmen, 0);
	CHECK_STR_EQ(line, "translation on -> off, protected memory on -> off, interrupt "
			   "remapping on -> off");
}

/* A unit whose TES never clears: reported after the wait (time jumps 1 ms per read, so
 * the 100 ms pass at once), and the steps after it still run: interrupt remapping off. */
static void test_translation_stuck(void)
{
	sim_reset(0, DMAR_GSTS_TES | DMAR_GSTS_IRES, 0);
	sim.stuck_on = DMAR_GSTS_TES;
	host_time_skip_ns = 1000000;
	CHECK_EQ(quiesce(), -ETIMEDOUT);
	host_time_skip_ns = 0;
	CHECK_EQ(st.stuck, DMAR_TRANSLATION);
	CHECK_EQ(sim.gsts & DMAR_GSTS_IRES, 0);
	CHECK_STR_EQ(line, "translation on -> still on after 100 ms (DMA through this unit may "
			   "be blocked), interrupt remapping on -> off");
}

/* PRS that never clears: reported, not waited on past the deadline. */
static void test_pmr_stuck(void)
{
	sim_reset(DMAR_CAP_PHMR, 0, DMAR_PMEN_EPM | DMAR_PMEN_PRS);
	sim.pmen_stuck = true;
	host_time_skip_ns = 1000000;
	CHECK_EQ(quiesce(), -ETIMEDOUT);
	host_time_skip_ns = 0;
	CHECK_EQ(st.stuck, DMAR_PROTECTED_MEMORY);
	CHECK(strstr(line, "protected memory on -> still on after 100 ms") != NULL);
}

/* A register page that reads all ones (no unit there, or the table's address is wrong):
 * nothing is written, and the line says so. */
static void test_all_ones(void)
{
	sim_reset(0, 0, 0);
	sim.all_ones = true;
	CHECK_EQ(quiesce(), -ENODEV);
	CHECK(st.absent);
	CHECK_EQ(sim.gcmd_writes + sim.pmen_writes, 0);
	CHECK_STR_EQ(line, "registers read all ones (no unit answers there): left alone");
}

/* A buffer too small for the line: cut, terminated, never overrun (ASan watches). */
static void test_describe_small(void)
{
	char small[12];

	sim_reset(DMAR_CAP_PLMR, DMAR_GSTS_TES | DMAR_GSTS_IRES, DMAR_PMEN_EPM);
	dmar_unit_quiesce(&regs, &st);
	dmar_unit_describe(&st, small, sizeof(small));
	CHECK_STR_EQ(small, "translation");
}

#define TABLE 0x7f000ull /* the zeroed page dmar.test_left_on hands over */

/* dmar.test_left_on on a unit found off that offers interrupt remapping: the root table
 * pointer written, then latched (SRTP) and awaited, then translation on; the same for the
 * interrupt remapping table (IRTA, SIRTP, IRE). Each GCMD write one command, waited for:
 * both reported on. Then the boot's own quiesce finds both on and turns them off. */
static void test_leave_on(void)
{
	sim_reset(0, 0, 0);
	sim.ecap = DMAR_ECAP_IR;
	CHECK_EQ(dmar_unit_leave_on(&regs_rw, TABLE), DMAR_TRANSLATION | DMAR_INTR_REMAP);
	CHECK_STR_EQ(sim.log, "RSTIQE");
	CHECK_EQ(sim.rtaddr, TABLE);
	CHECK_EQ(sim.irta, TABLE);
	CHECK_EQ(sim.gsts, DMAR_GSTS_TES | DMAR_GSTS_IRES);
	CHECK_EQ(sim.bad_writes, 0);
	CHECK_EQ(sim.other_writes + sim.pmen_writes, 0);
	CHECK_EQ(quiesce(), 0);
	CHECK_EQ(st.found, DMAR_TRANSLATION | DMAR_INTR_REMAP);
	CHECK_EQ(sim.gsts, 0);
	CHECK_STR_EQ(line, "translation on -> off, interrupt remapping on -> off");
}

/* A unit without interrupt remapping (ECAP.IR clear): translation alone, IRTA never
 * written. */
static void test_leave_on_no_ir(void)
{
	sim_reset(0, 0, 0);
	CHECK_EQ(dmar_unit_leave_on(&regs_rw, TABLE), DMAR_TRANSLATION);
	CHECK_STR_EQ(sim.log, "RST");
	CHECK_EQ(sim.irta, 0);
	CHECK_EQ(sim.gsts, DMAR_GSTS_TES);
	CHECK_EQ(sim.bad_writes, 0);
}

/* Commands whose status never comes on (time jumps 1 ms per read: the 100 ms pass at
 * once). The root table pointer never latched: translation not turned on at all (TE
 * never written), interrupt remapping still is; TES never set: translation left out of
 * what is reported on. */
static void test_leave_on_refused(void)
{
	sim_reset(0, 0, 0);
	sim.ecap = DMAR_ECAP_IR;
	sim.never_set = DMAR_GSTS_RTPS;
	host_time_skip_ns = 1000000;
	CHECK_EQ(dmar_unit_leave_on(&regs_rw, TABLE), DMAR_INTR_REMAP);
	host_time_skip_ns = 0;
	CHECK_STR_EQ(sim.log, "RSIQE");
	CHECK_EQ(sim.gsts & DMAR_GSTS_TES, 0);
	CHECK_EQ(sim.bad_writes, 0);

	sim_reset(0, 0, 0);
	sim.ecap = DMAR_ECAP_IR;
	sim.never_set = DMAR_GSTS_TES;
	host_time_skip_ns = 1000000;
	CHECK_EQ(dmar_unit_leave_on(&regs_rw, TABLE), DMAR_INTR_REMAP);
	host_time_skip_ns = 0;
	CHECK_STR_EQ(sim.log, "RSTIQE");
	CHECK_EQ(sim.bad_writes, 0);
}

int main(void)
{
	RUN(test_all_off);
	RUN(test_translation);
	RUN(test_protected_memory);
	RUN(test_pmen_without_cap);
	RUN(test_intr_remap);
	RUN(test_all_three);
	RUN(test_translation_stuck);
	RUN(test_pmr_stuck);
	RUN(test_all_ones);
	RUN(test_describe_small);
	RUN(test_leave_on);
	RUN(test_leave_on_no_ir);
	RUN(test_leave_on_refused);
	return unit_summary();
}
