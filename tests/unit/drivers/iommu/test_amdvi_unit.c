// SPDX-License-Identifier: MIT
/*
 * Host tests of turning an AMD IOMMU off (src/drivers/iommu/amdvi_unit.c) against a
 * simulated register page: a Control register whose enables the Status register's Run
 * bits follow after a few reads (or never, for an IOMMU that does not let go), and the
 * device table base. The simulator checks every Control write as LiOS promises to make
 * it: nothing set, and exactly one part's enable bits cleared (the invalidation timeout,
 * coherency and every other bit written back as read). Each case says what firmware left
 * on, what must be on afterwards, the order the parts went off in, and the log text.
 */
#include <lios/errno.h>
#include <lios/string.h>
#include "../../unit.h"
#include "amdvi_unit.h"

extern uint64_t host_time_skip_ns;

#define LAG_READS 3 /* reads of Status or Control before a write shows */
#define CTRL_COHERENT (1ull << 10)
#define CTRL_INV_TIMEOUT_1S (4ull << 5)
#define CTRL_KEEP (CTRL_COHERENT | CTRL_INV_TIMEOUT_1S) /* firmware's, never to be changed */
#define CMD_BUF_BITS AMDVI_CTRL_CMD_BUF_EN
#define EVENT_BITS (AMDVI_CTRL_EVENT_LOG_EN | AMDVI_CTRL_EVENT_INT_EN)
#define GA_BITS (AMDVI_CTRL_GA_LOG_EN | AMDVI_CTRL_GA_INT_EN)
#define PPR_BITS (AMDVI_CTRL_PPR_LOG_EN | AMDVI_CTRL_PPR_INT_EN)

/* One simulated IOMMU. */
static struct sim {
	uint64_t control;      /* what Control reads now */
	uint64_t next_control; /* what it will read after 'lag' more reads */
	uint64_t status;       /* Status: the Run bits follow Control after the lag */
	unsigned lag;
	uint64_t stuck_on;      /* Control bits that read back set whatever is written */
	uint64_t stuck_running; /* Status Run bits that never clear */
	uint64_t dev_table;     /* the device table base register */
	bool all_ones;          /* nothing decodes the page */
	unsigned control_writes, dev_table_writes;
	unsigned bad_writes;   /* Control writes that set a bit or clear more than one part */
	unsigned other_writes; /* writes to registers that are neither */
	uint64_t cleared[8];   /* the bits each Control write cleared, in order */
} sim;

/* The Status Run bits an IOMMU with Control ctrl shows. */
static uint64_t running(uint64_t ctrl)
{
	uint64_t s = 0;

	if (!(ctrl & AMDVI_CTRL_IOMMU_EN))
		return sim.stuck_running;
	if (ctrl & AMDVI_CTRL_CMD_BUF_EN)
		s |= AMDVI_STATUS_CMD_BUF_RUN;
	if (ctrl & AMDVI_CTRL_EVENT_LOG_EN)
		s |= AMDVI_STATUS_EVENT_LOG_RUN;
	if (ctrl & AMDVI_CTRL_GA_LOG_EN)
		s |= AMDVI_STATUS_GA_LOG_RUN;
	if (ctrl & AMDVI_CTRL_PPR_LOG_EN)
		s |= AMDVI_STATUS_PPR_LOG_RUN;
	return s | sim.stuck_running;
}

static uint64_t sim_read64(void *ctx, uint32_t off)
{
	(void)ctx;
	if (sim.all_ones)
		return ~0ull;
	if (off != AMDVI_CONTROL && off != AMDVI_STATUS)
		return off == AMDVI_DEV_TABLE_BASE ? sim.dev_table : 0;
	if (sim.lag && !--sim.lag) {
		sim.control = sim.next_control;
		sim.status = running(sim.control);
	}
	return off == AMDVI_CONTROL ? sim.control : sim.status;
}

/* Whether cleared is exactly one part's enable bits (or a subset of them). */
static bool one_part(uint64_t cleared)
{
	static const uint64_t part[] = { CMD_BUF_BITS, EVENT_BITS, GA_BITS, PPR_BITS,
					 AMDVI_CTRL_IOMMU_EN };

	for (size_t i = 0; i < ARRAY_SIZE(part); i++)
		if (cleared && !(cleared & ~part[i]))
			return true;
	return false;
}

