# SPDX-License-Identifier: MIT
"""Reading back what is really on the guest's screen, standard library only.

This file owns the pixel and font side of the screen tests: the PPM images that QMP
`screendump` writes, a minimal PNG encoder (zlib + struct) so people can look at the same
screenshots, the PSF console fonts (PSF1 and PSF2 with their Unicode tables, parsed here
independently of the kernel's tools/psf2c.py), the decoding of a framebuffer screenshot
back to text by matching every 8x16 character cell against the font's glyphs, and the
decoding of VGA text memory (0xB8000, 80x25 cells of character + attribute, CP437).

Framebuffer cells: cell (col, row) starts at pixel (col*W*scale, row*H*scale) for a WxH
font; its background is its most common colour and every pixel of another colour is
foreground. scale is 2 when the screen is at least 1440 pixels tall (the console's HiDPI
rule), and a native 16x32 font is tried there too.
"""
import collections
import gzip
import struct
import zlib

FONT_DIR = "/usr/share/consolefonts"
FONT_8X16 = FONT_DIR + "/Lat15-Terminus16.psf.gz"
FONT_16X32 = FONT_DIR + "/Lat15-Terminus32x16.psf.gz"
HIDPI_HEIGHT = 1440  # screens at least this tall get 2x text (the console's rule)
VGA_TEXT_BASE = 0xB8000
VGA_TEXT_COLS, VGA_TEXT_ROWS = 80, 25
VGA_TEXT_BYTES = VGA_TEXT_COLS * VGA_TEXT_ROWS * 2

CURSOR_ROWS = 2  # an underline cursor covers at most the bottom 2 font rows

PSF1_MAGIC = b"\x36\x04"
PSF1_MODE512, PSF1_MODEHASTAB = 0x01, 0x02
PSF1_SEPARATOR, PSF1_STARTSEQ = 0xFFFF, 0xFFFE
PSF2_MAGIC = b"\x72\xb5\x4a\x86"
PSF2_HAS_UNICODE_TABLE = 0x01
PSF2_SEPARATOR, PSF2_STARTSEQ = 0xFF, 0xFE


class Image:
    """An RGB image: width, height and 3 bytes per pixel, rows top to bottom."""

    def __init__(self, width, height, rgb):
        self.width, self.height, self.rgb = width, height, bytes(rgb)

    def pixel(self, x, y):
        o = (y * self.width + x) * 3
        return self.rgb[o:o + 3]


def read_ppm(path):
    """Parses a binary PPM (P6, maxval 255) as QEMU's screendump writes it."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise ValueError("%s: not a P6 PPM with maxval 255" % path)
    w, h = int(fields[1]), int(fields[2])
    pos += 1  # the single whitespace byte after maxval
    # QEMU 7.2 pads each row to a multiple of 4 bytes when w * 3 is not one (1366 wide:
    # 4100 bytes, not 4098); read past the padding, else every row shears by 2 bytes
    padded = (w * 3 + 3) & ~3
    if padded != w * 3 and len(data) - pos == padded * h:
        rgb = b"".join(data[pos + y * padded:pos + y * padded + w * 3] for y in range(h))
    else:
        rgb = data[pos:pos + w * h * 3]
    if len(rgb) != w * h * 3:
        raise ValueError("%s: truncated PPM" % path)
    return Image(w, h, rgb)


def write_ppm(img, path):
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (img.width, img.height))
        f.write(img.rgb)


def write_png(img, path):
    """Writes an 8-bit RGB PNG (filter 0 on every row)."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    stride = img.width * 3
    raw = b"".join(b"\0" + img.rgb[y * stride:(y + 1) * stride] for y in range(img.height))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", img.width, img.height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        f.write(chunk(b"IEND", b""))


class Font:
    """A PSF font: width, height, glyphs (tuples of row bit masks, MSB = leftmost pixel)
    and chars: {glyph bitmap: character}, preferring ASCII when glyphs are shared."""

    def __init__(self, path):
        with open(path, "rb") as f:
            data = f.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        if data[:2] == PSF1_MAGIC:
            self._parse_psf1(data)
        elif data[:4] == PSF2_MAGIC:
            self._parse_psf2(data)
        else:
            raise ValueError("%s: not a PSF font" % path)
        self.chars = {}
        for cp in sorted(self.unicode, key=lambda c: (not (0x20 <= c < 0x7F), c)):
            self.chars.setdefault(self.glyphs[self.unicode[cp]], chr(cp))

    def _rows(self, raw):
        bpr = (self.width + 7) // 8
        return tuple(int.from_bytes(raw[r * bpr:(r + 1) * bpr], "big") >> (bpr * 8 - self.width)
                     for r in range(self.height))

    def _parse_psf1(self, data):
        mode, charsize = data[2], data[3]
        count = 512 if mode & PSF1_MODE512 else 256
        self.width, self.height = 8, charsize
        self.glyphs = [self._rows(data[4 + i * charsize:4 + (i + 1) * charsize])
                       for i in range(count)]
        self.unicode = {}
        if not mode & PSF1_MODEHASTAB:
            self.unicode = {i: i for i in range(min(count, 128))}
            return
        pos, index, in_seq = 4 + count * charsize, 0, False
        while index < count and pos + 2 <= len(data):
            (v,) = struct.unpack_from("<H", data, pos)
            pos += 2
            if v == PSF1_SEPARATOR:
                index, in_seq = index + 1, False
            elif v == PSF1_STARTSEQ:
                in_seq = True
            elif not in_seq:
                self.unicode.setdefault(v, index)

    def _parse_psf2(self, data):
        (_, _, hdrsize, flags, count, charsize, height, width) = struct.unpack_from("<8I", data)
        self.width, self.height = width, height
        self.glyphs = [self._rows(data[hdrsize + i * charsize:hdrsize + (i + 1) * charsize])
                       for i in range(count)]
        self.unicode = {}
        if not flags & PSF2_HAS_UNICODE_TABLE:
            self.unicode = {i: i for i in range(min(count, 128))}
            return
        pos, index = hdrsize + count * charsize, 0
        while index < count and pos < len(data):
            if data[pos] == PSF2_SEPARATOR:
                index, pos = index + 1, pos + 1
                continue
            if data[pos] == PSF2_STARTSEQ:  # combining sequences: skip to the separator
                pos = data.index(bytes([PSF2_SEPARATOR]), pos)
                continue
            end = pos + 1
            while end < len(data) and data[end] & 0xC0 == 0x80:
                end += 1
            ch = data[pos:end].decode("utf-8", "replace")
            if len(ch) == 1:
                self.unicode.setdefault(ord(ch), index)
            pos = end

    def match(self, rows):
        """The character whose glyph is 'rows' exactly; else the same with the text cursor
        taken away (an underline in the bottom rows, or an inverted cell); else the nearest
        glyph when at most a few pixels differ; else None."""
        full = (1 << self.width) - 1
        under = tuple(rows[:-CURSOR_ROWS]) + (0,) * CURSOR_ROWS
        for cand in (rows, under, tuple(r ^ full for r in rows)):
            if not any(cand):
                return " "
            ch = self.chars.get(cand)
            if ch is not None:
                return ch
        best, best_d = None, self.width * self.height // 16 + 1
        for glyph, c in self.chars.items():
            d = sum(bin(a ^ b).count("1") for a, b in zip(glyph, rows))
            if d < best_d:
                best, best_d = c, d
        return best


