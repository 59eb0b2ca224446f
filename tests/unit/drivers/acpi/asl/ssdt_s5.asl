// SPDX-License-Identifier: MIT
// An SSDT carrying \_S5 (the DSDT beside it has none): tables are searched alike.
// Expected: \_S5_ at the root, SLP_TYPa 3, SLP_TYPb 4.
DefinitionBlock ("", "SSDT", 2, "LIOS", "SSDTS5", 1)
{
    External (\_SB.PCI0, DeviceObj)
    Scope (\_SB.PCI0) { Name (XS5X, Zero) }
    Scope (\) { Name (_S5, Package (0x02) { 0x03, 0x04 }) }
}
