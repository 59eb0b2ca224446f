#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The one place that builds LiOS's QEMU command line.

Used by the test harness (lios_qemu.Machine), the boot benchmark (bench/boot/bench_boot.py)
and, through the small command-line interface below, by ./lios run and ./lios debug. Every
LiOS machine gets: `-accel tcg` (LIOS_ACCEL=kvm: `-accel kvm`, with `-cpu host` unless a
CPU model is asked for), `-no-reboot` (a triple fault ends QEMU instead of looping),
isa-debug-exit on port 0xf4 (the self-tests' exit status), the boot medium on the first
IDE channel with boot index 0, a display device, and under UEFI OVMF's code read-only plus
a writable copy of its variable store. The caller adds its own serial, monitor and display
front-end arguments. QEMU binary: LIOS_QEMU, default qemu-system-x86_64. Standard library
only.

    qemu_cmdline.py [--uefi --vars FILE] [--mem SIZE] [--machine M] [--cpu C] [--smp N]
                    [--iso ISO] [-- EXTRA...]
prints the command line, one argument per line (bash: mapfile -t QEMU < <(...)); --vars
FILE receives a fresh copy of OVMF's variable store first.
"""
import argparse
import ctypes
import os
import shutil
import sys

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
# UEFI firmware images (Debian's ovmf and ovmf-ia32): (code, vars template, secure). A
# "secure" image is built with SMM: it needs q35 with smm=on and the flash marked secure.
#   uefi     OVMF, 64-bit UEFI, no Secure Boot
#   uefi32   OVMF32, 32-bit UEFI (Bay Trail tablets) on a 64-bit CPU; GRUB runs as i386-efi
#   uefi-sb  OVMF with Microsoft's keys enrolled and Secure Boot on (a PC as sold)
UEFI_FIRMWARES = {
    "uefi": (OVMF_CODE, OVMF_VARS, False),
    "uefi32": ("/usr/share/OVMF/OVMF32_CODE_4M.secboot.fd",
               "/usr/share/OVMF/OVMF32_VARS_4M.fd", True),
    "uefi-sb": ("/usr/share/OVMF/OVMF_CODE_4M.ms.fd", "/usr/share/OVMF/OVMF_VARS_4M.ms.fd",
                True),
}
FIRMWARES = ("bios",) + tuple(UEFI_FIRMWARES)
SECURE_FLASH_ARGS = ["-global", "driver=cfi.pflash01,property=secure,value=on"]
DEBUG_EXIT_ARGS = ["-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
DISPLAYS = {
    "std": ["-vga", "std"],
    "cirrus": ["-vga", "cirrus"],
    "none": ["-vga", "none"],
    "virtio-vga": ["-vga", "none", "-device", "virtio-vga"],
    "bochs-display": ["-vga", "none", "-device", "bochs-display"],
}
MEDIA = ("cdrom", "usb", "esp", "disk", "kernel")
# UARTs that can carry the serial log instead of COM1 (the caller then passes -serial none):
# a PCI 16550 function (what Intel AMT's Serial-over-LAN looks like), or a 16550 at COM2's
# port, which only an SPCR table (spcr_table) tells the kernel about.
SERIAL_DEVICES = {
    "pci-serial": "pci-serial,chardev=%s",
    "isa-serial-2f8": "isa-serial,iobase=0x2f8,irq=3,chardev=%s",
}


def media_args(media, path):
    """The boot medium as boot index 0: "cdrom" (an ISO on the first IDE channel), "usb"
    (the ISO as a USB stick on an xHCI controller, never written), "esp" (a directory shown
    as a FAT disk), "disk" (a raw hard-disk image) or "kernel" (an ELF given to QEMU's
    -kernel, which boots it through its PVH entry note, without a Multiboot2 loader)."""
    if media == "cdrom":
        return ["-drive", "file=%s,media=cdrom,if=none,id=cd,readonly=on" % path,
                "-device", "ide-cd,drive=cd,bus=ide.0,bootindex=0"]
    if media == "usb":
        return ["-drive", "file=%s,format=raw,if=none,id=stick,snapshot=on" % path,
                "-device", "qemu-xhci,id=xhci",
                "-device", "usb-storage,bus=xhci.0,drive=stick,bootindex=0"]
    if media == "esp":
        return ["-drive", "file=fat:rw:%s,format=raw,if=none,id=esp" % path,
                "-device", "ide-hd,drive=esp,bus=ide.0,bootindex=0"]
    if media == "disk":
        return ["-drive", "file=%s,format=raw,if=none,id=disk" % path,
                "-device", "ide-hd,drive=disk,bus=ide.0,bootindex=0"]
    if media == "kernel":
        return ["-kernel", path]
    raise ValueError("media must be one of %s, not %r" % (", ".join(MEDIA), media))


def serial_device_args(device, path, chardev="lioslog"):
    """The arguments that write the output of 'device' (a key of SERIAL_DEVICES) to the
    file path: a file chardev and the device on it."""
    if device not in SERIAL_DEVICES:
        raise ValueError("serial device must be one of %s, not %r"
                         % (", ".join(SERIAL_DEVICES), device))
    return ["-chardev", "file,id=%s,path=%s" % (chardev, path),
            "-device", SERIAL_DEVICES[device] % chardev]


def spcr_table(address, space=1, interface_type=0, bit_width=8, access_size=1, baud_code=7,
               revision=2):
    """The bytes of an SPCR table (Microsoft's Serial Port Console Redirection table,
    revision 2: 80 bytes) naming a UART at 'address' in GAS address space 'space' (1: I/O,
    0: memory) with the register width given, at baud rate code 'baud_code' (7: 115200),
    not a PCI device, checksum right: for QEMU's -acpitable file=."""
    t = bytearray(80)
    t[0:4] = b"SPCR"
    t[4:8] = len(t).to_bytes(4, "little")
    t[8] = revision
    t[10:16] = b"LIOSTS"
    t[16:24] = b"LIOSSPCR"
    t[24:28] = (1).to_bytes(4, "little")
    t[28:32] = b"LIOS"
    t[36] = interface_type
    t[40:44] = bytes([space, bit_width, 0, access_size])
    t[44:52] = address.to_bytes(8, "little")
    t[58] = baud_code
    t[60] = 1                                  # one stop bit
    t[64:68] = b"\xff\xff\xff\xff"             # PCI device and vendor ID: not PCI
    t[9] = (-sum(t)) & 0xff
    return bytes(t)


def fresh_vars(path, firmware="uefi"):
    """Copy the pristine variable store of 'firmware' (a key of UEFI_FIRMWARES) to path:
    one per UEFI run, the firmware writes it."""
    shutil.copyfile(UEFI_FIRMWARES[firmware][1], path)


def no_huge_pages():
    """preexec_fn for QEMU (the harness's and the benchmarks'): transparent huge pages off
    for it (prctl PR_SET_THP_DISABLE, inherited across exec). QEMU asks for huge pages on
    its memory (madvise), and with them nearly every boot here stalled about 4.6 ms once, at
    a different point each time: the measurement is in bench/boot/bench_boot.py. Without
    them a SeaBIOS boot reached the kernel in 699 ms instead of 732 and an OVMF one in 3.9 s
    instead of 4.1. Best effort: a kernel without the prctl leaves THP as it is."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(41, 1, 0, 0, 0)  # PR_SET_THP_DISABLE
    except (OSError, AttributeError):
        pass


def command_line(boot, memory="512M", firmware="bios", media="cdrom", machine="pc",
                 cpu=None, smp=None, display="std", vars_fd=None, extra=()):
    """The argument list for one LiOS machine booting 'boot' (see media_args). firmware:
    "bios" (SeaBIOS) or a key of UEFI_FIRMWARES (with vars_fd: a writable copy of its
    variable store, see fresh_vars; a secure image also needs machine "q35,smm=on");
    memory: -m; machine: -machine ("pc", "q35,i8042=off", ...); cpu: -cpu
    model or None; smp: CPU count or None; display: a key of DISPLAYS; extra: appended."""
    if firmware not in FIRMWARES:
        raise ValueError("firmware must be one of %s, not %r" % (", ".join(FIRMWARES), firmware))
    if display not in DISPLAYS:
        raise ValueError("unknown display %r (one of %s)" % (display, ", ".join(DISPLAYS)))
    args = [os.environ.get("LIOS_QEMU", "qemu-system-x86_64")]
    if os.environ.get("LIOS_ACCEL") == "kvm":
        args += ["-accel", "kvm"] + ([] if cpu else ["-cpu", "host"])
    else:
        args += ["-accel", "tcg"]
    args += ["-machine", machine, "-m", memory, "-no-reboot"] + DEBUG_EXIT_ARGS
    args += media_args(media, boot) + DISPLAYS[display]
    if cpu:
        args += ["-cpu", cpu]
    if smp:
        args += ["-smp", str(smp)]
    if firmware in UEFI_FIRMWARES:
        code, template, secure = UEFI_FIRMWARES[firmware]
        if not vars_fd:
            raise ValueError("firmware %s needs vars_fd (a copy of %s)" % (firmware, template))
        if secure:
            args += SECURE_FLASH_ARGS
        args += ["-drive", "if=pflash,format=raw,readonly=on,file=" + code,
                 "-drive", "if=pflash,format=raw,file=" + vars_fd]
    return args + list(extra)


def main(argv):
    ap = argparse.ArgumentParser(description="Print LiOS's QEMU command line, one argument "
                                 "per line.")
    ap.add_argument("--iso", default="build/lios.iso", help="the ISO to boot (default %(default)s)")
    ap.add_argument("--uefi", action="store_true", help="boot OVMF instead of SeaBIOS")
    ap.add_argument("--vars", help="with --uefi: where to put a fresh copy of OVMF's variables")
    ap.add_argument("--mem", default="512M", help="memory size (default %(default)s)")
    ap.add_argument("--machine", default="pc", help="QEMU machine (default %(default)s)")
    ap.add_argument("--cpu", help="CPU model (default QEMU's)")
    ap.add_argument("--smp", type=int, help="CPU count")
    ap.add_argument("extra", nargs="*", help="more QEMU arguments, after --")
    a = ap.parse_args(argv)
    if a.uefi and not a.vars:
        ap.error("--uefi needs --vars FILE")
    if a.uefi:
        fresh_vars(a.vars)
    try:
        args = command_line(a.iso, memory=a.mem, firmware="uefi" if a.uefi else "bios",
                            machine=a.machine, cpu=a.cpu, smp=a.smp, vars_fd=a.vars,
                            extra=a.extra)
    except ValueError as e:
        ap.error(str(e))
    sys.stdout.write("".join(x + "\n" for x in args))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
