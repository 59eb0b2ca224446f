# SPDX-License-Identifier: MIT
"""An "installed GRUB" for legacy BIOS: a raw MBR hard disk as grub-install leaves it.

This file owns the BIOS half of issue 6's installed-GRUB path (esp.py owns the UEFI half and
the simulated distribution grub.cfg, which is reused here). SeaBIOS boots a raw disk image,
512-byte sectors:
  LBA 0          the MBR: GRUB's boot.img code, the disk signature, one partition entry, 0x55AA;
  LBA 1..        core.img (grub-mkimage -O i386-pc) in the gap before the first partition,
                 as grub-install embeds it; its load.cfg finds the partition by FAT serial
                 (search.fs_uuid) and sets $prefix to /boot/grub there;
  LBA 2048..     partition 1, FAT16 (mtools), active: /boot/grub/i386-pc/ (GRUB's modules,
                 which the menu entries' insmod lines load), /boot/grub/grub.cfg (esp.grub_cfg:
                 another system's entry, then iso/grub.d/42_lios's entries) and /boot/lios.elf.

Why the MBR and the gap are written here and not by grub-bios-setup: grub-bios-setup works on
a plain file given a device map ("(hd0) disk.img"), but it first guesses the root device from
the block device holding its -d directory, and fails when it cannot open that device (a
normal user cannot open /dev/sda; "guessing the root device failed"). What it writes when
embedding with --no-rs-codes is small and documented in GRUB's util/setup.c and
include/grub/i386/pc/boot.h, so install_boot_code() does the same: boot.img with the old
sector's BPB area and partition table, the drive-check jump turned into NOPs for a hard disk,
the boot drive 0xFF and the kernel sector (core.img's LBA), and core.img's first blocklist
(diskboot.img, last 12 bytes of its first sector) covering the rest of core.img. The result
was compared byte for byte with grub-bios-setup --no-rs-codes on the same image: identical.
(grub-install's default also appends Reed-Solomon redundancy to core.img in the gap; this
disk has none, as with --no-rs-codes.)
"""
import os
import struct
import subprocess

import esp

GRUB_PC_DIR = "/usr/lib/grub/i386-pc"      # Debian's grub-pc-bin
SECTOR = 512                               # GRUB_DISK_SECTOR_SIZE

# boot.img (GRUB include/grub/i386/pc/boot.h)
GRUB_BOOT_MACHINE_BPB_START = 0x3
GRUB_BOOT_MACHINE_BPB_END = 0x5a
GRUB_BOOT_MACHINE_KERNEL_SECTOR = 0x5c     # u64 LE: LBA of core.img's first sector
GRUB_BOOT_MACHINE_BOOT_DRIVE = 0x64        # 0xFF: use the drive the BIOS booted from (DL)
GRUB_BOOT_MACHINE_DRIVE_CHECK = 0x66       # 2-byte jmp skipping the "DL is a hard disk" fix
GRUB_BOOT_MACHINE_WINDOWS_NT_MAGIC = 0x1b8  # disk signature, then the partition table
GRUB_BOOT_MACHINE_PART_START = 0x1be
GRUB_BOOT_MACHINE_PART_END = 0x1fe
GRUB_BOOT_MACHINE_SIGNATURE = b"\x55\xaa"  # 0xaa55 little endian, at PART_END
X86_JMP_SHORT, X86_NOP = 0xeb, 0x90

# core.img: diskboot.img's blocklists (GRUB include/grub/offsets.h) grow down from the end
# of its first sector: struct grub_pc_bios_boot_blocklist { u64 start; u16 len; u16 segment; }.
GRUB_BOOT_MACHINE_LIST_SIZE = 12
BLOCKLIST = struct.Struct("<QHH")
GRUB_BOOT_I386_PC_KERNEL_SEG = 0x800       # the first sector loads at 0x800:0, the rest after it
# kernel.img follows diskboot.img; this field is 0xffff in a core.img of another version.
GRUB_KERNEL_I386_PC_NO_REED_SOLOMON_LENGTH = 0x14
# setup.c: core.img loads between GRUB_KERNEL_I386_PC_LINK_ADDR (0x9000) and 0x78000.
CORE_MAX_SECTORS = (0x78000 - 0x9000) // SECTOR

# The disk: partition 1 starts at 1 MiB as fdisk and parted align it, leaving the gap.
PART_START = 2048
PART_SECTORS = 32768                       # 16 MiB: FAT16 with 512-byte clusters
PART_TYPE_FAT16_LBA = 0x0e
MBR_ENTRY_SIZE = 16
PART_ACTIVE = 0x80
HEADS, SECTORS_PER_TRACK = 255, 63         # the CHS geometry of the partition entry
FAT_SERIAL = 0x4c10b105                    # volume serial; GRUB shows it as the fs UUID
DISK_SIGNATURE = 0x4c494f53
CORE_MODULES = ["biosdisk", "part_msdos", "fat", "search_fs_uuid"]


