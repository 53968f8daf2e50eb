#!/usr/bin/env python3
"""What one statement costs, in machine instructions, under pyl and CPython.

Each statement runs N times as the body of a `for` loop inside a function
(locals, as in real code), under `valgrind --tool=callgrind`. The first
row is the loop itself (a body of `pass`: the program with no iterations
subtracted, divided by N); every other row is what its statement adds to
that.
Instruction counts do not depend on the machine's load, so this is the
measure to compare two builds of pyl, or pyl with CPython, operation by
operation (the wall-clock suite is `bench/run.py`).

    python3 bench/ops.py                   # the default statements
    python3 bench/ops.py 'x = c.a' 'f(v)'  # some others
    python3 bench/ops.py --pyl OTHER_BUILD

Needs valgrind (`apt-get install valgrind`).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

STATEMENTS = [
    "x = v < i",
    "if v: pass",
    "v = (i * 31 + j * 17) % 97",
    "total += v",
    "x = row[0]",
    "counts[v] = 1",
    "x = c.a",
    "x = asyncio.sleep",
    "x = (v, i)",
    "x = len(row)",
    "f(v)",
    "c.m(v)",
    "row.append(v)",
    "counts.get(v, 0)",
    'x = f"{v}:{i}"',
]

PROGRAM = """\
import asyncio


class C:
    def __init__(self):
        self.a = 1

    def m(self, x):
        return x


def f(x):
    return x


def run(n):
    i = 5
    v = 3
    total = 0
    row = [1]
    counts = {{3: 0}}
    c = C()
    for j in range(n):
        {statement}


run({n})
"""


def instructions(command, path):
    # A fixed hash seed: CPython's start-up work depends on it, and the
    # start-up is what the no-iterations run subtracts.
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command, path],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} {path} failed:\n{result.stderr[-2000:]}")
    match = re.search(r"refs:\s+([\d,]+)", result.stderr)
    return int(match.group(1).replace(",", ""))


def total(command, statement, n, folder):
    path = os.path.join(folder, "op.py")
    with open(path, "w") as f:
        f.write(PROGRAM.format(statement=statement, n=n))
    return instructions(command, path)


def costs(command, statements, n, folder):
    """The loop's cost per iteration, then each statement's on top of it."""
    start = total(command, "pass", 0, folder)
    loop = total(command, "pass", n, folder) - start
    return [loop / n] + [(total(command, s, n, folder) - start - loop) / n for s in statements]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("statements", nargs="*", metavar="STATEMENT")
    parser.add_argument("--pyl", default=os.path.join(ROOT, "target/release/pyl"))
    parser.add_argument("--python", default="/usr/bin/python3.11")
    parser.add_argument("-n", type=int, default=10000, help="iterations (default 10000)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("bench/ops.py needs valgrind (apt-get install valgrind)")
    python = [args.python, "-S"] if os.path.exists(args.python) else [sys.executable, "-S"]
    print(f"instructions per iteration (callgrind, n={args.n}); pyl: {args.pyl}; python: {python[0]}")
    statements = args.statements or STATEMENTS
    with tempfile.TemporaryDirectory() as folder:
        ours = costs([args.pyl], statements, args.n, folder)
        theirs = costs(python, statements, args.n, folder)
    print(f"| {'statement':<28} | {'pyl':>6} | {'CPython':>7} | {'ratio':>5} |")
    print(f"|{'-' * 30}|{'-' * 7}:|{'-' * 8}:|{'-' * 6}:|")
    labels = ["the loop: `for j in range(n)`"] + [f"`{s}`" for s in statements]
    for label, a, b in zip(labels, ours, theirs):
        print(f"| {label:<28} | {a:6.0f} | {b:7.0f} | {a / b:5.2f} |")


if __name__ == "__main__":
    main()
