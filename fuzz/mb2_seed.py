#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes a valid Multiboot2 boot-information block (cmdline, loader name, basic meminfo,
# memory map, module, RGB framebuffer, ACPI RSDP, end tag) as the seed of the mb2 fuzzer.
import struct
import sys


def tag(t, body):
    raw = struct.pack("<II", t, 8 + len(body)) + body
    return raw + b"\0" * (-len(raw) % 8)


tags = tag(1, b"selftest console=serial\0")
tags += tag(2, b"GRUB 2.06\0")
tags += tag(4, struct.pack("<II", 639, 523264))
entries = [(0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0x100000, 0x1fee0000, 1),
           (0xfffc0000, 0x40000, 2), (0x100000000, 0x40000000, 1)]
tags += tag(6, struct.pack("<II", 24, 0) + b"".join(struct.pack("<QQII", b, l, t, 0) for b, l, t in entries))
tags += tag(3, struct.pack("<II", 0x400000, 0x401000) + b"initrd\0")
tags += tag(8, struct.pack("<QIIIBBH", 0xfd000000, 4096, 1024, 768, 32, 1, 0) + bytes([16, 8, 8, 8, 0, 8]))
tags += tag(14, b"RSD PTR " + bytes(12))
tags += tag(0, b"")
sys.stdout.buffer.write(struct.pack("<II", 8 + len(tags), 0) + tags)
