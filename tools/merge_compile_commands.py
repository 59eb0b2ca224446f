#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Merge the compilation databases of LiOS's three build worlds into one.

CMake writes one compile_commands.json per configure: the host world (build/), the kernel
world (build/kernel/) and the fuzz world (build/fuzz-world/). clangd reads only
build/compile_commands.json, so this rewrites that file as the union of all three in the
order given, kernel first: clangd takes the first entry of a source compiled in several
worlds (src/mm/pmm.c in the kernel and in host tests), so it sees the kernel's
freestanding flags. Idempotent: entries already merged are recognised by (directory, file,
output) and kept once.

usage: merge_compile_commands.py OUTPUT INPUT...   (inputs in priority order; missing
inputs are skipped; OUTPUT may be one of the inputs)
"""
import json
import os
import sys


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    out, inputs = argv[1], argv[2:]
    merged, seen = [], set()
    for path in inputs:
        if not os.path.exists(path):
            continue
        with open(path) as f:
            entries = json.load(f)
        for e in entries:
            key = (e.get("directory"), e.get("file"), e.get("output"))
            if key not in seen:
                seen.add(key)
                merged.append(e)
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(merged, f, indent=1)
    os.replace(tmp, out)
    print("compile_commands.json: %d entries from %s" % (len(merged), ", ".join(
        p for p in inputs if os.path.exists(p))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
