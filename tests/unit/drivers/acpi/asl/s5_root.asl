// SPDX-License-Identifier: MIT
// \_S5 at the root beside the objects a real DSDT declares before it: an operation region
// and its fields, devices with resource templates, methods, a mutex, a processor, a string
// that holds the bytes "_S5_".
// Expected: \_S5_ found by the walk, SLP_TYPa 5, SLP_TYPb 5 (BytePrefix values).
DefinitionBlock ("", "DSDT", 2, "LIOS", "S5ROOT", 1)
{
    OperationRegion (DBG, SystemIO, 0x0402, One)
    Field (DBG, ByteAcc, NoLock, Preserve) { DBGB, 8 }
    Mutex (MUTX, 0)
    Name (PICF, Zero)
    Name (STR1, "a string with _S5_ inside")
    Method (_PIC, 1, NotSerialized) { PICF = Arg0 }
    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_CRS, ResourceTemplate ()
            {
                WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                    0x0000, 0x0000, 0x00FF, 0x0000, 0x0100,,, )
                IO (Decode16, 0x0CF8, 0x0CF8, 0x01, 0x08, )
            })
            Method (_STA, 0, NotSerialized) { Return (0x0F) }
        }
        Processor (CPU0, 0x00, 0x00000000, 0x00) { Name (_STA, 0x0F) }
    }
    Name (_S3, Package (0x04) { One, One, Zero, Zero })
    Name (_S5, Package (0x04) { 0x05, 0x05, Zero, Zero })
}
