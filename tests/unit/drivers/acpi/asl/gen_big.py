#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes big.asl (argv[1]): a DSDT over 1 MiB, so the Scope (\\_SB) holding most of it
needs a 4-byte PkgLength (2^20 bytes and more), its devices 3-byte ones and their small
methods 1 and 2-byte ones. \\_S5 comes last, inside the big scope with a root prefix.
Expected: \\_S5_ at the root, SLP_TYPa 5, SLP_TYPb 0."""
import sys

with open(sys.argv[1], "w") as out:
    out.write('DefinitionBlock ("", "DSDT", 2, "LIOS", "BIG", 1)\n{\n    Scope (\\_SB)\n    {\n')
    for d in range(24):
        out.write('        Device (D%03X)\n        {\n            Name (_ADR, 0x%x)\n' % (d, d))
        out.write('            Name (STR0, "%s")\n' % ("LiOS%02d" % d * 8192))
        out.write('            Method (_STA, 0, NotSerialized) { Return (0x0F) }\n')
        out.write('            Method (LONG, 0, NotSerialized) { Return ("%s") }\n        }\n'
                  % ("x" * 100))
    out.write('        Name (\\_S5, Package (0x04) { 0x05, Zero, Zero, Zero })\n    }\n}\n')
