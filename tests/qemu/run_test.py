#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""One QEMU test case for CTest: boot the test ISO with a profile, run the checks, and exit
0 (pass) or 1 (fail), printing every failure and the tail of the serial log.

This file owns the command line of the QEMU tests (tests/qemu/CMakeLists.txt is its only
caller) and the keyboard scenarios of the shell tests. A run:
  1. boots (lios_qemu.Machine) with the profile given by --firmware/--memory/--cpu/
     --machine/--display/--smp/--qemu-arg and what GRUB passes (--cmdline, --gfxpayload);
  2. waits: with --ktap or --exit for QEMU to exit; with --loader-fails for the given
     time, the CPU never in long mode (GRUB failed before the kernel); otherwise for
     --ready (default: the shell prompt or "LiOS ready") on serial;
  3. optionally reads the screen (--screen vga|fb|auto) and checks --screen-expect lines,
     and runs a keyboard --scenario;
  4. checks the serial log: the contract's banner, console line and "LiOS ready" in
     this order (unless --no-contract), each --expect line anywhere, --forbid lines
     (default PANIC), KTAP, the exit status and the "mem:" line (--mem-min).
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
import heaptrace  # noqa: E402
import lios_qemu  # noqa: E402
import screen  # noqa: E402

CONTRACT = [r"^LiOS [0-9]", r"^console: ", r"^LiOS ready$"]  # in this order
PROMPT = r"lios> "


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
    ap.add_argument("--media", choices=("cdrom", "usb", "esp", "bios-disk"), default="cdrom",
                    help="attach the ISO as a CD or as a USB stick, or boot an installed "
                         "GRUB on an EFI system partition or in a BIOS disk's MBR (needs "
                         "--elf, --grub-entries, --grub-default)")
    ap.add_argument("--elf", help="kernel for --media esp/bios-disk")
    ap.add_argument("--grub-entries",
                    help="script printing the menu entries (--media esp/bios-disk)")
    ap.add_argument("--grub-default", help="title of the entry to boot (--media esp/bios-disk)")
    ap.add_argument("--qemu-arg", action="append", default=[], help="one more QEMU argument")
    ap.add_argument("--cmdline", default="", help="kernel command line")
    ap.add_argument("--gfxpayload", help="GRUB gfxpayload: text, WxHxD, or '' (keep)")
    ap.add_argument("--ready", help="serial regex that ends the boot phase")
    ap.add_argument("--expect", action="append", help="serial regex, anywhere (repeatable)")
    ap.add_argument("--no-contract", action="store_true",
                    help="do not expect the contract's banner/console/ready lines")
    ap.add_argument("--forbid", action="append", help="serial regex that must not appear")
    ap.add_argument("--ktap", action="store_true", help="self-test run: KTAP + exit 33")
    ap.add_argument("--mem-min", metavar="USABLE[:ABOVE4G]",
                    help="minimum MiB the 'mem:' line must count (usable, above 4 GiB)")
    ap.add_argument("--halts", type=float, metavar="SECONDS",
                    help="after --ready, QEMU must still be running SECONDS later")
    ap.add_argument("--exit", type=int, help="expected QEMU exit status")
    ap.add_argument("--screen", choices=("vga", "fb", "auto"),
                    help="decode the screen after boot (VGA text memory or screendump)")
    ap.add_argument("--screen-expect", action="append", default=[],
                    help="regex a decoded screen line must match, in order (repeatable)")
    ap.add_argument("--scenario", choices=sorted(SCENARIOS), help="keyboard scenario")
    ap.add_argument("--loader-fails", type=float, metavar="SECONDS",
                    help="the boot loader must fail: for SECONDS the CPU never reaches long "
                         "mode (the kernel's first step); QEMU may exit (a triple fault)")
    ap.add_argument("--no-serial", action="store_true",
                    help="no serial port (-serial none): wait for --screen-expect on the "
                         "screen instead of serial; serial checks are skipped")
    return ap.parse_args(argv)


