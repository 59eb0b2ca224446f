#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the seeds of fuzz_hid_desc (fuzz/hid_desc_fuzz.c says how an input is read) into the
# folder given: keyboards as HID 1.11's short items lay them out (the appendix B.1 boot
# keyboard; it under Report ID 1 beside a consumer report; an NKRO bitmap; extended usages,
# Push/Pop, a long item and a Delimiter set; modifiers inside an array; Caps Lock 300 bytes
# into its output report; the keyboard under Report ID 1 beside vendor reports of 65 and 200
# bytes, and an NKRO bitmap of all 256 usages beside one of 1024), each followed by a few of
# its reports: keys held, too many keys, another report ID, a short report, a long one.
import os
import struct
import sys


def item(tag, typ, value, size=None):
    """A short item: prefix bTag << 4 | bType << 2 | bSize, then value little-endian."""
    if size is None:
        size = 0 if value is None else 1 if value < 0x100 else 2 if value < 0x10000 else 4
    code = {0: 0, 1: 1, 2: 2, 4: 3}[size]
    data = b"" if size == 0 else (value & ((1 << 8 * size) - 1)).to_bytes(size, "little")
    return bytes([tag << 4 | typ << 2 | code]) + data


MAIN, GLOBAL, LOCAL = 0, 1, 2


def usage_page(p): return item(0x0, GLOBAL, p)
def logical_min(v): return item(0x1, GLOBAL, v)
def logical_max(v, size=None): return item(0x2, GLOBAL, v, size)
def report_size(n): return item(0x7, GLOBAL, n)
def report_id(n): return item(0x8, GLOBAL, n)
def report_count(n): return item(0x9, GLOBAL, n)
def push(): return item(0xa, GLOBAL, None)
def pop(): return item(0xb, GLOBAL, None)
def usage(u, size=None): return item(0x0, LOCAL, u, size)
def usage_min(u, size=None): return item(0x1, LOCAL, u, size)
def usage_max(u, size=None): return item(0x2, LOCAL, u, size)
def delimiter(open_): return item(0xa, LOCAL, open_)
def input_(flags): return item(0x8, MAIN, flags)
def output(flags): return item(0x9, MAIN, flags)
def collection(kind): return item(0xa, MAIN, kind)
def end_collection(): return item(0xc, MAIN, None)


DATA_ARRAY, CONSTANT, DATA_VAR = 0x00, 0x01, 0x02
KEYS, LEDS, CONSUMER = 0x07, 0x08, 0x0C

OPEN = usage_page(0x01) + usage(0x06) + collection(0x01)
MODIFIERS = (usage_page(KEYS) + usage_min(0xE0) + usage_max(0xE7) + logical_min(0) +
             logical_max(1) + report_size(1) + report_count(8) + input_(DATA_VAR) +
             report_count(1) + report_size(8) + input_(CONSTANT))
LED_FIELDS = (report_count(5) + report_size(1) + usage_page(LEDS) + usage_min(1) +
              usage_max(5) + output(DATA_VAR) + report_count(1) + report_size(3) +
              output(CONSTANT))
SLOTS = (report_count(6) + report_size(8) + logical_min(0) + logical_max(0x65) +
         usage_page(KEYS) + usage_min(0) + usage_max(0x65) + input_(DATA_ARRAY))
BOOT = OPEN + MODIFIERS + LED_FIELDS + SLOTS + end_collection()
CONSUMER_ID2 = (usage_page(CONSUMER) + usage(0x01) + collection(0x01) + report_id(2) +
                logical_min(0) + logical_max(0x3FF) + usage_min(0) + usage_max(0x3FF) +
                report_size(16) + report_count(2) + input_(DATA_ARRAY) + end_collection())
KBD_ID1 = OPEN + report_id(1) + MODIFIERS + LED_FIELDS + SLOTS + end_collection()
NKRO = (OPEN + usage_page(KEYS) + usage_min(0xE0) + usage_max(0xE7) + logical_min(0) +
        logical_max(1) + report_size(1) + report_count(8) + input_(DATA_VAR) +
        usage_min(0) + usage_max(0x67) + report_count(0x68) + input_(DATA_VAR) +
        report_count(16) + input_(CONSTANT) + usage_page(LEDS) + usage_min(1) + usage_max(3) +
        report_count(3) + output(DATA_VAR) + report_count(5) + output(CONSTANT) +
        end_collection())
