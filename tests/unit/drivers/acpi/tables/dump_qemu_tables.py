#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Dumps the ACPI tables QEMU builds for a machine into a folder, named as Linux names
them in /sys/firmware/acpi/tables (FACP, APIC, DSDT, SSDT1, ...), plus RSDP.

SeaBIOS installs QEMU's tables in guest RAM and then finds nothing to boot: the script
waits for that, saves guest RAM through QMP pmemsave, finds the RSDP in the BIOS area
(0xE0000-0xFFFFF) and follows the RSDT, the FADT's DSDT and FACS. Standard library only.

    dump_qemu_tables.py OUTDIR [MACHINE [QEMU ARGUMENTS...]]

MACHINE is QEMU's -machine value (pc when left out; e.g. q35 or pc,hpet=off). Any further
arguments go to QEMU as they are, after the script's own, e.g. the PCI expander bridges of
qemu-pc-pxb and qemu-q35-pxb-pcie:

    dump_qemu_tables.py qemu-pc-pxb pc -device pxb,id=pxb1,bus_nr=16,bus=pci.0
    dump_qemu_tables.py qemu-q35-pxb-pcie q35 -device pxb-pcie,id=pxb1,bus_nr=128,bus=pcie.0 \
        -device pcie-root-port,id=rp1,bus=pxb1,chassis=1

and QEMU's VT-d unit (its DMAR) of qemu-q35-iommu, and its AMD IOMMU (the IVRS) of
qemu-q35-amd-iommu:

    dump_qemu_tables.py qemu-q35-iommu q35 -device intel-iommu
    dump_qemu_tables.py qemu-q35-amd-iommu q35 -device amd-iommu
"""
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

MEM = 128 << 20


def qmp_session(path):
    for _ in range(200):
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            break
        except OSError:
            s.close()
            time.sleep(0.05)
    f = s.makefile("rwb")
    f.readline()

    def cmd(name, **args):
        f.write(json.dumps({"execute": name, "arguments": args}).encode() + b"\n")
        f.flush()
        while True:
            r = json.loads(f.readline())
            if "return" in r or "error" in r:
                return r
    cmd("qmp_capabilities")
    return cmd


def table_at(ram, addr):
    length = struct.unpack_from("<I", ram, addr + 4)[0]
    return ram[addr:addr + length]


def main():
    out, machine = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "pc")
    extra = sys.argv[3:]
    os.makedirs(out, exist_ok=True)
    tmp = tempfile.mkdtemp()
    sock, dump = os.path.join(tmp, "qmp"), os.path.join(tmp, "ram")
    qemu = subprocess.Popen(["qemu-system-x86_64", "-machine", machine, "-accel", "tcg",
                             "-m", "128M", "-display", "none", "-net", "none",
                             "-qmp", "unix:%s,server=on,wait=off" % sock] + extra)
    try:
        cmd = qmp_session(sock)
        time.sleep(4)  # SeaBIOS: tables installed, boot attempts under way
        cmd("pmemsave", val=0, size=MEM, filename=dump)
        cmd("quit")
    finally:
        qemu.wait(timeout=10)
    with open(dump, "rb") as f:
        ram = f.read()
    rsdp = next(a for a in range(0xE0000, 0x100000, 16) if ram[a:a + 8] == b"RSD PTR ")
    with open(os.path.join(out, "RSDP"), "wb") as f:
        f.write(ram[rsdp:rsdp + 20])
    rsdt = table_at(ram, struct.unpack_from("<I", ram, rsdp + 16)[0])
    addrs = struct.unpack_from("<%dI" % ((len(rsdt) - 36) // 4), rsdt, 36)
    counts = {}
    for a in addrs:
        t = table_at(ram, a)
        sig = t[:4].decode()
        counts[sig] = counts.get(sig, 0) + 1
        name = sig + (str(counts[sig]) if sig == "SSDT" else "")
        with open(os.path.join(out, name), "wb") as f:
            f.write(t)
        if sig == "FACP":
            for off, what in ((40, "DSDT"), (36, "FACS")):
                ptr = struct.unpack_from("<I", t, off)[0]
                with open(os.path.join(out, what), "wb") as f:
                    f.write(table_at(ram, ptr))
    os.unlink(dump)
    os.rmdir(tmp)
    print("%s: %s" % (out, " ".join(sorted(os.listdir(out)))))


if __name__ == "__main__":
    main()
