#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the seeds of the heap fuzzer (fuzz/heap_fuzz.c) into the folder given (default
# fuzz/seeds/heap): large blocks freed and taken again at a few page counts, bursts that
# fill and empty magazines and spans, every misuse on a small and a large object, reallocs
# across classes, heap.trace recording, and, in interrupt handlers, blocks handed across
# the contexts both ways (irq-cross) with every misuse of each in the other (irq-misuse).
# Step encoding: 4 bytes, the op byte (bits 0-3 the operation, bit 4 in a handler), the
# slot, and the 16-bit argument, little-endian (its top bits pick the size range).
import struct

import seed_dir

(ALLOC, CALLOC, FREE, REALLOC, SIZE, TRIM, MAGAZINES, BURST, OVERFLOW, INTERIOR, DOUBLE_FREE,
 WRITE_AFTER_FREE, TRACE) = 0, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
IN_HANDLER = 0x10

TINY_40 = 0x0028    # 40 bytes
SMALL_600 = 0x4258  # 601 bytes
LARGE_50K = 0xc388  # 16384 + 0x388 * 4 bytes
HUGE = 0xe010       # 65536 + 0x10 * 128 bytes, in kmalloc a run of frames from a handler


def op(code, slot=0, arg=0, irq=False):
    return struct.pack("<BBH", code | (IN_HANDLER if irq else 0), slot, arg)


def bursts():
    out = b""
    for arg in (0x0041, 0x41f5, 0x8fff):
        out += b"".join(op(BURST, 16 * j, arg) for j in range(8))
        out += b"".join(op(BURST, 16 * j, 0) for j in range(8))
        out += op(MAGAZINES, 0, 0) + op(MAGAZINES, 0, 1)
    return out + op(TRIM)


def large_cycle():
    out = b""
    for arg in (0xc194, 0xc388, 0xc770, 0xc388, 0xc194, 0xd710):
        out += (op(ALLOC, 1, arg) + op(FREE, 1) + op(ALLOC, 2, arg) + op(ALLOC, 1, arg) +
                op(FREE, 2) + op(FREE, 1))
    return out + op(TRIM)


def misuse():
    out = b""
    for arg in (TINY_40, LARGE_50K):
        out += (op(ALLOC, 3, arg) + op(OVERFLOW, 3, 0x0005) + op(OVERFLOW, 3, 0x8002) +
                op(INTERIOR, 3, 0x0007) + op(SIZE, 3) + op(FREE, 3) + op(DOUBLE_FREE) +
                op(WRITE_AFTER_FREE, 0, 0x0300) + op(ALLOC, 3, arg) + op(ALLOC, 4, arg))
    return out


def realloc():
    return (b"".join(op(REALLOC, 5, a) for a in (0x000a, 0x4258, 0xa328, 0xcd4c, 0x8064, 1)) +
            op(CALLOC, 6, 0x412c) + op(CALLOC, 6, 0x0101))


def trace():
    out = op(TRACE, 0, 8)
    for i in range(6):
        out += op(ALLOC, i, TINY_40 + i) + op(REALLOC, i, 0x412c)
    return (out + op(OVERFLOW, 1, 3) + op(INTERIOR, 2, 5) + op(FREE, 1) + op(DOUBLE_FREE) +
            op(TRACE, 0, 2) + op(BURST, 16, 0x41) + op(BURST, 16, 0) + op(TRIM) + op(TRACE, 0, 1))


def irq_cross():
    """Blocks across the contexts: a handler frees process blocks (queued while process
    context runs fast paths), reallocs them, takes its own blocks, which process context
    sizes, reallocs into the heap and frees; bursts allocated in one context and freed in
    the other; trim in a handler. Steps 16 and 32 check the statistics in a handler right
    after its queued frees (a realloc's old block, then 16 of a burst)."""
    out = op(ALLOC, 0, TINY_40) + op(ALLOC, 1, LARGE_50K) + op(ALLOC, 4, SMALL_600)
    out += op(FREE, 0, irq=True) + op(FREE, 1, irq=True)          # queued
    out += op(ALLOC, 5, TINY_40) + op(FREE, 5) + op(ALLOC, 5, TINY_40)  # fast paths
    out += op(ALLOC, 2, SMALL_600, irq=True) + op(ALLOC, 3, HUGE, irq=True)
    out += op(CALLOC, 6, 0x412c, irq=True) + op(SIZE, 2) + op(SIZE, 4, irq=True)
    out += op(REALLOC, 2, LARGE_50K)                             # into the heap
    out += op(REALLOC, 4, 0x8064, irq=True)                      # process block: moves
    out += op(TRIM, irq=True)
    assert len(out) == 16 * 4
    out += op(SIZE, 3, irq=True)                                 # step 16: stats there
    out += op(REALLOC, 3, 0x000a, irq=True) + op(FREE, 6) + op(FREE, 3)
    out += op(BURST, 32, 0x0041, irq=True) + op(BURST, 32, 0)    # a handler's, freed here
    out += op(REALLOC, 7, 0x0021, irq=True) + op(REALLOC, 7, 1)  # from NULL, to 0
    out += op(ALLOC, 8, LARGE_50K) + op(FREE, 8, irq=True) + op(TRIM)
    out += op(BURST, 48, 0x41f5)
    while len(out) < 31 * 4:
        out += op(SIZE, 4)
    out += op(BURST, 48, 0, irq=True)                            # queued, 16 of them
    out += op(SIZE, 2, irq=True) + op(TRIM)                      # step 32
    return out


def irq_misuse():
    """Every misuse in a handler on a process block and on a handler's own, and in process
    context on a handler's block; double frees of queued blocks in both contexts; the
    handler's calls while heap.trace records."""
    out = b""
    for k, arg in enumerate((TINY_40, LARGE_50K)):
        out += (op(ALLOC, 3, arg) + op(OVERFLOW, 3, 0x0005, irq=True) +
                op(OVERFLOW, 3, 0x8002, irq=True) + op(INTERIOR, 3, 0x0007, irq=True) +
                op(FREE, 3, irq=True) + op(DOUBLE_FREE, 0, 2 * k, irq=True) +
                op(DOUBLE_FREE, 0, 2 * k) +
                op(ALLOC, 3, arg, irq=True) + op(OVERFLOW, 3, 0x0003) +
                op(OVERFLOW, 3, 0x8004, irq=True) + op(INTERIOR, 3, 0x0009) +
                op(INTERIOR, 3, 0x0002, irq=True) + op(FREE, 3) + op(DOUBLE_FREE, 0, 2 * k + 1) +
                op(DOUBLE_FREE, 0, 2 * k + 1, irq=True))
    out += op(TRACE, 0, 16)
    for i in range(4):
        out += op(ALLOC, i, TINY_40 + i, irq=bool(i & 1)) + op(REALLOC, i, 0x412c, irq=i < 2)
    return (out + op(FREE, 1, irq=True) + op(FREE, 2) + op(ALLOC, 1, TINY_40) +
            op(TRACE, 0, 2) + op(FREE, 0, irq=True) + op(FREE, 3) + op(TRACE, 0, 1))


SEEDS = {"bursts": bursts, "large-cycle": large_cycle, "misuse": misuse, "realloc": realloc,
         "trace": trace, "irq-cross": irq_cross, "irq-misuse": irq_misuse}


def main():
    seed_dir.write("heap", SEEDS)


if __name__ == "__main__":
    main()
