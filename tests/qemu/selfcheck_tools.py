#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""harness.selfcheck.tools: the QEMU harness's command line, ISO and disk tools, no QEMU involved.

The El Torito report parser (check_iso.py), the installed-GRUB config (esp.py), the one QEMU
command line of ./lios, the harness and the boot bench (qemu_cmdline.py, and that its
huge-page opt-out no_huge_pages reaches a child), the BIOS disk's MBR and GRUB boot fields
(biosdisk.py, on GRUB-shaped images and on the installed grub-pc-bin ones), the QMP
handshake against a stand-in QMP server (lios_qemu.Qmp, connect_qmp). The log checks
are in selfcheck.py, the screen's in selfcheck_screen.py.
Standard library unittest; exit status 0 = pass.
"""
import os
import re
import shutil
import struct
import socket
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import biosdisk  # noqa: E402
import check_iso  # noqa: E402
import esp  # noqa: E402
import lios_qemu  # noqa: E402
import qemu_cmdline  # noqa: E402


class EltoritoReport(unittest.TestCase):
    REPORT = """El Torito images   :   N  Pltf  B   Emul  Ld_seg  Hdpt  Ldsiz         LBA
El Torito boot img :   1  BIOS  y   none  0x0000  0x00      4        2973
El Torito boot img :   2  UEFI  y   none  0x0000  0x00   5760          72
"""

    def test_both_platforms(self):
        # Scenario: grub-mkrescue's hybrid ISO. Expected: BIOS and UEFI found.
        self.assertEqual(check_iso.boot_platforms(self.REPORT), {"BIOS", "UEFI"})

    def test_bios_only(self):
        # Scenario: an ISO without the UEFI image, and one whose UEFI image is not bootable.
        # Expected: UEFI missing in both.
        bios_only = "\n".join(self.REPORT.splitlines()[:2])
        self.assertEqual(check_iso.boot_platforms(bios_only), {"BIOS"})
        not_bootable = self.REPORT.replace("UEFI  y", "UEFI  n")
        self.assertEqual(check_iso.boot_platforms(not_bootable), {"BIOS"})


class InstalledGrubConfig(unittest.TestCase):
    def test_entries_after_other_distribution(self):
        # Scenario: an entries script in 42_lios's shape. Expected: grub.cfg boots the named
        # default at once, and the other distribution's entry comes first.
        with tempfile.TemporaryDirectory() as d:
            script = d + "/42_test"
            with open(script, "w") as f:
                f.write("exec sed -e '1,/^### entries ###$/d' \"$0\"\n### entries ###\n"
                        "menuentry \"LiOS (self-test)\" {\n"
                        "\tmultiboot2 /boot/lios.elf selftest\n}\n")
            cfg = esp.grub_cfg(script, "LiOS (self-test)")
        self.assertIn('set default="LiOS (self-test)"', cfg)
        self.assertIn("set timeout=0", cfg)
        self.assertLess(cfg.index("Debian GNU/Linux"), cfg.index("menuentry \"LiOS (self-test)\""))
        self.assertNotIn("### entries ###", cfg)

    def test_script_without_entries_fails(self):
        # Scenario: the entries script prints nothing. Expected: EspError, not an empty menu.
        with tempfile.TemporaryDirectory() as d:
            script = d + "/empty"
            with open(script, "w") as f:
                f.write("true\n")
            with self.assertRaises(esp.EspError):
                esp.grub_cfg(script, "LiOS")


def fake_grub_images(core_sectors, core_tail=100):
    """A boot.img and a core.img shaped like GRUB's: the drive-check short jmp, 0x55AA, and
    diskboot's default first blocklist (start 2, grub-mkimage's length, segment 0x820)."""
    boot = bytearray(512)
    boot[0x66:0x68] = b"\xeb\x05"
    boot[0x5c] = 1
    boot[0x64] = 0xff
    boot[0x1fe:] = b"\x55\xaa"
    core = bytearray(b"\xcc" * (core_sectors * 512 - core_tail))
    core[488:500] = bytes(12)
    core[500:512] = struct.pack("<QHH", 2, core_sectors - 1, 0x820)
    core[512 + 0x14:512 + 0x16] = struct.pack("<H", 0x400)
    return bytes(boot), bytes(core)


class QemuCommandLine(unittest.TestCase):
    """qemu_cmdline.py, the one command line of ./lios, the harness and the boot bench."""

    def setUp(self):
        self.env = {k: os.environ.pop(k) for k in ("LIOS_ACCEL", "LIOS_QEMU") if k in os.environ}

    def tearDown(self):
        os.environ.update(self.env)

    def test_bios_cdrom(self):
        a = qemu_cmdline.command_line("x.iso", memory="64M")
        self.assertEqual(a[:3], ["qemu-system-x86_64", "-accel", "tcg"])
        self.assertIn("isa-debug-exit,iobase=0xf4,iosize=4", a)
        self.assertIn("-no-reboot", a)
        self.assertEqual(a[a.index("-m") + 1], "64M")
        self.assertIn("ide-cd,drive=cd,bus=ide.0,bootindex=0", a)
        self.assertFalse(any("pflash" in x for x in a))

    def test_uefi_needs_vars_and_gets_both_flashes(self):
        with self.assertRaises(ValueError):
            qemu_cmdline.command_line("x.iso", firmware="uefi")
        a = qemu_cmdline.command_line("x.iso", firmware="uefi", vars_fd="/tmp/v.fd")
        self.assertIn("if=pflash,format=raw,readonly=on,file=" + qemu_cmdline.OVMF_CODE, a)
        self.assertIn("if=pflash,format=raw,file=/tmp/v.fd", a)

    def test_kvm_uses_the_host_cpu_unless_a_model_is_asked(self):
        os.environ["LIOS_ACCEL"] = "kvm"
        try:
            a = qemu_cmdline.command_line("x.iso")
            self.assertEqual(a[1:5], ["-accel", "kvm", "-cpu", "host"])
            a = qemu_cmdline.command_line("x.iso", cpu="Nehalem")
            self.assertEqual(a.count("-cpu"), 1)
            self.assertEqual(a[a.index("-cpu") + 1], "Nehalem")
        finally:
            del os.environ["LIOS_ACCEL"]

    def test_bad_arguments_are_refused(self):
        for kw in ({"media": "floppy"}, {"firmware": "coreboot"}, {"display": "sdl"}):
            with self.assertRaises(ValueError):
                qemu_cmdline.command_line("x.iso", **kw)

    def test_harness_uses_it(self):
        with tempfile.TemporaryDirectory() as logdir:
            m = lios_qemu.Machine("t", lios_qemu.Profile(media="usb", smp=2), "x.iso", logdir)
            a = m.command_line()
            shutil.rmtree(m.tmp)
        self.assertIn("usb-storage,bus=xhci.0,drive=stick,bootindex=0", a)
        self.assertIn("ide-hd,drive=cfg,bus=ide.1,bootindex=1", a)
        self.assertEqual(a[a.index("-smp") + 1], "2")

    def test_cli_prints_one_argument_per_line(self):
        with tempfile.TemporaryDirectory() as d:
            vars_fd = os.path.join(d, "vars.fd")
            out = subprocess.run([sys.executable, qemu_cmdline.__file__, "--iso", "a b.iso",
                                  "--uefi", "--vars", vars_fd, "--", "-s", "-S"],
                                 capture_output=True, text=True, check=True).stdout
            lines = out.splitlines()
            self.assertIn("file=a b.iso,media=cdrom,if=none,id=cd,readonly=on", lines)
            self.assertEqual(lines[-2:], ["-s", "-S"])
            self.assertTrue(os.path.getsize(vars_fd) > 0)

    def test_no_huge_pages_reaches_the_child(self):
        # Scenario: a child started the way the harness and the boot benchmarks start QEMU
        # (preexec_fn=no_huge_pages), and one started without it.
        # Expected: THP is off for the first (/proc/self/status "THP_enabled: 0", Linux 5.0
        # and later, Debian 12's included) and the second has this process's setting.
        def thp(status):
            m = re.search(r"^THP_enabled:\s+(\d)", status, re.M)
            self.assertIsNotNone(m, "no THP_enabled line in /proc/self/status")
            return m.group(1)

        def child(preexec):
            return thp(subprocess.run(["cat", "/proc/self/status"], capture_output=True,
                                      text=True, check=True, preexec_fn=preexec).stdout)

        with open("/proc/self/status") as f:
            ours = thp(f.read())
        self.assertEqual(child(qemu_cmdline.no_huge_pages), "0")
        self.assertEqual(child(None), ours)


class BiosDisk(unittest.TestCase):
    def test_partition_entry_bytes(self):
        # Scenario: partition 1 of the test disk, LBA 2048, 32768 sectors, FAT16 LBA, active.
        # Expected: status 0x80, CHS 0/32/33 to 2/42/40 (255 heads, 63 sectors), type 0x0e,
        # LBA and size little endian.
        self.assertEqual(biosdisk.partition_entry(2048, 32768, 0x0e).hex(),
                         "80202100" "0e2a2802" "00080000" "00800000")

    def test_chs_high_cylinders(self):
        # Scenario: cylinder 1023 exactly, and one past it. Expected: cylinder bits 8-9 in
        # the sector byte's top bits; past 1023 the 1023/254/63 marker fe ff ff.
        self.assertEqual(biosdisk.chs(1023 * 255 * 63).hex(), "00c1ff")
        self.assertEqual(biosdisk.chs(1024 * 255 * 63).hex(), "feffff")

    def test_mbr_decoded_independently(self):
        # Scenario: an MBR with one entry, decoded here with struct; then five entries.
        # Expected: the disk signature at 0x1b8, entry 1 in place, entries 2-4 empty, 0x55AA
        # at 0x1fe; five entries refused.
        entry = biosdisk.partition_entry(2048, 32768, 0x0e)
        m = biosdisk.mbr([entry], 0x4c494f53)
        self.assertEqual(len(m), 512)
        self.assertEqual(struct.unpack_from("<I", m, 0x1b8)[0], 0x4c494f53)
        status, ptype, lba, count = struct.unpack_from("<B3xB3xII", m, 0x1be)
        self.assertEqual((status, ptype, lba, count), (0x80, 0x0e, 2048, 32768))
        self.assertEqual(m[0x1ce:0x1fe], bytes(48))
        self.assertEqual(m[0x1fe:], b"\x55\xaa")
        with self.assertRaises(biosdisk.BiosDiskError):
            biosdisk.mbr([entry] * 5, 0)

    def test_install_boot_code(self):
        # Scenario: a core.img of 2.8 sectors embedded at LBA 100 (not the usual 1).
        # Expected: the partition table and disk signature kept, drive check NOPs, boot
        # drive 0xff, kernel sector 100; core zero-padded to 3 sectors, otherwise unchanged
        # but for its first blocklist (101, 2 sectors, segment 0x820); the slot below empty.
        old = biosdisk.mbr([biosdisk.partition_entry(2048, 32768, 0x0e)], 0x12345678)
        boot, core = fake_grub_images(3)
        sector0, out = biosdisk.install_boot_code(old, boot, core, 100, 2047)
        self.assertEqual(sector0[0x1b8:0x1fe], old[0x1b8:0x1fe])
        self.assertEqual(sector0[0x66:0x68], b"\x90\x90")
        self.assertEqual(sector0[0x64], 0xff)
        self.assertEqual(struct.unpack_from("<Q", sector0, 0x5c)[0], 100)
        self.assertEqual(sector0[0x1fe:], b"\x55\xaa")
        self.assertEqual(len(out), 3 * 512)
        self.assertEqual(out[:500] + out[512:len(core)], core[:500] + core[512:])
        self.assertEqual(out[len(core):], bytes(100))
        self.assertEqual(struct.unpack_from("<QHH", out, 500), (101, 2, 0x820))
        self.assertEqual(out[488:500], bytes(12))

    def test_install_refusals(self):
        # Scenario: core.img larger than the gap; a blocklist with no terminator slot; a
        # boot.img without its signature; a core.img of another GRUB version.
        # Expected: BiosDiskError each time.
        old = biosdisk.mbr([], 0)
        boot, core = fake_grub_images(5)
        with self.assertRaises(biosdisk.BiosDiskError):
            biosdisk.install_boot_code(old, boot, core, 1, 4)
        busy = bytearray(core)
        busy[488:500] = struct.pack("<QHH", 9, 1, 0x900)
        with self.assertRaises(biosdisk.BiosDiskError):
            biosdisk.install_boot_code(old, boot, bytes(busy), 1, 2047)
        with self.assertRaises(biosdisk.BiosDiskError):
            biosdisk.install_boot_code(old, boot[:510] + b"\0\0", core, 1, 2047)
        other = bytearray(core)
        other[512 + 0x14:512 + 0x16] = b"\xff\xff"
        with self.assertRaises(biosdisk.BiosDiskError):
            biosdisk.install_boot_code(old, boot, bytes(other), 1, 2047)

    def test_offsets_match_installed_grub(self):
        # Scenario: the named offsets against the installed grub-pc-bin images.
        # Expected: boot.img has the short jmp at DRIVE_CHECK, boot drive 0xff and kernel
        # sector 1; diskboot.img's first blocklist is (2, 0, 0x820) with an empty one below.
        d = biosdisk.GRUB_PC_DIR
        if not os.path.exists(os.path.join(d, "diskboot.img")):
            self.skipTest("grub-pc-bin not installed")
        with open(os.path.join(d, "boot.img"), "rb") as f:
            boot = f.read()
        with open(os.path.join(d, "diskboot.img"), "rb") as f:
            disk = f.read()
        self.assertEqual(boot[biosdisk.GRUB_BOOT_MACHINE_DRIVE_CHECK], 0xeb)
        self.assertEqual(boot[biosdisk.GRUB_BOOT_MACHINE_BOOT_DRIVE], 0xff)
        kernel_sector = biosdisk.GRUB_BOOT_MACHINE_KERNEL_SECTOR
        self.assertEqual(struct.unpack_from("<Q", boot, kernel_sector), (1,))
        self.assertEqual(struct.unpack_from("<QHH", disk, 500), (2, 0, 0x820))
        self.assertEqual(disk[488:500], bytes(12))


class FakeQmpServer:
    """A Unix-socket stand-in for QEMU's QMP monitor. sessions is a list, one entry per
    connection accepted in turn: "close" (hang up at once), "garbage" (a line that is no
    greeting) or "good" (greeting, then answer every command with an empty return)."""

    GREETING = b'{"QMP": {"version": {}, "capabilities": []}}\n'

    def __init__(self, path, sessions):
        self.sessions, self.accepted = list(sessions), 0
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(4)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        for kind in self.sessions:
            conn, _ = self.sock.accept()
            self.accepted += 1
            if kind == "garbage":
                conn.sendall(b'{"hello": 1}\n')
            elif kind == "good":
                conn.sendall(self.GREETING)
                reader = conn.makefile("rb")
                for line in reader:
                    msg = lios_qemu.json.loads(line)
                    conn.sendall(b'{"return": {}, "id": %d}\n' % msg["id"])
            conn.close()

    def stop(self):
        self.sock.close()


class QmpHandshake(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="lios-qmp-")
        self.path = os.path.join(self.tmp, "qmp.sock")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def serve(self, sessions):
        server = FakeQmpServer(self.path, sessions)
        self.addCleanup(server.stop)
        return server

    def test_good_handshake(self):
        # Scenario: a monitor that greets and answers. Expected: connected on the first try.
        server = self.serve(["good"])
        qmp = lios_qemu.connect_qmp(self.path, lambda: True)
        self.assertEqual(qmp.command("query-status"), {})
        qmp.close()
        self.assertEqual(server.accepted, 1)

    def test_hang_up_retried_while_qemu_runs(self):
        # Scenario: the first connection is closed before the greeting, QEMU still runs.
        # Expected: a second connection, which succeeds.
        server = self.serve(["close", "good"])
        qmp = lios_qemu.connect_qmp(self.path, lambda: True)
        qmp.close()
        self.assertEqual(server.accepted, 2)

    def test_hang_up_not_retried_once_qemu_exited(self):
        # Scenario: the same hang-up, but QEMU has exited. Expected: the error, naming the
        # step (no greeting), and no second connection.
        server = self.serve(["close", "good"])
        with self.assertRaisesRegex(lios_qemu.HarnessError, "no QMP greeting"):
            lios_qemu.connect_qmp(self.path, lambda: False)
        self.assertEqual(server.accepted, 1)

    def test_bad_greeting_reported_after_retries(self):
        # Scenario: every connection greets with something that is not QMP. Expected: the
        # error quotes it, after the second attempt.
        server = self.serve(["garbage", "garbage"])
        with self.assertRaisesRegex(lios_qemu.HarnessError, "unexpected QMP greeting.*hello"):
            lios_qemu.connect_qmp(self.path, lambda: True)
        self.assertEqual(server.accepted, 2)

    def test_no_socket(self):
        # Scenario: nothing listens. Expected: "cannot connect", with the OS's reason.
        with self.assertRaisesRegex(lios_qemu.HarnessError, "cannot connect.*No such file"):
            lios_qemu.Qmp(self.path, timeout=0.2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
