// SPDX-License-Identifier: MIT
/*
 * Host tests of the S5 (soft-off) plan, acpi_s5_plan (src/drivers/acpi/acpi_sleep.c), on
 * struct acpi_info filled by hand: each refusal a real machine's tables can lead to, named
 * by its reason (no FADT, hardware-reduced ACPI without a sleep control register, no PM1a
 * control block, a sleep register in PCI configuration, embedded-controller or
 * functional-fixed-hardware space), and a machine with both PM1a and PM1b control blocks,
 * whose two writes carry their own SLP_TYP values. test_acpi.c holds the plans read from
 * whole tables (QEMU's, registers outside their space).
 */
#include <lios/acpi.h>
#include <string.h>
#include "../../unit.h"

#define ACPI_SPACE_EC 3
#define ACPI_SPACE_FFH 0x7f

static struct acpi_info info;
static struct acpi_sleep_plan plan;

/* A legacy (not hardware-reduced) machine with a DSDT, \_S5 = {5, 6} and PM1a control at
 * I/O port 0x404, as a chipset's FADT gives it. */
static void legacy_machine(void)
{
	acpi_info_init(&info);
	info.have_fadt = true;
	info.have_dsdt = true;
	info.s5 = (struct acpi_s5){ .found = true, .slp_typ_a = 5, .slp_typ_b = 6 };
	info.pm1a_cnt = (struct acpi_gas){ ACPI_SPACE_IO, 16, 0, 2, 0x404 };
}

static void expect_why(const char *want, int line)
{
	acpi_s5_plan(&info, &plan);
	UNIT_CHECKED();
	if (!plan.why || strcmp(plan.why, want) != 0) {
		fprintf(stderr, "  line %d: \"%s\", expected \"%s\"\n", line,
			plan.why ? plan.why : "(none)", want);
		UNIT_FAIL();
	}
}
#define EXPECT_WHY(want) expect_why(want, __LINE__)

/* No FADT at all (an RSDP whose tables were all refused), and a FADT without \_S5 with and
 * without a DSDT to read it from. */
static void no_fadt_or_s5(void)
{
	legacy_machine();
	info.have_fadt = false;
	EXPECT_WHY("no usable FADT");
	legacy_machine();
	info.s5.found = false;
	EXPECT_WHY("no usable \\_S5 in the DSDT or SSDTs");
	info.have_dsdt = false;
	EXPECT_WHY("no DSDT to read \\_S5 from");
	info.ssdt_count = 1; /* an SSDT alone may carry \_S5 */
	EXPECT_WHY("no usable \\_S5 in the DSDT or SSDTs");
}

/* Hardware-reduced ACPI (HW_REDUCED_ACPI in the FADT flags) has no PM1 blocks; without the
 * sleep control register there is nothing to write, even with a PM1a block present. */
static void hw_reduced_without_sleep_control(void)
{
	legacy_machine();
	info.hw_reduced = true;
	EXPECT_WHY("hardware-reduced ACPI without a sleep control register");
	CHECK_EQ(plan.a.reg.address, 0);
}

/* A legacy FADT whose PM1a control block is 0 (and X_PM1a_CNT_BLK too). */
static void no_pm1a(void)
{
	legacy_machine();
	info.pm1a_cnt.address = 0;
	EXPECT_WHY("the FADT has no PM1a control block");
	info.pm1b_cnt = (struct acpi_gas){ ACPI_SPACE_IO, 16, 0, 2, 0x4404 }; /* PM1b alone: no */
	EXPECT_WHY("the FADT has no PM1a control block");
}

/* Sleep registers the kernel cannot write: PCI configuration, embedded controller and
 * functional fixed hardware space, for PM1a, for PM1b and for the sleep control register. */
static void registers_in_other_spaces(void)
{
	static const uint8_t spaces[] = { ACPI_SPACE_PCI_CONFIG, ACPI_SPACE_EC, ACPI_SPACE_FFH };
	const char *other = "a sleep register lies in an address space other than I/O or memory";

	for (unsigned i = 0; i < sizeof(spaces); i++) {
		legacy_machine();
		info.pm1a_cnt.space = spaces[i];
		EXPECT_WHY(other);
		legacy_machine();
		info.pm1b_cnt = (struct acpi_gas){ spaces[i], 16, 0, 2, 0x4404 };
		EXPECT_WHY(other);
		legacy_machine();
		info.hw_reduced = true;
		info.sleep_control = (struct acpi_gas){ spaces[i], 8, 0, 1, 0x40 };
		EXPECT_WHY(other);
	}
	/* memory space is as good as I/O */
	legacy_machine();
	info.pm1a_cnt = (struct acpi_gas){ ACPI_SPACE_MEMORY, 16, 0, 2, 0xfe000404 };
	acpi_s5_plan(&info, &plan);
	CHECK(plan.why == NULL);
	CHECK_EQ(plan.a.reg.space, ACPI_SPACE_MEMORY);
}

/* PM1a and PM1b control blocks (two chipset halves): both written, each with the SLP_TYP
 * of its own \_S5 element, SLP_EN the same bit, read-modify-write keeping the other bits. */
static void pm1a_and_pm1b(void)
{
	legacy_machine();
	info.pm1b_cnt = (struct acpi_gas){ ACPI_SPACE_IO, 16, 0, 2, 0x4404 };
	acpi_s5_plan(&info, &plan);
	CHECK(plan.why == NULL);
	CHECK(!plan.hw_reduced);
	CHECK_EQ(plan.a.reg.address, 0x404);
	CHECK_EQ(plan.a.value, 5u << 10);
	CHECK_EQ(plan.b.reg.address, 0x4404);
	CHECK_EQ(plan.b.reg.space, ACPI_SPACE_IO);
	CHECK_EQ(plan.b.value, 6u << 10);
	CHECK_EQ(plan.b.width, 16u);
	CHECK_EQ(plan.b.enable, 1u << 13);
	CHECK_EQ(plan.b.keep_mask, plan.a.keep_mask);
	CHECK_EQ(plan.a.keep_mask, 0xc3ff);

	info.pm1b_cnt.address = 0; /* PM1a alone: no second write */
	acpi_s5_plan(&info, &plan);
	CHECK(plan.why == NULL);
	CHECK_EQ(plan.b.reg.address, 0);
}

int main(void)
{
	RUN(no_fadt_or_s5);
	RUN(hw_reduced_without_sleep_control);
	RUN(no_pm1a);
	RUN(registers_in_other_spaces);
	RUN(pm1a_and_pm1b);
	return unit_summary();
}
