#!/usr/bin/env python3
"""Where a callgrind profile's instructions go: by function, by machine
instruction of one function, and by caller.

    valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file=OUT \\
        target/release/pyl SCRIPT
    python3 bench/profile.py functions OUT [N]        # self cost by function
    python3 bench/profile.py instructions OUT FUNC [MIN] [BINARY]
    python3 bench/profile.py callers OUT CALLEE        # who calls it, how often

`functions` adds up each function's own instructions over the source
files inlined into it (callgrind_annotate lists them apart). `instructions`
prints every machine instruction of the functions whose name ends with
FUNC that ran at least MIN times (default 1 000), beside its count, from
`objdump -d` of BINARY (default target/release/pyl); it needs a profile
taken with `--dump-instr=yes`. `callers` lists the functions that call
any function whose name contains CALLEE, with their calls and the
instructions those calls cost, inclusive.

How session 20 found what a call and a dict lookup spend (bench/RESULTS.md).
Standard library only; needs valgrind's callgrind_annotate and binutils.
"""

import collections
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = re.compile(r"(c?fn)=\((\d+)\)(?: (.*))?")
RECURSION = re.compile(r"'\d+$")


def functions(profile, count=30):
    listing = subprocess.run(
        ["callgrind_annotate", "--inclusive=no", "--threshold=100", profile],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    totals = collections.Counter()
    for line in listing.splitlines():
        if "Auto-annotated source" in line:
            break
        m = re.match(r"\s*([\d,]+)\s+\([^)]*\)\s+(.*?):(.*?)(\s+\[.*\])?$", line)
        if m and m.group(2) != "PROGRAM TOTALS":
            totals[RECURSION.sub("", m.group(3))] += int(m.group(1).replace(",", ""))
    whole = sum(totals.values()) or 1
    for function, cost in totals.most_common(count):
        print(f"{cost:>14,} {100 * cost / whole:5.1f}%  {function}")


def records(profile):
    """(function, call, address, cost) for each cost line of the profile:
    `call` is None for the function's own instructions, and (callee, times
    called) for a call's inclusive cost."""
    names, function, callee, call, address = {}, None, None, None, 0
    with open(profile) as lines:
        for line in lines:
            m = NAME.match(line)
            if m:
                if m.group(3):
                    names[m.group(2)] = m.group(3).strip()
                if m.group(1) == "fn":
                    function = names[m.group(2)]
                else:
                    callee = names[m.group(2)]
                continue
            m = re.match(r"calls=(\d+)", line)
            if m:
                call = (callee, int(m.group(1)))
                continue
            if re.match(r"^[a-z]+=", line):
                continue
            m = re.match(r"^(0x[0-9a-f]+|[+-]\d+|\*)\s+\S+\s+(\d+)", line)
            if not m:
                continue
            step = m.group(1)
            if step.startswith("0x"):
                address = int(step, 16)
            elif step != "*":
                address += int(step)
            yield function, call, address, int(m.group(2))
            call = None


def instructions(profile, suffix, minimum=1000, binary=None):
    binary = binary or os.path.join(ROOT, "target", "release", "pyl")
    costs = collections.Counter()
    for function, call, address, cost in records(profile):
        if call is None and RECURSION.sub("", function).endswith(suffix):
            costs[address] += cost
    if not costs:
        sys.exit(f"no instructions of a function ending with {suffix!r} "
                 "(was the profile taken with --dump-instr=yes?)")
    print(f"{sum(costs.values()):,} instructions")
    listing = subprocess.run(
        [
            "objdump", "-d", "--no-show-raw-insn", "-C",
            f"--start-address={min(costs):#x}",
            f"--stop-address={max(costs) + 16:#x}",
            binary,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in listing.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s*(.*)", line)
        if m and costs.get(int(m.group(1), 16), 0) >= minimum:
            print(f"{costs[int(m.group(1), 16)]:>11} {m.group(1)} {m.group(2)}")


def callers(profile, name):
    calls, costs = collections.Counter(), collections.Counter()
    for function, call, _, cost in records(profile):
        if call is not None and name in call[0]:
            calls[function] += call[1]
            costs[function] += cost
    for function, count in calls.most_common(15):
        print(f"{count:>10} calls {costs[function]:>14,} instructions  {function}")


def main(argv):
    usage = __doc__.split("\n\n")[1]
    if len(argv) < 2:
        sys.exit(usage)
    command, args = argv[0], argv[1:]
    if command == "functions" and len(args) in (1, 2):
        functions(args[0], *map(int, args[1:]))
    elif command == "instructions" and 2 <= len(args) <= 4:
        profile, suffix, *rest = args
        minimum = int(rest[0]) if rest else 1000
        instructions(profile, suffix, minimum, rest[1] if len(rest) > 1 else None)
    elif command == "callers" and len(args) == 2:
        callers(*args)
    else:
        sys.exit(usage)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except BrokenPipeError:
        # Read through `head`: what was wanted has been printed.
        sys.stderr.close()
        sys.exit(0)
