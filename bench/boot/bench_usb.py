#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""USB benchmark (issue 12), a function for ./lios bench to call; prints a BENCH line.

usb.enum_ms  milliseconds from the xHCI takeover to the USB keyboard ready, on q35 without
             an 8042 under OVMF with a qemu-xhci and a usb-kbd: the kernel's own TSC-based
             figure from its "kbd: usb <port> <vid:pid> ready in N ms" line. Report only
             (includes the 100 ms connect debounce and 10 ms reset recovery USB 2.0 asks for).

    bench_usb.py ISO [--runs N]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
READY = re.compile(r"^kbd: usb \S+ [0-9a-f]{4}:[0-9a-f]{4} ready in (\d+) ms", re.MULTILINE)


def usb_enum_ms(iso, timeout=180.0):
    """Boots ISO under OVMF with only a USB keyboard; returns the kernel's enumeration ms."""
    with tempfile.TemporaryDirectory() as tmp:
        vars_fd, log = os.path.join(tmp, "vars.fd"), os.path.join(tmp, "serial.log")
        shutil.copyfile(OVMF_VARS, vars_fd)
        cmd = ["qemu-system-x86_64", "-accel", "tcg", "-machine", "q35,i8042=off", "-m", "512M",
               "-display", "none", "-no-reboot", "-monitor", "none", "-serial", "file:" + log,
               "-drive", "if=pflash,format=raw,readonly=on,file=" + OVMF_CODE,
               "-drive", "if=pflash,format=raw,file=" + vars_fd,
               "-device", "qemu-xhci", "-device", "usb-kbd", "-cdrom", iso]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL)
        start = time.monotonic()
        try:
            while time.monotonic() - start < timeout:
                time.sleep(0.5)
                if os.path.exists(log):
                    with open(log, encoding="latin-1") as f:
                        m = READY.search(f.read())
                    if m:
                        return int(m.group(1))
        finally:
            proc.kill()
            proc.wait()
    sys.exit("bench_usb: no 'kbd: usb ... ready' line within %.0f s" % timeout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("iso")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    ms = [usb_enum_ms(args.iso) for _ in range(args.runs)]
    print("BENCH usb.enum_ms %d report" % statistics.median(ms))


if __name__ == "__main__":
    main()
