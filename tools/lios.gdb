# SPDX-License-Identifier: MIT
# gdb set-up for LiOS, sourced by ./lios debug (gdb -x tools/lios.gdb build/lios.elf):
# connects to QEMU's gdb server (-s: localhost:1234), which holds the CPU at its first
# instruction (-S), and stops at panic() before the panic screen is drawn. The breakpoint
# is a hardware one (debug registers): the kernel's higher-half addresses are not mapped
# until the boot code enables paging, so gdb could not write an int3 there at reset.
# After the stop: 'bt' shows who panicked, 'up' and 'info locals' the caller's state.
set pagination off
set confirm off
target remote localhost:1234
hbreak panic
echo LiOS: QEMU waits at reset; hardware breakpoint on panic. 'continue' to boot.\n
