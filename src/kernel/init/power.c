// SPDX-License-Identifier: MIT
/*
 * The machine's reset and power-off policy. Drivers offer mechanisms (the ACPI reset
 * register and S5 in drivers/acpi, the 8042 reset line in drivers/input/ps2.c, the
 * chipset's reset control register in drivers/pci, the triple fault in arch); this file
 * alone decides their order, so the shell, a future panic option
 * or a watchdog all end the machine the same way. Before either, the devices that master
 * the bus are stopped (usb_shutdown): the 8042 and triple-fault resets restart the CPU
 * only, and a controller still writing its event ring would write into the memory the
 * firmware reuses; some chipsets also power back on from an S5 entered with the xHCI
 * running. A power-button press arrives in interrupt context (drivers/acpi/acpi_button.c
 * only records it) and is carried out here, in thread context, when the shell next waits.
 */
#include <lios/acpi.h>
#include <lios/errno.h>
#include <lios/machine.h>
#include <lios/pci.h>
#include <lios/power.h>
#include <lios/printk.h>
#include <lios/ps2.h>
#include <lios/usb.h>

/*
 * machine_reboot - ACPI reset register, then the 8042 reset line (not with kbd.ps2=off,
 * which leaves ports 0x60/0x64 alone), and, when one of the two is there and neither
 * reset the machine, both once more: the order Windows uses, which firmware is tested
 * against and Linux copies (some boards reset only on the second ACPI write, after the
 * 8042's). Then the chipset's reset control register (port 0xcf9: what a machine without
 * an ACPI reset register or an 8042 has, as Linux ends its list with it), then a triple
 * fault: each is tried only when the one before is absent or did not reset the machine.
 * The triple fault comes last because it resets the CPU alone. Thread context; never
 * returns.
 */
void machine_reboot(void)
{
	int err, ps2 = 0;

	usb_shutdown("reboot");
	for (int round = 0; round < 2; round++) {
		printk("reboot: ACPI reset register%s\n", round ? ", again" : "");
		err = acpi_reset();
		printk("reboot: %s; pulsing the 8042 reset line%s\n", acpi_reset_why(err),
		       round ? ", again" : "");
		ps2 = ps2_reset_system();
		if (err == -ENODEV && ps2 != -EIO)
			break; /* neither is there: nothing to try twice */
	}
	printk("reboot: %s; chipset reset control (port 0xcf9)\n",
	       ps2 == -ENODEV ? "no 8042"
	       : ps2 == -EPERM ? "8042 left alone (kbd.ps2=off)"
			       : "8042 reset did not happen");
	err = pci_reset_system();
	printk("reboot: %s; triple fault\n", err == -ENODEV ? "no chipset reset control known"
							   : "chipset reset did not happen");
	arch_reset_triple_fault();
}

/*
 * machine_poweroff - ACPI S5 (acpi_poweroff prints what it does or why it cannot).
 * Returns a negative error when the machine is still running: -ENODEV without ACPI S5
 * (nothing stopped), -EIO when the write did not turn it off, another error when S5 could
 * not be entered after all (a sleep register that could not be mapped). USB is stopped
 * whenever the tables describe S5, so after any error but -ENODEV it is gone. Thread
 * context.
 */
int machine_poweroff(void)
{
	if (acpi_can_poweroff())
		usb_shutdown("poweroff");
	return acpi_poweroff();
}

/* machine_power_request_pending - see <lios/power.h>. */
bool machine_power_request_pending(void) { return acpi_button_pending(); }

/* machine_power_requests - see <lios/power.h>. Without S5 the press is reported and the
 * machine goes on (halting would leave only the button's 4-second override); so it does
 * when S5 fails, but without USB, which was stopped for it: the log says so, as it says
 * whether S5 was entered at all. */
void machine_power_requests(void)
{
	int err;

	if (!acpi_button_take())
		return;
	if (!acpi_can_poweroff()) {
		printk("acpi: power button pressed: this machine cannot power off (no ACPI S5); "
		       "going on\n");
		return;
	}
	printk("acpi: power button pressed: powering off\n");
	err = machine_poweroff();
	printk("acpi: power button: %s; going on without USB (stopped for S5)\n",
	       err == -EIO ? "the machine is still on after S5" : "S5 could not be entered");
}
