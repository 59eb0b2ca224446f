# SPDX-License-Identifier: MIT
"""Keyboard scenarios of the screen console as output outgrows it (issues 4 and 14):
scrolling, the scrollback (Shift+PgUp/PgDn) and the pager's "-- more --".

Shell output goes to the screen and to serial alike, so the serial log is the reference
the decoded screen is compared with: after scrolling, every screen row must equal the
serial line the console shows there (serial lines wrapped at the console's width, from its
"WxH cells" line; 80x25 for VGA text). The pager stops only the screen; serial gets all
of a command's output at once. Registered with scenarios.scenario; the helpers are
scenarios/common.py's.
"""
import re
import time

import checks

from .common import PROMPT, check_screen, last_row, read_screen, read_screen_until
from . import scenario


@scenario("scroll")
def scenario_scroll(m, args):
    # "help" four times: far more output than the screen has rows, so every row is
    # redrawn by dozens of scrolls. Shell output goes to the screen and to serial alike,
    # so the whole screen, row by row, must then equal the last lines of the serial log.
    start = begin = len(m.serial())
    m.send_keys("help\n" * 4)
    for _ in range(4):  # the prompt after each command
        start = m.wait_for_serial(r"^" + PROMPT, 20.0, start).end()
    text = m.serial()
    cells = re.search(r"(\d+)x(\d+) cells$", text, re.MULTILINE)
    cols, rows = (int(cells.group(1)), int(cells.group(2))) if cells else (80, 25)
    sent = checks.wrap_lines(checks.log_lines(text), cols)
    output = len(checks.wrap_lines(checks.log_lines(text[begin:]), cols))
    if output <= rows:
        return ["scroll: %d lines of output do not fill a %d-row screen" % (output, rows)]

    def differences(shown):
        failures = []
        if len(shown) != rows:
            failures.append("scroll: %d screen rows decoded, the console has %d"
                            % (len(shown), rows))
        for i, (want, got) in enumerate(zip(sent[-rows:], shown)):
            if want.rstrip(" ") != got:
                failures.append("scroll: screen row %d is %r, serial has %r" % (i, got, want))
        return failures
    # the console may still be catching up with serial: the rows must match in the end
    shown = read_screen_until(m, args.screen or "auto", args.name,
                              lambda lines: not differences(lines))
    return differences(shown)[:10]


@scenario("scrollback")
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
        # the prompt comes back, or (a short screen) the pager stops at "-- more --" and
        # the prompt waits for q: told by the screen, not guessed from a pause
        lines = read_screen_until(
            m, mode, args.name,
            lambda lines: last_row(lines) in (PROMPT.rstrip(), "-- more --"), 20.0)
        if last_row(lines) == "-- more --":
            m.send_keys("q")
        m.wait_for_serial(r"^" + PROMPT, 20.0, start)
        read_screen_until(m, mode, args.name, lambda lines: last_row(lines) == PROMPT.rstrip())
    else:
        return ["scrollback: the banner is still on the live screen"]
    for _ in range(40):  # far more pages than the boot log has: clamps at the oldest row
        m.send_key(["shift", "pgup"])
    failures = check_screen(m, mode, args.name + ".back", [r"^LiOS [0-9]"])
    for _ in range(40):
        m.send_key(["shift", "pgdn"])
    lines = read_screen_until(m, mode, args.name, lambda lines: last_row(lines) == PROMPT.rstrip()
                              and not any(banner.search(ln) for ln in lines))
    if any(banner.search(ln) for ln in lines):
        failures.append("scrollback: the banner is still shown after Shift+PgDn")
    if last_row(lines) != PROMPT.rstrip():
        failures.append("scrollback: last row %r after Shift+PgDn, expected the prompt"
                        % last_row(lines))
    return failures


@scenario("pager")
def scenario_pager(m, args):
    # Issue 14: "help" on a 80x25 screen does not fit: it stops at "-- more --" (serial
    # has all of it at once), and q returns to the prompt. Then dmesg's first page.
    mode = args.screen or "auto"
    start = len(m.serial())
    m.send_keys("help\n")
    m.wait_for_serial(r"^Keys:", 20.0, start)
    failures = check_screen(m, mode, args.name + ".more", [r"^-- more --$"])
    if re.search(r"^" + PROMPT, m.serial()[start:], re.MULTILINE):
        failures.append("pager: the prompt came back while -- more -- waited")
    m.send_keys("q")
    m.wait_for_serial(r"^" + PROMPT, 20.0, start)
    lines = read_screen_until(m, mode, args.name, lambda lines: last_row(lines) == PROMPT.rstrip()
                              and "-- more --" not in lines)
    if any(ln == "-- more --" for ln in lines):
        failures.append("pager: -- more -- still shown after q")
    if last_row(lines) != PROMPT.rstrip():
        failures.append("pager: last row %r after q, expected the prompt" % last_row(lines))
    # dmesg writes a message at a time, batched (console_batch_begin): its first page must
    # be drawn whole before "-- more --" waits, down to the log line above the prompt.
    start = len(m.serial())
    m.send_keys("dmesg\n")
    m.wait_for_serial(r"^console: ", 20.0, start)  # the log's console lines are early
    failures += check_screen(m, mode, args.name + ".dmesg", [r"^-- more --$"])
    lines = [ln for ln in read_screen(m, mode, args.name + ".dmesg") if ln.strip()]
    above = lines[-2] if len(lines) >= 2 and lines[-1] == "-- more --" else ""
    if not above or above not in m.serial()[start:]:
        failures.append("pager: dmesg's row above -- more -- %r is no log text" % above)
    m.send_keys("q")
    m.wait_for_serial(r"^" + PROMPT, 20.0, start)
    return failures


@scenario("selftest-paged")
def scenario_selftest_paged(m, args):
    # `selftest` typed at the prompt runs with its screen output paged. The pager once grew
    # its buffer from inside printk, in the middle of the tests: on OVMF's 800x600 screen
    # heap.misuse_is_refused counted that allocation as its own and failed. Serial gets the
    # whole run at once; Space pages the screen until the prompt is back. No test may
    # fail, and the verdict must say 0 failed.
    start = len(m.serial())
    m.send_keys("selftest\n")
    verdict = m.wait_for_serial(r"^selftest: (\d+) passed, (\d+) failed", 150.0, start)
    prompt = None
    for _ in range(200):  # a page per Space until the prompt is back
        prompt = re.compile(r"^" + PROMPT, re.MULTILINE).search(m.serial(), verdict.end())
        if prompt:
            break
        m.send_keys(" ", echo=False)  # the pager answers on the screen only
        time.sleep(0.3)
    run = m.serial()[start:verdict.end()]
    failures = ["selftest: %s" % ln for ln in re.findall(r"^not ok .*$", run, re.MULTILINE)]
    if verdict.group(2) != "0":
        failures.append("selftest: %s" % verdict.group(0))
    if int(verdict.group(1)) == 0:
        failures.append("selftest: nothing passed")
    if not prompt:
        failures.append("pager: the prompt did not come back after 200 Spaces")
    return failures
