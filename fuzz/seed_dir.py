# SPDX-License-Identifier: MIT
"""The seed scripts' common end (console_seed.py, dmar_seed.py, heap_seed.py, ivrs_seed.py,
xhci_seed.py): their seeds, a dict of file name to bytes (or to a function making them),
written into the folder named on the command line, else into fuzz/seeds/<corpus> beside
this file."""
import os
import sys


def write(corpus, seeds):
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "seeds", corpus)
    os.makedirs(out, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data() if callable(data) else data)
