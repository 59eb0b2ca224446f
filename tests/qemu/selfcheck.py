#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""harness.selfcheck: the QEMU harness's own unit test, no QEMU involved.

Shows that the harness can fail: every check of checks.py is fed a good log (must pass)
and bad logs (missing results, plan mismatch, not ok, PANIC, wrong exit status, an
inconsistent final line, markers out of order), each of which must be reported. Also
checks the screen side (a text rendered with the Terminus PSF font decodes back to the same
text at scale 1 and 2, cursors; VGA text memory decoding; the PNG encoder's output), the
key mapping, the scenario registry (every --scenario name of the CTest cells registered,
duplicates refused), the heap-call trace reader (heaptrace.py), the El Torito report parser,
the installed-GRUB config, the BIOS disk's MBR and GRUB boot fields, and that QEMU's huge-page
opt-out (qemu_cmdline.no_huge_pages) reaches a child. Standard library unittest; exit status 0 = pass.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import biosdisk  # noqa: E402
import check_iso  # noqa: E402
import checks  # noqa: E402
import esp  # noqa: E402
import heaptrace  # noqa: E402
import lios_qemu  # noqa: E402
import qemu_cmdline  # noqa: E402
import scenarios  # noqa: E402
import screen  # noqa: E402

GOOD_BOOT = """\x1b[2J\x1b[01;01HBdsDxe: starting Boot0001\r
\rLiOS 0.1.0 (x86_64)\r
mem: 510 MiB usable (0 B above 4 GiB), 130556 free frames of 130671\r
console: vga-text 80x25\r
kbd: ps2\r
LiOS ready\r
lios> """

GOOD_KTAP = """LiOS 0.1.0 (x86_64)
console: serial
LiOS ready
KTAP version 1
1..4
# suite: exceptions
ok 1 exceptions.divide_error
    # a diagnostic line
ok 2 exceptions.invalid_opcode
ok 3 mm.oom # SKIP needs -m 64M
ok 4 mm.heap
selftest: 3 passed, 0 failed, 1 skipped
"""


def ktap_with(old, new):
    bad = GOOD_KTAP.replace(old, new)
    assert bad != GOOD_KTAP, old
    return bad


class MarkerChecks(unittest.TestCase):
    def test_good_boot_passes(self):
        # Scenario: a normal boot log with firmware escape sequences and CRLF.
        # Expected: banner, console and ready markers found in order; no PANIC.
        self.assertEqual(checks.check_expected(GOOD_BOOT, [r"^LiOS ", r"^console: ",
                                                           r"^LiOS ready$", r"^lios> "]), [])
        self.assertEqual(checks.check_forbidden(GOOD_BOOT), [])

    def test_contract_lines(self):
        # Scenario: the contract's banner, console and ready lines, each console form as
        # DESIGN.md words it. Expected: pass; a console line with detail appended (a script
        # matching the contract's words would miss it) or a banner without a version fails.
        self.assertEqual(checks.check_expected(GOOD_BOOT, checks.CONTRACT), [])
        for console in ("console: framebuffer 1024x768 32bpp pitch 4096",
                        "console: serial (no framebuffer from the firmware)"):
            log = GOOD_BOOT.replace("console: vga-text 80x25", console)
            self.assertEqual(checks.check_expected(log, checks.CONTRACT), [], console)
        for old, new in (("console: vga-text 80x25", "console: vga-text 80x25, scrollback 1000"),
                         ("console: vga-text 80x25", "console: serial"),
                         ("LiOS 0.1.0 (x86_64)", "LiOS (x86_64)")):
            log = GOOD_BOOT.replace(old, new)
            self.assertTrue(checks.check_expected(log, checks.CONTRACT), new)

    def test_banner_first(self):
        # Scenario: firmware lines, then the kernel's banner first (passes); a kernel line
        # before the banner (fails, naming it); GRUB's own "error:" before it (passes).
        self.assertEqual(checks.check_banner_first(GOOD_BOOT), [])
        early = GOOD_BOOT.replace("\rLiOS 0.1.0", "\rmce: 10 banks, machine checks enabled\r\nLiOS 0.1.0")
        self.assertEqual(len(checks.check_banner_first(early)), 1)
        self.assertIn("mce: 10 banks", checks.check_banner_first(early)[0])
        grub = GOOD_BOOT.replace("\rLiOS 0.1.0", "\rerror: no such device.\r\nLiOS 0.1.0")
        self.assertEqual(checks.check_banner_first(grub), [])

    def test_missing_marker_fails(self):
        # Scenario: the boot stopped before "LiOS ready". Expected: reported missing.
        log = GOOD_BOOT.replace("LiOS ready", "LiOS not quite")
        self.assertTrue(checks.check_expected(log, [r"^LiOS ready$"]))

    def test_markers_out_of_order_fail(self):
        # Scenario: "LiOS ready" printed before the console line. Expected: failure.
        log = "LiOS 0.1\nLiOS ready\nconsole: serial\n"
        self.assertTrue(checks.check_expected(log, [r"^console: ", r"^LiOS ready$"]))
        self.assertEqual(checks.check_expected(log, [r"^LiOS ready$", r"^console: "]), [])

    def test_expectation_that_checks_nothing(self):
        # Scenario: no expected lines, or one an empty line matches (".*", "^$", "a*"), on a
        # blank screen. Expected: failure, never a pass that compared nothing.
        blank = "\n" * 25
        self.assertTrue(checks.check_expected(blank, []))
        for pat in (r".*", r"^$", r"^\s*$", r"a*"):
            self.assertTrue(checks.check_expected(blank, [pat]), pat)
            self.assertTrue(checks.check_expected(GOOD_BOOT, [r"^LiOS ready$", pat]), pat)

    def test_panic_fails(self):
        # Scenario: a PANIC line in an otherwise complete log. Expected: forbidden line.
        log = GOOD_BOOT.replace("kbd: ps2", "PANIC: page fault (vector 14)")
        self.assertTrue(checks.check_forbidden(log))
        # The same line highlighted with SGR colours, as the console mirrors it.
        log = GOOD_BOOT.replace("kbd: ps2", "\x1b[1;31mPANIC: page fault (vector 14)\x1b[0m")
        self.assertTrue(checks.check_forbidden(log))

    def test_custom_forbidden(self):
        # Scenario: a test forbids a triple-fault marker. Expected: reported.
        self.assertTrue(checks.check_forbidden("a\ntriple fault\n", [r"triple"]))
        self.assertEqual(checks.check_forbidden("a\nb\n", [r"triple"]), [])

    def test_custom_forbidden_keeps_panic(self):
        # Scenario: a test forbids its own line; the log holds a PANIC instead. Expected:
        # the PANIC is still reported (--forbid adds to the default, never replaces it).
        log = GOOD_BOOT.replace("kbd: ps2", "PANIC: page fault (vector 14)")
        f = checks.check_forbidden(log, [r"^usb: .*refused"])
        self.assertTrue(any("PANIC" in x for x in f), f)

    def test_expected_panic(self):
        # Scenario: a test provokes "PANIC: requested from the shell" (--panic). Expected:
        # that panic passes; no panic at all, another panic, or a second one after it fail.
        want = r"^PANIC: requested from the shell$"
        log = GOOD_BOOT + "\n\x1b[1;31mPANIC: requested from the shell\x1b[0m\r\n"
        self.assertEqual(checks.check_forbidden(log, None, want), [])
        self.assertTrue(checks.check_forbidden(GOOD_BOOT, None, want))
        self.assertTrue(checks.check_forbidden(
            log.replace("requested from the shell", "page fault (vector 14)"), None, want))
        self.assertTrue(checks.check_forbidden(
            log + "PANIC: General protection (vector 13)\n", None, want))


class WrapLines(unittest.TestCase):
    # What the scroll scenario compares the screen with: serial lines cut like a console.
    def test_wrap(self):
        self.assertEqual(checks.wrap_lines(["abcdefg", "", "xy  "], 3),
                         ["abc", "def", "g", "", "xy"])

    def test_exact_width_does_not_wrap(self):
        self.assertEqual(checks.wrap_lines(["abc"], 3), ["abc"])


class MemLine(unittest.TestCase):
    def test_mem_line(self):
        # Scenario: -m 8G reports 7.8 GiB usable with 4 GiB above 4 GiB. Expected: the
        # thresholds of an 8G boot pass; a report without RAM above 4 GiB, a short count and
        # a missing line fail.
        good = "mem: 7.8 GiB usable (4 GiB above 4 GiB), 2045000 free frames of 2045500\n"
        self.assertEqual(checks.check_mem_line(good, 7500, 4000), [])
        self.assertTrue(checks.check_mem_line(good.replace("4 GiB above", "0 B above"),
                                              7500, 4000))
        self.assertTrue(checks.check_mem_line(good.replace("7.8 GiB", "3000 MiB"), 7500, 4000))
        # units: 1.5 GiB is 1536 MiB, and 512 KiB is half a MiB
        self.assertEqual(checks.check_mem_line(good.replace("7.8 GiB", "1.5 GiB"), 1536), [])
        self.assertTrue(checks.check_mem_line(good.replace("7.8 GiB", "512 KiB"), 1))
        self.assertTrue(checks.check_mem_line("mem: lots\n", 1))


class ExitChecks(unittest.TestCase):
    def test_exit_codes(self):
        # Scenario: every way QEMU can end. Expected: only the expected status passes.
        self.assertEqual(checks.check_exit(33, 33), [])
        self.assertTrue(checks.check_exit(35, 33))     # self-test failure
        self.assertTrue(checks.check_exit(0, 33))      # reset / triple fault
        self.assertTrue(checks.check_exit(None, 33))   # killed on timeout
        self.assertEqual(checks.check_exit(None, None), [])

    def test_selftest_exit_must_match_verdict(self):
        # Scenario: all tests pass but QEMU exited with 35, and vice versa. Expected: both
        # reported; the matching pairs pass.
        failing = ktap_with("ok 4 mm.heap", "not ok 4 mm.heap").replace("0 failed", "1 failed")
        failing = failing.replace("3 passed", "2 passed")
        self.assertEqual(checks.check_selftest_exit(GOOD_KTAP, 33), [])
        self.assertTrue(checks.check_selftest_exit(GOOD_KTAP, 35))
        self.assertEqual(checks.check_selftest_exit(failing, 35), [])
        self.assertTrue(checks.check_selftest_exit(failing, 33))


class KtapChecks(unittest.TestCase):
    def test_good_ktap_passes(self):
        # Scenario: complete KTAP with a skip, suite comments and diagnostics. Expected: pass.
        self.assertEqual(checks.check_ktap(GOOD_KTAP), [])
        k = checks.parse_ktap(GOOD_KTAP)
        self.assertEqual((k.plan, len(k.results), len(k.skipped)), (4, 4, 1))

    def test_summary_without_skip_count(self):
        # Scenario: no skips, final line without the ", S skipped" part. Expected: pass.
        log = ktap_with("ok 3 mm.oom # SKIP needs -m 64M", "ok 3 mm.oom")
        log = log.replace("3 passed, 0 failed, 1 skipped", "4 passed, 0 failed")
        self.assertEqual(checks.check_ktap(log), [])

    def test_missing_version(self):
        # Scenario: no "KTAP version 1" line. Expected: failure.
        self.assertTrue(checks.check_ktap(ktap_with("KTAP version 1", "KTAP version 2")))

    def test_missing_results(self):
        # Scenario: the kernel died after result 2 (no more results, no final line).
        # Expected: plan mismatch and missing final line reported.
        log = GOOD_KTAP.split("ok 3")[0]
        f = checks.check_ktap(log)
        self.assertTrue(any("plan says 4" in x for x in f), f)
        self.assertTrue(any("final line" in x for x in f), f)

    def test_plan_mismatch(self):
        # Scenario: plan 1..5 but 4 results. Expected: failure.
        self.assertTrue(checks.check_ktap(ktap_with("1..4", "1..5")))

    def test_no_plan(self):
        # Scenario: the plan line is missing. Expected: failure.
        self.assertTrue(checks.check_ktap(ktap_with("1..4\n", "")))

    def test_not_ok(self):
        # Scenario: one test failed and the final line says so. Expected: the not ok result
        # is reported (though the log is consistent).
        log = ktap_with("ok 4 mm.heap", "not ok 4 mm.heap")
        log = log.replace("3 passed, 0 failed", "2 passed, 1 failed")
        f = checks.check_ktap(log)
        self.assertEqual(f, ["not ok 4 mm.heap"])
        self.assertEqual(checks.check_ktap(log, allow_failures=True), [])

    def test_inconsistent_final_line(self):
        # Scenario: the final line's counts disagree with the results. Expected: failure.
        self.assertTrue(checks.check_ktap(ktap_with("3 passed, 0 failed", "4 passed, 0 failed")))
        self.assertTrue(checks.check_ktap(ktap_with("0 failed, 1", "1 failed, 1")))
        self.assertTrue(checks.check_ktap(ktap_with("1 skipped", "2 skipped")))

    def test_missing_final_line(self):
        # Scenario: every result printed but no "selftest:" line. Expected: failure.
        self.assertTrue(checks.check_ktap(ktap_with("selftest: 3 passed, 0 failed, 1 skipped",
                                                    "")))

    def test_misnumbered_and_duplicate(self):
        # Scenario: results numbered 1,2,2,4 / a second plan line. Expected: failures.
        self.assertTrue(checks.check_ktap(ktap_with("ok 3 mm.oom", "ok 2 mm.oom")))
        self.assertTrue(checks.check_ktap(ktap_with("1..4\n", "1..4\n1..4\n")))

    def test_skip_counted_as_pass(self):
        # Scenario: a kernel counts the skip as a pass and prints no skipped count, or
        # counts it twice. Expected: failure each time (a skip is never a pass).
        self.assertTrue(checks.check_ktap(ktap_with("3 passed, 0 failed, 1 skipped",
                                                    "4 passed, 0 failed")))
        self.assertTrue(checks.check_ktap(ktap_with("3 passed, 0 failed, 1 skipped",
                                                    "3 passed, 0 failed")))
        self.assertTrue(checks.check_ktap(ktap_with("3 passed, 0 failed, 1 skipped",
                                                    "4 passed, 0 failed, 1 skipped")))

    def test_empty_plan(self):
        # Scenario: the runner found no test: "1..0", no results, "0 passed". Expected: fail.
        log = "KTAP version 1\n1..0\nselftest: 0 passed, 0 failed\n"
        self.assertTrue(checks.check_ktap(log))

    def test_skip_without_reason_or_unknown_directive(self):
        # Scenario: "# SKIP" with no reason; "# TODO" instead of a skip. Expected: failure.
        self.assertTrue(checks.check_ktap(ktap_with("# SKIP needs -m 64M", "# SKIP")))
        self.assertTrue(checks.check_ktap(ktap_with("ok 4 mm.heap", "ok 4 mm.heap # TODO")))

    def test_skip_hiding_a_broken_tick(self):
        # Scenario: the tick tests skip "no tick on this machine" (tick_hz 0: the timer set-up
        # broke) or "interrupts disabled". Expected: failure, unless the cell allows it.
        for reason in ("no tick on this machine", "interrupts disabled"):
            log = ktap_with("needs -m 64M", reason)
            f = checks.check_ktap(log)
            self.assertTrue(any("not expected" in x for x in f), f)
            self.assertEqual(checks.check_ktap(log, allow_skips=["^" + reason + "$"]), [])

    def test_every_ktest_reported_once(self):
        # Scenario: the sources define the four tests of GOOD_KTAP; then a fifth the kernel
        # never ran (its file left out of the build), a result no KTEST defines, and one test
        # reported twice. Expected: only the exact set passes.
        srcs = ["KTEST(exceptions, divide_error)\n{\n}\nKTEST(exceptions, invalid_opcode)\n",
                "KTEST(mm, oom)\nKTEST( mm , heap )\n"]
        names = checks.ktest_names(srcs)
        self.assertEqual(checks.check_ktest_names(GOOD_KTAP, names), [])
        self.assertTrue(checks.check_ktest_names(GOOD_KTAP, names | {"usb.port_reset"}))
        self.assertTrue(checks.check_ktest_names(GOOD_KTAP, names - {"mm.heap"}))
        self.assertTrue(checks.check_ktest_names(ktap_with("ok 2 exceptions.invalid_opcode",
                                                           "ok 2 exceptions.divide_error"),
                                                 names | {"exceptions.divide_error"}))

    def test_empty_log(self):
        # Scenario: nothing on serial at all. Expected: failure, not an exception.
        self.assertTrue(checks.check_ktap(""))


class ScreenDecoding(unittest.TestCase):
    TEXT = ["LiOS 0.1.0 (x86_64)", "console: framebuffer 1024x768 32bpp pitch 4096",
            "Hello, World! {[(<|>)]} ~`@#$%^&*_+-=;:'\",./?\\", "lios> "]

    def test_framebuffer_round_trip(self):
        # Scenario: text drawn with Lat15-Terminus16 at scale 1 on a 40x6-cell screen.
        # Expected: decoded back exactly (trailing blanks cut).
        font = screen.load_font(screen.FONT_8X16)
        img = screen.render_text(self.TEXT, font, 60, 6)
        lines = screen.decode_framebuffer(img)
        self.assertEqual(lines[:4], [t[:60].rstrip() for t in self.TEXT])
        self.assertEqual(lines[4:], ["", ""])

    def test_framebuffer_round_trip_hidpi(self):
        # Scenario: a screen taller than 1440 pixels, text drawn at scale 2, blue background.
        # Expected: the decoder picks scale 2 and reads the text back.
        font = screen.load_font(screen.FONT_8X16)
        img = screen.render_text(self.TEXT, font, 60, 46, scale=2, bg=b"\x00\x00\x80")
        self.assertGreaterEqual(img.height, screen.HIDPI_HEIGHT)
        lines = screen.decode_framebuffer(img)
        self.assertEqual(lines[:4], [t[:60].rstrip() for t in self.TEXT])

    def test_cursor_cells(self):
        # Scenario: an underline cursor (bottom 2 rows) over an "x" and after "lios> xy", and
        # an inverted block cursor over "y". Expected: read as blank, "x" and "y".
        font = screen.load_font(screen.FONT_8X16)
        img = screen.render_text(["lios> xy"], font, 10, 1)
        buf = bytearray(img.rgb)
        for x in list(range(6 * 8, 7 * 8)) + list(range(8 * 8, 9 * 8)):
            for y in (14, 15):
                buf[(y * img.width + x) * 3:(y * img.width + x) * 3 + 3] = b"\xaa\xaa\xaa"
        for x in range(7 * 8, 8 * 8):  # invert the "y" cell
            for y in range(16):
                o = (y * img.width + x) * 3
                lit = buf[o:o + 3] != b"\x00\x00\x00"
                buf[o:o + 3] = b"\x00\x00\x00" if lit else b"\xaa\xaa\xaa"
        lines = screen.decode_framebuffer(screen.Image(img.width, img.height, buf))
        self.assertEqual(lines, ["lios> xy"])

    def test_wrong_text_is_not_decoded_as_expected(self):
        # Scenario: the screen says "LiOS raedy". Expected: the ready check fails on it.
        font = screen.load_font(screen.FONT_8X16)
        img = screen.render_text(["LiOS raedy"], font, 20, 2)
        lines = screen.decode_framebuffer(img)
        self.assertTrue(checks.check_expected("\n".join(lines), [r"^LiOS ready$"]))

    def test_vga_text(self):
        # Scenario: VGA text memory with attributes, NULs and a CP437 box character.
        # Expected: 25 lines, attributes ignored, NUL as blank, 0xC4 as U+2500.
        mem = bytearray(screen.VGA_TEXT_BYTES)
        for i, b in enumerate(b"lios> \xc4"):
            mem[2 * i], mem[2 * i + 1] = b, 0x1F
        lines = screen.decode_vga_text(bytes(mem))
        self.assertEqual(len(lines), 25)
        self.assertEqual(lines[0], "lios> \u2500")
        self.assertEqual(lines[1:], [""] * 24)

    def test_png_and_ppm(self):
        # Scenario: write a 3x2 image as PNG and PPM. Expected: the PNG's signature, IHDR
        # and decompressed rows match; the PPM reads back identical.
        img = screen.Image(3, 2, bytes(range(18)))
        with tempfile.TemporaryDirectory() as d:
            screen.write_png(img, d + "/x.png")
            screen.write_ppm(img, d + "/x.ppm")
            data = open(d + "/x.png", "rb").read()
            back = screen.read_ppm(d + "/x.ppm")
        self.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n")
        w, h, depth, ctype = struct.unpack(">IIBB", data[16:26])
        self.assertEqual((w, h, depth, ctype), (3, 2, 8, 2))
        idat_len = struct.unpack(">I", data[33:37])[0]
        raw = zlib.decompress(data[41:41 + idat_len])
        self.assertEqual(raw, b"\0" + bytes(range(9)) + b"\0" + bytes(range(9, 18)))
        self.assertEqual((back.width, back.height, back.rgb), (3, 2, img.rgb))


class Keys(unittest.TestCase):
    def test_char_to_keys(self):
        # Scenario: letters, capitals, digits and punctuation of "echo Hello, World!".
        # Expected: shift for capitals and '!', qcode names for the rest.
        self.assertEqual(lios_qemu.char_to_keys("e"), ["e"])
        self.assertEqual(lios_qemu.char_to_keys("H"), ["shift", "h"])
        self.assertEqual(lios_qemu.char_to_keys("!"), ["shift", "1"])
        self.assertEqual(lios_qemu.char_to_keys(","), ["comma"])
        self.assertEqual(lios_qemu.char_to_keys(" "), ["spc"])
        self.assertEqual(lios_qemu.char_to_keys("\n"), ["ret"])
        self.assertEqual(lios_qemu.char_to_keys("?"), ["shift", "slash"])
        with self.assertRaises(lios_qemu.HarnessError):
            lios_qemu.char_to_keys("\u00e9")


class ScenarioRegistry(unittest.TestCase):
    def test_cells_name_registered_scenarios(self):
        # Scenario: every --scenario NAME in the CTest cells (CMakeLists.txt and the
        # included *.cmake files, foreach lists included). Expected: each is registered,
        # to a function of a scenarios/ topic module.
        here = os.path.dirname(os.path.abspath(__file__))
        names = set()
        for f in sorted(os.listdir(here)):
            if f == "CMakeLists.txt" or f.endswith(".cmake"):
                with open(os.path.join(here, f)) as cm:
                    text = cm.read()
                names.update(re.findall(r"--scenario ([\w-]+)", text))
                for words in re.findall(r"foreach\(scenario ([^)]*)\)", text):
                    names.update(words.split())
        self.assertIn("echo", names)
        self.assertEqual(sorted(names - set(scenarios.SCENARIOS)), [])
        for name, fn in scenarios.SCENARIOS.items():
            self.assertTrue(fn.__module__.startswith("scenarios."), name)

    def test_bad_registrations_refused(self):
        # Scenario: a second function under a name already taken, an empty name, a name
        # with a blank. Expected: ValueError each time, the registry unchanged.
        before = dict(scenarios.SCENARIOS)
        for name in ("echo", "", "two words"):
            with self.assertRaises(ValueError):
                scenarios.scenario(name)(lambda m, args: [])
        self.assertEqual(scenarios.SCENARIOS, before)


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
            open(script, "w").write("true\n")
            with self.assertRaises(esp.EspError):
                esp.grub_cfg(script, "LiOS")


GOOD_HEAPTRACE = """lios> heaptrace\r
heaptrace: begin 3 events from 0, capacity 64\r
H+ ffffc90000001000 4000\r
H+ ffffc90000002000 48\r
H- ffffc90000002000\r
heaptrace: end 3 recorded, 0 lost, 0 failed, 0 refused; heap since start: 2 allocs, 1 frees, 1 live\r
heaptrace: 3 events on serial, 0 lost, ring of 64\r
lios> heaptrace\r
heaptrace: begin 3 events from 3, capacity 64\r
H+ ffffc90000002000 5\r
kbd: usb 1-5 removed\r
H~ ffffc90000002000 ffffc90000003000 600\r
H- ffffc90000001000\r
heaptrace: end 6 recorded, 0 lost, 0 failed, 0 refused; heap since start: 4 allocs, 3 frees, 1 live\r
""".replace("\r", "")


class HeapTraceChecks(unittest.TestCase):
    def test_good_trace(self):
        t = heaptrace.from_log(GOOD_HEAPTRACE, ["boot", "session"])
        self.assertEqual(t.sections, [("boot", [("+", 0, 4000), ("+", 1, 48), ("-", 1)]),
                                      ("session", [("+", 1, 5), ("~", 1, 600), ("-", 0)])])
        self.assertEqual((t.peak_bytes, t.peak_live), (4600, 2))
        self.assertTrue(t.reached(4, 2, 2))   # after the move
        self.assertFalse(t.reached(3, 2, 1))

    def test_bad_traces_refused(self):
        bad = {"is not a live allocation": ("H- ffffc90000001000\nheaptrace: end 6",
                                            "H- ffffc90000009000\nheaptrace: end 6"),
               "events were lost": ("H- ffffc90000001000\n", "H- ffffc90000001000\nH! 2\n"),
               "announces 3 events, has 2": ("H~ ffffc90000002000 ffffc90000003000 600\n", ""),
               "a dump is missing": ("events from 3", "events from 4"),
               "heap frees 4, the events add up to 3": ("4 allocs, 3 frees", "4 allocs, 4 frees"),
               "not a positive number": ("H+ ffffc90000002000 5", "H+ ffffc90000002000 0"),
               "allocated again while live": ("H+ ffffc90000002000 5", "H+ ffffc90000001000 5"),
               "never ends": ("heaptrace: end 6", "heaptrace: ended 6")}
        for why, (old, new) in bad.items():
            text = GOOD_HEAPTRACE.replace(old, new, 1)
            self.assertNotEqual(text, GOOD_HEAPTRACE, why)
            with self.assertRaises(heaptrace.TraceError, msg=why) as cm:
                heaptrace.from_log(text, ["boot", "session"])
            self.assertIn(why, str(cm.exception))

    def test_write(self):
        with tempfile.TemporaryDirectory() as d:
            t = heaptrace.from_log(GOOD_HEAPTRACE, ["boot", "session"])
            t.write(os.path.join(d, "t.txt"), ["a header"])
            with open(os.path.join(d, "t.txt")) as f:
                self.assertEqual(f.read(), "# a header\nboot\n+ 0 4000\n+ 1 48\n- 1\n"
                                           "session\n+ 1 5\n~ 1 600\n- 0\nend\n")


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


if __name__ == "__main__":
    unittest.main(verbosity=2)
