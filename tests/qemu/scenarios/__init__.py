# SPDX-License-Identifier: MIT
"""The keyboard scenarios of the QEMU tests, by name: what `run_test.py --scenario NAME` runs.

This package owns the registry of scenarios; the modules below own the scenarios, one topic
each. A scenario is a function f(m, args) that types into the shell once the prompt is
drawn (m: the running lios_qemu.Machine, args: run_test.py's parsed command line) and
returns a list of failure messages, empty for a pass; it may raise lios_qemu.HarnessError
(a timeout waiting for an answer), which run_test.py reports as a failure. Adding one means
writing the function under @scenario("name") in the module of its topic, and nothing else:
run_test.py takes its --scenario choices from SCENARIOS. A new topic module is added to the
import list at the end of this file. What the scenarios share (the prompt, waiting for an
answer, reading the screen back) is in common.py, which run_test.py uses as well.
Standard library only.
"""

SCENARIOS = {}  # name -> function(m, args) returning a list of failures


def scenario(name):
    """Decorator registering its function as scenario 'name' (a --scenario choice).
    Returns the function unchanged, so scenarios may call each other. Raises ValueError
    when the name is empty, holds a blank, or is registered already: two scenarios of one
    name would silently run the last one imported."""
    if not name or any(c.isspace() for c in name):
        raise ValueError("scenario name %r: not a word" % name)

    def register(fn):
        if name in SCENARIOS:
            old = SCENARIOS[name]
            raise ValueError("scenario %r registered twice: %s.%s and %s.%s"
                             % (name, old.__module__, old.__name__, fn.__module__, fn.__name__))
        SCENARIOS[name] = fn
        return fn
    return register


# The topic modules, imported for their @scenario registrations (one a line).
from . import commands  # noqa: E402,F401  commands that report on or stop the machine
from . import console  # noqa: E402,F401  the screen console: scrolling, scrollback, pager
from . import heap  # noqa: E402,F401  the heap-call trace (heap.trace)
from . import shell  # noqa: E402,F401  typing at the prompt: line editor, layouts
from . import usb  # noqa: E402,F401  the USB keyboard (issue 12)
