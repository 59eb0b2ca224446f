# SPDX-License-Identifier: MIT
"""What the keyboard scenarios share, and run_test.py with them: the shell's prompt, waiting
for the shell's answer on serial, and reading the screen back as text.

This file owns the helpers every scenario module (and run_test.py's --screen and
--no-serial checks) uses, one copy each: answer() arms a wait for a serial line that must
come after the keys typed next, and exchange() types keys and waits for such a line;
read_screen() decodes the screen (VGA text memory or a framebuffer screendump, chosen from
the kernel's "console:" line in auto mode) and keeps NAME.png and NAME.screen.txt in the
log directory; read_screen_until() retries it until a condition holds, and check_screen()
until the console, which may lag behind serial, shows every expected line; screen_cols()
and last_row() read the console's width and its last line. Standard library only.
"""
import os
import re
import time

import checks
import screen

PROMPT = r"lios> "


def answer(m, regex, timeout=15.0):
    """Returns a function that waits (at most 'timeout' seconds) for a serial line matching
    'regex' written after this call: call answer() before typing, the result after."""
    start = len(m.serial())
    return lambda: m.wait_for_serial(regex, timeout, start)


def exchange(m, keys, regex, timeout=15.0, send=None):
    """Types 'keys' (with m.send_keys, or send(keys) when given) and waits at most 'timeout'
    seconds for a serial line matching 'regex' written after the typing began. Returns the
    match; raises lios_qemu.HarnessError on a timeout. For keys sent any other way (QMP
    events, held keys), use answer() around them."""
    wait = answer(m, regex, timeout)
    (send or m.send_keys)(keys)
    return wait()


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


def read_screen_until(m, mode, name, ok, settle=8.0):
    """Reads the screen (read_screen) until ok(lines) holds, at most 'settle' seconds: the
    console may lag behind serial on a loaded host. Returns the last lines read; the caller
    checks them as strictly as it would have."""
    deadline = time.monotonic() + min(settle, m.remaining())
    while True:
        lines = read_screen(m, mode, name)
        if ok(lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.5)


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


def screen_cols(m, mode):
    """Columns of the screen console, from its "console:" lines (80 for VGA text)."""
    cells = re.search(r"(\d+)x(\d+) cells$", m.serial(), re.MULTILINE)
    return int(cells.group(1)) if cells and mode != "vga" else 80


def last_row(lines):
    """The last screen line that is not blank ("" when all are)."""
    rows = [ln for ln in lines if ln.strip()]
    return rows[-1] if rows else ""
