// SPDX-License-Identifier: MIT
// A second bridge declared inside a top-level If (module-level code): the walk does not
// enter If blocks. Expected: refused as doubtful, "PNP0A03/PNP0A08 outside a Name(_HID)
// or Name(_CID)", where "DSDT".
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBINIF", 1)
{
    Name (PXB1, One)
    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_BBN, Zero)
        }
    }
    If (PXB1)
    {
        Scope (\_SB)
        {
            Device (PCI1)
            {
                Name (_HID, EisaId ("PNP0A08"))
                Name (_BBN, 0x40)
            }
        }
    }
}
