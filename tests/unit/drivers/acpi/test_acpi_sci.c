// SPDX-License-Identifier: MIT
/*
 * Host tests of the fixed-feature power button's pure half (src/drivers/acpi/acpi_sci.c):
 * the FADT fields it needs (SCI_INT, the PWR_BUTTON flag), what acpi_button_plan decides
 * from QEMU's own tables and from FADTs that must be refused, the SCI's override written
 * into the interrupt model, the decoding of PM1 status, and the storm detector. Each case
 * says which firmware or interrupt situation it models and what must be concluded.
 */
#include <stdlib.h>
#include <lios/acpi.h>
#include <lios/errno.h>
#include <lios/string.h>
#include "../../unit.h"
#include "acpi_fixture.h"
#include "read_file.h"

#define LEVEL_LOW (ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_LOW)
#define LEVEL_HIGH (ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_HIGH)
#define EDGE_HIGH (ACPI_MPS_TRIGGER_EDGE | ACPI_MPS_POLARITY_HIGH)

/* Parses tables/<dir>/<name> into info (a failure when the file is missing). */
static void parse_fixture(const char *dir, const char *name)
{
	const char *root = getenv("LIOS_ACPI_TABLES");
	char path[512];
	size_t len;
	uint8_t *t;

	snprintf(path, sizeof(path), "%s/%s", root ? root : ".", dir);
	t = support_read_file(path, name, &len);
	if (!t) {
		UNIT_FAIL();
		return;
	}
	CHECK_EQ(acpi_parse_table(t, len, &info), 0);
	free(t);
}

/* A legacy machine as the plan sees it: FADT with SCI 9, a 4-byte PM1a event block at
 * port 0x600, GPE0 at 0x620 (8 bytes), MADT present without overrides. */
static void legacy_info(void)
{
	acpi_info_init(&info);
	info.have_fadt = true;
	info.sci_int = 9;
	info.pm1a_evt = (struct acpi_gas){ ACPI_SPACE_IO, 32, 0, 0, 0x600 };
	info.pm1_evt_len = 4;
	info.gpe0 = (struct acpi_gas){ ACPI_SPACE_IO, 64, 0, 0, 0x620 };
	info.gpe0_len = 8;
	info.madt.present = true;
}

/* QEMU pc (PIIX4): the ACPI 1.0 FADT gives SCI 9 and the fixed button; the MADT's
 * override for IRQ 9 says level / active high, which wins over the SCI's default. PM1a
 * events at 0x600 (enable at +2), GPE0 at 0xafe0, 4 bytes: both enable bytes zeroed, then
 * both status bytes cleared. */
static void test_qemu_pc(void)
{
	struct acpi_button_plan plan;

	acpi_info_init(&info);
	parse_fixture("qemu-pc", "FACP");
	parse_fixture("qemu-pc", "APIC");
	CHECK(info.sci_int == 9 && !info.pwr_button_cm && !info.hw_reduced);
	acpi_button_plan(&info, &plan);
	CHECK(plan.why == NULL);
	CHECK_EQ(plan.sci, 9u);
	CHECK(plan.madt_override && plan.flags == LEVEL_HIGH);
	CHECK(plan.pm1[0].address == 0x600 && plan.pm1[1].address == 0 && plan.enable_offset == 2);
	CHECK_EQ(plan.ngpe, 2u);
	CHECK(plan.gpe[0].reg.address == 0xafe0 && plan.gpe[0].offset == 2 &&
	      plan.gpe[0].count == 2 && plan.gpe[0].value == 0);
	CHECK(plan.gpe[1].reg.address == 0xafe0 && plan.gpe[1].offset == 0 &&
	      plan.gpe[1].count == 2 && plan.gpe[1].value == 0xff);
}

/* QEMU q35 (ICH9): the same SCI and button; GPE0 at 0x620 is 16 bytes: 8 enable bytes
 * zeroed from offset 8. Routing it changes nothing in the model (the override is there,
 * explicit already). */
