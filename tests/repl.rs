//! The REPL, driven as a user drives it: the real binary in a
//! pseudo-terminal, keys typed, the screen read.
//!
//! Each test gets its own home folder (history goes there) and waits for
//! what a user would see — a prompt, an echoed value, a traceback's last
//! line — with a timeout, so a hang fails the test instead of blocking it.

use std::path::PathBuf;
use std::process::Command;

use rexpect::process::wait::WaitStatus;
use rexpect::session::{spawn_command, PtySession};

const TIMEOUT_MS: u64 = 10_000;

/// A fresh folder under the system's temporary directory.
fn home(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pyl-repl-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary folder");
    dir
}

/// A session without syntax highlighting, so that what a test waits for
/// is the program's output, never the colored echo of what was typed.
fn start(home: &PathBuf) -> PtySession {
    start_with(home, true)
}

fn start_with(home: &PathBuf, no_color: bool) -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pyl"));
    if no_color {
        command.env("NO_COLOR", "1");
    } else {
        command.env_remove("NO_COLOR");
    }
    command
        .env("HOME", home)
        .env_remove("PYL_HISTORY")
        .env_remove("PYL_CLOCK")
        .env("TERM", "xterm")
        .current_dir(home);
    let mut session = spawn_command(command, Some(TIMEOUT_MS)).expect("pyl starts in a pty");
    session.exp_string(">>> ").expect("first prompt");
    session
}

/// Types a line and waits for the next primary prompt.
fn enter(session: &mut PtySession, line: &str) -> String {
    session.send_line(line).expect("type a line");
    session.exp_string(">>> ").expect("prompt after the input")
}

/// Types a block line by line, as a user does: each line after the prompt
/// for it; the block ends with a blank line and the primary prompt.
fn block(session: &mut PtySession, lines: &[&str]) -> String {
    for line in lines {
        session.send_line(line).expect("type a line");
        session.exp_string("... ").expect("continuation prompt");
    }
    enter(session, "")
}

fn exit_status(session: &PtySession) -> i32 {
    match session.process.wait().expect("pyl exits") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("pyl did not exit normally: {other:?}"),
    }
}

#[test]
fn expressions_are_echoed_and_kept_in_underscore() {
    let mut s = start(&home("echo"));
    assert!(enter(&mut s, "6 * 7").contains("42"));
    assert!(enter(&mut s, "_ + 1").contains("43"));
    assert!(enter(&mut s, "'a' + 'b'").contains("'ab'"));
    // `None` is not echoed, and does not replace `_`.
    let screen = enter(&mut s, "print(None)");
    assert_eq!(screen.matches("None").count(), 2, "{screen:?}");
    assert!(enter(&mut s, "_").contains("'ab'"));
    s.send_control('d').unwrap();
    s.exp_eof().unwrap();
}

#[test]
fn blocks_continue_until_a_blank_line() {
    let mut s = start(&home("blocks"));
    block(
        &mut s,
        &[
            "def squares(n):",
            "    out = []",
            "    for i in range(n):",
            "        out.append(i * i)",
            "    return out",
        ],
    );
    assert!(enter(&mut s, "squares(5)").contains("[0, 1, 4, 9, 16]"));
    // An open bracket asks for more and runs as soon as it closes.
    s.send_line("total = sum([1,").unwrap();
    s.exp_string("... ").unwrap();
    enter(&mut s, "2, 3])");
    assert!(enter(&mut s, "total").contains('6'));
    // A one-line compound statement also waits for the blank line.
    s.send_line("for c in 'xy': print(c * 3)").unwrap();
    s.exp_string("... ").unwrap();
    let screen = enter(&mut s, "");
    assert!(
        screen.contains("xxx") && screen.contains("yyy"),
        "{screen:?}"
    );
}

/// Lines that arrive faster than they are read (a paste into a terminal
/// without bracketed paste, typing ahead while code runs) are all kept:
/// the line editor's read-ahead survives from one line to the next.
#[test]
fn lines_typed_ahead_are_not_lost() {
    let mut s = start(&home("typeahead"));
    s.send("def cubes(n):\n    out = []\n    for i in range(n):\n        out.append(i ** 3)\n    return out\n\ncubes(4)\n")
        .unwrap();
    s.exp_string("[0, 1, 8, 27]").unwrap();
    s.exp_string(">>> ").unwrap();
    assert!(enter(&mut s, "len(cubes(10))").contains("10"));
}

