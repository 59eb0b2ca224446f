// SPDX-License-Identifier: MIT
// A lone host bridge with only a Method (_CRS) and no _BBN: it can only start at bus 0.
// Its _HID and _CID both name it a host bridge: still one bridge, not two.
// Expected: one root, 0000:00, neither from _CRS nor from _BBN.
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBLONE", 1)
{
    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_CID, EisaId ("PNP0A03"))
            Method (_CRS, 0, NotSerialized) { Return (ResourceTemplate () {}) }
        }
    }
}
