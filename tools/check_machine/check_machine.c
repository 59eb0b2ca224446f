// SPDX-License-Identifier: MIT
/*
 * `./lios check-machine [DIR]`: the kernel's own ACPI parsers (src/drivers/acpi: MADT,
 * FADT, HPET, MCFG and the \_S5 reader), built for the host, run over a folder of ACPI
 * tables, printing what LiOS would do on that machine: interrupt model and CPU count,
 * clock sources, PCI configuration access, the PS/2 hint, power-off and reset. DIR
 * defaults to /sys/firmware/acpi/tables, where Linux names each table by its signature
 * (SSDT1, SSDT2, ... for several); there is no RSDP there, so tables are read by file
 * name. A table that is malformed or unknown is reported (the parsers' own messages, then
 * a verdict line); the program itself fails only when the folder cannot be read at all.
 *
 * USB: with the default folder (this machine), or `--pci PCIDIR` (a folder laid out as
 * Linux's /sys/bus/pci/devices: one folder per function with its class, vendor, device and
 * config files), the xHCI functions are listed with what the driver's vendor quirks
 * (src/drivers/usb/xhci_quirks.c) would do there: move ports shared with EHCI (run on a
 * copy of the configuration space: nothing is written to the machine) and the shutdown
 * quirk, or that a Renesas card without firmware is skipped. Linux shows non-root users 64
 * bytes of configuration space: the routing and firmware registers then need root.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lios/acpi.h>
#include <lios/pci.h>
#include <lios/printk.h> /* errno values: <errno.h>, the same numbers as lios/errno.h */
#include "../../src/drivers/usb/usb_internal.h"
#include "rtc_decode.h"

#define DEFAULT_DIR "/sys/firmware/acpi/tables"
#define DEFAULT_PCI "/sys/bus/pci/devices"
#define MAX_FUNCTIONS 512
/* sysfs' class file: class, subclass and programming interface in one number */
#define USB_CLASS(prog_if) ((uint32_t)PCI_CLASS_SERIAL_BUS << 16 | PCI_SUBCLASS_USB << 8 | (prog_if))
#define RENESAS_STATUS_END 0xf8 /* its FW and ROM status words end here (xhci_quirks.c) */
#define MAX_FILES 256
#define FILE_MAX (8u << 20) /* larger than any table the parsers accept */

static struct acpi_info info;

/* Parser messages (printk) are shown indented under the table being read; bytes of a
 * garbage signature they quote are shown as '?'. */
static void show_message(const char *s, size_t len)
{
	printf("    ");
	for (size_t i = 0; i < len; i++)
		putchar((s[i] >= ' ' && s[i] < 0x7f) || s[i] == '\n' ? s[i] : '?');
}

/* The 4-byte signature at t, printable. */
static const char *signature(const uint8_t *t, size_t len, char out[5])
{
	for (int i = 0; i < 4; i++)
		out[i] = (size_t)i < len && t[i] >= ' ' && t[i] < 0x7f ? (char)t[i] : '?';
	out[4] = '\0';
	return out;
}

/* Order: DSDT first (as the kernel reads it with the FADT), then by name, SSDT2 before
 * SSDT10. */
static int file_order(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;

	if (strcmp(a, "DSDT") == 0 || strcmp(b, "DSDT") == 0)
		return strcmp(b, "DSDT") == 0 ? (strcmp(a, "DSDT") != 0) : -1;
	if (strncmp(a, "SSDT", 4) == 0 && strncmp(b, "SSDT", 4) == 0 && strlen(a) != strlen(b))
		return strlen(a) < strlen(b) ? -1 : 1;
	return strcmp(a, b);
}

