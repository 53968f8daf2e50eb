//! Warnings on stderr are CPython's to the byte. The golden cases check
//! only the last line of stderr; for these cases the whole of it must be
//! what python3 prints: place, message, source line, each place once.

use std::path::Path;

use pyl::golden::{python3, run_case, DEFAULT_TIMEOUT};

const PYL: &str = env!("CARGO_BIN_EXE_pyl");

fn stderr_agrees(case: &str) {
    let Some(python) = python3() else {
        println!("python3 not found: skipped");
        return;
    };
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join(case);
    let pyl = run_case(PYL, &case, &[], DEFAULT_TIMEOUT).expect("pyl runs");
    let cpython = run_case(python, &case, &[], DEFAULT_TIMEOUT).expect("python3 runs");
    assert!(!cpython.stderr.is_empty(), "python3 printed no warning");
    assert_eq!(pyl.stderr, cpython.stderr);
    assert_eq!(pyl.stdout, cpython.stdout);
}

#[test]
fn a_coroutine_never_awaited_is_reported_where_it_was_dropped() {
    stderr_agrees("tests/asyncio/never_awaited.pyl");
}

#[test]
fn a_task_destroyed_before_it_ran_was_never_awaited() {
    stderr_agrees("tests/asyncio/never_started_task_at_exit.pyl");
}
