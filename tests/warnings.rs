//! Warnings on stderr are CPython's to the byte. The golden cases check
//! only the last line of stderr; for these cases the whole of it must be
//! what python3 prints: place, message, source line, each place once.

use pyl::golden::run_under_both;

const PYL: &str = env!("CARGO_BIN_EXE_pyl");

fn stderr_agrees(case: &str) {
    let Some((pyl, cpython)) = run_under_both(PYL, case) else {
        return;
    };
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

#[test]
fn a_coroutine_held_by_an_asyncio_frame_lives_as_long_as_the_exception() {
    stderr_agrees("tests/asyncio/never_awaited_held_by_asyncio_frames.pyl");
    stderr_agrees("tests/asyncio/never_awaited_run_in_handler.pyl");
}

#[test]
fn the_warnings_module_prints_as_cpython_once_per_place() {
    stderr_agrees("tests/modules/warnings_stderr.pyl");
    stderr_agrees("tests/modules/warnings_functions.pyl");
}