/* Reads one file whole; NULL with a message when it cannot. */
static uint8_t *read_file(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	uint8_t *buf;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f) {
		printf("  %-6s cannot be read: %s%s\n", name, strerror(errno),
		       errno == EACCES ? " (the tables are readable by root only: sudo ./lios check-machine)" : "");
		return NULL;
	}
	buf = malloc(FILE_MAX + 1);
	n = buf ? fread(buf, 1, FILE_MAX + 1, f) : 0;
	fclose(f);
	if (!buf || n > FILE_MAX) {
		printf("  %-6s is larger than %u bytes: not an ACPI table, skipped\n", name, FILE_MAX);
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* An RSDP file (our QEMU dumps have one; Linux does not export it): revision and OEM. */
static void show_rsdp(const uint8_t *p, size_t len)
{
	if (len < 20 || memcmp(p, "RSD PTR ", 8) != 0) {
		printf("  RSDP   is not a valid RSDP, ignored\n");
		return;
	}
	int oem = 6;

	while (oem > 0 && (p[9 + oem - 1] == ' ' || p[9 + oem - 1] == 0))
		oem--; /* the OEM ID is padded: shown as the kernel's acpi: line shows it */
	printf("  RSDP   revision %u (%s), OEM %.*s\n", p[15], p[15] >= 2 ? "ACPI 2.0+, XSDT" : "ACPI 1.0, RSDT",
	       oem, (const char *)p + 9);
}

static int read_tables(const char *dir)
{
	char *names[MAX_FILES];
	unsigned n = 0;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d) {
		printf("check-machine: cannot open %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) && n < MAX_FILES)
		if (e->d_name[0] != '.' && e->d_type != DT_DIR) /* Linux: data/, dynamic/ */
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), file_order);
	printf("tables in %s:\n", dir);
	for (unsigned i = 0; i < n; i++) {
		size_t len = 0;
		uint8_t *t = read_file(dir, names[i], &len);

		if (t && strcmp(names[i], "RSDP") == 0) {
			show_rsdp(t, len);
		} else if (t) {
			unsigned bad = info.bad_tables;
			char sig[5];
			int err = acpi_parse_table(t, len, &info);

			info.tables++;
			if (err == -ENOENT)
				printf("  %-6s %s, %zu bytes: not used by LiOS\n", names[i], signature(t, len, sig), len);
			else if (err || info.bad_tables != bad)
				printf("  %-6s refused (the message above says why)\n", names[i]);
			else
				printf("  %-6s %s, %zu bytes: read\n", names[i], signature(t, len, sig), len);
		}
		free(t);
		free(names[i]);
	}
	if (!n)
		printf("  (no files)\n");
	return 0;
}

static const char *space(uint8_t s)
{
	return s == ACPI_SPACE_IO ? "io" : s == ACPI_SPACE_MEMORY ? "mmio" : s == ACPI_SPACE_PCI_CONFIG ? "pci-config" : "unknown space";
}

static void show_interrupts(void)
{
	printf("interrupts: ");
	if (!info.madt.present) {
		printf("no MADT: LiOS would use the 8259 PICs (no I/O APIC is known)\n");
	} else if (info.madt.truncated) {
		printf("the MADT is malformed: LiOS would use the 8259 PICs\n");
	} else if (!info.madt.ioapic_count) {
		printf("the MADT lists no I/O APIC: LiOS would use the 8259 PICs\n");
	} else {
		printf("LiOS would use the I/O APIC and the local APIC (if the CPU has an xAPIC)%s\n",
		       info.madt.pcat_compat ? ", the 8259s masked" : "");
		for (unsigned i = 0; i < info.madt.ioapic_count; i++)
			printf("    I/O APIC %u at %#x, GSI base %u\n", info.madt.ioapics[i].id,
			       info.madt.ioapics[i].address, info.madt.ioapics[i].gsi_base);
		printf("    local APIC at %#llx", (unsigned long long)info.madt.lapic_address);
		for (unsigned i = 0; i < info.madt.override_count; i++)
			printf("%s IRQ %u -> GSI %u", i ? "," : "; ISA overrides:", info.madt.overrides[i].source,
			       info.madt.overrides[i].gsi);
		printf("\n");
	}
	if (info.madt.present)
		printf("cpus: %u usable in the MADT (LiOS runs on the boot CPU only)%s\n", info.cpu_count,
		       info.madt.bad_entries ? "; some MADT entries were ignored (see above)" : "");
}

static void show_clocks(void)
{
	printf("clocks:\n");
	if (info.have_hpet)
		printf("    HPET at %#llx, %s-bit main counter, %u timers, minimum tick %u\n",
		       (unsigned long long)info.hpet_address, info.hpet_64bit ? "64" : "32",
		       info.hpet_comparators, info.hpet_min_tick);
	else
		printf("    no HPET table\n");
	if (info.pm_timer_bits)
		printf("    ACPI PM timer at %s %#llx, %u-bit\n", space(info.pm_timer.space),
		       (unsigned long long)info.pm_timer.address, info.pm_timer_bits);
	else
		printf("    no ACPI PM timer%s\n", info.hw_reduced ? " (hardware-reduced ACPI)" : "");
	printf("    LiOS calibrates the TSC from CPUID leaf 0x15 when the CPU reports it, else against %s\n",
	       info.have_hpet ? "the HPET" : info.pm_timer_bits ? "the PM timer" : "the PIT (channel 2)");
}