def read_screen(m, mode, name):
    """Returns the decoded screen lines; keeps NAME.png and NAME.screen.txt."""
    base = os.path.join(m.logdir, name)
    if mode == "auto":
        con = re.search(r"^console: (\S+)", m.serial(), re.MULTILINE)
        mode = "vga" if con and con.group(1).startswith("vga") else "fb"
    img = m.screendump(base)
    if mode == "vga":
        lines = m.vga_text()
    else:
        lines = screen.decode_framebuffer(img)
    os.unlink(base + ".ppm")
    with open(base + ".screen.txt", "w") as f:
        f.write("# %s, screendump %dx%d\n" % (mode, img.width, img.height))
        f.write("\n".join(lines) + "\n")
    return lines


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


def check_screen(m, mode, name, patterns, settle=8.0):
    """Reads the screen until 'patterns' all match (the console may lag behind serial),
    at most 'settle' seconds. Returns the failures of the last attempt."""
    deadline = time.monotonic() + min(settle, m.remaining())
    patterns = [p.rstrip(" ") for p in patterns]  # decoded lines have no trailing blanks
    while True:
        lines = read_screen(m, mode, name)
        failures = checks.check_expected("\n".join(lines), patterns)
        if not failures or time.monotonic() > deadline:
            return ["screen: " + f for f in failures]
        time.sleep(1.0)


# Keyboard scenarios: each types into the shell after the prompt and returns failures.
# 'start' is the serial offset after which the answer must appear.

def _answer(m, regex, timeout=15.0):
    start = len(m.serial())
    return lambda: m.wait_for_serial(regex, timeout, start)


def scenario_echo(m, args):
    wait = _answer(m, r"^Hello, World!$")
    m.send_keys("echo Hello, World!\n")
    wait()
    return check_screen(m, args.screen or "auto", args.name, [r"echo Hello, World!$",
                                                             r"^Hello, World!$"])


def scenario_edit(m, args):
    # "echo Hellx" Backspace "o Wrld" Left Left Left "o" Enter -> "Hello World"
    wait = _answer(m, r"^Hello World$")
    m.send_keys("echo Hellx")
    m.send_key(["backspace"])
    m.send_keys("o Wrld")
    for _ in range(3):
        m.send_key(["left"])
    m.send_keys("o\n")
    wait()
    return check_screen(m, args.screen or "auto", args.name, [r"^Hello World$"])


def scenario_history(m, args):
    # "echo again" Enter, then Up Enter recalls and runs it a second time.
    wait = _answer(m, r"^again$")
    m.send_keys("echo again\n")
    wait()
    start = len(m.serial())
    m.send_key(["up"])
    m.send_key(["ret"])
    m.wait_for_serial(r"^again$", 15.0, start)
    return []


def scenario_mem(m, args):
    wait = _answer(m, r"(?i)^.*(frames|heap|vmalloc).*\d")
    m.send_keys("mem\n")
    wait()
    return []


def scenario_pci(m, args):
    # `pci` lists QEMU's host bridge first: i440FX on pc, the Q35 MCH on q35.
    bridge = r"^00:00\.0 8086:(1237|29c0) 060000 host bridge +-$"
    wait = _answer(m, r"^pci: \d+ functions, configuration space through (ECAM|ports)$")
    m.send_keys("pci\n")
    wait()
    failures = checks.check_expected(m.serial(), [bridge])
    return failures + check_screen(m, args.screen or "auto", args.name, [bridge])


def scenario_unknown(m, args):
    wait = _answer(m, r"^unknown command: frobnicate")
    m.send_keys("frobnicate\n")
    wait()
    return check_screen(m, args.screen or "auto", args.name, [r"unknown command: frobnicate"])


def scenario_reboot(m, args):
    m.send_keys("reboot\n")
    status = m.wait_exit(30.0)
    # -no-reboot turns the reset into an exit with status 0.
    return checks.check_exit(status, 0)


def scenario_poweroff(m, args):
    # ACPI S5 from the shell: QEMU (started without -no-shutdown) exits with status 0 on
    # its own, and the kernel said it was entering S5 (a reset would exit 0 as well under
    # -no-reboot: the serial line tells them apart).
    m.send_keys("poweroff\n")
    status = m.wait_exit(30.0)
    failures = checks.check_exit(status, 0)
    failures += checks.check_expected(m.serial(), [r"^acpi: S5 SLP_TYP \d/\d ", r"^poweroff: ACPI S5 \(SLP_TYP \d/\d\)$"])
    return failures + checks.check_forbidden(m.serial(), [r"^reboot: "])


