#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Records the kernel's heap trace for bench_heap: boots the test ISO in QEMU with
`heap.trace`, lets it boot, types an interactive shell session on a USB keyboard, reads
the kernel's `heaptrace` dumps from serial and writes bench/heap/kernel_trace.txt.

The machine is a PC without an 8042: q35 (i8042=off) under OVMF (UEFI, a GOP framebuffer
console) with a qemu-xhci controller and a usb-kbd, so the console grid and scrollback,
the PCI functions, the xHCI controller and the USB device and HID objects are all in the
boot part. The boot part ends when the keyboard is ready (it comes after the prompt): the
first `heaptrace` is typed then. The session (SESSION below) is what a user does in a first
look at the machine: help, the memory and device listings, typing mistakes corrected with
Backspace, history recall with Up, Tab completion, long output through the pager, a
keyboard layout switch, the scrollback, a few self-test suites, the USB keyboard pulled out
and plugged in again, more than 64 distinct lines so the history ring drops its oldest. The last `heaptrace` ends it. tests/qemu/heaptrace.py checks the
dumps (every free names a live allocation, no event lost, the counts agree with the heap's
own counters) and fails loudly otherwise; nothing is written then.

    record_kernel_trace.py [--iso build/lios-test.iso] [--out bench/heap/kernel_trace.txt]
                           [--firmware uefi|bios] [--logdir build/test-logs]
