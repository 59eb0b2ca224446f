// SPDX-License-Identifier: MIT
// Bus ranges in every address space descriptor the reader knows, after descriptors it
// must step over (small IO, a WordIO of resource type 1, a DWordMemory):
//   PCI0: two WordBusNumber ranges, 0x30-0x3f then 0x00-0x0f: the lowest wins
//   PCI1: DWordSpace of resource type 2, 0x40-0x5f
//   PCI2: QWordSpace of resource type 2, 0x60-0x7f, and a _BBN 0x61 that _CRS overrides
//   PCI3: ExtendedSpace of resource type 2, 0x80-0x9f
//   PCI4: QWordSpace of resource type 2 whose maximum is 0x17f: held to 0xff
// iasl allows only the vendor types 0xC0-0xFF in DWordSpace and the like: -f writes type 2
// anyway, which firmware may use. Expected: roots 0000:00 (00-0f), 0000:40 (40-5f), 0000:60 (60-7f), 0000:80 (80-9f),
// 0000:a0 (a0-ff), all from _CRS.
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBSPACE", 1)
{
    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_CRS, ResourceTemplate ()
            {
                IO (Decode16, 0x0CF8, 0x0CF8, 0x01, 0x08, )
                WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange,
                    0x0000, 0x0000, 0x0CF7, 0x0000, 0x0CF8,,, , TypeStatic, DenseTranslation)
                WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                    0x0000, 0x0030, 0x003F, 0x0000, 0x0010,,, )
                DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable, ReadWrite,
                    0x00000000, 0x000A0000, 0x000BFFFF, 0x00000000, 0x00020000,,, , AddressRangeMemory, TypeStatic)
                WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                    0x0000, 0x0000, 0x000F, 0x0000, 0x0010,,, )
            })
        }
        Device (PCI1)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_CRS, ResourceTemplate ()
            {
                DWordSpace (0x02, ResourceProducer, PosDecode, MinFixed, MaxFixed, 0x00,
                    0x00000000, 0x00000040, 0x0000005F, 0x00000000, 0x00000020,,, )
            })
        }
        Device (PCI2)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_BBN, 0x61)
            Name (_CRS, ResourceTemplate ()
            {
                QWordSpace (0x02, ResourceProducer, PosDecode, MinFixed, MaxFixed, 0x00,
                    0x0000000000000000, 0x0000000000000060, 0x000000000000007F,
                    0x0000000000000000, 0x0000000000000020,,, )
            })
        }
        Device (PCI3)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_CRS, ResourceTemplate ()
            {
                ExtendedSpace (0x02, ResourceProducer, PosDecode, MinFixed, MaxFixed, 0x00,
                    0x0000000000000000, 0x0000000000000080, 0x000000000000009F,
                    0x0000000000000000, 0x0000000000000020, 0x0000000000000000, )
            })
        }
        Device (PCI4)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_CRS, ResourceTemplate ()
            {
                QWordSpace (0x02, ResourceProducer, PosDecode, MinFixed, MaxFixed, 0x00,
                    0x0000000000000000, 0x00000000000000A0, 0x000000000000017F,
                    0x0000000000000000, 0x00000000000000E0,,, )
            })
        }
    }
}