class BiosDiskError(Exception):
    pass


def chs(lba):
    """The 3-byte CHS address of 'lba' in a partition entry (head, sector | cylinder bits
    8-9, cylinder bits 0-7); beyond cylinder 1023 the conventional 1023/254/63."""
    c = lba // (HEADS * SECTORS_PER_TRACK)
    h = (lba // SECTORS_PER_TRACK) % HEADS
    s = lba % SECTORS_PER_TRACK + 1
    if c > 1023:
        c, h, s = 1023, 254, 63
    return bytes([h, s | ((c >> 2) & 0xc0), c & 0xff])


def partition_entry(start, count, ptype, active=True):
    """One MBR partition entry: status, CHS first, type, CHS last, LBA, sector count."""
    return (bytes([PART_ACTIVE if active else 0]) + chs(start) + bytes([ptype])
            + chs(start + count - 1) + struct.pack("<II", start, count))


def mbr(entries, disk_signature):
    """A 512-byte MBR without boot code: the disk signature, up to four partition entries
    (from partition_entry()), the 0x55AA signature."""
    if len(entries) > 4:
        raise BiosDiskError("an MBR holds 4 partition entries, not %d" % len(entries))
    sector = bytearray(SECTOR)
    struct.pack_into("<I", sector, GRUB_BOOT_MACHINE_WINDOWS_NT_MAGIC, disk_signature)
    for i, e in enumerate(entries):
        at = GRUB_BOOT_MACHINE_PART_START + MBR_ENTRY_SIZE * i
        sector[at:at + MBR_ENTRY_SIZE] = e
    sector[GRUB_BOOT_MACHINE_PART_END:] = GRUB_BOOT_MACHINE_SIGNATURE
    return bytes(sector)


def install_boot_code(old_mbr, boot_img, core_img, core_lba, gap_sectors):
    """What grub-bios-setup --no-rs-codes writes on a hard disk when it embeds core.img in
    sectors core_lba.. (gap_sectors long): returns (sector 0, core.img padded to whole
    sectors with its first blocklist set). old_mbr's BPB area and partition table are kept.
    Raises BiosDiskError for images that are not GRUB i386-pc's or do not fit."""
    if len(old_mbr) != SECTOR or len(boot_img) != SECTOR:
        raise BiosDiskError("the MBR and boot.img must be %d bytes" % SECTOR)
    if boot_img[GRUB_BOOT_MACHINE_PART_END:] != GRUB_BOOT_MACHINE_SIGNATURE \
            or boot_img[GRUB_BOOT_MACHINE_DRIVE_CHECK] != X86_JMP_SHORT:
        raise BiosDiskError("boot.img is not GRUB's i386-pc boot.img")
    nsec = -(-len(core_img) // SECTOR)
    if nsec < 2 or len(core_img) < SECTOR + GRUB_KERNEL_I386_PC_NO_REED_SOLOMON_LENGTH + 2:
        raise BiosDiskError("core.img is too small (%d bytes)" % len(core_img))
    if nsec > min(gap_sectors, CORE_MAX_SECTORS):
        raise BiosDiskError("core.img needs %d sectors, the gap has %d (GRUB loads at most %d)"
                            % (nsec, gap_sectors, CORE_MAX_SECTORS))
    no_rs, = struct.unpack_from("<H", core_img,
                                SECTOR + GRUB_KERNEL_I386_PC_NO_REED_SOLOMON_LENGTH)
    if no_rs == 0xffff:
        raise BiosDiskError("core.img version mismatch (not made by this GRUB's grub-mkimage)")

    boot = bytearray(boot_img)
    boot[GRUB_BOOT_MACHINE_BPB_START:GRUB_BOOT_MACHINE_BPB_END] = \
        old_mbr[GRUB_BOOT_MACHINE_BPB_START:GRUB_BOOT_MACHINE_BPB_END]
    # A hard disk: let boot.img force DL to 0x80 for BIOSes that pass 0 or 1 (setup.c).
    boot[GRUB_BOOT_MACHINE_DRIVE_CHECK:GRUB_BOOT_MACHINE_DRIVE_CHECK + 2] = bytes([X86_NOP] * 2)
    boot[GRUB_BOOT_MACHINE_WINDOWS_NT_MAGIC:GRUB_BOOT_MACHINE_PART_END] = \
        old_mbr[GRUB_BOOT_MACHINE_WINDOWS_NT_MAGIC:GRUB_BOOT_MACHINE_PART_END]
    boot[GRUB_BOOT_MACHINE_BOOT_DRIVE] = 0xff
    struct.pack_into("<Q", boot, GRUB_BOOT_MACHINE_KERNEL_SECTOR, core_lba)

    core = bytearray(core_img) + bytes(nsec * SECTOR - len(core_img))
    first = SECTOR - GRUB_BOOT_MACHINE_LIST_SIZE
    terminator = first - GRUB_BOOT_MACHINE_LIST_SIZE
    if BLOCKLIST.unpack_from(core, terminator)[1] != 0:
        raise BiosDiskError("core.img's blocklist has no free terminator slot")
    # One contiguous run: every sector after the first, loaded right after it.
    BLOCKLIST.pack_into(core, first, core_lba + 1, nsec - 1,
                        GRUB_BOOT_I386_PC_KERNEL_SEG + (SECTOR >> 4))
    return bytes(boot), bytes(core)


def _run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise BiosDiskError("%s failed (status %d): %s"
                            % (" ".join(cmd[:3]), r.returncode, r.stdout.strip()))


def grub_uuid(serial):
    """The FAT volume serial as GRUB (and grub-probe) prints the file system UUID."""
    return "%04x-%04x" % (serial >> 16, serial & 0xffff)


def make_fat_partition(path, dirs, copies):
    """Writes the FAT16 file system image of partition 1 to 'path' with mtools: 'dirs'
    created in order, then each (host files, ::/target) of 'copies' copied (one mcopy)."""
    with open(path, "wb") as f:
        f.truncate(PART_SECTORS * SECTOR)
    _run(["mformat", "-i", path, "-T", str(PART_SECTORS), "-h", str(HEADS), "-s",
          str(SECTORS_PER_TRACK), "-H", str(PART_START), "-N", "%08x" % FAT_SERIAL,
          "-v", "LIOSBOOT", "::"])
    _run(["mmd", "-i", path] + ["::" + d for d in dirs])
    for sources, target in copies:
        _run(["mcopy", "-i", path] + sources + ["::" + target])


def make_core_img(path, workdir):
    """grub-mkimage's core.img for this disk: the modules to reach the partition, and a
    load.cfg that finds it by UUID and sets $prefix, as grub-install writes it."""
    load_cfg = os.path.join(workdir, "load.cfg")
    with open(load_cfg, "w") as f:
        f.write("search.fs_uuid %s root\nset prefix=($root)/boot/grub\n" % grub_uuid(FAT_SERIAL))
    _run(["grub-mkimage", "-O", "i386-pc", "-d", GRUB_PC_DIR, "-c", load_cfg,
          "-p", "/boot/grub", "-o", path] + CORE_MODULES)


def make_bios_disk(path, elf, entries_script, default_entry):
    """Builds the disk image 'path' (its directory holds the intermediate files): GRUB
    installed in the MBR and the gap, partition 1 holding 'elf' as /boot/lios.elf and the
    grub.cfg of esp.grub_cfg(entries_script, default_entry). Raises BiosDiskError."""
    if not os.path.exists(elf):
        raise BiosDiskError("kernel %s does not exist" % elf)
    for name in ("boot.img", "moddep.lst"):
        if not os.path.exists(os.path.join(GRUB_PC_DIR, name)):
            raise BiosDiskError("%s/%s missing: install grub-pc-bin" % (GRUB_PC_DIR, name))
    work = os.path.dirname(os.path.abspath(path))
    cfg = os.path.join(work, "bios-grub.cfg")
    try:
        text = esp.grub_cfg(entries_script, default_entry)
    except esp.EspError as e:
        raise BiosDiskError(str(e))
    with open(cfg, "w") as f:
        f.write(text)
    modules = sorted(os.path.join(GRUB_PC_DIR, n) for n in os.listdir(GRUB_PC_DIR)
                     if n.endswith((".mod", ".lst")))
    part = os.path.join(work, "part1.img")
    make_fat_partition(part, ["/boot", "/boot/grub", "/boot/grub/i386-pc"],
                       [([elf], "/boot/lios.elf"), ([cfg], "/boot/grub/grub.cfg"),
                        (modules, "/boot/grub/i386-pc/")])
    core_path = os.path.join(work, "core.img")
    make_core_img(core_path, work)
    with open(os.path.join(GRUB_PC_DIR, "boot.img"), "rb") as f:
        boot_img = f.read()
    with open(core_path, "rb") as f:
        core_img = f.read()
    table = mbr([partition_entry(PART_START, PART_SECTORS, PART_TYPE_FAT16_LBA)], DISK_SIGNATURE)
    sector0, core = install_boot_code(table, boot_img, core_img, 1, PART_START - 1)
    with open(path, "wb") as out, open(part, "rb") as fat:
        out.write(sector0 + core)
        out.seek(PART_START * SECTOR)
        out.write(fat.read())
    os.unlink(part)
