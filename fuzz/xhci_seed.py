#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the seeds of the xhci fuzzer (fuzz/xhci_fuzz.c) into the folder given (default
# fuzz/seeds/xhci): programs in its step encoding that reach a ready keyboard, a hub with a
# keyboard behind it, refused devices, and the made-up events the driver must ignore, so
# that fuzzing starts from deep states rather than from an empty machine; a controller error
# with devices in use (the recovery of xhci_health.c).
# Step encoding: op byte, root port byte (port = 1 + byte % 8, read by every step), then
# the op's own bytes; the first byte of a program sets the controller's knobs.
import struct

import seed_dir

TRANSFER, CMD_DONE = 0, 1  # event type bytes (< 0xc0: transfer, command, port status)


def tick(n, speed=1):  # speed: 20 us, 1 ms, 30 ms or 700 ms of time per clock read
    return bytes([16 * speed, 0, n - 1])


def connect(port, speed):  # speed: 1 full, 2 low, 3 high, 4 super
    return bytes([2, port - 1, speed])


def disconnect(port):
    return bytes([3, port - 1])


def portsc(port, value):
    return bytes([4, port - 1]) + struct.pack("<I", value)


# kind: 0 kbd, 1 hub, 2 bytes, 3 stall, 4 silent, 5 kbd stalling SET_IDLE and SET_REPORT,
# 6 kbd never answering SET_REPORT, 7 kbd stalling SET_PROTOCOL(boot), read through the
# report descriptor data, 8 the same as a HID interface without the boot protocol
def persona(slot, kind, ports=0, data=b""):
    return bytes([5, 0, slot - 1, kind, ports, len(data)]) + data


def hub_port(slot, port, status, change):
    return bytes([6, 0, slot - 1, port]) + struct.pack("<II", status, change)


def event(kind, ids, d2, dev, how, index=0, ptr=0):
    raw = bytes([7, 0, kind]) + struct.pack("<II", ids, d2) + bytes([dev, how, index])
    if how % 8 >= 6:
        raw += struct.pack("<II", ptr >> 32, ptr & 0xFFFFFFFF)
    return raw


def report(dev, data, back=0, cc=0, length=None):
    """An interrupt transfer of all it asked for (data repeated), or of length bytes (< 64)."""
    residual = 0 if length is None else 0x40 | length
    return bytes([8, 0, dev, back, residual, cc]) + data.ljust(32, b"\0")


def burst(n):
    return bytes([9, 0, n])


def leds(bits):
    return bytes([10, 0, bits])


def stall_probe():
    return bytes([11, 0])


def controller_error(hce=True):  # Host Controller Error, else Host System Error
    return bytes([12, 0, 1 if hce else 0])


AIMED_EP0, AIMED_INTR = 0x80000001, 0x80000000  # ids aimed at a device's endpoint
SUCCESS = 1 << 24

# A keyboard under report ID 1 (modifiers, six key slots: 8 bytes with the ID) beside a
# vendor report ID 2 of 200 bytes (201 with the ID): its transfers ask for 201 bytes.
LONG_VENDOR_DESC = bytes([
    0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x85, 0x01,  # Desktop, Keyboard, App., ID 1
    0x05, 0x07, 0x19, 0xE0, 0x29, 0xE7, 0x15, 0x00, 0x25, 0x01,  # modifiers E0-E7, 0..1
    0x75, 0x01, 0x95, 0x08, 0x81, 0x02,  # 8 x 1 bit, Input (Data, Variable)
    0x95, 0x06, 0x75, 0x08, 0x25, 0x65, 0x19, 0x00, 0x29, 0x65,  # 6 x 8 bits, keys 0-0x65
    0x81, 0x00, 0xC0,  # Input (Data, Array), End Collection
    0x06, 0x00, 0xFF, 0x09, 0x01, 0xA1, 0x01, 0x85, 0x02,  # vendor page, App., ID 2
    0x75, 0x08, 0x96, 0xC8, 0x00, 0x81, 0x02, 0xC0,  # 200 x 8 bits, Input, End Collection
])

