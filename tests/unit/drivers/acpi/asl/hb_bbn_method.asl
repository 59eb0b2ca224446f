// SPDX-License-Identifier: MIT
// The second bridge's _BBN is a Method. Expected: refused, "... computed or out of
// range", naming \_SB_.PCI1.
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBBBNM", 1)
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
            Method (_BBN, 0, NotSerialized) { Return (0x40) }
        }
    }
}
