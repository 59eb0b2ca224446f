// SPDX-License-Identifier: MIT
// The second bridge's _SEG is a Method (its _BBN is constant). Expected: refused,
// "... computed or out of range", naming \_SB_.PCI1.
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBSEGM", 1)
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
            Name (_HID, EisaId ("PNP0A03"))
            Name (_BBN, 0x40)
            Method (_SEG, 0, NotSerialized) { Return (One) }
        }
    }
}
