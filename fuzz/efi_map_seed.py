#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the seeds of fuzz_efi_map (fuzz/efi_map_fuzz.c says how an input is read) into the
# folder given: an OVMF-like EFI map (48-byte descriptors, the types OVMF hands over, some
# neighbours of one Multiboot2 type), with GRUB's tags as x86_64-efi leaves them or a clean
# command line, and GOP modes in BGR, RGB and bit-mask formats.
import os
import struct
import sys


def tag(t, body):
    raw = struct.pack("<II", t, 8 + len(body)) + body
    return raw + b"\0" * (-len(raw) % 8)


def mode(w, h, fmt, masks=(0, 0, 0, 0), ppsl=None):
    return struct.pack("<IIIIIIIII", 0, w, h, fmt, *masks, ppsl or w)


def descriptor(t, start, pages, dsize):
    d = struct.pack("<IIQQQQ", t, 0, start, 0, pages, 0xf)
    return d + b"\0" * (dsize - len(d))


# (EFI type, start, pages): loader/boot-services/conventional (free), ACPI, NVS, MMIO, runtime
OVMF = [(7, 0, 0xa0), (2, 0x100000, 0x700), (7, 0x800000, 0x8), (10, 0x808000, 0x8),
        (7, 0x810000, 0xf0), (4, 0x900000, 0x100), (3, 0xa00000, 0x20), (9, 0x7b000000, 0x10),
        (5, 0x7f000000, 0x80), (6, 0x7f080000, 0x100), (11, 0xffc00000, 0x400),
        (7, 0x100000000, 0x40000)]


def seed(flags, dsize, grub, gop, entries):
    hdr = struct.pack("<BBH", flags, dsize, len(grub)) + gop
    return hdr + grub + b"".join(descriptor(t, s, p, dsize) for t, s, p in entries)


grub = tag(1, b"selftest console.mode=1024x768\0") + tag(2, b"GRUB 2.06\0")
grub += tag(4, struct.pack("<II", 639, 2096128))
grub += tag(6, struct.pack("<II", 24, 0) + struct.pack("<QQII", 0, 0xa0000, 1, 0))
grub += tag(8, struct.pack("<QIIIBBH", 0x80000000, 5120, 1280, 800, 32, 1, 0) +
            bytes([16, 8, 8, 8, 0, 8]))
grub += tag(12, struct.pack("<Q", 0x7fbee018)) + tag(20, struct.pack("<Q", 0x7e1c3a98))
grub += tag(17, struct.pack("<II", 48, 1) + descriptor(7, 0, 0xa0, 48)) + tag(18, b"")
grub += tag(14, b"RSD PTR " + bytes(12)) + tag(0, b"")
grub = grub[:-8]  # the harness's total_size covers the raw bytes: keep the end tag in them
grub += tag(0, b"")

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
seeds = {
    "ovmf-grub-bgr": seed(1, 48, grub, mode(1280, 800, 1), OVMF),
    "ovmf-clean-rgb": seed(3, 48, b"selftest console.mode=800x600", mode(800, 600, 0, ppsl=832),
                           OVMF),
    "bitmask-odd-dsize": seed(1, 57, grub[:64], mode(1024, 768, 2, (0xf800, 0x7e0, 0x1f, 0)),
                              OVMF[:6]),
}
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