def scenario_poweroff_halts(m, args):
    # No ACPI S5 (acpi=off): the message, then a halt; QEMU keeps running.
    wait = _answer(m, r"^poweroff: cannot power off this machine; halting", 15.0)
    m.send_keys("poweroff\n")
    wait()
    failures = checks.check_expected(m.serial(), [r"^poweroff: ACPI S5 unavailable: no ACPI tables$"])
    if m.wait_exit(3.0) is not None:
        failures.append("QEMU exited (status %s) after poweroff without S5: it must halt" % m.status)
    return failures


def scenario_panic(m, args):
    # "panic": the panic screen must be readable on the screen itself (reason, backtrace
    # with names, firmware/console/memory summary), and the machine halts, never reboots.
    wait = _answer(m, r"^System halted", 20.0)
    m.send_keys("panic\n")
    wait()
    failures = check_screen(m, args.screen or "auto", args.name,
                            [r"PANIC: requested from the shell", r"^RSP [0-9a-f]{16} RBP",
                             r"^CR0 [0-9a-f]{16}", r"^Backtrace:", r"cmd_panic\+0x",
                             r"^firmware (BIOS|UEFI)", r"^console ", r"^memory [0-9.]+ [KMGTPE]?i?B free",
                             r"^System halted"])
    if m.wait_exit(3.0) is not None:
        failures.append("QEMU exited (status %s) after the panic: it must halt" % m.status)
    return failures


def scenario_scroll(m, args):
    # "help" four times: far more output than the screen has rows, so every row is
    # redrawn by dozens of scrolls. Shell output goes to the screen and to serial alike,
    # so the whole screen, row by row, must then equal the last lines of the serial log.
    start = begin = len(m.serial())
    m.send_keys("help\n" * 4)
    for _ in range(4):  # the prompt after each command
        start = m.wait_for_serial(r"^" + PROMPT, 20.0, start).end()
    time.sleep(0.5)  # let the console catch up with serial
    text = m.serial()
    cells = re.search(r"(\d+)x(\d+) cells$", text, re.MULTILINE)
    cols, rows = (int(cells.group(1)), int(cells.group(2))) if cells else (80, 25)
    sent = checks.wrap_lines(checks.log_lines(text), cols)
    output = len(checks.wrap_lines(checks.log_lines(text[begin:]), cols))
    if output <= rows:
        return ["scroll: %d lines of output do not fill a %d-row screen" % (output, rows)]
    shown = read_screen(m, args.screen or "auto", args.name)
    failures = []
    if len(shown) != rows:
        failures.append("scroll: %d screen rows decoded, the console has %d" % (len(shown), rows))
    for i, (want, got) in enumerate(zip(sent[-rows:], shown)):
        if want.rstrip(" ") != got:
            failures.append("scroll: screen row %d is %r, serial has %r" % (i, got, want))
    return failures[:10]


def scenario_deadkeys(m, args):
    # Dead keys of the German layout (boot with --cmdline kbd.layout=de). QEMU names keys by
    # their US position: grave_accent is ^, equal is ´ (Shift: `), apostrophe is ä.
    # "echo " ^a ´e `a ´E ^space ´x ^^ ä ^Backspace Enter -> "âéàÉ^´x^ä": compositions,
    # the accent alone, an accent that does not combine (both characters), the same dead
    # key twice (once), and Backspace taking back a dead key without erasing the ä.
    text = r"âéàÉ\^´x\^ä"
    wait = _answer(m, r"echo %s\n%s$" % (text, text))
    m.send_keys("echo ")
    for keys in (["grave_accent"], ["a"], ["equal"], ["e"], ["shift", "equal"], ["a"],
                 ["equal"], ["shift", "e"], ["grave_accent"], ["spc"], ["equal"], ["x"],
                 ["grave_accent"], ["grave_accent"], ["apostrophe"],
                 ["grave_accent"], ["backspace"], ["ret"]):
        m.send_key(keys)
    wait()
    # CP437 has no ´ (U+00B4): the console draws its look-alike ' (term.c).
    shown = text.replace("´", "'")
    return check_screen(m, args.screen or "auto", args.name,
                        [r"echo %s$" % shown, r"^%s$" % shown])


