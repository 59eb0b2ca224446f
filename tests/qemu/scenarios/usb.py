# SPDX-License-Identifier: MIT
"""Keyboard scenarios of the USB keyboard (issue 12): Caps Lock and its LED, typematic
repeat, unplugging and plugging the keyboard again, the `usb` listing (also of devices left
without a driver), and a PS/2 and a USB keyboard typing at once.

The cells boot with a usb-kbd (QEMU id kbd0) on an xHCI and --ready "^kbd: usb .* ready",
so typing starts once the driver has the keyboard. QMP send-key reaches the USB keyboard
whenever one exists, except a usb-kbd bound to a display (display=<id>): type_bound()
reaches that one with input-send-event, and send-key then goes to the 8042. `kbd` reports
each keyboard on a line (USB_KBD_LINE for the USB one, with its LED state and the reports
counted). Registered with scenarios.scenario; the helpers are scenarios/common.py's.
"""
import re
import time

import checks
import lios_qemu

from .common import PROMPT, answer, check_screen, exchange, read_screen
from .shell import scenario_echo
from . import scenario

USB_KBD_LINE = r"^kbd: usb \S+ [0-9a-f]{4}:[0-9a-f]{4}, \w+ speed, LEDs "
# The end of the `usb` listing: its devices (hub ports under their hub), then, when
# anything was refused, the "refused (most recent last):" record; then the prompt.
LISTING_END = r"^devices:(\r?\n  .*)*(\r?\nrefused \(most recent last\):(\r?\n  .*)+)?\r?\n" + PROMPT


@scenario("capslock")
def scenario_capslock(m, args):
    # Caps Lock on: "ECHO abc" types "echo ABC"; `kbd` (typed "KBD") reports the LED state
    # the driver sent (HID Caps Lock bit, 0x2); Caps Lock off again: LEDs 0.
    m.send_key(["caps_lock"])
    exchange(m, "ECHO abc\n", r"^ABC$")
    exchange(m, "KBD\n", USB_KBD_LINE + r"0x2,")
    m.send_key(["caps_lock"])
    exchange(m, "kbd\n", USB_KBD_LINE + r"0x0,")
    return []


@scenario("repeat")
def scenario_repeat(m, args):
    # One x held for 1.5 s: typematic repeat (500 ms delay, 30 Hz) gives dozens of x.
    wait = answer(m, r"^x{10,80}$")
    m.send_keys("echo ")
    m.send_key(["x"], hold_ms=1500)
    time.sleep(1.6)
    m.send_keys("\n")
    wait()
    return []


@scenario("replug")
def scenario_replug(m, args):
    # The keyboard (QEMU id kbd0) unplugged and plugged in again while a line is being
    # typed: the driver's messages ("removed", "ready") go on rows of their own below the
    # line, which is drawn again after each (printk_hold), and the line typed on: "echo re"
    # before, "plug" after, Enter: "replug". Before, the messages landed inside the line
    # ("lios> echo rekbd: usb 1-1 removed") and the rest of it on the row after.
    exchange(m, "echo re", r"echo re")
    start = len(m.serial())
    m.qmp.command("device_del", id="kbd0")
    m.wait_for_serial(r"^kbd: usb \S+ removed\r?\n" + PROMPT + r"echo re", 15.0, start)
    start = len(m.serial())
    m.qmp.command("device_add", driver="usb-kbd", id="kbd0")
    m.wait_for_serial(r"^kbd: usb \S+ [0-9a-f]{4}:[0-9a-f]{4} ready in .*\r?\n" + PROMPT + r"echo re",
                      15.0, start)
    exchange(m, "plug\n", r"^replug\r?$")
    failures = check_screen(m, args.screen or "auto", args.name,
                            [r"^kbd: usb \S+ removed$", r"^kbd: usb \S+ [0-9a-f]{4}:[0-9a-f]{4} ready in ",
                             PROMPT + r"echo replug$", r"^replug$"])
    # The replug's debug lines ("... device connected") reach the serial log, not the
    # screen: the screen's line is drawn again only for messages it shows. Before, each
    # debug line left an empty copy of the line on the screen, row after row.
    rows = [r for r in read_screen(m, args.screen or "auto", args.name) if r.strip()]
    for a, b in zip(rows, rows[1:]):
        if a == b and a.startswith("lios> echo re"):
            failures.append("screen: the line drawn twice in a row with no message between: " + a)
    return failures