def _cell_rows(img, x0, y0, w, h, scale):
    """Foreground masks of the cell at (x0, y0): one int per font row (MSB leftmost),
    sampling every 'scale'-th pixel. None when the cell lies outside the image."""
    if x0 + w * scale > img.width or y0 + h * scale > img.height:
        return None
    rgb, stride = img.rgb, img.width * 3
    px = [[rgb[(y0 + r * scale) * stride + (x0 + c * scale) * 3:
               (y0 + r * scale) * stride + (x0 + c * scale) * 3 + 3] for c in range(w)]
          for r in range(h)]
    bg = collections.Counter(p for row in px for p in row).most_common(1)[0][0]
    out = []
    for row in px:
        v = 0
        for p in row:
            v = (v << 1) | (p != bg)
        out.append(v)
    return tuple(out)


def decode_with(img, font, scale, unknown="?"):
    """Decodes the screen with one font and scale: a list of lines (trailing blanks cut)
    and the number of cells that matched no glyph."""
    cw, ch = font.width * scale, font.height * scale
    lines, misses = [], 0
    blank = tuple([0] * font.height)
    for row in range(img.height // ch):
        text = []
        for col in range(img.width // cw):
            rows = _cell_rows(img, col * cw, row * ch, font.width, font.height, scale)
            if rows == blank:
                text.append(" ")
                continue
            c = font.match(rows)
            if c is None:
                misses += 1
                c = unknown
            text.append(c)
        lines.append("".join(text).rstrip())
    return lines, misses


_fonts = {}


def load_font(path):
    if path not in _fonts:
        _fonts[path] = Font(path)
    return _fonts[path]


def decode_framebuffer(img, font_path=FONT_8X16, hidpi_font_path=FONT_16X32, scale=None):
    """Decodes a framebuffer screenshot to text lines. scale None picks the console's rule
    (2 at >= 1440 lines; the native 16x32 font is tried there as well, the better decode
    wins)."""
    if scale is not None:
        return decode_with(img, load_font(font_path), scale)[0]
    candidates = [(font_path, 1)]
    if img.height >= HIDPI_HEIGHT:
        candidates = [(font_path, 2), (hidpi_font_path, 1)]
    best = None
    for path, sc in candidates:
        lines, misses = decode_with(img, load_font(path), sc)
        if best is None or misses < best[1]:
            best = (lines, misses)
    return best[0]


def decode_vga_text(mem):
    """Decodes a dump of VGA text memory (character, attribute pairs; CP437) to 25 lines
    with trailing blanks cut. NUL and control bytes read as blanks."""
    chars = bytes(b if b >= 0x20 else 0x20 for b in mem[0:VGA_TEXT_BYTES:2])
    text = chars.decode("cp437")
    return [text[r * VGA_TEXT_COLS:(r + 1) * VGA_TEXT_COLS].rstrip()
            for r in range(len(text) // VGA_TEXT_COLS)]


def render_text(lines, font, cols, rows, scale=1, fg=b"\xaa\xaa\xaa", bg=b"\x00\x00\x00"):
    """Draws text with a font into a new Image (for the harness's own tests)."""
    glyph_of = {}
    for glyph, c in font.chars.items():
        glyph_of.setdefault(c, glyph)
    w, h = cols * font.width * scale, rows * font.height * scale
    buf = bytearray(bg * (w * h))
    for r, line in enumerate(lines[:rows]):
        for c, ch in enumerate(line[:cols]):
            glyph = glyph_of.get(ch, glyph_of["?"])
            for gy in range(font.height * scale):
                bits = glyph[gy // scale]
                y = r * font.height * scale + gy
                for gx in range(font.width * scale):
                    if bits >> (font.width - 1 - gx // scale) & 1:
                        o = (y * w + c * font.width * scale + gx) * 3
                        buf[o:o + 3] = fg
    return Image(w, h, buf)
