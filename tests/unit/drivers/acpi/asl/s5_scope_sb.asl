// SPDX-License-Identifier: MIT
// _S5 declared inside Scope (\_SB), i.e. \_SB._S5, not where the specification puts it.
// Expected: found by the walk at path \_SB_._S5_ (not at the root), SLP_TYPa 7, SLP_TYPb 7.
DefinitionBlock ("", "DSDT", 2, "LIOS", "S5SB", 1)
{
    Scope (\_SB)
    {
        Device (PWRB) { Name (_HID, EisaId ("PNP0C0C")) }
        Name (_S5, Package (0x02) { 0x07, 0x07 })
    }
}
