// SPDX-License-Identifier: MIT
// A bridge known only by its _CID package (its _HID is a vendor's own), beside a device
// whose _CID package names no host ID. Expected: one root, 0000:20 from _BBN, for
// \_SB_.HB00.
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBCID", 1)
{
    Scope (\_SB)
    {
        Device (HB00)
        {
            Name (_HID, "LIOS0001")
            Name (_CID, Package (0x02) { EisaId ("PNP0A03"), "PNP0C02" })
            Name (_BBN, 0x20)
        }
        Device (MB00)
        {
            Name (_HID, EisaId ("PNP0C02"))
            Name (_CID, Package (0x02) { EisaId ("PNP0C01"), "PNP0A05" })
            Name (_BBN, 0x30)
        }
    }
}
