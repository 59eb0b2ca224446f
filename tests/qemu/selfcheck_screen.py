#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""harness.selfcheck.screen: the QEMU harness's screen and keyboard side, no QEMU involved.

A text rendered with the Terminus PSF font decodes back to the same text at scale 1 and 2
(cursors read as the cell beneath), and a misspelt one fails the ready check; VGA text
memory decoding; the PNG and PPM writers' output; the key mapping of typed text; the
scenario registry (every --scenario name of the CTest cells registered, duplicates
refused). The log checks are in selfcheck.py, the tools' in selfcheck_tools.py.
Standard library unittest; exit status 0 = pass.
"""
import os
import re
import struct
import sys
import tempfile
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402
import lios_qemu  # noqa: E402
import scenarios  # noqa: E402
import screen  # noqa: E402


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
            with open(d + "/x.png", "rb") as f:
                data = f.read()
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


if __name__ == "__main__":
    unittest.main(verbosity=2)
