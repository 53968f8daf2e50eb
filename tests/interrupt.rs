//! Ctrl-C (SIGINT) in a running program: `KeyboardInterrupt` is raised
//! where the program is, its `finally` blocks run, what it printed is all
//! there, the traceback ends in `KeyboardInterrupt`, and the process ends
//! killed by SIGINT — as CPython ends, so that a shell sees the interrupt.
//! Each program runs under pyl and, when it is there, under python3.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Stdio};

use pyl::golden::python3;

const PYL: &str = env!("CARGO_BIN_EXE_pyl");

/// Spins in plain code, in a `sleep(0)` loop in a task, in a long sleep,
/// and waits in `input()` (on a pipe nobody writes to: the read used to go
/// on after the signal); each prints its first line inside the `try`, so
/// that the signal, sent once it is read, lands inside.
const PROGRAMS: [&str; 4] = [
    "try:\n    print('started', flush=True)\n    input()\nfinally:\n    print('finally ran')\n",
    "try:\n    print('started', flush=True)\n    while True:\n        pass\nfinally:\n    print('finally ran')\n",
    "import asyncio\nasync def main():\n    try:\n        print('started', flush=True)\n        while True:\n            await asyncio.sleep(0)\n    finally:\n        print('finally ran')\nasyncio.run(main())\n",
    "import time\ntry:\n    print('started', flush=True)\n    time.sleep(100)\nfinally:\n    print('finally ran')\n",
];

/// Runs `source`, sends `signal` (`INT`, `QUIT`) once it has printed its
/// first line: how it ended, its stdout and its stderr.
fn signal_once_started(
    program: &str,
    args: &[&str],
    source: &str,
    signal: &str,
) -> (ExitStatus, String, String) {
    let mut child = Command::new(program)
        .args(args)
        .args(["-c", source])
        // Open until the program ends, with nothing written to it.
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the interpreter starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("the program starts");
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let mut rest = String::new();
    stdout
        .read_to_string(&mut rest)
        .expect("stdout is readable");
    let mut stderr = String::new();
    let _ = child
        .stderr
        .take()
        .expect("stderr is piped")
        .read_to_string(&mut stderr);
    let status = child.wait().expect("the interpreter ends");
    (status, first + &rest, stderr)
}

/// SIGINT once `source` has started: the signal that ended it, its stdout
/// and the last line of its stderr.
fn interrupt(program: &str, args: &[&str], source: &str) -> (Option<i32>, String, String) {
    let (status, stdout, stderr) = signal_once_started(program, args, source, "INT");
    let last_line = stderr.lines().last().unwrap_or("").to_string();
    (status.signal(), stdout, last_line)
}

#[test]
fn ctrl_c_raises_keyboard_interrupt_and_ends_the_process_by_sigint() {
    for source in PROGRAMS {
        let pyl = interrupt(PYL, &[], source);
        assert_eq!(pyl.0, Some(2), "{source}\n{pyl:?}");
        assert_eq!(pyl.2, "KeyboardInterrupt", "{source}\n{pyl:?}");
        assert!(pyl.1.contains("finally ran"), "{source}\n{pyl:?}");
        match python3() {
            Some(python) => assert_eq!(interrupt(python, &["-S"], source), pyl, "{source}"),
            None => println!("python3 not found: the comparison is skipped"),
        }
    }
}

/// Ctrl-\ (SIGQUIT) prints the task tree on stderr, and the program goes
/// on to its end: in a loop waiting for a timer, and in a task spinning
/// in plain code.
#[test]
fn ctrl_backslash_prints_the_task_tree_and_the_program_goes_on() {
    let sources = [
        "import asyncio\nasync def nap():\n    print('started', flush=True)\n    await asyncio.sleep(0.5)\nasync def main():\n    await asyncio.gather(nap(), nap())\n    print('done')\nasyncio.run(main())\n",
        "import asyncio, time\nasync def main():\n    print('started', flush=True)\n    end = time.monotonic() + 0.5\n    while time.monotonic() < end:\n        pass\n    print('done')\nasyncio.run(main())\n",
    ];
    for (source, expected) in sources.iter().zip([
        ["Task-1 main(): awaiting gather", "nap(): sleeping until"],
        ["Task-1 main(): running", "1 pending task"],
    ]) {
        let (status, stdout, stderr) = signal_once_started(PYL, &[], source, "QUIT");
        assert!(status.success(), "{status:?} {stderr}");
        assert!(stdout.ends_with("done\n"), "{stdout}");
        for line in expected {
            assert!(stderr.contains(line), "{line:?} not in {stderr:?}");
        }
    }
}
