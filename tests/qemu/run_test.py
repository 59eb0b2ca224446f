#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""One QEMU test case for CTest: boot the test ISO with a profile, run the checks, and exit
0 (pass) or 1 (fail), printing every failure and the tail of the serial log.

This file owns the command line of the QEMU tests (tests/qemu/CMakeLists.txt is its only
caller); the keyboard scenarios of the shell tests are the package scenarios/, one module
per topic, registered by name (@scenario("NAME")), and --scenario takes its choices from
that registry. A run:
  1. boots (lios_qemu.Machine) with the profile given by --firmware/--memory/--cpu/
     --machine/--display/--smp/--qemu-arg and what GRUB passes (--cmdline, --gfxpayload),
     the serial log on COM1 or on the UART --serial-device names (with an SPCR table from
     --spcr-io);
  2. waits: with --ktap or --exit for QEMU to exit; with --loader-fails for the given
     time, the CPU never in long mode (GRUB failed before the kernel); otherwise for
     --ready (default: the shell prompt or "LiOS ready") on serial;
  3. optionally reads the screen (--screen vga|fb|auto) and checks --screen-expect lines,
     and runs a keyboard --scenario (scenarios.SCENARIOS[NAME]);
  4. checks the serial log: the contract's banner, console line and "LiOS ready" in
     this order (unless --no-contract), each --expect line anywhere, no PANIC line (unless
     --panic names the one expected) nor --forbid line, KTAP (every KTEST of src/ reported
     once), the exit status and the
     "mem:" line (--mem-min).
