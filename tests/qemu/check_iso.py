#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""iso.eltorito: the shipped ISO must carry a bootable BIOS and a bootable UEFI El Torito
image (DESIGN.md's artifact contract), as reported by
`xorriso -indev ISO -report_el_torito plain`.

Usage: check_iso.py ISO
The report's rows look like "El Torito boot img :   1  BIOS  y   none ..." (number,
platform, bootable flag). Exit 0 when both platforms have a bootable image, else 1 with the
report printed.
"""
import re
import subprocess
import sys

_BOOT_IMG = re.compile(r"^El Torito boot img\s*:\s*(\d+)\s+(\S+)\s+(\S)\s")


def boot_platforms(report):
    """The set of platforms ("BIOS", "UEFI", ...) that have a bootable El Torito image."""
    found = set()
    for line in report.splitlines():
        m = _BOOT_IMG.match(line)
        if m and m.group(3) == "y":
            found.add(m.group(2))
    return found


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
    print("iso.eltorito: PASS: bootable El Torito images for %s" % ", ".join(sorted(found)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
