// SPDX-License-Identifier: MIT
/*
 * The shell's `usb` command: the xHCI controllers, their root ports and every USB device
 * with its speed, vendor:product, class and what drives it (src/drivers/usb/usb.c prints).
 */
#include <lios/usb.h>
#include "shell_internal.h"

static int cmd_usb(int argc, char **argv, const char *rest)
{
	usb_print();
	return 0;
}

SHELL_COMMAND(usb, "", "USB controllers, ports and devices", cmd_usb);
