// SPDX-License-Identifier: MIT
/*
 * Unit tests of the machine's reboot and power-off policy (src/kernel/init/power.c), with
 * the drivers it calls (ACPI, USB, the 8042, the chipset's 0xcf9, the triple fault) replaced by stand-ins that
 * record the order of the calls, and printk captured: what is tried in which order, and
 * what the log says when the machine is still on.
 */
#include <lios/acpi.h>
#include <lios/errno.h>
#include <lios/machine.h>
#include <lios/pci.h>
#include <lios/power.h>
#include <lios/printk.h>
#include <lios/ps2.h>
#include <lios/usb.h>
#include <setjmp.h>
#include <string.h>
#include "../../unit.h"
#include "log_capture.h" /* log_capture_buf: the printk output of one scenario */

static char calls[256]; /* the driver calls of one scenario, "usb acpi_reset ..." */

static void called(const char *what)
{
	strncat(calls, what, sizeof(calls) - strlen(calls) - 2);
	strcat(calls, " ");
}

/* ------------------------------------------------------------------ driver stand-ins */

static bool s5_described = true; /* acpi_can_poweroff's answer */
static int poweroff_err = -EIO;  /* what acpi_poweroff returns */
static bool button_pressed;      /* acpi_button_take's next answer */
static jmp_buf machine_gone;     /* the triple fault: the CPU resets */

bool acpi_can_poweroff(void) { return s5_described; }

int acpi_poweroff(void)
{
	called("acpi_poweroff");
	if (poweroff_err == -ENOMEM)
		printk("poweroff: cannot map the sleep register at 0xfed80000\n");
	else if (poweroff_err == -EIO)
		printk("poweroff: the machine is still running after S5\n");
	return poweroff_err;
}

bool acpi_button_take(void)
{
	bool was = button_pressed;

	button_pressed = false;
	return was;
}

bool acpi_button_pending(void) { return button_pressed; }

void usb_shutdown(const char *why)
{
	called("usb");
	called(why);
}

static int acpi_reset_err = -ENODEV; /* what acpi_reset returns */

int acpi_reset(void)
{
	called("acpi_reset");
	return acpi_reset_err;
}

const char *acpi_reset_why(int err)
{
	return err == -ENODEV ? "no ACPI reset register" : "ACPI reset did not happen";
}

static int ps2_err = -EIO; /* what ps2_reset_system returns */

int ps2_reset_system(void)
{
	called("8042");
	return ps2_err;
}

static int pci_err = -ENODEV; /* what pci_reset_system returns */

int pci_reset_system(void)
{
	called("cf9");
	return pci_err;
}

void arch_reset_triple_fault(void)
{
	called("triple");
	longjmp(machine_gone, 1);
}

static void scenario_start(void)
{
	log_capture_clear();
	calls[0] = '\0';
}

/* ------------------------------------------------------------------ cases */

/* reboot: USB halted first, then the ACPI reset register and the 8042, both again when
 * one of them is there and neither reset the machine (Windows' order, which Linux
 * copies), then the chipset's reset control (0xcf9), the triple fault, each step's failure
 * said before the next. */
