#!/usr/bin/env python3
"""Run the bench/*.pyl workloads under pyl and under CPython, side by side.

    python3 bench/run.py [--rounds N] [--pyl PATH] [--python PATH]
                         [--markdown] [--million] [NAME ...]

For each script: one warm-up run of each interpreter, then N rounds
alternating pyl and python (pyl, python, pyl, python, ...). Every run is
timed with time.perf_counter around the child process, and its peak RSS is
that child's own ru_maxrss (os.wait4 on the Popen's pid). The outputs of all
runs are compared with each other (pyl vs python).

mem_tasks is also run with N=1; the difference of the median peak RSS at
N=100000 and at N=1, divided by 99 999, gives bytes per task.

--million runs mem_tasks with N=1 000 000 under pyl only and prints its peak
RSS (goal: under 1 GiB); with no NAME it runs only that.

Exit status: 0, or 1 if any output differs (or a run fails), 2 for a usage
error (pyl not built, no python).

Standard library only.
"""

import argparse
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)

SCRIPTS = [
    "startup",
    "fib",
    "loops",
    "chain_await",
    "spawn_gather",
    "switch",
    "queue_pingpong",
    "timers",
    "mem_tasks",
    "regex",
]

MEM_N = 100000
MILLION = 1000000
GIB = 1024 * 1024 * 1024


class Run:
    def __init__(self, seconds, maxrss_kb, code, out, err):
        self.seconds = seconds
        self.maxrss_kb = maxrss_kb
        self.code = code
        self.out = out
        self.err = err

    def key(self):
        """What must be identical between runs: stdout and exit status."""
        return (self.code, self.out)


# Why not simply os.wait4 on a Popen of the interpreter: on Linux a child's
# ru_maxrss starts from the high-water mark of the memory it was forked from
# (exec keeps max(maxrss, hiwater of the old mm), and Popen vforks from this
# runner), so every child would report at least this runner's own RSS (about
# 15 MB), more than pyl or CPython need for a small script. So the child is
# forked by a small /bin/sh instead, which exits at once; this runner is a
# child subreaper (prctl PR_SET_CHILD_SUBREAPER), so the orphaned child
# becomes its child, blocked on a pipe until this runner starts the clock
# and lets it exec the interpreter. os.wait4 on its pid then gives the
# interpreter's own peak RSS, and the timing covers exec to exit.
LAUNCH = r"""exec 3<&0 4>&1 </dev/null >/dev/null
(
    exec 4>&-
    out=$BENCH_STDOUT
    unset BENCH_STDOUT
    read _ <&3
    exec 3<&- "$@" >"$out"
) &
echo $! >&4
"""

_subreaper = None


def subreaper():
    """Make this process a child subreaper once; False if impossible."""
    global _subreaper
    if _subreaper is None:
        _subreaper = False
        if sys.platform.startswith("linux") and os.path.exists("/bin/sh"):
            try:
                import ctypes
                libc = ctypes.CDLL(None, use_errno=True)
                PR_SET_CHILD_SUBREAPER = 36
                _subreaper = libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
            except (OSError, AttributeError, ImportError):
                _subreaper = False
    return _subreaper


def _wait4(pid):
    while True:
        try:
            _, status, usage = os.wait4(pid, 0)
            return status, usage
        except InterruptedError:
            continue


def run_once(cmd):
    """Run cmd once; wall time, peak RSS of exactly this child, output."""
    with tempfile.NamedTemporaryFile() as fout, \
            tempfile.TemporaryFile() as ferr:
        if subreaper():
            r_go, w_go = os.pipe()
            r_pid, w_pid = os.pipe()
            env = dict(os.environ, BENCH_STDOUT=fout.name)
            sh = subprocess.Popen(["/bin/sh", "-c", LAUNCH, "launch", *cmd],
                                  stdin=r_go, stdout=w_pid, stderr=ferr,
                                  cwd=ROOT, env=env)
            os.close(r_go)
            os.close(w_pid)
            buf = b""
            while not buf.endswith(b"\n"):
                chunk = os.read(r_pid, 64)
                if not chunk:
                    break
                buf += chunk
            os.close(r_pid)
            sh.wait()  # the child is ours now (subreaper)
            if sh.returncode != 0 or not buf.strip().isdigit():
                os.close(w_go)
                die(f"could not launch {shlex.join(cmd)}")
            pid = int(buf)
            t0 = time.perf_counter()
            os.write(w_go, b"\n")
            os.close(w_go)
            status, usage = _wait4(pid)
            t1 = time.perf_counter()
        else:
            # Fallback: ru_maxrss is then at least this runner's own RSS.
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                    stdout=fout, stderr=ferr, cwd=ROOT)
            status, usage = _wait4(proc.pid)
            t1 = time.perf_counter()
            proc.returncode = os.waitstatus_to_exitcode(status)
        code = os.waitstatus_to_exitcode(status)
        fout.seek(0)
        ferr.seek(0)
        out = fout.read().decode("utf-8", "replace")
        err = ferr.read().decode("utf-8", "replace")
    # ru_maxrss is in kilobytes on Linux.
    return Run(t1 - t0, usage.ru_maxrss, code, out, err)


