// SPDX-License-Identifier: MIT
// A bridge's _BBN named every way a path can be written: from a relative Scope at the root
// (PCI0), by a full path from the root (PCI1), by a parent prefix from a child (PCI2).
// Expected: roots 0000:20, 0000:40, 0000:60, all from _BBN.
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBPATHS", 1)
{
    Scope (\_SB)
    {
        Device (PCI0) { Name (_HID, EisaId ("PNP0A03")) }
        Device (PCI1) { Name (_HID, EisaId ("PNP0A03")) }
        Device (PCI2)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Device (CHLD)
            {
                Name (_ADR, Zero)
                Name (^_BBN, 0x60)
            }
        }
    }
    Name (\_SB.PCI1._BBN, 0x40)
    Scope (_SB.PCI0) { Name (_BBN, 0x20) }
}
