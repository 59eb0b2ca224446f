# SPDX-License-Identifier: MIT
"""Booting LiOS in QEMU for the tests: profiles, the QEMU process, QMP, the serial log.

This file owns one QEMU run: a Profile says which machine to emulate (firmware, memory,
CPU model, machine type, display device, extra arguments) and what GRUB passes to the
kernel (command line, gfxpayload); Machine starts QEMU on the test ISO with the command
line of qemu_cmdline.py (shared with ./lios and the boot benchmark), the serial port written
to build/test-logs/<test>.log, a fresh OVMF VARS copy per UEFI run, and QMP on a Unix socket,
then offers the helpers the tests need: wait for a serial line, type keys (each once the
guest echoed the one before: ECHO_WAIT), type on the serial line (a Profile with
serial_input: COM1 is then a pipe chardev whose output still lands in the log), take a
screendump, read VGA text memory, wait for the exit status.

The test ISO's grub.cfg (iso/grub-test.cfg) looks for a file /lios-test.cfg on any disk and
sources it; this harness writes that file (GRUB variables lios_cmdline, lios_gfxpayload)
into a small FAT image made with mtools and attaches it as a second disk. The CD stays the
boot device (bootindex 0). Standard library only.
"""
import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import biosdisk
import checks
import esp
import qemu_cmdline
import screen

from qemu_cmdline import DISPLAYS, FIRMWARES, UEFI_FIRMWARES  # noqa: F401 (run_test.py)


class HarnessError(Exception):
    """The harness could not do what a test asked (QEMU missing, QMP error, timeout)."""


class Profile:
    """What to boot. firmware: "bios" (SeaBIOS) or a key of UEFI_FIRMWARES ("uefi" is
    OVMF); memory: QEMU -m; cpu: -cpu model or None (uefi32: "max", a 64-bit CPU);
    machine: "pc" or "q35" plus options ("q35,i8042=off"), None for the firmware's default
    (q35 with SMM for the secure images, else pc);
    display: a key of DISPLAYS; extra: more QEMU arguments; cmdline: kernel command line;
    gfxpayload: GRUB gfxpayload after multiboot2 ("text", "1024x768x32", "" = keep the
    firmware's mode) or None for the test ISO's default; smp: CPU count or None;
    media: how the ISO is attached, "cdrom" or "usb" (a USB stick on an xHCI controller),
    or "esp": no ISO, an installed GRUB on an EFI system partition (esp.py) booting the
    kernel 'elf' through the entries printed by 'grub_entries', default 'grub_default';
    "bios-disk": the same with GRUB installed in a hard disk's MBR (biosdisk.py, BIOS only);
    "kernel": no loader at all, QEMU's -kernel booting 'elf' by its PVH note (BIOS only);
    grub_pre: GRUB commands run before the test ISO's menu (from /lios-test.cfg), to leave
    the machine as a firmware might (e.g. write_dword of module memrw into a device);
    serial_input: the test can also type on COM1 (Machine.send_serial), as a terminal does."""

    def __init__(self, firmware="bios", memory="512M", cpu=None, machine=None,
                 display="std", extra=(), cmdline="", gfxpayload=None, smp=None,
                 media="cdrom", elf=None, grub_entries=None, grub_default=None, serial=True,
                 grub_pre=(), serial_input=False):
        if media not in ("cdrom", "usb", "esp", "bios-disk", "kernel"):
            raise HarnessError("media must be cdrom, usb, esp, bios-disk or kernel, not %r"
                               % media)
        if media in ("esp", "bios-disk") and not (elf and grub_entries and grub_default):
            raise HarnessError("media %s needs elf, grub_entries and grub_default" % media)
        if media == "kernel" and not elf:
            raise HarnessError("media kernel needs elf")
        if media in ("bios-disk", "kernel") and firmware != "bios":
            raise HarnessError("media %s: firmware bios only" % media)
        self.media, self.elf = media, elf
        if grub_pre and media != "cdrom" and media != "usb":
            raise HarnessError("grub_pre needs the test ISO (media cdrom or usb)")
        self.grub_pre = list(grub_pre)
        self.grub_entries, self.grub_default = grub_entries, grub_default
        if firmware not in FIRMWARES:
            raise HarnessError("firmware must be one of %s, not %r"
                               % (", ".join(FIRMWARES), firmware))
        secure = firmware in UEFI_FIRMWARES and UEFI_FIRMWARES[firmware][2]
        if machine is None:
            machine = "q35,smm=on" if secure else "pc"
        elif secure and "smm=on" not in machine:
            if not machine.startswith("q35"):
                raise HarnessError("firmware %s needs SMM: machine q35 only" % firmware)
            machine += ",smm=on"
        if cpu is None and firmware == "uefi32":
            cpu = "max"  # OVMF32's default CPU would be 32-bit: LiOS needs long mode
        if display not in DISPLAYS:
            raise HarnessError("unknown display %r (one of %s)" % (display, ", ".join(DISPLAYS)))
        self.firmware, self.memory, self.cpu, self.machine = firmware, memory, cpu, machine
        self.display, self.extra, self.cmdline = display, list(extra), cmdline
        self.gfxpayload, self.smp = gfxpayload, smp
        self.serial = serial  # False: no COM1 at all (-serial none); only the screen tells
        if serial_input and not serial:
            raise HarnessError("serial_input needs COM1")
        self.serial_input = serial_input


