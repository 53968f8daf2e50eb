//! A program whose stdout is a pipe closed early (`pyl script | head -c 10`)
//! behaves as under CPython: the write raises `BrokenPipeError`, which the
//! program may catch and go on, or which ends it with a traceback and
//! status 1 — never a panic, a hang, or a second error at exit. Each case
//! runs under pyl and, when it is there, under python3, which must agree.

use std::io::Read;
use std::process::{Command, Stdio};

use pyl::golden::python3;

const PYL: &str = env!("CARGO_BIN_EXE_pyl");

/// Prints about 100 MB unless the pipe closes first.
const UNCAUGHT: &str = "for i in range(2_000_000):\n    print('line', i, 'x' * 40)\n";

const CAUGHT: &str = "\
import sys
written = 0
try:
    for i in range(2_000_000):
        print('line', i, 'x' * 40)
        written += 1
except BrokenPipeError as e:
    sys.stderr.write(f'caught {type(e).__name__}: {e} {e.errno} {written > 0}\\n')
sys.stderr.write('went on\\n')
";

/// Runs `program -c source`, reads 10 bytes of its stdout, closes the pipe
/// and returns the exit status and the last line of stderr.
fn run_with_closed_pipe(program: &str, args: &[&str], source: &str) -> (i32, String) {
    let mut child = Command::new(program)
        .args(args)
        .args(["-c", source])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the interpreter starts");
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut first = [0u8; 10];
    stdout.read_exact(&mut first).expect("the program prints");
    drop(stdout);
    let output = child.wait_with_output().expect("the program ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().unwrap_or_default().to_string();
    (output.status.code().unwrap_or(-1), last)
}

fn check(source: &str, expected: (i32, &str)) {
    let expected = (expected.0, expected.1.to_string());
    assert_eq!(run_with_closed_pipe(PYL, &[], source), expected, "pyl");
    match python3() {
        Some(python) => assert_eq!(
            run_with_closed_pipe(python, &["-S"], source),
            expected,
            "python3"
        ),
        None => println!("python3 not found: its check is skipped"),
    }
}

#[test]
fn an_uncaught_broken_pipe_ends_the_program_with_a_traceback() {
    check(UNCAUGHT, (1, "BrokenPipeError: [Errno 32] Broken pipe"));
}

#[test]
fn a_caught_broken_pipe_lets_the_program_go_on() {
    check(CAUGHT, (0, "went on"));
}
