#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host test of tools/psf2c.py, the PSF font converter, on small fonts made here.

A well-formed PSF2 font 6 pixels wide (rows padded to a byte, as the format stores them)
with a Unicode table, and a PSF1 font without one, must convert to the glyphs they hold,
in CP437 order. A font whose glyph records are shorter than its glyph size needs (a PSF2
charsize below height * bytes per row) or whose glyph data ends early (a truncated PSF1)
must be refused with a reason: converted, it would give a C table whose glyphs are shifted
against the ones it names, every character drawn with another's pixels.
Usage: test_psf2c.py (exit status 0 when every check passed).
"""
import os
import re
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                     "..", "..", "..", ".."))
PSF2C = os.path.join(ROOT, "tools", "psf2c.py")
failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL: %s" % what)


def has_all_glyphs(g, what):
    """Checks that the C file of a conversion gave all 256 glyphs, and says whether it did:
    the checks of their bytes come after it. A C file whose table is empty, or written in a
    form the pattern below does not read, gave none, and those checks then compared
    nothing."""
    ok = g is not None and len(g) == 256
    check(ok, "%s: 256 glyphs in the C file, %d read" % (what, len(g or {})))
    return ok


def glyph_rows(index, height, row_bytes):
    """A recognisable glyph: row y of glyph index is (index + y) & 0xff, each byte of it."""
    return b"".join(bytes([(index + y) & 0xFF]) * row_bytes for y in range(height))


def psf2(width, height, count, charsize=None, table=True, cut=0):
    row_bytes = (width + 7) // 8
    charsize = row_bytes * height if charsize is None else charsize
    data = b"".join(glyph_rows(i, height, row_bytes)[:charsize].ljust(charsize, b"\0")
                    for i in range(count))
    hdr = struct.pack("<4sIIIIIII", b"\x72\xb5\x4a\x86", 0, 32, 1 if table else 0, count,
                      charsize, height, width)
    out = hdr + data
    if table:  # glyph i is the Unicode character i
        out += b"".join(chr(i).encode("utf-8") + b"\xff" for i in range(count))
    return out[:len(out) - cut]


def psf1(height, count=256, cut=0):
    data = b"".join(glyph_rows(i, height, 1) for i in range(count))
    out = b"\x36\x04\x00" + bytes([height]) + data
    return out[:len(out) - cut]


def convert(tmp, name, data):
    """(exit status, stderr, {byte: glyph bytes} or None) of psf2c.py on data."""
    src, dst = os.path.join(tmp, name + ".psf"), os.path.join(tmp, name + ".c")
    with open(src, "wb") as f:
        f.write(data)
    if os.path.exists(dst):
        os.unlink(dst)
    r = subprocess.run([sys.executable, PSF2C, src, dst, "f"], capture_output=True,
                       text=True)
    if r.returncode != 0:
        return r.returncode, r.stderr, None
    glyphs = {}
    with open(dst) as f:
        for line in f:
            m = re.match(r"\t/\* 0x([0-9a-f]{2}) .* \*/ ?(.*),$", line)
            if m:  # a glyph with no bytes (what a cut font gave) is b""
                body = [v for v in m.group(2).split(", ") if v]
                glyphs[int(m.group(1), 16)] = bytes(int(v, 16) for v in body)
    return 0, r.stderr, glyphs


def main():
    with tempfile.TemporaryDirectory() as tmp:
        # PSF2, 6x10 with a Unicode table: 'A' (0x41) is glyph 0x41, 10 bytes, one per row
        rc, err, g = convert(tmp, "good2", psf2(6, 10, 256))
        check(rc == 0, "well-formed 6x10 PSF2 converts (%s)" % err.strip())
        if has_all_glyphs(g, "6x10 PSF2"):
            check(g[0x41] == glyph_rows(0x41, 10, 1), "PSF2 'A' is the font's glyph 0x41")
            check(g[0x01] == bytes(10), "control byte 0x01 is blank")
        # PSF1, 8x14 without a table: taken in CP437 order
        rc, err, g = convert(tmp, "good1", psf1(14))
        check(rc == 0, "well-formed PSF1 converts (%s)" % err.strip())
        if has_all_glyphs(g, "PSF1"):
            check(g[0x41] == glyph_rows(0x41, 14, 1), "PSF1 'A' is the font's glyph 0x41")
        # PSF2 8x16 whose charsize says 8 bytes a glyph: refused, said why
        rc, err, g = convert(tmp, "short2", psf2(8, 16, 256, charsize=8))
        check(rc != 0, "PSF2 with charsize 8 for 8x16 glyphs refused")
        check("charsize" in err or "glyph size" in err,
              "the reason names the glyph size: %r" % err.strip())
        # PSF2 16x32 whose charsize is larger than needed: the extra bytes are skipped
        rc, err, g = convert(tmp, "long2", psf2(16, 32, 256, charsize=72))
        check(rc == 0, "PSF2 with padded glyph records converts (%s)" % err.strip())
        if has_all_glyphs(g, "padded PSF2"):
            check(g[0x41] == glyph_rows(0x41, 32, 2), "padded PSF2 'A' is glyph 0x41")
        # PSF1 cut 100 bytes short of its 256 glyphs: refused, said why
        rc, err, g = convert(tmp, "cut1", psf1(16, cut=100))
        check(rc != 0, "truncated PSF1 refused")
        check("truncated" in err, "the reason says truncated: %r" % err.strip())
        # PSF2 cut short too (already refused before this test: kept so)
        rc, err, g = convert(tmp, "cut2", psf2(8, 16, 256, table=False, cut=100))
        check(rc != 0 and "truncated" in err, "truncated PSF2 refused")
    print("test_psf2c: %s" % ("all checks passed" if not failures else
                              "%d check(s) failed" % failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
