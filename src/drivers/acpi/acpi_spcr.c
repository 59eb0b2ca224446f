// SPDX-License-Identifier: MIT
/*
 * The SPCR (Microsoft's Serial Port Console Redirection table, revisions 1-4): which UART
 * the firmware redirects its console to, where its registers are (a Generic Address
 * Structure: an I/O port, or memory with the register width in the GAS) and the baud rate
 * it runs at. LiOS drives a 16550 (interface types 0, 1 and 0x12), at an I/O port with
 * byte registers, or in memory with 8- or 32-bit registers (stride = width). Anything else
 * is recorded with the reason it is not used, for the serial code to say when it needs a
 * UART and COM1 is absent. Pure: host tests feed it tables.
 *
 * Layout (offsets from the table's start, after the 36-byte header): interface type 36,
 * base address GAS 40, interrupt type 52, IRQ 53, GSI 54, baud rate code 58, parity 59,
 * stop bits 60, flow control 61, terminal type 62, PCI device ID 64, vendor ID 66, bus 68,
 * device 69, function 70, PCI flags 71, segment 75, UART clock (revision 3+) 76, precise
 * baud rate (revision 4+, SPCR 1.09) 80: when not 0 it overrides the baud rate code.
 */
#include <lios/acpi.h>
#include <lios/errno.h>
#include <lios/printk.h>
#include <lios/string.h>
#include "acpi_internal.h"

#define SPCR_INTERFACE_TYPE 36
#define SPCR_BASE_ADDRESS 40
#define SPCR_BAUD_RATE 58
#define SPCR_PCI_DEVICE_ID 64
#define SPCR_PCI_VENDOR_ID 66
#define SPCR_PCI_BUS 68
#define SPCR_PCI_DEVICE 69
#define SPCR_PCI_FUNCTION 70
#define SPCR_PCI_SEGMENT 75
#define SPCR_MIN_LEN 76    /* through the PCI segment: every revision has it */
#define SPCR_UART_CLOCK 76 /* revision 3+: Hz, 0 = not given */
#define SPCR_CLOCK_LEN 80
#define SPCR_PRECISE_BAUD 80 /* revision 4+: baud, 0 = use the code at 58 */
#define SPCR_PRECISE_LEN 84
#define UART_CLOCKS_PER_BIT 16 /* a 16550 divides its clock by 16 x the divisor */
#define GAS_ACCESS_BYTE 1      /* GAS access size codes (ACPI 6.x 5.2.3.2) */
#define GAS_ACCESS_DWORD 3

/* The baud rate codes of the table; 0 is "as is": the OS keeps what the firmware set. */
static uint32_t baud_from_code(uint8_t code)
{
	switch (code) {
	case 3:
		return 9600;
	case 4:
		return 19200;
	case 6:
		return 57600;
	case 7:
		return 115200;
	default:
		return 0;
	}
}

/* The register width in bytes the GAS asks for: the access size when given, else the bit
 * width (0 read as 8 bits, as firmware leaves it for a legacy port); 0 when neither is 8
 * or 32 bits. */
static uint8_t gas_reg_bytes(const struct acpi_gas *g)
{
	if (g->access_size)
		return g->access_size == GAS_ACCESS_BYTE    ? 1
		       : g->access_size == GAS_ACCESS_DWORD ? 4
							    : 0;
	if (g->bit_width == 0 || g->bit_width == 8)
		return 1;
	return g->bit_width == 32 ? 4 : 0;
}

/* Why LiOS cannot drive the UART s describes, or NULL when it can; sets s->reg_bytes. */
static const char *spcr_usable(struct acpi_spcr *s)
{
	uint8_t it = s->interface_type;

	if (it != ACPI_SPCR_16550 && it != ACPI_SPCR_16450 && it != ACPI_SPCR_16550_GAS)
		return "its interface type is not a 16550";
	if (!s->base.address)
		return "console redirection is off (base address 0)";
	if (s->base.space != ACPI_SPACE_IO && s->base.space != ACPI_SPACE_MEMORY)
		return "its registers are neither in I/O nor in memory space";
	s->mmio = s->base.space == ACPI_SPACE_MEMORY;
	s->reg_bytes = gas_reg_bytes(&s->base);
	if (!s->reg_bytes || (!s->mmio && s->reg_bytes != 1))
		return "its register width is not supported";
	if (!s->mmio && s->base.address > 0xffff - 7)
		return "its I/O port is out of range";
	if (s->mmio && !acpi_gas_fits(&s->base, 0, 8u * s->reg_bytes))
		return "its registers wrap around the address space";
	return NULL;
}

/* The baud rate of a table of len bytes whose code gives 'coded' (0: as is): revision 4's
 * precise rate when the table has one (not 0); when no divisor of the UART's clock_hz
 * reaches it, 0, so the serial code keeps the divisor the firmware set for it. */
static uint32_t precise_baud(const uint8_t *t, uint32_t len, uint8_t revision, uint32_t clock_hz,
			     uint32_t coded)
{
	uint32_t baud;

	if (revision < 4 || len < SPCR_PRECISE_LEN)
		return coded;
	memcpy(&baud, t + SPCR_PRECISE_BAUD, 4);
	if (!baud)
		return coded;
	return baud <= clock_hz / UART_CLOCKS_PER_BIT ? baud : 0;
}

/*
 * acpi_parse_spcr - see acpi_internal.h. A table too short for its fields is refused
 * (-EINVAL, counted); a sound table whose UART LiOS cannot drive is recorded with 'why'.
 */
int acpi_parse_spcr(const uint8_t *t, uint32_t len, struct acpi_info *info)
{
	struct acpi_spcr *s = &info->spcr;

	if (len < SPCR_MIN_LEN) {
		printk(KERN_WARN "acpi: SPCR is %u bytes, shorter than its %u bytes of fields, "
				 "ignored\n",
		       len, SPCR_MIN_LEN);
		info->bad_tables++;
		return -EINVAL;
	}
	memset(s, 0, sizeof(*s));
	s->present = true;
	s->revision = t[8];
	s->interface_type = t[SPCR_INTERFACE_TYPE];
	memcpy(&s->base, t + SPCR_BASE_ADDRESS, sizeof(s->base));
	s->baud = baud_from_code(t[SPCR_BAUD_RATE]);
	s->clock_hz = ACPI_SPCR_CLOCK_PC;
	if (s->revision >= 3 && len >= SPCR_CLOCK_LEN) {
		uint32_t hz;

		memcpy(&hz, t + SPCR_UART_CLOCK, 4);
		if (hz)
			s->clock_hz = hz;
	}
	s->baud = precise_baud(t, len, s->revision, s->clock_hz, s->baud);
	memcpy(&s->pci_device, t + SPCR_PCI_DEVICE_ID, 2);
	memcpy(&s->pci_vendor, t + SPCR_PCI_VENDOR_ID, 2);
	s->pci_bus = t[SPCR_PCI_BUS];
	s->pci_dev = t[SPCR_PCI_DEVICE];
	s->pci_fn = t[SPCR_PCI_FUNCTION];
	s->pci_segment = t[SPCR_PCI_SEGMENT];
	s->why = spcr_usable(s);
	return 0;
}
