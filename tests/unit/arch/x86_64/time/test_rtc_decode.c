// SPDX-License-Identifier: MIT
/*
 * Host tests of the CMOS real-time clock's decoding (src/arch/x86_64/time/rtc_decode.c,
 * compiled into this program) on register snapshots as a clock would hold them: BCD and
 * binary, 24- and 12-hour (12 AM, 12 PM), with and without the FADT's century register,
 * 29 February in leap and common years, every field out of range, and the all-0xff read
 * of a machine where nothing answers at ports 0x70/0x71.
 */
#include <string.h>
#include <lios/errno.h>
#include "../../../unit.h"
#include "rtc_decode.h"

#define B_BCD_24H RTC_B_24H /* QEMU's and most firmware's setting: status B 0x02 */
#define B_BIN_24H (RTC_B_24H | RTC_B_DM_BINARY)
#define B_BCD_12H 0x00
#define B_BIN_12H RTC_B_DM_BINARY

/* A BCD, 24-hour snapshot of 2026-11-29 11:50:12 with century register 0x20. */
static struct rtc_regs bcd(void)
{
	struct rtc_regs r = {
		.second = 0x12,
		.minute = 0x50,
		.hour = 0x11,
		.day = 0x29,
		.month = 0x11,
		.year = 0x26,
		.century = 0x20,
		.has_century = true,
		.status_a = 0x26,
		.status_b = B_BCD_24H,
	};
	return r;
}

/* The same instant in binary, 24-hour: every byte its plain value. */
static struct rtc_regs binary(void)
{
	struct rtc_regs r = {
		.second = 12,
		.minute = 50,
		.hour = 11,
		.day = 29,
		.month = 11,
		.year = 26,
		.century = 20,
		.has_century = true,
		.status_a = 0x26,
		.status_b = B_BIN_24H,
	};
	return r;
}

static bool same_time(const struct rtc_time *t, unsigned y, unsigned mo, unsigned d, unsigned h,
		      unsigned mi, unsigned s)
{
	return t->year == y && t->month == mo && t->day == d && t->hour == h && t->minute == mi &&
	       t->second == s;
}

/* Decodes r expecting -EINVAL, and a reason about 'field': one that starts with its name
 * ("month out of range (1-12)"). Found anywhere, "month" is also in the day's reason ("day
 * out of range for its month and year"): a month 13 refused as a bad day passed. */
static void check_refused(const struct rtc_regs *r, const char *field)
{
	struct rtc_time t;
	const char *why = NULL;
	size_t n = strlen(field);
	bool named;

	CHECK_EQ(rtc_decode(r, &t, &why), -EINVAL);
	named = why && !strncmp(why, field, n) && why[n] == ' ';
	CHECK(named);
	if (!named)
		fprintf(stderr, "  the reason \"%s\" is not about the %s\n", why ? why : "(none)",
			field);
}

/* BCD, 24-hour, century 20: 2026-11-29 11:50:12, each nibble read as a decimal digit. */
static void test_bcd_24h(void)
{
	struct rtc_regs r = bcd();
	struct rtc_time t;
	const char *why = NULL;

	CHECK_EQ(rtc_decode(&r, &t, &why), 0);
	CHECK(same_time(&t, 2026, 11, 29, 11, 50, 12));
	/* the last second of a day: 23:59:59 */
	r.hour = 0x23, r.minute = 0x59, r.second = 0x59;
	CHECK_EQ(rtc_decode(&r, &t, &why), 0);
	CHECK(same_time(&t, 2026, 11, 29, 23, 59, 59));
}

/* Binary, 24-hour: the same date as plain numbers (0x1d is 29); taken as BCD, these bytes
 * are refused (seconds 0x0c has a digit 12), never read as another date. */
static void test_binary_24h(void)
{
	struct rtc_regs r = binary();
	struct rtc_time t;
	const char *why = NULL;

	r.hour = 23;
	CHECK_EQ(rtc_decode(&r, &t, &why), 0);
	CHECK(same_time(&t, 2026, 11, 29, 23, 50, 12));
	r.status_b = B_BCD_24H;
	check_refused(&r, "seconds");
}

/* 12-hour mode, BCD and binary: 12 AM is midnight (0), 1 AM is 1, 11 AM is 11, 12 PM is
 * noon (12), 1 PM is 13, 11 PM is 23. */