static void sim_write64(void *ctx, uint32_t off, uint64_t v)
{
	(void)ctx;
	if (off == AMDVI_CONTROL) {
		uint64_t cleared = sim.control & ~v;

		if (sim.control_writes < ARRAY_SIZE(sim.cleared))
			sim.cleared[sim.control_writes] = cleared;
		sim.control_writes++;
		/* quiescing: one part cleared, nothing set; leave_on: IommuEn alone set */
		if ((v & ~sim.control) != 0 ? (v & ~sim.control) != AMDVI_CTRL_IOMMU_EN || cleared
					    : !one_part(cleared))
			sim.bad_writes++;
		sim.next_control = v | sim.stuck_on;
		sim.lag = LAG_READS;
	} else if (off == AMDVI_DEV_TABLE_BASE) {
		sim.dev_table_writes++;
		sim.dev_table = v;
		if (sim.control & AMDVI_CTRL_IOMMU_EN)
			sim.bad_writes++; /* the table moved under a running IOMMU */
	} else {
		sim.other_writes++;
	}
}

static const struct amdvi_regs regs = { sim_read64, sim_write64, NULL };
static struct amdvi_unit_state st;
static char line[256];

static void sim_reset(uint64_t control)
{
	memset(&sim, 0, sizeof(sim));
	sim.control = control;
	sim.status = running(control);
	host_time_skip_ns = 0;
}

static int quiesce(void)
{
	int r = amdvi_unit_quiesce(&regs, &st);

	amdvi_unit_describe(&st, line, sizeof(line));
	CHECK_EQ(sim.bad_writes, 0);
	CHECK_EQ(sim.other_writes + sim.dev_table_writes, 0);
	return r;
}

/* QEMU's amd-iommu as SeaBIOS leaves it: nothing on. Nothing written. */
static void test_all_off(void)
{
	sim_reset(CTRL_KEEP);
	CHECK_EQ(quiesce(), 0);
	CHECK_EQ(st.found, 0);
	CHECK_EQ(sim.control_writes, 0);
	CHECK_STR_EQ(line, "translation off (as found)");
}

/* Translation alone left on: one write clearing IommuEn, the rest as it was. */
static void test_translation(void)
{
	sim_reset(CTRL_KEEP | AMDVI_CTRL_IOMMU_EN);
	CHECK_EQ(quiesce(), 0);
	CHECK_EQ(st.found, AMDVI_TRANSLATION);
	CHECK_EQ(sim.control_writes, 1);
	CHECK_EQ(sim.control, CTRL_KEEP);
	CHECK_STR_EQ(line, "translation on -> off");
}

/* What firmware that used the IOMMU leaves: translation, the command buffer and the
 * event log with its interrupt on. Three writes, the command buffer first and the IOMMU
 * last (as Linux's iommu_disable), each clearing only its part; coherency and the
 * invalidation timeout survive; the Run bits clear. */
static void test_firmware_state(void)
{
	sim_reset(CTRL_KEEP | AMDVI_CTRL_IOMMU_EN | CMD_BUF_BITS | EVENT_BITS);
	CHECK_EQ(quiesce(), 0);
	CHECK_EQ(st.found, AMDVI_TRANSLATION | AMDVI_CMD_BUF | AMDVI_EVENT_LOG);
	CHECK_EQ(st.stuck, 0);
	CHECK_EQ(sim.control_writes, 3);
	CHECK_EQ(sim.cleared[0], CMD_BUF_BITS);
	CHECK_EQ(sim.cleared[1], EVENT_BITS);
	CHECK_EQ(sim.cleared[2], AMDVI_CTRL_IOMMU_EN);
	CHECK_EQ(sim.control, CTRL_KEEP);
	CHECK_EQ(sim.status, 0);
	CHECK_STR_EQ(line, "translation on -> off, command buffer on -> off, event log on -> off");
}

/* Every part on, the guest virtual APIC and page request logs too: five writes in
 * Linux's order, the line naming translation first. */
static void test_everything(void)
{
	sim_reset(CTRL_KEEP | AMDVI_CTRL_IOMMU_EN | CMD_BUF_BITS | EVENT_BITS | GA_BITS | PPR_BITS);
	CHECK_EQ(quiesce(), 0);
	CHECK_EQ(sim.control_writes, 5);
	CHECK_EQ(sim.cleared[2], GA_BITS);
	CHECK_EQ(sim.cleared[3], PPR_BITS);
	CHECK_EQ(sim.cleared[4], AMDVI_CTRL_IOMMU_EN);
	CHECK_EQ(sim.control, CTRL_KEEP);
	CHECK_STR_EQ(line, "translation on -> off, command buffer on -> off, event log on -> off, "
			   "guest APIC log on -> off, page request log on -> off");
}

/* IommuEn found clear with the event log's enables set (a firmware that stopped half
 * way): the log's bits cleared, the line says translation was off. */
static void test_log_without_translation(void)
{
	sim_reset(EVENT_BITS);
	CHECK_EQ(quiesce(), 0);
	CHECK_EQ(st.found, AMDVI_EVENT_LOG);
	CHECK_EQ(sim.control, 0);
	CHECK_STR_EQ(line, "translation off (as found), event log on -> off");
}

