// SPDX-License-Identifier: MIT
/*
 * Decoding the CMOS real-time clock's registers into a date (see rtc_decode.h). The clock
 * keeps each field in one byte, in BCD (0x59 is 59) or in binary as status register B's
 * DM bit says, and the hour either 0-23 or 1-12 with bit 7 meaning PM (12 AM is midnight,
 * 12 PM is noon) as its 24/12 bit says. The year register holds only 0-99; the century is
 * in a CMOS byte the FADT names (CENTURY), kept in the same mode as the clock, or nowhere:
 * then the clock is taken to be in 2000-2099, as every PC's firmware has set it since. A
 * century byte of 0 counts as nowhere too: firmware that names the byte but never writes
 * it (Linux reads 0 so as well); any other value outside 19-99 is refused.
 *
 * Nothing read is trusted: a BCD digit above 9, a month 13, the 31st of April, 29
 * February in a common year, an hour 24 or a 12-hour hour 0 are each refused with the
 * field named. An ISA bus where nothing decodes ports 0x70/0x71 reads 0xff from every
 * register: that is "no RTC answers", never a date of 0xff fields.
 */
#include <lios/errno.h>
#include "rtc_decode.h"

#define RTC_CENTURY_MIN 19       /* 1900: no PC's clock was set earlier */
#define RTC_YEAR_NO_CENTURY 2000 /* without a century register: 20xx */

/* The value of a field byte: binary as is, BCD digit by digit. Returns false for a BCD
 * byte with a digit above 9. */
static bool field_value(uint8_t raw, bool binary, unsigned *out)
{
	if (binary) {
		*out = raw;
		return true;
	}
	if ((raw & 0x0f) > 9 || (raw >> 4) > 9)
		return false;
	*out = (raw >> 4) * 10u + (raw & 0x0f);
	return true;
}

/* rtc_days_in_month - see rtc_decode.h. Pure. */
unsigned rtc_days_in_month(unsigned year, unsigned month)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	if (month < 1 || month > 12)
		return 0;
	return days[month - 1] + (month == 2 && leap ? 1u : 0u);
}

/* rtc_century_index_usable - see rtc_decode.h. Pure. */
bool rtc_century_index_usable(uint8_t index)
{
	return index >= RTC_FIRST_RAM && index < RTC_BANK_SIZE;
}

/* rtc_regs_equal - see rtc_decode.h. Pure. */
bool rtc_regs_equal(const struct rtc_regs *a, const struct rtc_regs *b)
{
	return a->second == b->second && a->minute == b->minute && a->hour == b->hour &&
	       a->day == b->day && a->month == b->month && a->year == b->year &&
	       a->has_century == b->has_century && (!a->has_century || a->century == b->century) &&
	       a->status_b == b->status_b;
}

static bool all_absent(const struct rtc_regs *r)
{
	return r->second == RTC_ABSENT && r->minute == RTC_ABSENT && r->hour == RTC_ABSENT &&
	       r->day == RTC_ABSENT && r->month == RTC_ABSENT && r->year == RTC_ABSENT &&
	       r->status_a == RTC_ABSENT && r->status_b == RTC_ABSENT;
}

/* The hour 0-23 from the hours register, in 12- or 24-hour mode. */
static int decode_hour(uint8_t raw, bool binary, bool h24, unsigned *hour, const char **why)
{
	unsigned v;

	if (h24) {
		if (!field_value(raw, binary, &v) || v > 23) {
			*why = "hour out of range (24-hour mode: 0-23)";
			return -EINVAL;
		}
		*hour = v;
		return 0;
	}
	if (!field_value(raw & ~RTC_HOUR_PM, binary, &v) || v < 1 || v > 12) {
		*why = "hour out of range (12-hour mode: 1-12)";
		return -EINVAL;
	}
	/* 12 AM is midnight (0), 12 PM noon (12) */
	*hour = v % 12 + (raw & RTC_HOUR_PM ? 12 : 0);
	return 0;
}

/* The full year from the year register and the century, if any. */
static int decode_year(const struct rtc_regs *r, bool binary, unsigned *year, const char **why)
{
	unsigned yy, cc;

	if (!field_value(r->year, binary, &yy) || yy > 99) {
		*why = "year out of range (0-99)";
		return -EINVAL;
	}
	if (!r->has_century || r->century == 0) { /* 0: named by the FADT, never written */
		*year = RTC_YEAR_NO_CENTURY + yy;
		return 0;
	}
	if (!field_value(r->century, binary, &cc) || cc < RTC_CENTURY_MIN || cc > 99) {
		*why = "century register out of range (19-99)";
		return -EINVAL;
	}
	*year = cc * 100 + yy;
	return 0;
}

/* rtc_decode - see rtc_decode.h. Pure. */
int rtc_decode(const struct rtc_regs *r, struct rtc_time *t, const char **why)
{
	bool binary = r->status_b & RTC_B_DM_BINARY, h24 = r->status_b & RTC_B_24H;
	unsigned year, month, day, hour, minute, second;
	int err;

	if (all_absent(r)) {
		*why = "no RTC answers (every register reads 0xff)";
		return -ENODEV;
	}
	if (!field_value(r->second, binary, &second) || second > 59) {
		*why = "seconds out of range (0-59)";
		return -EINVAL;
	}
	if (!field_value(r->minute, binary, &minute) || minute > 59) {
		*why = "minutes out of range (0-59)";
		return -EINVAL;
	}
	err = decode_hour(r->hour, binary, h24, &hour, why);
	if (err)
		return err;
	err = decode_year(r, binary, &year, why);
	if (err)
		return err;
	if (!field_value(r->month, binary, &month) || month < 1 || month > 12) {
		*why = "month out of range (1-12)";
		return -EINVAL;
	}
	if (!field_value(r->day, binary, &day) || day < 1 || day > rtc_days_in_month(year, month)) {
		*why = "day out of range for its month and year";
		return -EINVAL;
	}
	t->year = (uint16_t)year;
	t->month = (uint8_t)month;
	t->day = (uint8_t)day;
	t->hour = (uint8_t)hour;
	t->minute = (uint8_t)minute;
	t->second = (uint8_t)second;
	return 0;
}