/* The root buses LiOS walks: the host bridges ACPI names, or why it probes instead. */
static void show_pci_roots(void)
{
	struct acpi_pci_roots roots;

	acpi_pci_roots(&info, &roots);
	if (roots.why) {
		printf("    root buses: LiOS probes every bus number the walk from bus 0 does not reach (%s%s%s)\n",
		       roots.why, roots.why_where[0] ? ": " : "", roots.why_where);
		return;
	}
	printf("    root buses from ACPI (LiOS walks these, no probing):\n");
	for (unsigned i = 0; i < roots.count; i++) {
		const struct acpi_pci_root *r = &roots.root[i];

		printf("      %04x:%02x %s (%s", r->segment, r->bus, r->dev,
		       r->from_crs ? "_CRS" : r->from_bbn ? "_BBN" : "the only host bridge: bus 0");
		if (r->from_crs)
			printf(", buses %02x-%02x", r->bus, r->bus_end);
		printf(")\n");
	}
}

static void show_pci(void)
{
	if (!info.mcfg_count) {
		printf("pci: %s: configuration space through I/O ports 0xcf8/0xcfc (256 bytes per function)\n",
		       info.have_mcfg ? "the MCFG lists no usable window" : "no MCFG");
	} else {
		printf("pci: ECAM (memory-mapped configuration, 4 KiB per function):\n");
		for (unsigned i = 0; i < info.mcfg_count; i++)
			printf("    segment %u, buses %u-%u at %#llx\n", info.mcfg[i].segment,
			       info.mcfg[i].bus_start, info.mcfg[i].bus_end, (unsigned long long)info.mcfg[i].base);
	}
	show_pci_roots();
}

static void show_ps2(void)
{
	printf("ps2: ");
	if (!info.have_fadt)
		printf("no FADT; ");
	else if (!info.i8042_flag_valid)
		printf("FADT revision %u does not state whether an 8042 exists; ", info.fadt_revision);
	else
		printf("the FADT says an 8042 is %s; ", info.i8042_present ? "present" : "absent");
	printf("LiOS probes the controller either way (the flag is only a hint)\n");
}

static void show_write(const char *what, const struct acpi_sleep_write *w)
{
	printf("    %s: %s %#llx, %u-bit: %s(SLP_TYP %#x), then | SLP_EN %#x\n", what, space(w->reg.space),
	       (unsigned long long)w->reg.address, w->width,
	       w->keep_mask ? "keep the other bits, write " : "write ", w->value, w->enable);
}

/* What quiet write q does, for the listing. */
static const char *quiet_what(const struct acpi_info *in, const struct acpi_quiet_write *q)
{
	if (in->hw_reduced)
		return "sleep status: clear WAK_STS";
	if (q->width == 16)
		return "PM1 status: clear the wake and fixed event bits";
	return q->value ? "GPE status: clear" : "GPE enables: off";
}

