// SPDX-License-Identifier: MIT
// \_S5 declared under a condition, as some firmware does for optional sleep states: the
// reader does not evaluate If but searches its body.
// Expected: \_S5_ at the root, found by the search (scanned), SLP_TYPa 6, SLP_TYPb 0.
DefinitionBlock ("", "DSDT", 2, "LIOS", "S5IF", 1)
{
    Name (SS5, One)
    If (SS5)
    {
        Name (_S5, Package (0x04) { 0x06, Zero, Zero, Zero })
    }
}
