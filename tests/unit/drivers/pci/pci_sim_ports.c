// SPDX-License-Identifier: MIT
/*
 * Configuration mechanism #1 (PCI 3.0, 3.2.2.3.2) over a simulated configuration space, as
 * the port I/O functions (arch_pio_*) a host program of the kernel's PCI code links in
 * place of the CPU's in and out: 0xcf8 holds the address (enable bit, bus, device,
 * function, register), 0xcfc-0xcff reach the dword it names, any byte of it. A data port
 * read with the enable bit clear, or any other port, reads all ones and a write there is
 * dropped, as on a chipset. The buses the data ports reached are recorded, so a test can
 * tell which ones the kernel's walk read; so are the byte writes to the chipset's reset
 * control register, 0xcf9. See pci_sim.h.
 */
#include <lios/arch.h>
#include <string.h>
#include "pci_sim.h"

#define CFG_ADDRESS 0xcf8
#define CFG_DATA 0xcfc
#define CFG_ENABLE (1u << 31)

static const struct pci_cfg_ops *ports_cfg;
static uint32_t cf8;
static uint8_t buses_read[SIM_BUSES / 8]; /* bit per bus */

void sim_ports_attach(const struct pci_cfg_ops *cfg)
{
	ports_cfg = cfg;
	cf8 = 0;
	memset(buses_read, 0, sizeof(buses_read));
}

bool sim_ports_bus_read(unsigned int bus) { return buses_read[bus / 8] >> (bus % 8) & 1; }

/* The function and register a data port reaches; false for none (another port, the
 * address not enabled, nothing attached). */
static bool cfg_target(uint16_t port, uint32_t *addr, uint16_t *off)
{
	if (!ports_cfg || port < CFG_DATA || port > CFG_DATA + 3 || !(cf8 & CFG_ENABLE))
		return false;
	*addr = PCI_ADDR(0, cf8 >> 16 & 0xff, cf8 >> 11 & 0x1f, cf8 >> 8 & 7);
	*off = (uint16_t)((cf8 & 0xfc) + (port - CFG_DATA));
	return true;
}

static uint32_t data_read(uint16_t port, unsigned int width)
{
	uint32_t addr;
	uint16_t off;

	if (!cfg_target(port, &addr, &off))
		return 0xffffffffu >> (32 - 8 * width);
	buses_read[PCI_ADDR_BUS(addr) / 8] |= (uint8_t)(1u << (PCI_ADDR_BUS(addr) % 8));
	return ports_cfg->read(ports_cfg->ctx, addr, off, width);
}

static void data_write(uint16_t port, unsigned int width, uint32_t v)
{
	uint32_t addr;
	uint16_t off;

	if (cfg_target(port, &addr, &off))
		ports_cfg->write(ports_cfg->ctx, addr, off, width, v);
}

/* The chipset's Reset Control Register at 0xcf9 (a byte access; pci.c's pci_reset_system):
 * reads give rcr, writes are recorded in order (nothing resets). */
#define RESET_CONTROL 0xcf9
static uint8_t rcr;
static uint8_t rcr_log[8];
static unsigned int rcr_writes;

void sim_ports_rcr(uint8_t v)
{
	rcr = v;
	rcr_writes = 0;
}

unsigned int sim_ports_rcr_log(const uint8_t **log)
{
	*log = rcr_log;
	return rcr_writes;
}

uint8_t arch_pio_read8(uint16_t port)
{
	return port == RESET_CONTROL ? rcr : (uint8_t)data_read(port, 1);
}
uint16_t arch_pio_read16(uint16_t port) { return (uint16_t)data_read(port, 2); }
uint32_t arch_pio_read32(uint16_t port) { return data_read(port, 4); }
void arch_pio_write8(uint16_t port, uint8_t v)
{
	if (port != RESET_CONTROL) {
		data_write(port, 1, v);
		return;
	}
	if (rcr_writes < sizeof(rcr_log))
		rcr_log[rcr_writes] = v;
	rcr_writes++;
	rcr = v;
}
void arch_pio_write16(uint16_t port, uint16_t v) { data_write(port, 2, v); }
void arch_pio_write32(uint16_t port, uint32_t v)
{
	if (port == CFG_ADDRESS)
		cf8 = v;
	else
		data_write(port, 4, v);
}
