// SPDX-License-Identifier: MIT
/*
 * The PC's CMOS real-time clock (MC146818A-compatible, in every chipset's LPC bridge): the
 * wall-clock date and time, read through the index port 0x70 and the data port 0x71. This
 * file owns the port accesses and the "rtc:" boot line; the registers are decoded in
 * rtc_decode.c (pure, host-tested).
 *
 * A read is consistent only between updates: once a second the clock sets UIP in status
 * register A, 244 us before it starts changing the time registers, and clears it when
 * done (the update takes under 2 ms even on the data sheet's slowest time base). So each
 * snapshot waits, bounded by time, until UIP reads clear, and then reads every field with
 * interrupts off (well within the 244 us); and since an SMI or an emulator's pause may
 * still stretch that, snapshots are taken until two in a row agree.
 *
 * Port 0x70's bit 7 is not part of the index: writing it set masks NMIs at the chipset
 * (the port is write-only on most chipsets, so its old value cannot be read back). LiOS
 * wants every NMI (nmi.c reports each and acknowledges its source in port 0x61) and
 * writes nothing else to port 0x70, so every index here is written with bit 7 clear:
 * NMIs stay unmasked, as Linux leaves them (a firmware that left them masked, which LiOS
 * cannot see, finds them unmasked after the first read; never the other way round).
 * Interrupts are off around each index/data pair so that no handler can move the index
 * between the two.
 *
 * What the firmware says comes from kmain (rtc_init): the FADT's CENTURY register index
 * and its IAPC_BOOT_ARCH "CMOS RTC not present" flag (ACPI 5.0+), which also means
 * nothing is to be read at these ports.
 */
#include <arch/cpu.h>
#include <arch/io.h>
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/rtc.h>
#include <lios/time.h>
#include "rtc_decode.h"

#define RTC_PORT_INDEX 0x70
#define RTC_PORT_DATA 0x71
#define RTC_INDEX_NMI_MASK 0x80 /* port 0x70 bit 7: set masks NMIs; always written clear */
#define RTC_UIP_WAIT_US 10000   /* an update takes under 2 ms: 10 ms means a stuck clock */
#define RTC_READS 5             /* snapshots taken at most to find two in a row that agree */

static bool rtc_absent;       /* the FADT says there is no CMOS RTC */
static uint8_t century_index; /* usable century register, 0: none */

/* One register. Interrupts off (the caller's). */
static uint8_t cmos_read(uint8_t index)
{
	outb(RTC_PORT_INDEX, (uint8_t)(index & ~RTC_INDEX_NMI_MASK));
	return inb(RTC_PORT_DATA);
}

/* One snapshot of every register the decoder needs, taken right after UIP was seen clear.
 * Returns 0, or -ETIMEDOUT when UIP stayed set for RTC_UIP_WAIT_US. A status A of 0xff
 * (nothing at the ports, UIP "set" for ever) is read through without waiting, for
 * rtc_decode to name. Thread context. */
static int snapshot(struct rtc_regs *r)
{
	uint64_t dl = deadline_us(RTC_UIP_WAIT_US);

	for (;;) {
		uint64_t flags = arch_irq_save();

		r->status_a = cmos_read(RTC_REG_A);
		if (!(r->status_a & RTC_A_UIP) || r->status_a == RTC_ABSENT) {
			r->second = cmos_read(RTC_REG_SECONDS);
			r->minute = cmos_read(RTC_REG_MINUTES);
			r->hour = cmos_read(RTC_REG_HOURS);
			r->day = cmos_read(RTC_REG_DAY_OF_MONTH);
			r->month = cmos_read(RTC_REG_MONTH);
			r->year = cmos_read(RTC_REG_YEAR);
			r->has_century = century_index != 0;
			r->century = century_index ? cmos_read(century_index) : 0;
			r->status_b = cmos_read(RTC_REG_B);
			arch_irq_restore(flags);
			return 0;
		}
		arch_irq_restore(flags);
		if (deadline_passed(dl))
			return -ETIMEDOUT;
		cpu_pause();
	}
}

/* The registers, from two snapshots in a row that agree. Returns 0, -ENODEV (the FADT
 * says there is no RTC), -ETIMEDOUT or -EIO with *why. Thread context. */
static int read_regs(struct rtc_regs *r, const char **why)
{
	struct rtc_regs prev;

	if (rtc_absent) {
		*why = "the FADT says this machine has no CMOS RTC";
		return -ENODEV;
	}
	if (snapshot(&prev))
		goto out_stuck;
	for (int i = 1; i < RTC_READS; i++) {
		if (snapshot(r))
			goto out_stuck;
		if (rtc_regs_equal(&prev, r))
			return 0;
		prev = *r;
	}
	*why = "no two reads of the RTC agree";
	return -EIO;
out_stuck:
	*why = "an RTC update never ends (UIP set for 10 ms)";
	return -ETIMEDOUT;
}

/* rtc_read - see lios/rtc.h. Thread context, after rtc_init. */
int rtc_read(struct rtc_time *t, const char **why)
{
	struct rtc_regs r;
	int err = read_regs(&r, why);

	return err ? err : rtc_decode(&r, t, why);
}

/* rtc_init - see lios/rtc.h. Prints one "rtc:" line. Boot, after timer_init. */
void rtc_init(uint8_t century, bool absent)
{
	struct rtc_regs r;
	struct rtc_time t;
	const char *why;
	char cent[64];
	int err;

	rtc_absent = absent;
	century_index = rtc_century_index_usable(century) ? century : 0;
	if (century_index)
		ksnprintf(cent, sizeof(cent), "century register %#x", century_index);
	else if (century)
		ksnprintf(cent, sizeof(cent), "century register %#x unusable: 20xx assumed",
			  century);
	else
		ksnprintf(cent, sizeof(cent), "no century register: 20xx assumed");
	err = read_regs(&r, &why);
	if (!err)
		err = rtc_decode(&r, &t, &why);
	if (err == -ENODEV) {
		printk("rtc: none: %s\n", why);
	} else if (err && err != -EINVAL) {
		printk(KERN_WARN "rtc: no date: %s\n", why);
	} else if (err) {
		printk(KERN_WARN "rtc: no date: %s (registers %02x:%02x:%02x %02x-%02x-%02x, "
				 "century %02x, B 0x%02x; %s)\n",
		       why, r.hour, r.minute, r.second, r.year, r.month, r.day, r.century,
		       r.status_b, cent);
	} else {
		printk("rtc: %04u-%02u-%02u %02u:%02u:%02u (CMOS, %s, %s, %s)\n", t.year, t.month,
		       t.day, t.hour, t.minute, t.second,
		       r.status_b & RTC_B_DM_BINARY ? "binary" : "BCD",
		       r.status_b & RTC_B_24H ? "24-hour" : "12-hour", cent);
	}
}
