// SPDX-License-Identifier: MIT
/*
 * Port I/O of <lios/arch.h> for host programs: there are no ports, so reads float high as on
 * an empty bus and writes go nowhere. A file of its own so a test that simulates a device
 * (test_ps2) defines these itself and this object is then not linked.
 */
#include <lios/arch.h>

uint8_t arch_pio_read8(uint16_t port) { return (void)port, 0xff; }
void arch_pio_write8(uint16_t port, uint8_t v) { (void)port, (void)v; }
uint16_t arch_pio_read16(uint16_t port) { return (void)port, 0xffff; }
void arch_pio_write16(uint16_t port, uint16_t v) { (void)port, (void)v; }
uint32_t arch_pio_read32(uint16_t port) { return (void)port, 0xffffffffu; }
void arch_pio_write32(uint16_t port, uint32_t v) { (void)port, (void)v; }