static void test_12h(void)
{
	static const struct {
		uint8_t hour; /* the value, 1-12 */
		bool pm;
		unsigned want; /* 0-23 */
	} cases[] = {
		{ 12, false, 0 }, { 1, false, 1 }, { 11, false, 11 },
		{ 12, true, 12 }, { 1, true, 13 }, { 11, true, 23 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rtc_regs r = bcd();
		struct rtc_time t;
		const char *why = NULL;
		uint8_t pm = cases[i].pm ? RTC_HOUR_PM : 0;

		r.status_b = B_BCD_12H;
		r.hour = (uint8_t)(((cases[i].hour / 10) << 4 | cases[i].hour % 10) | pm);
		CHECK_EQ(rtc_decode(&r, &t, &why), 0);
		CHECK_EQ(t.hour, cases[i].want);
		r = (struct rtc_regs){ .second = 1,
				       .minute = 2,
				       .hour = (uint8_t)(cases[i].hour | pm),
				       .day = 3,
				       .month = 4,
				       .year = 5,
				       .status_a = 0x26,
				       .status_b = B_BIN_12H };
		CHECK_EQ(rtc_decode(&r, &t, &why), 0);
		CHECK_EQ(t.hour, cases[i].want);
		CHECK(same_time(&t, 2005, 4, 3, cases[i].want, 2, 1));
	}
}

/* 12-hour mode refuses hour 0 and 13 (AM or PM); 24-hour mode refuses 24 and a PM bit. */
static void test_hour_out_of_range(void)
{
	struct rtc_regs r = bcd();

	r.status_b = B_BCD_12H;
	r.hour = 0x00;
	check_refused(&r, "hour");
	r.hour = 0x13 | RTC_HOUR_PM;
	check_refused(&r, "hour");
	r.hour = 0x80; /* "0 PM" */
	check_refused(&r, "hour");
	r.status_b = B_BCD_24H;
	r.hour = 0x24;
	check_refused(&r, "hour");
	r.hour = 0x11 | RTC_HOUR_PM; /* no PM flag in 24-hour mode */
	check_refused(&r, "hour");
	r = binary();
	r.hour = 24;
	check_refused(&r, "hour");
}

/* The century register: 19 gives 1999, 20 gives 2000; without one (FADT CENTURY 0), or
 * with one that reads 0 (named but never written by the firmware: the whole date was
 * refused), the year is 20xx; another century below 19, or not BCD, is refused rather
 * than shown. */
static void test_century(void)
{
	struct rtc_regs r = bcd();
	struct rtc_time t;
	const char *why = NULL;

	r.century = 0x19, r.year = 0x99;
	CHECK_EQ(rtc_decode(&r, &t, &why), 0);
	CHECK_EQ(t.year, 1999);
	r.century = 0x20, r.year = 0x00;
	CHECK_EQ(rtc_decode(&r, &t, &why), 0);
	CHECK_EQ(t.year, 2000);
	r.century = 0x21, r.year = 0x05;
	CHECK_EQ(rtc_decode(&r, &t, &why), 0);
	CHECK_EQ(t.year, 2105);
	/* absent: whatever the byte holds, 20xx */
	r.has_century = false, r.century = 0x19, r.year = 0x31;
	CHECK_EQ(rtc_decode(&r, &t, &why), 0);
	CHECK_EQ(t.year, 2031);
	r.has_century = true;
	r.century = 0x00, r.year = 0x26;
	CHECK_EQ(rtc_decode(&r, &t, &why), 0);
	CHECK_EQ(t.year, 2026);
	r.century = 0x01;
	check_refused(&r, "century");
	r.century = 0x2a;
	check_refused(&r, "century");
	/* which CMOS indexes may hold it: past the clock (0x0e), below port 0x70's NMI bit */
	CHECK(!rtc_century_index_usable(0));
	CHECK(!rtc_century_index_usable(RTC_REG_YEAR));
	CHECK(!rtc_century_index_usable(0x0d));
	CHECK(rtc_century_index_usable(0x0e));
	CHECK(rtc_century_index_usable(0x32)); /* QEMU's and the IBM AT's */
	CHECK(rtc_century_index_usable(0x7f));
	CHECK(!rtc_century_index_usable(0x80));
	CHECK(!rtc_century_index_usable(0xff));
}

/* 29 February: accepted in 2020 and 2000 (leap years), refused in 2026 and 2100 (common);
 * 30 February never; 31 April refused, 30 April and 31 December accepted. */
static void test_month_lengths(void)
{
	struct rtc_regs r = bcd();
	struct rtc_time t;
	const char *why = NULL;

	r.month = 0x02, r.day = 0x29;
	r.century = 0x20, r.year = 0x20;
	CHECK_EQ(rtc_decode(&r, &t, &why), 0);
	CHECK(same_time(&t, 2020, 2, 29, 11, 50, 12));
	r.year = 0x00;
	CHECK_EQ(rtc_decode(&r, &t, &why), 0);
	r.year = 0x26;
	check_refused(&r, "day");
	r.century = 0x21, r.year = 0x00;
	check_refused(&r, "day");
	r.century = 0x20, r.year = 0x20, r.day = 0x30;
	check_refused(&r, "day");
	r.month = 0x04, r.day = 0x31;
	check_refused(&r, "day");
	r.day = 0x30;
	CHECK_EQ(rtc_decode(&r, &t, &why), 0);
	r.month = 0x12, r.day = 0x31;
	CHECK_EQ(rtc_decode(&r, &t, &why), 0);
	CHECK_EQ(rtc_days_in_month(2020, 2), 29);
	CHECK_EQ(rtc_days_in_month(1900, 2), 28);
	CHECK_EQ(rtc_days_in_month(2020, 13), 0);
}

/* Every field out of range, one at a time: each refused with its name; BCD bytes with a
 * digit above 9 too. */
static void test_fields_out_of_range(void)
{
	struct rtc_regs r;

	r = bcd(), r.second = 0x60;
	check_refused(&r, "seconds");
	r = bcd(), r.second = 0x0a;
	check_refused(&r, "seconds");
	r = bcd(), r.minute = 0x60;
	check_refused(&r, "minutes");
	r = bcd(), r.minute = 0x5f;
	check_refused(&r, "minutes");
	r = bcd(), r.day = 0x00;
	check_refused(&r, "day");
	r = bcd(), r.day = 0x32;
	check_refused(&r, "day");
	r = bcd(), r.month = 0x00;
	check_refused(&r, "month");
	r = bcd(), r.month = 0x13;
	check_refused(&r, "month");
	r = bcd(), r.month = 0x0c; /* 12 in binary, not BCD */
	check_refused(&r, "month");
	r = bcd(), r.year = 0xa0;
	check_refused(&r, "year");
	r = binary(), r.year = 100;
	check_refused(&r, "year");
	r = binary(), r.second = 60;
	check_refused(&r, "seconds");
	r = binary(), r.minute = 60;
	check_refused(&r, "minutes");
	r = binary(), r.month = 13;
	check_refused(&r, "month");
	r = binary(), r.century = 100;
	check_refused(&r, "century");
}

/* Nothing at ports 0x70/0x71: every register reads 0xff. Expected: -ENODEV, "no RTC
 * answers", never a date (0xff is binary 255 or no BCD at all). One register that reads
 * otherwise is a clock with bad fields instead: -EINVAL. */
static void test_all_ff(void)
{
	struct rtc_regs r;
	struct rtc_time t = { 0 };
	const char *why = NULL;

	memset(&r, 0xff, sizeof(r));
	r.has_century = true;
	CHECK_EQ(rtc_decode(&r, &t, &why), -ENODEV);
	CHECK(why && strstr(why, "no RTC answers"));
	CHECK_EQ(t.year, 0); /* nothing written */
	r.has_century = false;
	CHECK_EQ(rtc_decode(&r, &t, &why), -ENODEV);
	r.status_b = B_BCD_24H;
	CHECK_EQ(rtc_decode(&r, &t, &why), -EINVAL);
}

/* Two snapshots agree only when every field and status B do; status A (its UIP bit) and a
 * century byte that is not used do not count. */
static void test_regs_equal(void)
{
	struct rtc_regs a = bcd(), b = bcd();

	CHECK(rtc_regs_equal(&a, &b));
	b.status_a |= RTC_A_UIP;
	CHECK(rtc_regs_equal(&a, &b));
	b.second = 0x13;
	CHECK(!rtc_regs_equal(&a, &b));
	b = bcd(), b.century = 0x21;
	CHECK(!rtc_regs_equal(&a, &b));
	a.has_century = b.has_century = false;
	CHECK(rtc_regs_equal(&a, &b));
	b = a, b.status_b ^= RTC_B_DM_BINARY;
	CHECK(!rtc_regs_equal(&a, &b));
}

int main(void)
{
	RUN(test_bcd_24h);
	RUN(test_binary_24h);
	RUN(test_12h);
	RUN(test_hour_out_of_range);
	RUN(test_century);
	RUN(test_month_lengths);
	RUN(test_fields_out_of_range);
	RUN(test_all_ff);
	RUN(test_regs_equal);
	return unit_summary();
}
