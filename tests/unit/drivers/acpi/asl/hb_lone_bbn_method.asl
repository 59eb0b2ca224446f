// SPDX-License-Identifier: MIT
// The only host bridge, as Intel's reference code declares it: _BBN is a method returning
// BN00(), _CRS a method too. Whatever _BBN computes, the only root is the bus PCI walks
// first. Expected: one root, 0000:00, neither from _CRS nor from _BBN.
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBLONEBN", 1)
{
    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_CID, EisaId ("PNP0A03"))
            Method (BN00, 0, NotSerialized) { Return (Zero) }
            Method (_BBN, 0, NotSerialized) { Return (BN00 ()) }
            Method (_CRS, 0, NotSerialized) { Return (ResourceTemplate () {}) }
        }
    }
}
