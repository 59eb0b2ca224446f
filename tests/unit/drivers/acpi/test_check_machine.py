#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host test of `./lios check-machine` (tools/check_machine): the program run over folders of
tables laid out as Linux's /sys/firmware/acpi/tables, checking what it says it would do.
Folders: QEMU's own tables (pc, q35, and both with a PCI expander bridge: dumped by
tables/dump_qemu_tables.py), QEMU's q35 tables with an iasl-compiled DSDT in place of its
own (no \\_S5; \\_S5 in an SSDT only; host bridges PCI can trust or not), and hostile
folders (a truncated DSDT, a garbage file, an empty file, an unknown table). The program
must exit 0 on all of them and name every refused table. With `--pci`, folders laid out as
Linux's /sys/bus/pci/devices: an Intel Lynx Point-LP with its EHCI (ports to move, the
D3hot quirk; the files must be left as they were), the same seen without root (64 bytes of
configuration space), QEMU's qemu-xhci, and no xHCI at all.

    test_check_machine.py CHECK_MACHINE TABLES_DIR AML_DIR
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

failures = []


def run(prog, folder, *extra):
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1")
    p = subprocess.run([prog, folder, *extra], capture_output=True, text=True, errors="replace", env=env,
                       timeout=60)
    if p.returncode != 0:
        failures.append("%s: exit status %d\n%s" % (folder, p.returncode, p.stderr))
    return p.stdout


def expect(name, out, patterns, forbid=()):
    for pat in patterns:
        if not re.search(pat, out, re.MULTILINE):
            failures.append("%s: no line matches /%s/" % (name, pat))
    for pat in forbid:
        if re.search(pat, out, re.MULTILINE):
            failures.append("%s: a line matches the forbidden /%s/" % (name, pat))


def folder(tmp, name, files):
    """A folder holding (file name, bytes) pairs."""
    d = os.path.join(tmp, name)
    os.makedirs(d)
    for fname, data in files:
        with open(os.path.join(d, fname), "wb") as f:
            f.write(data)
    return d


def read(path):
    with open(path, "rb") as f:
        return f.read()


def as_ssdt(table):
    """The same AML table under the SSDT signature, its checksum fixed."""
    t = bytearray(b"SSDT" + table[4:])
    t[9] = 0
    t[9] = (-sum(t)) & 0xff
    return bytes(t)


def pci_folder(tmp, name, functions, cfg_bytes=256):
    """A /sys/bus/pci/devices look-alike: (address, vendor, device, class, {offset: dword})."""
    d = os.path.join(tmp, name)
    os.makedirs(d)
    for addr, vendor, device, cls, regs in functions:
        f = os.path.join(d, addr)
        os.makedirs(f)
        for fname, value in (("vendor", vendor), ("device", device), ("class", cls)):
            with open(os.path.join(f, fname), "w") as out:
                out.write("0x%0*x\n" % (6 if fname == "class" else 4, value))
        cfg = bytearray(256)
        struct.pack_into("<HH", cfg, 0, vendor, device)
        struct.pack_into("<I", cfg, 8, cls << 8)
        for off, v in regs.items():
            struct.pack_into("<I", cfg, off, v)
        with open(os.path.join(f, "config"), "wb") as out:
            out.write(bytes(cfg[:cfg_bytes]))
    return d


def snapshot(d):
    return {root + "/" + n: read(os.path.join(root, n)) for root, _, names in os.walk(d) for n in names}


