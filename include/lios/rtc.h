/* SPDX-License-Identifier: MIT */
/*
 * The wall clock: the PC's battery-backed real-time clock (layer: arch; implemented in
 * src/arch/x86_64/time/rtc.c, the pure decoding in rtc_decode.c). What the firmware says
 * about it (the FADT's CENTURY register, IAPC_BOOT_ARCH's "CMOS RTC not present") reaches
 * it as plain values from kmain: arch never includes <lios/acpi.h>.
 *
 * The RTC counts in whatever time zone the machine's other operating system keeps it
 * (Windows: local time; Linux and macOS: usually UTC). Nothing in the clock says which, so
 * LiOS shows its date and time as the clock holds them and never calls them UTC.
 */
#ifndef LIOS_RTC_H
#define LIOS_RTC_H

#include <lios/compiler.h>

/* A calendar date and time of day, every field validated (rtc_decode). */
struct rtc_time {
	uint16_t year;  /* 1900-9999 */
	uint8_t month;  /* 1-12 */
	uint8_t day;    /* 1 to the month's length in that year (29 February only in a leap year) */
	uint8_t hour;   /* 0-23, also when the RTC counts in 12-hour mode */
	uint8_t minute; /* 0-59 */
	uint8_t second; /* 0-59 */
};

/* rtc_init - read the RTC once and print the "rtc: ..." boot line: the date and time and
 * how the clock keeps them, or why there is none. century_index: the CMOS index of the
 * century register (FADT CENTURY; 0: none, then 20xx is assumed); absent: the FADT says
 * no CMOS RTC is present. Boot, after timer_init (its waits are bounded by time). */
void rtc_init(uint8_t century_index, bool absent);

/* rtc_read - the RTC's date and time now into *t. Returns 0, or -ENODEV (no RTC: the FADT
 * says so, or nothing answers), -ETIMEDOUT (an update never ended), -EIO (no two reads
 * agreed) or -EINVAL (a field out of range), with *why the reason (static text). Thread
 * context, after rtc_init; interrupts are disabled only around each register read. */
int rtc_read(struct rtc_time *t, const char **why);

#endif
