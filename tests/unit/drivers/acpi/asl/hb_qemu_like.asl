// SPDX-License-Identifier: MIT
// QEMU's pc layout with a pxb: PCI0 declared with its _HID only, its _CRS added by a
// Scope (\_SB.PCI0) later in the table; PC10 with Name (_BBN) and Name (_CRS).
// Expected: roots 0000:00 (_CRS 00-0f) and 0000:10 (_CRS 10-11).
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBQEMU", 1)
{
    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_UID, Zero)
        }
        Device (PC10)
        {
            Name (_UID, 0x10)
            Name (_BBN, 0x10)
            Name (_HID, EisaId ("PNP0A03"))
            Name (_CRS, ResourceTemplate ()
            {
                WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                    0x0000, 0x0010, 0x0011, 0x0000, 0x0002,,, )
                IO (Decode16, 0x1000, 0x1000, 0x01, 0x10, )
            })
        }
    }
    Scope (\_SB.PCI0)
    {
        Name (_CRS, ResourceTemplate ()
        {
            WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                0x0000, 0x0000, 0x000F, 0x0000, 0x0010,,, )
            IO (Decode16, 0x0CF8, 0x0CF8, 0x01, 0x08, )
        })
    }
}
