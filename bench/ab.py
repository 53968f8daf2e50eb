#!/usr/bin/env python3
"""Two builds of pyl against each other, by CPU time, on the same scripts.

The builds run alternately (A B, B A, A B, ...) so that both see the same
minutes of a shared machine, and each run's user + system CPU time is
read from the kernel (RUSAGE_CHILDREN). The minimum over the rounds is
the figure to quote: the machine's load only ever adds time, and on the
machines here the minima of two such runs agree within 1-2% where the
medians of wall time move by 5% or more. The first quartile is printed
beside it as a check.

    python3 bench/ab.py OLD_PYL NEW_PYL bench/loops.pyl bench/fib.pyl
    python3 bench/ab.py --rounds 30 OLD_PYL NEW_PYL bench/chain_await.pyl

A ratio below 1 means the new build is faster. (pyl against CPython is
`bench/run.py`.)
"""

import argparse
import resource
import statistics
import subprocess
import sys


def cpu_time(command):
    """User + system CPU seconds of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", help="the build to compare against")
    parser.add_argument("new", help="the build to measure")
    parser.add_argument("scripts", nargs="+", help="scripts to run under both")
    parser.add_argument("--rounds", type=int, default=20, help="runs of each build (default 20)")
    options = parser.parse_args()
    if options.rounds < 4:
        sys.exit("ab.py: --rounds must be at least 4 (for the quartile)")
    for script in options.scripts:
        times = {options.old: [], options.new: []}
        for round_number in range(options.rounds):
            order = (options.old, options.new) if round_number % 2 == 0 else (options.new, options.old)
            for build in order:
                times[build].append(cpu_time([build, script]))
        old, new = times[options.old], times[options.new]
        old_q1 = statistics.quantiles(old, n=4)[0]
        new_q1 = statistics.quantiles(new, n=4)[0]
        print(
            f"{script}: CPU s, min of {options.rounds}: old {min(old):.3f}, new {min(new):.3f}, "
            f"ratio {min(new) / min(old):.3f} (first quartile: {new_q1 / old_q1:.3f})"
        )


if __name__ == "__main__":
    main()
