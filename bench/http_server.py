#!/usr/bin/env python3
"""Requests per second of examples/async_http.pyl's server, pyl vs CPython.

    python3 bench/http_server.py [--rounds N] [--seconds S] [--connections C]
                                 [--pyl PATH] [--python PATH]

Starts the example's server (`async_http.pyl serve PORT`) under pyl and
under CPython's asyncio (the same file; CPython needs aiohttp importable,
since the example imports it), then loads each with wrk (Debian: `apt-get
install wrk`) for S seconds per round, alternating pyl and CPython, and
prints the median requests per second of each and their ratio. The page
is `/`, which answers at once: what is measured is the loop, the
transports and the handler, not the errands' sleeps.

Standard library only.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
EXAMPLE = os.path.join(ROOT, "examples", "async_http.pyl")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command, port):
    # Output to a file: a pipe nobody reads would fill and stall the server.
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(command + [EXAMPLE, "serve", str(port)],
                              stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    log.seek(0)
    sys.exit(f"the server {command} did not start: "
             f"{log.read().decode(errors='replace')}")


def requests_per_second(port, seconds, connections):
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
         f"http://127.0.0.1:{port}/"],
        capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)
    if errors:
        sys.exit(f"wrk reported errors:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--pyl", default=os.path.join(ROOT, "target", "release", "pyl"))
    parser.add_argument("--python", default="/usr/bin/python3.11")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found (Debian: apt-get install wrk)")
    if not os.path.exists(args.pyl):
        sys.exit(f"{args.pyl} not found: cargo build --release first")
    ports = {"pyl": free_port(), "python": free_port()}
    servers = {"pyl": start([args.pyl], ports["pyl"]),
               "python": start([args.python], ports["python"])}
    try:
        for name in servers:  # warm-up
            requests_per_second(ports[name], 1, args.connections)
        results = {"pyl": [], "python": []}
        for _ in range(args.rounds):
            for name in servers:
                results[name].append(
                    requests_per_second(ports[name], args.seconds, args.connections))
    finally:
        for server in servers.values():
            server.kill()
    pyl = statistics.median(results["pyl"])
    python = statistics.median(results["python"])
    print(f"wrk -t1 -c{args.connections} -d{args.seconds}s, {args.rounds} rounds, medians")
    print(f"pyl     {pyl:10.0f} requests/s")
    print(f"python  {python:10.0f} requests/s   ({args.python}, asyncio)")
    print(f"ratio pyl/python: {pyl / python:.2f}")


if __name__ == "__main__":
    main()