def die(msg):
    print(f"run.py: {msg}", file=sys.stderr)
    sys.exit(2)


def find_python(explicit):
    if explicit:
        path = explicit if os.sep in explicit else shutil.which(explicit)
        if not path or not os.path.exists(path):
            die(f"python interpreter not found: {explicit}")
        return path, "given with --python"
    if os.path.exists("/usr/bin/python3.11"):
        return "/usr/bin/python3.11", "/usr/bin/python3.11 exists"
    for name in ("python3.11", "python3"):
        path = shutil.which(name)
        if path:
            return path, f"{name} found on PATH"
    die("no python3.11 or python3 found")


def find_pyl(explicit):
    path = explicit or os.path.join(ROOT, "target", "release", "pyl")
    path = os.path.abspath(path)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        if explicit:
            die(f"pyl binary not found or not executable: {path}")
        die(f"pyl is not built ({path} does not exist).\n"
                 f"Build it first:  cd {ROOT} && cargo build --release")
    return path


def python_version(python):
    try:
        r = subprocess.run([python, "-S", "-c",
                            "import sys; print(sys.version.split()[0])"],
                           capture_output=True, text=True, timeout=30)
        return r.stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def describe_failure(label, run):
    tail = run.err.strip().splitlines()[-3:]
    log(f"    {label} exited with status {run.code}"
        + (": " + " | ".join(tail) if tail else ""))


def bench_script(name, pyl, python, rounds, extra_args=()):
    """Warm-up, then `rounds` alternating runs. Returns (pyl_runs, py_runs)."""
    script = os.path.join("bench", name + ".pyl")
    pyl_cmd = [pyl, script, *extra_args]
    py_cmd = [python, "-S", script, *extra_args]
    run_once(pyl_cmd)  # warm-up (page cache, binary)
    run_once(py_cmd)
    pyl_runs, py_runs = [], []
    for _ in range(rounds):
        pyl_runs.append(run_once(pyl_cmd))
        py_runs.append(run_once(py_cmd))
    return pyl_runs, py_runs


def median(xs):
    return statistics.median(xs)


def fmt_ratio(a, b):
    return f"{a / b:.2f}" if b > 0 else "n/a"


def render_table(header, rows, markdown):
    if markdown:
        lines = ["| " + " | ".join(header) + " |",
                 "|" + "|".join("---" if i == 0 else "---:"
                                for i in range(len(header))) + "|"]
        for row in rows:
            lines.append("| " + " | ".join(row) + " |")
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(header)]
    def line(cells):
        return " | ".join(c.ljust(w) if i == 0 else c.rjust(w)
                          for i, (c, w) in enumerate(zip(cells, widths)))
    out = [line(header), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    return "\n".join(out)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_lines(python, pyver, python_why, pyl):
    try:
        uname = subprocess.run(["uname", "-srm"], capture_output=True,
                               text=True).stdout.strip()
    except OSError:
        uname = " ".join((platform.system(), platform.release(),
                          platform.machine()))
    cores = os.cpu_count()
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = cores
    try:
        load = "load average %.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        load = ""
    built = time.strftime("%Y-%m-%d %H:%M", time.localtime(os.path.getmtime(pyl)))
    try:
        head = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%h %cd",
                               "--date=format:%Y-%m-%d %H:%M"],
                              capture_output=True, text=True).stdout.strip()
    except OSError:
        head = ""
    rev = f"; repository at {head}" if head else ""
    return [
        f"machine: {uname}; CPU: {cpu_model()}; cores: {cores}"
        + (f" ({usable} usable)" if usable != cores else "")
        + (f"; {load} at the end" if load else ""),
        f"python: {python} -S (CPython {pyver}; chosen because {python_why})",
        f"pyl: {pyl} (built {built}{rev})",
        "command: " + shlex.join(["python3"] + sys.argv),
        "date: " + time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    ]


def million(pyl):
    log(f"mem_tasks with N={MILLION:,} under pyl (one run) ...")
    r = run_once([pyl, os.path.join("bench", "mem_tasks.pyl"), str(MILLION)])
    expected = f"{MILLION} {MILLION * (MILLION - 1) // 2}\n"
    ok = r.code == 0 and r.out == expected
    mib = r.maxrss_kb / 1024
    verdict = "under" if r.maxrss_kb * 1024 < GIB else "NOT under"
    print(f"one million tasks (mem_tasks {MILLION}, pyl only): peak RSS "
          f"{mib:.1f} MB ({r.maxrss_kb * 1024 / MILLION:.0f} bytes/task "
          f"overall), {r.seconds:.2f} s, {verdict} 1 GiB; output "
          + ("correct" if ok else f"WRONG (status {r.code}): {r.out.strip()!r}"))
    if r.code != 0:
        describe_failure("pyl", r)
    return ok