@scenario("usb")
def scenario_usb(m, args):
    # The `usb` listing names the controller (running: neither RESETTING nor STOPPED), the
    # port the keyboard is on, and under "devices:" the keyboard itself, its class column
    # with the boot protocol ("HID keyboard").
    start = len(m.serial())
    exchange(m, "usb\n", LISTING_END)
    return checks.check_expected(m.serial()[start:], [
        r"^xhci [0-9a-f:.]+ [0-9a-f]{4}:[0-9a-f]{4}: \d+ ports, \d+ slots, \d+-byte contexts, "
        r"\d+ scratchpads$",
        r"^  port \d+ +USB [23]  device (\S+)$", r"^devices:$",
        r"^  \S+ +slot \d+ +\w+ +[0-9a-f]{4}:[0-9a-f]{4} HID keyboard +keyboard$"])


# What the enumeration log line says a device is ("usb: 1-2: 46f4:0001 mass storage, super
# speed, no driver, left alone"), and how `usb` names what LiOS does with it.
USB_DEV_LOG = re.compile(r"^usb: (\S+): ([0-9a-f]{4}:[0-9a-f]{4}) (.+), (\w+) speed, (.+?)\r?$",
                        re.M)
USB_DEV_DOING = {"boot keyboard": "keyboard", "hub": "hub", "no driver, left alone": "no driver",
                 # read for keys first: a keyboard if its report descriptor has some
                 "HID without boot protocol: reading its report descriptor": "(keyboard|no driver)"}


@scenario("usb-devices")
def scenario_usb_devices(m, args):
    # Every device the log says was enumerated is in the `usb` listing, with its name,
    # vendor:product, speed, class and what LiOS does with it, those left without a driver
    # too. The cell plugs a mass storage stick and a mouse (behind a hub) beside the
    # keyboard: the scenario first waits for their enumeration lines. The log names the
    # class ("HID"), the listing a HID device's boot protocol too: QEMU's usb-mouse has a
    # boot interface, so its line says "HID mouse". Each hub's ports are listed under it,
    # the one the mouse is on naming it.
    for what in (r"mass storage, \w+ speed, no driver", r"HID, \w+ speed, no driver",
                 r"hub, \w+ speed, hub"):
        m.wait_for_serial(r"^usb: \S+: [0-9a-f]{4}:[0-9a-f]{4} " + what, 15.0)
    m.wait_for_serial(r"^usb: \S+: hub with \d+ ports ready$", 15.0)
    found = USB_DEV_LOG.findall(m.serial())
    start = len(m.serial())
    exchange(m, "usb\n", LISTING_END)
    listing = m.serial()[start:]
    expected = [r"^devices:$"]
    for name, ids, cls, speed, doing in found:
        label = r"HID( keyboard| mouse)?" if cls == "HID" else re.escape(cls)
        expected.append(r"^  %s +slot [1-9]\d* +%s +%s %s +%s$"
                        % (re.escape(name), speed, ids, label,
                           USB_DEV_DOING.get(doing, re.escape(doing))))
        if cls == "hub":
            expected.append(r"^    port \d+ +device %s\.\d+$" % re.escape(name))
    expected.append(r"^  \S+ +slot [1-9]\d* +\w+ +[0-9a-f]{4}:[0-9a-f]{4} HID mouse +no driver$")
    failures = [] if len(found) >= 4 else ["only %d devices enumerated, 4 plugged" % len(found)]
    # order: "devices:" first, then each device in any order
    return failures + [f for pat in expected[1:]
                       for f in checks.check_expected(listing, [expected[0], pat])]


