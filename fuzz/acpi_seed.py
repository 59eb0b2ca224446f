#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the seeds of the acpi fuzzer (fuzz/acpi_fuzz.c) into the folder given (default
# fuzz/seeds/acpi): QEMU's tables for pc and q35 (tests/unit/drivers/acpi/tables) laid out
# as a firmware's physical memory, with an RSDP at 0 naming an RSDT (pc, ACPI 1.0) or an
# XSDT (q35), the FADT naming the DSDT where it lies. The first byte is the harness's flags
# byte (0: it writes every checksum), the rest is the memory.
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TABLES = os.path.join(HERE, "..", "tests", "unit", "drivers", "acpi", "tables")


def read(machine, name):
    with open(os.path.join(TABLES, machine, name), "rb") as f:
        return bytearray(f.read())


def image(machine, xsdt):
    mem = bytearray(0x40)  # the RSDP (v2 size), the rest of its 64 bytes zero
    names = [n for n in ("FACP", "APIC", "HPET", "MCFG", "WAET")
             if os.path.exists(os.path.join(TABLES, machine, n))]
    at = {}
    root_at = len(mem)
    esize = 8 if xsdt else 4
    root_len = 36 + esize * len(names)
    mem += bytes(root_len + (-root_len % 16))
    for n in names + ["DSDT"]:
        at[n] = len(mem)
        t = read(machine, n)
        mem += t + bytes(-len(t) % 16)
    fadt = at["FACP"]
    struct.pack_into("<I", mem, fadt + 40, at["DSDT"])
    if struct.unpack_from("<I", mem, fadt + 4)[0] >= 148:
        struct.pack_into("<Q", mem, fadt + 140, at["DSDT"])
    sig = b"XSDT" if xsdt else b"RSDT"
    struct.pack_into("<4sIB", mem, root_at, sig, root_len, 1)
    mem[root_at + 10:root_at + 16] = b"LIOSFZ"
    for i, n in enumerate(names):
        struct.pack_into("<Q" if xsdt else "<I", mem, root_at + 36 + i * esize, at[n])
    rsdp = struct.pack("<8sB6sBI", b"RSD PTR ", 0, b"LIOSFZ", 2 if xsdt else 0, 0 if xsdt else root_at)
    rsdp += struct.pack("<IQB3x", 36, root_at if xsdt else 0, 0)
    mem[0:36] = rsdp
    return bytes([0]) + bytes(mem)


out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "seeds", "acpi")
os.makedirs(out, exist_ok=True)
for name, data in (("qemu-pc-rsdt", image("qemu-pc", False)), ("qemu-q35-xsdt", image("qemu-q35", True))):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
