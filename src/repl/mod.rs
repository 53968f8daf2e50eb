//! The interactive prompt: `pyl` on a terminal.
//!
//! The line editor (rustyline, with history and Tab completion) collects
//! lines until [`input::is_complete`] says an input is whole; the
//! [`session::Session`] runs it. Ctrl-C discards the input being typed, or
//! interrupts the one running; Ctrl-D leaves.

mod completion;
pub mod input;
mod session;

use std::path::PathBuf;

use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{CompletionType, Config, Editor};

use crate::runtime::interp::Interp;
use completion::ReplHelper;
use session::Session;

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
    let mut editor: Editor<ReplHelper, FileHistory> = match Editor::with_config(config) {
        Ok(editor) => editor,
        Err(error) => {
            eprintln!("pyl: cannot open the terminal: {error}");
            return 1;
        }
    };
    // After the editor, which installs a SIGINT handler of its own for its
    // lifetime: ours must win, so that Ctrl-C interrupts running code.
    crate::runtime::interrupt::install_handler();
    editor.set_helper(Some(ReplHelper {
        interp: session.interp.clone(),
        main: session.main.clone(),
        color: std::env::var_os("NO_COLOR").is_none(),
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
    let status = loop {
        match read_input(&mut editor) {
            Input::Text(text) => {
                if !text.trim().is_empty() {
                    let _ = editor.add_history_entry(text.trim_end_matches('\n'));
                    if let Some(path) = &history {
                        let _ = editor.append_history(path);
                    }
                }
                if let Some(status) = session.run(&text) {
                    break status;
                }
            }
            Input::Interrupted => eprintln!("KeyboardInterrupt"),
            Input::End => break 0,
        }
    };
    session.finish();
    status
}

enum Input {
    Text(String),
    /// Ctrl-C while typing: the input is dropped.
    Interrupted,
    /// Ctrl-D, or the terminal went away.
    End,
}

/// Reads lines (`>>> `, then `... `) until they make a whole input.
fn read_input(editor: &mut Editor<ReplHelper, FileHistory>) -> Input {
    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() { ">>> " } else { "... " };
        match editor.readline(prompt) {
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
