// SPDX-License-Identifier: MIT
// Host bridges nested deep: DEEP at 7 segments (its _HID is the 8th, the last the walk
// keeps) and, with -DDEEPER (the test's hb_deeper), DEEP one level further down.
// Expected: hb_deep: one root, 0000:00, \_SB_.S002.S003.S004.S005.S006.DEEP.
DefinitionBlock ("", "DSDT", 2, "LIOS", "HBDEEP", 1)
{
    Scope (\_SB)
    {
        Device (S002) { Device (S003) { Device (S004) { Device (S005) { Device (S006)
        {
#ifdef DEEPER
            Device (S007)
            {
#endif
                Device (DEEP)
                {
                    Name (_HID, EisaId ("PNP0A03"))
                }
#ifdef DEEPER
            }
#endif
        } } } } }
    }
}