# USB keyboard scenarios (issue 12): boot with a usb-kbd and --ready "^kbd: usb .* ready".
USB_KBD_LINE = r"^kbd: usb \S+ [0-9a-f]{4}:[0-9a-f]{4}, \w+ speed, LEDs "


def scenario_capslock(m, args):
    # Caps Lock on: "ECHO abc" types "echo ABC"; `kbd` (typed "KBD") reports the LED state
    # the driver sent (HID Caps Lock bit, 0x2); Caps Lock off again: LEDs 0.
    m.send_key(["caps_lock"])
    wait = _answer(m, r"^ABC$")
    m.send_keys("ECHO abc\n")
    wait()
    wait = _answer(m, USB_KBD_LINE + r"0x2,")
    m.send_keys("KBD\n")
    wait()
    m.send_key(["caps_lock"])
    wait = _answer(m, USB_KBD_LINE + r"0x0,")
    m.send_keys("kbd\n")
    wait()
    return []


def scenario_repeat(m, args):
    # One x held for 1.5 s: typematic repeat (500 ms delay, 30 Hz) gives dozens of x.
    wait = _answer(m, r"^x{10,80}$")
    m.send_keys("echo ")
    m.send_key(["x"], hold_ms=1500)
    time.sleep(1.6)
    m.send_keys("\n")
    wait()
    return []


def scenario_replug(m, args):
    # The keyboard (QEMU id kbd0) unplugged and plugged in again while the shell runs.
    start = len(m.serial())
    m.qmp.command("device_del", id="kbd0")
    m.wait_for_serial(r"^kbd: usb \S+ removed$", 15.0, start)
    start = len(m.serial())
    m.qmp.command("device_add", driver="usb-kbd", id="kbd0")
    m.wait_for_serial(r"^kbd: usb \S+ [0-9a-f]{4}:[0-9a-f]{4} ready in", 15.0, start)
    return scenario_echo(m, args)


def scenario_usb(m, args):
    # The `usb` listing names the controller, the keyboard and any other device.
    wait = _answer(m, r"^devices:$")
    m.send_keys("usb\n")
    wait()
    return []


def _screen_cols(m, mode):
    """Columns of the screen console, from its "console:" lines (80 for VGA text)."""
    cells = re.search(r"(\d+)x(\d+) cells$", m.serial(), re.MULTILINE)
    return int(cells.group(1)) if cells and mode != "vga" else 80


def _last_row(lines):
    rows = [ln for ln in lines if ln.strip()]
    return rows[-1] if rows else ""


def scenario_scrollback(m, args):
    # Issue 14: Shift+PgUp pages back through the screen's history to the first boot lines
    # (the banner), Shift+PgDn returns to the live screen with the prompt at the bottom.
    mode = args.screen or "auto"
    banner = re.compile(r"^LiOS [0-9]")
    for _ in range(4):  # a tall screen may still show the banner: push it off first
        if not any(banner.search(ln) for ln in read_screen(m, mode, args.name)):
            break
        start = len(m.serial())
        m.send_keys("help\n")
        m.wait_for_serial(r"^Keys:", 20.0, start)
        time.sleep(1.0)
        if not re.search(r"^" + PROMPT, m.serial()[start:], re.MULTILINE):
            m.send_keys("q")  # the pager stopped it (a short screen)
        m.wait_for_serial(r"^" + PROMPT, 20.0, start)
        time.sleep(0.5)
    else:
        return ["scrollback: the banner is still on the live screen"]
    for _ in range(40):  # far more pages than the boot log has: clamps at the oldest row
        m.send_key(["shift", "pgup"])
    failures = check_screen(m, mode, args.name + ".back", [r"^LiOS [0-9]"])
    for _ in range(40):
        m.send_key(["shift", "pgdn"])
    time.sleep(0.5)
    lines = read_screen(m, mode, args.name)
    if any(banner.search(ln) for ln in lines):
        failures.append("scrollback: the banner is still shown after Shift+PgDn")
    if _last_row(lines) != PROMPT.rstrip():
        failures.append("scrollback: last row %r after Shift+PgDn, expected the prompt"
                        % _last_row(lines))
    return failures