def main():
    ap = argparse.ArgumentParser(
        description="Compare pyl with CPython on the bench/*.pyl workloads.")
    ap.add_argument("--rounds", type=int, default=10,
                    help="timed rounds per interpreter (default 10)")
    ap.add_argument("--pyl", help="pyl binary (default target/release/pyl)")
    ap.add_argument("--python", help="reference interpreter "
                    "(default /usr/bin/python3.11, python3.11, python3)")
    ap.add_argument("--markdown", action="store_true",
                    help="print the table as Markdown")
    ap.add_argument("--million", action="store_true",
                    help="run mem_tasks with N=1000000 under pyl only and "
                    "print its peak RSS (alone unless NAMEs are given)")
    ap.add_argument("names", nargs="*", metavar="NAME",
                    help=f"scripts to run (default all: {' '.join(SCRIPTS)})")
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    for n in args.names:
        if n not in SCRIPTS:
            ap.error(f"unknown script {n!r}; choose from {' '.join(SCRIPTS)}")

    pyl = find_pyl(args.pyl)
    names = args.names or ([] if args.million else SCRIPTS)
    python = pyver = python_why = None
    if names:
        python, python_why = find_python(args.python)
        pyver = python_version(python)
        log(f"reference: {python} -S (CPython {pyver}); pyl: {pyl}; "
            f"{args.rounds} rounds")

    rows = []
    all_same = True
    mem_line = None
    for name in names:
        log(f"{name} ...")
        pyl_runs, py_runs = bench_script(name, pyl, python, args.rounds)
        ref = py_runs[0].key()
        same = all(r.key() == ref for r in pyl_runs + py_runs)
        failed = [r for r in pyl_runs + py_runs if r.code != 0]
        if not same or failed:
            all_same = False
            for label, runs in (("pyl", pyl_runs), ("python", py_runs)):
                bad = next((r for r in runs if r.code != 0), None)
                if bad:
                    describe_failure(label, bad)
            if not same:
                log(f"    outputs differ: python {py_runs[0].out[:200]!r}"
                    f" vs pyl {pyl_runs[0].out[:200]!r}")
        t_pyl = median(r.seconds for r in pyl_runs)
        t_py = median(r.seconds for r in py_runs)
        m_pyl = median(r.maxrss_kb for r in pyl_runs)
        m_py = median(r.maxrss_kb for r in py_runs)
        rows.append([name, f"{t_pyl:.3f}", f"{t_py:.3f}",
                     fmt_ratio(t_pyl, t_py), f"{m_pyl / 1024:.1f}",
                     f"{m_py / 1024:.1f}", "yes" if same and not failed
                     else ("no" if not same else "failed")])
        if name == "mem_tasks":
            log("mem_tasks with N=1 ...")
            one_pyl, one_py = bench_script(name, pyl, python, args.rounds,
                                           extra_args=("1",))
            one_same = all(r.key() == one_py[0].key()
                           for r in one_pyl + one_py)
            if not one_same:
                all_same = False
                log("    mem_tasks N=1: outputs differ")
            per = []
            for big, small in ((pyl_runs, one_pyl), (py_runs, one_py)):
                diff_kb = (median(r.maxrss_kb for r in big)
                           - median(r.maxrss_kb for r in small))
                per.append(diff_kb * 1024 / (MEM_N - 1))
            mem_line = (f"mem_tasks: bytes per task (median peak RSS at "
                        f"N={MEM_N} minus at N=1, / {MEM_N - 1}): "
                        f"pyl {per[0]:.0f}, python {per[1]:.0f}, "
                        f"ratio pyl/python {fmt_ratio(per[0], per[1])}")

    if names:
        header = ["script", "pyl median s", "python median s",
                  "ratio pyl/python", "pyl peak RSS MB",
                  "python peak RSS MB", "same output"]
        print(render_table(header, rows, args.markdown))
        print()
        if mem_line:
            print(mem_line)
            print()
        print(f"medians of {args.rounds} rounds (pyl and python alternating, "
              "after one warm-up run of each); peak RSS is the median over "
              "those runs of each child's ru_maxrss; 1 MB = 1024 KB")
        if not subreaper():
            print("warning: could not become a child subreaper; peak RSS "
                  "figures are at least this runner's own RSS")
    million_ok = True
    if args.million:
        million_ok = million(pyl)
    if names:
        print()
        for line in machine_lines(python, pyver, python_why, pyl):
            print(("- " if args.markdown else "") + line)
    else:
        print("command: " + shlex.join(["python3"] + sys.argv))
    return 0 if all_same and million_ok else 1


if __name__ == "__main__":
    sys.exit(main())
