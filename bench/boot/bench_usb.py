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
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "qemu"))
import qemu_cmdline  # noqa: E402  (the one QEMU command line, tests/qemu/qemu_cmdline.py)

READY = re.compile(r"^kbd: usb \S+ [0-9a-f]{4}:[0-9a-f]{4} ready in (\d+) ms", re.MULTILINE)


def usb_enum_ms(iso, timeout=180.0):
    """Boots ISO under OVMF with only a USB keyboard; returns the kernel's enumeration ms."""
    with tempfile.TemporaryDirectory() as tmp:
        vars_fd, log = os.path.join(tmp, "vars.fd"), os.path.join(tmp, "serial.log")
        qemu_cmdline.fresh_vars(vars_fd)
        cmd = qemu_cmdline.command_line(
            iso, firmware="uefi", machine="q35,i8042=off", vars_fd=vars_fd,
            extra=["-display", "none", "-monitor", "none", "-serial", "file:" + log,
                   "-device", "qemu-xhci", "-device", "usb-kbd"])
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, preexec_fn=qemu_cmdline.no_huge_pages)
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
    print("BENCH usb.enum_ms %d report %d %d %d" % (statistics.median(ms), min(ms), max(ms), len(ms)))


if __name__ == "__main__":
    main()
