/* SPDX-License-Identifier: MIT */
/*
 * The CMOS real-time clock's registers (Motorola MC146818A data sheet; the same map in
 * every PC chipset since the AT) and their decoding into a date, in pure C (rtc_decode.c;
 * also built for the host: tests/unit/arch/x86_64/time/test_rtc_decode.c). rtc.c reads the
 * registers and hands them here.
 */
#ifndef TIME_RTC_DECODE_H
#define TIME_RTC_DECODE_H

#include <lios/compiler.h>
#include <lios/rtc.h>

/* Register indexes (written to port 0x70). */
#define RTC_REG_SECONDS 0x00
#define RTC_REG_MINUTES 0x02
#define RTC_REG_HOURS 0x04
#define RTC_REG_DAY_OF_MONTH 0x07
#define RTC_REG_MONTH 0x08
#define RTC_REG_YEAR 0x09 /* 0-99 within the century */
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_FIRST_RAM 0x0e /* the first index past the clock and its four status registers */
#define RTC_BANK_SIZE 0x80 /* indexes reachable through port 0x70 (its bit 7 is no index) */

#define RTC_A_UIP 0x80       /* update in progress: the time registers are changing */
#define RTC_B_24H 0x02       /* hours count 0-23; clear: 1-12 with RTC_HOUR_PM */
#define RTC_B_DM_BINARY 0x04 /* data mode: fields in binary; clear: in BCD */
#define RTC_HOUR_PM 0x80     /* 12-hour mode: the hour is after noon */
#define RTC_ABSENT 0xff      /* what every register reads when nothing answers */

/* The registers as read, one snapshot. */
struct rtc_regs {
	uint8_t second, minute, hour, day, month, year;
	uint8_t century;  /* the FADT's century register; meaningful only with has_century */
	bool has_century; /* the FADT names a usable century register */
	uint8_t status_a, status_b;
};

/* rtc_decode - the date in *r into *t: BCD or binary as status B's DM bit says, 12- or
 * 24-hour as its 24/12 bit says, the century from its register or 20xx without one; every
 * field range-checked, the day against its month and year. Returns 0; -ENODEV when every
 * register reads 0xff (nothing answers at the ports); -EINVAL for a field out of range or
 * not BCD. *why gets the reason (static text) on an error. Pure. */
int rtc_decode(const struct rtc_regs *r, struct rtc_time *t, const char **why);

/* rtc_century_index_usable - true when index (the FADT's CENTURY) names a CMOS byte the
 * clock does not own and port 0x70 can reach: RTC_FIRST_RAM to RTC_BANK_SIZE - 1. Pure. */
bool rtc_century_index_usable(uint8_t index);

/* rtc_regs_equal - true when two snapshots hold the same values. Pure. */
bool rtc_regs_equal(const struct rtc_regs *a, const struct rtc_regs *b);

/* rtc_days_in_month - days of month (1-12) in year (Gregorian); 0 for another month. Pure. */
unsigned rtc_days_in_month(unsigned year, unsigned month);

#endif
