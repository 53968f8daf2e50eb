//! The interactive prompt: `pyl` on a terminal.
//!
//! The line editor (rustyline, with history and Tab completion) collects
//! lines until [`input::is_complete`] says an input is whole; the
//! [`session::Session`] runs it. Ctrl-C discards the input being typed, or
//! interrupts the one running; Ctrl-D leaves.
//!
//! As in `python -m asyncio`, the session's event loop turns while the
//! prompt waits, so tasks go on between inputs: the editor reads on a
//! thread of its own, and the main thread, which owns every Python value,
//! runs the loop until the editor sends an input (or asks it for Tab's
//! candidates). What tasks print then is shown above the prompt
//! (`screen.rs`).

mod completion;
pub mod input;
mod screen;
mod session;

use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use nix::sys::termios::{tcgetattr, tcsetattr, SetArg};
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{CompletionType, Config, Editor};

use crate::runtime::interp::Interp;
use completion::{Completions, EditorHelper};
use screen::{Screen, Shown};
use session::Session;

/// What the editor's thread sends the main thread.
pub enum FromEditor {
    Input(Input),
    /// Tab: the candidates to replace `line` from where, on `reply`.
    Complete {
        line: String,
        pos: usize,
        reply: Sender<(usize, Vec<String>)>,
    },
}

/// How long the editor gives the main thread to take a Ctrl-C typed at
/// the prompt before it interrupts what the main thread runs (a task
/// stuck in a loop), as the signal would.
const INTERRUPT_GRACE: Duration = Duration::from_millis(300);

/// Runs the REPL until Ctrl-D or `exit()`; returns the exit status.
pub fn run(interp: Interp) -> i32 {
    let session = match Session::new(interp) {
        Ok(session) => session,
        Err(_) => {
            eprintln!("pyl: the REPL could not start its asyncio runtime");
            return 1;
        }
    };
    // Tab as in GNU readline, which CPython's prompt uses: the longest
    // common prefix, then on a second Tab the list of candidates.
    let config = Config::builder()
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .build();
    let mut editor: Editor<EditorHelper, FileHistory> = match Editor::with_config(config) {
        Ok(editor) => editor,
        Err(error) => {
            eprintln!("pyl: cannot open the terminal: {error}");
            return 1;
        }
    };
    // After the editor, which installs a SIGINT handler of its own for its
    // lifetime: ours must win, so that Ctrl-C interrupts running code.
    crate::runtime::interrupt::install_handler();
    let (to_main, from_editor) = channel();
    let screen = Screen::default();
    editor.set_helper(Some(EditorHelper {
        requests: to_main.clone(),
        color: std::env::var_os("NO_COLOR").is_none(),
        screen: screen.clone(),
    }));
    let history = history_file();
    if let Some(path) = &history {
        // No history yet is the normal first run.
        let _ = editor.load_history(path);
    }
    println!(
        "pyl {} (Python 3.11 subset) — top-level await works; asyncio is imported.\n\
         Type exit() or press Ctrl-D to leave.",
        env!("CARGO_PKG_VERSION")
    );
    // What the terminal is before the editor puts it in raw mode.
    let terminal = tcgetattr(std::io::stdin()).ok();
    let (ask, asked) = channel();
    let editor_screen = screen.clone();
    let editor_thread =
        std::thread::spawn(move || edit(editor, history, &editor_screen, &asked, &to_main));
    let completions = Completions {
        interp: session.interp.clone(),
        main: session.main.clone(),
    };
    let status = loop {
        // The editor's thread is gone only after it sent `End`.
        let _ = ask.send(());
        match session.wait_for_input(&from_editor, &completions, &screen) {
            Ok(Input::Text(text)) => {
                if let Some(status) = session.run(&text) {
                    break status;
                }
            }
            Ok(Input::Interrupted) => eprintln!("KeyboardInterrupt"),
            Ok(Input::End) => break 0,
            Err(status) => {
                // A task left while the editor waits for a key, which it
                // would wait for still: it ends with the process, and the
                // terminal is put back as it was.
                if let Some(terminal) = &terminal {
                    let _ = tcsetattr(std::io::stdin(), SetArg::TCSADRAIN, terminal);
                }
                println!();
                session.finish();
                return status;
            }
        }
    };
    drop(ask);
    let _ = editor_thread.join();
    session.finish();
    status
}

/// The editor's thread: reads an input each time the main thread asks,
/// keeps it in the history, and sends it.
fn edit(
    mut editor: Editor<EditorHelper, FileHistory>,
    history: Option<PathBuf>,
    screen: &Screen,
    asked: &Receiver<()>,
    to_main: &Sender<FromEditor>,
) {
    let mut was_asked = false;
    loop {
        if !was_asked && asked.recv().is_err() {
            return;
        }
        let input = read_input(&mut editor, screen);
        if let Input::Text(text) = &input {
            if !text.trim().is_empty() {
                let _ = editor.add_history_entry(text.trim_end_matches('\n'));
                if let Some(path) = &history {
                    let _ = editor.append_history(path);
                }
            }
        }
        let (end, interrupted) = (
            matches!(input, Input::End),
            matches!(input, Input::Interrupted),
        );
        if end || to_main.send(FromEditor::Input(input)).is_err() {
            let _ = to_main.send(FromEditor::Input(Input::End));
            crate::runtime::interrupt::wake();
            return;
        }
        crate::runtime::interrupt::wake();
        was_asked = interrupted
            && match asked.recv_timeout(INTERRUPT_GRACE) {
                Ok(()) => true,
                Err(RecvTimeoutError::Timeout) => {
                    crate::runtime::interrupt::raise();
                    false
                }
                Err(RecvTimeoutError::Disconnected) => return,
            };
    }
}

pub enum Input {
    Text(String),
    /// Ctrl-C while typing: the input is dropped.
    Interrupted,
    /// Ctrl-D, or the terminal went away.
    End,
}

/// Reads lines (`>>> `, then `... `) until they make a whole input.
fn read_input(editor: &mut Editor<EditorHelper, FileHistory>, screen: &Screen) -> Input {
    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() { ">>> " } else { "... " };
        *screen.shown() = Shown {
            reading: true,
            ..Shown::default()
        };
        let line = editor.readline(prompt);
        screen.shown().reading = false;
        match line {
            Ok(line) => {
                buffer.push_str(&line);
                buffer.push('\n');
                if input::is_complete(&buffer) {
                    return Input::Text(buffer);
                }
            }
            Err(ReadlineError::Interrupted) => return Input::Interrupted,
            Err(_) => {
                if !buffer.is_empty() {
                    println!();
                }
                return Input::End;
            }
        }
    }
}

/// `$PYL_HISTORY`, else `~/.pyl_history`.
fn history_file() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PYL_HISTORY") {
        return Some(PathBuf::from(path));
    }
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".pyl_history"))
}