static void test_qemu_q35(void)
{
	struct acpi_button_plan plan;
	unsigned overrides;

	acpi_info_init(&info);
	parse_fixture("qemu-q35", "FACP");
	parse_fixture("qemu-q35", "APIC");
	CHECK(info.sci_int == 9 && !info.pwr_button_cm);
	acpi_button_plan(&info, &plan);
	CHECK(plan.why == NULL && plan.flags == LEVEL_HIGH && plan.madt_override);
	CHECK(plan.gpe[0].reg.address == 0x620 && plan.gpe[0].offset == 8 &&
	      plan.gpe[0].count == 8);
	overrides = info.madt.override_count;
	CHECK_EQ(acpi_sci_model(&info.madt, &plan), 0);
	CHECK_EQ(info.madt.override_count, overrides);
}

/* A FADT whose flags say the power button is a control-method device (PWR_BUTTON, bit 4)
 * and whose SCI_INT is 11: both read; the plan refuses the button (LiOS runs no AML). The
 * same FADT hardware-reduced: SCI_INT is ignored (ACPI 6.5 5.2.9), and the reason is the
 * GED device. */
static void test_fadt_fields(void)
{
	uint8_t body[276 - 36] = { 0 };
	uint32_t flags = 1u << 4, evt = 0x400;
	uint16_t sci = 11;
	struct acpi_button_plan plan;

	memcpy(body + 46 - 36, &sci, 2);
	memcpy(body + 56 - 36, &evt, 4);
	body[88 - 36] = 4;
	memcpy(body + 112 - 36, &flags, 4);
	put_table(FADT_AT, "FACP", 6, body, sizeof(body));
	acpi_info_init(&info);
	CHECK_EQ(acpi_parse_table(phys_mem + FADT_AT, 276, &info), 0);
	CHECK(info.sci_int == 11 && info.pwr_button_cm && info.pm1a_evt.address == 0x400);
	acpi_button_plan(&info, &plan);
	CHECK(plan.why && strstr(plan.why, "control-method"));
	flags = 1u << 20; /* HW_REDUCED_ACPI, button flag clear */
	memcpy(body + 112 - 36, &flags, 4);
	put_table(FADT_AT, "FACP", 6, body, sizeof(body));
	acpi_info_init(&info);
	CHECK_EQ(acpi_parse_table(phys_mem + FADT_AT, 276, &info), 0);
	CHECK(info.hw_reduced && info.sci_int == 0 && !info.pwr_button_cm);
	acpi_button_plan(&info, &plan);
	CHECK(plan.why && strstr(plan.why, "hardware-reduced"));
}

/* Everything the plan must refuse, one change at a time from a good legacy machine: no
 * FADT; SCI_INT 0, 2 (the cascade), 16 and 20 (GSIs past the ISA lines); no PM1a event
 * block; PM1_EVT_LEN 2 (no room for the enable half) or 5 (odd); a PM1b block in PCI
 * configuration space; a port block running past 0xffff. The good machine itself passes,
 * with the SCI's default level / active low (no override in its MADT). */
static void test_refusals(void)
{
	static const uint16_t bad_sci[] = { 0, 2, 16, 20 };
	struct acpi_button_plan plan;

	legacy_info();
	acpi_button_plan(&info, &plan);
	CHECK(plan.why == NULL && !plan.madt_override && plan.flags == LEVEL_LOW);
	info.have_fadt = false;
	acpi_button_plan(&info, &plan);
	CHECK(plan.why && strstr(plan.why, "FADT"));
	for (unsigned i = 0; i < 4; i++) {
		legacy_info();
		info.sci_int = bad_sci[i];
		acpi_button_plan(&info, &plan);
		CHECK(plan.why && strstr(plan.why, "SCI_INT"));
	}
	legacy_info();
	info.pm1a_evt.address = 0;
	acpi_button_plan(&info, &plan);
	CHECK(plan.why && strstr(plan.why, "PM1a"));
	legacy_info();
	info.pm1_evt_len = 2;
	acpi_button_plan(&info, &plan);
	CHECK(plan.why && strstr(plan.why, "PM1_EVT_LEN"));
	info.pm1_evt_len = 5;
	acpi_button_plan(&info, &plan);
	CHECK(plan.why && strstr(plan.why, "PM1_EVT_LEN"));
	legacy_info();
	info.pm1b_evt = (struct acpi_gas){ ACPI_SPACE_PCI_CONFIG, 32, 0, 0, 0x40 };
	acpi_button_plan(&info, &plan);
	CHECK(plan.why && strstr(plan.why, "PM1 event block"));
	legacy_info();
	info.pm1a_evt.address = 0xfffe; /* the enable register would be port 0x10000 */
	acpi_button_plan(&info, &plan);
	CHECK(plan.why && strstr(plan.why, "PM1 event block"));
}

