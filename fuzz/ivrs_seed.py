#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the seeds of the IVRS fuzzer (fuzz/ivrs_fuzz.c) into the folder given (default
# fuzz/seeds/ivrs): IVRS bodies (the bytes after the 36-byte SDT header, which the harness
# writes) as QEMU's amd-iommu builds it (tests/unit/drivers/acpi/tables/qemu-q35-amd-iommu)
# and as AMD laptops' and servers' firmware lays them out.
import os
import struct

import seed_dir


def header(ivinfo):
    return struct.pack("<I8x", ivinfo)


def select(devid):
    return struct.pack("<BHB", 2, devid, 0)


def ioapic(handle, devid):
    return struct.pack("<BBBBBHB", 0x48, 0, 0, 0, handle, devid, 1)


def ivhd(kind, devid, base, segment=0, entries=b""):
    fixed = struct.pack("<BBHHHQHHI", kind, 0xb0, 0, devid, 0x40, base, segment, 0, 0)
    if kind != 0x10:
        fixed += struct.pack("<QQ", 0x246577efa2254afa, 0)
    body = fixed + entries
    return body[:2] + struct.pack("<H", len(body)) + body[4:]


def ivmd(start, length):
    return struct.pack("<BBHHHQQQ", 0x21, 0x07, 32, 0, 0, 0, start, length)


HERE = os.path.dirname(os.path.abspath(__file__))
QEMU_IVRS = os.path.join(HERE, "..", "tests", "unit", "drivers", "acpi", "tables",
                         "qemu-q35-amd-iommu", "IVRS")
with open(QEMU_IVRS, "rb") as f:
    QEMU_BODY = f.read()[36:]

DEV = select(0x8) + ioapic(0x21, 0xa0)

SEEDS = {
    # QEMU 7.2's amd-iommu: one IVHD of type 0x10 for the IOMMU at 00:02.0
    "qemu-q35": QEMU_BODY,
    # a Ryzen laptop with pre-boot DMA protection: its IOMMU described by a 0x10 and a 0x11
    # block, a memory definition between them
    "laptop": header(0x00203043) + ivhd(0x10, 0x2, 0xfd200000, entries=DEV)
    + ivmd(0x9ce00000, 0x100000) + ivhd(0x11, 0x2, 0xfd200000, entries=DEV),
    # an EPYC's four IOMMUs, each in a 0x10 and a 0x40 block
    "server": header(0x00203041)
    + b"".join(ivhd(0x10, b << 8 | 0x2, 0xf3000000 + 0x100000 * i) for i, b in
               enumerate((0x00, 0x40, 0x80, 0xc0)))
    + b"".join(ivhd(0x40, b << 8 | 0x2, 0xf3000000 + 0x100000 * i) for i, b in
               enumerate((0x00, 0x40, 0x80, 0xc0))),
    # a block of length 0 after an IOMMU
    "length0": header(0) + ivhd(0x10, 0x2, 0xfeb80000) + struct.pack("<BBH8x", 0x10, 0, 0),
}


def main():
    seed_dir.write("ivrs", SEEDS)


if __name__ == "__main__":
    main()
