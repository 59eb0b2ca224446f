#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The kernel's relocation table: where the image holds its own addresses.

    gen_relocs.py STAGE2.elf OUT.S      write the table (section .relocs) from a link made
                                        with --emit-relocs (-Wl,-q)
    gen_relocs.py --check A.elf B.elf   B is the same kernel linked for another physical
                                        address: A's segments with A's table applied must
                                        equal B's, byte for byte
    gen_relocs.py --self-check A.elf B.elf
                                        the same check with one table entry dropped: it must
                                        fail (the check can see a missing entry)
    gen_relocs.py --retarget IN OUT MIN [high]
                                        a copy of IN whose Multiboot2 relocatable tag asks
                                        GRUB for an address from MIN up (lowest first, or the
                                        highest with `high`): the tests' way to make GRUB load
                                        the image away from its link address

GRUB may load LiOS at any 2 MiB-aligned physical address its header allows (the Multiboot2
relocatable tag, header.S); the 32-bit and UEFI entries then add the difference to every
field listed here before anything uses an absolute address (entry.S, efi_entry.S). The
image runs at KERNEL_OFFSET + its physical address wherever that is, so the direct map of
DESIGN.md stays as it is: a move shifts physical and virtual addresses of the image alike.

Which fields: every absolute relocation (R_X86_64_64, _32, _32S) in an allocated section
whose symbol belongs to a section of the image. Its linked value must be an address inside
the image, physical or virtual (ends included, or up to 2 MiB past the end: GCC folds the
addition of a rounding up to 2 MiB into the field); anything else (an image symbol used to
compute a number) cannot be moved and stops the build, as does an absolute symbol whose
value lies inside the image (an address ld could not place), a relocation type not known
here, and a PC-relative one aimed at an absolute symbol. PC-relative fields between parts
of the image need nothing: both ends move together.

Table (little-endian u32): count of 32-bit fields, count of 64-bit fields, then the fields'
offsets from the image's first byte (physical), 32-bit ones first, each list ascending.
"""
import struct
import sys

KERNEL_OFFSET = 0xFFFFFFFF80000000
SHF_ALLOC = 0x2
SHT_SYMTAB = 2
SHT_RELA = 4
SHN_UNDEF = 0
SHN_ABS = 0xFFF1
PT_LOAD = 1
R_64, R_PC32, R_32, R_32S, R_PLT32 = 1, 2, 10, 11, 4
MB2_MAGIC = 0xE85250D6
MB2_TAG_RELOCATABLE = 10
MB2_SEARCH = 32768
# GCC folds the addition of ALIGN_UP(_kernel_phys_end, 2 MiB) into the field: end + 2 MiB - 1.
FOLD_SLACK = 0x200000


class Elf:
    """An ELF64 little-endian file: its section headers, segments and symbols."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        d = self.data
        if d[:4] != b"\x7fELF" or d[4] != 2 or d[5] != 1:
            sys.exit("gen_relocs: %s: not a little-endian ELF64 file" % path)
        (self.phoff, self.shoff) = struct.unpack_from("<QQ", d, 0x20)
        (self.phentsize, self.phnum, self.shentsize, self.shnum,
         self.shstrndx) = struct.unpack_from("<HHHHH", d, 0x36)
        self.sections = []
        for i in range(self.shnum):
            off = self.shoff + i * self.shentsize
            (name, typ, flags, addr, offset, size, link, info, align,
             entsize) = struct.unpack_from("<IIQQQQIIQQ", d, off)
            self.sections.append(dict(name=name, type=typ, flags=flags, addr=addr,
                                      offset=offset, size=size, link=link, info=info,
                                      entsize=entsize))
        strtab = self.sections[self.shstrndx]
        for s in self.sections:
            s["name"] = self.cstr(strtab["offset"] + s["name"])
        self.segments = []
        for i in range(self.phnum):
            (typ, _flags, offset, vaddr, paddr, filesz,
             memsz, _align) = struct.unpack_from("<IIQQQQQQ", d, self.phoff + i * self.phentsize)
            if typ == PT_LOAD:
                self.segments.append(dict(offset=offset, vaddr=vaddr, paddr=paddr,
                                          filesz=filesz, memsz=memsz))

    def cstr(self, off):
        return self.data[off:self.data.index(b"\0", off)].decode()

    def section(self, name):
        for s in self.sections:
            if s["name"] == name:
                return s
        sys.exit("gen_relocs: no section %s" % name)

    def symbols(self, symtab):
        strtab = self.sections[symtab["link"]]
        out = []
        for off in range(symtab["offset"], symtab["offset"] + symtab["size"], 24):
            name, _info, _other, shndx, value, _size = struct.unpack_from("<IBBHQQ", self.data, off)
            out.append((self.cstr(strtab["offset"] + name), shndx, value))
        return out

    def phys_of(self, vaddr):
        """Physical address of a loaded virtual address (through the segments)."""
        for g in self.segments:
            if g["vaddr"] <= vaddr < g["vaddr"] + g["memsz"]:
                return g["paddr"] + vaddr - g["vaddr"]
        return None

    def image_range(self):
        lo = min(g["paddr"] for g in self.segments)
        hi = max(g["paddr"] + g["memsz"] for g in self.segments)
        return lo, hi