/* The SCI's override in the model: none in the MADT -> one added, GSI 9, level / active
 * low; one that "conforms" (flags 0, ISA's edge / high if taken literally) -> made level /
 * active low in place; an explicit edge / high one is kept as it is (the MADT says so); a
 * full override table -> -ENOSPC, nothing written; no MADT (8259s) -> no override, the line
 * marked level in isa_level (the ELCR bit comes from that). A GPE block
 * of odd length is left alone; one in PCI configuration space too. */
static void test_sci_override(void)
{
	struct acpi_button_plan plan;

	legacy_info();
	acpi_button_plan(&info, &plan);
	CHECK_EQ(acpi_sci_model(&info.madt, &plan), 0);
	CHECK_EQ(info.madt.override_count, 1u);
	CHECK(info.madt.overrides[0].source == 9 && info.madt.overrides[0].gsi == 9 &&
	      info.madt.overrides[0].flags == LEVEL_LOW);

	legacy_info();
	info.madt.override_count = 2;
	info.madt.overrides[0] = (struct acpi_irq_override){ 0, 2, 0 };
	info.madt.overrides[1] = (struct acpi_irq_override){ 9, 20, 0 };
	acpi_button_plan(&info, &plan);
	CHECK(plan.why == NULL && plan.madt_override && plan.flags == LEVEL_LOW);
	CHECK_EQ(acpi_sci_model(&info.madt, &plan), 0);
	CHECK(info.madt.override_count == 2 && info.madt.overrides[1].gsi == 20 &&
	      info.madt.overrides[1].flags == LEVEL_LOW && info.madt.overrides[0].flags == 0);

	info.madt.overrides[1].flags = EDGE_HIGH;
	acpi_button_plan(&info, &plan);
	CHECK(plan.flags == EDGE_HIGH);

	legacy_info();
	info.madt.override_count = ACPI_MAX_OVERRIDES;
	for (unsigned i = 0; i < ACPI_MAX_OVERRIDES; i++)
		info.madt.overrides[i] =
			(struct acpi_irq_override){ (uint8_t)(i == 9 ? 0 : i), i, 0 };
	acpi_button_plan(&info, &plan);
	CHECK_EQ(acpi_sci_model(&info.madt, &plan), -ENOSPC);
	CHECK_EQ(info.madt.override_count, (unsigned)ACPI_MAX_OVERRIDES);

	legacy_info();
	info.madt.present = false;
	acpi_button_plan(&info, &plan);
	CHECK(plan.why == NULL && plan.flags == LEVEL_LOW);
	CHECK_EQ(acpi_sci_model(&info.madt, &plan), 0);
	CHECK_EQ(info.madt.override_count, 0u);
	CHECK_EQ(info.madt.isa_level, 1u << 9);

	legacy_info();
	info.gpe0_len = 7;
	info.gpe1 = (struct acpi_gas){ ACPI_SPACE_PCI_CONFIG, 32, 0, 0, 0x40 };
	info.gpe1_len = 4;
	acpi_button_plan(&info, &plan);
	CHECK(plan.why == NULL && plan.ngpe == 0);

	/* a GPE block whose enable half runs past the I/O space (0xfff0 + 16 + 16 bytes): left
	 * out whole, its status half too (the handler would read and write the enable half at
	 * ports that wrap to 0x0000-0x000f, the DMA controller); GPE1 beside it is kept */
	legacy_info();
	info.gpe0 = (struct acpi_gas){ ACPI_SPACE_IO, 8, 0, 0, 0xfff0 };
	info.gpe0_len = 32;
	info.gpe1 = (struct acpi_gas){ ACPI_SPACE_IO, 8, 0, 0, 0x640 };
	info.gpe1_len = 4;
	acpi_button_plan(&info, &plan);
	CHECK(plan.why == NULL);
	CHECK_EQ(plan.ngpe, 2u);
	for (unsigned i = 0; i < plan.ngpe; i++)
		CHECK(plan.gpe[i].reg.address == 0x640);
}

