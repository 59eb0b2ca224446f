// SPDX-License-Identifier: MIT
// The only _S5 inside a Processor's body (which starts after its ProcID byte, PblkAddr
// dword and PblkLen byte): reached only when those six bytes are skipped exactly.
// Expected: found by the walk at \_PR_.CPU0._S5_, SLP_TYPa 3, SLP_TYPb 4.
DefinitionBlock ("", "DSDT", 2, "LIOS", "S5CPU", 1)
{
    Scope (\_PR)
    {
        Processor (CPU0, 0x01, 0x00000410, 0x06)
        {
            Name (_S5, Package (0x02) { 0x03, 0x04 })
        }
    }
}