#[test]
fn top_level_await_runs_on_one_loop() {
    let mut s = start(&home("await"));
    assert!(enter(&mut s, "await asyncio.sleep(0.01, result='done')").contains("'done'"));
    block(
        &mut s,
        &[
            "async def ask(x):",
            "    await asyncio.sleep(0.01)",
            "    return x * 2",
        ],
    );
    let screen = enter(&mut s, "await asyncio.gather(ask(1), ask(2), ask(3))");
    assert!(screen.contains("[2, 4, 6]"), "{screen:?}");
    // An asynchronous comprehension at top level awaits too.
    let screen = enter(&mut s, "[await ask(x) for x in range(4, 7)]");
    assert!(screen.contains("[8, 10, 12]"), "{screen:?}");
    // The loop is the same from one input to the next.
    enter(&mut s, "first = asyncio.get_running_loop()");
    assert!(enter(&mut s, "first is asyncio.get_event_loop()").contains("True"));
    let screen = enter(&mut s, "asyncio.run(ask(1))");
    assert!(
        screen.contains("asyncio.run() cannot be called from a running event loop"),
        "{screen:?}"
    );
}

/// As in `python -m asyncio`, the loop turns while the prompt waits:
/// a task goes on printing with no input typed (its lines go above the
/// prompt), and what is typed meanwhile — a line in one burst, Tab — is
/// taken at once.
#[test]
fn a_background_task_keeps_ticking_between_inputs() {
    let mut s = start(&home("ticker"));
    block(
        &mut s,
        &[
            "async def ticker():",
            "    for i in range(1000):",
            "        print('tick', i)",
            "        await asyncio.sleep(0.05)",
        ],
    );
    enter(&mut s, "t = asyncio.create_task(ticker())");
    s.exp_string("tick 3").unwrap();
    s.exp_string("tick 4").unwrap();
    // The prompt is drawn again under each tick, so the screen has many
    // prompts: wait for the answers themselves.
    s.send_line("'burst' * 2").unwrap();
    s.exp_string("'burstburst'").unwrap();
    s.send("t.do\t").unwrap();
    s.send_line(")").unwrap();
    s.exp_string("False").unwrap();
    s.send_line("t.cancel()").unwrap();
    s.exp_string("True").unwrap();
    s.send_line("t.cancelled()").unwrap();
    s.exp_string("True").unwrap();
    s.exp_string(">>> ").unwrap();
    let screen = enter(&mut s, "'quiet now'");
    assert!(screen.contains("'quiet now'"), "{screen:?}");
    let screen = enter(&mut s, "await asyncio.sleep(0.2)");
    assert!(!screen.contains("tick"), "{screen:?}");
}

/// A task stuck in a loop while the prompt waits: Ctrl-C at the prompt
/// stops it (the task ends with `KeyboardInterrupt`, as in `python -m
/// asyncio`) and the session goes on.
#[test]
fn ctrl_c_at_the_prompt_stops_a_task_stuck_in_a_loop() {
    let mut s = start(&home("stuck_task"));
    block(
        &mut s,
        &[
            "async def spin():",
            "    await asyncio.sleep(0.1)",
            "    while True: pass",
        ],
    );
    enter(&mut s, "stuck = asyncio.create_task(spin())");
    std::thread::sleep(std::time::Duration::from_millis(500));
    s.send_control('c').unwrap();
    s.exp_string("KeyboardInterrupt").unwrap();
    s.exp_string(">>> ").unwrap();
    s.send_line("stuck.exception()").unwrap();
    s.exp_string("KeyboardInterrupt()").unwrap();
    s.exp_string(">>> ").unwrap();
    assert!(enter(&mut s, "6 * 7").contains("42"));
}

/// A task that calls `exit()` while the prompt waits ends the session
/// with its status, as in `python -m asyncio`.
#[test]
fn a_task_that_exits_ends_the_session() {
    let mut s = start(&home("task_exit"));
    block(
        &mut s,
        &[
            "async def leave():",
            "    await asyncio.sleep(0.2)",
            "    exit(4)",
        ],
    );
    s.send_line("t = asyncio.create_task(leave())").unwrap();
    s.exp_eof().unwrap();
    assert_eq!(exit_status(&s), 4);
}