def in_image(value, lo, hi, slack=0):
    """An address inside the image, physical or (higher half) virtual, ends included, or
    up to slack bytes past its end."""
    hi += slack
    return lo <= value <= hi or lo + KERNEL_OFFSET <= value <= hi + KERNEL_OFFSET


def collect(elf):
    """(offsets of 32-bit fields, offsets of 64-bit fields), or exit naming what is wrong."""
    lo, hi = elf.image_range()
    fields32, fields64, errors = [], [], []
    symtabs = {}
    for rs in elf.sections:
        if rs["type"] != SHT_RELA:
            continue
        target = elf.sections[rs["info"]]
        if not target["flags"] & SHF_ALLOC:
            continue  # debug information: not loaded
        if rs["link"] not in symtabs:
            symtabs[rs["link"]] = elf.symbols(elf.sections[rs["link"]])
        syms = symtabs[rs["link"]]
        for off in range(rs["offset"], rs["offset"] + rs["size"], 24):
            r_offset, r_info, addend = struct.unpack_from("<QQq", elf.data, off)
            rtype, sym = r_info & 0xFFFFFFFF, r_info >> 32
            name, shndx, value = syms[sym]
            where = "%s+%#x" % (target["name"], r_offset - target["addr"])
            what = "%s (%s)" % (name or "section", where)
            if rtype in (R_PC32, R_PLT32):
                if shndx == SHN_ABS:
                    errors.append("PC-relative reference to the absolute symbol " + what)
                continue
            if rtype not in (R_64, R_32, R_32S):
                errors.append("relocation type %d at %s" % (rtype, what))
                continue
            if shndx == SHN_UNDEF:
                errors.append("undefined symbol " + what)
                continue
            result = (value + addend) & 0xFFFFFFFFFFFFFFFF
            if shndx == SHN_ABS:
                if in_image(result, lo, hi):
                    errors.append("absolute symbol with an address inside the image: " + what)
                continue
            if not in_image(result, lo, hi, FOLD_SLACK):
                errors.append("%#x computed from an image symbol is not an image address: %s"
                              % (result, what))
                continue
            phys = elf.phys_of(r_offset)
            if phys is None:
                errors.append("field outside the loaded segments: " + what)
                continue
            (fields64 if rtype == R_64 else fields32).append(phys - lo)
    if errors:
        sys.exit("gen_relocs: cannot relocate the image:\n  " + "\n  ".join(errors[:20]))
    return sorted(fields32), sorted(fields64)


def write_table(fields32, fields64, out):
    with open(out, "w") as f:
        f.write("/* generated by tools/gen_relocs.py: the image's own addresses */\n")
        f.write('\t.section .relocs, "a"\n\t.balign 4\n')
        f.write("\t.long %d, %d\n" % (len(fields32), len(fields64)))
        allf = fields32 + fields64
        for i in range(0, len(allf), 8):
            f.write("\t.long " + ",".join("%#x" % x for x in allf[i:i + 8]) + "\n")


