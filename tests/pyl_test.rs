//! `pyl test`, run as a user runs it: the real binary on case folders made
//! for each test. The folders live in the system's temporary folder, never
//! under `tests/`, whose cases the golden suite would pick up.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// A fresh folder of cases, removed when the test ends.
struct Cases {
    root: PathBuf,
}

impl Cases {
    fn new(test_name: &str) -> Cases {
        let root =
            std::env::temp_dir().join(format!("pyl_test-{}-{test_name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        Cases { root }
    }

    fn write(&self, relative: &str, contents: &str) -> &Cases {
        let path = self.root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    fn read(&self, relative: &str) -> Option<String> {
        std::fs::read_to_string(self.root.join(relative)).ok()
    }

    /// `pyl test ARGS…` from the folder.
    fn pyl_test(&self, args: &[&str]) -> Run {
        let started = Instant::now();
        let output = Command::new(env!("CARGO_BIN_EXE_pyl"))
            .arg("test")
            .args(args)
            .current_dir(&self.root)
            .output()
            .unwrap();
        Run {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            status: output.status.code().unwrap_or(-1),
            took: started.elapsed(),
        }
    }
}

impl Drop for Cases {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[derive(Debug)]
struct Run {
    stdout: String,
    stderr: String,
    status: i32,
    took: Duration,
}

impl Run {
    fn assert_status(&self, status: i32) -> &Run {
        assert_eq!(self.status, status, "{self:#?}");
        self
    }

    fn assert_stdout_contains(&self, text: &str) -> &Run {
        assert!(self.stdout.contains(text), "no {text:?} in {self:#?}");
        self
    }
}

/// Long enough for a slow machine, far shorter than an hour of sleeps or
/// the default timeout.
const QUICK: Duration = Duration::from_secs(30);

#[test]
fn all_cases_pass() {
    let cases = Cases::new("all_cases_pass");
    cases
        .write("a.pyl", "print('hello')\n")
        .write("a.out", "hello\n")
        // Run from its own folder, the case finds its sibling module.
        .write("sub/helper.pyl", "GREETING = 'hi'\n")
        .write("sub/b.pyl", "import helper\nprint(helper.GREETING)\n")
        .write("sub/b.out", "hi\n")
        .write("notes.txt", "not a case\n");
    let run = cases.pyl_test(&[]);
    run.assert_status(0);
    assert_eq!(
        run.stdout,
        "ok   a.pyl\nok   sub/b.pyl\n2 passed, 0 failed\n"
    );
}

#[test]
fn a_stdout_mismatch_fails_with_a_diff() {
    let cases = Cases::new("stdout_mismatch");
    cases
        .write("a.pyl", "print('one')\nprint('deux')\nprint('three')\n")
        .write("a.out", "one\ntwo\nthree\n");
    let run = cases.pyl_test(&[]);
    run.assert_status(1);
    assert_eq!(
        run.stdout,
        "FAIL a.pyl
  stdout differs:
    --- expected
    +++ actual
    @@ -1,3 +1,3 @@
     one
    -two
    +deux
     three
0 passed, 1 failed
"
    );
    assert!(!run.stdout.contains('\x1b'), "colors in a pipe: {run:#?}");
}

#[test]
fn expected_stderr_and_status_pass() {
    let cases = Cases::new("expected_stderr_pass");
    cases
        .write("raises.pyl", "print('before')\nraise ValueError('bad')\n")
        .write("raises.out", "before\n")
        .write("raises.err", "ValueError: bad\n")
        .write("raises.code", "1\n")
        .write("exits.pyl", "import sys\nsys.exit(3)\n")
        .write("exits.out", "")
        .write("exits.code", "3\n");
    let run = cases.pyl_test(&[]);
    run.assert_status(0);
    assert_eq!(
        run.stdout,
        "ok   exits.pyl\nok   raises.pyl\n2 passed, 0 failed\n"
    );
}

#[test]
fn wrong_stderr_and_status_fail() {
    let cases = Cases::new("expected_stderr_fail");
    cases
        .write("raises.pyl", "raise ValueError('bad')\n")
        .write("raises.out", "")
        .write("raises.err", "KeyError: 'x'\n")
        .write("raises.code", "2\n")
        .write("unexpected.pyl", "print(1 / 0)\n")
        .write("unexpected.out", "");
    let run = cases.pyl_test(&[]);
    run.assert_status(1)
        .assert_stdout_contains(
            "FAIL raises.pyl
  last stderr line:
    expected: KeyError: 'x'
    actual:   ValueError: bad
  exit status: expected 2, got 1
  stderr:
    Traceback (most recent call last):
",
        )
        .assert_stdout_contains(
            "FAIL unexpected.pyl
  exit status: expected 0, got 1
  stderr:
",
        )
        .assert_stdout_contains("    ZeroDivisionError: division by zero\n");
    assert!(run.stdout.ends_with("0 passed, 2 failed\n"), "{run:#?}");
}

#[test]
fn update_writes_the_expectations() {
    let cases = Cases::new("update");
    cases
        .write("changed.pyl", "print('new')\n")
        .write("changed.out", "old\n")
        .write("fails.pyl", "print('so far')\nraise KeyError('k')\n")
        .write("fails.out", "")
        .write("fixed.pyl", "print('fine')\n")
        .write("fixed.out", "fine\n")
        .write("fixed.err", "ValueError: stale\n")
        .write("fixed.code", "1\n")
        .write("same.pyl", "print('same')\n")
        .write("same.out", "same\n");
    let run = cases.pyl_test(&["--update"]);
    run.assert_status(0);
    assert_eq!(
        run.stdout,
        "updated changed.pyl
updated fails.pyl
updated fixed.pyl
ok   same.pyl
3 updated, 1 unchanged, 0 failed
"
    );
    assert_eq!(cases.read("changed.out").as_deref(), Some("new\n"));
    assert_eq!(cases.read("fails.out").as_deref(), Some("so far\n"));
    assert_eq!(cases.read("fails.err").as_deref(), Some("KeyError: 'k'\n"));
    assert_eq!(cases.read("fails.code").as_deref(), Some("1\n"));
    assert_eq!(cases.read("fixed.err"), None);
    assert_eq!(cases.read("fixed.code"), None);
    let run = cases.pyl_test(&[]);
    run.assert_status(0)
        .assert_stdout_contains("4 passed, 0 failed\n");
}

#[test]
fn update_creates_the_output_of_a_named_new_script() {
    let cases = Cases::new("update_new");
    cases.write("new.pyl", "print(6 * 7)\n");
    cases
        .pyl_test(&["new.pyl"])
        .assert_status(1)
        .assert_stdout_contains("no expected output: new.out does not exist");
    cases
        .pyl_test(&["--update", "new.pyl"])
        .assert_status(0)
        .assert_stdout_contains("updated new.pyl\n");
    assert_eq!(cases.read("new.out").as_deref(), Some("42\n"));
}

/// An hour of asyncio sleeps: instant in virtual time.
const AN_HOUR_ASLEEP: &str =
    "import asyncio, time\nasyncio.run(asyncio.sleep(3600))\nprint(round(time.monotonic()))\n";

#[test]
fn virtual_time_is_the_default() {
    let cases = Cases::new("virtual_time");
    cases
        .write("hour.pyl", AN_HOUR_ASLEEP)
        .write("hour.out", "3600\n");
    let run = cases.pyl_test(&[]);
    run.assert_status(0)
        .assert_stdout_contains("ok   hour.pyl\n");
    assert!(run.took < QUICK, "{run:#?}");
    let run = cases.pyl_test(&["--clock", "virtual"]);
    run.assert_status(0)
        .assert_stdout_contains("ok   hour.pyl\n");
}

#[test]
fn real_time_on_request() {
    let cases = Cases::new("real_time");
    cases
        // Virtual time's wall clock starts in 2000.
        .write(
            "wall.pyl",
            "import time\nprint(time.time() > 1_600_000_000)\n",
        )
        .write("wall.out", "True\n");
    cases
        .pyl_test(&["--clock", "real"])
        .assert_status(0)
        .assert_stdout_contains("ok   wall.pyl\n");
    cases
        .pyl_test(&[])
        .assert_status(1)
        .assert_stdout_contains("FAIL wall.pyl\n");
    cases
        .write("hour.pyl", AN_HOUR_ASLEEP)
        .write("hour.out", "3600\n");
    let run = cases.pyl_test(&["--clock", "real", "--timeout", "1", "hour.pyl"]);
    run.assert_status(1)
        .assert_stdout_contains("FAIL hour.pyl\n  timed out after 1 s\n");
}

#[test]
fn a_hung_case_times_out() {
    let cases = Cases::new("timeout");
    cases
        .write("spin.pyl", "while True:\n    pass\n")
        .write("spin.out", "")
        .write("quick.pyl", "print('done')\n")
        .write("quick.out", "done\n");
    let run = cases.pyl_test(&["--timeout", "1"]);
    run.assert_status(1);
    assert_eq!(
        run.stdout,
        "ok   quick.pyl\nFAIL spin.pyl\n  timed out after 1 s\n1 passed, 1 failed\n"
    );
    assert!(run.took < QUICK, "{run:#?}");
}

#[test]
fn usage_errors() {
    let cases = Cases::new("usage_errors");
    let run = cases.pyl_test(&["no_such_folder"]);
    run.assert_status(2);
    assert!(run.stderr.contains("no_such_folder"), "{run:#?}");
    assert_eq!(run.stdout, "");
    cases.pyl_test(&["--frobnicate"]).assert_status(2);
    cases.pyl_test(&["--timeout", "soon"]).assert_status(2);
    cases.pyl_test(&["--clock", "sundial"]).assert_status(2);
    cases
        .pyl_test(&["--help"])
        .assert_status(0)
        .assert_stdout_contains("usage: pyl test");
}

#[test]
fn no_cases_is_not_a_failure() {
    let cases = Cases::new("no_cases");
    cases.write("lonely.pyl", "print('no .out')\n");
    let run = cases.pyl_test(&[]);
    run.assert_status(0)
        .assert_stdout_contains("no cases")
        .assert_stdout_contains("0 passed, 0 failed\n");
}

#[test]
fn results_come_in_sorted_order() {
    let cases = Cases::new("sorted_order");
    let count = 24;
    let mut expected = String::new();
    for number in 0..count {
        // The first cases take longest, so they finish last.
        let sleep = f64::from(count - number) / 100.0;
        let name = format!("case_{number:02}");
        cases
            .write(
                &format!("{name}.pyl"),
                &format!("import time\ntime.sleep({sleep})\nprint({number})\n"),
            )
            .write(&format!("{name}.out"), &format!("{number}\n"));
        expected.push_str(&format!("ok   {name}.pyl\n"));
    }
    expected.push_str(&format!("{count} passed, 0 failed\n"));
    let run = cases.pyl_test(&["--clock", "real"]);
    run.assert_status(0);
    assert_eq!(run.stdout, expected);
}

#[test]
fn a_path_may_name_one_case() {
    let cases = Cases::new("single_file");
    cases
        .write("sub/b.pyl", "print('b')\n")
        .write("sub/b.out", "b\n")
        .write("sub/broken.pyl", "print('x')\n")
        .write("sub/broken.out", "y\n");
    let run = cases.pyl_test(&["sub/b.pyl"]);
    run.assert_status(0);
    assert_eq!(run.stdout, "ok   sub/b.pyl\n1 passed, 0 failed\n");
    let run = cases.pyl_test(&["sub"]);
    run.assert_status(1);
    assert!(
        run.stdout
            .starts_with("ok   sub/b.pyl\nFAIL sub/broken.pyl\n"),
        "{run:#?}"
    );
}

#[test]
fn the_sandbox_and_limits_reach_every_case() {
    let cases = Cases::new("sandbox_options");
    let writes = "open('made.txt', 'w').write('x')\nprint('wrote')\n";
    cases
        .write("writes.pyl", writes)
        .write("writes.out", "wrote\n")
        .write("spins.pyl", "while True:\n    pass\n")
        .write("spins.out", "")
        .write("spins.code", "4\n");
    // Without the sandbox the write succeeds; the spinning case is bounded
    // by its own options file.
    cases.write("spins.options", "--limit-time 0.2\n");
    cases.pyl_test(&[]).assert_status(0);
    assert_eq!(cases.read("made.txt").as_deref(), Some("x"));
    std::fs::remove_file(cases.root.join("made.txt")).unwrap();
    // With it, the write is refused (exit status 3) and nothing is made.
    let run = cases.pyl_test(&["--sandbox", "--limit-memory", "50"]);
    run.assert_status(1)
        .assert_stdout_contains("FAIL writes.pyl")
        .assert_stdout_contains("expected 0, got 3")
        .assert_stdout_contains("ok   spins.pyl");
    assert_eq!(cases.read("made.txt"), None);
    // `pyl --sandbox test` means the same.
    let output = Command::new(env!("CARGO_BIN_EXE_pyl"))
        .args(["--sandbox", "test"])
        .current_dir(&cases.root)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(cases.read("made.txt"), None);
    cases.pyl_test(&["--limit-time"]).assert_status(2);
    cases.pyl_test(&["--limit-memory", "lots"]).assert_status(2);
}
