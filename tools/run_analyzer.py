#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The static analyzer test (lint.analyzer): clang-tidy's clang-analyzer-* checks and no
other (two of them left out, see CHECKS), over every C file of one build's
compile_commands.json: the clang kernel build's (build/kernel-clang/), so each file is
analyzed with the kernel's own freestanding flags.

Every finding counts, in the file analyzed and in the headers under --root's src/ and
include/ it includes: a bug in a static inline function of include/lios/ is reported at
its line, once, however many files include it. Each is printed as FILE:LINE:COL: CHECK: MESSAGE after clang-tidy's own report
(the path the analyzer took, note by note), and the exit status is 1. A file clang-tidy
cannot analyze at all (it does not compile with these flags) fails the test too, with
clang-tidy's output. Assembly files in the database are skipped: the analyzer reads C.

`--self-test` plants a NULL dereference in a one-file database and checks that it is
reported with its line and check (and that a message over several lines is read whole):
the test can fail, and this proves it.

Usage: run_analyzer.py --build-dir DIR [--root DIR] [--clang-tidy PROGRAM] [--jobs N]
       run_analyzer.py --self-test [--clang-tidy PROGRAM]
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

# Every analyzer check but two, both of them checks that `clang --analyze` itself leaves off
# (clang-tidy's glob turns on every one registered) and neither a bug finder:
#  - security.insecureAPI.DeprecatedOrUnsafeBufferHandling is syntactic (no path, no
#    value): it flags every call of memcpy, memset and memmove in C11 code (228 in the
#    kernel) and asks for C11 Annex K's memcpy_s and memset_s instead, an optional library
#    annex a freestanding kernel does not have (LiOS has no libc; glibc never took it up);
#  - optin.performance.Padding asks for a struct's fields in the order of their alignment
#    when that saves more than 24 bytes of padding (struct xhci, usb_dev, fb_console,
#    acpi_info: one to a few dozen instances each, 32 to 64 bytes saved in each); LiOS orders
#    fields by meaning, with their comments, and a struct whose layout matters (hardware,
#    assembly) has its static_assert.
CHECKS = ",".join(["-*", "clang-analyzer-*",
                   "-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling",
                   "-clang-analyzer-optin.performance.Padding"])

# What clang-tidy prints for each finding: "path:line:col: error: message [check,-warnings-
# as-errors]" (every warning is made an error, so that clang-tidy's exit status says there was
# one even where this parser would not). The message may run over several lines (the
# padding check lists a struct's fields one a line): the check closes its last line.
FINDING = re.compile(r"^(?P<file>/[^:]+):(?P<line>\d+):(?P<col>\d+): (?:warning|error): (?P<msg>.*)$")
NOTE = re.compile(r"^/[^:]+:\d+:\d+: note: ")
CHECK = re.compile(r" ?\[(?P<check>[\w.-]+)(?:,-warnings-as-errors)?\]$")


def c_files(build_dir):
    """The C files of build_dir's compilation database, each once, sorted."""
    path = os.path.join(build_dir, "compile_commands.json")
    if not os.path.exists(path):
        sys.exit(f"run_analyzer: no {path} (the clang kernel build, build.kernel.clang, "
                 "writes it)")
    with open(path) as f:
        entries = json.load(f)
    files = {os.path.normpath(os.path.join(e["directory"], e["file"]))
             for e in entries if e["file"].endswith(".c")}
    if not files:
        sys.exit(f"run_analyzer: {path} lists no C file")
    return sorted(files)


def findings_in(out, root):
    """The findings in one clang-tidy output: {(file, line, col, check): message}, the file
    relative to root. One whose check never shows is kept with check '?'."""
    found, cur = {}, None  # cur: the finding being read, [file, line, col, message lines]

    def close(check):
        file, line, col, msg = cur
        found[(file, line, col, check)] = " ".join(msg)

    for text in out.splitlines():
        m = FINDING.match(text)
        if cur and (m or NOTE.match(text)):
            close("?")
            cur = None
        if m:
            cur = [os.path.relpath(os.path.realpath(m["file"]), root), int(m["line"]),
                   int(m["col"]), []]
            text = m["msg"]
        if cur:
            c = CHECK.search(text)
            cur[3].append(text[:c.start()] if c else text.strip())
            if c:
                close(c["check"])
                cur = None
    if cur:
        close("?")
    return found


