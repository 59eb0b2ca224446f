#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Convert a PSF console font (PSF1 or PSF2, gzip-compressed or plain) into a C table.

The console draws bytes, and a byte means what it means in VGA text mode: code page 437.
So the table has exactly 256 glyphs, glyph i being the font's glyph for the Unicode
character that CP437 byte i stands for (looked up in the font's Unicode table; bytes
0x00-0x1f are the control characters and get a blank glyph). A character the font lacks is
drawn as '?'. Bytes 0x20-0x7e are ASCII and must all be present, or the conversion fails.

Output: one C file defining `const struct console_font <symbol>` (see
src/drivers/console/font.h): width and height in pixels, bytes per glyph row, and the
256 glyphs, rows top to bottom, most significant bit leftmost.

Usage: psf2c.py FONT.psf[.gz] OUT.c SYMBOL [HEADER]
HEADER is the path the generated file includes for struct console_font (default font.h).

       psf2c.py --cp437 OUT.c
writes `const uint16_t console_cp437_unicode[128]`: the Unicode character of each CP437
byte 0x80-0xff, which the terminal uses to show UTF-8 text with the CP437 glyphs.
Python 3 standard library only.
"""
import gzip
import struct
import sys

PSF1_MAGIC = b"\x36\x04"
PSF1_MODE512 = 0x01
PSF1_MODEHASTAB = 0x02
PSF1_SEPARATOR = 0xFFFF
PSF1_STARTSEQ = 0xFFFE

PSF2_MAGIC = b"\x72\xb5\x4a\x86"
PSF2_HAS_UNICODE_TABLE = 0x01
PSF2_SEPARATOR = 0xFF
PSF2_STARTSEQ = 0xFE


class FontError(Exception):
    pass


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def parse_psf1(data):
    """Returns (width, height, glyph bytes list, {codepoint: glyph index})."""
    mode, charsize = data[2], data[3]
    count = 512 if mode & PSF1_MODE512 else 256
    if 4 + count * charsize > len(data):
        raise FontError("truncated glyph data")
    glyphs = [data[4 + i * charsize: 4 + (i + 1) * charsize] for i in range(count)]
    umap = {}
    if mode & PSF1_MODEHASTAB:
        pos = 4 + count * charsize
        index = 0
        in_seq = False
        while index < count and pos + 2 <= len(data):
            (v,) = struct.unpack_from("<H", data, pos)
            pos += 2
            if v == PSF1_SEPARATOR:
                index += 1
                in_seq = False
            elif v == PSF1_STARTSEQ:
                in_seq = True  # combining sequences are not single characters
            elif not in_seq:
                umap.setdefault(v, index)
    return 8, charsize, glyphs, umap


def utf8_chars(entry):
    """Decode one PSF2 table entry (the bytes before a sequence start) to codepoints."""
    try:
        return [ord(c) for c in entry.decode("utf-8")]
    except UnicodeDecodeError as e:
        raise FontError("bad UTF-8 in the unicode table: %s" % e)


def parse_psf2(data):
    (magic, version, headersize, flags, length, charsize, height,
     width) = struct.unpack_from("<4sIIIIIII", data, 0)
    if version != 0:
        raise FontError("unknown PSF2 version %d" % version)
    # each glyph record holds its rows, padded to whole bytes: a shorter charsize would
    # shift every glyph of the table against the character it is drawn for
    if charsize < (width + 7) // 8 * height:
        raise FontError("glyph size (charsize) of %d bytes, %dx%d glyphs need %d" %
                        (charsize, width, height, (width + 7) // 8 * height))
    end = headersize + length * charsize
    if end > len(data):
        raise FontError("truncated glyph data")
    glyphs = [data[headersize + i * charsize: headersize + (i + 1) * charsize]
              for i in range(length)]
    umap = {}
    if flags & PSF2_HAS_UNICODE_TABLE:
        pos = end
        for index in range(length):
            stop = data.index(bytes([PSF2_SEPARATOR]), pos)
            entry = data[pos:stop]
            pos = stop + 1
            single = entry.split(bytes([PSF2_STARTSEQ]))[0]
            for cp in utf8_chars(single):
                umap.setdefault(cp, index)
    return width, height, glyphs, umap


def parse(data):
    if data[:4] == PSF2_MAGIC:
        return parse_psf2(data)
    if data[:2] == PSF1_MAGIC:
        return parse_psf1(data)
    raise FontError("not a PSF1 or PSF2 font")


def cp437_codepoint(byte):
    return ord(bytes([byte]).decode("cp437"))


def build_table(width, height, glyphs, umap):
    """256 glyphs in CP437 order; returns (rows_bytes_per_glyph_list, missing list)."""
    row_bytes = (width + 7) // 8
    size = row_bytes * height
    if umap:
        lookup = umap
    else:  # no table: assume the font is in CP437 order already
        lookup = {cp437_codepoint(b): b for b in range(min(256, len(glyphs)))}
    fallback = lookup.get(ord("?"))
    if fallback is None:
        raise FontError("font has no '?' glyph")
    table, missing = [], []
    for b in range(256):
        if b < 0x20:
            table.append(bytes(size))
            continue
        idx = lookup.get(cp437_codepoint(b))
        if idx is None:
            if 0x20 <= b <= 0x7E:
                raise FontError("font lacks ASCII character 0x%02x" % b)
            missing.append(b)
            idx = fallback
        table.append(glyphs[idx][:size])
    return row_bytes, table, missing


def emit(out, symbol, src, header, width, height, row_bytes, table, missing):
    lines = []
    lines.append("// SPDX-License-Identifier: MIT")
    lines.append("/* Generated by tools/psf2c.py from %s: do not edit. */" % src)
    lines.append("/* %dx%d, 256 glyphs in CP437 order; %d drawn as '?'. */" %
                 (width, height, len(missing)))
    lines.append('#include "%s"' % header)
    lines.append("")
    lines.append("static const uint8_t %s_glyphs[256 * %d] = {" %
                 (symbol, row_bytes * height))
    for b, glyph in enumerate(table):
        shown = chr(b) if 0x20 <= b <= 0x7E and chr(b) not in "\\*/" else "."
        body = ", ".join("0x%02x" % v for v in glyph)
        lines.append("\t/* 0x%02x %s */ %s," % (b, shown, body))
    lines.append("};")
    lines.append("")
    lines.append("const struct console_font %s = {" % symbol)
    lines.append("\t.width = %d," % width)
    lines.append("\t.height = %d," % height)
    lines.append("\t.row_bytes = %d," % row_bytes)
    lines.append("\t.glyphs = %s_glyphs," % symbol)
    lines.append("};")
    out.write("\n".join(lines) + "\n")


def emit_cp437(dst):
    lines = ["// SPDX-License-Identifier: MIT",
             "/* Generated by tools/psf2c.py --cp437: do not edit. */",
             "/* Unicode character of each CP437 byte 0x80-0xff. */",
             "#include <lios/types.h>",
             "",
             "const uint16_t console_cp437_unicode[128] = {"]
    for base in range(0x80, 0x100, 8):
        cps = ", ".join("0x%04x" % cp437_codepoint(b) for b in range(base, base + 8))
        lines.append("\t%s, /* 0x%02x */" % (cps, base))
    lines.append("};")
    with open(dst, "w") as out:
        out.write("\n".join(lines) + "\n")
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--cp437":
        return emit_cp437(argv[2])
    if len(argv) not in (4, 5):
        sys.stderr.write("usage: psf2c.py FONT.psf[.gz] OUT.c SYMBOL [HEADER]\n")
        return 2
    src, dst, symbol = argv[1:4]
    header = argv[4] if len(argv) == 5 else "font.h"
    try:
        width, height, glyphs, umap = parse(load(src))
        if not 1 <= width <= 16 or not 1 <= height <= 32:
            raise FontError("unsupported glyph size %dx%d" % (width, height))
        row_bytes, table, missing = build_table(width, height, glyphs, umap)
    except (OSError, FontError, ValueError, struct.error) as e:
        sys.stderr.write("psf2c: %s: %s\n" % (src, e))
        return 1
    with open(dst, "w") as out:
        emit(out, symbol, src.rsplit("/", 1)[-1], header, width, height, row_bytes, table, missing)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
