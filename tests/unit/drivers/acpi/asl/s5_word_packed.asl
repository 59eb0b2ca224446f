// SPDX-License-Identifier: MIT
// The ACPI 1.0 form: one integer holding SLP_TYPa in bits 0-7 and SLP_TYPb in bits 8-15,
// here 0x0705, which iasl encodes with WordPrefix.
// Expected: SLP_TYPa 5, SLP_TYPb 7.
DefinitionBlock ("", "DSDT", 1, "LIOS", "S5WORD", 1)
{
    Name (_S5, Package (0x01) { 0x0705 })
}