def scenario_longline(m, args):
    # Issue 14: a 200-character echo prints all 200 characters, on serial and on the
    # screen (wrapped at the screen's width).
    text = "0123456789" * 20
    wait = _answer(m, r"^%s$" % text, 40.0)
    m.send_keys("echo %s\n" % text)
    wait()
    mode = args.screen or "auto"
    cols = _screen_cols(m, mode)
    rows = [text[i:i + cols] for i in range(0, len(text), cols)]
    return check_screen(m, mode, args.name, ["^%s$" % re.escape(r) for r in rows])


def scenario_pager(m, args):
    # Issue 14: "help" on a 80x25 screen does not fit: it stops at "-- more --" (serial
    # has all of it at once), and q returns to the prompt.
    mode = args.screen or "auto"
    start = len(m.serial())
    m.send_keys("help\n")
    m.wait_for_serial(r"^Keys:", 20.0, start)
    failures = check_screen(m, mode, args.name + ".more", [r"^-- more --$"])
    if re.search(r"^" + PROMPT, m.serial()[start:], re.MULTILINE):
        failures.append("pager: the prompt came back while -- more -- waited")
    m.send_keys("q")
    m.wait_for_serial(r"^" + PROMPT, 20.0, start)
    time.sleep(0.5)
    lines = read_screen(m, mode, args.name)
    if any(ln == "-- more --" for ln in lines):
        failures.append("pager: -- more -- still shown after q")
    if _last_row(lines) != PROMPT.rstrip():
        failures.append("pager: last row %r after q, expected the prompt" % _last_row(lines))
    return failures


def scenario_complete(m, args):
    # Issue 14: Tab completes "sel" to "selftest "; a second Tab after "kbd " lists the
    # layouts.
    wait = _answer(m, r"selftest $")
    m.send_keys("sel\t")
    wait()
    failures = check_screen(m, args.screen or "auto", args.name, [r"^lios> selftest$"])
    m.send_key(["ctrl", "c"])
    wait = _answer(m, r"^us  .*\bde\b")
    m.send_keys("kbd \t\t")
    wait()
    m.send_key(["ctrl", "c"])
    return failures


def type_bound(m, device, text):
    # Types text with input-send-event aimed at the keyboard bound to display 'device'
    # (usb-kbd,display=<id>); send-key, which has no device, reaches the unbound one (PS/2).
    for ch in text:
        keys = lios_qemu.char_to_keys(ch)
        for down in (True, False):
            events = [{"type": "key", "data": {"down": down, "key": {"type": "qcode", "data": k}}}
                      for k in (keys if down else reversed(keys))]
            m.qmp.command("input-send-event", device=device, events=events)
            time.sleep(0.03)  # QEMU queues only 16 usb-kbd events


def scenario_both(m, args):
    # A PS/2 and a USB keyboard at once (issue 12): the usb-kbd is bound to display video0,
    # so input-send-event with that device reaches it and send-key the 8042. Each types its
    # own line; `kbd` then lists both.
    wait = _answer(m, r"^from ps2$")
    m.send_keys("echo from ps2\n")
    wait()
    wait = _answer(m, r"^from usb$")
    type_bound(m, "video0", "echo from usb\n")
    wait()
    start = len(m.serial())
    m.send_keys("kbd\n")
    m.wait_for_serial(r"^kbd: ps2, layout ", 15.0, start)
    # the usb line counts reports: the USB keyboard really typed (not the 8042 twice)
    m.wait_for_serial(USB_KBD_LINE + r"0x\w+( \(refused\))?, [1-9]\d* reports$", 15.0, start)
    return check_screen(m, args.screen or "auto", args.name, [r"^from ps2$", r"^from usb$"])


