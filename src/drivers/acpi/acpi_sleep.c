// SPDX-License-Identifier: MIT
/*
 * Soft off (S5), the pure half: \_S5 gathered from the DSDT and every SSDT through the AML
 * reader (aml.c), and the plan of register writes that enters S5, worked out from struct
 * acpi_info alone. The kernel (acpi.c, acpi_poweroff) carries the plan out with port or
 * MMIO writes; `./lios check-machine` prints it. Nothing here touches hardware.
 *
 * Before the sleep registers, the wake sources are quieted (plan_quiet): a GPE or fixed
 * event already pending (a wake-on-LAN packet, an RTC alarm, the power button pressed
 * to choose poweroff) would otherwise power the machine straight back on.
 *
 * Legacy ACPI (ACPI 6.x section 7.4.2 and 4.8.3.2.1): SLP_TYPa goes into PM1a_CNT and
 * SLP_TYPb into PM1b_CNT (when the FADT has one), the other bits kept; then both again
 * with SLP_EN set, PM1a first, as the specification asks for the two halves of one
 * register. Hardware-reduced ACPI (section 4.8.3.7): SLP_TYPa and SLP_EN into the sleep
 * control register.
 */
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "acpi_internal.h"
#include "aml.h"

/* PM1 control register bits (ACPI 6.x table 4.13). */
#define PM1_CNT_SLP_TYP_SHIFT 10
#define PM1_CNT_SLP_TYP_MASK (0x7u << PM1_CNT_SLP_TYP_SHIFT)
#define PM1_CNT_SLP_EN (1u << 13)
#define PM1_CNT_WIDTH 16
/* PM1 status bits cleared before S5 (ACPI 6.x table 4.11, write 1 to clear): TMR_STS,
 * BM_STS, GBL_STS, PWRBTN_STS, SLPBTN_STS, RTC_STS, WAK_STS (what Linux clears too). */
#define PM1_STS_CLEAR 0x8731u
/* Sleep status register (ACPI 6.x table 4.22): WAK_STS, write 1 to clear. */
#define SLEEP_STS_WAK 0x80u
/* Sleep control register bits (ACPI 6.x table 4.21). */
#define SLEEP_CTL_SLP_TYP_SHIFT 2
#define SLEEP_CTL_SLP_EN (1u << 5)
#define SLEEP_CTL_WIDTH 8

/* Candidates for \_S5, best first (see aml.c): root walked, root searched, nested. */
static int s5_rank(bool at_root, bool scanned) { return at_root ? 4 - scanned : 2 - scanned; }

static void table_name(const uint8_t *t, const struct acpi_info *info, char *out)
{
	memcpy(out, t, 4);
	out[4] = '\0';
	if (memcmp(t, "SSDT", 4) == 0) /* as Linux names them: SSDT1, SSDT2, ... */
		ksnprintf(out, 8, "SSDT%u", info->ssdt_count);
}

/*
 * acpi_parse_aml - read one DSDT or SSDT (counted by acpi_parse_table) for \_S5 and keep the best candidate so far in
 * info->s5 (the DSDT wins a tie); without one, keep the most telling reason. A table the
 * reader refuses is counted in bad_tables. The PCI host bridges are read in the same walk
 * (acpi_pci_aml_begin/_end).
 */
int acpi_parse_aml(const uint8_t *t, uint32_t len, struct acpi_info *info)
{
	struct acpi_s5 *s5 = &info->s5;
	struct aml_s5_result r;
	struct acpi_pci_aml pci;
	struct aml_visit visit;
	enum aml_status st;
	char name[8];

	if (memcmp(t, "DSDT", 4) == 0)
		info->have_dsdt = true;
	table_name(t, info, name);
	acpi_pci_aml_begin(&pci, &visit, name, info);
	st = aml_walk(t, len, &visit, &r);
	acpi_pci_aml_end(&pci, t, len, &r);
	if (st == AML_S5_MALFORMED) {
		printk(KERN_WARN "acpi: %s refused: %s (at offset %#x)\n", name, r.why, r.offset);
		info->bad_tables++;
	}
	if (st == AML_S5_FOUND) {
		int rank = s5_rank(r.at_root, r.scanned);
		int old = s5->found ? s5_rank(s5->at_root, s5->scanned) : 0;

		if (rank > old || (rank == old && strcmp(name, "DSDT") == 0)) {
			s5->found = true;
			s5->slp_typ_a = r.slp_typ_a;
			s5->slp_typ_b = r.slp_typ_b;
			s5->scanned = r.scanned;
			s5->at_root = r.at_root;
			memcpy(s5->path, r.path, sizeof(s5->path));
			memcpy(s5->table, name, sizeof(s5->table));
			s5->why = NULL;
			s5->why_offset = r.offset;
		}
	} else if (!s5->found && (!s5->why || st != AML_S5_ABSENT)) {
		s5->why = r.why;
		s5->why_offset = r.offset;
		memcpy(s5->table, name, sizeof(s5->table));
	}
	return st == AML_S5_MALFORMED ? -EINVAL : 0;
}

