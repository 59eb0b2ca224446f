// SPDX-License-Identifier: MIT
// The DSDT of a bridge split across tables: PCI0 with its _HID only. Its _CRS comes from
// hb_split_crs (SSDT), a second bridge PCI1 from hb_split_pci1 (SSDT). Alone: one root,
// 0000:00, from neither.
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBSPLIT", 1)
{
    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A03"))
        }
    }
}
