# SPDX-License-Identifier: MIT
"""Keyboard scenarios of typing at the shell's prompt: a line typed and echoed, the line
editor (Backspace, cursor keys, history, Tab completion, a line longer than the screen),
an unknown command, the dead keys of the German layout, and a line typed on the serial
line instead of the keyboard (`serial-echo`).

Each scenario types through QMP send-key (US key positions, lios_qemu.char_to_keys), or on
COM1 as a terminal (`serial-echo`, with --serial-input), and checks the answer on serial first, then on the screen (--screen, default auto), so a
line that reached the shell but not the console fails too. Registered with
scenarios.scenario; the helpers are scenarios/common.py's.
"""
import re

from .common import PROMPT, answer, check_screen, exchange, screen_cols
from . import scenario


@scenario("echo")
def scenario_echo(m, args):
    exchange(m, "echo Hello, World!\n", r"^Hello, World!$")
    return check_screen(m, args.screen or "auto", args.name, [r"echo Hello, World!$",
                                                             r"^Hello, World!$"])


@scenario("serial-echo")
def scenario_serial_echo(m, args):
    # A line typed on the serial line alone (a terminal, no key pressed on the keyboard)
    # is answered. Serial input raises no interrupt: the shell reads it on every tick. On a
    # machine with no tick at all it halted for good waiting for one, and only a key on
    # the keyboard woke it: a serial console (a server's, ./lios run --headless) was dead.
    exchange(m, "echo over serial\r", r"^over serial$", send=m.send_serial)
    exchange(m, "echo again\r", r"^again$", send=m.send_serial)
    return []


@scenario("edit")
def scenario_edit(m, args):
    # "cho Hellx" Backspace "o Wrld" Left Left Left "o" Home "e" Enter -> "Hello World".
    # The screen must show the edited line too: Home and the insertions move its cursor
    # with ESC[nD / ESC[nC, which the console once ignored (the line then showed twice).
    wait = answer(m, r"^Hello World$")
    m.send_keys("cho Hellx")
    m.send_key(["backspace"], echo=True)
    m.send_keys("o Wrld")
    for _ in range(3):
        m.send_key(["left"], echo=True)
    m.send_keys("o")
    m.send_key(["home"], echo=True)
    m.send_keys("e\n")
    wait()
    return check_screen(m, args.screen or "auto", args.name,
                        [r"^lios> echo Hello World$", r"^Hello World$"])


@scenario("history")
def scenario_history(m, args):
    # "echo again" Enter, then Up Enter recalls and runs it a second time.
    exchange(m, "echo again\n", r"^again$")
    start = len(m.serial())
    m.send_key(["up"], echo=True)  # the line drawn again
    m.send_key(["ret"], echo=True)
    m.wait_for_serial(r"^again$", 15.0, start)
    return []


@scenario("unknown")
def scenario_unknown(m, args):
    # An unknown command, then a suite `selftest` does not have: refused with the list of
    # suites, not run as an empty plan ("0 passed, 0 failed" reads like success). Then bad
    # arguments elsewhere.
    exchange(m, "frobnicate\n", r"^unknown command: frobnicate")
    exchange(m, "selftest frobnicate\n", r"^selftest: no suite 'frobnicate'; the suites: \w")
    if re.search(r"^KTAP version", m.serial(), re.MULTILINE):
        return ["selftest frobnicate: ran an empty test plan"]
    # Arguments to a command that takes none, and an unknown option, are said, not ignored.
    exchange(m, "mem now\n", r"^mem: takes no arguments$")
    exchange(m, "pci -x\n", r"^pci: unknown option '-x' \(usage: pci \[-v\]\)$")
    # Two words after `pci`: refused as such. The message once named the last word as the
    # unknown option, so `pci -x -v` blamed the valid '-v'.
    got = exchange(m, "pci -x -v\n", r"^(pci: .*)\n").group(1)
    failures = [] if got == "pci: one option at most (usage: pci [-v])" else [
        "`pci -x -v` answered %r" % got]
    exchange(m, "kbd us de\n", r"^kbd: one layout at most")
    return failures + check_screen(m, args.screen or "auto", args.name,
                        [r"unknown command: frobnicate", r"^selftest: no suite 'frobnicate'",
                         r"^mem: takes no arguments$", r"^pci: unknown option '-x'"])