def _grub_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def make_config_disk(path, profile):
    """Writes the FAT image holding /lios-test.cfg for 'profile' (mtools, 1.44 MB)."""
    cfg = path + ".cfg"
    with open(cfg, "w") as f:
        f.write("# written by tests/qemu/lios_qemu.py\n")
        f.write("set lios_cmdline=%s\n" % _grub_quote(profile.cmdline))
        for line in profile.grub_pre:
            f.write(line + "\n")
        if profile.gfxpayload is not None:
            f.write("set lios_gfxpayload=%s\n" % _grub_quote(profile.gfxpayload))
    for cmd in (["mformat", "-i", path, "-C", "-f", "1440", "::"],
                ["mcopy", "-i", path, cfg, "::/lios-test.cfg"]):
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise HarnessError("%s failed: %s" % (" ".join(cmd), r.stdout.strip()))


class Qmp:
    """A QMP client on a Unix socket: greeting, qmp_capabilities, then one JSON object per
    line each way. Asynchronous events that arrive between replies are kept in .events."""

    def __init__(self, path, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError as e:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise HarnessError("cannot connect to QMP socket %s (%s)" % (path, e))
                time.sleep(0.05)
        self.sock.settimeout(timeout)
        self.buf, self.events, self.next_id = b"", [], 1
        try:
            greeting = self._read()
        except (OSError, ValueError) as e:
            self.close()
            raise HarnessError("no QMP greeting (%s)" % e)
        except HarnessError as e:
            self.close()
            raise HarnessError("no QMP greeting: %s" % e)
        if not isinstance(greeting, dict) or "QMP" not in greeting:
            self.close()
            raise HarnessError("unexpected QMP greeting %r" % (greeting,))
        try:
            self.command("qmp_capabilities")
        except HarnessError:
            self.close()
            raise

    def _read(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise HarnessError("QMP connection closed (QEMU exited?)")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def command(self, name, **args):
        """Runs one QMP command and returns its "return" value; raises on an error reply."""
        msg = {"execute": name, "id": self.next_id}
        self.next_id += 1
        if args:
            msg["arguments"] = args
        try:
            self.sock.sendall(json.dumps(msg).encode() + b"\n")
        except OSError as e:
            raise HarnessError("QMP %s: %s (QEMU exited?)" % (name, e))
        while True:
            try:
                reply = self._read()
            except OSError as e:
                raise HarnessError("QMP %s: no reply (%s)" % (name, e))
            if "event" in reply:
                self.events.append(reply)
                continue
            if reply.get("id") != msg["id"]:
                continue
            if "error" in reply:
                raise HarnessError("QMP %s: %s" % (name, reply["error"].get("desc", reply)))
            return reply.get("return")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def connect_qmp(path, alive, attempts=2, timeout=10.0):
    """Qmp(path), tried again while alive() says QEMU still runs: a handshake that fails
    once with QEMU running (seen once in CI: a QEMU that went on to boot fully) costs a
    second connection, not the test. The last attempt's error names the step that failed."""
    for attempt in range(attempts):
        try:
            return Qmp(path, timeout)
        except HarnessError as e:
            if attempt + 1 == attempts or not alive():
                raise
            # said in the test's output, so that a flake the retry hid is still seen
            sys.stderr.write("harness: QMP handshake failed (%s); QEMU runs: trying again\n" % e)
            time.sleep(0.2)


# Characters to QMP qcodes (US layout): unshifted, then shifted.
_QCODE_PLAIN = {" ": "spc", "\n": "ret", "\t": "tab", "-": "minus", "=": "equal",
                "[": "bracket_left", "]": "bracket_right", ";": "semicolon",
                "'": "apostrophe", "`": "grave_accent", "\\": "backslash", ",": "comma",
                ".": "dot", "/": "slash"}
_QCODE_SHIFT = {"!": "1", "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7",
                "*": "8", "(": "9", ")": "0", "_": "minus", "+": "equal",
                "{": "bracket_left", "}": "bracket_right", ":": "semicolon",
                "\"": "apostrophe", "~": "grave_accent", "|": "backslash", "<": "comma",
                ">": "dot", "?": "slash"}


# Typing is paced by the guest: a key the guest echoes on serial lets the next one go once the
# serial log has grown, after at most this many seconds (the echo lost: go on, the scenario's
# check fails). QEMU holds few keys the guest has not read (usb-kbd: 16 input events, a key
# with Shift is 4; PS/2: 16 bytes of scancodes) and drops the rest: typed at a fixed 30 ms
# a key, a guest descheduled for a few hundred ms on a loaded host lost characters.
ECHO_WAIT = 2.0


def char_to_keys(ch):
    """The qcode combination typing 'ch' on a US keyboard, e.g. ["shift", "h"]."""
    if ch.isascii() and (ch.islower() or ch.isdigit()):
        return [ch]
    if ch.isascii() and ch.isupper():
        return ["shift", ch.lower()]
    if ch in _QCODE_PLAIN:
        return [_QCODE_PLAIN[ch]]
    if ch in _QCODE_SHIFT:
        return ["shift", _QCODE_SHIFT[ch]]
    raise HarnessError("no key for character %r" % ch)


class Machine:
    """One QEMU run of the test ISO. Use as a context manager; .status is QEMU's exit status
    once it exited (None while running or when it had to be killed)."""

    def __init__(self, name, profile, iso, logdir, timeout=60.0):
        self.name, self.profile, self.iso, self.timeout = name, profile, iso, timeout
        os.makedirs(logdir, exist_ok=True)
        self.logdir = logdir
        self.serial_log = os.path.join(logdir, name + ".log")
        self.qemu_log = os.path.join(logdir, name + ".qemu.log")
        self.proc, self.qmp, self.status = None, None, None
        self.tmp = tempfile.mkdtemp(prefix="lios-qemu-")
        self.started = None
        self.serial_in, self.serial_drain = None, None

    def command_line(self):
        p = self.profile
        boot = {"esp": os.path.join(self.tmp, "esp"),
                "bios-disk": os.path.join(self.tmp, "bios-disk.img"),
                "kernel": p.elf}.get(p.media, self.iso)
        media = {"bios-disk": "disk"}.get(p.media, p.media)
        # the test's own: serial to the log, QMP, and the disk holding /lios-test.cfg
        if p.serial_input:
            # COM1 on the FIFOs com1.in / com1.out (start() makes them), its output copied
            # to the log as with -serial file:
            serial = ["-chardev", "pipe,id=com1,path=%s,logfile=%s"
                      % (os.path.join(self.tmp, "com1"), self.serial_log),
                      "-serial", "chardev:com1"]
        else:
            serial = ["-serial", "file:" + self.serial_log if p.serial else "none"]
        own = ["-display", "none"] + serial + [
               "-qmp", "unix:%s,server=on,wait=off" % os.path.join(self.tmp, "qmp.sock"),
               "-drive", "file=%s,format=raw,if=none,id=cfg" % os.path.join(self.tmp, "cfg.img"),
               "-device", "ide-hd,drive=cfg,bus=ide.1,bootindex=1"]
        return qemu_cmdline.command_line(
            boot, memory=p.memory, firmware=p.firmware, media=media, machine=p.machine,
            cpu=p.cpu, smp=p.smp, display=p.display,
            vars_fd=os.path.join(self.tmp, "vars.fd"), extra=own + p.extra)

    def start(self):
        if self.profile.media == "esp":
            try:
                esp.make_esp(os.path.join(self.tmp, "esp"), self.profile.elf,
                             self.profile.grub_entries, self.profile.grub_default,
                             "i386-efi" if self.profile.firmware == "uefi32" else "x86_64-efi")
            except esp.EspError as e:
                raise HarnessError(str(e))
        elif self.profile.media == "bios-disk":
            try:
                biosdisk.make_bios_disk(os.path.join(self.tmp, "bios-disk.img"),
                                        self.profile.elf, self.profile.grub_entries,
                                        self.profile.grub_default)
            except biosdisk.BiosDiskError as e:
                raise HarnessError(str(e))
        elif self.profile.media == "kernel":
            if not os.path.exists(self.profile.elf):
                raise HarnessError("kernel %s does not exist" % self.profile.elf)
        elif not os.path.exists(self.iso):
            raise HarnessError("ISO %s does not exist (build the iso target first)" % self.iso)
        make_config_disk(os.path.join(self.tmp, "cfg.img"), self.profile)
        if self.profile.firmware in UEFI_FIRMWARES:
            qemu_cmdline.fresh_vars(os.path.join(self.tmp, "vars.fd"), self.profile.firmware)
        open(self.serial_log, "w").close()
        if self.profile.serial_input:
            self.open_serial_pipes()
        args = self.command_line()
        self.qemu_out = open(self.qemu_log, "w")
        self.qemu_out.write("$ " + " ".join(args) + "\n")
        self.qemu_out.flush()
        self.started = time.monotonic()
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self.qemu_out,
                                     stderr=subprocess.STDOUT,
                                     preexec_fn=qemu_cmdline.no_huge_pages)
        try:
            self.qmp = connect_qmp(os.path.join(self.tmp, "qmp.sock"),
                                   lambda: self.proc.poll() is None)
        except HarnessError as e:
            try:
                self.status = self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
            raise HarnessError("QEMU did not start (status %s: %s); see %s"
                               % (self.status, e, self.qemu_log))
        return self

    def open_serial_pipes(self):
        """The FIFOs of COM1 (serial_input): com1.in, which send_serial writes, and
        com1.out, drained by a thread (the log gets QEMU's copy), so that the guest's output
        never waits on a full pipe. Both are opened read-write: neither open waits for
        QEMU, which opens them the same way."""
        base = os.path.join(self.tmp, "com1")
        os.mkfifo(base + ".in")
        os.mkfifo(base + ".out")
        self.serial_in = os.open(base + ".in", os.O_RDWR)
        self.serial_out = os.open(base + ".out", os.O_RDWR)
        self.serial_stop = threading.Event()

        def drain():
            while not self.serial_stop.is_set():
                if select.select([self.serial_out], [], [], 0.2)[0]:
                    os.read(self.serial_out, 4096)
        self.serial_drain = threading.Thread(target=drain, daemon=True)
        self.serial_drain.start()

    def send_serial(self, text):
        """Types 'text' on COM1 as a terminal sends it (a profile with serial_input), one
        character at a time, 30 ms apart: the 16550 holds 16 bytes the guest has not read."""
        if self.serial_in is None:
            raise HarnessError("send_serial needs a profile with serial_input")
        for b in text.encode():
            os.write(self.serial_in, bytes([b]))
            time.sleep(0.03)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def elapsed(self):
        return time.monotonic() - self.started

    def remaining(self):
        """Seconds left of this test's overall timeout."""
        return max(0.0, self.timeout - self.elapsed())

    def poll(self):
        if self.proc is not None and self.status is None:
            self.status = self.proc.poll()
        return self.status

    def serial(self):
        """The serial output so far, as text without CRs and ANSI escape sequences."""
        with open(self.serial_log, "rb") as f:
            text = f.read().decode("utf-8", "replace").replace("\r", "")
        return checks.ANSI_ESCAPE.sub("", text)

    def wait_for_serial(self, regex, timeout=None, start=0):
        """Waits until a serial line (from character offset 'start') matches 'regex'
        (re.MULTILINE search over the text). Returns the match; raises HarnessError on
        timeout or when QEMU exits first."""
        rx = re.compile(regex, re.MULTILINE)
        deadline = time.monotonic() + (self.remaining() if timeout is None
                                       else min(timeout, self.remaining()))
        while True:
            m = rx.search(self.serial(), start)
            if m:
                return m
            if self.poll() is not None:
                raise HarnessError("QEMU exited (status %s) before serial showed /%s/"
                                   % (self.status, regex))
            if time.monotonic() > deadline:
                raise HarnessError("timeout waiting for serial /%s/" % regex)
            time.sleep(0.1)

    def wait_exit(self, timeout=None):
        """Waits for QEMU to exit; returns its status, or None if it is still running
        after 'timeout' (default: the rest of the test's timeout)."""
        t = self.remaining() if timeout is None else min(timeout, self.remaining())
        try:
            self.status = self.proc.wait(timeout=t)
        except subprocess.TimeoutExpired:
            return None
        return self.status

    def serial_size(self):
        """Bytes in the serial log so far (a stat, no read): grows with every echo."""
        try:
            return os.path.getsize(self.serial_log)
        except OSError:
            return 0

    def wait_serial_growth(self, size, timeout):
        """Waits until the serial log holds more than 'size' bytes, at most 'timeout' seconds
        (less when the test's time is nearly up, none once QEMU exited). Returns whether it
        grew; never raises: an answer that does not come is for the scenario to report."""
        deadline = time.monotonic() + min(timeout, self.remaining())
        while self.serial_size() <= size:
            if self.poll() is not None or time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True

    def send_key(self, keys, hold_ms=None, echo=False):
        """Presses the qcodes in 'keys' together, e.g. ["shift", "a"] or ["up"]. echo=True:
        the guest answers this key on serial (a character echoed, the line redrawn), and the
        next key waits for that answer, at most ECHO_WAIT seconds, so typing goes at the
        guest's pace (see ECHO_WAIT). Keys are at least 30 ms apart either way."""
        size = self.serial_size() if echo else None
        sent = time.monotonic()
        args = {"keys": [{"type": "qcode", "data": k} for k in keys]}
        if hold_ms:
            args["hold-time"] = hold_ms
        self.qmp.command("send-key", **args)
        if echo and not self.wait_serial_growth(size, ECHO_WAIT) and self.poll() is None:
            # said in the test's output: the first sign of a key the guest lost
            print("%s: no echo of key %s after %.1f s; typing on"
                  % (self.name, "+".join(keys), ECHO_WAIT), flush=True)
        # let the guest drain its 8042 buffer between presses
        time.sleep(max(0.0, 0.03 - (time.monotonic() - sent)))

    def send_keys(self, text, echo=True):
        """Types 'text' (US layout); "\\n" is Enter. echo=True (typing at the shell's prompt,
        which echoes every character): each key waits for its echo (send_key); echo=False
        for keys the guest does not answer on serial (a pager's Space)."""
        for ch in text:
            self.send_key(char_to_keys(ch), echo=echo)

    def screendump(self, path_base):
        """Takes a screendump: writes path_base.ppm and path_base.png, returns the Image."""
        ppm = path_base + ".ppm"
        self.qmp.command("screendump", filename=os.path.abspath(ppm))
        img = screen.read_ppm(ppm)
        screen.write_png(img, path_base + ".png")
        return img

    def vga_text(self):
        """Dumps VGA text memory (0xB8000, 4000 bytes) through QMP pmemsave and returns its
        25 lines."""
        dump = os.path.join(self.tmp, "vga.bin")
        self.qmp.command("pmemsave", val=screen.VGA_TEXT_BASE, size=screen.VGA_TEXT_BYTES,
                         filename=dump)
        with open(dump, "rb") as f:
            return screen.decode_vga_text(f.read())

    def close(self):
        """Stops QEMU if it still runs (quit, then kill) and removes the temporary files."""
        if self.proc is not None and self.poll() is None:
            try:
                if self.qmp:
                    self.qmp.command("quit")
            except (HarnessError, OSError):
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            # Killed or quit by the harness: not an exit the guest chose.
            self.status = None
        if self.qmp:
            self.qmp.close()
        if self.proc is not None:
            self.qemu_out.close()
        if self.serial_drain is not None:
            self.serial_stop.set()
            self.serial_drain.join()
            os.close(self.serial_in)
            os.close(self.serial_out)
            self.serial_in, self.serial_drain = None, None
        shutil.rmtree(self.tmp, ignore_errors=True)