def analyze(clang_tidy, build_dir, root, path):
    """clang-tidy on one file: (path, exit status, output)."""
    roots = "|".join(sorted({re.escape(os.path.abspath(root)), re.escape(os.path.realpath(root))}))
    cmd = [clang_tidy, "-p", build_dir, f"--checks={CHECKS}", "--warnings-as-errors=*",
           f"--header-filter=^({roots})/(src|include)/", "--quiet", path]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return path, r.returncode, r.stdout


def run(clang_tidy, build_dir, root, jobs):
    """Analyzes every C file of build_dir's database, jobs at a time; prints clang-tidy's
    report of each file with a new finding and of each it could not analyze, then one line
    per finding. Returns the findings ({(file, line, col, check): message}) and the files
    clang-tidy could not analyze."""
    files = c_files(build_dir)
    start = time.monotonic()
    findings, broken = {}, []
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        work = [pool.submit(analyze, clang_tidy, build_dir, root, f) for f in files]
        for job in concurrent.futures.as_completed(work):
            path, status, out = job.result()
            found = findings_in(out, root)
            if set(found) - set(findings):
                print(f"---- {os.path.relpath(path, root)}\n{out}", end="", flush=True)
            findings.update(found)
            if status != 0 and not found:
                # a file that does not compile here is not a clean one
                broken.append(os.path.relpath(path, root))
                print(f"---- {os.path.relpath(path, root)}: clang-tidy failed "
                      f"(exit status {status})\n{out}", end="", flush=True)
    secs = time.monotonic() - start
    for (file, line, col, check), msg in sorted(findings.items()):
        print(f"{file}:{line}:{col}: {check}: {msg}")
    print(f"run_analyzer: {len(files)} C files analyzed in {secs:.0f} s ({jobs} jobs): "
          f"{len(findings)} finding(s), {len(broken)} file(s) clang-tidy could not analyze")
    return findings, broken


# The planted bug of --self-test: a NULL dereference on one path, at line 6.
PLANT = ("int *lookup(int key);\n"
         "int planted(int key)\n"
         "{\n"
         "\tint *p = lookup(key);\n"
         "\tif (!p)\n"
         "\t\treturn *p;\n"
         "\treturn 0;\n"
         "}\n")


def self_test(clang_tidy):
    """Two things this test rests on: a finding whose message runs over several lines (the
    padding check's) is read with its check, and a planted NULL dereference in a one-file
    database is reported at its line with its check, and fails the run."""
    ok = True
    sample = ("/r/include/a.h:3:8: error: Excessive padding in 'struct s' (9 bytes). \n"
              "Optimal fields order: \nb, \nconsider reordering the fields "
              "[clang-analyzer-optin.performance.Padding,-warnings-as-errors]\n"
              "struct s {\n/r/include/a.h:3:8: note: Excessive padding\n")
    got = findings_in(sample, "/r")
    want = ("include/a.h", 3, 8, "clang-analyzer-optin.performance.Padding")
    if list(got) != [want]:
        print(f"self-test: a message over several lines read as {got}, not {want}")
        ok = False
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "planted.c"), "w") as f:
            f.write(PLANT)
        with open(os.path.join(tmp, "compile_commands.json"), "w") as f:
            json.dump([{"directory": tmp, "file": "planted.c",
                        "arguments": ["clang", "-std=gnu11", "-c", "planted.c"]}], f)
        findings, broken = run(clang_tidy, tmp, tmp, 1)
    want = ("planted.c", 6, 10, "clang-analyzer-core.NullDereference")
    if list(findings) != [want] or broken:
        print(f"self-test: the planted NULL dereference read as {list(findings)}, not {want}")
        ok = False
    print("run_analyzer self-test:", "planted findings caught" if ok else "FAILED")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir")
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    ap.add_argument("--clang-tidy", default="clang-tidy")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    if not shutil.which(args.clang_tidy):
        sys.exit(f"run_analyzer: no {args.clang_tidy}: install the package clang-tidy "
                 "(./lios deps does)")
    if args.self_test:
        return self_test(args.clang_tidy)
    if not args.build_dir:
        ap.error("--build-dir is required")
    findings, broken = run(args.clang_tidy, os.path.realpath(args.build_dir),
                           os.path.realpath(args.root), args.jobs)
    return 1 if findings or broken else 0


if __name__ == "__main__":
    sys.exit(main())