/* One SCI's PM1 status: PWRBTN set and enabled -> cleared, a press; set but not enabled
 * (firmware left it, LiOS did not enable it) -> nothing to service, not cleared; WAK_STS
 * and BM_STS (no enable, never an SCI) with garbage in the enable register -> untouched;
 * the button in PM1b with a timer event in PM1a -> both cleared, a press; nothing at all ->
 * unclaimed. */
static void test_decode(void)
{
	struct acpi_sci_events ev;
	uint16_t sts[2], en[2];

	sts[0] = ACPI_PM1_PWRBTN, en[0] = ACPI_PM1_PWRBTN, sts[1] = en[1] = 0;
	acpi_sci_decode(sts, en, &ev);
	CHECK(ev.button && !ev.unclaimed && ev.clear[0] == ACPI_PM1_PWRBTN && ev.clear[1] == 0);

	sts[0] = ACPI_PM1_PWRBTN, en[0] = 0;
	acpi_sci_decode(sts, en, &ev);
	CHECK(!ev.button && ev.unclaimed && ev.clear[0] == 0);

	sts[0] = 0x8010, en[0] = 0xffff; /* WAK_STS, BM_STS */
	acpi_sci_decode(sts, en, &ev);
	CHECK(!ev.button && ev.unclaimed && ev.clear[0] == 0);

	sts[0] = ACPI_PM1_TMR | ACPI_PM1_PWRBTN, en[0] = ACPI_PM1_TMR;
	sts[1] = ACPI_PM1_PWRBTN | ACPI_PM1_RTC, en[1] = ACPI_PM1_PWRBTN;
	acpi_sci_decode(sts, en, &ev);
	CHECK(ev.button && !ev.unclaimed);
	CHECK(ev.clear[0] == ACPI_PM1_TMR && ev.clear[1] == ACPI_PM1_PWRBTN);

	sts[0] = sts[1] = en[0] = en[1] = 0;
	acpi_sci_decode(sts, en, &ev);
	CHECK(!ev.button && ev.unclaimed && ev.clear[0] == 0 && ev.clear[1] == 0);
}

/* The storm detector, on made-up times: LIMIT SCIs in the same millisecond are not a
 * storm, the next one is (reported once: never again, however many follow); SCIs spread
 * so that no window holds more than LIMIT never trip it; LIMIT/2 + 1 at the start of a
 * window and as many just before its end do; a clock going backwards starts a new window
 * instead of wrapping. */
static void test_storm(void)
{
	struct acpi_sci_storm s = { 0 };
	unsigned trips = 0;

	for (unsigned i = 0; i < ACPI_SCI_STORM_LIMIT; i++)
		CHECK(!acpi_sci_storm_note(&s, 5000));
	CHECK(acpi_sci_storm_note(&s, 5000));
	for (unsigned i = 0; i < 1000; i++)
		trips += acpi_sci_storm_note(&s, 5001 + i / 10);
	CHECK_EQ(trips, 0u);

	s = (struct acpi_sci_storm){ 0 };
	for (uint64_t t = 0; t < 20 * ACPI_SCI_STORM_WINDOW_MS; t += ACPI_SCI_STORM_WINDOW_MS / 50)
		trips += acpi_sci_storm_note(&s, 100000 + t); /* 50 per window */
	CHECK_EQ(trips, 0u);

	s = (struct acpi_sci_storm){ 0 };
	for (unsigned i = 0; i <= ACPI_SCI_STORM_LIMIT / 2; i++)
		trips += acpi_sci_storm_note(&s, 7000);
	for (unsigned i = 0; i <= ACPI_SCI_STORM_LIMIT / 2; i++)
		trips += acpi_sci_storm_note(&s, 7000 + ACPI_SCI_STORM_WINDOW_MS - 1);
	CHECK_EQ(trips, 1u);

	s = (struct acpi_sci_storm){ 0 };
	trips = 0;
	for (unsigned i = 0; i < ACPI_SCI_STORM_LIMIT; i++)
		trips += acpi_sci_storm_note(&s, 9000);
	trips += acpi_sci_storm_note(&s, 8000); /* backwards: a new window, count 1 */
	CHECK_EQ(trips, 0u);
	CHECK_EQ(s.count, 1u);
}

int main(void)
{
	RUN(test_qemu_pc);
	RUN(test_qemu_q35);
	RUN(test_fadt_fields);
	RUN(test_refusals);
	RUN(test_sci_override);
	RUN(test_decode);
	RUN(test_storm);
	return unit_summary();
}
