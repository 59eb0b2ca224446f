// SPDX-License-Identifier: MIT
/*
 * The real NMI handling (src/arch/x86_64/cpu/nmi.c) against a simulated NMI status and
 * control register (port 0x61, as Intel's PCH documents NMI_SC): SERR# and IOCHK statuses
 * latch until their disable bit (2, 3) is written 1; bits 0-1 are the PIT channel 2 gate and
 * speaker, read/write; 4-7 read-only. QEMU's inject-nmi only reaches the "no chipset
 * source" case (keyboard.bios.pc.nmi); the sources, their acknowledgement and a source that
 * keeps firing are tested here.
 */
#include <lios/cmdline.h>
#include <lios/printk.h>
#include <string.h>
#include "../../../unit.h"
#include "../../../../support/log_capture.h"
#include "nmi.h"

#define PORT 0x61

static bool absent;      /* nothing decodes port 0x61: reads 0xff, writes go nowhere */
static uint8_t rw_bits;  /* bits 0-3 as last written */
static bool serr, iochk; /* latched statuses */
static unsigned writes, other_ports;

uint8_t inb(uint16_t port)
{
	if (port != PORT) {
		other_ports++;
		return 0xff;
	}
	if (absent)
		return 0xff;
	return (uint8_t)(rw_bits | (serr ? 0x80 : 0) | (iochk ? 0x40 : 0) | 0x20 /* timer out */);
}

void outb(uint16_t port, uint8_t v)
{
	if (port != PORT) {
		other_ports++;
		return;
	}
	writes++;
	if (absent)
		return;
	rw_bits = v & 0x0f;
	if (v & 0x04) /* SERR# NMIs disabled: status cleared */
		serr = false;
	if (v & 0x08)
		iochk = false;
}

static void reset(uint8_t bits, bool s, bool i)
{
	memset(&nmi_stats, 0, sizeof(nmi_stats));
	absent = false;
	rw_bits = bits;
	serr = s;
	iochk = i;
	writes = other_ports = 0;
	log_capture_clear();
	cmdline_set("");
}

/* A PCI system error: reported as such (with the status), its latch cleared, SERR# NMIs
 * enabled again, the PIT gate and speaker bits (0-1) as they were; the machine goes on. */
static void test_serr(void)
{
	reset(0x01, true, false);
	CHECK(nmi_handle(0x1000));
	CHECK(!serr);
	CHECK_EQ(rw_bits, 0x01);
	CHECK(log_captured("nmi: PCI system error (SERR#) at "));
	CHECK(log_captured("NMI status 0xa1"));
	CHECK(!log_captured("now off"));
	CHECK_EQ(nmi_stats.serr, 1u);
	CHECK_EQ(nmi_stats.unknown, 0u);
	CHECK_EQ(other_ports, 0u);
}

/* An I/O channel check, and both at once: each source named and cleared, both enabled
 * again, the gate bits kept. */
static void test_iochk_and_both(void)
{
	reset(0x03, false, true);
	CHECK(nmi_handle(0x1000));
	CHECK(!iochk && rw_bits == 0x03);
	CHECK(log_captured("nmi: I/O channel check (IOCHK) at "));
	CHECK(!log_captured("SERR"));

	reset(0x02, true, true);
	CHECK(nmi_handle(0x1000));
	CHECK(!serr && !iochk && rw_bits == 0x02);
	CHECK(log_captured("(SERR#)") && log_captured("(IOCHK)"));
	CHECK_EQ(nmi_stats.serr, 1u);
	CHECK_EQ(nmi_stats.iochk, 1u);
	CHECK_EQ(nmi_stats.unknown, 0u);
}

/* No chipset status (a watchdog, a BMC, QEMU's inject-nmi), and no register at all (reads
 * 0xff): counted as of no chipset source, nothing written, the machine goes on. */
static void test_no_source(void)
{
	reset(0x00, false, false);
	CHECK(nmi_handle(0x1000));
	CHECK(log_captured("nmi: NMI of no chipset source at "));
	CHECK_EQ(nmi_stats.unknown, 1u);
	CHECK_EQ(writes, 0u);

	reset(0x00, false, false);
	absent = true;
	CHECK(nmi_handle(0x1000));
	CHECK(log_captured("no chipset source"));
	CHECK_EQ(nmi_stats.unknown, 1u);
	CHECK_EQ(writes, 0u);
}

/* A device stuck asserting SERR#: the NMI_SOURCE_MAX-th one leaves SERR# NMIs disabled and
 * says so; an IOCHK acknowledged after that keeps them disabled (the register is read again
 * before each write). Only the first five NMIs get a message of their own, plus the one
 * that turns the source off. */
static void test_storm(void)
{
	reset(0x00, false, false);
	for (unsigned i = 1; i <= NMI_SOURCE_MAX; i++) {
		serr = true;
		CHECK(nmi_handle(0x1000));
		CHECK_EQ(rw_bits & 0x04, i < NMI_SOURCE_MAX ? 0 : 0x04);
	}
	CHECK(log_captured(
		"a device reported a bus error; going on; these NMIs are now off (they kept coming)"));
	CHECK(log_captured("nmi: 5 NMIs; further ones are not reported"));
	unsigned reports = 0;
	for (const char *p = log_capture_buf; (p = strstr(p, "(SERR#) at")); p++)
		reports++;
	CHECK_EQ(reports, 6u);
	iochk = true;
	CHECK(nmi_handle(0x1000));
	CHECK(!iochk);
	CHECK_EQ(rw_bits & 0x0c, 0x04); /* IOCHK on again, SERR# still off */
}

/* nmi=panic: the handler refuses (the caller panics with the NMI's frame), touching no
 * port; any other value of nmi= changes nothing. */
static void test_panic_option(void)
{
	reset(0x00, true, false);
	cmdline_set("console=vga nmi=panic");
	CHECK(!nmi_handle(0x1000));
	CHECK(serr);
	CHECK_EQ(writes, 0u);
	reset(0x00, true, false);
	cmdline_set("nmi=panicky");
	CHECK(nmi_handle(0x1000));
	CHECK(!serr);
}

int main(void)
{
	printk_add_sink(log_capture_sink, false);
	RUN(test_serr);
	RUN(test_iochk_and_both);
	RUN(test_no_source);
	RUN(test_storm);
	RUN(test_panic_option);
	return unit_summary();
}
