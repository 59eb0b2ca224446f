// SPDX-License-Identifier: MIT
// \_S5 as a method returning the package: legal, but the reader does not run AML.
// Expected: unsupported, with the reason "\_S5 is a method (not evaluated)".
DefinitionBlock ("", "DSDT", 2, "LIOS", "S5METH", 1)
{
    Method (_S5, 0, NotSerialized) { Return (Package (0x02) { 0x05, 0x05 }) }
}
