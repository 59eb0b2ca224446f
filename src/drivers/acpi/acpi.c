// SPDX-License-Identifier: MIT
/*
 * ACPI in the kernel: parse the tables the boot loader pointed at (the RSDP copy in struct
 * bootinfo), reaching them through ioremap (they may lie above the 2 GiB direct map), print
 * one summary line, and offer the FADT reset register to `reboot`. Runs after the memory
 * stack; before it, or without ACPI, everything here reports "absent".
 */
#include <lios/acpi.h>
#include <lios/arch.h>
#include <lios/errno.h>
#include <lios/paging.h>
#include <lios/printk.h>
#include <lios/vmalloc.h>

static struct acpi_info acpi;

static const void *kernel_map(paddr_t phys, size_t len) { return ioremap(phys, len, PG_CACHE_WB); }
static void kernel_unmap(const void *p, size_t len) { iounmap((void *)p); }

static const struct acpi_os kernel_os = {kernel_map, kernel_unmap};

/* Parses the ACPI tables and prints "acpi: ...". Returns 0, or -ENODEV without ACPI.
 * Context: boot, after mm_init. */
int acpi_init(const struct bootinfo *bi)
{
	if (!bi->rsdp_len) {
		printk("acpi: none (the boot loader passed no RSDP)\n");
		return -ENODEV;
	}
	acpi_parse(bi->rsdp, bi->rsdp_len, &kernel_os, &acpi);
	if (!acpi.present) {
		printk("acpi: none (tables unusable)\n");
		return -ENODEV;
	}
	printk("acpi: revision %u, OEM %s, %u tables (%u refused), %u CPU%s, 8042 %s, reset register %s\n",
	       acpi.revision, acpi.oem_id, acpi.tables, acpi.bad_tables, acpi.cpu_count,
	       acpi.cpu_count == 1 ? "" : "s",
	       !acpi.i8042_flag_valid ? "not stated" : acpi.i8042_present ? "present" : "absent",
	       acpi.reset_supported ? "yes" : "no");
	return 0;
}

const struct acpi_info *acpi_get_info(void) { return &acpi; }

int acpi_reset(void)
{
	const struct acpi_gas *r = &acpi.reset_reg;

	if (!acpi.reset_supported)
		return -ENODEV;
	switch (r->space) {
	case ACPI_SPACE_IO:
		arch_pio_write8((uint16_t)r->address, acpi.reset_value);
		break;
	case ACPI_SPACE_MEMORY: {
		volatile uint8_t *reg = ioremap(r->address, 1, PG_CACHE_UC);
		if (!reg)
			return -ENOMEM;
		*reg = acpi.reset_value;
		break;
	}
	case ACPI_SPACE_PCI_CONFIG:
		/* Address: device in bits 32-47, function 16-31, offset 0-15; bus 0 always. */
		arch_pci_config_write8((uint8_t)(r->address >> 32), (uint8_t)(r->address >> 16),
				       (uint16_t)r->address, acpi.reset_value);
		break;
	default:
		return -ENOTSUP;
	}
	/* The reset takes a moment to reach the chipset. */
	for (int i = 0; i < 1000000; i++)
		arch_cpu_relax();
	return -EIO;
}
