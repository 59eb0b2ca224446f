// SPDX-License-Identifier: MIT
// Two host bridges, the second with only a Method (_CRS): where its root bus is, only an
// interpreter could say. Expected: refused, "a host bridge has no constant _CRS bus range
// or _BBN", naming \_SB_.PCI1.
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBTWO", 1)
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
            Method (_CRS, 0, NotSerialized) { Return (ResourceTemplate () {}) }
        }
    }
}