static void show_power(void)
{
	struct acpi_sleep_plan plan;
	const struct acpi_s5 *s5 = &info.s5;

	acpi_s5_plan(&info, &plan);
	if (plan.why) {
		printf("poweroff: not possible through ACPI: %s\n", plan.why);
		if (s5->why)
			printf("    %s: %s (offset %#x)\n", s5->table, s5->why, s5->why_offset);
		printf("    LiOS would say so and halt\n");
	} else {
		printf("poweroff: ACPI S5: %s in %s = SLP_TYPa %u, SLP_TYPb %u%s%s\n", s5->path, s5->table,
		       s5->slp_typ_a, s5->slp_typ_b, s5->at_root ? "" : " (not at the root; used for want of \\_S5)",
		       s5->scanned ? " (found inside a conditional block)" : "");
		if (plan.hw_reduced) {
			show_write("sleep control register", &plan.a);
		} else {
			show_write("PM1a_CNT", &plan.a);
			if (plan.b.reg.address)
				show_write("PM1b_CNT", &plan.b);
			if (info.smi_cmd && info.acpi_enable)
				printf("    first ACPI mode if SCI_EN is clear: %#x to SMI_CMD io %#x\n",
				       info.acpi_enable, info.smi_cmd);
		}
		for (unsigned i = 0; i < plan.nquiet; i++) {
			const struct acpi_quiet_write *q = &plan.quiet[i];

			printf("    before: %s %#llx + %u: %u x %u-bit %#x (%s)\n", space(q->reg.space),
			       (unsigned long long)q->reg.address, q->offset, q->count, q->width, q->value,
			       quiet_what(&info, q));
		}
	}
	if (info.reset_supported)
		printf("reset: ACPI reset register %s %#llx, value %#x\n", space(info.reset_reg.space),
		       (unsigned long long)info.reset_reg.address, info.reset_value);
	else
		printf("reset: no ACPI reset register: LiOS pulses the 8042 reset line, else writes the "
		       "chipset's reset control (port 0xcf9; Intel, AMD and Hygon chipsets), else "
		       "triple-faults\n");
}

/* The serial log's UART as serial_find_late would choose it (COM1 itself is not visible in
 * the tables: it is probed at boot). */
static void show_serial(void)
{
	const struct acpi_spcr *sp = &info.spcr;

	if (!sp->present) {
		printf("serial: no SPCR: LiOS uses COM1 (0x3f8) if it answers, else the first PCI "
		       "16550\n");
		return;
	}
	if (sp->why) {
		printf("serial: the SPCR's UART would not be used: %s; LiOS uses COM1 if it answers, "
		       "else the first PCI 16550\n", sp->why);
		return;
	}
	printf("serial: COM1 (0x3f8) if it answers, else the SPCR's 16550 at %s %#llx%s, %u baud\n",
	       sp->mmio ? "MMIO" : "I/O", (unsigned long long)sp->base.address,
	       sp->reg_bytes == 4 ? " (32-bit registers)" : "", sp->baud ? sp->baud : 115200u);
}

/* The VT-d units dmar_init would turn off: their state is in their registers, which
 * check-machine does not read, so it names them and what the boot does with each. */
static void show_dmar(void)
{
	const struct acpi_dmar *d = &info.dmar;

	if (!d->present) {
		printf("dmar: no DMAR table: no VT-d units for LiOS to turn off\n");
		return;
	}
	printf("dmar: %u VT-d remapping unit%s: at boot LiOS turns off the translation, protected "
	       "memory and interrupt remapping the firmware left on in each%s\n",
	       d->unit_count, d->unit_count == 1 ? "" : "s",
	       d->flags & ACPI_DMAR_DMA_CTRL_OPT_IN
		       ? " (the firmware asks, by the DMAR's opt-in flag, to keep DMA protection: "
			 "LiOS does not)"
		       : "");
	for (unsigned i = 0; i < d->unit_count; i++)
		printf("    unit %u at %#llx, segment %u%s\n", i, (unsigned long long)d->unit[i].base,
		       d->unit[i].segment,
		       d->unit[i].flags & ACPI_DRHD_INCLUDE_PCI_ALL ? ", every other device" : "");
}

/* The AMD IOMMUs amdvi_init would turn off: as for the VT-d units, their state is in their
 * registers, so check-machine names them and what the boot does with each. */
static void show_ivrs(void)
{
	const struct acpi_ivrs *v = &info.ivrs;

	if (!v->present) {
		printf("amdvi: no IVRS table: no AMD IOMMUs for LiOS to turn off\n");
		return;
	}
	printf("amdvi: %u AMD IOMMU%s: at boot LiOS turns off the translation, command buffer and "
	       "logs the firmware left on in each%s\n",
	       v->unit_count, v->unit_count == 1 ? "" : "s",
	       v->ivinfo & ACPI_IVINFO_DMA_REMAP
		       ? " (the IVRS says the firmware used them for pre-boot DMA protection)"
		       : "");
	for (unsigned i = 0; i < v->unit_count; i++)
		printf("    unit %u at %#llx, the IOMMU at %04x:%02x:%02x.%u, IVHD types%s%s%s\n", i,
		       (unsigned long long)v->unit[i].base, v->unit[i].segment,
		       v->unit[i].devid >> 8, (v->unit[i].devid >> 3) & 0x1f, v->unit[i].devid & 7,
		       v->unit[i].types & ACPI_IVHD_TYPE_10 ? " 0x10" : "",
		       v->unit[i].types & ACPI_IVHD_TYPE_11 ? " 0x11" : "",
		       v->unit[i].types & ACPI_IVHD_TYPE_40 ? " 0x40" : "");
}

