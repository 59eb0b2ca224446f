// SPDX-License-Identifier: MIT
// An SSDT that adds PCI0's _CRS (bus range 0x00-0x3f) from outside, the device being in
// the DSDT (hb_split_dsdt).
DefinitionBlock ("", "SSDT", 2, "LIOS", "HBSCRS", 1)
{
    External (\_SB.PCI0, DeviceObj)
    Scope (\_SB.PCI0)
    {
        Name (_CRS, ResourceTemplate ()
        {
            WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                0x0000, 0x0000, 0x003F, 0x0000, 0x0040,,, )
        })
    }
}
