//! Uncaught exceptions are reported as CPython reports them. The golden
//! cases check only the last line of stderr; for these cases the whole of
//! it must be python3's, but for what pyl does differently on purpose: it
//! adds an ariadne snippet of the failing line, it does not draw 3.11's
//! `^^^^` markers under parts of a traceback's lines, and its asyncio has
//! no Python frames where CPython's has `asyncio/runners.py` and the like.

use pyl::golden::run_under_both;

const PYL: &str = env!("CARGO_BIN_EXE_pyl");

fn traceback_agrees(case: &str) {
    let Some((pyl, cpython)) = run_under_both(PYL, case) else {
        return;
    };
    assert!(!cpython.stderr.is_empty(), "python3 printed no traceback");
    assert_eq!(without_snippets(&pyl.stderr), comparable(&cpython.stderr));
    assert_eq!(pyl.stdout, cpython.stdout);
}

/// pyl's report without its ariadne snippets (from an `Error: ` line to
/// the line that closes the snippet's frame) and without the lines of
/// frames in its asyncio's Python (`<asyncio taskgroups>`, ...).
fn without_snippets(stderr: &str) -> String {
    let mut kept = String::new();
    let mut in_snippet = false;
    let mut lines = stderr.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("Error: ") {
            in_snippet = true;
        } else if in_snippet {
            in_snippet = !line.trim_start().starts_with('─');
        } else if line.contains("File \"<asyncio ") {
            lines.next();
        } else {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
}

/// CPython's report without the lines of `^` and `~` markers (and the
/// margins of exception groups before them), and without the lines of
/// frames in its own `asyncio` package (each with its source line).
fn comparable(stderr: &str) -> String {
    let is_marker = |line: &str| {
        let rest = line.trim_start_matches([' ', '|']);
        !rest.is_empty() && rest.chars().all(|c| matches!(c, '^' | '~' | ' '))
    };
    let mut kept = String::new();
    let mut lines = stderr.lines().filter(|line| !is_marker(line));
    while let Some(line) = lines.next() {
        if line.contains("File \"") && line.contains("/lib/python") && line.contains("/asyncio/") {
            lines.next();
            continue;
        }
        kept.push_str(line);
        kept.push('\n');
    }
    kept
}

#[test]
fn an_exception_group_is_drawn_as_boxes_of_its_members() {
    traceback_agrees("tests/lang/exc_group_uncaught.pyl");
}

#[test]
fn causes_and_contexts_are_printed_before_the_exception() {
    traceback_agrees("tests/lang/exc_uncaught_raise_from.pyl");
    traceback_agrees("tests/lang/exc_uncaught_during_handling.pyl");
}

#[test]
fn what_except_star_leaves_is_raised_as_a_new_group() {
    traceback_agrees("tests/lang/except_star_uncaught.pyl");
}

#[test]
fn a_raise_adds_its_line_and_a_reraise_none() {
    traceback_agrees("tests/lang/exc_uncaught_raised_again.pyl");
}

#[test]
fn repeated_lines_of_deep_recursion_are_counted() {
    traceback_agrees("tests/lang/exc_uncaught_deep_traceback.pyl");
}

#[test]
fn a_coroutine_that_moved_to_the_heap_reraises_with_its_one_line() {
    traceback_agrees("tests/asyncio/reraise_after_suspending.pyl");
}

#[test]
fn a_task_group_that_fails_shows_the_failing_task() {
    traceback_agrees("tests/asyncio/taskgroup_error_uncaught.pyl");
}

#[test]
fn notes_follow_the_message() {
    traceback_agrees("tests/lang/exc_uncaught_note.pyl");
}

#[test]
fn an_iterator_that_fails_blames_its_for_line() {
    traceback_agrees("tests/lang/exc_uncaught_in_for_iterator.pyl");
}
