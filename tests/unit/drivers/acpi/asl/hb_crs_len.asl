// SPDX-License-Identifier: MIT
// A _CRS bus range is _MIN to _MIN + _LEN - 1, as Linux reads a root bridge's; _MAX is not
// read, and a descriptor whose _LEN is 0 is no range (iasl calls both errors; -f writes them):
//   PCI0: _MIN 0x00, _MAX 0xff, _LEN 0x10: buses 0x00-0x0f
//   PCI1: _MIN 0x20, _MAX 0x10 (below _MIN), _LEN 0x08: buses 0x20-0x27
//   PCI2: _MIN 0x40, _MAX 0x7f, _LEN 0, beside Name (_BBN, 0x50): the _BBN, bus 0x50
//   PCI3: a _LEN 0 descriptor at 0x60 before one at 0x70 with _LEN 0x10: buses 0x70-0x7f
// Expected roots: 0000:00 (00-0f, _CRS), 0000:20 (20-27, _CRS), 0000:50 (_BBN),
// 0000:70 (70-7f, _CRS).
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBCRSLEN", 1)
{
    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_CRS, ResourceTemplate ()
            {
                WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                    0x0000, 0x0000, 0x00FF, 0x0000, 0x0010,,, )
            })
        }
        Device (PCI1)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_CRS, ResourceTemplate ()
            {
                WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                    0x0000, 0x0020, 0x0010, 0x0000, 0x0008,,, )
            })
        }
        Device (PCI2)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_BBN, 0x50)
            Name (_CRS, ResourceTemplate ()
            {
                WordBusNumber (ResourceProducer, MinNotFixed, MaxNotFixed, PosDecode,
                    0x0000, 0x0040, 0x007F, 0x0000, 0x0000,,, )
            })
        }
        Device (PCI3)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_CRS, ResourceTemplate ()
            {
                WordBusNumber (ResourceProducer, MinNotFixed, MaxNotFixed, PosDecode,
                    0x0000, 0x0060, 0x006F, 0x0000, 0x0000,,, )
                WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                    0x0000, 0x0070, 0x007F, 0x0000, 0x0010,,, )
            })
        }
    }
}