static void test_reboot_order(void)
{
	scenario_start();
	if (!setjmp(machine_gone))
		machine_reboot();
	CHECK(strcmp(calls, "usb reboot acpi_reset 8042 acpi_reset 8042 cf9 triple ") == 0);
	CHECK(log_captured("reboot: no ACPI reset register; pulsing the 8042 reset line\n"));
	CHECK(log_captured("reboot: ACPI reset register, again\n"));
	CHECK(log_captured("reboot: no ACPI reset register; pulsing the 8042 reset line, again\n"));
	CHECK(log_captured(
		"reboot: 8042 reset did not happen; chipset reset control (port 0xcf9)\n"));
	CHECK(log_captured("reboot: no chipset reset control known; triple fault\n"));

	/* kbd.ps2=off: the 8042 driver touches nothing and says so (-EPERM); a chipset with
	 * the register that did not reset (-EIO) */
	scenario_start();
	ps2_err = -EPERM;
	pci_err = -EIO;
	if (!setjmp(machine_gone))
		machine_reboot();
	ps2_err = -EIO;
	pci_err = -ENODEV;
	CHECK(strcmp(calls, "usb reboot acpi_reset 8042 cf9 triple ") == 0);
	CHECK(log_captured(
		"reboot: 8042 left alone (kbd.ps2=off); chipset reset control (port 0xcf9)\n"));
	CHECK(log_captured("reboot: chipset reset did not happen; triple fault\n"));
	CHECK(!log_captured(", again"));

	/* neither an ACPI reset register nor an 8042: once each, nothing to repeat */
	scenario_start();
	ps2_err = -ENODEV;
	if (!setjmp(machine_gone))
		machine_reboot();
	CHECK(strcmp(calls, "usb reboot acpi_reset 8042 cf9 triple ") == 0);
	CHECK(log_captured("reboot: no 8042; chipset reset control (port 0xcf9)\n"));

	/* an ACPI reset register that did not reset, no 8042: the register written twice */
	scenario_start();
	acpi_reset_err = -EIO;
	if (!setjmp(machine_gone))
		machine_reboot();
	acpi_reset_err = -ENODEV;
	ps2_err = -EIO;
	CHECK(strcmp(calls, "usb reboot acpi_reset 8042 acpi_reset 8042 cf9 triple ") == 0);
	CHECK(log_captured(
		"reboot: ACPI reset did not happen; pulsing the 8042 reset line, again\n"));
}

/* poweroff: USB is stopped only when S5 is tried; without S5 nothing is touched. */
static void test_poweroff_usb_only_with_s5(void)
{
	scenario_start();
	s5_described = false;
	poweroff_err = -ENODEV;
	CHECK_EQ(machine_poweroff(), -ENODEV);
	CHECK(strcmp(calls, "acpi_poweroff ") == 0);

	scenario_start();
	s5_described = true;
	poweroff_err = -EIO;
	CHECK_EQ(machine_poweroff(), -EIO);
	CHECK(strcmp(calls, "usb poweroff acpi_poweroff ") == 0);
}

/* The power button, S5 written but the machine still on: the shell goes on, and the log
 * says that it goes on without USB (stopped for S5: a USB keyboard is dead from here on).
 * Before: "the machine is still on after S5; going on", as if nothing had changed. */
static void test_button_s5_failed(void)
{
	scenario_start();
	s5_described = true;
	poweroff_err = -EIO;
	button_pressed = true;
	CHECK(machine_power_request_pending());
	machine_power_requests();
	CHECK(!machine_power_request_pending());
	CHECK(strcmp(calls, "usb poweroff acpi_poweroff ") == 0);
	CHECK(log_captured("acpi: power button pressed: powering off\n"));
	CHECK(log_captured("acpi: power button: the machine is still on after S5; going on "
			   "without USB (stopped for S5)\n"));
}

/* The power button, S5 not even written (a sleep register that could not be mapped): the
 * log must not claim S5 was tried. Before: "the machine is still on after S5". */
static void test_button_s5_not_tried(void)
{
	scenario_start();
	poweroff_err = -ENOMEM;
	button_pressed = true;
	machine_power_requests();
	CHECK(log_captured("poweroff: cannot map the sleep register"));
	CHECK(!log_captured("after S5"));
	CHECK(log_captured("acpi: power button: S5 could not be entered; going on without "
			   "USB (stopped for S5)\n"));
}

/* The power button without S5: said, nothing stopped, the machine goes on. A call with no
 * press does nothing. */
static void test_button_without_s5(void)
{
	scenario_start();
	s5_described = false;
	button_pressed = true;
	machine_power_requests();
	CHECK(calls[0] == '\0');
	CHECK(log_captured("this machine cannot power off (no ACPI S5); going on\n"));

	scenario_start();
	machine_power_requests();
	CHECK(calls[0] == '\0' && log_capture_len == 0);
}

int main(void)
{
	if (printk_add_sink(log_capture_sink, false)) {
		fprintf(stderr, "no printk sink\n");
		return 1;
	}
	RUN(test_reboot_order);
	RUN(test_poweroff_usb_only_with_s5);
	RUN(test_button_s5_failed);
	RUN(test_button_s5_not_tried);
	RUN(test_button_without_s5);
	return unit_summary();
}
