// SPDX-License-Identifier: MIT
// PCI1's _CRS bus range is 0x20-0x10, minimum above maximum (iasl -f writes it).
// Expected: refused, "a host bridge's _BBN, _SEG or _CRS bus range is computed or out of
// range", naming \_SB_.PCI1.
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBCRSI", 1)
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
                WordBusNumber (ResourceProducer, MinNotFixed, MaxNotFixed, PosDecode,
                    0x0000, 0x0020, 0x0010, 0x0000, 0x0000,,, )
            })
        }
    }
}
