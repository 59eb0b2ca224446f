#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Gather the "BENCH <key> <ratio> <op> <goal>" lines of the bench programs into a flat JSON
object of ratios and print a table saying which goals are met. Benchmarks never fail a run.

    bench_report.py RESULTS.txt RESULTS.json
"""
import json
import operator
import sys

OPS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt, "==": operator.eq}


def main(src, dst):
    results, rows = {}, []
    with open(src) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 5 or parts[0] != "BENCH" or parts[3] not in OPS:
                continue
            key, value, op, goal = parts[1], float(parts[2]), parts[3], float(parts[4])
            results[key] = value
            rows.append((key, value, op, goal, OPS[op](value, goal)))
    with open(dst, "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
        f.write("\n")
    width = max([len(r[0]) for r in rows] + [3])
    print("%-*s %10s  %-10s %s" % (width, "key", "ratio", "goal", "met"))
    for key, value, op, goal, met in rows:
        print("%-*s %10.3f  %-10s %s" % (width, key, value, op + " " + ("%g" % goal), "yes" if met else "NO"))
    met = sum(1 for r in rows if r[4])
    print("%d of %d goals met; written to %s" % (met, len(rows), dst))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
