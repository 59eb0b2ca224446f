#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Clock calibration benchmark (issue 11), run by ./lios bench beside bench_boot.py. Prints
one BENCH line (format: bench/CMakeLists.txt):

time.calibration_error  |calibrated TSC frequency / the TSC frequency measured against the
                        second reference in the same boot - 1|, goal <= 0.01 (1.00 +- 0.01).
                        From the serial log's "timer: <source> <Hz> Hz: TSC <Hz> Hz over ..."
                        lines (the first is the calibration, the second the cross-check):
                        SeaBIOS pc has an HPET and a PM timer, pc,hpet=off a PM timer and the
                        PIT; median, min and max over every boot.

    bench_time.py ISO [--runs N]
"""
import argparse
import os
import re
import selectors
import statistics
import subprocess
import sys
import time

MEASURE = re.compile(r"^timer: (.+?) (\d+) Hz: TSC (\d+) Hz over (\d+) us")


def boot_log(iso, machine, timeout=60.0):
    """Boots ISO under SeaBIOS on 'machine' until "LiOS ready"; returns the serial lines."""
    cmd = ["qemu-system-x86_64", "-accel", "tcg", "-machine", machine, "-m", "256M",
           "-display", "none", "-no-reboot", "-cdrom", iso, "-serial", "stdio",
           "-monitor", "none"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    start, buf, lines = time.monotonic(), b"", []
    try:
        while time.monotonic() - start < timeout:
            if not sel.select(timeout=0.5):
                continue
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                lines.append(line.decode("latin-1").strip())
            if "LiOS ready" in lines:
                break
    finally:
        proc.kill()
        proc.wait()
    return lines


def calibration_error(lines):
    """|first TSC measurement / second - 1| from one boot's log, or None without two."""
    tsc = [int(m.group(3)) for m in map(MEASURE.match, lines) if m]
    if len(tsc) < 2:
        return None
    return abs(tsc[0] / tsc[1] - 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("iso")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    errors = []
    for _ in range(args.runs):
        for machine in ("pc", "pc,hpet=off"):
            e = calibration_error(boot_log(args.iso, machine))
            if e is None:
                print("bench_time: no two TSC measurements in the %s boot log" % machine,
                      file=sys.stderr)
                continue
            errors.append(e)
    if not errors:
        sys.exit("bench_time: no boot gave two measurements")
    print("BENCH time.calibration_error %.5f <= 0.01 %.5f %.5f %d" %
          (statistics.median(errors), min(errors), max(errors), len(errors)))


if __name__ == "__main__":
    main()
