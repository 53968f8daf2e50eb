//! Text printed while the prompt waits — what tasks print between inputs —
//! goes above the prompt, which is drawn again under it with the line
//! being typed, where the line editor expects to find them.
//!
//! The editor (on its own thread) records what it draws through its
//! highlighter ([`Shown`]); the main thread prints with [`Screen`].
//! rustyline's own `ExternalPrinter` would do this, but with it the editor
//! leaves keys that arrive together (a paste, fast typing) unprocessed
//! until the next key.

use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard};

use unicode_width::UnicodeWidthStr;

/// What the editor shows now.
#[derive(Default)]
pub struct Shown {
    /// Whether a prompt is on the screen, waiting for keys.
    pub reading: bool,
    /// Whether `line` is what is on the screen: the highlighter saw it.
    pub known: bool,
    pub prompt: String,
    /// The line as typed, and as drawn (highlighted).
    pub line: String,
    pub drawn: String,
    /// The cursor's byte offset in `line`.
    pub pos: usize,
}

impl Shown {
    /// Where the cursor is, in columns from the prompt's start, when the
    /// prompt and the line fit on one row of the terminal; `None` when
    /// they do not (or what is drawn is unknown).
    fn cursor_column(&self) -> Option<usize> {
        let columns = terminal_size::terminal_size().map_or(80, |(width, _)| width.0 as usize);
        let prompt = self.prompt.width();
        let fits = !self.line.contains('\n') && prompt + self.line.width() < columns;
        (self.known && fits).then(|| prompt + self.line[..self.pos].width())
    }
}

#[derive(Clone, Default)]
pub struct Screen {
    pub shown: Arc<Mutex<Shown>>,
}

impl Screen {
    pub fn shown(&self) -> MutexGuard<'_, Shown> {
        self.shown
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Prints `text` to stdout above the prompt, if one waits.
    pub fn print(&self, text: &str) {
        let shown = self.shown();
        clear_prompt(&shown);
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        if shown.reading && !text.ends_with('\n') {
            let _ = out.write_all(b"\n");
        }
        let _ = out.flush();
        drop(out);
        redraw_prompt(&shown);
    }

    /// Runs `report` (which writes to stderr) above the prompt, if one
    /// waits.
    pub fn report(&self, report: impl FnOnce()) {
        let shown = self.shown();
        clear_prompt(&shown);
        report();
        redraw_prompt(&shown);
    }
}

/// Takes the prompt's row for what is printed next; a prompt that takes
/// more than one row stays, and what is printed goes under it.
fn clear_prompt(shown: &Shown) {
    if !shown.reading {
        return;
    }
    let clear = match shown.cursor_column() {
        Some(_) => "\r\x1b[K",
        None => "\r\n",
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(clear.as_bytes());
    let _ = out.flush();
}

/// The prompt and the line again, the cursor where it was; a prompt that
/// takes more than one row the editor draws at the next key.
fn redraw_prompt(shown: &Shown) {
    if !shown.reading {
        return;
    }
    let Some(column) = shown.cursor_column() else {
        return;
    };
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{}{}\r", shown.prompt, shown.drawn);
    if column > 0 {
        let _ = write!(out, "\x1b[{column}C");
    }
    let _ = out.flush();
}