Standard library only. Takes 1-2 minutes under TCG.
"""
import argparse
import collections
import datetime
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
import heaptrace  # noqa: E402
import lios_qemu  # noqa: E402
import screen  # noqa: E402

PROMPT = r"^lios> "
USB_READY = r"^kbd: usb \S+ [0-9a-f]{4}:[0-9a-f]{4} ready in"
QEMU_USB = ["-device", "qemu-xhci,id=xhci", "-device", "usb-kbd,id=kbd0,bus=xhci.0"]

# The session. A string is a line typed and Enter; ("text", s) is typed without Enter;
# ("keys", [...]) are qcodes pressed one after another ("ctrl+c": together); ("replug",)
# pulls the USB keyboard out and plugs it in again (QMP device_del, device_add).
SESSION = [
    "help", "mem", "mmap", "pci", "pci -v", "usb", "timer", "uptime", "cpu", "irq",
    "console", "kbd",
    ("text", "ehco hello"), ("keys", ["backspace"] * 10), "echo hello",  # a typo, erased
    ("keys", ["up", "up", "ret"]),                                      # kbd again
    ("text", "sel"), ("keys", ["tab"]), ("text", "con"), ("keys", ["tab", "ret"]),
    ("text", "kbd "), ("keys", ["tab", "tab", "ctrl+c"]),               # list, drop
    "dmesg", "mem",
    "kbd de", "echo layout de", "kbd us",
    ("text", "pci -vv"), ("keys", ["backspace"]), ("keys", ["ret"]),
    "selftest pci", "selftest kbd", "selftest cpu", "uptime", "frobnicate",
    ("keys", ["up", "home"]), ("text", "echo "), ("keys", ["ret"]),      # echo frobnicate
    ("keys", ["shift+pgup", "shift+pgup", "shift+pgdn", "end"]),        # scrollback
    "mmap", "timer", "selftest usb", ("replug",), "usb", "mem",
] + ["echo note %d: %s" % (i, w) for i, w in enumerate(
    "the quick brown fox jumps over the lazy dog while the kernel counts its heap calls "
    "one by one and the shell keeps the last sixty four lines of history in a ring".split())
] + ["help", "uptime", "mem"]


def git(*args):
    r = subprocess.run(["git", "-C", ROOT] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True)
    return r.stdout.strip() if r.returncode == 0 else "unknown"


def wait_prompt(m, start, name):
    """Waits for the prompt after serial offset 'start'; a screen stopped at -- more --
    gets Space twice, then q (the serial log has the whole output at once)."""
    spaces = 0
    while True:
        try:
            return m.wait_for_serial(PROMPT, 3.0, start)
        except lios_qemu.HarnessError:
            if m.poll() is not None or m.remaining() < 5:
                raise
        img = m.screendump(os.path.join(m.logdir, name + ".pager"))
        rows = [r for r in screen.decode_framebuffer(img) if r.strip()]
        if rows and rows[-1].strip() == "-- more --":
            m.send_key(["spc"] if spaces < 2 else ["q"])
            spaces += 1


def dump(m, name):
    """Types heaptrace and waits for its screen line; returns the serial log."""
    start = len(m.serial())
    m.send_keys("heaptrace\n")
    m.wait_for_serial(r"^heaptrace: \d+ events on serial", 60.0, start)
    wait_prompt(m, start, name)
    return m.serial()


def session(m, name):
    """Types SESSION; waits for the prompt after each line that ends with Enter or Ctrl-C."""
    for step in SESSION:
        start = len(m.serial())
        if isinstance(step, str):
            m.send_keys(step + "\n")
        elif step[0] == "replug":
            m.qmp.command("device_del", id="kbd0")
            m.wait_for_serial(r"^kbd: usb \S+ removed$", 30.0, start)
            m.qmp.command("device_add", driver="usb-kbd", id="kbd0", bus="xhci.0")
            m.wait_for_serial(USB_READY, 30.0, start)
            time.sleep(0.5)
            continue
        elif step[0] == "text":
            m.send_keys(step[1])
            continue
        else:
            for k in step[1]:
                m.send_key(k.split("+"))
            if step[1][-1] not in ("ret", "ctrl+c"):
                continue
        wait_prompt(m, start, name)
        time.sleep(0.2)


def shape(t):
    """Lines describing the trace: counts, distinct sizes, peak live, a size histogram."""
    evs = [(name, e) for name, s in t.sections for e in s]
    kinds = collections.Counter(e[0] for _, e in evs)
    sizes = t.sizes()
    hist = collections.Counter(max(16, 1 << (s - 1).bit_length()) for s in sizes)
    per = ", ".join("%s %d" % (n, len(s)) for n, s in t.sections)
    out = ["%d events (%s): %d allocations, %d frees, %d resizes"
           % (len(evs), per, kinds["+"], kinds["-"], kinds["~"]),
           "%d distinct sizes, %d-%d bytes; peak live %d bytes in at most %d objects; "
           "%d live at the end" % (len(set(sizes)), min(sizes), max(sizes), t.peak_bytes,
                                   t.peak_live, len(t.live)),
           "sizes (up to a power of two: count): " + ", ".join(
               "%d: %d" % (k, hist[k]) for k in sorted(hist))]
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iso", default=os.path.join(ROOT, "build", "lios-test.iso"))
    ap.add_argument("--out", default=os.path.join(HERE, "kernel_trace.txt"))
    ap.add_argument("--firmware", default="uefi", choices=("uefi", "bios"))
    ap.add_argument("--logdir", default=os.path.join(ROOT, "build", "test-logs"))
    ap.add_argument("--timeout", type=float, default=600.0)
    args = ap.parse_args(argv)
    name = "record_kernel_trace"
    profile = lios_qemu.Profile(firmware=args.firmware, machine="q35,i8042=off",
                                extra=QEMU_USB, cmdline="heap.trace")
    m = lios_qemu.Machine(name, profile, args.iso, args.logdir, args.timeout)
    try:
        m.start()
        m.wait_for_serial(PROMPT)
        m.wait_for_serial(USB_READY)
        time.sleep(1.0)
        dump(m, name)
        session(m, name)
        text = dump(m, name)
    except lios_qemu.HarnessError as e:
        print("record_kernel_trace: %s (serial log %s)" % (e, m.serial_log), file=sys.stderr)
        return 1
    finally:
        m.close()
    try:
        t = heaptrace.from_log(text, ["boot", "session"])
    except heaptrace.TraceError as e:
        print("record_kernel_trace: the trace does not hold together: %s (serial log %s)"
              % (e, m.serial_log), file=sys.stderr)
        return 1
    if len(t.sections) != 2 or not t.sections[1][1]:
        print("record_kernel_trace: no session events", file=sys.stderr)
        return 1
    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--", "src",
                                                 "include") else ""
    header = ["The LiOS kernel's heap calls, recorded: replayed by bench_heap's kernel_trace",
              "(bench/heap/kernel_trace.c). Format: tests/qemu/heaptrace.py.",
              "Recorded %s UTC by bench/heap/record_kernel_trace.py from commit %s%s."
              % (datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), git("rev-parse",
                                                                             "HEAD"), dirty),
              "Machine: QEMU q35,i8042=off, %s, 512 MiB, qemu-xhci + usb-kbd, kernel "
              "command line 'heap.trace'." % ("OVMF" if args.firmware == "uefi" else "SeaBIOS"),
              "boot: heap_init until the USB keyboard is ready (after the prompt);",
              "session: %d steps typed on the USB keyboard (record_kernel_trace.py SESSION)."
              % len(SESSION), ""] + shape(t)
    t.write(args.out, header)
    print("record_kernel_trace: wrote %s" % args.out)
    print("\n".join(shape(t)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
