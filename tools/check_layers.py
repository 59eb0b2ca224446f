#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The layer test: every #include in src/ and include/ must point down or sideways.

LiOS is built in layers (src/README.md draws them). A file belongs to the layer of its
folder; a public header in include/lios/ belongs to the layer named for it in HEADERS below.
A file may include headers of its own layer and of lower layers only. Besides the ranks:
  - <arch/...> headers (inline assembly helpers) are private to src/arch/;
  - a quoted include ("x.h") is private to its folder: no "../", no path into another one;
  - inline assembly appears only under src/arch/.
Any edge the picture forbids is printed as FILE:LINE with the reason, and the exit status
is 1. `--self-test` plants a forbidden include in a copy of the tree and checks that it is
caught: the test can fail, and this proves it.

Usage: check_layers.py [--root DIR] [--self-test]
"""
import argparse
import os
import re
import shutil
import sys
import tempfile

# Bottom to top. A layer may include itself and anything below it.
LAYERS = ["base", "core", "mm", "arch", "drivers", "top"]

# Folder (prefix of the path from the repository root) -> layer. Longest prefix wins.
FOLDERS = {
    "src/lib/": "base",
    "src/kernel/core/": "core",
    "src/mm/": "mm",
    "src/arch/x86_64/mm/": "mm",
    "src/arch/x86_64/": "arch",
    "src/arch/host/": "arch",
    "src/drivers/": "drivers",
    "src/kernel/init/": "top",
    "src/kernel/shell/": "top",
}

# Every public header and its layer. A header missing here fails the test: classify it.
# "base" headers are plain types and the arch *interfaces* that lower layers call and
# src/arch/ implements (arch.h, time.h, irq_model.h, cpu_features.h: paging reads it).
# The page tables are the mm layer's own arch half: src/arch/x86_64/mm/ ranks with src/mm/
# (the sanctioned kmalloc <-> paging cycle stays inside one layer).
HEADERS = {
    "types.h": "base", "compiler.h": "base", "errno.h": "base", "string.h": "base",
    "size.h": "base",
    "arch.h": "base", "time.h": "base", "irq_model.h": "base", "cpu_features.h": "base",
    "paging.h": "mm",
    "printk.h": "core", "panic.h": "core", "cmdline.h": "core", "ksyms.h": "core",
    "selftest.h": "core", "bootinfo.h": "core", "sections.h": "core",
    "memmap.h": "mm", "pmm.h": "mm", "kmalloc.h": "mm", "vmalloc.h": "mm", "heap.h": "mm",
    "heap_trace.h": "mm",
    "mm.h": "mm",
    "machine.h": "arch", "mce.h": "arch", "irq.h": "arch", "timer.h": "arch", "clock.h": "arch",
    "rtc.h": "arch",
    "acpi.h": "drivers", "console.h": "drivers", "kbd.h": "drivers", "ps2.h": "drivers",
    "serial.h": "drivers", "pci.h": "drivers", "usb.h": "drivers", "aml.h": "drivers",
    "dmar.h": "drivers", "amdvi.h": "drivers",
    "shell.h": "top", "power.h": "top", "lineedit.h": "top", "termkeys.h": "top",
}

# Includes that climb out of their folder with "..". Each needs a reason; none may leave
# the layer it is in.
DOTDOT_ALLOWED = {
    # the host stand-in forwards to the one x86_64 address layout (both inside src/arch/)
    ("src/arch/host/include/arch/memlayout.h", "../../x86_64/include/arch/memlayout.h"),
}

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
ASM_RE = re.compile(r'\b(__asm__|asm\s*(volatile\s*)?\()')
SOURCE_EXT = (".c", ".h", ".S")


def rank(layer):
    return LAYERS.index(layer)


def folder_layer(rel):
    best = None
    for prefix, layer in FOLDERS.items():
        if rel.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, layer)
    return best[1] if best else None


def file_layer(rel):
    if rel.startswith("include/lios/"):
        return HEADERS.get(rel[len("include/lios/"):])
    return folder_layer(rel)


def check_file(root, rel, problems):
    layer = file_layer(rel)
    if layer is None:
        if rel.startswith("include/lios/"):
            problems.append(f"{rel}:1: public header not classified: add it to HEADERS in "
                            f"tools/check_layers.py (and to src/README.md's picture)")
        else:
            problems.append(f"{rel}:1: folder has no layer: add it to FOLDERS in "
                            f"tools/check_layers.py (and to src/README.md's picture)")
        return
    in_arch = rel.startswith("src/arch/")
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    for n, line in enumerate(lines, 1):
        if not in_arch and rel.startswith("src/") and ASM_RE.search(line) \
                and not line.lstrip().startswith(("*", "/*", "//")):
            problems.append(f"{rel}:{n}: inline assembly outside src/arch/")
        m = INCLUDE_RE.match(line)
        if not m:
            continue
        kind, target = m.groups()
        if ".." in target.split("/") and (rel, target) not in DOTDOT_ALLOWED:
            problems.append(f"{rel}:{n}: {target} climbs out of its folder with '..': "
                            f"use a public header (or justify it in DOTDOT_ALLOWED)")
            continue
        if kind == '"':
            if "/" in target:
                problems.append(f'{rel}:{n}: "{target}" reaches into another folder: quoted '
                                f"includes are private to their folder; use a public header")
            elif not os.path.exists(os.path.join(root, os.path.dirname(rel), target)):
                problems.append(f'{rel}:{n}: "{target}" is not in this folder')
            continue
        if target.startswith("arch/"):
            if not in_arch and rel != "include/lios/arch.h":
                problems.append(f"{rel}:{n}: <{target}> is private to src/arch/: use the "
                                f"arch interface (<lios/arch.h> and friends)")
            continue
        if not target.startswith("lios/"):
            continue  # the host C library in host stand-ins and tests
        header = target[len("lios/"):]
        owner = HEADERS.get(header)
        if owner is None:
            problems.append(f"{rel}:{n}: <{target}> is not a classified public header")
            continue
        if rank(owner) > rank(layer):
            problems.append(f"{rel}:{n}: <{target}> ({owner}) included from a {layer} file: "
                            f"a lower layer never calls up; pass a value or a callback down")


def check(root):
    problems = []
    for top in ("src", "include"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for name in sorted(filenames):
                if not name.endswith(SOURCE_EXT):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, name), root)
                check_file(root, rel, problems)
    return problems


def self_test(root):
    """Plant a forbidden include (arch calling up into a driver) and a private reach into
    another folder in a copy of the tree: both must be reported with file and line."""
    with tempfile.TemporaryDirectory() as tmp:
        for top in ("src", "include"):
            shutil.copytree(os.path.join(root, top), os.path.join(tmp, top))
        victim = "src/arch/x86_64/cpu/irq.c"
        path = os.path.join(tmp, victim)
        with open(path) as f:
            text = f.read().split("\n")
        text.insert(2, "#include <lios/kbd.h>")
        text.insert(3, '#include "../../../drivers/acpi/acpi_internal.h"')
        with open(path, "w") as f:
            f.write("\n".join(text))
        problems = check(tmp)
    want = [f"{victim}:3: <lios/kbd.h> (drivers) included from a arch file",
            f"{victim}:4: ../../../drivers/acpi/acpi_internal.h climbs out of its folder"]
    ok = True
    for w in want:
        if not any(p.startswith(w) for p in problems):
            print(f"self-test: planted violation not reported: {w}")
            ok = False
    others = [p for p in problems if not p.startswith(victim)]
    if others:
        print("self-test: the unplanted tree has violations:\n  " + "\n  ".join(others))
        ok = False
    print("check_layers self-test:", "planted violations caught" if ok else "FAILED")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    if args.self_test:
        return self_test(root)
    problems = check(root)
    for p in problems:
        print(p)
    print(f"check_layers: {len(problems)} forbidden edge(s)" if problems else
          "check_layers: every include follows the layer picture")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
