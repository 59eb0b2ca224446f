// SPDX-License-Identifier: MIT
/*
 * The real HPET reference (src/arch/x86_64/time/hpet.c) against a simulated register block.
 * An HPET's registers are one 1 KiB block (IA-PC HPET 1.0a, 2.3): the general registers,
 * then comparator N's at 0x100 + 0x20 N, so the block holds comparators 0-23. NUM_TIM_CAP
 * (bits 12-8 of the capabilities register) can say up to 32; before the fix hpet_quiet read
 * and wrote the configuration of every comparator it named, and a value above 23 took it
 * past the block (0x400-0x4ff): other registers, or the guard page after the mapping
 * when the block is not at the start of its page. The block here is exactly 1 KiB of heap,
 * so ASan stops at the first access past it.
 */
#include <lios/paging.h>
#include <lios/printk.h>
#include <lios/vmalloc.h>
#include <stdlib.h>
#include <string.h>
#include "../../../unit.h"
#include "../../../../support/log_capture.h"
#include "time_internal.h"

#define BLOCK 0x400
#define GEN_CONF 0x010
#define TN_CONF(n) (0x100 + 0x20 * (n))
#define TN_INT_ENB (1ull << 2)
#define PERIOD_FS 10000000ull /* 100 MHz, as QEMU's */

static uint64_t *block;

void *ioremap(paddr_t phys, size_t size, unsigned cache)
{
	CHECK_EQ(phys, 0xfed00000u);
	CHECK_EQ(size, BLOCK);
	CHECK_EQ(cache, PG_CACHE_UC);
	return block;
}

void iounmap(void *p) { (void)p; }

/*
 * An HPET whose NUM_TIM_CAP says 32 comparators (31), comparators 0 and 23 (the last one
 * the block holds) left with interrupts enabled. Expected: hpet_ref_init succeeds at 100
 * MHz, both comparators' interrupts turned off, nothing read or written past the 1 KiB
 * block, the counter started, and a warning saying what NUM_TIM_CAP claimed.
 */
static void comparators_past_the_block(void)
{
	struct clock_ref ref;
	const char *why = NULL;

	block = calloc(1, BLOCK);
	block[0] = PERIOD_FS << 32 | 31u << 8;
	block[TN_CONF(0) / 8] = TN_INT_ENB;
	block[TN_CONF(23) / 8] = TN_INT_ENB;

	log_capture_clear();
	printk_add_sink(log_capture_sink, false);
	printk_set_sink_level(log_capture_sink, 7);
	CHECK_EQ(hpet_ref_init(0xfed00000u, &ref, &why), 0);
	printk_remove_sink(log_capture_sink);

	CHECK_EQ(ref.hz, 100000000u);
	CHECK_EQ(block[TN_CONF(0) / 8] & TN_INT_ENB, 0u);
	CHECK_EQ(block[TN_CONF(23) / 8] & TN_INT_ENB, 0u);
	CHECK_EQ(block[GEN_CONF / 8] & 1, 1u);
	CHECK(log_captured("timer: 2 HPET comparator(s) left with interrupts on: turned off"));
	CHECK(log_captured("timer: HPET claims 32 comparators, its 1 KiB register block holds 24: "
			   "the others left alone"));
	free(block);
}

int main(void)
{
	RUN(comparators_past_the_block);
	return unit_summary();
}
