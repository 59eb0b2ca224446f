// SPDX-License-Identifier: MIT
// \_S5 named with a root prefix inside Scope (\_SB) and a Device: the name is still \_S5.
// A nested \_SB.PCI0._S5 comes first and must lose to it.
// Expected: \_S5_ at the root, SLP_TYPa 0, SLP_TYPb 1 (ZeroOp, OneOp).
DefinitionBlock ("", "DSDT", 2, "LIOS", "S5ROOTD", 1)
{
    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_S5, Package (0x02) { 0x06, 0x06 })
            Name (\_S5, Package (0x02) { Zero, One })
        }
    }
}
