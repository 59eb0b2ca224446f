// SPDX-License-Identifier: MIT
// The only _S5 inside a PowerResource's body (which starts after its SystemLevel byte and
// ResourceOrder word): reached only when those three bytes are skipped exactly.
// Expected: found by the walk at \_SB_.PUBS._S5_, SLP_TYPa 6, SLP_TYPb 6.
DefinitionBlock ("", "DSDT", 2, "LIOS", "S5PWR", 1)
{
    Scope (\_SB)
    {
        PowerResource (PUBS, 0x05, 0x0102)
        {
            Method (_STA, 0, NotSerialized) { Return (One) }
            Name (_S5, Package (0x02) { 0x06, 0x06 })
        }
    }
}
