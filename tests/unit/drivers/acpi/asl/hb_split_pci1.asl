// SPDX-License-Identifier: MIT
// An SSDT that declares a second host bridge, PCI1, with its _CRS bus range 0x40-0x4f.
DefinitionBlock ("", "SSDT", 2, "LIOS", "HBSPCI1", 1)
{
    Scope (\_SB)
    {
        Device (PCI1)
        {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_CID, EisaId ("PNP0A03"))
            Name (_CRS, ResourceTemplate ()
            {
                WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                    0x0000, 0x0040, 0x004F, 0x0000, 0x0010,,, )
            })
        }
    }
}