def loaded_bytes(elf, skip):
    """The image as loaded: bytearray from its lowest physical address, .bss zero."""
    lo, hi = elf.image_range()
    img = bytearray(hi - lo)
    for g in elf.segments:
        at = g["paddr"] - lo
        img[at:at + g["filesz"]] = elf.data[g["offset"]:g["offset"] + g["filesz"]]
    s = elf.section(skip)
    start = elf.phys_of(s["addr"]) - lo
    img[start:start + s["size"]] = bytes(s["size"])  # the table itself is not compared
    return img


def read_table(elf):
    s = elf.section(".relocs")
    n32, n64 = struct.unpack_from("<II", elf.data, s["offset"])
    offs = struct.unpack_from("<%dI" % (n32 + n64), elf.data, s["offset"] + 8)
    return list(offs[:n32]), list(offs[n32:])


def check(path_a, path_b, drop_one):
    a, b = Elf(path_a), Elf(path_b)
    delta = b.image_range()[0] - a.image_range()[0]
    if delta == 0:
        sys.exit("gen_relocs: %s and %s are linked for the same address" % (path_a, path_b))
    f32, f64 = read_table(a)
    if drop_one:
        f64 = f64[:-1] if f64 else f64
        f32 = f32 if f64 else f32[:-1]
    img = loaded_bytes(a, ".relocs")
    for off in f32:
        v = struct.unpack_from("<I", img, off)[0]
        struct.pack_into("<I", img, off, (v + delta) & 0xFFFFFFFF)
    for off in f64:
        v = struct.unpack_from("<Q", img, off)[0]
        struct.pack_into("<Q", img, off, (v + delta) & 0xFFFFFFFFFFFFFFFF)
    want = loaded_bytes(b, ".relocs")
    if len(img) != len(want):
        sys.exit("gen_relocs: the two links differ in size (%d, %d)" % (len(img), len(want)))
    diff = [i for i in range(len(img)) if img[i] != want[i]]
    if drop_one:
        if not diff:
            sys.exit("gen_relocs: a table without one entry still matched: the check is blind")
        print("gen_relocs: self-check: the dropped entry shows as %d bytes off" % len(diff))
        return
    if diff:
        lo = a.image_range()[0]
        sys.exit("gen_relocs: %d bytes differ after relocation by %#x, first at physical %#x"
                 % (len(diff), delta, lo + diff[0]))
    print("gen_relocs: %d + %d fields relocated by %#x: %s matches %s (%d bytes)"
          % (len(f32), len(f64), delta, path_a, path_b, len(img)))


def retarget(src, dst, min_addr, high):
    with open(src, "rb") as f:
        d = bytearray(f.read())
    for at in range(0, min(len(d), MB2_SEARCH) - 16, 8):
        magic, arch, length, csum = struct.unpack_from("<IIII", d, at)
        if magic == MB2_MAGIC and (magic + arch + length + csum) & 0xFFFFFFFF == 0:
            break
    else:
        sys.exit("gen_relocs: %s has no Multiboot2 header" % src)
    tag = at + 16
    while tag < at + length:
        typ, _flags, size = struct.unpack_from("<HHI", d, tag)
        if typ == MB2_TAG_RELOCATABLE:
            _lo, max_addr, align, _pref = struct.unpack_from("<IIII", d, tag + 8)
            if min_addr % align or min_addr >= max_addr:
                sys.exit("gen_relocs: %#x is not an aligned address below %#x" % (min_addr, max_addr))
            struct.pack_into("<II", d, tag + 8, min_addr, max_addr)
            struct.pack_into("<I", d, tag + 20, 2 if high else 1)
            with open(dst, "wb") as f:
                f.write(d)
            return
        if typ == 0:
            break
        tag += (size + 7) & ~7
    sys.exit("gen_relocs: %s has no relocatable tag: GRUB can only load it where it is linked" % src)


def main(argv):
    if len(argv) == 3 and not argv[1].startswith("--"):
        f32, f64 = collect(Elf(argv[1]))
        write_table(f32, f64, argv[2])
    elif len(argv) == 4 and argv[1] in ("--check", "--self-check"):
        check(argv[2], argv[3], argv[1] == "--self-check")
    elif len(argv) in (5, 6) and argv[1] == "--retarget" and argv[5:] in ([], ["high"]):
        retarget(argv[2], argv[3], int(argv[4], 0), argv[5:] == ["high"])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
