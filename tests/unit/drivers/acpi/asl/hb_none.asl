// SPDX-License-Identifier: MIT
// A DSDT without any host bridge: devices with other IDs, a _BBN and a _CRS bus range on
// a device that is not one. Expected: refused, "no PCI host bridge in the DSDT or SSDTs".
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBNONE", 1)
{
    Scope (\_SB)
    {
        Device (MB00)
        {
            Name (_HID, EisaId ("PNP0C02"))
            Name (_CID, "PNP0A05")
            Name (_BBN, 0x10)
            Name (_CRS, ResourceTemplate ()
            {
                WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                    0x0000, 0x0010, 0x001F, 0x0000, 0x0010,,, )
            })
        }
    }
}