static bool space_usable(const struct acpi_gas *g)
{
	return g->space == ACPI_SPACE_IO || g->space == ACPI_SPACE_MEMORY;
}

/* Adds count writes of value, width bits each, at block reg + offset (when reg is a block
 * in I/O or memory space and those bytes lie inside it: no port past 0xffff). */
static void quiet(struct acpi_sleep_plan *plan, const struct acpi_gas *reg, unsigned offset,
		  unsigned count, unsigned width, uint16_t value)
{
	if (!reg->address || !count || !space_usable(reg) || plan->nquiet == ACPI_QUIET_WRITES ||
	    !acpi_gas_fits(reg, offset, (uint64_t)count * width / 8))
		return;
	plan->quiet[plan->nquiet++] = (struct acpi_quiet_write){
		.reg = *reg, .offset = (uint8_t)offset, .count = (uint8_t)count, .width = width,
		.value = value,
	};
}

/* The writes that quiet the wake sources before S5 (struct acpi_sleep_plan): GPE enables
 * off, GPE statuses cleared, then the PM1 statuses (or the sleep status). A GPE block of odd
 * length and a PM1 event block under 4 bytes or of odd length are not what the
 * specification allows: left alone. */
static void plan_quiet(const struct acpi_info *info, struct acpi_sleep_plan *plan)
{
	const struct acpi_gas *gpe[2] = {&info->gpe0, &info->gpe1};
	const uint8_t len[2] = {info->gpe0_len, info->gpe1_len};

	if (info->hw_reduced) {
		quiet(plan, &info->sleep_status, 0, 1, 8, SLEEP_STS_WAK);
		return;
	}
	for (int i = 0; i < 2; i++)
		if (len[i] % 2 == 0)
			quiet(plan, gpe[i], len[i] / 2, len[i] / 2, 8, 0x00);
	for (int i = 0; i < 2; i++)
		if (len[i] % 2 == 0)
			quiet(plan, gpe[i], 0, len[i] / 2, 8, 0xff);
	if (info->pm1_evt_len >= 4 && info->pm1_evt_len % 2 == 0) {
		quiet(plan, &info->pm1a_evt, 0, 1, 16, PM1_STS_CLEAR);
		quiet(plan, &info->pm1b_evt, 0, 1, 16, PM1_STS_CLEAR);
	}
}

/*
 * acpi_s5_plan - see <lios/acpi.h>. plan->why names the first missing piece: no FADT, no
 * \_S5, no register to write, a register in an address space other than I/O or memory, or
 * one outside its space (a port past 0xffff would be written truncated, to another port).
 */
void acpi_s5_plan(const struct acpi_info *info, struct acpi_sleep_plan *plan)
{
	const struct acpi_s5 *s5 = &info->s5;

	memset(plan, 0, sizeof(*plan));
	if (!info->have_fadt) {
		plan->why = "no usable FADT";
		return;
	}
	if (!s5->found) {
		plan->why = info->have_dsdt || info->ssdt_count ? "no usable \\_S5 in the DSDT or SSDTs"
								: "no DSDT to read \\_S5 from";
		return;
	}
	plan->hw_reduced = info->hw_reduced;
	if (info->hw_reduced) {
		if (!info->sleep_control.address) {
			plan->why = "hardware-reduced ACPI without a sleep control register";
			return;
		}
		plan->a = (struct acpi_sleep_write){
			.reg = info->sleep_control, .width = SLEEP_CTL_WIDTH,
			.value = (uint16_t)(s5->slp_typ_a << SLEEP_CTL_SLP_TYP_SHIFT),
			.enable = SLEEP_CTL_SLP_EN,
		};
	} else {
		if (!info->pm1a_cnt.address) {
			plan->why = "the FADT has no PM1a control block";
			return;
		}
		plan->a = (struct acpi_sleep_write){
			.reg = info->pm1a_cnt, .width = PM1_CNT_WIDTH,
			.keep_mask = (uint16_t)~(PM1_CNT_SLP_TYP_MASK | PM1_CNT_SLP_EN),
			.value = (uint16_t)(s5->slp_typ_a << PM1_CNT_SLP_TYP_SHIFT),
			.enable = PM1_CNT_SLP_EN,
		};
		if (info->pm1b_cnt.address) {
			plan->b = plan->a;
			plan->b.reg = info->pm1b_cnt;
			plan->b.value = (uint16_t)(s5->slp_typ_b << PM1_CNT_SLP_TYP_SHIFT);
		}
	}
	if (!space_usable(&plan->a.reg) || (plan->b.reg.address && !space_usable(&plan->b.reg)))
		plan->why = "a sleep register lies in an address space other than I/O or memory";
	else if (!acpi_gas_fits(&plan->a.reg, 0, plan->a.width / 8) ||
		 (plan->b.reg.address && !acpi_gas_fits(&plan->b.reg, 0, plan->b.width / 8)))
		plan->why = "a sleep register lies outside its address space (an I/O port past 0xffff)";
	else
		plan_quiet(info, plan);
}