#[test]
fn tasks_prints_the_task_tree() {
    let mut s = start(&home("tasks"));
    block(
        &mut s,
        &[
            "async def nap(seconds):",
            "    await asyncio.sleep(seconds)",
        ],
    );
    block(
        &mut s,
        &[
            "async def naps():",
            "    await asyncio.gather(nap(30), nap(60))",
        ],
    );
    enter(&mut s, "t = asyncio.create_task(naps(), name='naps')");
    enter(&mut s, "await asyncio.sleep(0)");
    let screen = enter(&mut s, "tasks()");
    assert!(screen.contains("3 pending tasks"), "{screen:?}");
    assert!(
        screen.contains("naps naps(): awaiting gather at <stdin>:2 in naps"),
        "{screen:?}"
    );
    // The children, under their parent (the screen reads the tree's
    // box-drawing characters byte by byte).
    assert!(
        screen.contains(" Task-2 nap(): sleeping until"),
        "{screen:?}"
    );
    assert!(
        screen.contains(" Task-3 nap(): sleeping until"),
        "{screen:?}"
    );
}

#[test]
fn errors_are_shown_and_the_session_goes_on() {
    let mut s = start(&home("errors"));
    enter(&mut s, "kept = 41");
    let screen = enter(&mut s, "1 / 0");
    assert!(
        screen.contains("ZeroDivisionError: division by zero"),
        "{screen:?}"
    );
    assert!(screen.contains("<stdin>"), "{screen:?}");
    let screen = enter(&mut s, "def broken(:");
    assert!(screen.contains("SyntaxError"), "{screen:?}");
    let screen = enter(&mut s, "undefined_name");
    assert!(
        screen.contains("NameError: name 'undefined_name' is not defined"),
        "{screen:?}"
    );
    let screen = enter(&mut s, "await asyncio.wait_for(asyncio.sleep(5), 0.01)");
    assert!(screen.contains("TimeoutError"), "{screen:?}");
    assert!(enter(&mut s, "kept + 1").contains("42"));
}

#[test]
fn ctrl_c_interrupts_a_long_await_and_the_session_goes_on() {
    let mut s = start(&home("interrupt"));
    block(
        &mut s,
        &[
            "async def work():",
            "    try:",
            "        await asyncio.sleep(60)",
            "    finally:",
            "        print('cleaned up')",
        ],
    );
    s.send_line("await work()").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    s.send_control('c').unwrap();
    s.exp_string("cleaned up").unwrap();
    s.exp_string("KeyboardInterrupt").unwrap();
    s.exp_string(">>> ").unwrap();
    // Synchronous code is interrupted too.
    s.send_line("while True: pass").unwrap();
    s.exp_string("... ").unwrap();
    s.send_line("").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    s.send_control('c').unwrap();
    s.exp_string("KeyboardInterrupt").unwrap();
    s.exp_string(">>> ").unwrap();
    assert!(enter(&mut s, "1 + 1").contains('2'));
}

#[test]
fn ctrl_c_while_typing_discards_the_input() {
    let mut s = start(&home("discard"));
    s.send_line("if True:").unwrap();
    s.exp_string("... ").unwrap();
    s.send("    print('never')").unwrap();
    s.send_control('c').unwrap();
    s.exp_string("KeyboardInterrupt").unwrap();
    s.exp_string(">>> ").unwrap();
    let screen = enter(&mut s, "'fresh'");
    assert!(
        screen.contains("'fresh'") && !screen.contains("never"),
        "{screen:?}"
    );
}

#[test]
fn ctrl_d_and_exit_leave_with_their_status() {
    let mut s = start(&home("leave"));
    s.send_control('d').unwrap();
    s.exp_eof().unwrap();
    assert_eq!(exit_status(&s), 0);

    let mut s = start(&home("exit"));
    s.send_line("exit(3)").unwrap();
    s.exp_eof().unwrap();
    assert_eq!(exit_status(&s), 3);
}

#[test]
fn history_is_kept_across_sessions() {
    let home = home("history");
    let mut s = start(&home);
    assert!(enter(&mut s, "12345 + 1").contains("12346"));
    s.send_control('d').unwrap();
    s.exp_eof().unwrap();
    let saved = std::fs::read_to_string(home.join(".pyl_history")).expect("history file");
    assert!(saved.contains("12345 + 1"), "{saved:?}");

    let mut s = start(&home);
    // Up arrow, then Enter: the line from the last session runs again.
    s.send("\x1b[A").unwrap();
    s.send_line("").unwrap();
    s.exp_string("12346").unwrap();
}

