#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the seeds of the DMAR fuzzer (fuzz/dmar_fuzz.c) into the folder given (default
# fuzz/seeds/dmar): DMAR bodies (the bytes after the 36-byte SDT header, which the harness
# writes) as QEMU's intel-iommu builds it (tests/unit/drivers/acpi/tables/qemu-q35-iommu)
# and as laptops' and servers' firmware lays them out.
import os
import struct

import seed_dir


def header(haw_minus_1, flags):
    return struct.pack("<BB10x", haw_minus_1, flags)


def drhd(flags, segment, base, scopes=b""):
    return struct.pack("<HHBBHQ", 0, 16 + len(scopes), flags, 0, segment, base) + scopes


def endpoint(bus, dev, fn):
    return struct.pack("<BBHBBBB", 1, 8, 0, 0, bus, dev, fn)


def rmrr(lo, hi, scopes=b""):
    return struct.pack("<HHHHQQ", 1, 24 + len(scopes), 0, 0, lo, hi) + scopes


HERE = os.path.dirname(os.path.abspath(__file__))
QEMU_DMAR = os.path.join(HERE, "..", "tests", "unit", "drivers", "acpi", "tables",
                         "qemu-q35-iommu", "DMAR")
with open(QEMU_DMAR, "rb") as f:
    QEMU_BODY = f.read()[36:]

SEEDS = {
    # QEMU 7.2's intel-iommu: one unit whose scopes name the I/O APIC and each function
    "qemu-q35": QEMU_BODY,
    # the same unit for every device (INCLUDE_PCI_ALL), interrupt remapping flagged
    "include-all": header(38, 1) + drhd(1, 0, 0xfed90000),
    # a laptop: the GPU's unit, a reserved region for it, the unit for the rest, and the
    # DMA control opt-in of pre-boot DMA protection
    "laptop": header(38, 5) + drhd(0, 0, 0xfed90000, endpoint(0, 2, 0))
    + rmrr(0x3c000000, 0x3fffffff, endpoint(0, 2, 0)) + drhd(1, 0, 0xfed91000),
    # a server's second segment above 4 GiB
    "segment1": header(45, 1) + drhd(1, 0, 0xfbffc000) + drhd(1, 1, 0x3fffff000000),
    # a structure of length 0 after a unit
    "length0": header(38, 0) + drhd(1, 0, 0xfed90000) + struct.pack("<HH12x", 0, 0),
}


def main():
    seed_dir.write("dmar", SEEDS)


if __name__ == "__main__":
    main()
