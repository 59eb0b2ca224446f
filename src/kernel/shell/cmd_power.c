// SPDX-License-Identifier: MIT
/*
 * The shell's `poweroff`. The policy (ACPI S5 today) is machine_poweroff()'s, in
 * src/kernel/init/power.c; this command only decides what happens when the machine is
 * still on afterwards: it says so and halts, as a PC whose power button is the only way
 * left would.
 */
#include <lios/arch.h>
#include <lios/power.h>
#include <lios/printk.h>
#include "shell_internal.h"

/* `poweroff`: on success the machine is off and this never returns. */
static int cmd_poweroff(int argc, char **argv, const char *rest)
{
	machine_poweroff();
	printk("poweroff: cannot power off this machine; halting (turn it off by hand)\n");
	arch_halt();
}

SHELL_COMMAND(poweroff, "", "turn the machine off (ACPI S5), else halt", cmd_poweroff);
