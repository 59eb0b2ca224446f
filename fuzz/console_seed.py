#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the seeds of the console fuzzer (fuzz/console_fuzz.c) into the folder given
# (default fuzz/seeds/console): a shell session, UTF-8 good and bad, the erases at a pending
# wrap, extended colours, a long paged listing, a 1x1 screen. Input encoding: columns - 1,
# rows - 1, flags (console_fuzz.c's F_*), scrollback rows, a 4-byte seed, then the text.
# The inputs of the bugs the fuzzer found are kept beside these, not written here:
# view-in-group (a view scroll in a group left the cursor undrawn) and utf8-cut-by-escape
# (a UTF-8 character went on across an escape sequence, past the pager's count).

import seed_dir

SPANS, HW, BATCH, NOCURSOR, RING, BYTES, OPS = 1, 2, 4, 8, 16, 32, 64


def seed(cols, rows, flags, ring, text, rng=1):
    return bytes([cols - 1, rows - 1, flags, ring]) + rng.to_bytes(4, "little") + text


SHELL = (b"LiOS 0.1.0\r\nconsole: framebuffer 1024x768 32bpp pitch 4096\r\n"
         b"\x1b[32mLiOS ready\x1b[0m\r\nlios> help\x1b[D\x1b[D\x1b[2C\x1b[K\r\n"
         + b"".join(b"  cmd%d  \x1b[1mdoes\x1b[22m a thing %s\r\n" % (i, b"x" * (i * 7 % 90))
                    for i in range(40))
         + b"lios> \x1b[2J\x1b[H\x1b[3Jlios> ")
UTF8 = (b"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x96\x91\xe2\x96\x92\r\n"
        b"bad: \xc0\x80 \xed\xa0\x80 \xf8\x88\x80\x80\x80 \xff \x80\x81 \xc3\r\n"
        b"split \xe2\x82\x1b[31m\xac\x1b[0m \xc3\x1b[K\xa9 end\r\n" * 3)
ERASE = b"".join(b"0123456789abcdefghij\x1b[%sZ\r\n" % e
                 for e in (b"K", b"0K", b"1K", b"2K", b"?K", b"3K", b"J", b"1J", b"2J",
                           b"3J", b"?2;1J", b" K", b">K"))
SGR = (b"\x1b[38;5;196mred\x1b[48;2;0;0;255mon blue\x1b[38:2::10:200:30mgreen"
       b"\x1b[38;2:1:2:3mmixed\x1b[58;5;3m\x1b[4:3m\x1b[0m\x1b[1;91;100mbright\x1b[m\n"
       b"\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19mmany\x1b[99999999m\n")
LISTING = b"".join(b"%04d %s\n" % (i, b"-" * (i % 70)) for i in range(200))

SEEDS = {
    "shell": seed(80, 25, SPANS | BATCH | RING | OPS, 200, SHELL),
    "utf8": seed(20, 5, SPANS | RING, 8, UTF8, 7),
    "erase": seed(20, 6, HW | RING | OPS, 4, ERASE, 3),
    "sgr": seed(40, 10, SPANS | HW | BATCH, 0, SGR, 5),
    "listing": seed(42, 16, SPANS | BATCH | RING | OPS, 255, LISTING, 9),
    "tiny": seed(1, 1, RING | BYTES | OPS, 2, UTF8[:60] + ERASE[:40], 11),
}


def main():
    seed_dir.write("console", SEEDS)


if __name__ == "__main__":
    main()
