//! Uncaught exceptions are reported as CPython reports them. The golden
//! cases check only the last line of stderr; for these cases the whole of
//! it must be python3's — the `^^^^`/`~~^~~` markers under the lines
//! included — but for what pyl does differently on purpose: it adds an
//! ariadne snippet of the failing line, and its asyncio has no Python
//! frames where CPython's has `asyncio/runners.py` and the like.

use std::path::Path;

use pyl::golden::run_under_both;

const PYL: &str = env!("CARGO_BIN_EXE_pyl");

fn traceback_agrees(case: &str) {
    if let Some(difference) = traceback_difference(case) {
        panic!("{difference}");
    }
}

/// How pyl's report of `case` differs from python3's, if it does.
fn traceback_difference(case: &str) -> Option<String> {
    let (pyl, cpython) = run_under_both(PYL, case)?;
    assert!(
        !cpython.stderr.is_empty(),
        "{case}: python3 printed no traceback"
    );
    // CPython imports a module through its `NAME.py` link to `NAME.pyl`.
    let theirs: String = (cpython.stderr.lines())
        .map(|line| match line.trim_start().starts_with("File \"") {
            true => line.replace(".py\"", ".pyl\"") + "\n",
            false => format!("{line}\n"),
        })
        .collect();
    let (ours, theirs) = (without_snippets(&pyl.stderr), comparable(&theirs));
    if ours != theirs || pyl.stdout != cpython.stdout {
        return Some(format!(
            "{case}:\n--- pyl\n{ours}--- python3\n{theirs}--- pyl's stdout\n{}--- python3's\n{}",
            pyl.stdout, cpython.stdout
        ));
    }
    None
}

/// Whether `line` is only markers under a traceback's source line.
fn is_marker(line: &str) -> bool {
    let rest = line.trim_start_matches([' ', '|']);
    !rest.is_empty() && rest.chars().all(|c| matches!(c, '^' | '~' | ' '))
}

/// Skips, in `lines`, the source line and the markers that follow a
/// frame's `File` line.
fn skip_frame_lines<'a>(lines: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>) {
    lines.next();
    lines.next_if(|line| is_marker(line));
}

/// pyl's report without its ariadne snippets (from an `Error: ` line to
/// the line that closes the snippet's frame) and without the lines of
/// frames in its asyncio's Python (`<asyncio taskgroups>`, ...).
fn without_snippets(stderr: &str) -> String {
    let mut kept = String::new();
    let mut in_snippet = false;
    let mut lines = stderr.lines().peekable();
    while let Some(line) = lines.next() {
        if line.starts_with("Error: ") {
            in_snippet = true;
        } else if in_snippet {
            in_snippet = !line.trim_start().starts_with('─');
        } else if line.contains("File \"<asyncio ") {
            skip_frame_lines(&mut lines);
        } else {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
}

/// CPython's report without the lines of frames in its own `asyncio`
/// package (each with its source line and markers), and with the files of
/// that package where Debian's 3.11 has them, as pyl names them (a
/// warning placed in `asyncio/events.py`, a callback in a repr).
fn comparable(stderr: &str) -> String {
    let mut kept = String::new();
    let mut lines = stderr.lines().peekable();
    while let Some(line) = lines.next() {
        if line.contains("File \"") && line.contains("/lib/python") && line.contains("/asyncio/") {
            skip_frame_lines(&mut lines);
            continue;
        }
        kept.push_str(&with_debian_paths(line));
        kept.push('\n');
    }
    kept
}

/// `line` with each path into CPython's `asyncio` package made Debian's
/// (`/usr/lib/python3.11/asyncio/…`), wherever this python3 is installed.
fn with_debian_paths(line: &str) -> String {
    const PACKAGE: &str = "/lib/python3.11/asyncio/";
    let mut rest = line;
    let mut made = String::new();
    while let Some(at) = rest.find(PACKAGE) {
        let start = rest[..at].rfind([' ', '"', '(', '[']).map_or(0, |i| i + 1);
        made.push_str(&rest[..start]);
        made.push_str("/usr");
        made.push_str(PACKAGE);
        rest = &rest[at + PACKAGE.len()..];
    }
    made.push_str(rest);
    made
}

/// Every case in `tests/locations`: one uncaught exception each, raised
/// somewhere in a line, whose markers must be CPython's.
#[test]
fn each_error_is_marked_where_cpython_marks_it() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/locations");
    let mut cases: Vec<_> = std::fs::read_dir(&folder)
        .expect("tests/locations")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.ends_with(".pyl")
                .then(|| format!("tests/locations/{name}"))
        })
        .collect();
    cases.sort();
    assert!(cases.len() > 50, "the cases of tests/locations are missing");
    let differences: Vec<String> = cases
        .iter()
        .filter_map(|case| traceback_difference(case))
        .collect();
    assert!(
        differences.is_empty(),
        "{} of {} differ:\n{}",
        differences.len(),
        cases.len(),
        differences.join("\n")
    );
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

