// SPDX-License-Identifier: MIT
// \_S5 after the named objects a laptop's DSDT holds before it: an OperationRegion and its
// Field, a Mutex, an Event, an External, an Alias, a Processor, a PowerResource and a
// ThermalZone, each skipped over by its own length or fields.
// Expected: found at the root by the walk (not by the byte search), SLP_TYPa 5, SLP_TYPb 0.
DefinitionBlock ("", "DSDT", 2, "LIOS", "S5OBJ", 1)
{
    External (\_SB.PCI0.LPCB.EC0, DeviceObj)
    OperationRegion (GNVS, SystemMemory, 0x7FFE0000, 0x0100)
    Field (GNVS, AnyAcc, NoLock, Preserve)
    {
        OSYS, 16,
        LIDS, 8
    }
    Mutex (MUT0, 0x00)
    Event (EVT0)
    Scope (\_PR)
    {
        Processor (CPU0, 0x01, 0x00000410, 0x06) { Name (_PPC, Zero) }
    }
    Scope (\_SB)
    {
        PowerResource (PUBS, 0x00, 0x0000)
        {
            Method (_STA, 0, NotSerialized) { Return (One) }
            Method (_ON, 0, NotSerialized) { }
            Method (_OFF, 0, NotSerialized) { }
        }
        Alias (PUBS, PUB2)
    }
    Scope (\_TZ)
    {
        ThermalZone (TZ00)
        {
            Method (_TMP, 0, Serialized) { Return (0x0BB8) }
            Name (_CRT, 0x0E94)
        }
    }
    Name (_S5, Package (0x04) { 0x05, Zero, Zero, Zero })
}
