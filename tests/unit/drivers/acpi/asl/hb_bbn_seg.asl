// SPDX-License-Identifier: MIT
// Two bridges whose _CRS is a Method (as on most real machines): their roots come from
// Name (_BBN). The first declared is a PCI Express bridge with its _HID as a string, on
// segment 1: the list is sorted by segment, then bus.
// Expected: roots 0000:00 and 0001:80, both from _BBN.
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBBBN", 1)
{
    Scope (\_SB)
    {
        Device (PCI1)
        {
            Name (_HID, "PNP0A08")
            Name (_SEG, One)
            Name (_BBN, 0x80)
            Method (_CRS, 0, NotSerialized) { Return (ResourceTemplate () {}) }
        }
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_BBN, Zero)
            Method (_CRS, 0, NotSerialized) { Return (ResourceTemplate () {}) }
        }
    }
}
