// SPDX-License-Identifier: MIT
// PCI1's _BBN is 0x100: no PCI bus number.
// Expected: refused, "a host bridge's _BBN, _SEG or _CRS bus range is computed or out of
// range", naming \_SB_.PCI1.
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBBBNB", 1)
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
            Name (_BBN, 0x0100)
        }
    }
}