/* The real-time clock as rtc_init would read it: from the FADT's two fields. */
static void show_rtc(void)
{
	if (info.no_cmos_rtc) {
		printf("rtc: the FADT says there is no CMOS RTC: LiOS reads none, `date` says so\n");
		return;
	}
	if (rtc_century_index_usable(info.rtc_century))
		printf("rtc: CMOS RTC at ports 0x70/0x71, the century in CMOS register %#x\n",
		       info.rtc_century);
	else
		printf("rtc: CMOS RTC at ports 0x70/0x71, %s: LiOS assumes 20xx\n",
		       info.rtc_century ? "an unusable century register" : "no century register");
}

/* The power button as acpi_button_init would set it up (acpi_button_plan, the same code). */
static void show_button(void)
{
	struct acpi_button_plan plan;

	acpi_button_plan(&info, &plan);
	if (plan.why) {
		printf("power button: LiOS would not enable it: %s\n", plan.why);
		return;
	}
	printf("power button: fixed feature, SCI on IRQ %u (%s, %s%s): LiOS switches to ACPI mode at "
	       "boot, turns every GPE off and powers off on a press\n",
	       plan.sci, (plan.flags & ACPI_MPS_TRIGGER_MASK) == ACPI_MPS_TRIGGER_EDGE ? "edge" : "level",
	       (plan.flags & ACPI_MPS_POLARITY_MASK) == ACPI_MPS_POLARITY_HIGH ? "high" : "low",
	       plan.madt_override ? ", as the MADT's override says" : "");
}

/* One PCI function as Linux's sysfs shows it: IDs, class, and a copy of its configuration
 * space (64 bytes for non-root readers, 256 or 4096 for root). */
struct sysfs_fn {
	char name[64];
	uint16_t vendor, device;
	uint32_t class_code;
	uint8_t cfg[PCI_CFG_SIZE];
	size_t cfg_len;
};

static unsigned long read_hex(const char *dir, const char *fn, const char *file)
{
	char path[4096], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, fn, file);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strtoul(buf, NULL, 16);
}

/* Configuration reads on the copy; all ones past what could be read, as for an absent
 * register. Writes land in the copy: the driver's code reads its own writes back. */
static uint32_t copy_read(void *ctx, uint32_t addr, uint16_t off, unsigned int width)
{
	const struct sysfs_fn *f = ctx;
	uint32_t v = 0;

	(void)addr;
	if (off + width > f->cfg_len)
		return 0xffffffffu >> (32 - 8 * width);
	for (unsigned int i = 0; i < width; i++)
		v |= (uint32_t)f->cfg[off + i] << (8 * i);
	return v;
}

static void copy_write(void *ctx, uint32_t addr, uint16_t off, unsigned int width, uint32_t v)
{
	struct sysfs_fn *f = ctx;

	(void)addr;
	for (unsigned int i = 0; i < width && off + i < f->cfg_len; i++)
		f->cfg[off + i] = (uint8_t)(v >> (8 * i));
}

static int read_function(const char *dir, const char *name, struct sysfs_fn *f)
{
	char path[4096];
	FILE *c;

	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->vendor = (uint16_t)read_hex(dir, name, "vendor");
	f->device = (uint16_t)read_hex(dir, name, "device");
	f->class_code = (uint32_t)read_hex(dir, name, "class");
	snprintf(path, sizeof(path), "%s/%s/config", dir, name);
	c = fopen(path, "rb");
	if (c) {
		f->cfg_len = fread(f->cfg, 1, sizeof(f->cfg), c);
		fclose(c);
	}
	return f->vendor ? 0 : -1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct sysfs_fn *)a)->name, ((const struct sysfs_fn *)b)->name);
}

