// SPDX-License-Identifier: MIT
// A DSDT with S3 and S4 but no S5 (a machine that cannot soft-off through ACPI).
// Expected: absent, "no \_S5 in the table".
DefinitionBlock ("", "DSDT", 2, "LIOS", "NOS5", 1)
{
    Scope (\_SB)
    {
        Device (PCI0) { Name (_HID, EisaId ("PNP0A03")) }
    }
    Name (_S3, Package (0x04) { One, One, Zero, Zero })
    Name (_S4, Package (0x04) { 0x02, 0x02, Zero, Zero })
}