Logs: LOGDIR/NAME.log (serial), NAME.qemu.log (QEMU's command line and output),
NAME.screen.txt and NAME.png (screens).
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402
import lios_qemu  # noqa: E402
import qemu_cmdline  # noqa: E402
import scenarios  # noqa: E402
from scenarios.common import PROMPT, check_screen, read_screen  # noqa: E402

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src")


def source_ktests():
    """Every KTEST(suite, name) under src/: what a full self-test run must report."""
    texts = []
    for root, _, files in os.walk(SRC):
        for f in files:
            if f.endswith(".c"):
                with open(os.path.join(root, f), errors="replace") as fh:
                    texts.append(fh.read())
    return checks.ktest_names(texts)


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--name", required=True, help="test name; the logs are named after it")
    ap.add_argument("--iso", required=True)
    ap.add_argument("--logdir", required=True)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds for the whole run")
    ap.add_argument("--firmware", choices=lios_qemu.FIRMWARES, default="bios",
                    help="bios (SeaBIOS), uefi (OVMF), uefi32 (32-bit OVMF), uefi-sb "
                         "(OVMF, Secure Boot with Microsoft's keys)")
    ap.add_argument("--memory", default="512M")
    ap.add_argument("--cpu")
    ap.add_argument("--machine", help="default: pc, or q35,smm=on for the secure firmwares")
    ap.add_argument("--display", default="std", choices=sorted(lios_qemu.DISPLAYS))
    ap.add_argument("--smp", type=int)
    ap.add_argument("--media", choices=("cdrom", "usb", "esp", "bios-disk", "kernel"),
                    default="cdrom",
                    help="attach the ISO as a CD or as a USB stick, or boot an installed "
                         "GRUB on an EFI system partition or in a BIOS disk's MBR (needs "
                         "--elf, --grub-entries, --grub-default), or give --elf to QEMU's "
                         "-kernel (no Multiboot2 loader)")
    ap.add_argument("--elf", help="kernel for --media esp/bios-disk/kernel")
    ap.add_argument("--grub-entries",
                    help="script printing the menu entries (--media esp/bios-disk)")
    ap.add_argument("--grub-default", help="title of the entry to boot (--media esp/bios-disk)")
    ap.add_argument("--qemu-arg", action="append", default=[], help="one more QEMU argument")
    ap.add_argument("--cmdline", default="", help="kernel command line")
    ap.add_argument("--gfxpayload", help="GRUB gfxpayload: text, WxHxD, or '' (keep)")
    ap.add_argument("--grub-pre", action="append", default=[],
                    help="a GRUB command run before the menu (repeatable), to leave a device "
                         "as a firmware might")
    ap.add_argument("--ready", help="serial regex that ends the boot phase")
    ap.add_argument("--expect", action="append", help="serial regex, anywhere (repeatable)")
    ap.add_argument("--no-contract", action="store_true",
                    help="do not expect the contract's banner/console/ready lines")
    ap.add_argument("--forbid", action="append",
                    help="serial regex that must not appear, besides a PANIC line "
                         "(repeatable)")
    ap.add_argument("--panic", metavar="REGEX",
                    help="the test provokes a panic: a PANIC line must appear and every "
                         "PANIC line must match REGEX")
    ap.add_argument("--ktap", action="store_true", help="self-test run: KTAP + exit 33")
    ap.add_argument("--allow-skip", action="append", default=[], metavar="REGEX",
                    help="a self-test skip reason this machine may give although a working "
                         "machine does not (checks.SKIPS_NEED_ALLOWING; repeatable)")
    ap.add_argument("--mem-min", metavar="USABLE[:ABOVE4G]",
                    help="minimum MiB the 'mem:' line must count (usable, above 4 GiB)")
    ap.add_argument("--halts", type=float, metavar="SECONDS",
                    help="after --ready, QEMU must still be running SECONDS later")
    ap.add_argument("--exit", type=int, help="expected QEMU exit status")
    ap.add_argument("--screen", choices=("vga", "fb", "auto"),
                    help="decode the screen after boot (VGA text memory or screendump)")
    ap.add_argument("--screen-expect", action="append", default=[],
                    help="regex a decoded screen line must match, in order (repeatable)")
    ap.add_argument("--scenario", choices=sorted(scenarios.SCENARIOS),
                    help="keyboard scenario (tests/qemu/scenarios/)")
    ap.add_argument("--loader-fails", type=float, metavar="SECONDS",
                    help="the boot loader must fail: for SECONDS the CPU never reaches long "
                         "mode (the kernel's first step); QEMU may exit (a triple fault)")
    ap.add_argument("--no-serial", action="store_true",
                    help="no serial port (-serial none): wait for --screen-expect on the "
                         "screen instead of serial; serial checks are skipped")
    ap.add_argument("--serial-device", choices=sorted(qemu_cmdline.SERIAL_DEVICES),
                    help="no COM1 (-serial none): the serial log is read from this UART "
                         "instead (pci-serial; isa-serial-2f8, found only through --spcr-io)")
    ap.add_argument("--serial-input", action="store_true",
                    help="COM1 takes input too: scenarios may type on it (Machine.send_serial)")
    ap.add_argument("--spcr-io", type=lambda v: int(v, 0), metavar="PORT",
                    help="give the machine an ACPI SPCR table naming a 16550 at I/O PORT "
                         "(made at run time as LOGDIR/NAME.spcr, given with -acpitable)")
    ap.add_argument("--spcr-type", type=lambda v: int(v, 0), default=0, metavar="N",
                    help="the SPCR's interface type (default 0, a 16550)")
    args = ap.parse_args(argv)
    if args.serial_device and args.no_serial:
        ap.error("--serial-device and --no-serial contradict each other")
    if args.serial_input and (args.serial_device or args.no_serial):
        ap.error("--serial-input types on COM1: not with --serial-device or --no-serial")
    if args.screen_expect and not (args.screen or args.no_serial):
        ap.error("--screen-expect needs --screen (or --no-serial): it would check nothing")
    return args


EFER_LMA = 1 << 10  # IA32_EFER: long mode active


def check_loader_fails(m, args):
    """--loader-fails: GRUB must fail before the kernel runs. The kernel's 32-bit entry
    switches to long mode within milliseconds, so a CPU that is still not in long mode after
    the wait (or QEMU gone through a triple fault: -no-reboot, status 0) never ran it. The
    screen is kept as NAME.png when QEMU still runs."""
    if m.wait_exit(args.loader_fails) is not None:
        return [] if m.status == 0 else ["QEMU exited with status %s, not by a triple fault"
                                         % m.status]
    regs = m.qmp.command("human-monitor-command", **{"command-line": "info registers"})
    efer = re.search(r"\bEFER=([0-9a-fA-F]+)", regs)
    m.screendump(os.path.join(m.logdir, args.name))
    os.unlink(os.path.join(m.logdir, args.name + ".ppm"))
    if not efer:
        return ["cannot read EFER from QEMU's 'info registers'"]
    if int(efer.group(1), 16) & EFER_LMA:
        return ["the CPU is in long mode: the kernel ran (EFER=%s)" % efer.group(1)]
    return []


def uart_args(args):
    """The QEMU arguments of --serial-device and --spcr-io: the log's file chardev on the
    UART asked for (the harness reads the log from the same file as from COM1), and the
    SPCR table written to LOGDIR/NAME.spcr."""
    extra = []
    if args.serial_device:
        log = os.path.join(args.logdir, args.name + ".log")
        extra += qemu_cmdline.serial_device_args(args.serial_device, log)
    if args.spcr_io is not None:
        os.makedirs(args.logdir, exist_ok=True)
        path = os.path.join(args.logdir, args.name + ".spcr")
        with open(path, "wb") as f:
            f.write(qemu_cmdline.spcr_table(args.spcr_io, interface_type=args.spcr_type))
        extra += ["-acpitable", "file=" + path]
    return extra


def check_replayed_once(text):
    """A UART found late gets the log so far replayed: the banner must be there once, not
    lost and not sent twice."""
    n = sum(1 for ln in checks.log_lines(text) if re.match(checks.CONTRACT[0], ln))
    return [] if n == 1 else ["the banner appears %d times on the late UART, not once" % n]


def run(args):
    profile = lios_qemu.Profile(firmware=args.firmware, memory=args.memory, cpu=args.cpu,
                                machine=args.machine, display=args.display,
                                extra=args.qemu_arg + uart_args(args), cmdline=args.cmdline,
                                gfxpayload=args.gfxpayload, smp=args.smp,
                                media=args.media, elf=args.elf,
                                grub_entries=args.grub_entries,
                                grub_default=args.grub_default,
                                serial=not (args.no_serial or args.serial_device),
                                grub_pre=args.grub_pre, serial_input=args.serial_input)
    failures = []
    m = lios_qemu.Machine(args.name, profile, args.iso, args.logdir, args.timeout)
    try:
        m.start()
        if args.loader_fails:
            failures += check_loader_fails(m, args)
        elif args.no_serial:
            # Nothing on serial: the boot is done when the screen shows every line asked.
            failures += check_screen(m, args.screen or "auto", args.name, args.screen_expect,
                                     settle=m.remaining())
        elif args.ktap or args.exit is not None:
            if m.wait_exit() is None:
                failures.append("timeout: QEMU still running after %.0f s" % args.timeout)
        else:
            m.wait_for_serial(args.ready or r"^(%s|LiOS ready$)" % PROMPT)
            if args.scenario:
                m.wait_for_serial(r"^" + PROMPT)
                time.sleep(0.5)  # let the shell finish drawing its prompt
            if args.screen and args.screen_expect:
                failures += check_screen(m, args.screen, args.name, args.screen_expect)
            elif args.screen:  # only a record of the screen: NAME.png
                read_screen(m, args.screen, args.name)
            if args.scenario:
                failures += scenarios.SCENARIOS[args.scenario](m, args)
            if args.halts:
                if m.wait_exit(args.halts) is not None:
                    failures.append("QEMU exited (status %s): the machine should halt"
                                    % m.status)
    except lios_qemu.HarnessError as e:
        failures.append(str(e))
    finally:
        m.close()
    text = m.serial()
    if args.no_serial:
        return failures, m
    if not args.no_contract:
        failures += checks.check_expected(text, checks.CONTRACT)
        failures += checks.check_banner_first(text)
    if args.serial_device:
        failures += check_replayed_once(text)
    for pat in args.expect or []:
        failures += checks.check_expected(text, [pat])
    failures += checks.check_forbidden(text, args.forbid, args.panic)
    if args.ktap:
        failures += checks.check_ktap(text, allow_skips=args.allow_skip)
        failures += checks.check_ktest_names(text, source_ktests())
        failures += checks.check_selftest_exit(text, m.status)
    elif args.exit is not None:
        failures += checks.check_exit(m.status, args.exit)
    if args.mem_min:
        usable, _, above = args.mem_min.partition(":")
        failures += checks.check_mem_line(text, int(usable), int(above or 0))
    return failures, m


def main(argv):
    args = parse_args(argv)
    t0 = time.monotonic()
    failures, m = run(args)
    print("%s: %s in %.1f s (QEMU status %s); serial log %s"
          % (args.name, "FAIL" if failures else "PASS", time.monotonic() - t0,
             m.status, m.serial_log))
    for f in failures:
        print("  FAIL: " + f)
    if failures:
        tail = checks.log_lines(m.serial())[-40:]
        print("---- last %d serial lines ----" % len(tail))
        print("\n".join(tail))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