#[test]
fn tab_completes_names_and_attributes() {
    let mut s = start(&home("complete"));
    enter(&mut s, "my_long_variable = 7");
    s.send("my_long_v\t").unwrap();
    s.send_line(" * 6").unwrap();
    s.exp_string("42").unwrap();
    s.exp_string(">>> ").unwrap();
    // A callable comes with its `(`, as rlcompleter gives it.
    s.send("await asyncio.sle\t").unwrap();
    s.send_line("0, 'completed')").unwrap();
    s.exp_string("'completed'").unwrap();
    s.exp_string(">>> ").unwrap();
    block(
        &mut s,
        &["class Box:", "    def __init__(self): self.payload = 5"],
    );
    enter(&mut s, "b = Box()");
    s.send("b.pay\t").unwrap();
    s.send_line(" + 1").unwrap();
    s.exp_string("6").unwrap();
}

/// Tab as GNU readline does it under CPython's rlcompleter: several
/// candidates complete their common prefix, a second Tab lists them all;
/// keywords come with their space, functions with `(` (or `()` when they
/// take nothing).
#[test]
fn tab_lists_candidates_as_readline_does() {
    let mut s = start(&home("complete_list"));
    s.send("asyncio.s\t").unwrap();
    s.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    s.send("\t").unwrap();
    s.flush().unwrap();
    // (Circling through them, as Tab did, shows set_… first.)
    s.exp_string("asyncio.sleep(").unwrap();
    s.send_control('c').unwrap();
    s.exp_string("KeyboardInterrupt").unwrap();
    s.exp_string(">>> ").unwrap();
    block(&mut s, &["def main():", "    return 'ran main'"]);
    s.send("mai\t").unwrap();
    s.send_line("").unwrap();
    s.exp_string("'ran main'").unwrap();
    s.exp_string(">>> ").unwrap();
    s.send("whil\t").unwrap();
    s.send_line("False: pass").unwrap();
    s.exp_string("... ").unwrap();
    let screen = enter(&mut s, "");
    assert!(!screen.contains("Error"), "{screen:?}");
}

/// `input()` at the prompt: Ctrl-C interrupts it (the read used to go on,
/// and the next line typed became its answer), Ctrl-D is `EOFError`, and
/// the session goes on.
#[test]
fn ctrl_c_and_ctrl_d_end_input() {
    let mut s = start(&home("input"));
    s.send_line("answer = input('name? ')").unwrap();
    s.exp_string("name? ").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    s.send_control('c').unwrap();
    s.exp_string("KeyboardInterrupt").unwrap();
    s.exp_string(">>> ").unwrap();
    s.send_line("answer = input('again? ')").unwrap();
    s.exp_string("again? ").unwrap();
    s.send_control('d').unwrap();
    s.exp_string("EOFError").unwrap();
    s.exp_string(">>> ").unwrap();
    s.send_line("answer = input('last? ')").unwrap();
    s.exp_string("last? ").unwrap();
    enter(&mut s, "typed");
    assert!(enter(&mut s, "answer").contains("'typed'"));
}

#[test]
fn typed_code_is_highlighted() {
    let mut s = start_with(&home("highlight"), false);
    s.send("await asyncio.sleep(0, 'x')").unwrap();
    s.flush().unwrap();
    s.exp_string("\x1b[1;35mawait\x1b[0m").unwrap();
    s.exp_string("\x1b[32m'x'\x1b[0m").unwrap();
    s.send_line("").unwrap();
    s.exp_string(">>> ").unwrap();
}

#[test]
fn finalizers_run_when_the_last_reference_goes() {
    let mut s = start(&home("finalizers"));
    block(
        &mut s,
        &[
            "def numbers():",
            "    try:",
            "        yield 1",
            "    finally:",
            "        print('closed', 'numbers')",
        ],
    );
    block(
        &mut s,
        &[
            "class Resource:",
            "    def __del__(self):",
            "        print('released', 'resource')",
        ],
    );
    enter(&mut s, "g = numbers(); next(g)");
    // Closed as the input drops it, before the next prompt.
    assert!(enter(&mut s, "g = None").contains("closed numbers"));
    assert!(enter(&mut s, "r = Resource(); r = 0").contains("released resource"));
    // What the session's names still hold is finalized when it ends.
    enter(&mut s, "kept = Resource()");
    s.send_control('d').unwrap();
    s.exp_string("released resource").unwrap();
    s.exp_eof().unwrap();
    assert_eq!(exit_status(&s), 0);
}
