// SPDX-License-Identifier: MIT
// A bridge whose _HID is a Method returning EISAID ("PNP0A03"): the walk does not read
// method bodies, yet the ID's bytes are there. PCI0 beside it is plain.
// Expected: refused as doubtful, "PNP0A03/PNP0A08 outside a Name(_HID) or Name(_CID)",
// where "DSDT".
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBHIDM", 1)
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
            Method (_HID, 0, NotSerialized) { Return (EisaId ("PNP0A03")) }
            Name (_BBN, 0x40)
        }
    }
}