MEM_HEAP = re.compile(r"^heap: .* in (\d+) live allocations, .*, (\d+) allocs, (\d+) frees,",
                      re.MULTILINE)


def scenario_heaptrace(m, args):
    # Issue 15 (boot with heap.trace): `heaptrace` after boot, `help` twice and `dmesg`
    # through the pager (dmesg is then more than 4 KiB: the pager's buffer is allocated,
    # grown and freed), `mem`, `heaptrace`. The dumps must parse and hold together (every free names a live allocation, nothing lost, the
    # end lines' heap counters equal what the events add up to), hold allocations and
    # frees, and `mem`'s allocs, frees and live count must be the trace's after some event.
    start = len(m.serial())
    m.send_keys("heaptrace\n")
    m.wait_for_serial(r"^heaptrace: \d+ events on serial", 30.0, start)
    for _ in range(2):  # two `help`s through the pager make the log longer than 4 KiB
        start = len(m.serial())
        m.send_keys("help\n")
        m.wait_for_serial(r"^Keys:", 20.0, start)
        time.sleep(0.5)
        m.send_keys("q")
        m.wait_for_serial(r"^" + PROMPT, 20.0, start)
    start = len(m.serial())
    m.send_keys("dmesg\n")  # the log ends with the first dump's line
    m.wait_for_serial(r"^heaptrace: \d+ events on serial", 20.0, start)
    time.sleep(0.5)
    m.send_keys("q")
    m.wait_for_serial(r"^" + PROMPT, 20.0, start)
    start = len(m.serial())
    m.send_keys("mem\n")
    mem = MEM_HEAP.search(m.wait_for_serial(r"^heap: .* misuse \d+$", 15.0, start).string,
                          start)
    start = len(m.serial())
    m.send_keys("heaptrace\n")
    m.wait_for_serial(r"^heaptrace: \d+ events on serial", 30.0, start)
    try:
        t = heaptrace.from_log(m.serial(), ["boot", "session"])
    except heaptrace.TraceError as e:
        return ["heaptrace: %s" % e]
    failures = []
    if len(heaptrace.dumps(m.serial())) != 2:
        failures.append("heaptrace: expected 2 dumps")
    if not t.allocs or not t.frees:
        failures.append("heaptrace: %d allocations, %d frees: expected both" % (t.allocs, t.frees))
    if not mem:
        failures.append("mem: no heap line")
    elif not t.reached(int(mem.group(2)), int(mem.group(3)), int(mem.group(1))):
        failures.append("heaptrace: mem says %s allocs, %s frees, %s live: never so in the trace"
                        % (mem.group(2), mem.group(3), mem.group(1)))
    return failures


SCENARIOS = {"heaptrace": scenario_heaptrace,"both": scenario_both, "echo": scenario_echo, "edit": scenario_edit, "history": scenario_history,
             "mem": scenario_mem, "pci": scenario_pci, "unknown": scenario_unknown, "reboot": scenario_reboot,
             "panic": scenario_panic, "scroll": scenario_scroll,
             "deadkeys": scenario_deadkeys, "capslock": scenario_capslock,
             "repeat": scenario_repeat, "replug": scenario_replug, "usb": scenario_usb,
             "scrollback": scenario_scrollback, "longline": scenario_longline,
             "pager": scenario_pager, "complete": scenario_complete,
             "poweroff": scenario_poweroff, "poweroff-halts": scenario_poweroff_halts}


def run(args):
    profile = lios_qemu.Profile(firmware=args.firmware, memory=args.memory, cpu=args.cpu,
                                machine=args.machine, display=args.display,
                                extra=args.qemu_arg, cmdline=args.cmdline,
                                gfxpayload=args.gfxpayload, smp=args.smp,
                                media=args.media, elf=args.elf,
                                grub_entries=args.grub_entries,
                                grub_default=args.grub_default,
                                serial=not args.no_serial)
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
                failures += SCENARIOS[args.scenario](m, args)
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
        failures += checks.check_expected(text, CONTRACT)
    for pat in args.expect or []:
        failures += checks.check_expected(text, [pat])
    failures += checks.check_forbidden(text, args.forbid)
    if args.ktap:
        failures += checks.check_ktap(text)
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