def check_usb(prog, tables, tmp):
    lpt = [("0000:00:14.0", 0x8086, 0x9c31, 0x0c0330, {0xd4: 0x7ff, 0xdc: 0xf}),
           ("0000:00:1d.0", 0x8086, 0x9c26, 0x0c0320, {})]
    d = pci_folder(tmp, "pci-lynx-point-lp", lpt)
    before = snapshot(d)
    expect("pci lynx point", run(prog, tables, "--pci", d), [
        r"^usb: 0000:00:14\.0 8086:9c31 xHCI: LiOS takes it over",
        r"Intel shared ports to xHCI: USB 3 0x0 -> 0xf, USB 2 0x0 -> 0x7ff",
        r"reset and put in D3hot", r"^usb: 0000:00:1d\.0 8086:9c26 EHCI: not driven by LiOS"],
        forbid=[r"no xHCI", r"needs root"])
    if snapshot(d) != before:
        failures.append("pci lynx point: check-machine changed the files it read")
    expect("pci without root", run(prog, tables, "--pci", pci_folder(tmp, "pci-user", lpt, 64)),
           [r"reading the routing registers needs root"], forbid=[r"Intel shared ports to xHCI"])
    qemu = [("0000:00:04.0", 0x1b36, 0x000d, 0x0c0330, {0xd4: 0x7ff, 0xdc: 0xf})]
    expect("pci qemu", run(prog, tables, "--pci", pci_folder(tmp, "pci-qemu", qemu)),
           [r"^usb: 0000:00:04\.0 1b36:000d xHCI", r"no ports shared with EHCI"],
           forbid=[r"D3hot", r"Intel shared"])
    # Renesas uPD72020x cards: no ROM and no firmware loaded (skipped), a ROM (taken), and
    # one whose firmware status needs root to read
    renesas = [("0000:03:00.0", 0x1912, 0x0015, 0x0c0330, {0xf4: 0x0000}),
               ("0000:04:00.0", 0x1912, 0x0014, 0x0c0330, {0xf4: 0x80000000})]
    expect("pci renesas", run(prog, tables, "--pci", pci_folder(tmp, "pci-renesas", renesas)),
           [r"^usb: 0000:03:00\.0 1912:0015 xHCI: Renesas uPD72020x without firmware .*LiOS skips it",
            r"^usb: 0000:04:00\.0 1912:0014 xHCI: LiOS takes it over"],
           forbid=[r"03:00\.0 1912:0015 xHCI: LiOS takes it over", r"needs root"])
    expect("pci renesas without root",
           run(prog, tables, "--pci", pci_folder(tmp, "pci-renesas-user", renesas, 64)),
           [r"^usb: 0000:03:00\.0 1912:0015 xHCI: LiOS takes it over",
            r"Renesas uPD72020x: reading whether it has firmware .*needs root"],
           forbid=[r"LiOS skips it"])
    expect("pci none", run(prog, tables, "--pci", pci_folder(tmp, "pci-none", [])),
           [r"^usb: no xHCI: LiOS hears a keyboard here only on PS/2"])


