#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""iso.eltorito: the shipped ISO must carry a bootable BIOS and a bootable UEFI El Torito
image (DESIGN.md's artifact contract), as reported by
`xorriso -indev ISO -report_el_torito plain`, and the UEFI image (the FAT file /efi.img)
must hold GRUB for both UEFI flavours: EFI/BOOT/BOOTX64.EFI and EFI/BOOT/BOOTIA32.EFI (the
64-bit CPUs under 32-bit UEFI of Bay Trail tablets; grub-mkrescue adds it only when
grub-efi-ia32-bin is installed).

Usage: check_iso.py ISO
The report's rows look like "El Torito boot img :   1  BIOS  y   none ..." (number,
platform, bootable flag). Exit 0 when both platforms have a bootable image, else 1 with the
report printed.
"""
import os
import re
import subprocess
import sys
import tempfile

_BOOT_IMG = re.compile(r"^El Torito boot img\s*:\s*(\d+)\s+(\S+)\s+(\S)\s")


def boot_platforms(report):
    """The set of platforms ("BIOS", "UEFI", ...) that have a bootable El Torito image."""
    found = set()
    for line in report.splitlines():
        m = _BOOT_IMG.match(line)
        if m and m.group(3) == "y":
            found.add(m.group(2))
    return found


EFI_LOADERS = ("BOOTX64.EFI", "BOOTIA32.EFI")


def efi_loaders(iso):
    """The EFI/BOOT/*.EFI file names (upper case) in the ISO's /efi.img, or an error text."""
    with tempfile.TemporaryDirectory(prefix="lios-iso-") as tmp:
        img = os.path.join(tmp, "efi.img")
        r = subprocess.run(["xorriso", "-osirrox", "on", "-indev", iso, "-extract",
                            "/efi.img", img], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0 or not os.path.exists(img):
            return None, "cannot extract /efi.img: " + r.stdout.strip()[-300:]
        r = subprocess.run(["mdir", "-b", "-i", img, "::/EFI/BOOT"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            return None, "mdir ::/EFI/BOOT failed: " + r.stdout.strip()
        return {os.path.basename(l.strip()).upper() for l in r.stdout.splitlines()}, None


def main(argv):
    if len(argv) != 1:
        print(__doc__)
        return 2
    r = subprocess.run(["xorriso", "-indev", argv[0], "-report_el_torito", "plain"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    found = boot_platforms(r.stdout)
    missing = {"BIOS", "UEFI"} - found
    if r.returncode != 0 or missing:
        print(r.stdout)
        print("iso.eltorito: FAIL: xorriso status %d, missing bootable image for: %s"
              % (r.returncode, ", ".join(sorted(missing)) or "-"))
        return 1
    names, err = efi_loaders(argv[0])
    if err or not set(EFI_LOADERS) <= names:
        print("iso.eltorito: FAIL: the UEFI image lacks %s (%s)"
              % (", ".join(sorted(set(EFI_LOADERS) - (names or set()))), err or
                 "found: " + ", ".join(sorted(names))))
        return 1
    print("iso.eltorito: PASS: bootable El Torito images for %s; UEFI image carries %s"
          % (", ".join(sorted(found)), ", ".join(EFI_LOADERS)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