FORMS = (OPEN + usage_page(CONSUMER) + logical_min(0) + logical_max(1) + report_size(1) +
         report_count(8) + push() + report_size(8) + report_count(1) + input_(CONSTANT) +
         pop() + usage_min(0x000700E0, 4) + usage_max(0x000700E7, 4) + input_(DATA_VAR) +
         bytes([0xFE, 2, 0x10, 0x81, 0x02]) + usage_page(KEYS) + report_count(6) +
         report_size(8) + logical_max(0xFF, 1) + delimiter(1) + usage_min(0) + usage_max(0xFF) +
         usage(0x2C) + delimiter(0) + input_(DATA_ARRAY) + end_collection())
ARRAY_MODS = (OPEN + usage_page(KEYS) + report_count(8) + report_size(8) + logical_min(0) +
              logical_max(0xE7, 1) + usage_min(0) + usage_max(0xE7) + input_(DATA_ARRAY) +
              end_collection())

LONG_LEDS = (OPEN + MODIFIERS + SLOTS + report_size(8) + report_count(150) + output(CONSTANT) +
             output(CONSTANT) + usage_page(LEDS) + usage(0x02) + report_size(1) +
             report_count(1) + output(DATA_VAR) + end_collection())


def vendor(id_, count):
    """A vendor-defined input report of count bytes under report ID id_."""
    count_item = report_count(count) if count < 0x100 else item(0x9, GLOBAL, count, 2)
    return (item(0x0, GLOBAL, 0xFF00, 2) + usage(0x01) + collection(0x01) + report_id(id_) +
            logical_min(0) + logical_max(0xFF, 2) + report_size(8) + count_item +
            usage(0x01) + input_(DATA_VAR) + end_collection())


NKRO_ALL = (OPEN + report_id(1) + usage_page(KEYS) + usage_min(0xE0) + usage_max(0xE7) +
            logical_min(0) + logical_max(1) + report_size(1) + report_count(8) +
            input_(DATA_VAR) + usage_min(0) + usage_max(0xFF) + item(0x9, GLOBAL, 0x100, 2) +
            input_(DATA_VAR) + end_collection())


def nkro_report(mods, *keys):
    rep = bytearray(16)
    rep[0] = mods
    for u in keys:
        rep[1 + u // 8] |= 1 << (u % 8)
    return bytes(rep)


def seed(desc, *reports):
    out = struct.pack("<H", len(desc)) + desc
    for r in reports:
        assert len(r) < 0x80 or (len(r) % 16 == 0 and len(r) < 0x800)
        out += bytes([len(r) if len(r) < 0x80 else 0x80 | len(r) // 16]) + r
    return out


SEEDS = {
    "boot": seed(BOOT, bytes([0x02, 0, 0x04, 0x05, 0, 0, 0, 0]),
                 bytes([0, 0, 1, 1, 1, 1, 1, 1]), bytes([0x40, 0, 0x2C, 0, 0, 0, 0])),
    "report_ids": seed(CONSUMER_ID2 + KBD_ID1, bytes([1, 0x01, 0, 0x06, 0, 0, 0, 0, 0]),
                       bytes([2, 0xE9, 0, 0, 0]), bytes([1, 0])),
    "report_ids_after": seed(KBD_ID1 + CONSUMER_ID2, bytes([1, 0, 0, 0x28, 0x29, 0, 0, 0, 0])),
    "nkro": seed(NKRO, nkro_report(0x81, 0x04, 0x1D, 0x67),
                 nkro_report(0x05, *range(0x04, 0x0B)), nkro_report(0, 0x01)),
    "item_forms": seed(FORMS, bytes([0xFF, 0x08, 0x80, 0xE2, 0, 0, 0, 0])),
    "array_modifiers": seed(ARRAY_MODS, bytes([0xE0, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0xE7])),
    "leds_past_255_bytes": seed(LONG_LEDS, bytes([0, 0, 0x39, 0, 0, 0, 0, 0])),
    "long_vendor_reports": seed(KBD_ID1 + vendor(3, 64) + vendor(4, 199),
                                bytes([1, 0x02, 0, 0x04, 0, 0, 0, 0, 0]),
                                bytes([3, 1, 0, 0x05]) + bytes(61),
                                bytes([4, 1, 0, 0x06]) + bytes(204), bytes([1] + [0] * 8)),
    "nkro_all_beside_1024": seed(NKRO_ALL + vendor(2, 1023), bytes([1, 0x01, 0x10]) + bytes(31),
                                 bytes([2, 1, 0xFF]) + bytes(1021)),
}

if __name__ == "__main__":
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__),
                                                                "seeds", "hid_desc")
    os.makedirs(folder, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
