// SPDX-License-Identifier: MIT
/*
 * Non-maskable interrupts: reported, their source acknowledged, and the machine goes on.
 *
 * An NMI is not a fault of the code it interrupts. On a PC it comes from the chipset's NMI
 * status and control register (port 0x61: a PCI system error, SERR#, bit 7; an I/O channel
 * check, IOCHK, bit 6), from a watchdog or a BMC's "diagnostic interrupt" button, or from a
 * hypervisor (QEMU's inject-nmi). Treating it as a fatal exception stopped a machine that
 * had nothing wrong with its code; like Linux by default, LiOS names the source, clears the
 * chipset's latch so the next one can be told apart, and returns. `nmi=panic` on the
 * command line makes every NMI fatal instead (the BMC button's purpose: a report of where
 * the machine was).
 *
 * Port 0x61 (Intel PCH NMI_SC, the AT's port B): bits 7 and 6 are the SERR# and IOCHK
 * statuses (read-only); writing 1 to bit 2 (SERR#) or bit 3 (IOCHK) disables that source
 * and clears its status, 0 enables it again; bits 0-1 gate PIT channel 2 and the speaker
 * (pit.c uses them) and are written back as read; bits 4-5 are read-only. 0xff means no
 * such register (nothing decodes the port). A source that keeps firing (a device stuck
 * asserting SERR#) would otherwise hold the CPU in NMIs: after NMI_SOURCE_MAX it stays
 * disabled, which the log says.
 *
 * Context: the NMI handler (interrupts are off, NMIs blocked until its iretq). printk
 * from here is safe: inside another message's append it is kept aside and logged after it
 * (printk.c), and the screen console drops output it receives while busy.
 */
#include <arch/io.h>
#include <lios/cmdline.h>
#include <lios/irq.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "nmi.h"

#define PORT_NMI_SC 0x61
#define NMI_SC_SERR 0x80      /* status: a PCI system error */
#define NMI_SC_IOCHK 0x40     /* status: an I/O channel check */
#define NMI_SC_IOCHK_OFF 0x08 /* write 1: IOCHK NMIs disabled, status cleared */
#define NMI_SC_SERR_OFF 0x04  /* write 1: SERR# NMIs disabled, status cleared */
#define NMI_SC_WRITABLE 0x0f  /* bits 4-7 are read-only */
#define NMI_REPORT_MAX 5      /* then counted without a message */

struct nmi_stats nmi_stats;

/* Clears one source's status by disabling it (off_bit), then enables it again unless it
 * has fired NMI_SOURCE_MAX times. The other bits are written as they read now (the other
 * source may have been left disabled). Returns true when it stays disabled. */
static bool acknowledge(uint8_t off_bit, unsigned count)
{
	uint8_t w = (uint8_t)((inb(PORT_NMI_SC) & NMI_SC_WRITABLE) | off_bit);

	outb(PORT_NMI_SC, w);
	if (count >= NMI_SOURCE_MAX)
		return true;
	outb(PORT_NMI_SC, (uint8_t)(w & ~off_bit));
	return false;
}

/* See <lios/irq.h>. Any context. */
uint64_t irq_nmi_count(void) { return nmi_stats.total; }

/* The chipset's two NMI sources in port 0x61. */
struct nmi_source {
	uint8_t status, off_bit;
	const char *name, *what;
	unsigned *count;
};
static const struct nmi_source sources[] = {
	{ NMI_SC_SERR, NMI_SC_SERR_OFF, "PCI system error (SERR#)",
	  ": a device reported a bus error", &nmi_stats.serr },
	{ NMI_SC_IOCHK, NMI_SC_IOCHK_OFF, "I/O channel check (IOCHK)", "", &nmi_stats.iochk },
};

/* Whether "nmi=panic" is on the command line (read here: a pure scan, no allocation). */
static bool nmi_panics(void)
{
	char v[8];

	return cmdline_get("nmi", v, sizeof(v)) && !strcmp(v, "panic");
}

/*
 * nmi_handle - an NMI arrived while rip was running: name its source, acknowledge it,
 * count it. Returns true when the machine goes on, false when the command line asks for
 * a panic (the caller reports it as the exception it then is). NMI context.
 */
bool nmi_handle(uint64_t rip)
{
	uint8_t sc = inb(PORT_NMI_SC);
	bool report = ++nmi_stats.total <= NMI_REPORT_MAX, off;

	if (nmi_panics())
		return false;
	if (sc == 0xff) /* no NMI status register */
		sc = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(sources); i++) {
		const struct nmi_source *src = &sources[i];

		if (!(sc & src->status))
			continue;
		off = acknowledge(src->off_bit, ++*src->count);
		if (report || off)
			printk(KERN_ERR "nmi: %s at %pS, NMI status %#x%s; going on%s\n", src->name,
			       (void *)rip, sc, src->what,
			       off ? "; these NMIs are now off (they kept coming)" : "");
	}
	if (!(sc & (NMI_SC_SERR | NMI_SC_IOCHK))) {
		nmi_stats.unknown++;
		if (report)
			printk(KERN_WARN
			       "nmi: NMI of no chipset source at %pS (a watchdog, a BMC, the "
			       "hypervisor); going on\n",
			       (void *)rip);
	}
	if (nmi_stats.total == NMI_REPORT_MAX)
		printk(KERN_WARN "nmi: %u NMIs; further ones are not reported\n", nmi_stats.total);
	return true;
}