def main():
    prog, tables, aml = sys.argv[1:4]
    out = run(prog, os.path.join(tables, "qemu-pc"))
    expect("qemu-pc", out, [
        r"^interrupts: LiOS would use the I/O APIC", r"I/O APIC 0 at 0xfec00000",
        r"IRQ 0 -> GSI 2", r"^cpus: 1 usable",
        r"HPET at 0xfed00000, 64-bit", r"ACPI PM timer at io 0x608, 24-bit",
        r"^pci: no MCFG: configuration space through I/O ports 0xcf8/0xcfc",
        r"^ps2: FADT revision 1 does not state",
        r"^poweroff: ACPI S5: \\_S5_ in DSDT = SLP_TYPa 0, SLP_TYPb 0$",
        r"PM1a_CNT: io 0x604, 16-bit", r"^reset: no ACPI reset register",
        r"^power button: fixed feature, SCI on IRQ 9 \(level, high, as the MADT's override says\)",
        r"^rtc: CMOS RTC at ports 0x70/0x71, the century in CMOS register 0x32$",
        r"^serial: no SPCR: LiOS uses COM1 \(0x3f8\) if it answers, else the first PCI 16550$",
        r"^dmar: no DMAR table: no VT-d units for LiOS to turn off$",
        r"^amdvi: no IVRS table: no AMD IOMMUs for LiOS to turn off$",
        r"FACS .*not used by LiOS", r"WAET .*not used by LiOS",
        r"^    root buses from ACPI \(LiOS walks these, no probing\):$",
        r"^      0000:00 \\_SB_\.PCI0 \(_CRS, buses 00-ff\)$"], forbid=[r"refused", r"probes every bus"])
    # QEMU's intel-iommu: its DMAR read, the unit named.
    expect("qemu-q35-iommu", run(prog, os.path.join(tables, "qemu-q35-iommu")), [
        r"DMAR +DMAR, 112 bytes: read",
        r"^dmar: 1 VT-d remapping unit: at boot LiOS turns off the translation, protected "
        r"memory and interrupt remapping the firmware left on in each$",
        r"^    unit 0 at 0xfed90000, segment 0$"], forbid=[r"refused"])
    # QEMU's amd-iommu: its IVRS read, the IOMMU named.
    expect("qemu-q35-amd-iommu", run(prog, os.path.join(tables, "qemu-q35-amd-iommu")), [
        r"IVRS +IVRS, 104 bytes: read",
        r"^amdvi: 1 AMD IOMMU: at boot LiOS turns off the translation, command buffer and "
        r"logs the firmware left on in each$",
        r"^    unit 0 at 0xfed80000, the IOMMU at 0000:00:02\.0, IVHD types 0x10$"],
        forbid=[r"refused"])
    # A pxb is a second host bridge: its root bus is walked, not found by probing.
    expect("qemu-pc-pxb", run(prog, os.path.join(tables, "qemu-pc-pxb")), [
        r"^    root buses from ACPI \(LiOS walks these, no probing\):\n"
        r"      0000:00 \\_SB_\.PCI0 \(_CRS, buses 00-0f\)\n"
        r"      0000:10 \\_SB_\.PC10 \(_CRS, buses 10-11\)$"], forbid=[r"refused", r"probes every bus"])
    expect("qemu-q35-pxb-pcie", run(prog, os.path.join(tables, "qemu-q35-pxb-pcie")), [
        r"segment 0, buses 0-255 at 0xb0000000",
        r"^    root buses from ACPI \(LiOS walks these, no probing\):\n"
        r"      0000:00 \\_SB_\.PCI0 \(_CRS, buses 00-7f\)\n"
        r"      0000:80 \\_SB_\.PC80 \(_CRS, buses 80-81\)$"], forbid=[r"refused", r"probes every bus"])
    q35 = os.path.join(tables, "qemu-q35")
    out = run(prog, q35)
    expect("qemu-q35", out, [
        r"segment 0, buses 0-255 at 0xb0000000", r"^ps2: the FADT says an 8042 is present",
        r"^poweroff: ACPI S5: \\_S5_ in DSDT", r"^reset: ACPI reset register io 0xcf9, value 0xf$",
        r"^power button: fixed feature, SCI on IRQ 9 \(level, high",
        r"^      0000:00 \\_SB_\.PCI0 \(_CRS, buses 00-ff\)$",
        r"^  RSDP   revision 0 \(ACPI 1\.0, RSDT\), OEM BOCHS$"],  # the OEM ID's padding cut
        forbid=[r"refused", r"probes every bus"])

    tmp = tempfile.mkdtemp()
    try:
        base = [(f, read(os.path.join(q35, f))) for f in ("FACP", "APIC", "HPET", "MCFG")]
        d = folder(tmp, "no-s5", base + [("DSDT", read(os.path.join(aml, "no_s5.aml")))])
        expect("no-s5", run(prog, d), [
            r"^poweroff: not possible through ACPI: no usable \\_S5",
            r"DSDT: no \\_S5 in the table", r"LiOS would say so and halt"])
        d = folder(tmp, "ssdt", base + [("DSDT", read(os.path.join(aml, "no_s5.aml"))),
                                        ("SSDT1", as_ssdt(read(os.path.join(aml, "s5_method.aml")))),
                                        ("SSDT2", read(os.path.join(aml, "ssdt_s5.aml")))])
        expect("ssdt", run(prog, d), [r"^poweroff: ACPI S5: \\_S5_ in SSDT2 = SLP_TYPa 3, SLP_TYPb 4$"])
        # Host bridges PCI must not trust: said with why and where, and PCI probes.
        d = folder(tmp, "hb-hidden", base + [("DSDT", read(os.path.join(aml, "hb_hid_method.aml")))])
        expect("hb-hidden", run(prog, d), [
            r"^    root buses: LiOS probes every bus number the walk from bus 0 does not reach "
            r"\(PNP0A03/PNP0A08 outside a Name\(_HID\) or Name\(_CID\) LiOS reads: DSDT\)$"],
            forbid=[r"root buses from ACPI"])
        d = folder(tmp, "hb-unknown", base + [("DSDT", read(os.path.join(aml, "hb_two_unknown.aml")))])
        expect("hb-unknown", run(prog, d), [
            r"^    root buses: LiOS probes every bus number .*\(a host bridge has no constant _CRS bus "
            r"range or _BBN: \\_SB_\.PCI1\)$"], forbid=[r"root buses from ACPI"])
        # PCI0's _CRS in an SSDT, _BBN and _SEG: the roots as the kernel would walk them.
        d = folder(tmp, "hb-split", base + [("DSDT", read(os.path.join(aml, "hb_split_dsdt.aml"))),
                                            ("SSDT1", read(os.path.join(aml, "hb_split_pci1.aml"))),
                                            ("SSDT2", read(os.path.join(aml, "hb_split_crs.aml")))])
        expect("hb-split", run(prog, d), [r"^      0000:00 \\_SB_\.PCI0 \(_CRS, buses 00-3f\)\n"
                                          r"      0000:40 \\_SB_\.PCI1 \(_CRS, buses 40-4f\)$"])
        d = folder(tmp, "hb-bbn", base + [("DSDT", read(os.path.join(aml, "hb_bbn_seg.aml")))])
        expect("hb-bbn", run(prog, d), [r"^      0000:00 \\_SB_\.PCI0 \(_BBN\)\n"
                                        r"      0001:80 \\_SB_\.PCI1 \(_BBN\)$"])
        d = folder(tmp, "hb-lone", base + [("DSDT", read(os.path.join(aml, "hb_lone.aml")))])
        expect("hb-lone", run(prog, d), [r"^      0000:00 \\_SB_\.PCI0 \(the only host bridge: bus 0\)$"])
        # An SPCR naming COM2 (the generator the QEMU cells use for -acpitable).
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                        "..", "..", "..", "qemu"))
        import qemu_cmdline
        d = folder(tmp, "spcr", base + [("DSDT", read(os.path.join(aml, "no_s5.aml"))),
                                        ("SPCR", qemu_cmdline.spcr_table(0x2f8))])
        expect("spcr", run(prog, d), [r"^serial: COM1 \(0x3f8\) if it answers, else the SPCR's "
                                      r"16550 at I/O 0x2f8, 115200 baud$"])
        dsdt = read(os.path.join(aml, "s5_root.aml"))
        d = folder(tmp, "hostile", base + [
            ("DSDT", dsdt[:len(dsdt) // 2]), ("SSDT1", b"\xff" * 100), ("SSDT2", b""),
            ("XYZW", b"XYZW" + b"\0" * 60), ("HPET", b"HPET\x08\0\0\0")])
        out = run(prog, d)
        expect("hostile", out, [r"DSDT +refused", r"SSDT1 +refused", r"SSDT2 +refused",
                                r"^poweroff: not possible through ACPI",
                                r"^interrupts: LiOS would use the I/O APIC"])
        # A refused DSDT is named with why (the same bytes the kernel's printk says).
        expect("hostile", out, [r"has a bad length|truncated"])
        check_usb(prog, q35, tmp)
    finally:
        shutil.rmtree(tmp)
    if os.path.isdir("/sys/firmware/acpi/tables") and os.access("/sys/firmware/acpi/tables/DSDT", os.R_OK):
        expect("this machine", run(prog, "/sys/firmware/acpi/tables"), [r"^poweroff: ", r"^reset: "])
    for f in failures:
        print("FAIL:", f)
    print("check-machine: %s" % ("%d failure(s)" % len(failures) if failures else "all checks passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
