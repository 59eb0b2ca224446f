/* SPDX-License-Identifier: MIT */
/*
 * USB (src/drivers/usb/). Layer: drivers. usb_init() takes every xHCI controller PCI
 * found from the firmware, resets and starts it; from then on the timer tick drives
 * everything: root ports, hubs, enumeration, HID boot keyboards (their keys go into the
 * kernel keyboard, <lios/kbd.h>, as kbd_report_key events). Nothing here waits for a
 * device: the shell comes up at once and a keyboard works as soon as it is ready, which
 * the log says as "kbd: usb <port> <vendor:product> ready in N ms".
 */
#ifndef LIOS_USB_H
#define LIOS_USB_H

#include <lios/compiler.h>

/* Take over and start every xHCI function in the PCI list, then hook the tick. Logs one
 * "usb: ..." line per controller ("usb: none" without one). A controller not ready at once
 * (Controller Not Ready, a BIOS slow to hand it over, a slow reset) is taken over from the
 * tick instead: it logs its "usb: ..." line when it comes up or is skipped, and nothing
 * waits for it (but a self-test boot, bounded). Returns the number of controllers started
 * by then. Boot, after pci_init and timer_init, interrupts enabled. */
int usb_init(void);
/* Before a reboot or power-off: every controller stops (no more DMA or interrupts: a
 * warm reset does not stop a bus master) and the chipset is left as firmware wants it for
 * S5 (xhci_quirks.c). One "usb: <controller>: halted for <why>" line each, or why not. A
 * controller still being taken over is halted once a halt or reset under way ends, or, not
 * ready yet or still its BIOS's, left alone ("... before <why>: left alone; bus mastering
 * off"). USB is dead afterwards; what its keyboards held is released. Thread context;
 * busy-waits up to ~50 ms per controller, up to 1 s for one in the middle of its reset. */
void usb_shutdown(const char *why);
/* The `usb` listing: controllers, their ports, devices (speed, vendor:product, class,
 * driver). Thread context. */
void usb_print(void);
/* One "kbd: usb ..." line per ready USB keyboard; returns how many. Thread context. */
unsigned int usb_kbd_print(void);
/* USB keyboards that can type: ready, and their controller neither stopped on an error
 * nor by usb_shutdown. Any context. */
unsigned int usb_kbd_count(void);

#endif
