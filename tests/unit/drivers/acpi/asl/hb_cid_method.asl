// SPDX-License-Identifier: MIT
// A bridge whose _CID is a Method returning the string "PNP0A08" (its _HID a vendor's
// own). Expected: refused as doubtful, "PNP0A03/PNP0A08 outside a Name(_HID) or
// Name(_CID)", where "DSDT".
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBCIDM", 1)
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
            Name (_HID, "LIOS0002")
            Method (_CID, 0, NotSerialized) { Return ("PNP0A08") }
            Name (_BBN, 0x40)
        }
    }
}
