#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a DSDT (argv[1]) with argv[2] host bridges \\_SB.H000, H001, ... each with its
_HID and, when argv[3] is "bbn", Name (_BBN) 4 times its number: two facts per bridge,
to fill struct acpi_pci_roots (ACPI_MAX_PCI_ROOTS) and acpi_pci_facts (ACPI_MAX_PCI_FACTS)
or overflow them."""
import sys

out_path, count, bbn = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "bbn"
with open(out_path, "w") as out:
    out.write('DefinitionBlock ("", "DSDT", 2, "LIOS", "HBMANY", 1)\n{\n    Scope (\\_SB)\n    {\n')
    for d in range(count):
        out.write('        Device (H%03X)\n        {\n' % d)
        out.write('            Name (_HID, EisaId ("PNP0A03"))\n')
        if bbn:
            out.write('            Name (_BBN, 0x%02X)\n' % (d * 4 & 0xff))
        out.write('        }\n')
    out.write('    }\n}\n')