@scenario("help-line")
def scenario_help_line(m, args):
    # `help` says how many characters a line holds: 1024, or what the screen holds with
    # the prompt when that is fewer (the line editor stops there: 42x16 cells at
    # console.scale=3 on 1024x768 hold 42 * 16 - 6 - 1 = 665). It said 1024 everywhere.
    cells = re.search(r"(\d+)x(\d+) cells$", m.serial(), re.MULTILINE)
    if not cells:
        return ["no 'WxH cells' console line: this scenario needs a framebuffer"]
    want = min(1024, int(cells.group(1)) * int(cells.group(2)) - len(PROMPT) - 1)
    got = exchange(m, "help\n", r"^  Left/Right Home/End +move in the line \(up to (\d+) "
                                r"characters, wrapped\)\n")
    m.send_key(["q"])  # the rest of the page, if the pager holds one
    if int(got.group(1)) != want:
        return ["help: a line of up to %s characters; on %sx%s cells it holds %d"
                % (got.group(1), cells.group(1), cells.group(2), want)]
    return []


@scenario("complete")
def scenario_complete(m, args):
    # Issue 14: Tab completes "sel" to "selftest "; a second Tab after "kbd " lists the
    # layouts.
    exchange(m, "sel\t", r"selftest $")
    failures = check_screen(m, args.screen or "auto", args.name, [r"^lios> selftest$"])
    m.send_key(["ctrl", "c"], echo=True)  # "^C", a new prompt
    exchange(m, "kbd \t\t", r"^us  .*\bde\b")
    m.send_key(["ctrl", "c"], echo=True)
    return failures


@scenario("longline")
def scenario_longline(m, args):
    # Issue 14: a 200-character echo prints all 200 characters, on serial and on the
    # screen (wrapped at the screen's width).
    text = "0123456789" * 20
    exchange(m, "echo %s\n" % text, r"^%s$" % text, 40.0)
    mode = args.screen or "auto"
    cols = screen_cols(m, mode)
    rows = [text[i:i + cols] for i in range(0, len(text), cols)]
    return check_screen(m, mode, args.name, ["^%s$" % re.escape(r) for r in rows])


@scenario("ps2-capslock")
def scenario_ps2_capslock(m, args):
    # Caps Lock on the PS/2 keyboard (the USB one has its own `capslock`): the lock inverts
    # the letters' case, and each press's Set LEDs command (0xed and the LED bits) goes to
    # QEMU's keyboard and is acked with typing going on. "ECHO abc" types "echo ABC"; Caps
    # Lock off again, "echo abc" types abc; two more presses, then `kbd` says ps2 with no
    # LED update failed and no input dropped (its line ends with the layout's description).
    # QEMU's keyboard acks every byte, so the recovery from an unanswered LED argument is
    # tested on the simulated keyboard only (test_kbd).
    m.send_key(["caps_lock"])
    exchange(m, "ECHO abc\n", r"^ABC$")
    m.send_key(["caps_lock"])
    exchange(m, "echo abc\n", r"^abc$")
    m.send_key(["caps_lock"])
    m.send_key(["caps_lock"])
    exchange(m, "kbd\n", r"^kbd: ps2, layout us \([^,]*\)$")
    return check_screen(m, args.screen or "auto", args.name, [r"echo ABC$", r"^ABC$",
                                                             r"^abc$"])


@scenario("deadkeys")
def scenario_deadkeys(m, args):
    # Dead keys of the German layout (boot with --cmdline kbd.layout=de). QEMU names keys by
    # their US position: grave_accent is ^, equal is ´ (Shift: `), apostrophe is ä.
    # "echo " ^a ´e `a ´E ^space ´x ^^ ä ^Backspace Enter -> "âéàÉ^´x^ä": compositions,
    # the accent alone, an accent that does not combine (both characters), the same dead
    # key twice (once), and Backspace taking back a dead key without erasing the ä.
    text = r"âéàÉ\^´x\^ä"
    wait = answer(m, r"echo %s\n%s$" % (text, text))
    # A dead key alone echoes nothing (nor does Backspace taking one back): only the keys
    # that complete a character (1 below) wait for its echo.
    m.send_keys("echo ")
    for keys, echo in ((["grave_accent"], 0), (["a"], 1), (["equal"], 0), (["e"], 1),
                       (["shift", "equal"], 0), (["a"], 1), (["equal"], 0),
                       (["shift", "e"], 1), (["grave_accent"], 0), (["spc"], 1),
                       (["equal"], 0), (["x"], 1), (["grave_accent"], 0),
                       (["grave_accent"], 1), (["apostrophe"], 1),
                       (["grave_accent"], 0), (["backspace"], 0), (["ret"], 1)):
        m.send_key(keys, echo=bool(echo))
    wait()
    # CP437 has no ´ (U+00B4): the console draws its look-alike ' (term.c).
    shown = text.replace("´", "'")
    return check_screen(m, args.screen or "auto", args.name,
                        [r"echo %s$" % shown, r"^%s$" % shown])