@scenario("usb-refused")
def scenario_usb_refused(m, args):
    # A device LiOS refuses, made by QEMU: the cell fills every device slot of the xHCI
    # (QEMU's have 64: the keyboard, hubs and mice behind them), then a tablet plugged in
    # (QMP device_add on a free root port) gets "No Slots Available" for its Enable Slot.
    # The log names it and why, `usb` lists it under "refused (most recent last):" with the
    # same reason and its root port as refused, and the keyboard still types. (A chain of
    # six hubs, which LiOS refuses too, cannot be built: QEMU 7.2 stops at five with "usb
    # hub chain too deep"; and nec-usb-xhci's slots= property is read before it is set.)
    plugged = sum(1 for a in args.qemu_arg if a.startswith("usb-"))
    deadline = time.monotonic() + 30.0
    while len(USB_DEV_LOG.findall(m.serial())) < plugged:
        if time.monotonic() > deadline:
            return ["only %d of the %d devices plugged were enumerated"
                    % (len(USB_DEV_LOG.findall(m.serial())), plugged)]
        time.sleep(0.2)
    start = len(m.serial())
    # the cell leaves USB 2 root port 9 (qemu-xhci,p2=9) free for it
    m.qmp.command("device_add", driver="usb-tablet", id="tab0", bus="xhci.0", port="9")
    refused = m.wait_for_serial(r"^usb: (\S+): refused: (no free device slot[^\r\n]*?)\r?$",
                                15.0, start)
    name, why = refused.group(1), refused.group(2)
    start = len(m.serial())
    exchange(m, "usb\n", LISTING_END)
    listing = m.serial()[start:]
    failures = checks.check_expected(listing, [
        r"^devices:$",
        r"^refused \(most recent last\):$", r"^  %s: %s$" % (re.escape(name), re.escape(why))])
    failures += checks.check_expected(listing, [
        r"^devices:$", r"^  \S+ +slot \d+ +\w+ +[0-9a-f]{4}:[0-9a-f]{4} HID keyboard +keyboard$"])
    # its root port (the number after the controller's in its name) waits for a disconnect
    failures += checks.check_expected(listing, [
        r"^  port %s +USB 2  refused$" % re.escape(name.split("-", 1)[1])])
    if re.search(r"^  %s " % re.escape(name), listing.split("refused (most")[0], re.M):
        failures.append("the refused %s is still in the device list" % name)
    exchange(m, "echo still typing\n", r"^still typing$")
    return failures


def type_bound(m, device, text):
    """Types 'text' with input-send-event aimed at the keyboard bound to display 'device'
    (usb-kbd,display=<id>); send-key, which has no device, reaches the unbound one (PS/2)."""
    for ch in text:
        keys = lios_qemu.char_to_keys(ch)
        for down in (True, False):
            size = m.serial_size()
            events = [{"type": "key", "data": {"down": down, "key": {"type": "qcode", "data": k}}}
                      for k in (keys if down else reversed(keys))]
            m.qmp.command("input-send-event", device=device, events=events)
            if down:  # each character echoes: type at the guest's pace (send_key's echo)
                m.wait_serial_growth(size, lios_qemu.ECHO_WAIT)
            time.sleep(0.03)  # QEMU queues only 16 usb-kbd events


@scenario("both")
def scenario_both(m, args):
    # A PS/2 and a USB keyboard at once (issue 12): the usb-kbd is bound to display video0,
    # so input-send-event with that device reaches it and send-key the 8042. Each types its
    # own line; `kbd` then lists both.
    exchange(m, "echo from ps2\n", r"^from ps2$")
    exchange(m, "echo from usb\n", r"^from usb$", send=lambda keys: type_bound(m, "video0", keys))
    start = len(m.serial())
    m.send_keys("kbd\n")
    m.wait_for_serial(r"^kbd: ps2, layout ", 15.0, start)
    # the usb line counts reports: the USB keyboard really typed (not the 8042 twice)
    m.wait_for_serial(USB_KBD_LINE + r"0x\w+( \(refused\))?, [1-9]\d* reports$", 15.0, start)
    return check_screen(m, args.screen or "auto", args.name, [r"^from ps2$", r"^from usb$"])
