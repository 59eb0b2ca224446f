// SPDX-License-Identifier: MIT
// PCI1's _CRS bus range starts at bus 0x120 (0x120-0x12f), past the last bus number.
// Expected: refused, "a host bridge's _BBN, _SEG or _CRS bus range is computed or out of
// range", naming \_SB_.PCI1.
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBCRS25", 1)
{
    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_BBN, Zero)
        }
        Device (PCI1)
        {
            Name (_HID, "PNP0A03")
            Name (_CRS, ResourceTemplate ()
            {
                WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                    0x0000, 0x0120, 0x012F, 0x0000, 0x0010,,, )
            })
        }
    }
}
