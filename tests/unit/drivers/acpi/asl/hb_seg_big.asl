// SPDX-License-Identifier: MIT
// PCI1's _SEG is 0x10000: no PCI segment group number.
// Expected: refused, "a host bridge's _BBN, _SEG or _CRS bus range is computed or out of
// range", naming \_SB_.PCI1.
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBSEGB", 1)
{
    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_BBN, Zero)
        }
        Device (PCI1)
        {
            Name (_HID, "PNP0A03")
            Name (_BBN, 0x20)
            Name (_SEG, 0x00010000)
        }
    }
}