#[test]
fn a_coroutine_held_by_a_frame_the_exception_left_is_reported_after_it() {
    traceback_agrees("tests/lang/never_awaited_held_by_failing_frame.pyl");
    traceback_agrees("tests/asyncio/never_awaited_argument_of_failing_run.pyl");
}

#[test]
fn frames_in_an_imported_module_name_its_file_by_its_absolute_path() {
    traceback_agrees("tests/modules/traceback_through_module.pyl");
}

#[test]
fn what_modules_standing_for_c_call_fails_with_no_frames_of_theirs() {
    traceback_agrees("tests/modules/itertools_user_error.pyl");
    traceback_agrees("tests/modules/functools_user_error.pyl");
    traceback_agrees("tests/modules/collections_factory_error.pyl");
    traceback_agrees("tests/modules/heapq_bisect_user_error.pyl");
}

#[test]
fn a_task_the_failed_frame_held_reports_its_exception_after_the_traceback() {
    // The traceback keeps `main`'s locals, the second task among them, as
    // CPython's keeps the frame: the task is freed, and reported, only
    // once the traceback is printed.
    traceback_agrees("tests/asyncio/unretrieved_after_traceback.pyl");
    traceback_agrees("tests/asyncio/unretrieved_at_exit.pyl");
}

#[test]
fn a_syntax_error_with_a_place_is_reported_at_it() {
    traceback_agrees("tests/modules/syntax_error_in_import.pyl");
    traceback_agrees("tests/lang/syntax_error_raised_uncaught.pyl");
}

#[test]
fn a_failing_callback_is_named_as_cpython_names_it() {
    // `Exception in callback NAME(ARGS) at FILE:LINE` and the handle's
    // repr: a bound method or a callable object without a location, a
    // partial as the call it makes, a decorated function at its decorator.
    traceback_agrees("tests/asyncio/handle_repr_and_callback_names.pyl");
    traceback_agrees("tests/asyncio/callback_source_locations.pyl");
    traceback_agrees("tests/asyncio/call_exception_handler_default.pyl");
    traceback_agrees("tests/asyncio/exception_handler_set_by_program.pyl");
}

#[test]
fn a_task_that_raised_system_exit_or_keyboard_interrupt_reports_it_at_exit() {
    traceback_agrees("tests/asyncio/system_exit_in_task_reported_at_exit.pyl");
    traceback_agrees("tests/asyncio/keyboard_interrupt_in_task_reported_at_exit.pyl");
}

#[test]
fn a_coroutine_a_closed_loop_refused_is_reported_when_the_error_is_gone() {
    traceback_agrees("tests/asyncio/run_until_complete_refusals.pyl");
}

#[test]
fn a_coroutine_never_awaited_is_reported_where_it_was_dropped() {
    traceback_agrees("tests/asyncio/never_awaited_where_dropped.pyl");
    traceback_agrees("tests/asyncio/gather_generator_argument.pyl");
}
