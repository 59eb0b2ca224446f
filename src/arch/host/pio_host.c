// SPDX-License-Identifier: MIT
/*
 * Port I/O of the arch interface for host programs: there is no hardware, so reads float
 * high (all ones, as an absent ISA device answers) and writes go nowhere. The definitions
 * are weak: a test that simulates a device (test_ps2's 8042) defines its own and wins.
 */
#include <lios/arch.h>

__attribute__((weak)) uint8_t arch_pio_read8(uint16_t port) { return 0xff; }
__attribute__((weak)) void arch_pio_write8(uint16_t port, uint8_t v) {}
__attribute__((weak)) uint16_t arch_pio_read16(uint16_t port) { return 0xffff; }
__attribute__((weak)) void arch_pio_write16(uint16_t port, uint16_t v) {}
__attribute__((weak)) uint32_t arch_pio_read32(uint16_t port) { return 0xffffffffu; }
__attribute__((weak)) void arch_pio_write32(uint16_t port, uint32_t v) {}