static void show_usb(const char *dir)
{
	static struct sysfs_fn fns[MAX_FUNCTIONS];
	unsigned n = 0, xhcis = 0;
	bool intel_ehci = false;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d) {
		printf("usb: cannot open %s: %s\n", dir, strerror(errno));
		return;
	}
	while ((e = readdir(d)) && n < MAX_FUNCTIONS)
		if (e->d_name[0] != '.' && read_function(dir, e->d_name, &fns[n]) == 0)
			n++;
	closedir(d);
	qsort(fns, n, sizeof(fns[0]), by_name);
	for (unsigned i = 0; i < n; i++)
		if (fns[i].class_code == USB_CLASS(PCI_PROG_IF_EHCI) && fns[i].vendor == PCI_VENDOR_INTEL)
			intel_ehci = true;
	for (unsigned i = 0; i < n; i++) {
		struct sysfs_fn *f = &fns[i];
		unsigned prog_if = f->class_code & 0xff;

		if ((f->class_code & ~0xffu) != USB_CLASS(0))
			continue;
		if (prog_if != PCI_PROG_IF_XHCI) {
			printf("usb: %s %04x:%04x %s: not driven by LiOS (xHCI only)\n", f->name, f->vendor,
			       f->device, prog_if == PCI_PROG_IF_EHCI ? "EHCI" : prog_if == 0x10 ? "OHCI" : prog_if == 0 ? "UHCI" : "USB");
			continue;
		}
		xhcis++;
		struct pci_cfg_ops ops = { copy_read, copy_write, f };
		struct pci_dev pd = { .vendor = f->vendor, .device = f->device, .cfg = &ops };
		bool renesas = f->vendor == PCI_VENDOR_RENESAS && (f->device == 0x0014 || f->device == 0x0015);
		if (renesas && f->cfg_len >= RENESAS_STATUS_END && xhci_renesas_needs_firmware(&pd)) {
			printf("usb: %s %04x:%04x xHCI: Renesas uPD72020x without firmware (no ROM, none loaded): "
			       "LiOS skips it (it carries no firmware); its ports stay deaf\n",
			       f->name, f->vendor, f->device);
			continue;
		}
		printf("usb: %s %04x:%04x xHCI: LiOS takes it over and drives its keyboards\n", f->name, f->vendor,
		       f->device);
		if (renesas && f->cfg_len < RENESAS_STATUS_END)
			printf("    Renesas uPD72020x: reading whether it has firmware (LiOS cannot use it without) "
			       "needs root (sudo ./lios check-machine)\n");
		bool shared = f->vendor == PCI_VENDOR_INTEL && intel_ehci;
		if (shared && f->cfg_len <= XHCI_INTEL_USB3PRM) {
			printf("    ports shared with EHCI: reading the routing registers needs root (sudo ./lios "
			       "check-machine)\n");
		} else if (xhci_intel_route(&pd, intel_ehci, f->name, NULL) == XHCI_ROUTE_NOT_SHARED) {
			printf("    no ports shared with EHCI\n");
		}
		if (xhci_intel_wakes_from_s5(&pd))
			printf("    before poweroff and reboot: halted, reset and put in D3hot (this part wakes the machine "
			       "from S5 otherwise)\n");
	}
	if (!xhcis)
		printf("usb: no xHCI: LiOS hears a keyboard here only on PS/2 (or the firmware's emulation of it)\n");
}

int main(int argc, char **argv)
{
	const char *dir = DEFAULT_DIR, *pci = NULL;
	bool given = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			printf("usage: check-machine [DIR] [--pci PCIDIR]   (default %s and, for this machine, %s)\n",
			       DEFAULT_DIR, DEFAULT_PCI);
			return 0;
		}
		if (strcmp(argv[i], "--pci") == 0 && i + 1 < argc) {
			pci = argv[++i];
		} else if (argv[i][0] != '-' && !given) {
			dir = argv[i];
			given = true;
		} else {
			printf("usage: check-machine [DIR] [--pci PCIDIR]\n");
			return 2;
		}
	}
	if (!pci && !given)
		pci = DEFAULT_PCI;
	acpi_info_init(&info);
	printk_add_sink(show_message, false);
	printf("LiOS check-machine: what LiOS would do with these ACPI tables\n");
	if (read_tables(dir))
		return 1;
	show_interrupts();
	show_clocks();
	show_pci();
	show_ps2();
	show_power();
	show_button();
	show_rtc();
	show_serial();
	show_dmar();
	show_ivrs();
	if (pci)
		show_usb(pci);
	return 0;
}