keyboard = (bytes([0]) + connect(5, 3) + tick(32) * 12 + report(0, bytes([0, 0, 4]))
            + tick(4) + report(0, bytes([2, 0, 4, 5])) + tick(4) + report(0, bytes(8)))
seeds = {
    "keyboard": keyboard + leds(2) + tick(8) + stall_probe() + tick(32) * 2 + tick(32, 2),
    # keyboards that stall, or never answer, SET_IDLE and the LED report
    "picky-keyboards": (bytes([0]) + persona(1, 5) + persona(2, 6) + connect(5, 3) + tick(8)
                        + connect(6, 1) + tick(32) * 12 + leds(4) + tick(32) * 4
                        + tick(32, 2) * 4 + leds(1) + tick(32) * 4),
    "hub": (bytes([2]) + persona(1, 1, 4) + hub_port(1, 2, 0x0101, 0x0001) + connect(6, 3)
            + tick(32) * 16 + report(0, bytes([0x04])) + tick(32) * 16
            + report(0, bytes([0, 0, 0x1E])) + tick(32) * 4 + disconnect(6) + tick(32) * 4),
    "hostile": (bytes([0x11]) + connect(1, 4) + connect(5, 3) + tick(16)
                + event(CMD_DONE, 0x01000000, SUCCESS, 0, 0) + tick(32) * 6
                + event(TRANSFER, AIMED_EP0, 0x0D000010, 0, 1)
                + event(TRANSFER, AIMED_INTR, SUCCESS, 0, 3) + burst(250) + tick(32) * 4
                + tick(8, 3) + report(1, bytes([0, 0, 4, 4, 4, 4, 4, 4]), cc=0x86) + tick(16)),
    "bad-devices": (bytes([0x2E]) + persona(1, 2, 0, bytes([18, 1, 0, 2, 0, 0, 0, 9] + [0xFF] * 10))
                    + persona(2, 3) + persona(3, 4) + connect(1, 4) + connect(2, 2)
                    + connect(7, 1) + tick(32) * 10 + tick(32, 2) * 4 + tick(4, 3)
                    + portsc(4, 0xFFFFFFFF) + tick(32) * 4),
    # a controller error with a keyboard in use, and again with a hub and its keyboard
    # enumerating: reset, set up again, everything found anew
    "controller-error": (keyboard + controller_error() + tick(32) * 16
                         + persona(1, 1, 4) + hub_port(1, 2, 0x0101, 0x0001) + connect(6, 3)
                         + tick(32) * 4 + controller_error(False) + tick(32) * 16),
    # a full-speed keyboard in report protocol whose vendor report (201 bytes) is longer
    # than its key report and its 8-byte max packet: 'a' pressed in an 8-byte report, a
    # vendor report whose bytes read as keys past its ID, 'a' let go in a key report padded
    # to the whole transfer; Caps Lock
    "long-reports": (bytes([0]) + persona(1, 7, 0, LONG_VENDOR_DESC) + connect(5, 1)
                     + tick(32) * 12 + report(0, bytes([1, 0, 4]), length=8) + tick(4)
                     + report(0, bytes([2, 1, 0, 4, 5])) + tick(4) + report(0, bytes([1]))
                     + tick(4) + leds(2) + tick(32) * 2),
    # transfer events for the keyboard's interrupt endpoint naming TRBs past its ring's end
    # and inside it, and late completions on endpoint 0 and the command ring
    "stale-events": (keyboard + event(TRANSFER, AIMED_INTR, SUCCESS, 0, 3 | 8, 0)
                     + event(TRANSFER, AIMED_INTR, SUCCESS, 0, 3 | 8, 7)
                     + event(TRANSFER, AIMED_INTR, SUCCESS, 0, 3, 200)
                     + event(TRANSFER, AIMED_INTR, SUCCESS, 0, 2)
                     + event(TRANSFER, AIMED_INTR, SUCCESS, 0, 0) + tick(32)),
}

seed_dir.write("xhci", seeds)