/* An IOMMU whose IommuEn reads back set whatever is written: reported after the wait
 * (time jumps 1 ms per read, so the 100 ms pass at once); the command buffer before it
 * was still turned off. */
static void test_translation_stuck(void)
{
	sim_reset(AMDVI_CTRL_IOMMU_EN | CMD_BUF_BITS);
	sim.stuck_on = AMDVI_CTRL_IOMMU_EN;
	host_time_skip_ns = 1000000;
	CHECK_EQ(quiesce(), -ETIMEDOUT);
	host_time_skip_ns = 0;
	CHECK_EQ(st.stuck, AMDVI_TRANSLATION);
	CHECK_EQ(sim.control & CMD_BUF_BITS, 0);
	CHECK_STR_EQ(line, "translation on -> still on after 100 ms (DMA through this IOMMU may "
			   "be blocked), command buffer on -> off");
}

/* An event log whose Run bit never clears: reported, not waited on past the deadline,
 * and the IOMMU after it still turned off. */
static void test_log_stuck(void)
{
	sim_reset(AMDVI_CTRL_IOMMU_EN | EVENT_BITS);
	sim.stuck_running = AMDVI_STATUS_EVENT_LOG_RUN;
	host_time_skip_ns = 1000000;
	CHECK_EQ(quiesce(), -ETIMEDOUT);
	host_time_skip_ns = 0;
	CHECK_EQ(st.stuck, AMDVI_EVENT_LOG);
	CHECK_EQ(sim.control, 0);
	CHECK_STR_EQ(line, "translation on -> off, event log on -> still on after 100 ms");
}

/* Registers that read all ones (no IOMMU there, or the table's address is wrong):
 * nothing is written, and the line says so. */
static void test_all_ones(void)
{
	sim_reset(0);
	sim.all_ones = true;
	CHECK_EQ(quiesce(), -ENODEV);
	CHECK(st.absent);
	CHECK_EQ(sim.control_writes, 0);
	CHECK_STR_EQ(line, "registers read all ones (no IOMMU answers there): left alone");
}

/* amdvi.test_left_on on an IOMMU found off: the device table set first (its address and
 * pages - 1), then IommuEn alone; quiescing turns it off again. On an IOMMU already on,
 * or one that reads all ones, nothing is written. */
static void test_leave_on(void)
{
	sim_reset(CTRL_KEEP);
	CHECK_EQ(amdvi_unit_leave_on(&regs, 0x12340000, 16), AMDVI_TRANSLATION);
	CHECK_EQ(sim.bad_writes, 0);
	CHECK_EQ(sim.dev_table, 0x12340000 | 15);
	CHECK_EQ(sim.control, CTRL_KEEP | AMDVI_CTRL_IOMMU_EN);
	sim.dev_table_writes = sim.control_writes = 0;
	CHECK_EQ(quiesce(), 0);
	CHECK_STR_EQ(line, "translation on -> off");

	sim_reset(AMDVI_CTRL_IOMMU_EN);
	CHECK_EQ(amdvi_unit_leave_on(&regs, 0x12340000, 16), 0);
	CHECK_EQ(sim.control_writes + sim.dev_table_writes, 0);
	sim_reset(0);
	sim.all_ones = true;
	CHECK_EQ(amdvi_unit_leave_on(&regs, 0x12340000, 16), 0);
	CHECK_EQ(sim.control_writes + sim.dev_table_writes, 0);
}

/* The test's device table: every 32-byte entry valid with translation on and nothing
 * else (mode 0, no read or write permission), the bytes between entries zero. */
static void test_block_all_table(void)
{
	static uint8_t table[2 * 4096];
	uint64_t q;

	memset(table, 0xa5, sizeof(table));
	amdvi_block_all_table(table, 2);
	for (size_t at = 0; at < sizeof(table); at += 8) {
		memcpy(&q, table + at, 8);
		CHECK_EQ(q, at % AMDVI_DTE_BYTES ? 0 : (AMDVI_DTE_V | AMDVI_DTE_TV));
	}
}

/* A buffer too small for the line: cut, terminated, never overrun (ASan watches). */
static void test_describe_small(void)
{
	char small[12];

	sim_reset(AMDVI_CTRL_IOMMU_EN | CMD_BUF_BITS);
	amdvi_unit_quiesce(&regs, &st);
	amdvi_unit_describe(&st, small, sizeof(small));
	CHECK_STR_EQ(small, "translation");
}

int main(void)
{
	RUN(test_all_off);
	RUN(test_translation);
	RUN(test_firmware_state);
	RUN(test_everything);
	RUN(test_log_without_translation);
	RUN(test_translation_stuck);
	RUN(test_log_stuck);
	RUN(test_all_ones);
	RUN(test_leave_on);
	RUN(test_block_all_table);
	RUN(test_describe_small);
	return unit_summary();
}
